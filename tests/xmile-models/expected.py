"""Expected outputs of the hand-written XMILE test models, computed with plain numpy.

Nothing here uses regsim: every model of this folder is integrated again by hand
(Euler, the model's own ``dt``; flows and auxiliaries evaluated at ``t``, stocks
stepped to ``t + dt``) from the equations as written in the ``.xmile`` file, so
the conformance test compares regsim with an independent computation. Each
model's output is written to ``<stem>.csv`` beside it (``Time`` first, then one
column per variable; array elements as ``name[e1,e2]``).

Run from the repository root::

    .venv/bin/python tests/xmile-models/expected.py          # rewrite the CSV files
    .venv/bin/python tests/xmile-models/expected.py --check  # exit 1 if a file differs

``previous.xmile`` is computed too (PREVIOUS(x, init) = x one step back) although
regsim refuses it until the engine has ``previous``.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def times(start, stop, dt):
    n = int(round((stop - start) / dt))
    return start + dt * np.arange(n + 1)


def table(t, cols: dict[str, np.ndarray]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Time", *cols])
    for i, ti in enumerate(t):
        w.writerow([repr(float(ti))] + [repr(float(np.asarray(v)[i])) for v in cols.values()])
    return out.getvalue()


def arrays_1d():
    dt, t = 0.5, times(0, 5, 0.5)
    rate = np.array([0.1, 0.05, 0.02])
    pop = np.zeros((t.size, 3))
    pop[0] = [10, 20, 30]
    for i in range(t.size - 1):
        pop[i + 1] = pop[i] + dt * pop[i] * rate
    growth = pop * rate
    cols = {}
    for j, r in enumerate(("north", "south", "east")):
        cols[f"pop[{r}]"] = pop[:, j]
        cols[f"growth[{r}]"] = growth[:, j]
        cols[f"rate[{r}]"] = np.full(t.size, rate[j])
    total = pop.sum(axis=1)
    cols.update({"total": total, "average": pop.mean(axis=1), "largest": pop.max(axis=1),
                 "north share": pop[:, 0] / total, "count": np.full(t.size, 3.0)})
    return t, cols


def arrays_non_a2a():
    dt, t = 1.0, times(0, 4, 1)
    k = np.array([0.5, 0.25, 0.1])
    level = np.zeros((t.size, 3))
    fin, fout = np.zeros((t.size, 3)), np.zeros((t.size, 3))
    for i in range(t.size):
        fout[i] = level[i] * k
        fin[i] = [10, fout[i, 0], fout[i, 1]]
        if i + 1 < t.size:
            level[i + 1] = level[i] + dt * (fin[i] - fout[i])
    chain = np.stack([t, 2 * t, 2 * t + 1], axis=1)
    cols = {}
    for j, s in enumerate(("s1", "s2", "s3")):
        cols[f"level[{s}]"] = level[:, j]
        cols[f"flow in[{s}]"] = fin[:, j]
        cols[f"flow out[{s}]"] = fout[:, j]
        cols[f"chain[{s}]"] = chain[:, j]
    return t, cols


def arrays_2d():
    dt, t = 1.0, times(0, 4, 1)
    cap, share = np.array([100.0, 200.0]), np.array([0.2, 0.3, 0.5])
    price = np.array([[1, 2, 3], [1.5, 2.5, 3.5]])
    production = cap[:, None] * share[None, :]
    inv = np.zeros((t.size, 2, 3))
    for i in range(t.size - 1):
        inv[i + 1] = inv[i] + dt * (production - 0.1 * inv[i])
    sales = 0.1 * inv
    cols = {}
    R, P = ("r1", "r2"), ("p1", "p2", "p3")
    for a, r in enumerate(R):
        for b, p in enumerate(P):
            cols[f"inventory[{r},{p}]"] = inv[:, a, b]
            cols[f"sales[{r},{p}]"] = sales[:, a, b]
            cols[f"production[{r},{p}]"] = np.full(t.size, production[a, b])
            cols[f"revenue[{r},{p}]"] = sales[:, a, b] * price[a, b]
            cols[f"transposed[{p},{r}]"] = inv[:, a, b]
        cols[f"by region[{r}]"] = inv[:, a, :].sum(axis=1)
    for b, p in enumerate(P):
        cols[f"by product[{p}]"] = inv[:, :, b].sum(axis=1)
    cols["total"] = inv.sum(axis=(1, 2))
    cols["one cell"] = inv[:, 1, 2]
    return t, cols


def arrays_3d():
    dt, t = 0.5, times(0, 3, 0.5)
    x = np.array([1, 2])[:, None, None] + np.array([10, 20])[None, :, None] + np.array([100, 200, 300])[None, None, :]
    s = np.zeros((t.size, 2, 2, 3))
    for i in range(t.size - 1):
        s[i + 1] = s[i] + dt * (0.01 * x - 0.1 * s[i])
    f = 0.01 * x - 0.1 * s
    cols = {}
    for a in range(2):
        for b in range(2):
            for c in range(3):
                key = f"a{a + 1},b{b + 1},c{c + 1}"
                cols[f"s[{key}]"] = s[:, a, b, c]
                cols[f"f[{key}]"] = f[:, a, b, c]
                cols[f"x[{key}]"] = np.full(t.size, float(x[a, b, c]))
            cols[f"ab[a{a + 1},b{b + 1}]"] = s[:, a, b, :].sum(axis=1)
    for c in range(3):
        cols[f"c total[c{c + 1}]"] = s[:, :, :, c].sum(axis=(1, 2))
    cols["total"] = s.sum(axis=(1, 2, 3))
    return t, cols


def arrayed_gf():
    t = times(0, 10, 1)
    scale = np.array([4.0, 8.0])
    cols = {"effect[k1]": np.interp(t, [0, 5, 10], [0, 1, 0]), "effect[k2]": np.interp(t, [2, 8], [1, 3])}
    for j, k in enumerate(("k1", "k2")):
        cols[f"shared[{k}]"] = np.interp(t / scale[j], [0, 1, 2], [0, 10, 15])
    return t, cols


def modules():
    dt, t = 0.25, times(0, 10, 0.25)
    a, b = np.zeros(t.size), np.zeros(t.size)
    b[0] = 2.0
    for i in range(t.size - 1):
        a[i + 1] = a[i] + dt * (5.0 - 0.1 * a[i])
        b[i + 1] = b[i] + dt * (0.1 * a[i] - 0.2 * b[i])
    return t, {"tank a.level": a, "tank a.drain": 0.1 * a, "tank a.fill": np.full(t.size, 5.0),
               "tank b.level": b, "tank b.fill": 0.1 * a, "tank b.drain": 0.2 * b, "total": a + b}


def _smooth_chain(x, T, n, x0, dt):
    """n first-order smooths in series, each T/n, all starting at x0; returns the last."""
    s = np.zeros((x.size, n))
    s[0] = x0
    for i in range(x.size - 1):
        prev = np.concatenate([[x[i]], s[i, :-1]])
        s[i + 1] = s[i] + dt * (prev - s[i]) / (T / n)
    return s[:, -1]


def _material_delay(x, T, n, x0, dt):
    """DELAYN: n stocks in series, each holding T/n of transit time; output = last stock / (T/n)."""
    tau = T / n
    L = np.zeros((x.size, n))
    L[0] = x0 * tau
    for i in range(x.size - 1):
        outs = L[i] / tau
        ins = np.concatenate([[x[i]], outs[:-1]])
        L[i + 1] = L[i] + dt * (ins - outs)
    return L[:, -1] / tau


def builtins():
    dt, t = 0.25, times(0, 10, 0.25)
    x = 1 + 0.5 * t
    wave = np.sin(t) - 0.3

    def trend(g0):
        avg = np.zeros(t.size)
        avg[0] = x[0] / (1 + 2 * g0)
        for i in range(t.size - 1):
            avg[i + 1] = avg[i] + dt * (x[i] - avg[i]) / 2
        return (x - avg) / (np.abs(avg) * 2)

    def pulse(m, first, interval):
        since = t - first
        on = (since >= -1e-9) & (np.mod(since + 1e-9, interval) < dt)
        return np.where(on, m / dt, 0.0)

    it = np.floor(t) - 3
    with np.errstate(divide="ignore"):
        safe = np.where(it == 0, -1.0, 1.0 / np.where(it == 0, 1.0, it))
    cols = {
        "x": x, "wave": wave, "trend x": trend(0.0), "trend x init": trend(0.1),
        "floor": np.floor(wave), "remainder": np.mod(t - 5, 3), "modulo result": np.mod(t - 5, 3),
        "root": x ** (1 / 3), "hyperbolic": np.tanh(wave) + np.sinh(wave) * np.cosh(wave), "safe": safe,
        "inputs": np.where(t >= 3, 2.0, 0.0) + 0.5 * (np.clip(t, 2, 6) - 2) + pulse(1, 4, 2),
        "bounds": np.minimum(x, 3) + np.maximum(np.maximum(wave, 0), -1) + np.abs(wave),
        "circle": math.pi * x ** 2, "smooth1": _smooth_chain(wave, 2, 1, wave[0], dt),
        "smooth3": _smooth_chain(wave, 3, 3, 1.0, dt), "start x": np.full(t.size, x[0]),
        "logic": np.where((wave > 0) & ~(t < 2), 1.0, 0.0),
    }
    return t, cols


def delays():
    dt, t = 0.5, times(0, 12, 0.5)
    inp = 10 + np.where(t >= 2, 5.0, 0.0) + 3 * np.sin(t)

    def pipe(T, x0):
        k = int(round(T / dt))
        out = np.empty(t.size)
        for i in range(t.size):
            out[i] = inp[i - k] if i >= k else x0
        return out

    return t, {
        "input": inp, "d1": _material_delay(inp, 2, 1, inp[0], dt), "d1 init": _material_delay(inp, 2, 1, 4.0, dt),
        "d3": _material_delay(inp, 3, 3, inp[0], dt), "dn3": _material_delay(inp, 3, 3, inp[0], dt),
        "dn5": _material_delay(inp, 2.5, 5, 7.0, dt), "pipe": pipe(2, inp[0]), "pipe init": pipe(1.5, 0.0),
    }


def delay_zero():
    """DELAY(x, 0): one step late, as Stella's and Vensim's outputs for SDEverywhere's delayfixed
    model show (a(0) = the initial value, a(1) = x(0))."""
    t = times(0, 3, 0.5)
    x = 1 + t * t
    late = np.concatenate([[x[0]], x[:-1]])
    return t, {"x": x, "zero": late, "zero init": np.concatenate([[-1.0], x[:-1]])}


def subranges():
    t = times(0, 2, 1)
    x = np.array([1.0, 2, 3, 4])
    return t, {"y[d2]": 20 + t, "y[d3]": 30 + t, "sum sub": np.full(t.size, 5.0),
               **{f"x[d{j + 1}]": np.full(t.size, x[j]) for j in range(4)}}


def mapping():
    t = times(0, 2, 1)
    return t, {f"d[d{j}]": 10 * j + t for j in (1, 2, 3)}


def all_constants():
    t = times(0, 3, 1)
    return t, {"a": np.full(t.size, 3.0), "b": np.full(t.size, -2.5)}


def previous():
    t = times(0, 5, 1)
    x = t * t
    return t, {"x": x, "last x": np.concatenate([[-1.0], x[:-1]])}


def stella10_layout():
    dt, t = 0.25, times(0, 5, 0.25)
    T = np.zeros(t.size)
    T[0] = 90
    for i in range(t.size - 1):
        T[i + 1] = T[i] - dt * (T[i] - 20) / 4
    return t, {"temperature": T, "cooling": (T - 20) / 4}


MODELS = {
    "arrays_1d": arrays_1d, "arrays_non_a2a": arrays_non_a2a, "arrays_2d": arrays_2d, "arrays_3d": arrays_3d,
    "arrayed_gf": arrayed_gf, "modules": modules, "builtins": builtins, "delays": delays,
    "delay_zero": delay_zero, "subranges": subranges,
    "mapping": mapping, "all_constants": all_constants, "previous": previous, "stella10_layout": stella10_layout,
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = ap.parse_args(argv)
    bad = []
    for stem, fn in MODELS.items():
        text = table(*fn())
        path = HERE / f"{stem}.csv"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                bad.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if bad:
        print("out of date: " + ", ".join(bad) + " (rerun tests/xmile-models/expected.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
