"""Fixed-step integration of a compiled model over an ensemble axis.

``simulate(model, params, settings)`` is pure: it compiles (once per model object: the
generated code is kept on the model), builds the initial state for ``N`` ensemble
members, and integrates with Euler or classic fourth-order Runge-Kutta at a fixed ``dt``.
Auxiliaries are recorded at every save time from the state at that time (as Vensim and
Stella do). A single run of a model without arrays uses the generated Python-float
program; everything else the generated numpy program (:mod:`simulator.engine.codegen`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

import numpy as np

from . import builtins as B
from .buffers import POOL, tune_allocator
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
    seed : int
        Seed of the stochastic functions (``normal``, ``uniform``, ...): member ``i`` of
        any run with the same seed draws the same numbers.
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
    seed: int = 0
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
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise SettingsError("seed", f"must be a whole number >= 0, got {self.seed!r}")
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


def compiled(model: Model) -> CompiledModel:
    """The compiled form of ``model`` (kept on the model object; compiling never changes the model)."""
    cm = model.__dict__.get("_compiled")
    if cm is None:
        cm = compile_model(model)
        object.__setattr__(model, "_compiled", cm)
    return cm


#: members per chunk times the cells-weighted mean width of a model's variables (numbers per
#: member of the variables computed at every step, each counted as often as it has numbers):
#: fitted on the Heilongjiang models and the cohort block (docs/performance.md, bench_chunks.py)
CHUNK_WIDTH_BUDGET = 45_000
#: the range of :func:`default_chunk_size`
CHUNK_RANGE = (1000, 4000)


def default_chunk_size(model: Model, save: list[str] | None = None) -> int:
    """Members an ensemble should simulate at once for ``model`` (saving ``save``).

    Wide arrays per member (an age x sex population: 36 numbers) make every operation of a
    chunk bigger than the processor's caches sooner: their best chunk is smaller than that of a
    model of scalars and short vectors. The size is ``CHUNK_WIDTH_BUDGET / w``, ``w`` the mean
    width of the variables computed at every step weighted by their numbers, rounded down to a
    multiple of 250 and kept within ``CHUNK_RANGE``. Results never depend on it.

    Returns
    -------
    int
        1,000 to 4,000 members.
    """
    cm = compiled(model)
    every, _ = cm.vector.needed(tuple(_save_list(cm, save)))
    sizes = [cm.sizes[n] or 1 for n in every] + [cm.sizes[s] or 1 for s in cm.stocks]
    lo, hi = CHUNK_RANGE
    if not sizes:
        return hi
    width = sum(x * x for x in sizes) / sum(sizes)
    return max(lo, min(hi, int(CHUNK_WIDTH_BUDGET / width) // 250 * 250))


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
        shape = cm.shapes[name]
        if not shape:
            if a.ndim > 1:
                raise ModelError(f"parameter {name!r} is scalar: expected shape () or (N,), got {a.shape}")
            if a.ndim == 1:
                sizes.append(a.shape[0])
        else:
            if a.ndim == 0:
                a = np.full((1,) + shape, float(a))
            elif a.shape == shape:
                a = a[None]
            elif a.ndim == len(shape) + 1 and a.shape[1:] == shape:
                sizes.append(a.shape[0])
            else:
                want = f"({shape[0]},) or (N, {shape[0]})" if len(shape) == 1 else f"{shape} or (N, {', '.join(map(str, shape))})"
                raise ModelError(f"parameter {name!r} has {int(np.prod(shape))} elements: expected shape {want}, "
                                 f"got {a.shape}")
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
    first_member: int = 0,
) -> Results:
    """Simulate ``model`` for one or many parameter sets at once.

    Parameters
    ----------
    model : Model
        The model (never modified).
    params : mapping of str to array_like, optional
        Constant overrides. A scalar constant takes a number or an array of
        shape ``(N,)`` (one value per ensemble member); an arrayed constant of shape
        ``(n1, n2, ...)`` takes that shape or ``(N, n1, n2, ...)``.
    settings : SimSettings, optional
        Time settings (defaults: 2018..2050, dt 0.25, saved yearly, Euler, seed 0).
    n_runs : int, optional
        Ensemble size when no parameter array sets it (all members identical, except for
        the draws of stochastic functions).
    save : list of str, optional
        Variables to keep (default: every visible stock, flow, auxiliary and
        time series). Keeping fewer saves memory in large ensembles.
    metadata : mapping, optional
        Extra provenance copied into ``Results.metadata``.
    progress : callable, optional
        Called with the fraction done (0..1) every few steps.
    first_member : int
        Global index of this call's first member: the random streams of stochastic
        functions are per member index, so a chunk of an ensemble draws what the same
        members draw in one big run.

    Returns
    -------
    Results
        Arrays of shape ``(N, n_saved_times[, n1, n2, ...])``.

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
    tune_allocator()
    cm = compiled(model)
    overrides, N = _ensemble_params(cm, params, n_runs)
    with np.errstate(all="ignore"):
        return _run(cm, overrides, N, settings, save, dict(metadata or {}), progress, int(first_member))


def _save_list(cm: CompiledModel, save) -> list[str]:
    comps = cm.components
    visible = [n for n in cm.visible if comps[n].kind in ("stock", "aux", "flow", "timeseries")]
    if save is None:
        return visible
    unknown = [n for n in save if n not in comps or n not in visible]
    if unknown:
        raise ModelError(f"cannot save unknown variable(s): {', '.join(unknown)}")
    return list(save)


def _constant_value(cm: CompiledModel, name: str, overrides):
    if name in overrides:
        return overrides[name]
    v = cm.components[name].array(cm.shapes[name] or None)
    return v[None] if cm.shapes[name] else v


def _timeseries_rows(cm: CompiledModel, times: np.ndarray) -> np.ndarray:
    """Values of every time series at ``times``: ``(len(times), n_series)``."""
    out = np.empty((len(times), len(cm.timeseries)))
    for j, n in enumerate(cm.timeseries):
        c = cm.components[n]
        out[:, j] = np.interp(times, np.asarray(c.x, float), np.asarray(c.y, float))
    return out


def _noise(cm: CompiledModel, st: SimSettings, N: int, n_steps: int, first_member: int) -> dict[str, np.ndarray]:
    out = {}
    for n in cm.noises:
        c = cm.components[n]
        gens = B.member_streams(st.seed, c.call_seed, c.site, first_member, N)
        out[n] = B.draw(c.dist, gens, n_steps, cm.shapes[n])
    return out


def _run(cm: CompiledModel, overrides, N, st: SimSettings, save, metadata, progress, first_member) -> Results:
    comps = cm.components
    n_steps = int(round((st.stop - st.start) / st.dt))
    stride = int(round(st.save_every / st.dt))
    save_idx = list(range(0, n_steps + 1, stride))
    times = st.start + np.asarray(save_idx, dtype=float) * st.dt
    visible = _save_list(cm, save)
    noise = _noise(cm, st, N, n_steps, first_member)
    out = None
    if N == 1 and cm.scalar_ok:
        out = _run_scalar(cm, overrides, st, visible, n_steps, stride, len(save_idx), noise)
    if out is None:
        out = _run_vector(cm, overrides, N, st, visible, n_steps, stride, len(save_idx), noise, progress)
    elif progress is not None:
        progress(1.0)

    meta = {"model": cm.model.name, "settings": asdict(st), "n_runs": N}
    meta.update(metadata)
    units = {n: comps[n].units for n in visible}
    dims = {n: comps[n].dims for n in visible}
    docs = {n: comps[n].doc for n in visible}
    return Results(out, times, units, dims, dict(cm.model.dimensions), meta, docs)


def _sys(st: SimSettings) -> dict:
    return {"dt": np.float64(st.dt), "initial_time": np.float64(st.start), "final_time": np.float64(st.stop)}


def _run_vector(cm: CompiledModel, overrides, N, st, visible, n_steps, stride, n_save, noise, progress,
                each_step: bool = False):
    """Integrate with the generated numpy program.

    Outputs: a variable with many elements per member is written into its ``(N, T, ...)`` array
    at each save; one with few (``programs.time_major``) into a time-major ``(T, N, ...)`` buffer,
    one contiguous row per save, and handed over as the ``(N, T, ...)`` view of that buffer (a
    member-major copy would cost more than the whole run of a long scalar model: the copy is a
    transposition of every saved value). Saved stocks of a model whose state is mostly saved are
    read from rows of saved states (one copy per save instead of one per stock).

    Non-finite values are looked for once at the end (a NaN or infinity in the state stays
    there; saved values are all checked); only if one is found is the run repeated with a
    check after every step (``each_step``), which raises :class:`NonFiniteError` at the first
    step and variable, as a check at every step would have.
    """
    prog = cm.vector
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        factory = prog.factory(tuple(visible), members_innermost=N > 1)
    finally:
        sys.setrecursionlimit(limit)
    sysv = _sys(st)
    plan = prog.output_plan(tuple(visible))
    shapes = {}
    for n in visible:
        shapes[n] = (n_save, N) + cm.shapes[n] if plan[n] == "block" else (N, n_save) + cm.shapes[n]
    if "state" in plan.values():
        shapes[" state"] = (n_save, N * cm.n_state)
    bufs = POOL.arrays({n: shp for n, shp in shapes.items() if plan.get(n) != "state"})
    sblock = bufs.pop(" state", None)
    blocked = [n for n in visible if plan[n] == "block"]
    direct = [bufs[n] for n in visible if plan[n] == "direct"]
    fixed = [bufs[n] for n in visible if plan[n] == "static"]   # the same at every saved time
    R = []
    for j, key in enumerate(prog.slots.keys):
        kind = key[0]
        if j in prog.slots.fixed:
            R.append(prog.slots.fixed[j])
        elif kind == "const":
            cv = _constant_value(cm, key[1], overrides)
            if isinstance(cv, np.ndarray) and cv.ndim >= 2 and cv.shape[0] == N and N > 1:
                cv = np.asfortranarray(cv)
            R.append(cv)
        elif kind == "sys":
            R.append(sysv[key[1]])
        elif kind == "N":
            R.append(N)
        elif kind == "out":
            R.append(bufs.get(key[1]))
        elif kind == "sblock":
            R.append(sblock)
        elif kind == "hist":
            hrows = n_steps + 1 if key[1] in cm.pipes else 2
            shp = cm.shapes[key[1]]
            if shp and N > 1:   # each row (N, *shp) Fortran-ordered: members innermost in memory
                base = np.zeros((hrows,) + shp[::-1] + (N,))
                R.append(base.transpose((0, base.ndim - 1) + tuple(range(base.ndim - 2, 0, -1))))
            else:
                R.append(np.zeros((hrows, N) + shp))
        elif kind == "noise":
            R.append(noise[key[1]])
        elif kind == "box":
            R.append({})
        else:  # pragma: no cover - every slot kind is handled above
            raise RuntimeError(f"unfilled slot {key}")

    static, init, bind, save_static = factory(R)
    static()
    save_static()
    step_times = st.start + np.arange(n_steps + 1) * st.dt
    ts = _timeseries_rows(cm, step_times)
    state = np.zeros(N * cm.n_state)      # flat: see CompiledModel.slices
    init(state, np.float64(st.start), ts[0])
    nonneg = cm.nonneg_index(N)
    if nonneg is not None:
        state[nonneg] = np.maximum(state[nonneg], 0.0)
    rk4 = st.method == "rk4"
    h = st.dt
    tmp = np.empty(N * cm.n_state)
    if rk4:
        ts_half = _timeseries_rows(cm, np.asarray([t + h / 2 for t in step_times]))
        ts_end = _timeseries_rows(cm, np.asarray([t + h for t in step_times]))
        k2, k3, k4 = (np.zeros(N * cm.n_state) for _ in range(3))
        h2, h6 = h / 2, h / 6
    d = np.zeros(N * cm.n_state)
    evaluate = bind(state, d)
    if rk4:
        ev2, ev3, ev4 = bind(tmp, k2), bind(tmp, k3), bind(tmp, k4)
    times = [np.float64(t) for t in step_times]
    mul, add = np.multiply, np.add
    k_save = 0
    report_every = max(1, n_steps // 50)
    for i in range(n_steps + 1):
        t = times[i]
        k = k_save if i % stride == 0 else -1
        evaluate(t, ts[i], i, k, True, False)
        if each_step and (not np.isfinite(state).all() or (k >= 0 and not (
                all(np.isfinite(bufs[n][k]).all() for n in blocked)
                and all(np.isfinite(o[:, k]).all() for o in direct)
                and (k > 0 or all(np.isfinite(o).all() for o in fixed))))):
            _raise_nonfinite(cm, bind, state, d, ts[i], i, t)
        if k >= 0:
            k_save += 1
        if i == n_steps:
            break
        if not rk4:
            mul(d, h, out=tmp)                      # state + dt * d, in place
            add(state, tmp, out=state)
        else:
            add(state, mul(d, h2, out=tmp), out=tmp)
            ev2(np.float64(t + h / 2), ts_half[i], i, -1, False, False)
            add(state, mul(k2, h2, out=tmp), out=tmp)
            ev3(np.float64(t + h / 2), ts_half[i], i, -1, False, False)
            add(state, mul(k3, h, out=tmp), out=tmp)
            ev4(np.float64(t + h), ts_end[i], i, -1, False, False)
            # state + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4), same order of operations
            add(d, mul(k2, 2, out=tmp), out=tmp)
            add(tmp, mul(k3, 2, out=k3), out=tmp)
            add(tmp, k4, out=tmp)
            add(state, mul(tmp, h6, out=tmp), out=state)
        if nonneg is not None:
            state[nonneg] = np.maximum(state[nonneg], 0.0)
        if progress is not None and i % report_every == 0:
            progress(i / n_steps)
    out = {}
    rows1, cols2 = cm.state_blocks(sblock) if sblock is not None else (None, None)
    for n in visible:
        if plan[n] == "block":
            out[n] = np.swapaxes(bufs[n], 0, 1)
        elif plan[n] == "state":
            sl = cm.slices[n]
            v = rows1[:, sl.start] if not cm.shapes[n] else cols2[:, :, sl].reshape((n_save, N) + cm.shapes[n])
            out[n] = np.swapaxes(v, 0, 1)
        else:
            out[n] = bufs[n]
    if (not each_step and st.on_nonfinite == "raise"
            and not (np.isfinite(state).all() and all(np.isfinite(o).all() for o in out.values()))):
        del out, bufs, sblock, rows1, cols2, direct, fixed, R, static, init, bind, evaluate, save_static
        return _run_vector(cm, overrides, N, st, visible, n_steps, stride, n_save, noise, progress, each_step=True)
    if progress is not None:
        progress(1.0)
    return out


def _run_scalar(cm: CompiledModel, overrides, st, visible, n_steps, stride, n_save, noise):
    """Single run of a model without arrays in Python floats; None when the vector path must run it."""
    from .programs import ScalarProgram

    key = (st.method, tuple(visible))
    progs = cm.__dict__.setdefault("_scalar_programs", {})
    prog = progs.get(key)
    if prog is None:
        import sys

        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20_000))
        try:
            prog = ScalarProgram(cm, st.method, tuple(visible))
        finally:
            sys.setrecursionlimit(limit)
        progs[key] = prog
    sysv = {k: float(v) for k, v in _sys(st).items()}
    step_times = st.start + np.arange(n_steps + 1) * st.dt
    ts_rows = {0: _timeseries_rows(cm, step_times)}
    if st.method == "rk4":
        h = st.dt
        ts_rows[1] = _timeseries_rows(cm, np.asarray([t + h / 2 for t in step_times]))
        ts_rows[2] = _timeseries_rows(cm, np.asarray([t + h for t in step_times]))
    lists = {n: [] for n in visible}
    R = []
    for j, key in enumerate(prog.slots.keys):
        kind = key[0]
        if j in prog.slots.fixed:
            R.append(prog.slots.fixed[j])
        elif kind == "const":
            R.append(float(np.asarray(_constant_value(cm, key[1], overrides)).reshape(-1)[0]))
        elif kind == "sys":
            R.append(sysv[key[1]])
        elif kind == "out":
            R.append(lists[key[1]].append if key[1] in lists else None)
        elif kind == "ts":
            R.append(ts_rows[key[1]][:, cm.timeseries.index(key[2])].tolist())
        elif kind == "hist":
            R.append([])
        elif kind == "noise":
            R.append(noise[key[1]][0].tolist())
        else:  # pragma: no cover
            raise RuntimeError(f"unfilled slot {key}")
    try:
        chk = prog.run(R, n_steps, stride, float(st.start), float(st.dt))
    except (ArithmeticError, ValueError, TypeError):
        return None
    out = {}
    for n in visible:
        a = np.asarray(lists[n], dtype=float)
        if a.shape != (n_save,) or not np.isfinite(a).all():
            return None
        out[n] = a[None]
    if not math.isfinite(chk):
        return None
    return out


def _raise_nonfinite(cm: CompiledModel, bind, state, d, row, i, t):
    values = bind(state, np.zeros_like(d))(np.float64(t), row, i, -1, False, True)
    rows1, cols2 = cm.state_blocks(state)
    bad_rows = np.zeros(len(state) // max(cm.n_state, 1), dtype=bool)
    if rows1 is not None:
        bad_rows |= ~np.isfinite(rows1).all(axis=0)
    if cols2 is not None:
        bad_rows |= ~np.isfinite(cols2).all(axis=1)
    for name, v in zip(cm.vector.debug_names, values):
        v = np.asarray(v)
        if not np.isfinite(v).all():
            run = int(np.argwhere(~np.isfinite(v))[0][0]) if v.ndim else 0
            raise NonFiniteError(cm.display(name), t, run)
    run = int(np.flatnonzero(bad_rows)[0]) if bad_rows.any() else 0
    raise NonFiniteError("<state>", t, run)
