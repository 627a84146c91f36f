"""Single runs and ensemble members: regsim against PySD on the same XMILE files.

Run with ``.venv/bin/python benchmarks/bench_single_run.py [--repeat 7] [--members 1000] [--hlj]``
(needs ``pip install pysd``, part of the dev extras). Models:

- every ``*.xmile`` file of the conformance suite in ``tests/sd-test-models/tests/``;
- ``benchmarks/models/sir_long.xmile`` (an SIR epidemic, 3,200 steps: a long single run with
  few variables) and ``benchmarks/models/regional20.xmile`` (see pysd_compare.py);
- with ``--hlj``: the Heilongjiang model with the baseline scenario, exported to XMILE
  (``simulator.xmile.write(..., pysd_compat=True)``).

For each file both tools read the same file with its own ``sim_specs`` (integrated with
Euler: PySD's only method) and save every variable at every saved time:

- PySD run: ``model.run()``; regsim run: ``simulate(model, settings=...)`` of one member;
- regsim per member: one vectorised ``simulate`` of ``--members`` identical members
  (``n_runs=``) divided by the member count (PySD has no ensemble axis: its time per member
  is its time per run);
- every time is the *best* of ``--repeat`` runs after a warm-up run (the machine is shared:
  the best run is the least disturbed one).

Prints a markdown table with the ratios PySD/regsim and says which files miss the targets
(single run >= 5x, per member >= 1,000x).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "sd-test-models" / "tests"
MODELS = ROOT / "benchmarks" / "models"


def best(fn, repeat: int) -> float:
    """Best wall time of ``fn()`` over ``repeat`` calls (after one warm-up call)."""
    fn()
    out = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t0)
    return out


def measure(path: Path, repeat: int, members: int) -> dict:
    import pysd

    from simulator import simulate
    from simulator.xmile import read

    row: dict = {"model": str(path.relative_to(SUITE)) if path.is_relative_to(SUITE) else path.name}
    with tempfile.TemporaryDirectory(prefix="bench-pysd-") as d, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copy = Path(d) / path.name
        shutil.copy(path, copy)
        try:
            pm = pysd.read_xmile(str(copy))
            row["pysd"] = best(lambda: pm.run(), repeat)
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            row["error"] = f"PySD: {type(exc).__name__}: {str(exc)[:80]}"
            return row
    try:
        xm = read(path)
        st = xm.settings(method="euler", on_nonfinite="ignore")
        row["steps"] = int(round((st.stop - st.start) / st.dt))
        row["regsim"] = best(lambda: simulate(xm.model, settings=st), repeat)
        row["member"] = best(lambda: simulate(xm.model, settings=st, n_runs=members), repeat) / members
    except Exception as exc:  # noqa: BLE001
        row["error"] = f"regsim: {type(exc).__name__}: {str(exc)[:80]}"
    return row


def hlj_file(d: Path) -> Path:
    from simulator.scenarios import prepare
    from simulator.xmile import write

    prep = prepare(ROOT / "scenarios" / "baseline.toml")
    p = d / "heilongjiang_baseline.xmile"
    write(prep.model, p, prep.settings, params=prep.params, pysd_compat=True)
    return p


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7, help="timed runs per measurement (best is kept)")
    ap.add_argument("--members", type=int, default=1000, help="members of the vectorised regsim run")
    ap.add_argument("--hlj", action="store_true", help="also the Heilongjiang model exported to XMILE (slow in PySD)")
    args = ap.parse_args()
    try:
        import pysd
    except ImportError:
        sys.exit("pysd is not installed: pip install pysd")

    files = sorted(SUITE.rglob("*.xmile")) + [MODELS / "sir_long.xmile", MODELS / "regional20.xmile"]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        if args.hlj:
            files.append(hlj_file(Path(d)))
        for f in files:
            rows.append(measure(f, args.repeat if "heilongjiang" not in f.name else 2, args.members))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}, pysd {pysd.__version__}; load average at start {os.getloadavg()[0]:.2f}; "
          f"best of {args.repeat} runs, {args.members:,}-member ensembles")
    print()
    print("| model | steps | PySD run [ms] | regsim run [ms] | regsim per member [ms] | run: PySD/regsim | "
          "per member: PySD/regsim |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    ok = []
    for r in rows:
        if "error" in r:
            print(f"| `{r['model']}` | | | | | {r['error']} | |")
            continue
        rr, rm = r["pysd"] / r["regsim"], r["pysd"] / r["member"]
        ok.append((r, rr, rm))
        print(f"| `{r['model']}` | {r['steps']} | {1e3 * r['pysd']:.2f} | {1e3 * r['regsim']:.3f} | "
              f"{1e3 * r['member']:.5f} | {rr:.1f} | {rm:,.0f} |")
    if ok:
        runs = [x[1] for x in ok]
        mems = [x[2] for x in ok]
        gm = lambda v: math.exp(sum(math.log(x) for x in v) / len(v))  # noqa: E731
        print()
        print(f"{len(ok)} files run in both tools. PySD/regsim: single run geometric mean {gm(runs):.1f} "
              f"(min {min(runs):.1f}, `{ok[int(np.argmin(runs))][0]['model']}`), per member geometric mean "
              f"{gm(mems):,.0f} (min {min(mems):,.0f}, `{ok[int(np.argmin(mems))][0]['model']}`).")
        slow = [x[0]["model"] for x in ok if x[1] < 5]
        thin = [x[0]["model"] for x in ok if x[2] < 1000]
        print(f"Single run below 5x: {', '.join(slow) or 'none'}. Per member below 1,000x: {', '.join(thin) or 'none'}.")


if __name__ == "__main__":
    main()
