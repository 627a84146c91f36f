"""This tree's engine against an earlier commit's, on the same machine, interleaved.

Run with ``.venv/bin/python benchmarks/compare_engines.py [--base 16f8617] [--rounds 2] [--only sir,hlj]``.
The base commit is extracted with ``git archive`` into a temporary directory and both trees
are measured in fresh processes (this venv's Python, the tree on ``sys.path`` first), one
after the other, ``--rounds`` times; the best of each is kept (the machine is shared: the
best run is the least disturbed). Measured in each process:

- the Heilongjiang baseline scenario, 10,000 members (LHS sample of every uncertain
  parameter, seed 1, the nine headline variables yearly), the tree's default executor: best of
  3 runs; and the same in this process (``executor="inprocess"``): best of 2;
- one run of the same scenario (``simulate`` with the prepared parameters, headline
  variables): best of 5;
- the 20-stock test model of ``bench_engine.py``, 10,000 members, RK4: best of 3;
- one run of ``benchmarks/models/sir_long.xmile`` (3,200 steps, every variable saved): best of 7;
- the same with 1,000 identical members in one vectorised ``simulate`` (every variable saved at
  every step, as ``bench_single_run.py`` measures per member): best of 7.

Prints wall and CPU seconds per tree (CPU of the measuring process only: the work of worker
processes is not in it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, os, sys, time
root = sys.argv[1]
only = sys.argv[3].split(",") if len(sys.argv) > 3 and sys.argv[3] else None
sys.path.insert(0, root); sys.path.insert(0, os.path.join(root, "benchmarks")); os.chdir(root)
import numpy as np
import simulator
assert simulator.__file__.startswith(root), simulator.__file__
from simulator import SimSettings, simulate

def best(fn, n):
    w, c = [], []
    for _ in range(n):
        t0, p0 = time.perf_counter(), time.process_time()
        fn()
        w.append(time.perf_counter() - t0); c.append(time.process_time() - p0)
    return min(w), min(c)

def want(name):
    return only is None or any(name.startswith(o) or o.startswith(name) for o in only)

out = {}
if want("hlj"):
    from bench_ensemble import hlj_case
    from simulator.ensemble import run_ensemble, sample
    label, model, base, st, ps, names, variables = hlj_case()
    s = sample(ps, 10000, 1, include=names, dimensions=model.dimensions)
    run_ensemble(model, sample(ps, 4, 0, include=names, dimensions=model.dimensions), base, st, variables=variables)
    if want("hlj_ensemble"):
        out["hlj_ensemble_10000"] = best(lambda: run_ensemble(model, s, base, st, variables=variables), 3)
        out["hlj_ensemble_10000_inprocess"] = best(
            lambda: run_ensemble(model, s, base, st, variables=variables, executor="inprocess"), 2)
    if want("hlj_single"):
        out["hlj_single_run"] = best(lambda: simulate(model, params=base, settings=st, save=variables), 5)
if want("bench20"):
    from bench_engine import twenty_stock_model
    m20 = twenty_stock_model()
    st20 = SimSettings(0, 40, 0.25, method="rk4")
    rng = np.random.default_rng(0)
    p20 = {f"g{i}": rng.uniform(0.02, 0.08, 10000) for i in range(20)}
    simulate(m20, params={k: v[:2] for k, v in p20.items()}, settings=st20)
    out["bench20_ensemble_10000_rk4"] = best(lambda: simulate(m20, params=p20, settings=st20), 3)
if want("sir"):
    from simulator.xmile import read
    xm = read(sys.argv[2])
    stx = xm.settings(method="euler", on_nonfinite="ignore")
    simulate(xm.model, settings=stx)
    if want("sir_long_single"):
        out["sir_long_single_run"] = best(lambda: simulate(xm.model, settings=stx), 7)
    if want("sir_long_1000"):
        simulate(xm.model, settings=stx, n_runs=1000)
        out["sir_long_1000_members"] = best(lambda: simulate(xm.model, settings=stx, n_runs=1000), 7)
print(json.dumps(out))
"""


def measure(tree: Path, only: str = "") -> dict:
    sir = ROOT / "benchmarks" / "models" / "sir_long.xmile"
    r = subprocess.run([sys.executable, "-c", PROBE, str(tree), str(sir), only], capture_output=True, text=True,
                       check=True, cwd=tempfile.gettempdir())
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="16f8617", help="commit to compare against (default: before issue 12)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated measurement name prefixes (default: all)")
    args = ap.parse_args()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="regsim-base-") as d:
        archive = subprocess.run(["git", "archive", args.base], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", d], input=archive, check=True)
        best: dict[str, dict] = {"base": {}, "this": {}}
        for _ in range(args.rounds):
            for key, tree in (("base", Path(d)), ("this", ROOT)):
                for k, (w, c) in measure(tree, args.only).items():
                    old = best[key].get(k)
                    best[key][k] = (min(w, old[0]), min(c, old[1])) if old else (w, c)
    import os

    print(f"base {args.base} vs this tree ({head}, with uncommitted changes if any); best of {args.rounds} rounds; "
          f"load average now {os.getloadavg()[0]:.2f}")
    print()
    print("| measurement | base wall [s] | this wall [s] | base CPU [s] | this CPU [s] | CPU: base/this |")
    print("|---|---:|---:|---:|---:|---:|")
    for k in best["base"]:
        (bw, bc), (tw, tc) = best["base"][k], best["this"][k]
        print(f"| {k} | {bw:.3f} | {tw:.3f} | {bc:.3f} | {tc:.3f} | {bc / tc:.2f} |")


if __name__ == "__main__":
    main()
