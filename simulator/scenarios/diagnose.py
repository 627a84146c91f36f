"""Trace a non-finite run back to the input that caused it.

The engine reports the first variable that became NaN or infinite
(:class:`~simulator.engine.NonFiniteError`). A planner needs the *input*: the
scenario key (``levers.port_investment.budget = 1e300``), the shock, or the
parameter file entry. :func:`explain_nonfinite` walks the model's dependency
graph back from that variable to the constants and exogenous series it depends
on, and tests the suspects by undoing each one:

1. the scenario's own settings (lever settings, ``[parameters]``, shocks)
   that feed the variable: each is reset to its default -- constants all at
   once, one ensemble member per suspect, shocks one run each;
2. failing that, the parameter-file constants that feed it: each is reset to
   the middle of its declared range (one ensemble member per constant).

An input whose reset makes the run finite is named as the cause. The tests
cost one or a few extra (vectorised) runs, only when a run has already failed.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..engine import NonFiniteError, simulate
from ..engine.simulate import compiled

_MAX_MEMBERS = 400


def ancestors(components: dict, name: str) -> set[str]:
    """``name`` and every component it depends on, directly or not (iterative walk)."""
    seen: set[str] = set()
    stack = [name]
    while stack:
        n = stack.pop()
        if n in seen or n not in components:
            continue
        seen.add(n)
        stack.extend(components[n].dependencies())
    return seen


def _finite_members(model, params: dict, settings, n: int) -> np.ndarray:
    """Boolean ``(n,)``: which members of the ensemble stay finite over the whole run."""
    res = simulate(model, params, replace(settings, on_nonfinite="ignore"), n_runs=n)
    ok = np.ones(n, dtype=bool)
    for v in res.variables:
        a = np.asarray(res[v], dtype=float).reshape(res[v].shape[0], -1)
        ok &= np.isfinite(a).all(axis=1) if a.shape[0] == n else np.isfinite(a).all()
    return ok


def _stacked(model, names_values: list[tuple[str, object]], current: dict) -> dict:
    """Ensemble overrides: member ``i`` has constant ``names_values[i][0]`` reset to ``names_values[i][1]``."""
    n = len(names_values)
    params: dict[str, np.ndarray] = {}
    for i, (name, value) in enumerate(names_values):
        if name not in params:
            base = np.asarray(current[name], dtype=float)
            params[name] = np.broadcast_to(base, (n,) + base.shape).copy()
        params[name][i] = np.asarray(value, dtype=float)
    return params


def _fmt(v) -> str:
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.6g}"
    return "[" + ", ".join(f"{x:.4g}" for x in a.ravel()[:9]) + (", ..." if a.size > 9 else "") + "]"


def _shown(variable: str) -> str:
    """A variable as a user knows it: hidden stocks of builtins (``_smooth3_x``) as ``'x' (inside smooth)``."""
    import re

    m = re.match(r"^_([a-z]+?)\d*_(.+)$", variable)
    return f"{m.group(2)!r} (inside {m.group(1)})" if m else repr(variable)


def explain_nonfinite(prep, exc: NonFiniteError) -> str:
    """One line naming what made the run of ``prep`` non-finite (file and key when it can be identified).

    Parameters
    ----------
    prep : Prepared
        The scenario as run.
    exc : NonFiniteError
        The engine's report (variable, time, member).
    """
    head = f"non-finite value in {_shown(exc.variable)} at year {exc.time:g}"
    try:
        return _explain(prep, exc, head)
    except Exception:  # the diagnosis must never hide the original error
        return f"{prep.scenario.path}: {head}"


def _explain(prep, exc: NonFiniteError, head: str) -> str:
    sc, model, settings = prep.scenario, prep.model, prep.settings
    cm = compiled(model)
    anc = ancestors(cm.components, exc.variable)
    defaults = prep.defaults
    current = {c.name: c.array(model.shape(c.name) if c.dims else None) for c in model.components
               if c.kind == "constant"}

    # 1. the scenario's own settings
    from .apply import _where

    const_suspects = [(n, defaults[n].array()) for n in prep.params if n in anc and defaults is not None
                      and n in defaults]
    found: list[str] = []
    if const_suspects:
        ok = _finite_members(model, _stacked(model, const_suspects, current), settings, len(const_suspects))
        for (n, dv), good in zip(const_suspects, ok):
            if good:
                label = sc.where(_where(sc, n))
                found.append((label, f"{label}: {_fmt(current[n])} makes the run blow up: {head}; with the "
                                     f"default {_fmt(dv)} it stays finite"))
    from .schema import SHOCK_SERIES

    base_model = None
    for sid in sc.shocks:
        series = SHOCK_SERIES.get(sid, sid)
        if series not in anc:
            continue
        if base_model is None:
            from ..model import build_model

            base_model = build_model(prep.parameters)
        if series in base_model:
            ok = _finite_members(model.replace(base_model[series]), {}, settings, 1)
            if ok.all():
                label = sc.where(f"shocks.{sid}")
                found.append((label, f"{label}: this shock makes the run blow up: {head}; without it the run "
                                     "stays finite"))
    if found:
        return found[0][1] + (f" (also: {', '.join(lb for lb, _ in found[1:4])})" if len(found) > 1 else "")
    suspects_named = [sc.where(_where(sc, n)) for n, _ in const_suspects]
    suspects_named += [sc.where(f"shocks.{sid}") for sid in sc.shocks if SHOCK_SERIES.get(sid, sid) in anc]

    # 2. the parameter files
    ps = prep.parameters
    file_suspects = []
    for n in sorted(anc):
        if n in prep.params or n not in ps:
            continue
        p = ps[n]
        lo, hi = p.bounds()
        if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
            continue
        mid = (lo + hi) / 2.0
        if np.allclose(mid, current[n]):
            continue
        file_suspects.append((n, mid))
    file_suspects = file_suspects[:_MAX_MEMBERS]
    if file_suspects:
        ok = _finite_members(model, _stacked(model, file_suspects, current), settings, len(file_suspects))
        hits = [(n, m) for (n, m), good in zip(file_suspects, ok) if good]
        if hits:
            n, m = hits[0]
            more = f" (also: {', '.join(h for h, _ in hits[1:4])})" if len(hits) > 1 else ""
            return (f"{ps[n].file}: {n}: value {_fmt(current[n])}: {head}; with {_fmt(m)} (the middle of its range) "
                    f"the run stays finite{more}")
    if suspects_named:
        return f"{suspects_named[0]}: {head}; it depends on " + ", ".join(suspects_named) + \
            " (resetting any one of them alone does not help)"
    return f"{sc.path}: {head} (no scenario setting feeds it; check the parameter files behind {exc.variable})"
