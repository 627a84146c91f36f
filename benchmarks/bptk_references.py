"""Reference outputs for BPTK-Py's Stella models, from BPTK's own compiled models (local use).

BPTK-Py's tutorial repository ships, next to each Stella file ``<stem>.stmx``/``.itmx``, the
Python model BPTK compiled from it (``<stem>.py``, a plain numpy/scipy file with a class
``simulation_model``). Running that class gives an output independent of regsim; this script
writes it as ``<stem>.csv`` beside the Stella file, with the variable names as regsim reads
them (matched ignoring case, spaces and underscores), so that
``benchmarks/xmile_external_suite.py`` compares regsim with BPTK on those files::

    .venv/bin/python benchmarks/bptk_references.py /work/ext/models/transentis+bptk_py_tutorial

The folder is a local checkout (never committed here). Columns left out: arrayed variables, and
module-input placeholders (BPTK substitutes a module connection into the variables that use it
and leaves the placeholder itself at 0, so its column is not BPTK's value of the input).
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path


def key(name: str) -> str:
    return re.sub(r"[\s_\"\\]+|\\n", "", name.lower())


def reference(stmx: Path) -> Path | None:
    from simulator.xmile import read

    py = stmx.with_suffix(".py")
    if not py.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"bptk_{stmx.stem}", py)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    m = mod.simulation_model()
    xm = read(stmx)
    inputs = {c.name for c in xm.model.components if c.doc.startswith("module input, connected to")}
    names = {key(v): v for k, v in xm.names.items() if k not in inputs}
    cols = {names[key(eq)]: eq for eq in m.equations if "[" not in eq and "*" not in eq and key(eq) in names}
    if not cols:
        return None
    times, t = [], m.starttime
    while t <= m.stoptime + 1e-9:
        times.append(t)
        t += m.dt
    out = stmx.with_suffix(".csv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Time", *cols])
        for t in times:
            w.writerow([t] + [float(m.memoize(eq, t)) for eq in cols.values()])
    return out


def main(argv: list[str] | None = None) -> int:
    sys.setrecursionlimit(100_000)  # BPTK's models recurse once per time step
    root = Path((argv or sys.argv[1:])[0])
    for p in sorted(root.rglob("*")):
        if p.suffix.lower() not in (".stmx", ".itmx"):
            continue
        try:
            out = reference(p)
        except Exception as exc:  # noqa: BLE001 - a model BPTK or regsim cannot read is reported, not fatal
            print(f"skipped {p}: {type(exc).__name__}: {' '.join(str(exc).split())[:160]}")
            continue
        print(f"wrote {out}" if out else f"skipped {p}: no BPTK model beside it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
