"""Engine benchmark: a 20-stock test model, 10,000-member ensemble, 40 years, dt=0.25, RK4.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_engine.py [--members N] [--repeat R]``.
Prints a markdown table (median wall time of ``--repeat`` runs) for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from simulator import Aux, Constant, Flow, Lookup, Model, SimSettings, Stock, simulate


def twenty_stock_model(n_stocks: int = 20) -> Model:
    """A chain of ``n_stocks`` stocks with growth, transfer, a lookup and a smooth.

    Each stock i has logistic inflow ``g_i * s_i * (1 - s_i / cap)`` scaled by a
    lookup of the total load, and passes ``k_i * s_i`` to the next stock.
    """
    comps = [Lookup("crowding", x=(0.0, 0.5, 1.0, 2.0), y=(1.0, 0.9, 0.5, 0.0)),
             Constant("cap", value=1000.0), Aux("load", equation=" + ".join(f"s{i}" for i in range(n_stocks)) + " / (cap * 10)"),
             Aux("effect", equation="smooth(crowding(load), 2)")]
    for i in range(n_stocks):
        ins = [f"grow{i}"] + ([f"pass{i - 1}"] if i else [])
        outs = [f"pass{i}"] if i < n_stocks - 1 else [f"exit{i}"]
        comps += [
            Stock(f"s{i}", initial=10.0 + i, inflows=tuple(ins), outflows=tuple(outs)),
            Flow(f"grow{i}", equation=f"g{i} * s{i} * (1 - s{i} / cap) * effect"),
            Flow(outs[0], equation=f"k{i} * s{i}"),
            Constant(f"g{i}", value=0.05), Constant(f"k{i}", value=0.02),
        ]
    return Model("bench20", comps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--members", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--method", default="rk4")
    args = ap.parse_args()

    model = twenty_stock_model()
    st = SimSettings(0, 40, 0.25, method=args.method)
    rng = np.random.default_rng(0)
    params = {f"g{i}": rng.uniform(0.02, 0.08, args.members) for i in range(20)}
    simulate(model, params={k: v[:2] for k, v in params.items()}, settings=st)  # compile + warm up
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = simulate(model, params=params, settings=st)
        times.append(time.perf_counter() - t0)
    assert np.isfinite(res["s19"]).all()
    t1 = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        simulate(model, params={k: v[0] for k, v in params.items()}, settings=st)
        t1.append(time.perf_counter() - t0)
    med, med1 = float(np.median(times)), float(np.median(t1))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}")
    print("| model | members | years | dt | method | wall time [s] | per member [ms] | single run [s] |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| 20 stocks, 1 lookup, 1 smooth | {args.members} | 40 | 0.25 | {args.method} | {med:.2f} | "
          f"{1e3 * med / args.members:.3f} | {med1:.3f} |")


if __name__ == "__main__":
    main()
