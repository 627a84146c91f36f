"""Fixed-step integration of a compiled model over an ensemble axis.

``simulate(model, params, settings)`` is pure: it compiles (cached per model
object), builds the initial state for ``N`` ensemble members, and integrates
with Euler or classic fourth-order Runge-Kutta at a fixed ``dt``. Auxiliaries
are recorded at every save time from the state at that time (as Vensim and
Stella do).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

import numpy as np

from .compiler import CompiledModel, compile_model
from .components import Constant, Model, ModelError
from .results import Results


class SimulationError(RuntimeError):
    """A run that cannot continue (e.g. a non-finite value appeared)."""


class NonFiniteError(SimulationError):
    """NaN or infinity appeared in a variable.

    Attributes
    ----------
    variable : str
        The first variable (in evaluation order) found non-finite.
    time : float
        Time [yr] at which it was first seen.
    run : int
        Index of the first ensemble member affected.
    """

    def __init__(self, variable: str, time: float, run: int):
        self.variable, self.time, self.run = variable, time, run
        super().__init__(f"non-finite value in {variable!r} at year {time:g} (ensemble member {run})")


class SettingsError(ValueError):
    """Time settings that cannot run.

    Attributes
    ----------
    field : str
        The setting at fault: ``start``, ``stop``, ``dt``, ``save_every``, ``method``,
        ``on_nonfinite`` or ``max_steps``. Callers that read the settings from a
        file name the file and its key (``horizon.dt``, ``sim_specs dt``, ...).
    problem : str
        What is wrong, without the field name.
    """

    def __init__(self, field: str, problem: str):
        self.field, self.problem = field, problem
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class SimSettings:
    """Time settings of a run.

    Parameters
    ----------
    start, stop : float
        First and last time [yr].
    dt : float
        Integration step [yr]. ``(stop - start)`` and ``save_every`` must be
        multiples of it.
    save_every : float
        Save period [yr], > 0, a multiple of ``dt`` and at most ``stop - start``
        (unless ``stop == start``).
    method : {"euler", "rk4"}
        Integrator.
    on_nonfinite : {"raise", "ignore"}
        What to do when NaN/inf appears.
    max_steps : int, optional
        Cap on the number of integration steps ``(stop - start) / dt``; default
        :data:`simulator.limits.MAX_STEPS` (or ``REGSIM_MAX_STEPS``). Checked by
        :meth:`check_steps`, which :func:`simulate` calls before any work.

    Raises
    ------
    SettingsError
        Naming the field at fault.
    """

    start: float = 2018.0
    stop: float = 2050.0
    dt: float = 0.25
    save_every: float = 1.0
    method: str = "euler"
    on_nonfinite: str = "raise"
    max_steps: int | None = None

    def __post_init__(self):
        for k in ("start", "stop", "dt", "save_every"):
            v = getattr(self, k)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise SettingsError(k, f"must be a number, got {v!r}")
            if not np.isfinite(v):
                raise SettingsError(k, f"must be finite, got {v}")
        if self.dt <= 0:
            raise SettingsError("dt", f"must be > 0, got {self.dt}")
        if self.stop < self.start:
            raise SettingsError("stop", f"{self.stop} is before start ({self.start})")
        if self.method not in ("euler", "rk4"):
            raise SettingsError("method", f"must be 'euler' or 'rk4', got {self.method!r}")
        if self.on_nonfinite not in ("raise", "ignore"):
            raise SettingsError("on_nonfinite", f"must be 'raise' or 'ignore', got {self.on_nonfinite!r}")
        if self.max_steps is not None and (isinstance(self.max_steps, bool) or not isinstance(self.max_steps, (int, np.integer))
                                           or self.max_steps < 1):
            raise SettingsError("max_steps", f"must be a positive integer, got {self.max_steps!r}")
        if self.save_every <= 0:
            raise SettingsError("save_every", f"must be > 0, got {self.save_every}")
        span = self.stop - self.start
        for k, v in (("stop", span), ("save_every", self.save_every)):
            r = v / self.dt
            if not np.isfinite(r) or abs(r - round(r)) > 1e-9 * max(1.0, r):
                what = f"stop - start ({span:g})" if k == "stop" else f"save_every ({v:g})"
                raise SettingsError(k, f"{what} is not a multiple of dt ({self.dt:g})")
        if span > 0 and self.save_every > span * (1 + 1e-12):
            raise SettingsError("save_every", f"{self.save_every:g} is longer than the run ({span:g})")

    @property
    def n_steps(self) -> int:
        """Number of integration steps, ``(stop - start) / dt``."""
        return int(round((self.stop - self.start) / self.dt))

    def check_steps(self) -> None:
        """Refuse runs with more integration steps than ``max_steps`` (before any memory is used).

        Raises
        ------
        SettingsError
            ``field = "dt"``, naming the number of steps and the cap.
        """
        from ..limits import limit

        cap = self.max_steps if self.max_steps is not None else limit("MAX_STEPS")
        steps = (self.stop - self.start) / self.dt
        if steps > cap:
            raise SettingsError("dt", f"{steps:.4g} integration steps ({self.start:g} to {self.stop:g} by "
                                f"{self.dt:g}) is more than the limit of {cap} steps (raise it with --max-steps "
                                "or REGSIM_MAX_STEPS if you mean it)")


_CACHE: weakref.WeakKeyDictionary[Model, CompiledModel] = weakref.WeakKeyDictionary()


def compiled(model: Model) -> CompiledModel:
    """The compiled form of ``model`` (cached; compiling never changes the model)."""
    try:
        return _CACHE[model]
    except (KeyError, TypeError):
        pass
    cm = compile_model(model)
    try:
        _CACHE[model] = cm
    except TypeError:
        pass
    return cm


def _ensemble_params(cm: CompiledModel, params: Mapping[str, object] | None, n_runs: int | None):
    """Validate overrides and return (constant arrays, N)."""
    params = dict(params or {})
    sizes: list[int] = []
    arrays: dict[str, np.ndarray] = {}
    for name, v in params.items():
        c = cm.components.get(name)
        if c is None:
            raise ModelError(f"unknown parameter {name!r}: the model has no such constant")
        if not isinstance(c, Constant):
            raise ModelError(f"{name!r} is a {c.kind}, not a constant: it cannot be set as a parameter")
        a = np.ascontiguousarray(v, dtype=float)  # C order: reductions then sum in the same order
        k = cm.sizes[name]
        if k is None:
            if a.ndim > 1:
                raise ModelError(f"parameter {name!r} is scalar: expected shape () or (N,), got {a.shape}")
            if a.ndim == 1:
                sizes.append(a.shape[0])
        else:
            if a.ndim == 0:
                a = np.full((1, k), float(a))
            elif a.ndim == 1 and a.shape == (k,):
                a = a[None, :]
            elif a.ndim == 2 and a.shape[1] == k:
                sizes.append(a.shape[0])
            else:
                raise ModelError(f"parameter {name!r} has {k} elements: expected shape ({k},) or (N, {k}), got {a.shape}")
        if not np.all(np.isfinite(a)):
            raise ModelError(f"parameter {name!r} contains NaN or infinity")
        arrays[name] = a
    ns = set(sizes) | ({n_runs} if n_runs else set())
    ns.discard(1)
    if len(ns) > 1:
        raise ModelError(f"ensemble parameters disagree on the number of runs: {sorted(ns)}")
    N = ns.pop() if ns else 1
    return arrays, N


def simulate(
    model: Model,
    params: Mapping[str, object] | None = None,
    settings: SimSettings | None = None,
    *,
    n_runs: int | None = None,
    save: list[str] | None = None,
    metadata: Mapping[str, object] | None = None,
    progress: Callable[[float], None] | None = None,
) -> Results:
    """Simulate ``model`` for one or many parameter sets at once.

    Parameters
    ----------
    model : Model
        The model (never modified).
    params : mapping of str to array_like, optional
        Constant overrides. A scalar constant takes a number or an array of
        shape ``(N,)`` (one value per ensemble member); an arrayed constant
        takes ``(n,)`` or ``(N, n)``.
    settings : SimSettings, optional
        Time settings (defaults: 2018..2050, dt 0.25, saved yearly, Euler).
    n_runs : int, optional
        Ensemble size when no parameter array sets it (all members identical).
    save : list of str, optional
        Variables to keep (default: every visible stock, flow, auxiliary and
        time series). Keeping fewer saves memory in large ensembles.
    metadata : mapping, optional
        Extra provenance copied into ``Results.metadata``.
    progress : callable, optional
        Called with the fraction done (0..1) every few steps.

    Returns
    -------
    Results
        Arrays of shape ``(N, n_saved_times[, n])``.

    Raises
    ------
    ModelError
        Unknown or malformed parameters, inconsistent model.
    NonFiniteError
        NaN or infinity appeared (unless ``settings.on_nonfinite == "ignore"``).
    SettingsError
        More integration steps than ``settings.max_steps`` allows.
    """
    settings = settings or SimSettings()
    settings.check_steps()
    cm = compiled(model)
    overrides, N = _ensemble_params(cm, params, n_runs)
    with np.errstate(all="ignore"):
        return _run(cm, overrides, N, settings, save, dict(metadata or {}), progress)


def _run(cm: CompiledModel, overrides, N, st: SimSettings, save, metadata, progress) -> Results:
    comps, sizes = cm.components, cm.sizes
    n_steps = int(round((st.stop - st.start) / st.dt))
    stride = int(round(st.save_every / st.dt))
    save_idx = list(range(0, n_steps + 1, stride))
    times = st.start + np.asarray(save_idx, dtype=float) * st.dt

    env: dict[str, object] = {"dt": np.float64(st.dt), "initial_time": np.float64(st.start),
                              "final_time": np.float64(st.stop)}
    for name in cm.constants:
        if name in overrides:
            env[name] = overrides[name]
        else:
            v = comps[name].array(sizes[name])
            env[name] = v[None, :] if sizes[name] else v
    for name, fn in cm.static:
        env[name] = fn(env)

    def set_time(t):
        env["time"] = np.float64(t)
        for name, xs, ys in cm.timeseries:
            env[name] = np.float64(np.interp(t, xs, ys))

    # initial values
    set_time(st.start)
    state = np.empty((N, cm.n_state))
    stock_set = set(cm.stocks)
    for name, fn in cm.init_order:
        v = fn(env)
        if name in stock_set:
            sl, a = cm.slices[name], np.asarray(v, dtype=float)
            if sizes[name]:
                state[:, sl] = np.broadcast_to(a, (N, sizes[name]))
            else:
                state[:, sl.start] = np.broadcast_to(a, (N,))
        env[name] = v
    if cm.nonneg_cols is not None:
        state[:, cm.nonneg_cols] = np.maximum(state[:, cm.nonneg_cols], 0.0)

    pipes = _Pipelines(cm, env, state, n_steps, st.dt)

    views = [(name, cm.slices[name], sizes[name]) for name in cm.stocks]
    dynamic = cm.dynamic

    def evaluate(t, s):
        set_time(t)
        for name, sl, k in views:
            env[name] = s[:, sl] if k else s[:, sl.start]
        for name, fn in dynamic:
            env[name] = fn(env)

    def derivative():
        d = np.zeros((N, cm.n_state))
        for sl, ins, outs, k in cm.stock_flows:
            acc = 0.0
            for f in ins:
                acc = acc + env[f]
            for f in outs:
                acc = acc - env[f]
            if k:
                d[:, sl] = acc
            else:
                d[:, sl.start] = acc
        return d

    # what to save
    visible = [n for n in cm.visible if comps[n].kind in ("stock", "aux", "flow", "timeseries")]
    if save is not None:
        unknown = [n for n in save if n not in comps or n not in visible]
        if unknown:
            raise ModelError(f"cannot save unknown variable(s): {', '.join(unknown)}")
        visible = list(save)
    out = {n: np.empty((N, len(save_idx)) + ((sizes[n],) if sizes[n] else ())) for n in visible}

    check = st.on_nonfinite == "raise"
    k_save = 0
    report_every = max(1, n_steps // 50)
    for i in range(n_steps + 1):
        t = st.start + i * st.dt
        evaluate(t, state)
        if check and not np.isfinite(state).all() or (check and i % stride == 0 and not _finite_env(env, visible)):
            _raise_nonfinite(cm, env, state, t)
        pipes.record(i, env)
        if i % stride == 0:
            for n in visible:
                out[n][:, k_save] = env[n] if sizes[n] else np.broadcast_to(env[n], (N,))
            k_save += 1
        if i == n_steps:
            break
        if st.method == "euler":
            state = state + st.dt * derivative()
        else:
            h = st.dt
            k1 = derivative()
            evaluate(t + h / 2, state + (h / 2) * k1)
            k2 = derivative()
            evaluate(t + h / 2, state + (h / 2) * k2)
            k3 = derivative()
            evaluate(t + h, state + h * k3)
            k4 = derivative()
            state = state + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
        if cm.nonneg_cols is not None:
            state[:, cm.nonneg_cols] = np.maximum(state[:, cm.nonneg_cols], 0.0)
        pipes.advance(i + 1, state)
        if progress is not None and i % report_every == 0:
            progress(i / n_steps)
    if progress is not None:
        progress(1.0)

    meta = {"model": cm.model.name, "settings": asdict(st), "n_runs": N}
    meta.update(metadata)
    units = {n: comps[n].units for n in visible}
    dims = {n: comps[n].dims for n in visible}
    docs = {n: comps[n].doc for n in visible}
    return Results(out, times, units, dims, dict(cm.model.dimensions), meta, docs)


class _Pipelines:
    """Input histories of pipeline delays (``delay(x, T, x0)``).

    Each delay is a hidden flow-less stock (so it breaks dependency loops like
    any stock and keeps its value through RK4 stages); after every step its
    column is set to the input recorded ``n = round(T/dt)`` steps earlier, or
    to its initial value while fewer than ``n`` steps have been taken. ``T``
    may differ per ensemble member and per element.
    """

    def __init__(self, cm: CompiledModel, env, state, n_steps: int, dt: float):
        self.items = []
        N = state.shape[0]
        for stock, inp, tname in cm.pipelines:
            sl = cm.slices[stock]
            shape = (N, sl.stop - sl.start)
            T = _per_member(env[tname], shape)
            n = np.rint(T / dt)
            if not np.all(np.isfinite(n)) or np.any(n < 1):
                owner = stock.split("_", 2)[-1]
                raise ModelError(f"{owner}: DELAY time {np.min(T):g} is shorter than one step (dt = {dt:g})")
            n = n.astype(int)
            hist = np.empty((min(n_steps, int(n.max())) + 1,) + shape)
            self.items.append((sl, inp, n, state[:, sl].copy(), hist))

    def record(self, i: int, env) -> None:
        """Store the inputs evaluated at step ``i``."""
        for _, inp, _, _, hist in self.items:
            hist[i % hist.shape[0]] = _per_member(env[inp], hist.shape[1:])

    def advance(self, i: int, state) -> None:
        """Set each delay's output for step ``i`` (the input of step ``i - n``)."""
        for sl, _, n, init, hist in self.items:
            src = i - n
            rows = np.arange(n.shape[0])[:, None]
            cols = np.arange(n.shape[1])[None, :]
            past = hist[np.maximum(src, 0) % hist.shape[0], rows, cols]
            state[:, sl] = np.where(src >= 0, past, init)


def _per_member(v, shape) -> np.ndarray:
    """A value (``()``, ``(N,)`` scalar per member, ``(1|N, k)`` arrayed) as an ``(N, k)`` array."""
    v = np.asarray(v, dtype=float)
    if v.ndim == 1:
        v = v[:, None]
    return np.broadcast_to(v, shape)


def _finite_env(env, names) -> bool:
    for n in names:
        if not np.isfinite(env[n]).all():
            return False
    return True


def _raise_nonfinite(cm: CompiledModel, env, state, t):
    bad_rows = ~np.isfinite(state).all(axis=1)
    for name in cm.stocks:
        v = np.asarray(env[name])
        if not np.isfinite(v).all():
            run = int(np.argwhere(~np.isfinite(v))[0][0]) if v.ndim else 0
            raise NonFiniteError(name, t, run)
    for name, _ in cm.static + cm.dynamic:
        v = np.asarray(env[name])
        if not np.isfinite(v).all():
            run = int(np.argwhere(~np.isfinite(v))[0][0]) if v.ndim else 0
            raise NonFiniteError(name, t, run)
    run = int(np.flatnonzero(bad_rows)[0]) if bad_rows.any() else 0
    raise NonFiniteError("<state>", t, run)
