"""Builtin functions available in equations.

Two kinds:

*Pure* builtins are element-wise numpy functions (``min``, ``exp``, ``step``,
...). They are compiled directly by :mod:`simulator.engine.compiler`.

*Stateful* builtins (``smooth``, ``smooth3``, ``smoothn``, ``delay1``,
``delay3``, ``delayn``, ``init``) carry state. Before compilation each call is
expanded into hidden stocks and flows (names start with ``_``), exactly as an
SD modeller would draw them, so they are integrated by the same integrator as
every other stock and vectorise over the ensemble axis for free:

- ``smooth(x, T[, x0])``: first-order information smoothing,
  ``dS/dt = (x - S) / T``, ``S(t0) = x0`` (default ``x(t0)``).
- ``smooth3(x, T[, x0])``: three first-order smooths in series, each ``T/3``.
- ``smoothn(x, T, n[, x0])``: ``n`` in series, each ``T/n`` (``n`` a literal integer).
- ``delay1(x, T[, x0])``: first-order material delay. Stock ``L`` with inflow
  ``x`` and outflow ``L/T``; the output is ``L/T``; ``L(t0) = x0 * T``.
- ``delay3(x, T[, x0])`` / ``delayn(x, T, n[, x0])``: ``n`` first-order delays in
  series, each ``T/n``: mean transit time ``T``.
- ``init(x)``: the value of ``x`` at the start time, held constant.
- ``delay(x, T[, x0])``: pipeline (fixed) delay, XMILE ``DELAY`` / Vensim
  ``DELAY FIXED``: ``x(t - T)`` once ``t >= start + T``, ``x0`` (default
  ``x(start)``) before. ``T`` is read once at the start and rounded to a whole
  number (>= 1) of steps; the output changes only between steps (with RK4 too).
  Expanded into a hidden flow-less stock whose value the integrator sets from
  the recorded input history at every step.
"""

from __future__ import annotations

import numpy as np

# name -> (min args, max args)
PURE_ARITY: dict[str, tuple[int, int]] = {
    "min": (1, 99), "max": (1, 99), "abs": (1, 1), "exp": (1, 1), "ln": (1, 1),
    "log10": (1, 1), "sqrt": (1, 1), "sin": (1, 1), "cos": (1, 1), "tan": (1, 1),
    "arcsin": (1, 1), "arccos": (1, 1), "arctan": (1, 1), "int": (1, 1),
    "clip": (3, 3), "sum": (1, 1), "mean": (1, 1), "step": (2, 2), "ramp": (2, 3),
    "pulse": (2, 3), "mod": (2, 2), "sign": (1, 1),
}
STATEFUL_ARITY: dict[str, tuple[int, int]] = {
    "smooth": (2, 3), "smooth1": (2, 3), "smooth3": (2, 3), "smoothn": (3, 4),
    "delay1": (2, 3), "delay3": (2, 3), "delayn": (3, 4), "init": (1, 1),
    "delay": (2, 3),
}
#: builtins whose value depends on ``time`` implicitly
TIME_DEPENDENT = frozenset({"step", "ramp", "pulse"})
#: reductions over the (single) dimension of their argument
REDUCTIONS = frozenset({"sum", "mean"})

UNARY_UFUNCS = {
    "abs": np.abs, "exp": np.exp, "ln": np.log, "log10": np.log10, "sqrt": np.sqrt,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "arcsin": np.arcsin,
    "arccos": np.arccos, "arctan": np.arctan, "int": np.floor, "sign": np.sign,
}


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
