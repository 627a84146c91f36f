"""Results on disk.

Layout of one run (``regsim run``)::

    DIR/<scenario>/timeseries.csv    # or timeseries.parquet
    DIR/<scenario>/metadata.json

``timeseries`` is long format with columns ``scenario, variable, dimension,
year, value, unit``. ``dimension`` is the cell label: empty for scalars, the
element name for a variable over one dimension (the sector/partner), and the
element names joined by ``","`` in dims order for a variable over several
(``"construction,equipment_mfg"`` for commodity x sector; CSV quotes such
fields). The columns are the same for every model, so files of different
scenarios concatenate and compare row by row. ``metadata.json`` holds the
scenario file contents, parameter hash, seed, regsim version, settings, units,
run time, and ``dims`` (arrayed variable -> its dimensions) and ``coords``
(dimension -> element names), from which :func:`dimension_columns` adds one
column per dimension. Files written before ``dims``/``coords`` existed read the
same (their labels are single element names).

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


def results_columns(results, scenario: str, variables=None) -> tuple[list[str], dict]:
    """The columns of :func:`results_frame` as numpy arrays (no pandas)."""
    cols, arrays = results.long_columns(variables, with_units=True)
    n = len(next(iter(arrays.values()))) if arrays else 0
    return ["scenario"] + cols, {"scenario": np.full(n, scenario, dtype=object), **arrays}


def write_csv(path: Path, columns: list[str], arrays: dict, float_format: str = "%.10g") -> None:
    """Write columns as CSV exactly as ``pandas.DataFrame.to_csv(path, index=False, float_format=...)``
    does (header row, ``\n`` line ends, minimal quoting, NaN as an empty field), without pandas:
    importing pandas costs more than a single run of the model, and ``regsim run`` needs no more.
    """
    import csv

    def text(a: np.ndarray) -> list:
        if a.dtype.kind == "f":
            out = [float_format % x for x in a.tolist()]
            for i in np.flatnonzero(np.isnan(a)):
                out[i] = ""
            return out
        if a.dtype.kind in "iub":
            return [str(x) for x in a.tolist()]
        return ["" if x is None else str(x) for x in a.tolist()]

    cols = [text(np.asarray(arrays[c])) for c in columns]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        w.writerows(zip(*cols))


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
    if fmt == "csv":
        path = directory / "timeseries.csv"
        write_csv(path, *results_columns(results, scenario))
    elif fmt == "parquet":
        path = directory / "timeseries.parquet"
        results_frame(results, scenario).to_parquet(path, index=False)
    else:
        raise ValueError(f"unknown format {fmt!r} (csv or parquet)")
    meta = dict(results.metadata)
    meta.update(metadata or {})
    meta["units"] = dict(results.units)
    meta["format"] = fmt
    meta["columns"] = COLUMNS
    meta.update(_dims_metadata(results))
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


def _dims_metadata(results) -> dict:
    """``{"dims": {variable: [dims]}, "coords": {dim: [elements]}}`` of the saved arrayed variables."""
    dims = {v: list(results.dims[v]) for v in results.variables if results.dims.get(v)}
    used = [d for ds in dims.values() for d in ds]
    return {"dims": dims, "coords": {d: list(results.coords[d]) for d in dict.fromkeys(used)}}


def dimension_columns(df, metadata: dict):
    """A copy of a long frame (``timeseries``, ``quantiles``, ...) with one column per dimension.

    Each arrayed variable's ``dimension`` label is split into its elements, one
    column per dimension named after it (``""`` where a variable lacks that
    dimension), inserted after ``dimension``. ``metadata`` is the results'
    ``metadata.json`` (its ``dims`` and ``coords``); without them (files of older
    versions) the frame is returned unchanged.

    Raises
    ------
    ValueError
        A label does not match the variable's dimensions, or a dimension has the
        name of an existing column.
    """
    from ..engine.results import cell_labels

    out = df.copy()
    dims = metadata.get("dims") or {}
    coords = metadata.get("coords") or {}
    names = list(dict.fromkeys(d for v in dims for d in dims[v]))
    if not names:
        return out
    clash = [d for d in names if d in out.columns]
    if clash:
        raise ValueError(f"dimension(s) {', '.join(clash)} have the name of a column of the frame")
    cols = {d: np.full(len(out), "", dtype=object) for d in names}
    var = out["variable"].to_numpy()
    lab = out["dimension"].astype(str).to_numpy()
    for v, ds in dims.items():
        rows = np.flatnonzero(var == v)
        if not rows.size:
            continue
        cells = cell_labels(coords[d] for d in ds)
        lookup = {c: i for i, c in enumerate(cells)}
        try:
            idx = np.array([lookup[x] for x in lab[rows]], dtype=int)
        except KeyError as exc:
            raise ValueError(f"{v}: dimension label {exc.args[0]!r} is not a cell of {' x '.join(ds)}") from None
        grid = np.array(np.unravel_index(idx, tuple(len(coords[d]) for d in ds)))
        for k, d in enumerate(ds):
            cols[d][rows] = np.asarray(coords[d], dtype=object)[grid[k]]
    at = list(out.columns).index("dimension") + 1
    for k, d in enumerate(names):
        out.insert(at + k, d, cols[d])
    return out


def split_variables(text: str) -> list[str]:
    """Split a comma-separated list of variables, keeping commas inside brackets.

    ``"gdp_real, io[construction, equipment_mfg],pop[old,male]"`` ->
    ``["gdp_real", "io[construction,equipment_mfg]", "pop[old,male]"]`` (each
    normalised by :func:`variable_cell`).
    """
    out, depth, cur = [], 0, []
    for ch in text or "":
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(depth - 1, 0)
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [_join(*variable_cell(v)) for v in out if v.strip()]


def variable_cell(spec: str) -> tuple[str, str | None]:
    """``"io[construction, equipment_mfg]"`` -> ``("io", "construction,equipment_mfg")``; ``"gdp"`` -> ``("gdp", None)``.

    The label is the cell label of the long format (element names joined by ``","``,
    spaces around them dropped).
    """
    spec = spec.strip()
    if spec.endswith("]") and "[" in spec:
        name, inner = spec[:-1].split("[", 1)
        return name.strip(), ",".join(e.strip() for e in inner.split(","))
    return spec, None


def _join(name: str, label: str | None) -> str:
    return name if label is None else f"{name}[{label}]"
