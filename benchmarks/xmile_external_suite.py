"""regsim and PySD on every XMILE/Stella file of an external folder: pass, refuse or fail.

For local measurement only: the folders measured (the full SDXorg test-models suite,
simlin's and SDEverywhere's test models, BPTK-Py's examples...) are public repositories
that cannot be committed here; check them out anywhere, e.g. ``/work/ext/models``, and run::

    .venv/bin/python benchmarks/xmile_external_suite.py /work/ext/models [--no-pysd]
        [--json results.json] [--markdown table.md] [--timeout 120]

Every ``*.xmile``, ``*.stmx``, ``*.itmx`` file under the folder is read and run by each
tool with the file's own ``sim_specs``. The reference output is ``output.csv`` or
``output.tab`` in the model's folder, else ``<stem>.csv``/``.tab``/``.dat`` beside it
(:func:`simulator.xmile.conformance.find_reference`). Outcome per tool:

- ``pass``: every reference column matches at every reference time within
  ``|x - y| <= 1e-5 + 1e-5*|y|`` (the conformance tolerance);
- ``fail``: the tool ran but a column differs or is missing (the first ones are listed);
- ``refuse`` (regsim): an ``XmileError`` naming the construct it does not support;
- ``error``: any other exception (for regsim: a bug to fix; for PySD: it cannot read or run it);
- ``ran`` / ``no reference``: no reference output next to the file (regsim ran it / refused it is
  still reported).

PySD is run as its own test harness does (``pysd.read_xmile`` then ``model.run()``, Euler),
and compared with the same reference and tolerance. Each file gets ``--timeout`` seconds per tool.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

EXTENSIONS = (".xmile", ".stmx", ".itmx")


class Timeout(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - signal handler
    raise Timeout()


def model_files(root: Path) -> list[Path]:
    """Every XMILE/Stella model file under ``root`` (skipping ``.git``), sorted."""
    out = [p for p in root.rglob("*") if p.suffix.lower() in EXTENSIONS and p.is_file()
           and ".git" not in p.parts]
    return sorted(out)


def _short(text: str, n: int = 240) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 3] + "..."


def run_regsim(path: Path, root: Path, timeout: int) -> dict:
    from simulator.xmile.conformance import run_case

    signal.alarm(timeout)
    t0 = time.perf_counter()
    try:
        r = run_case(path, root)
    except Timeout:
        return {"status": "error", "reason": f"timed out after {timeout} s", "construct": ""}
    finally:
        signal.alarm(0)
    status = r.status
    if status == "no reference":
        status = "ran"
    reason = r.reason.replace(str(path.resolve()) + ": ", "").replace(str(path) + ": ", "")
    return {"status": status, "reason": _short(reason.replace(str(root) + "/", "")), "construct": r.construct,
            "seconds": round(time.perf_counter() - t0, 3)}


def _pysd_getter(df):
    from simulator.xmile.conformance import split_column
    from simulator.xmile.equations import canonical

    cols = {}
    for c in df.columns:
        base, subs = split_column(str(c))
        cols[(canonical(base), tuple(canonical(s) for s in subs))] = c

    def get(col):
        base, subs = split_column(col)
        key = (canonical(base), tuple(canonical(s) for s in subs))
        if key not in cols:
            return None
        try:
            return df[cols[key]].to_numpy(dtype=float)
        except (TypeError, ValueError):
            return None
    return get


def run_pysd(path: Path, timeout: int) -> dict:
    import pysd

    from simulator.xmile.conformance import compare, find_reference, load_canonical

    ref = find_reference(path)
    signal.alarm(timeout)
    try:
        with tempfile.TemporaryDirectory(prefix="pysd-ext-") as d, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copy = Path(d) / (path.stem + ".xmile")
            shutil.copy(path, copy)
            try:
                model = pysd.read_xmile(str(copy))
            except Exception as exc:  # noqa: BLE001 - reported
                return {"status": "error", "reason": _short(f"cannot read: {type(exc).__name__}: {exc}")}
            try:
                df = model.run()
            except Exception as exc:  # noqa: BLE001 - reported
                return {"status": "error", "reason": _short(f"cannot run: {type(exc).__name__}: {exc}")}
    except Timeout:
        return {"status": "error", "reason": f"timed out after {timeout} s"}
    finally:
        signal.alarm(0)
    if ref is None:
        return {"status": "ran", "reason": "no reference output"}

    class _Res:
        times = df.index.to_numpy(dtype=float)

    problems = compare(None, _Res, load_canonical(ref), column=_pysd_getter(df))
    return {"status": "pass" if not problems else "fail", "reason": _short("; ".join(problems[:2]))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path, help="folder holding the external model files")
    ap.add_argument("--no-pysd", action="store_true", help="run regsim only")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per file and tool (default 120)")
    ap.add_argument("--json", type=Path, help="write the per-file results as JSON")
    ap.add_argument("--markdown", type=Path, help="write the per-file table as Markdown")
    ap.add_argument("--only", default="", help="only files whose path contains this text")
    ap.add_argument("--exclude", action="append", default=[], metavar="TEXT",
                    help="skip files whose path (relative to ROOT) contains TEXT (repeatable), e.g. a "
                         "repository's copy of another suite")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGALRM, _alarm)
    from simulator.xmile.conformance import find_reference

    files = [p for p in model_files(args.root) if args.only in str(p)
             and not any(x in str(p.relative_to(args.root)) for x in args.exclude)]
    rows = []
    t_all = time.perf_counter()
    for p in files:
        rel = str(p.relative_to(args.root))
        ref = find_reference(p)
        row = {"file": rel, "reference": ref.name if ref else "", "regsim": run_regsim(p, args.root, args.timeout)}
        if not args.no_pysd:
            row["pysd"] = run_pysd(p, args.timeout)
        rows.append(row)
        print(f"{row['regsim']['status']:>7} {row.get('pysd', {}).get('status', ''):>7}  {rel}", file=sys.stderr)

    with_ref = [r for r in rows if r["reference"]]
    lines = [f"{len(files)} model files under `{args.root}`, {len(with_ref)} with a reference output "
             f"(run in {time.perf_counter() - t_all:.0f} s).", ""]
    for tool in ("regsim", "pysd"):
        if tool not in (rows[0] if rows else {}):
            continue
        c = Counter(r[tool]["status"] for r in with_ref)
        lines.append(f"- {tool}, files with a reference: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    c = Counter(r["regsim"]["status"] for r in rows if not r["reference"])
    if c:
        lines.append("- regsim, files without a reference: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    if rows and "pysd" in rows[0]:
        both = sum(r["regsim"]["status"] == r["pysd"]["status"] == "pass" for r in with_ref)
        only_r = sum(r["regsim"]["status"] == "pass" != r["pysd"]["status"] for r in with_ref)
        only_p = sum(r["pysd"]["status"] == "pass" != r["regsim"]["status"] for r in with_ref)
        lines.append(f"- files with a reference passed by both tools: {both}; by regsim only: {only_r}; "
                     f"by PySD only: {only_p}")
    refusals = Counter(r["regsim"]["construct"] or "(other)" for r in rows if r["regsim"]["status"] == "refuse")
    if refusals:
        lines += ["", "regsim refusals by construct (all files): " + "; ".join(
            f"{k} {v}" for k, v in sorted(refusals.items(), key=lambda kv: (-kv[1], kv[0])))]
    lines += ["", "| file | reference | regsim | reason | PySD | PySD reason |", "|---|---|---|---|---|---|"]
    for r in rows:
        g, py = r["regsim"], r.get("pysd", {})
        cells = [f"`{r['file']}`", r["reference"], g["status"], g["reason"], py.get("status", ""),
                 py.get("reason", "")]
        lines.append("| " + " | ".join(str(x).replace("|", "\\|") for x in cells) + " |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
