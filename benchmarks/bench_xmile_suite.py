"""PySD vs regsim on the same XMILE files: the conformance suite plus the Heilongjiang model.

Run with ``.venv/bin/python benchmarks/bench_xmile_suite.py [--members 1000] [--hlj-runs 2]``
(needs ``pip install pysd``; ``--no-hlj`` skips the large model). Takes under a minute
on a 2-core machine, most of it PySD on the Heilongjiang model.

Models:

- every ``*.xmile`` file of the conformance suite vendored in ``tests/sd-test-models/tests/``
  (the non-arrayed XMILE subset of the SDXorg test-models suite);
- the "larger model": the Heilongjiang model with the baseline scenario applied
  (``simulator.scenarios.prepare('scenarios/baseline.toml')``), exported with
  ``simulator.xmile.write(model, path, settings, params=..., pysd_compat=True)``.

Both tools read the same file, each with that file's own ``sim_specs``, except that regsim
is run with Euler: PySD 3.14 integrates with Euler only (it ignores ``method="RK4"``), so
timing RK4 against Euler would compare different work. For each model:

- PySD load: ``pysd.read_xmile`` (translate to Python and import; the file is copied into
  a temporary folder because PySD writes its ``.py`` next to it);
- PySD run: ``model.run()`` with default arguments (every variable, saved every
  ``saveper``), median of ``--repeat`` runs after one warm-up run;
- regsim load: ``simulator.xmile.read`` plus the engine's compilation of the model;
- regsim run: ``simulate(model, settings=...)``, one member, every visible variable saved
  every ``dt``, median of ``--repeat`` runs after one warm-up run;
- regsim per member: one vectorised ``simulate`` of ``--members`` members (every variable
  kept), divided by the member count; one scalar constant is varied over +-5 % (the first
  one that is not a Vensim control constant like ``TIME STEP``), or the members are
  identical (``n_runs=``) when the model has none. Median of ``--repeat`` runs.
- agreement: every column PySD returns that regsim also has is compared at PySD's saved
  times, with the conformance tolerance ``|x - y| <= 1e-5 + 1e-5*|y|``.

A model one tool cannot read or run is listed with the reason, never a failure of the
benchmark. Prints markdown tables for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "sd-test-models" / "tests"
CONTROL = {"time_step", "initial_time", "final_time", "saveper", "dt", "starttime", "stoptime"}
RTOL = ATOL = 1e-5


@dataclass
class Row:
    name: str
    info: str = ""
    pysd_load: float | None = None
    pysd_run: float | None = None
    pysd_error: str = ""
    r_load: float | None = None
    r_run: float | None = None
    r_member: float | None = None
    members: int = 0
    varied: str = ""
    r_error: str = ""
    agree: str = ""
    notes: list[str] = field(default_factory=list)


def _short(exc: BaseException, n: int = 140) -> str:
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg[:n]}{'...' if len(msg) > n else ''}"


def timed(fn, repeat: int, budget: float = 1e9) -> float:
    """Median wall time of ``fn()`` over ``repeat`` calls (fewer if ``budget`` seconds run out)."""
    times = []
    start = time.perf_counter()
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > budget:
            break
    return statistics.median(times)


def varied_constant(model):
    """Name and value of the first scalar constant that is not a time control, or (None, None)."""
    from simulator.engine.components import Constant
    from simulator.xmile.equations import canonical

    for c in model.components:
        if isinstance(c, Constant) and not getattr(c, "dims", ()) and canonical(c.name).strip("_") not in CONTROL:
            v = np.asarray(c.value, dtype=float)
            if v.ndim == 0 and np.isfinite(v):
                return c.name, float(v)
    return None, None


def agreement(xm, res, df) -> str:
    """Compare PySD's output frame with regsim's results (conformance tolerance)."""
    from simulator.xmile.conformance import _column

    times = df.index.to_numpy(dtype=float)
    idx = []
    for t in times:
        hit = np.flatnonzero(np.isclose(res.times, t, rtol=0, atol=1e-9 * max(1.0, abs(t))))
        if hit.size == 0:
            return f"no: PySD time {t:g} not saved by regsim"
        idx.append(hit[0])
    n, bad = 0, []
    for col in df.columns:
        if str(col).strip().upper() in {"TIME", "INITIAL TIME", "FINAL TIME", "TIME STEP", "SAVEPER"}:
            continue
        try:
            x = _column(xm, res, str(col))
        except Exception:  # noqa: BLE001 - a column regsim cannot map is just not compared
            x = None
        if x is None:
            continue
        try:
            y = df[col].to_numpy(dtype=float)
        except (TypeError, ValueError):
            continue
        x = np.asarray(x, dtype=float)[idx]
        n += 1
        ok = (np.abs(x - y) <= ATOL + RTOL * np.abs(y)) | (np.isnan(x) & np.isnan(y))
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            bad.append(f"{col} at {times[i]:g}: regsim {x[i]:.6g}, PySD {y[i]:.6g}")
    if not n:
        return "no common columns"
    if bad:
        return f"**no** ({len(bad)} of {n} columns; {bad[0]})"
    return f"yes ({n} column{'s' if n > 1 else ''})"


def bench_file(path: Path, label: str, members: int, repeat: int, pysd_repeat: int, budget: float) -> Row:
    import pysd

    from simulator.engine import simulate
    from simulator.engine.simulate import compiled
    from simulator.xmile import read

    row = Row(label)
    # -- PySD ---------------------------------------------------------------------------
    pm = df = None
    with tempfile.TemporaryDirectory(prefix="bench-pysd-") as d, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copy = Path(d) / path.name
        shutil.copy(path, copy)
        try:
            t0 = time.perf_counter()
            pm = pysd.read_xmile(str(copy))
            row.pysd_load = time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - any PySD failure is reported, not raised
            row.pysd_error = f"PySD cannot read it ({_short(exc)})"
        if pm is not None:
            try:
                t0 = time.perf_counter()
                df = pm.run()  # warm-up, also the output compared below
                first = time.perf_counter() - t0
                if pysd_repeat <= 1:
                    row.pysd_run = first
                else:
                    row.pysd_run = timed(lambda: pm.run(), pysd_repeat, budget)
            except Exception as exc:  # noqa: BLE001
                row.pysd_error = f"PySD cannot run it ({_short(exc)})"
                df = None

    # -- regsim -------------------------------------------------------------------------
    try:
        t0 = time.perf_counter()
        xm = read(path)
        compiled(xm.model)
        row.r_load = time.perf_counter() - t0
        st = xm.settings(method="euler", on_nonfinite="ignore")
        if xm.sim_specs.method != "euler":
            row.notes.append(f"file asks for {xm.sim_specs.method.upper()}; both run Euler")
        base: dict = {}
        res = simulate(xm.model, base, st)  # warm-up
        row.r_run = timed(lambda: simulate(xm.model, base, st), repeat, budget)
        name, value = varied_constant(xm.model)
        if name is None:
            row.varied = "none (identical members)"
            ens = {"params": base, "n_runs": members}
        else:
            lo, hi = (value * 0.95, value * 1.05) if value else (-0.05, 0.05)
            row.varied = f"`{xm.names.get(name, name)}`"
            ens = {"params": {**base, name: np.linspace(lo, hi, members)}}
        row.r_member = timed(lambda: simulate(xm.model, settings=st, **ens), repeat, budget) / members
        row.members = members
        row.info = f"{len(xm.model.components)} components, {len(res.times)} saved times"
    except Exception as exc:  # noqa: BLE001 - any regsim failure is reported, not raised
        row.r_error = f"regsim cannot run it ({_short(exc)})"
        res = None
    if df is not None and res is not None:
        from simulator.xmile.run import with_constants

        row.agree = agreement(xm, with_constants(res, xm.model), df)
    return row


def fmt_ms(x: float | None, digits: int = 2) -> str:
    return "" if x is None else f"{1e3 * x:.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b <= 0:
        return ""
    r = a / b
    return f"{r:.0f}" if r >= 100 else f"{r:.1f}" if r >= 1 else f"{r:.2f}"


def table(rows: list[Row]) -> list[str]:
    out = ["| model | PySD load [ms] | regsim load [ms] | PySD run [ms] | regsim run [ms] | "
           "regsim per member [ms] | run: PySD/regsim | per member: PySD/regsim | agree |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        if r.pysd_run is None or r.r_member is None:
            continue
        out.append(f"| `{r.name}` | {fmt_ms(r.pysd_load, 0)} | {fmt_ms(r.r_load, 1)} | {fmt_ms(r.pysd_run)} | "
                   f"{fmt_ms(r.r_run)} | {fmt_ms(r.r_member, 4)} | {ratio(r.pysd_run, r.r_run)} | "
                   f"{ratio(r.pysd_run, r.r_member)} | {r.agree} |")
    return out


def geomean(xs: list[float]) -> float:
    return float(np.exp(np.mean(np.log(xs))))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=1000, help="members of the vectorised regsim ensembles")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (median)")
    ap.add_argument("--hlj-runs", type=int, default=2, help="timed PySD runs of the Heilongjiang model")
    ap.add_argument("--no-hlj", action="store_true", help="skip the Heilongjiang model")
    ap.add_argument("--keep", metavar="DIR", help="keep the exported Heilongjiang XMILE file in DIR")
    args = ap.parse_args()

    try:
        import pysd
    except ImportError:
        sys.exit("pysd is not installed: pip install pysd")
    import pandas as pd

    t_all = time.perf_counter()
    # warm up imports on both sides so the first model does not pay them
    with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = Path(d) / "warm.xmile"
        shutil.copy(SUITE / "exp" / "test_exp.xmile", p)
        pysd.read_xmile(str(p)).run()
    from simulator.engine import simulate as _sim
    from simulator.xmile import read as _read
    _xm = _read(SUITE / "exp" / "test_exp.xmile")
    _sim(_xm.model, None, _xm.settings())

    rows = []
    for path in sorted(SUITE.rglob("*.xmile")):
        rows.append(bench_file(path, str(path.relative_to(SUITE)), args.members, args.repeat, args.repeat, 2.0))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}, pysd {pysd.__version__}, pandas {pd.__version__}; "
          f"load average at start {os.getloadavg()[0]:.2f}")
    print()
    print(f"### Conformance suite ({len(rows)} XMILE files in tests/sd-test-models/tests/), "
          f"{args.members:,}-member ensembles, median of {args.repeat} runs")
    print()
    for line in table(rows):
        print(line)
    ok = [r for r in rows if r.pysd_run is not None and r.r_member is not None]
    if ok:
        run_r = [r.pysd_run / r.r_run for r in ok]
        mem_r = [r.pysd_run / r.r_member for r in ok]
        load_r = [r.pysd_load / r.r_load for r in ok]
        print()
        print(f"{len(ok)} of {len(rows)} files run in both tools. PySD/regsim time ratios, geometric mean "
              f"[min-max]: load {geomean(load_r):.1f} [{min(load_r):.1f}-{max(load_r):.1f}], single run "
              f"{geomean(run_r):.1f} [{min(run_r):.2f}-{max(run_r):.1f}], per ensemble member "
              f"{geomean(mem_r):.0f} [{min(mem_r):.0f}-{max(mem_r):.0f}]. "
              f"Summed over the files: PySD {sum(r.pysd_run for r in ok):.3f} s per run, "
              f"regsim {sum(r.r_run for r in ok):.3f} s per run, "
              f"{1e3 * sum(r.r_member for r in ok):.3f} ms per member.")
    skipped = [r for r in rows if r not in ok]
    if skipped:
        print()
        print("Not run in both tools:")
        for r in skipped:
            print(f"- `{r.name}`: " + "; ".join(x for x in (r.pysd_error, r.r_error) if x))
    varied = [f"`{Path(r.name).stem}` {r.varied}" for r in ok if not r.varied.startswith("none")]
    same = [r for r in ok if r.varied.startswith("none")]
    rk4 = [f"`{Path(r.name).stem}`" for r in rows if r.notes]
    print()
    print("Ensemble members vary (+-5 %) " + ", ".join(varied) + f"; in the other {len(same)} files (no scalar "
          "constant besides the time controls) the members are identical.")
    if rk4:
        print(f"{', '.join(rk4)} ask for RK4; both tools run them with Euler (PySD's only method).")

    if not args.no_hlj:
        from simulator.scenarios import prepare
        from simulator.xmile import write

        prep = prepare(ROOT / "scenarios" / "baseline.toml")
        st = replace(prep.settings, method="euler")
        d = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-hlj-"))
        d.mkdir(parents=True, exist_ok=True)
        path = d / "heilongjiang_baseline.xmile"
        t0 = time.perf_counter()
        write(prep.model, path, st, params=prep.params, pysd_compat=True)
        t_write = time.perf_counter() - t0
        size = path.stat().st_size
        r = bench_file(path, "Heilongjiang baseline (exported)", args.members, 3, args.hlj_runs, 1e9)
        from simulator.engine import simulate

        st_dt = replace(st, save_every=st.dt)  # as both tools save the exported file's runs
        simulate(prep.model, prep.params, st_dt)
        t_native = timed(lambda: simulate(prep.model, prep.params, st_dt), 3)
        if not args.keep:
            shutil.rmtree(d, ignore_errors=True)
        print()
        print(f"### Larger model: Heilongjiang baseline exported to XMILE ({len(prep.model.components)} components "
              f"in the regsim model, {size / 1e3:.0f} kB file)")
        print()
        print(f"{st.start:g}-{st.stop:g}, dt {st.dt:g}, Euler, every variable saved every dt by both tools "
              f"(the file's sim_specs); export took "
              f"{t_write:.2f} s; PySD run: median of {args.hlj_runs} after a warm-up run; regsim: median of 3; "
              f"read back by regsim: {r.info}; ensemble varies {r.varied} (+-5 %)")
        print()
        if r.pysd_run is None or r.r_member is None:
            print("Not run in both tools: " + "; ".join(x for x in (r.pysd_error, r.r_error) if x))
        else:
            print("| tool | load [s] | per run [s] | per member [ms] | vs PySD (per member) |")
            print("|---|---:|---:|---:|---:|")
            print(f"| PySD {pysd.__version__}, `model.run()` | {r.pysd_load:.2f} | {r.pysd_run:.3f} | "
                  f"{1e3 * r.pysd_run:.1f} | 1.0 |")
            print(f"| regsim, single `simulate` | {r.r_load:.2f} | {r.r_run:.3f} | {1e3 * r.r_run:.1f} | "
                  f"{ratio(r.pysd_run, r.r_run)}x faster |")
            print(f"| regsim, single `simulate` of the native model (not read from XMILE) | | {t_native:.3f} | "
                  f"{1e3 * t_native:.1f} | {ratio(r.pysd_run, t_native)}x faster |")
            print(f"| regsim, vectorised `simulate`, {r.members:,} members | | {r.r_member * r.members:.3f} | "
                  f"{1e3 * r.r_member:.3f} | {ratio(r.pysd_run, r.r_member)}x faster |")
            print()
            print(f"agreement (PySD vs regsim, every common column at PySD's saved times): {r.agree}")
    print()
    print(f"benchmark wall time: {time.perf_counter() - t_all:.0f} s")


if __name__ == "__main__":
    main()
