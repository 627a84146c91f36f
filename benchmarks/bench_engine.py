"""Engine benchmark: a 20-stock test model and an arrayed input-output model, 10,000-member
ensembles, 40 years, dt=0.25, RK4.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_engine.py [--members N] [--repeat R]``.
Prints a markdown table (best wall time of ``--repeat`` runs: the machine is shared, the best
run is the least disturbed one) for docs/performance.md.
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


def arrayed_model(n_sectors: int = 9, n_partners: int = 3, n_ages: int = 4) -> Model:
    """Sectors x partners trade, a commodity x sector input-output matrix with its Leontief
    inverse, and capital by sector x age class: 3-D arrays, matmul, reductions, a smooth."""
    rng = np.random.default_rng(1)
    dims = {"sector": tuple(f"s{i}" for i in range(n_sectors)),
            "commodity": tuple(f"c{i}" for i in range(n_sectors)),
            "partner": tuple(f"p{i}" for i in range(n_partners)),
            "age": tuple(f"a{i}" for i in range(n_ages))}
    comps = [
        Constant("io", value=rng.uniform(0, 0.1, (n_sectors, n_sectors)), dims=("commodity", "sector")),
        Constant("share", value=rng.uniform(0.05, 0.2, (n_sectors, n_partners)), dims=("sector", "partner")),
        Constant("growth", value=rng.uniform(0.01, 0.04, n_sectors), dims=("sector",)),
        Constant("retire", value=[0.0, 0.02, 0.05, 0.2][:n_ages], dims=("age",)),
        Aux("leontief", equation="inverse(identity('commodity', 'sector') - io)", dims=("sector", "commodity")),
        Stock("capital", initial=10.0, inflows=("invest",), outflows=("scrap",), dims=("sector", "age")),
        Flow("invest", equation="growth * output * 0.3 * (1 - retire)", dims=("sector", "age")),
        Flow("scrap", equation="retire * capital", dims=("sector", "age")),
        Aux("output", equation="sum(capital, 'age') * 0.4", dims=("sector",)),
        Aux("final", equation="rename(output, 'sector', 'commodity') * 0.6", dims=("commodity",)),
        Aux("gross", equation="matmul(leontief, final)", dims=("sector",)),
        Aux("exports", equation="smooth(gross * share, 2)", dims=("sector", "partner")),
        Aux("by_partner", equation="sum(exports, 'sector')", dims=("partner",)),
        Aux("total", equation="sum(exports)"),
    ]
    return Model("bench_arrays", comps, dimensions=dims)


def best(fn, repeat: int) -> float:
    out = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--members", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--method", default="rk4")
    args = ap.parse_args()

    st = SimSettings(0, 40, 0.25, method=args.method)
    rng = np.random.default_rng(0)
    rows = []
    model = twenty_stock_model()
    params = {f"g{i}": rng.uniform(0.02, 0.08, args.members) for i in range(20)}
    simulate(model, params={k: v[:2] for k, v in params.items()}, settings=st)  # compile + warm up
    ens = best(lambda: simulate(model, params=params, settings=st), args.repeat)
    one = best(lambda: simulate(model, params={k: v[0] for k, v in params.items()}, settings=st), args.repeat)
    rows.append(("20 stocks, 1 lookup, 1 smooth", ens, one))
    am = arrayed_model()
    growth = rng.uniform(0.01, 0.04, (args.members, 9))
    simulate(am, params={"growth": growth[:2]}, settings=st)
    ens = best(lambda: simulate(am, params={"growth": growth}, settings=st), args.repeat)
    one = best(lambda: simulate(am, params={"growth": growth[0]}, settings=st), args.repeat)
    rows.append(("arrays: 9x4 capital stock, 9x9 Leontief inverse, matmul, 9x3 smooth", ens, one))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}; "
          f"load average {os.getloadavg()[0]:.2f}; best of {args.repeat}")
    print("| model | members | years | dt | method | wall time [s] | per member [ms] | single run [s] |")
    print("|---|---|---|---|---|---|---|---|")
    for label, ens, one in rows:
        print(f"| {label} | {args.members} | 40 | 0.25 | {args.method} | {ens:.2f} | "
              f"{1e3 * ens / args.members:.3f} | {one:.4f} |")


if __name__ == "__main__":
    main()
