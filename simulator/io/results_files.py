"""Results on disk.

Layout of one run (``regsim run``)::

    DIR/<scenario>/timeseries.csv    # or timeseries.parquet
    DIR/<scenario>/metadata.json

``timeseries`` is long format with columns ``scenario, variable, dimension,
year, value, unit`` (``dimension`` empty for scalars, else the sector/partner).
``metadata.json`` holds the scenario file contents, parameter hash, seed,
regsim version, settings, units and run time.

Writes are atomic: files go to a temporary sibling directory that replaces the
target only when complete, so a failed run never leaves a half-written or
half-overwritten result (:mod:`simulator.io.outdir`: the output convention,
manifests, replacing and repairing).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .outdir import OutputExistsError, atomic_output_dir  # noqa: F401  (re-exported; see outdir.py)

COLUMNS = ["scenario", "variable", "dimension", "year", "value", "unit"]


def results_frame(results, scenario: str, variables=None):
    """Long DataFrame ``scenario, variable, dimension, year, value, unit`` of run 0 (or all runs)."""
    df = results.to_dataframe(variables, with_units=True)
    df.insert(0, "scenario", scenario)
    return df


def _json_default(o):
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def write_results(results, directory: str | Path, *, scenario: str, fmt: str = "csv", metadata: dict | None = None) -> Path:
    """Write ``timeseries.<fmt>`` and ``metadata.json`` into an existing ``directory``.

    Parameters
    ----------
    fmt : {"csv", "parquet"}
        Parquet needs ``pyarrow`` (the ``parquet`` extra).
    """
    directory = Path(directory)
    df = results_frame(results, scenario)
    if fmt == "csv":
        path = directory / "timeseries.csv"
        df.to_csv(path, index=False, float_format="%.10g")
    elif fmt == "parquet":
        path = directory / "timeseries.parquet"
        df.to_parquet(path, index=False)
    else:
        raise ValueError(f"unknown format {fmt!r} (csv or parquet)")
    meta = dict(results.metadata)
    meta.update(metadata or {})
    meta["units"] = dict(results.units)
    meta["format"] = fmt
    meta["columns"] = COLUMNS
    (directory / "metadata.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=_json_default),
                                             encoding="utf-8")
    return path


def read_results_dir(directory: str | Path):
    """Read a results directory written by :func:`write_results`: ``(DataFrame, metadata)``."""
    import pandas as pd

    directory = Path(directory)
    meta_path = directory / "metadata.json"
    if not meta_path.exists():
        raise FileNotFoundError(f"{directory}: not a results directory (no metadata.json)")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if (directory / "timeseries.parquet").exists():
        df = pd.read_parquet(directory / "timeseries.parquet")
    elif (directory / "timeseries.csv").exists():
        df = pd.read_csv(directory / "timeseries.csv", keep_default_na=False, dtype={"dimension": str})
    else:
        raise FileNotFoundError(f"{directory}: no timeseries.csv or timeseries.parquet")
    return df, meta
