"""PySD vs regsim on the same XMILE model: time per ensemble member, and agreement.

Run with ``.venv/bin/python benchmarks/pysd_compare.py [--pysd-members 50] [--members 10000]``
(needs ``pip install pysd``). The model is ``benchmarks/models/regional20.xmile``:
4 stocks, 8 flows, 11 auxiliaries and a graphical function (port congestion),
15 constants, 2018-2050 at dt 0.25 with Euler. Both tools read the same file
(regsim through :func:`simulator.xmile.load`); five constants are drawn by LHS
and every member is run by

- PySD: ``model.run(params=..., return_columns=...)``, one member per call (PySD
  has no ensemble axis), all varied constants passed on every call;
- regsim: a loop of single :func:`simulator.simulate` calls, and one vectorised
  :func:`simulator.ensemble.run_ensemble` call.

The first members of both are compared (max relative difference of every kept
variable over all saved times). Prints markdown tables for docs/performance.md.
"""

from __future__ import annotations

import argparse
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
MODEL = ROOT / "benchmarks" / "models" / "regional20.xmile"
KEEP = ["output", "population", "capital", "utilisation", "congestion_effect"]
RANGES = {
    "savings_rate": (0.25, 0.35),
    "migration_sensitivity": (0.01, 0.05),
    "knowledge_elasticity": (0.04, 0.12),
    "trade_share": (0.12, 0.16),
    "port_build_time": (2.0, 6.0),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pysd-members", type=int, default=50, help="members run with PySD (one call each)")
    ap.add_argument("--members", type=int, default=10_000, help="members of the vectorised regsim ensemble")
    args = ap.parse_args()

    import pandas as pd

    from simulator import SimSettings, simulate
    from simulator.ensemble import run_ensemble, sample
    from simulator.params import Parameter, ParameterSet
    from simulator.xmile import load

    try:
        import pysd
    except ImportError:
        sys.exit("pysd is not installed: pip install pysd")

    ps = ParameterSet([Parameter(k, (lo + hi) / 2, "1", (lo, hi), "benchmark") for k, (lo, hi) in RANGES.items()])
    big = sample(ps, args.members, seed=1)
    m = args.pysd_members
    small = big.iloc[:m]

    # -- regsim ------------------------------------------------------------------------
    t0 = time.perf_counter()
    model = load(MODEL)
    t_load_r = time.perf_counter() - t0
    st = SimSettings(2018, 2050, 0.25, save_every=1.0)
    run_ensemble(model, small.iloc[:2], settings=st, variables=KEEP)  # compile, warm up
    t0 = time.perf_counter()
    singles = [simulate(model, {k: float(v) for k, v in row.items()}, st, save=KEEP) for _, row in small.iterrows()]
    t_loop_r = time.perf_counter() - t0
    t0 = time.perf_counter()
    ens_small = run_ensemble(model, small, settings=st, variables=KEEP)
    t_vec_small = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_ensemble(model, big, settings=st, variables=KEEP)
    t_vec_big = time.perf_counter() - t0

    # -- PySD ----------------------------------------------------------------------------
    with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = Path(d) / MODEL.name  # PySD writes its translated .py next to the model
        shutil.copy(MODEL, path)
        t0 = time.perf_counter()
        pm = pysd.read_xmile(str(path))
        t_load_p = time.perf_counter() - t0
        pm.run(return_columns=KEEP)  # warm up
        years = np.arange(2018.0, 2051.0)
        t0 = time.perf_counter()
        frames = []
        for _, row in small.iterrows():
            df = pm.run(params={k: float(v) for k, v in row.items()}, return_columns=KEEP, return_timestamps=years)
            frames.append(df)
        t_loop_p = time.perf_counter() - t0

    # -- agreement ------------------------------------------------------------------------
    worst = {}
    for v in KEEP:
        rs = ens_small.values(v)
        ps_ = np.stack([f[v].to_numpy(dtype=float) for f in frames])
        worst[v] = float(np.max(np.abs(rs - ps_) / np.maximum(np.abs(ps_), 1e-12)))
        single = np.stack([r[v][0] for r in singles])
        assert np.allclose(single, rs, rtol=1e-12, atol=0), v

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}, pysd {pysd.__version__}, pandas {pd.__version__}")
    print(f"model: {MODEL.relative_to(ROOT)} ({len(model.components)} components), 2018-2050, dt 0.25, Euler; "
          f"{len(RANGES)} constants varied (LHS, seed 1)")
    print()
    print("| tool | how | members | wall [s] | per member [ms] | vs PySD |")
    print("|---|---|---:|---:|---:|---:|")
    pp = t_loop_p / m
    print(f"| PySD {pysd.__version__} | loop of `model.run(params=...)` | {m} | {t_loop_p:.3f} | {1e3 * pp:.2f} | 1.0 |")
    print(f"| regsim | loop of single `simulate` | {m} | {t_loop_r:.3f} | {1e3 * t_loop_r / m:.2f} | "
          f"{pp / (t_loop_r / m):.1f}x faster |")
    print(f"| regsim | one vectorised `run_ensemble` | {m} | {t_vec_small:.3f} | {1e3 * t_vec_small / m:.3f} | "
          f"{pp / (t_vec_small / m):.0f}x faster |")
    print(f"| regsim | one vectorised `run_ensemble` | {args.members:,} | {t_vec_big:.3f} | "
          f"{1e3 * t_vec_big / args.members:.4f} | {pp / (t_vec_big / args.members):.0f}x faster |")
    print()
    print(f"model load: PySD translate+load {t_load_p:.2f} s, regsim XMILE load {t_load_r:.3f} s")
    print("agreement over the first", m, "members, yearly 2018-2050 (max relative difference, PySD vs regsim): "
          + ", ".join(f"{k} {v:.1e}" for k, v in worst.items()))


if __name__ == "__main__":
    main()
