"""Reading result files back (``plot``, ``report``) with checks and messages that name the file.

A results directory given on the command line may be anything: a directory
someone edited, a truncated copy, a FIFO named ``timeseries.csv``. These
functions check each file (regular, within the size cap of
:mod:`simulator.limits`) before pandas or json sees it, and turn whatever the
parsers raise into :class:`~simulator.inputfiles.InputFileError` naming the
file (and the column, where one is at fault).
"""

from __future__ import annotations

from pathlib import Path

from ..inputfiles import InputFileError, check_regular, load_json
from ..limits import limit

RESULT_COLUMNS = ("variable", "year", "value")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def check_table(df, path, *, required=RESULT_COLUMNS, numeric=("year", "value")) -> None:
    """Refuse a table without the ``required`` columns or with non-numeric ``numeric`` columns."""
    import pandas as pd

    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputFileError(path, f"not a regsim results table: column(s) {', '.join(missing)} missing "
                             f"(it has: {', '.join(map(str, df.columns[:10]))})")
    for c in numeric:
        if c not in df.columns:
            continue
        col = pd.to_numeric(df[c], errors="coerce")
        bad = col.isna() & df[c].notna() & (df[c].astype(str).str.strip().str.lower() != "nan")
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputFileError(path, f"column {c}: {str(df[c].iloc[i])[:40]!r} on data row {i + 1} is not a number")


def load_table(path, *, required=RESULT_COLUMNS, numeric=("year", "value"), what: str = "results table"):
    """A CSV/Parquet table of results, checked (see :func:`check_table`)."""
    import pandas as pd

    p = Path(path)
    check_regular(p, what=what, max_bytes=limit("MAX_TABLE_BYTES"))
    try:
        if p.suffix == ".parquet":
            df = pd.read_parquet(p)
        else:
            df = pd.read_csv(p, keep_default_na=False, dtype={"dimension": str}, encoding="utf-8")
    except UnicodeDecodeError:
        raise InputFileError(p, "not UTF-8 text; not a regsim results table") from None
    except Exception as exc:  # pandas/pyarrow parser errors have no common base class
        raise InputFileError(p, f"cannot be read as a table: {_one_line(exc)}") from None
    check_table(df, p, required=required, numeric=numeric)
    for c in numeric:
        if c in df.columns:
            df[c] = pd.to_numeric(df[c], errors="coerce")
    return df


def load_metadata(path) -> dict:
    """``metadata.json`` of a results directory, checked to be a JSON object."""
    meta = load_json(path, what="results metadata file")
    if not isinstance(meta, dict):
        raise InputFileError(path, f"must hold a JSON object, got {type(meta).__name__}")
    return meta


def load_results_dir(directory):
    """``(DataFrame, metadata)`` of a results directory written by ``regsim run`` (every file checked first).

    The files are read by :func:`simulator.io.results_files.read_results_dir`
    (the format's own reader); this function checks them before and names the
    file after any failure.
    """
    from .outdir import repair_for_reading
    from .results_files import read_results_dir

    d = Path(directory)
    repair_for_reading(d)
    if not d.is_dir():
        raise InputFileError(d, "not a directory")
    meta_path = d / "metadata.json"
    if not meta_path.exists() and not meta_path.is_symlink():
        raise InputFileError(d, "not a results directory (no metadata.json)")
    load_metadata(meta_path)
    table = next((d / n for n in ("timeseries.parquet", "timeseries.csv") if (d / n).exists() or (d / n).is_symlink()),
                 None)
    if table is None:
        raise InputFileError(d, "not a results directory (no timeseries.csv or timeseries.parquet)")
    check_regular(table, what="results table", max_bytes=limit("MAX_TABLE_BYTES"))
    try:
        df, meta = read_results_dir(d)
    except InputFileError:
        raise
    except UnicodeDecodeError:
        raise InputFileError(table, "not UTF-8 text; not a regsim results table") from None
    except Exception as exc:  # pandas/pyarrow parser errors have no common base class
        raise InputFileError(table, f"cannot be read as a table: {_one_line(exc)}") from None
    check_table(df, table)
    import pandas as pd

    for c in ("year", "value"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    return df, meta
