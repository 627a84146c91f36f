"""Builtin functions available in equations, and the runtime helpers generated code calls.

Three kinds of builtins:

*Pure* builtins are element-wise (``min``, ``exp``, ``step``, ...) or array functions
(``sum(x, 'dim')``, ``matmul``, ``inverse``, ...). The code generator
(:mod:`simulator.engine.codegen`) turns them into numpy calls (ensemble runs) or into
Python float arithmetic (single runs of models without arrays).

*Stateful* builtins carry state. Before compilation each call is expanded into hidden
components (names start with ``_``; messages name the variable that owns them), exactly
as an SD modeller would draw them, so they are integrated by the same integrator as every
other stock and vectorise over the ensemble axis for free:

- ``smooth(x, T[, x0])`` (``smooth1``): first-order information smoothing,
  ``dS/dt = (x - S) / T``, ``S(t0) = x0`` (default ``x(t0)``).
- ``smooth3(x, T[, x0])``: three first-order smooths in series, each ``T/3``;
  ``smoothn(x, T, n[, x0])``: ``n`` in series, each ``T/n`` (``n`` a literal integer).
- ``delay1(x, T[, x0])``: first-order material delay. Stock ``L`` with inflow ``x`` and
  outflow ``L/T``; the output is ``L/T``; ``L(t0) = x0 * T``.
- ``delay3(x, T[, x0])`` / ``delayn(x, T, n[, x0])``: ``n`` first-order delays in series,
  each ``T/n``: mean transit time ``T``. For ``delayn``, when a stage would be shorter than
  one time step (``T/n < dt`` at the start, per member and element), the delay runs with
  order ``max(1, floor(T/dt))`` instead (the extra stages pass their input through):
  explicit integration of a stage shorter than ``dt`` overshoots and oscillates. This is
  what Vensim's DELAY N does (reference output of the SDXorg ``delay_pipeline`` test);
  ``delay3`` keeps its three stages, as Vensim's DELAY3 does (SDEverywhere ``delay``
  reference), and oscillates when ``T/3 < dt``.
- ``delay(x, T[, x0])``: pipeline (fixed) delay, XMILE ``DELAY`` / Vensim ``DELAY FIXED``:
  the input history, recorded at every step and interpolated linearly, read at ``t - T``;
  ``x0`` (default ``x(start)``) while ``t - T`` is before the start. ``T`` may vary in
  time, per member and per element. The history holds the steps before the current one, so
  the output never depends on the input at the same time (a delay breaks loops) and a ``T``
  shorter than one step, ``T = 0`` included, acts as one step, as in Stella and Vensim (the
  SDEverywhere ``delayfixed`` references). Within an RK4 step the output uses the history up
  to the previous step. Vensim's ``DELAY FIXED`` rounds ``T`` to a whole number of steps;
  Stella, and regsim, interpolate.
- ``previous(x[, x0])``: the value of ``x`` at the previous step (``x0``, default 0, at the
  start); breaks loops (``previous(y, 0) + 1`` in ``y`` counts steps).
- ``init(x)``: the value of ``x`` at the start time, held constant.
- ``trend(x, T[, g0])``: fractional change rate of ``x``: average ``S`` with
  ``dS/dt = (x - S)/T``, ``S(t0) = x/(1 + T g0)``; output ``(x - S)/(|S| T)`` (0 if
  ``S = 0``). ``forcst(x, T, h[, g0]) = x (1 + trend(x, T, g0) h)``.
- ``npv(stream, r[, npv0[, factor]])``: net present value: stock ``S(t0) = npv0``, inflow
  ``F = stream factor (1 + r dt)^((t0 - t)/dt)``; output ``S + F dt`` (Vensim/simlin
  definition).

*Stochastic* builtins draw from a per-member random stream seeded by
``SimSettings.seed`` (see :func:`member_streams`): ``normal(mean, sd[, seed])``,
``uniform(min, max[, seed])`` (``random`` is the same), ``exprnd(mean[, seed])``,
``lognormal(mean, sd[, seed])`` (the mean and standard deviation of the variable itself),
``poisson(mean[, seed])``, ``triangular(min, mode, max[, seed])``. One value is drawn per
member, element and time step (constant within an RK4 step). An explicit ``seed``
argument (a number) makes that call's stream independent of the run's seed.
"""

from __future__ import annotations

import math
import zlib

import numpy as np

# name -> (min args, max args)
PURE_ARITY: dict[str, tuple[int, int]] = {
    "min": (1, 99), "max": (1, 99), "abs": (1, 1), "exp": (1, 1), "ln": (1, 1),
    "log10": (1, 1), "sqrt": (1, 1), "sin": (1, 1), "cos": (1, 1), "tan": (1, 1),
    "arcsin": (1, 1), "arccos": (1, 1), "arctan": (1, 1), "int": (1, 1), "round": (1, 1),
    "clip": (3, 3), "sum": (1, 9), "mean": (1, 9), "prod": (1, 9), "stddev": (1, 9), "size": (1, 9),
    "step": (2, 2), "ramp": (2, 3), "pulse": (2, 3), "mod": (2, 2), "modulo": (2, 2), "sign": (1, 1),
    "rootn": (2, 2), "percent": (1, 1), "safediv": (2, 3), "rename": (3, 3), "shift": (3, 3), "matmul": (2, 2),
    "inverse": (1, 1), "identity": (2, 2), "lookup": (2, 2), "lookup_forward": (2, 2),
    "lookup_backward": (2, 2),
}
STATEFUL_ARITY: dict[str, tuple[int, int]] = {
    "smooth": (2, 3), "smooth1": (2, 3), "smooth3": (2, 3), "smoothn": (3, 4),
    "delay1": (2, 3), "delay3": (2, 3), "delayn": (3, 4), "init": (1, 1),
    "delay": (2, 3), "previous": (1, 2), "trend": (2, 3), "forcst": (3, 4), "npv": (2, 4),
}
STOCHASTIC_ARITY: dict[str, tuple[int, int]] = {
    "normal": (2, 3), "uniform": (2, 3), "random": (2, 3), "exprnd": (1, 2), "lognormal": (2, 3),
    "poisson": (1, 2), "triangular": (3, 4),
}
#: Functions of XMILE/Stella/Vensim that the engine knows of but does not implement: name -> reason.
REFUSED: dict[str, str] = {
    "allocate_by_priority": "priority allocation is not implemented",
    "allocate_available": "priority allocation is not implemented",
    "rank": "array ranking is not implemented",
    "vector_select": "vector selection functions are not implemented",
    "vector_elm_map": "vector selection functions are not implemented",
    "vector_sort_order": "vector selection functions are not implemented",
    "history": "HISTORY (looking up a past value at an arbitrary time) is not implemented",
    "derivn": "numerical derivatives (DERIVN) are not implemented",
    "irr": "internal rate of return (IRR) is not implemented",
    "montecarlo": "MONTECARLO is not implemented",
    "beta": "the beta distribution is not implemented",
    "gamma": "the gamma distribution is not implemented",
    "binomial": "the binomial distribution is not implemented",
    "negbinomial": "the negative binomial distribution is not implemented",
    "geometric": "the geometric distribution is not implemented",
    "weibull": "the Weibull distribution is not implemented",
    "pareto": "the Pareto distribution is not implemented",
    "logistic": "the logistic distribution is not implemented",
    "counter": "COUNTER is not implemented",
    "sinwave": "SINWAVE is not implemented",
    "coswave": "COSWAVE is not implemented",
    "get_data_at_time": "data functions are not implemented",
    "self": "SELF must be replaced by the variable's name before it reaches the engine",
}
#: builtins whose value depends on ``time`` implicitly
TIME_DEPENDENT = frozenset({"step", "ramp", "pulse"})
#: reductions: one argument (all dims) or named dims as string literals
REDUCTIONS = frozenset({"sum", "mean", "min", "max", "prod", "stddev"})
#: every function name an equation may call (besides lookups)
ALL_FUNCTIONS = frozenset(PURE_ARITY) | frozenset(STATEFUL_ARITY) | frozenset(STOCHASTIC_ARITY)

UNARY_UFUNCS = {
    "abs": np.abs, "exp": np.exp, "ln": np.log, "log10": np.log10, "sqrt": np.sqrt,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "arcsin": np.arcsin,
    "arccos": np.arccos, "arctan": np.arctan, "int": np.floor, "sign": np.sign,
}


# ---------------------------------------------------------------------------
# vector helpers (numpy; ensemble axis first)
# ---------------------------------------------------------------------------
def step(time, height, t0):
    """``height`` from ``t0`` on, 0 before [units of height]."""
    return np.where(time >= t0, height, 0.0)


def ramp(time, slope, start, end=np.inf):
    """0 before ``start``, rising by ``slope`` per year until ``end``, then flat."""
    return slope * (np.clip(time, start, np.maximum(start, end)) - start)


def pulse(time, dt, magnitude, first, interval=0.0):
    """XMILE PULSE: ``magnitude / dt`` during one step at ``first`` (repeated every ``interval`` > 0)."""
    eps = dt * 1e-6
    since = time - first
    if np.all(np.asarray(interval) <= 0):
        on = (since >= -eps) & (since < dt - eps)
    else:
        interval = np.where(np.asarray(interval) > 0, interval, np.inf)
        phase = np.mod(since + eps, interval)
        on = (since >= -eps) & (phase < dt)
    return np.where(on, magnitude / dt, 0.0)


def round_half_away(x):
    """Round to the nearest integer, halves away from zero (XMILE ROUND)."""
    t = np.trunc(x)
    return np.where(np.abs(x - t) >= 0.5, t + np.sign(x), t)


def rootn(x, n):
    """Real ``n``-th root; a negative ``x`` has one when ``n`` is an odd integer (else NaN)."""
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    odd = (np.mod(n, 2) == 1)
    return np.where((x < 0) & odd, -np.power(-x, 1.0 / n), np.power(x, 1.0 / n))


def safediv(a, b, alt=0.0):
    """``a / b``, or ``alt`` where ``b == 0``."""
    return np.where(b == 0, alt, a / np.where(b == 0, 1.0, b))


def matmul(a, b, p: int, q: int):
    """Contract the last axis of ``a`` with the first non-ensemble axis of ``b``.

    ``a`` has shape ``(N|1, *A, n)`` (``p = len(A)``), ``b`` ``(N|1, n, *B)`` (``q = len(B)``);
    the result ``(N, *A, *B)``.
    """
    a = np.asarray(a)
    b = np.asarray(b)
    sa, sb = a.shape, b.shape
    n = sa[-1]
    # C-contiguous operands: numpy's matmul calls BLAS for those and loops itself for others, in
    # another order of additions; ensemble values are laid out members-innermost (see simulate)
    a2 = np.ascontiguousarray(a).reshape(sa[0], int(np.prod(sa[1:-1], dtype=int)), n)
    b2 = np.ascontiguousarray(b).reshape(sb[0], n, int(np.prod(sb[2:], dtype=int)))
    out = np.matmul(a2, b2)
    return out.reshape((out.shape[0],) + sa[1:-1] + sb[2:])


def shift(x, axis: int, k: int):
    """``x`` moved ``k`` positions up along ``axis``: ``out[..., i, ...] = x[..., i - k, ...]``,
    0 for the first ``k`` positions (``shift(x, 'dim', k)`` in equations; ``k >= 1``)."""
    x = np.asarray(x)
    out = np.empty(x.shape)
    lead = (slice(None),) * axis
    out[lead + (slice(0, k),)] = 0.0
    out[lead + (slice(k, None),)] = x[lead + (slice(0, x.shape[axis] - k),)]
    return out


def lookup_mode(x, xs, ys, mode: int):
    """Graphical function of ``x``: mode 0 interpolates (ends held), 1 interpolates and
    extrapolates linearly beyond the ends, 2 (backward, XMILE ``discrete``) holds each
    point's value until the next point, 3 (forward) takes the next point's value."""
    if mode == 0:
        return np.interp(x, xs, ys)
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    if mode == 1:
        out = np.interp(x, xs, ys)
        if xs.size < 2:
            return out
        lo = ys[0] + (np.asarray(x) - xs[0]) * (ys[1] - ys[0]) / (xs[1] - xs[0])
        hi = ys[-1] + (np.asarray(x) - xs[-1]) * (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
        return np.where(np.asarray(x) < xs[0], lo, np.where(np.asarray(x) > xs[-1], hi, out))
    if mode == 2:
        j = np.searchsorted(xs, x, side="right") - 1
    else:
        j = np.searchsorted(xs, x, side="left")
    return ys[np.clip(j, 0, xs.size - 1)]


def s_lookup_mode(x, xs, ys, mode: int):
    """Scalar :func:`lookup_mode`."""
    return float(lookup_mode(x, xs, ys, mode))


def interp_elements(u, tables, lead: int, mode: int = 0):
    """Per-element lookup: ``u`` of shape ``(M, *E, *R)`` (broadcast), ``tables`` a flat list
    over the ``E`` elements (C order) of ``(xs, ys)``; ``lead`` = ``len(E)``."""
    u = np.asarray(u, dtype=float)
    out = np.empty(u.shape)
    shape = u.shape[1:1 + lead]
    for flat, (xs, ys) in enumerate(tables):
        idx = np.unravel_index(flat, shape)
        sl = (slice(None),) + tuple(int(i) for i in idx)
        out[sl] = lookup_mode(u[sl], xs, ys, mode)
    return out


def inverse(m):
    """Inverse of square matrices over the last two axes (batched over the ensemble axis)."""
    return np.linalg.inv(m)


def solve(m, b):
    """``inverse(m)`` applied to ``b`` without forming the inverse: ``m`` of shape ``(N|1, n, n)``,
    ``b`` of shape ``(N|1, n, *B)``; the result ``(N, n, *B)`` solves ``m @ y = b`` for each
    member.

    A member whose matrix is strictly diagonally dominant by columns (``|m_kk| > sum of
    |m_ik|, i != k``, in every column) is solved by Gaussian elimination vectorised over the
    members (:func:`_eliminate`: each operation works on one entry of all members at once,
    where ``numpy.linalg.solve`` calls LAPACK once per member). For such matrices elimination
    without row exchanges is stable (entries grow at most twofold) and partial pivoting would
    exchange no rows either; the Leontief matrix ``I - diag(rpc) A`` of a regional
    input-output model is one (column sums of ``A`` below 1). Every other member (not
    dominant, not finite) goes to LAPACK with partial pivoting, so a singular matrix raises
    ``numpy.linalg.LinAlgError``. A member's result depends on its own numbers only, never on
    the other members of its chunk or on their number.
    """
    m = np.asarray(m, dtype=float)
    b = np.asarray(b, dtype=float)
    lead = np.broadcast_shapes(m.shape[:1], b.shape[:1])
    rhs = b.reshape(b.shape[:2] + (-1,))
    n = m.shape[-1]
    if m.ndim != 3 or n < 1:
        y = np.linalg.solve(np.broadcast_to(m, lead + m.shape[1:]), np.broadcast_to(rhs, lead + rhs.shape[1:]))
        return y.reshape(lead + (n,) + b.shape[2:])
    U = m.transpose(1, 2, 0).copy()                 # (n, n, 1|N): one row of members per entry
    a = np.abs(U)
    idx = np.arange(n)
    with np.errstate(invalid="ignore"):
        ok = (2.0 * a[idx, idx] > a.sum(axis=0)).all(axis=0)   # (1|N,) column dominance; NaN: False
    if ok.all():
        y = _eliminate(U, rhs, lead[0])
    else:
        mb = np.broadcast_to(m, lead + m.shape[1:])
        rb = np.broadcast_to(rhs, lead + rhs.shape[1:])
        okb = np.broadcast_to(ok, lead)
        y = np.empty(lead + rhs.shape[1:])
        if okb.any():
            y[okb] = _eliminate(mb[okb].transpose(1, 2, 0).copy(), rb[okb], int(okb.sum()))
        y[~okb] = np.linalg.solve(np.ascontiguousarray(mb[~okb]), rb[~okb])
    return y.reshape(lead + (n,) + b.shape[2:])


def _eliminate(U, rhs, N: int):
    """Solve ``m @ y = rhs`` by Gaussian elimination without row exchanges, vectorised over members
    (``m`` diagonally dominant: see :func:`solve`). ``U`` is ``m`` transposed to ``(n, n, 1|N)``, a
    copy that the elimination overwrites; ``rhs`` is ``(1|N, n, r)``. Returns ``y`` ``(N, n, r)``,
    members innermost in memory."""
    n = U.shape[0]
    with np.errstate(all="ignore"):
        x = np.empty((n, rhs.shape[2], N))
        x[...] = rhs.transpose(1, 2, 0)                     # (n, r, N)
        for k in range(n - 1):
            f = U[k + 1:, k] / U[k, k]                      # (n-k-1, 1|N) multipliers
            U[k + 1:, k + 1:] -= f[:, None, :] * U[k, k + 1:][None, :, :]
            x[k + 1:] -= f[:, None, :] * x[k][None, :, :]
        for k in range(n - 1, -1, -1):                      # back substitution
            acc = x[k]
            for j in range(k + 1, n):
                acc -= U[k, j] * x[j]
            acc /= U[k, k]
    return x.transpose(2, 0, 1)


def sum_axes(a, axis):
    """``numpy.sum(a, axis=axis)`` of the C-ordered ``a``, bit for bit, faster over short axes.

    numpy reduces the rows of a short last axis one by one (2,000 rows of 9 elements take
    about 40 µs); this adds whole columns instead, in numpy's order, so that every result is
    bit-identical (also the sign of zero sums). Over the last axis, or the last few axes
    together (``axis=(1, 2)`` of ``(N, 2, 18)``), of ``n < 128`` elements in all, numpy's
    pairwise sum is: ``n < 8`` elements left to right from ``0.0``; otherwise eight running
    sums ``r_j = x_j + x_{j+8} + x_{j+16} + ...`` over the largest multiple of eight,
    ``((r_0 + r_1) + (r_2 + r_3)) + ((r_4 + r_5) + (r_6 + r_7))``, then the rest in order,
    added to ``0.0``. Another single axis of fewer than 16 elements is added slice by slice from
    ``0.0``. Anything else (other axes, longer ones, other dtypes) goes to ``numpy.sum`` of a
    C-contiguous copy. Either way the result is that of ``numpy.sum`` over the C-ordered array,
    whatever the memory layout of ``a`` (ensemble values are laid out members-innermost, and
    numpy would otherwise sum those in another order, and a one-member array, which is both C-
    and Fortran-contiguous, in a third). ``tests/test_engine_builtins.py`` checks the equality.
    """
    a = np.asarray(a)
    if a.dtype == np.float64 and a.ndim >= 2:
        axes = (axis,) if type(axis) is int else tuple(axis) if isinstance(axis, tuple) else None
        if axes and all(type(x) is int for x in axes):
            axes = tuple(sorted(x % a.ndim for x in axes))
            lead = a.ndim - len(axes)
            n = math.prod(a.shape[x] for x in axes)
            if a.size < 32 * n and a.flags.c_contiguous:   # few members: numpy itself is quicker
                return np.sum(a, axis=axis)
            if axes == tuple(range(lead, a.ndim)) and lead >= 1 and 0 < n < 128 and len(set(axes)) == len(axes):
                return _pairwise_columns([a[(Ellipsis,) + ix] for ix in _cells(a.shape[lead:])])
            if len(axes) == 1 and 0 < a.shape[axes[0]] < 16:
                ax = axes[0]
                add = np.add
                lead_sl = (slice(None),) * ax
                res = add(0.0, a[lead_sl + (0,)])
                for j in range(1, a.shape[ax]):
                    add(res, a[lead_sl + (j,)], out=res)
                return res
    return np.sum(np.ascontiguousarray(a), axis=axis)


_CELLS: dict[tuple[int, ...], list[tuple[int, ...]]] = {}


def _cells(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Index tuples of every cell of ``shape`` in C order (memoised)."""
    c = _CELLS.get(shape)
    if c is None:
        c = _CELLS[shape] = [tuple(int(i) for i in ix) for ix in np.ndindex(*shape)]
    return c


def _pairwise_columns(c: list):
    """numpy's pairwise sum of the arrays ``c`` (``len(c) < 128``), element by element (see :func:`sum_axes`)."""
    n = len(c)
    add = np.add
    if n < 8:
        res = add(0.0, c[0])
        for j in range(1, n):
            add(res, c[j], out=res)
        return res
    r = [np.array(c[j]) for j in range(8)]
    i = 8
    while i < n - n % 8:
        for j in range(8):
            add(r[j], c[i + j], out=r[j])
        i += 8
    res = add(r[0], r[1])
    add(res, add(r[2], r[3]), out=res)
    t = add(r[4], r[5])
    add(t, add(r[6], r[7]), out=t)
    add(res, t, out=res)
    for j in range(i, n):
        add(res, c[j], out=res)
    return add(0.0, res, out=res)


def c_order(f):
    """``f`` (a numpy reduction) applied to a C-contiguous copy of its first argument when it is
    not one: the order of additions is then that of the C-ordered array, whatever the layout."""
    def g(a, *args, **kw):
        return f(np.ascontiguousarray(a), *args, **kw)
    g.__name__ = getattr(f, "__name__", "reduction")
    return g


def poisson_ppf(u, mean):
    """Poisson quantile of the uniform draws ``u`` for (possibly varying) ``mean``."""
    from scipy.stats import poisson

    return poisson.ppf(u, np.maximum(mean, 0.0))


def triangular_ppf(u, lo, mode, hi):
    """Triangular quantile of the uniform draws ``u``."""
    width = hi - lo
    fc = np.where(width > 0, (mode - lo) / np.where(width > 0, width, 1.0), 0.0)
    left = lo + np.sqrt(u * width * (mode - lo))
    right = hi - np.sqrt((1 - u) * width * (hi - mode))
    return np.where(u < fc, left, right)


def lognormal_from_moments(z, mean, sd):
    """A lognormal draw with the given mean and standard deviation, from a standard normal ``z``."""
    s2 = np.log1p((sd / mean) ** 2)
    return np.exp(np.log(mean) - s2 / 2 + np.sqrt(s2) * z)


# ---------------------------------------------------------------------------
# scalar helpers (Python floats: single runs of models without arrays)
# ---------------------------------------------------------------------------
def s_step(time, height, t0):
    return height if time >= t0 else 0.0


def s_ramp(time, slope, start, end=math.inf):
    hi = start if end < start else end
    return slope * ((start if time < start else (hi if time > hi else time)) - start)


def s_pulse(time, dt, magnitude, first, interval=0.0):
    eps = dt * 1e-6
    since = time - first
    if interval <= 0:
        on = since >= -eps and since < dt - eps
    else:
        on = since >= -eps and (since + eps) % interval < dt
    return magnitude / dt if on else 0.0


def s_max(a, b):
    if a >= b:
        return a
    if b > a:
        return b
    return a + b  # a NaN is involved: NaN, as numpy.maximum


def s_min(a, b):
    if a <= b:
        return a
    if b < a:
        return b
    return a + b


def s_round(x):
    t = float(math.trunc(x))
    return t + math.copysign(1.0, x) if abs(x - t) >= 0.5 else t


def s_sign(x):
    return 1.0 if x > 0 else (-1.0 if x < 0 else (0.0 if x == 0 else x))


def s_rootn(x, n):
    if x < 0 and n % 2 == 1:
        return -math.pow(-x, 1.0 / n)
    return math.pow(x, 1.0 / n)


def s_interp(x, xs, ys):
    """``numpy.interp`` for one float ``x`` (same formula, so the same result)."""
    n = len(xs)
    if x != x:
        return x
    if x <= xs[0]:
        return ys[0]
    if x >= xs[-1]:
        return ys[-1]
    lo, hi = 0, n - 1
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if xs[mid] <= x:
            lo = mid
        else:
            hi = mid
    if x == xs[lo]:
        return ys[lo]
    slope = (ys[lo + 1] - ys[lo]) / (xs[lo + 1] - xs[lo])
    r = slope * (x - xs[lo]) + ys[lo]
    if r != r:
        r = slope * (x - xs[lo + 1]) + ys[lo + 1]
        if r != r and ys[lo] == ys[lo + 1]:
            r = ys[lo]
    return r


# ---------------------------------------------------------------------------
# random streams
# ---------------------------------------------------------------------------
def site_key(owner: str, k: int) -> int:
    """A stable 32-bit key of the ``k``-th stochastic call in ``owner``'s equation."""
    return zlib.crc32(f"{owner}#{k}".encode())


def member_streams(seed: int, call_seed: int | None, site: int, first_member: int, n: int):
    """Random generators of members ``first_member .. first_member + n - 1`` for one call site.

    Member ``i``'s stream is ``SeedSequence(seed).spawn(i + 1)[i]`` (spawn key ``(i,)``),
    spawned once more by the call site's key (spawn key ``(i, site)``): member ``i`` draws the
    same numbers whatever the ensemble size and chunking. A call with its own ``seed``
    argument uses ``SeedSequence(call_seed)`` instead of the run's seed.
    """
    entropy = int(call_seed) if call_seed is not None else int(seed)
    out = []
    for i in range(first_member, first_member + n):
        ss = np.random.SeedSequence(entropy, spawn_key=(i, site))
        out.append(np.random.Generator(np.random.PCG64(ss)))
    return out


def draw(kind: str, gens, n_steps: int, shape: tuple[int, ...]) -> np.ndarray:
    """Standard draws for every member: ``(N, n_steps + 1, *shape)``; ``kind`` is
    ``"normal"``, ``"uniform"`` or ``"exponential"``."""
    size = (n_steps + 1,) + tuple(shape)
    out = np.empty((len(gens),) + size)
    for j, g in enumerate(gens):
        if kind == "normal":
            out[j] = g.standard_normal(size)
        elif kind == "uniform":
            out[j] = g.random(size)
        else:
            out[j] = g.standard_exponential(size)
    return out


# ---------------------------------------------------------------------------
# runtime helpers of histories (pipeline delay, previous): called by generated code
# ---------------------------------------------------------------------------
def _snap(p):
    pr = np.rint(p)
    return np.where(np.abs(p - pr) < 1e-9, pr, p)


def pipe_out(H, t, T, t0, dt, i, init, shape, cur=None):
    """Vector pipeline-delay output at time ``t``.

    The input's history is ``H[0 .. i-1]`` (values at the step times ``t0 + j dt``) and,
    when ``cur`` is given, its value ``cur`` at ``t`` itself; linear interpolation at
    ``t - T``; ``init`` before the start. Without ``cur`` a read after the last recorded
    step takes that step's value.
    """
    full = (H.shape[1],) + tuple(shape)
    init = np.broadcast_to(init, full)
    p = _snap(np.broadcast_to((t - T - t0) / dt, full))
    before = p < 0
    if cur is not None:
        pc = _snap(np.float64((t - t0) / dt))
        cur = np.broadcast_to(cur, full)
        if i == 0:
            return np.where(before, init, cur)
    elif i == 0:
        return init
    last = i - 1
    q = np.minimum(np.maximum(p, 0.0), last)
    j = np.floor(q)
    w = q - j
    j = j.astype(np.intp)
    j1 = np.minimum(j + 1, last)
    a = np.take_along_axis(H, j[None], 0)[0]
    b = np.take_along_axis(H, j1[None], 0)[0]
    val = np.where(w == 0, a, a + w * (b - a))
    if cur is not None:
        hl = H[last]
        wc = np.where(pc > last, (np.minimum(p, pc) - last) / np.where(pc > last, pc - last, 1.0), 0.0)
        val = np.where(p > last, np.where(wc >= 1, cur, hl + wc * (cur - hl)), val)
    return np.where(before, init, val)


def pipe_static(box, H, t, T, t0, dt, i, init, shape, cur, step):
    """:func:`pipe_out` for a delay time fixed for the run: when every ``T/dt`` is a whole
    number of steps, a step's output is the recorded row ``i - T/dt`` (the same value the
    general formula gives, without interpolation work)."""
    info = box.get(0)
    if info is None:
        full = (H.shape[1],) + tuple(shape)
        off = np.broadcast_to(np.asarray(T, dtype=float) / dt, full)
        n = np.rint(off)
        integral = bool(np.all(np.abs(off - n) < 1e-9) and np.all(n >= 0))
        uniform = integral and bool(np.all(n == n.flat[0]))
        info = box[0] = (integral, uniform, int(n.flat[0]) if uniform else (n.astype(np.intp) if integral else None))
    integral, uniform, n = info
    if not (integral and step):
        return pipe_out(H, t, T, t0, dt, i, init, shape, cur)
    full = (H.shape[1],) + tuple(shape)
    if uniform:
        if n == 0:
            if cur is not None:
                return np.broadcast_to(cur, full)
            return H[i - 1] if i > 0 else np.broadcast_to(init, full)
        return H[i - n] if i >= n else np.broadcast_to(init, full)
    src = i - n
    val = np.take_along_axis(H, np.clip(src, 0, max(i - 1, 0))[None], 0)[0]
    if cur is not None:
        val = np.where(n == 0, np.broadcast_to(cur, full), val)
    elif i == 0:
        return np.broadcast_to(init, full)
    return np.where(src < 0, np.broadcast_to(init, full), val)


def s_pipe(H, t, T, t0, dt, i, init, cur=None):
    """Scalar twin of :func:`pipe_out` (same formula)."""
    p = (t - T - t0) / dt
    pr = round(p)
    if abs(p - pr) < 1e-9:
        p = float(pr)
    if p < 0:
        return init
    if cur is not None:
        pc = (t - t0) / dt
        pr = round(pc)
        if abs(pc - pr) < 1e-9:
            pc = float(pr)
        if i == 0:
            return cur
    elif i == 0:
        return init
    last = i - 1
    if p > last:
        if cur is None:
            return H[last]
        wc = ((p if p < pc else pc) - last) / (pc - last) if pc > last else 0.0
        hl = H[last]
        return cur if wc >= 1 else hl + wc * (cur - hl)
    j = math.floor(p)
    w = p - j
    a = H[j]
    if w == 0:
        return a
    b = H[min(j + 1, last)]
    return a + w * (b - a)


def prev_out(H, i, init, shape):
    """Vector ``previous``: row ``(i - 1) % 2`` of the two-row history, ``init`` at step 0."""
    if i == 0:
        return np.broadcast_to(init, (H.shape[1],) + tuple(shape))
    return H[(i - 1) % 2]
