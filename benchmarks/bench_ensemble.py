"""Ensemble benchmark: scaling with ensemble size and dt, vectorised vs a loop of single runs, executors.

Run with ``.venv/bin/python benchmarks/bench_ensemble.py`` (options: ``--model hlj|test``,
``--sizes 1,10,100,1000,10000,100000``, ``--quick``, ``--repeat 3``). Uses the full Heilongjiang
model (baseline scenario, every uncertain parameter sampled by LHS, headline
variables kept) when it can be built, else the 20-stock test model of
``bench_engine.py``. Prints markdown tables for docs/performance.md.

Timings are wall-clock seconds of :func:`simulator.ensemble.run_ensemble` (the
sample is drawn beforehand and timed separately), one run each unless stated (``--repeat N``:
the ensemble-size table keeps the best of N runs);
``RSS`` is the process's peak resident memory so far (monotonic).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def hlj_case():
    """(label, model, base params, settings, ParameterSet, sampled names, variables) for the HLJ baseline."""
    from simulator.cli.ensemble_cmds import _default_variables, _uncertain_columns
    from simulator.scenarios import prepare

    prep = prepare(ROOT / "scenarios" / "baseline.toml")
    names, _ = _uncertain_columns(prep)
    label = (f"Heilongjiang model ({len(prep.model.components)} components), baseline "
             f"{prep.settings.start:g}-{prep.settings.stop:g}, dt {prep.settings.dt:g}, {prep.settings.method}")
    return label, prep.model, prep.params, prep.settings, prep.parameters, names, _default_variables(prep.model)


def test_case():
    from bench_engine import twenty_stock_model

    from simulator import SimSettings
    from simulator.params import Parameter, ParameterSet

    model = twenty_stock_model()
    ps = ParameterSet([Parameter(f"g{i}", 0.05, "1/yr", (0.02, 0.08), "bench") for i in range(20)]
                      + [Parameter(f"k{i}", 0.02, "1/yr", (0.01, 0.03), "bench") for i in range(20)])
    st = SimSettings(2018, 2050, 0.25, method="euler")
    return ("20-stock test model (bench_engine.py), 2018-2050, dt 0.25, euler", model, {}, st, ps, list(ps),
            ["s0", "s10", "s19", "load"])


def timed(fn, repeat=1, best=False):
    """(median or, with ``best``, least wall-clock seconds of ``repeat`` calls, last result)."""
    ts = []
    out = None
    for _ in range(repeat):
        out = None   # the previous result's memory is free for the next call
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return float(min(ts) if best else np.median(ts)), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=["auto", "hlj", "test"], default="auto")
    ap.add_argument("--sizes", default="1,10,100,1000,10000,100000")
    ap.add_argument("--dt-members", type=int, default=2000)
    ap.add_argument("--loop-members", type=int, default=100)
    ap.add_argument("--quick", action="store_true", help="sizes up to 10,000 only, fewer dt values")
    ap.add_argument("--repeat", type=int, default=1,
                    help="timed runs per ensemble size, the best is kept (the machine is shared)")
    args = ap.parse_args()

    from simulator.ensemble import run_ensemble, sample

    case = None
    if args.model in ("auto", "hlj"):
        try:
            case = hlj_case()
        except Exception as exc:  # noqa: BLE001 - fall back to the test model, say why
            if args.model == "hlj":
                raise
            print(f"(HLJ model unavailable: {exc}; using the 20-stock test model)")
    if case is None:
        case = test_case()
    label, model, base, st, ps, names, variables = case
    dims = model.dimensions
    sizes = [int(x) for x in args.sizes.split(",")]
    if args.quick:
        sizes = [n for n in sizes if n <= 10_000]

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}")
    print(f"model: {label}")
    ncols = len(sample(ps, 2, 0, include=names, dimensions=dims).columns)
    print(f"uncertain inputs: {len(names)} parameters -> {ncols} sampled columns; kept variables: {', '.join(variables)}")
    print()

    # warm-up (compile, imports)
    run_ensemble(model, sample(ps, 4, 0, include=names, dimensions=dims), base, st, variables=variables)

    # 1. ensemble size
    from simulator.engine import default_chunk_size

    chunk = default_chunk_size(model, variables)
    best = f", best of {args.repeat}" if args.repeat > 1 else ""
    from simulator.ensemble.processes import available_workers

    print(f"### Ensemble size (LHS; the default executor `auto`: in this process up to one chunk of "
          f"{chunk:,} members, beyond it {available_workers()} worker processes with the chunks evened out{best})")
    print()
    print("| members | sample [s] | run [s] | per member [ms] | quantiles [s] | peak RSS [MB] |")
    print("|---:|---:|---:|---:|---:|---:|")
    per10k = None
    for n in sizes:
        ts, s = timed(lambda n=n: sample(ps, n, 1, include=names, dimensions=dims))
        tr, e = timed(lambda s=s: run_ensemble(model, s, base, st, variables=variables), repeat=args.repeat,
                      best=True)
        tq, _ = timed(lambda e=e: e.quantiles())
        if n == 10_000:
            per10k = tr / n
        print(f"| {n:,} | {ts:.3f} | {tr:.3f} | {1e3 * tr / n:.3f} | {tq:.3f} | {rss_mb():.0f} |")
        del e, s
    print()

    # 2. dt
    n = args.dt_members
    s = sample(ps, n, 1, include=names, dimensions=dims)
    dts = [1.0, 0.5, 0.25, 0.125] + ([] if args.quick else [0.0625])
    print(f"### Time step ({n:,} members, in this process)")
    print()
    print("| dt [yr] | steps | run [s] | per member [ms] | per member-step [µs] |")
    print("|---:|---:|---:|---:|---:|")
    for dt in dts:
        st_dt = replace(st, dt=dt)
        steps = int(round((st.stop - st.start) / dt))
        try:
            tr, _ = timed(lambda st_dt=st_dt: run_ensemble(model, s, base, st_dt, variables=variables,
                                                           executor="inprocess"))
        except Exception as exc:  # noqa: BLE001 - e.g. a coarse dt may be unstable; report it
            print(f"| {dt:g} | {steps} | failed: {type(exc).__name__} | | |")
            continue
        print(f"| {dt:g} | {steps} | {tr:.3f} | {1e3 * tr / n:.3f} | {1e6 * tr / (n * steps):.3f} |")
    print()

    # 3. vectorised vs loop of single runs
    from simulator import simulate

    m = args.loop_members
    s = sample(ps, m, 1, include=names, dimensions=dims)
    tv, _ = timed(lambda: run_ensemble(model, s, base, st, variables=variables, executor="inprocess"), repeat=3)

    def loop():
        for i in range(m):
            simulate(model, {**base, **_row_params(model, s, i)}, st, save=variables)

    tl, _ = timed(loop)
    print(f"### Vectorised ensemble vs a loop of single runs ({m} members, same sample)")
    print()
    print("| how | wall [s] | per member [ms] | speed-up |")
    print("|---|---:|---:|---:|")
    print(f"| loop of {m} single `simulate` calls | {tl:.3f} | {1e3 * tl / m:.2f} | 1.0 |")
    print(f"| one vectorised ensemble of {m} | {tv:.3f} | {1e3 * tv / m:.3f} | {tl / tv:.1f} |")
    if per10k:
        print(f"| vectorised, 10,000 members (table above) | {per10k * 1e4:.3f} | {1e3 * per10k:.3f} | "
              f"{(tl / m) / per10k:.0f} |")
    print()

    # 4. chunk size and executors at 10k
    n = 10_000
    s = sample(ps, n, 1, include=names, dimensions=dims)
    print(f"### Chunk size and executor ({n:,} members; results bit-identical in every row)")
    print()
    print("| executor | chunk | run [s] | per member [ms] | identical |")
    print("|---|---:|---:|---:|---|")
    ref = None
    rows = [("inprocess", 500, {"executor": "inprocess"}), ("inprocess", 2000, {"executor": "inprocess"}),
            ("inprocess", 10000, {"executor": "inprocess"}),
            ("processes, one per core (`auto`), default chunk evened out over the workers", None, {}),
            ("processes, one per core, chunks of 1,000", 1000, {"executor": "processes"}),
            ("dask, LocalCluster of 2 worker processes started and stopped by the call", 2000,
             {"executor": "dask", "n_workers": 2, "processes": True}),
            ("dask, LocalCluster of 2 threads started and stopped by the call", 2000,
             {"executor": "dask", "n_workers": 2, "processes": False})]
    import dask
    from dask.distributed import Client, LocalCluster

    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    run_ensemble(model, s.iloc[:10], base, st, variables=variables, executor="dask", scheduler=client)  # warm
    rows.append(("dask, running 2-process cluster (Client passed as scheduler)", 2000,
                 {"executor": "dask", "scheduler": client}))
    rows.append(("dask, running 2-process cluster (Client passed as scheduler)", 1000,
                 {"executor": "dask", "scheduler": client}))
    for name, cs, kw in rows:
        tr, e = timed(lambda cs=cs, kw=kw: run_ensemble(model, s, base, st, variables=variables, chunk_size=cs, **kw))
        same = "reference" if ref is None else str(all(np.array_equal(e.values(v), ref.values(v), equal_nan=True)
                                                        for v in variables))
        ref = ref or e
        print(f"| {name} | {e.metadata['chunk_size']} | {tr:.3f} | {1e3 * tr / n:.3f} | {same} |")
    client.close()
    cluster.close()
    print()

    # 5. the CLI end to end
    if case[0].startswith("Heilongjiang"):
        with tempfile.TemporaryDirectory() as d:
            cmd = [sys.executable, "-c", "from simulator.cli.ensemble_cmds import uncertainty; uncertainty()",
                   str(ROOT / "scenarios" / "baseline.toml"), "-n", "10000", "--seed", "1", "-o", f"{d}/u", "-q"]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
            tcli = time.perf_counter() - t0
        print("### CLI end to end")
        print()
        print("| command | wall [s] |")
        print("|---|---:|")
        print(f"| `regsim uncertainty scenarios/baseline.toml -n 10000 --seed 1 -o DIR -q` "
              f"(process start to files written) | {tcli:.2f} |")


def _row_params(model, s, i):
    """Parameters of sample row ``i`` for a single run (arrayed constants reassembled)."""
    from simulator.ensemble.runner import _chunk_params, _column_map

    colmap = _column_map(model, s.columns)
    p = _chunk_params(model, colmap, s.to_numpy(dtype=float)[i:i + 1], {})
    return {k: (v[0] if np.ndim(v) >= 2 else float(v[0])) for k, v in p.items()}


if __name__ == "__main__":
    main()
