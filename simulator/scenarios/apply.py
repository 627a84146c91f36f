"""Apply a scenario to the Heilongjiang model: levers, shocks, parameter overrides.

:func:`prepare` is the one path from a scenario file to a model ready to
integrate, and :func:`validate_scenario` runs exactly that path (``regsim
validate`` accepts what ``regsim run`` accepts): reading and inheritance,
lever settings and parameter overrides against the parameter files, building
the model, shocks against the exogenous series (with the range each series
can take), the time settings (including the cap on integration steps) and
compiling the model. Problems are named ``file: key: problem``; errors the
model raises about a parameter are traced back to the parameter file (or the
scenario key that overrides it). Settings that run but deserve attention (a
lever budget outside the range documented in ``params/levers.toml``, a
parameter no equation uses) are :attr:`Prepared.warnings`.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..engine import Model, ModelError, SettingsError, SimSettings, TimeSeries
from ..levers import COMMON_SETTINGS
from ..levers.financing import financing_names
from ..levers.financing import parameter_problems as parameter_financing_problems
from ..levers.financing import scenario_problems as financing_problems
from .schema import SHOCK_SERIES, Scenario, ScenarioError, load_scenario

_EPS = 1e-6  # [yr] width of the step edges of windowed shocks

def default_params_dir() -> Path:
    """The repository's ``params/`` directory (next to the package)."""
    return Path(__file__).resolve().parents[2] / "params"


def default_parameters(params_dir: str | Path | None = None):
    """The parameters in force for scenarios: the block files, then ``calibrated.toml`` on top.

    ``calibrated.toml`` (written by ``regsim calibrate``) replaces the parameters it
    lists, with the calibration as their source; everything else comes from the
    block files (see :meth:`simulator.params.ParameterSet.overlay`).

    Raises
    ------
    ParameterError
        Also when a lever's financing shares do not sum to 1 (``simulator.levers.financing``).
    """
    from ..model import load_model_parameters
    from ..params import ParameterError

    d = Path(params_dir) if params_dir is not None else default_params_dir()
    if not d.is_dir():
        raise ParameterError(f"{d}: parameter directory not found" if not d.exists() else
                             f"{d}: not a directory (give the directory of parameter files)")
    ps = load_model_parameters(d, overlays=True)
    problems = parameter_financing_problems(ps)
    if problems:
        raise ParameterError(problems[0])
    return ps


@dataclass(frozen=True)
class Prepared:
    """A scenario ready to simulate.

    Attributes
    ----------
    name : str
        Scenario name.
    scenario : Scenario
        The resolved scenario.
    model : Model
        The model with the scenario's parameters and shocks applied.
    params : dict
        The constant overrides the scenario set (already in ``model``; passing
        them to ``simulate`` again is harmless). Samplers should not vary these.
    settings : SimSettings
        Time settings from the scenario's horizon.
    parameters : ParameterSet
        The parameters in force (defaults, calibration, scenario overrides).
    metadata : dict
        Provenance for results: scenario name, files and contents, parameter hash, seed.
    warnings : tuple of str
        ``file: key: ...`` for settings that run but deserve a loud note (a lever
        budget outside its documented range, a parameter no equation uses).
    defaults : ParameterSet
        The parameters before the scenario's overrides (to trace non-finite runs back).
    """

    name: str
    scenario: Scenario
    model: Model
    params: dict
    settings: SimSettings
    parameters: object
    metadata: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    defaults: object = None


#: range a shocked exogenous series may take: series -> (lo, hi, what it is)
SERIES_DOMAIN = {
    "border_capacity_multiplier": (0.0, 10.0, "a multiplier of border-port capacity"),
    "russia_demand_multiplier": (0.0, 10.0, "a multiplier of Russia's demand"),
    "trade_diversion_to_russia": (0.0, 1.0, "a share"),
    "oil_price": (0.0, 1000.0, "a price [USD/bbl]"),
    "china_gdp_growth": (-0.5, 0.5, "a growth rate [1/yr]"),
    "interest_rate": (-0.1, 1.0, "an interest rate [1/yr]"),
    "cpi_inflation": (-0.5, 1.0, "an inflation rate [1/yr]"),
    "birth_rate": (0.0, 0.1, "a rate [1/yr]"),
    "death_rate": (0.0, 0.1, "a rate [1/yr]"),
}


def series_domain(ts: TimeSeries) -> tuple[float, float, str]:
    """``(lo, hi, what)``: the values a shocked path of ``ts`` may take.

    Named series have a documented range (:data:`SERIES_DOMAIN`); any other
    series keeps the sign of its baseline path (a rate [1/yr] stays within
    [-1, 1]) and stays within 1000 times its largest baseline magnitude.
    """
    if ts.name in SERIES_DOMAIN:
        return SERIES_DOMAIN[ts.name]
    y = np.asarray(ts.y, dtype=float)
    scale = float(np.max(np.abs(y))) if y.size else 1.0
    hi = 1000.0 * (scale if scale > 0 else 1.0)
    if ts.units.strip() == "1/yr":
        return -1.0, 1.0, "a rate [1/yr]"
    lo = 0.0 if y.size and np.min(y) >= 0 else -hi
    return lo, hi, f"{ts.units} (non-negative like its baseline)" if lo == 0 else ts.units


def scenario_overrides(sc: Scenario, parameters) -> tuple[dict, list[str], list[str]]:
    """Constant overrides implied by a scenario's levers and parameters; ``(overrides, problems, warnings)``."""
    problems: list[str] = []
    warnings: list[str] = []
    out: dict[str, object] = {}
    for lid, spec in sc.levers.items():
        prefix = lid + "_"
        for k, v in spec.items():
            name = prefix + k
            if name not in parameters:
                known = sorted({*COMMON_SETTINGS, *(n[len(prefix):] for n in parameters if n.startswith(prefix))})
                near = difflib.get_close_matches(k, known, n=1)
                problems.append(f"{sc.where(f'levers.{lid}.{k}')}: unknown setting for lever {lid}"
                                + (f" (did you mean {near[0]}?)" if near else "") + f" (known: {', '.join(known)})")
                continue
            out[name] = v
    for k, v in sc.parameters.items():
        if k not in parameters:
            near = difflib.get_close_matches(k, list(parameters), n=1)
            problems.append(f"{sc.where(f'parameters.{k}')}: unknown parameter (not in any params/*.toml file"
                            + (f"; did you mean {near[0]}?)" if near else ")"))
            continue
        if k in out:
            problems.append(f"{sc.where(f'parameters.{k}')}: also set as a lever setting")
        out[k] = v
    in_force = {n: out.get(n, parameters[n].value) for lid in sc.levers for n in financing_names(lid) if n in parameters}
    problems += financing_problems(str(sc.path), sc.levers, in_force)
    for name, v in out.items():
        p = parameters[name]
        try:
            arr = np.asarray(v, dtype=float)
        except (ValueError, TypeError):
            problems.append(f"{sc.where(_where(sc, name))}: a list of lists of different lengths")
            continue
        if arr.shape != p.array().shape:
            want = "one number" if p.array().ndim == 0 else f"{p.array().size} values (one per {p.dims[0]})" \
                if p.array().ndim == 1 else f"an array of shape {p.array().shape}"
            problems.append(f"{sc.where(_where(sc, name))}: expected {want}, got "
                            + (f"{arr.size} value(s)" if arr.ndim <= 1 else f"shape {arr.shape}"))
            continue
        lo, hi = p.bounds()
        if np.any(arr < lo) or np.any(arr > hi):
            msg = (f"value {_fmt(v)} outside the plausible range [{_fmt(p.range[0])}, {_fmt(p.range[1])}] {p.unit} "
                   f"declared in {Path(p.file).name}")
            if name.endswith("_budget") and np.all(arr >= 0):
                warnings.append(f"{sc.where(_where(sc, name))}: {msg}; regsim runs it, but the model was not built "
                                "for budgets that large and its results there are extrapolation")
            else:
                problems.append(f"{sc.where(_where(sc, name))}: {msg}")
    problems += _lever_windows(sc, parameters)
    return out, problems, warnings


def _lever_windows(sc: Scenario, parameters) -> list[str]:
    """Levers that would never spend: a window that is empty or outside the horizon, or no budget."""
    out = []
    stop = float(sc.horizon["stop"])
    def eff(lid, spec, k):
        if k in spec:
            return spec[k], True
        p = parameters.get(f"{lid}_{k}")
        return (float(p.value) if p is not None and not p.dims else None), False

    for lid, spec in sc.levers.items():
        (start, s_set), (end, e_set), (budget, b_set) = (eff(lid, spec, k) for k in ("start", "end", "budget"))
        if not all(isinstance(x, (int, float)) for x in (start, end, budget) if x is not None):
            continue
        if start is not None and end is not None and end <= start and (s_set or e_set):
            key = "end" if e_set else "start"
            other = "start" if key == "end" else "end"
            src = "" if (s_set and e_set) else f" (the default {other} from params/levers.toml)"
            out.append(f"{sc.where(f'levers.{lid}.{key}')}: the lever spends from start until end (exclusive), "
                       f"but end {end:g} is not after start {start:g}{src}: it would never spend; set {other} too")
        elif start is not None and start >= stop:
            key = "start" if s_set else "end" if e_set else "budget"
            out.append(f"{sc.where(f'levers.{lid}.{key}')}: the lever starts in {start:g}, at or after the end of "
                       f"the horizon ({stop:g}): it would never spend within the run")
        elif budget == 0 and not b_set:
            out.append(f"{sc.where(f'levers.{lid}')}: no budget given and the default budget is 0: the lever "
                       "would do nothing (set budget, in 100m yuan/yr)")
    return out


def _fmt(v):
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, float) and (abs(v) >= 1e9 or 0 < abs(v) < 1e-6):
        return f"{v:.4g}"
    return v


def _where(sc: Scenario, name: str) -> str:
    for lid in sc.levers:
        if name.startswith(lid + "_") and name[len(lid) + 1:] in sc.levers[lid]:
            return f"levers.{lid}.{name[len(lid) + 1:]}"
    return f"parameters.{name}"


def apply_shocks(model: Model, sc: Scenario) -> tuple[Model, list[str]]:
    """Replace exogenous time series as the scenario's ``[shocks]`` say (checking the range each may take)."""
    problems: list[str] = []
    new = []
    for sid, spec in sc.shocks.items():
        series = SHOCK_SERIES.get(sid, sid)
        if series not in model or not isinstance(model[series], TimeSeries):
            known = sorted(set(SHOCK_SERIES) | set(model.names("timeseries")))
            near = difflib.get_close_matches(sid, known, n=1)
            problems.append(f"{sc.where(f'shocks.{sid}')}: unknown shock or exogenous series"
                            + (f" (did you mean {near[0]}?)" if near else "") + f" (known: {', '.join(known)})")
            continue
        ts = model[series]
        if ts.dims:
            problems.append(f"{sc.where(f'shocks.{sid}')}: {series} is arrayed over {ts.dims[0]}; shocks set "
                            "scalar series only")
            continue
        xs, ys = shock_path(ts, spec)
        bad = _outside_domain(ts, spec, xs, ys)
        if bad:
            problems.append(f"{sc.where(f'shocks.{sid}.{bad[0]}')}: {bad[1]}")
            continue
        try:
            new.append(replace(ts, x=xs, y=ys))
        except ModelError as exc:
            problems.append(f"{sc.where(f'shocks.{sid}')}: {exc}")
    return (model.replace(*new) if new else model), problems


def _outside_domain(ts: TimeSeries, spec: dict, xs, ys) -> tuple[str, str] | None:
    lo, hi, what = series_domain(ts)
    if "years" in spec:
        for x, y in zip(xs, ys):
            if not lo <= y <= hi:
                return "values", (f"{y:g} (year {x:g}) is outside [{lo:g}, {hi:g}], the range of {ts.name} "
                                  f"({what})")
        return None
    a, b = float(spec["start"]), float(spec["end"]) + 1.0
    key = next(k for k in ("value", "multiplier", "capacity_multiplier") if k in spec)
    for x, y in zip(xs, ys):
        if a <= x < b and not lo <= y <= hi:
            how = f"sets {ts.name} to" if key == "value" else f"takes {ts.name} to"
            return key, f"{spec[key]:g} {how} {y:g} in {x:g}, outside [{lo:g}, {hi:g}] ({what})"
    return None


def shock_path(ts: TimeSeries, spec: dict) -> tuple[tuple, tuple]:
    """The (years, values) of a time series after a shock specification.

    ``years``/``values`` replace the path; ``start``/``end`` with ``multiplier``
    (or ``capacity_multiplier``) scale it, and with ``value`` set it, over the
    years ``start`` to ``end`` inclusive (i.e. the time interval ``[start, end + 1)``).
    """
    if "years" in spec:
        return tuple(float(x) for x in spec["years"]), tuple(float(y) for y in spec["values"])
    x0, y0 = np.asarray(ts.x, float), np.asarray(ts.y, float)
    a, b = float(spec["start"]), float(spec["end"]) + 1.0
    xs = np.unique(np.concatenate([x0, [a - _EPS, a, b - _EPS, b]]))
    ys = np.interp(xs, x0, y0)
    inside = (xs >= a) & (xs <= b - _EPS)
    if "value" in spec:
        ys = np.where(inside, float(spec["value"]), ys)
    else:
        m = float(spec.get("multiplier", spec.get("capacity_multiplier")))
        ys = np.where(inside, ys * m, ys)
    return tuple(xs.tolist()), tuple(ys.tolist())


# -- errors of the model traced back to files ------------------------------------------------------------

def _used_names(model) -> set[str]:
    used: set[str] = set()
    for c in model.components:
        used |= c.dependencies()
    return used


def unused_parameters(model, parameters) -> list[str]:
    """Parameters that no equation of ``model`` refers to (most often a misspelt name in a parameter file)."""
    used = _used_names(model)
    return [n for n in parameters if n not in used]


def model_problem(exc: Exception, parameters, sc: Scenario | None = None, model=None) -> str:
    """``file: key: problem`` for an error the model raised, traced to the parameter file or scenario key."""
    msg = " ".join(str(exc).split())
    quoted = re.findall(r"'([A-Za-z_]\w*)'", msg)
    lead = re.match(r"'?([A-Za-z_]\w*)'?:", msg)
    names = ([lead.group(1)] if lead else []) + quoted
    for n in names:
        if n in parameters:
            p = parameters[n]
            if sc is not None and (n in _scenario_constants(sc)):
                return f"{sc.where(_where(sc, n))}: {msg}"
            key = f"{n}.dims" if "dimension" in msg else n
            for prefix in (f"'{n}': ", f"{n}: "):
                if msg.startswith(prefix):
                    msg = msg[len(prefix):]
            return f"{p.file}: {key}: {msg}"
    m = re.search(r"unknown name '(\w+)'", msg)
    if m:
        missing = m.group(1)
        pool = unused_parameters(model, parameters) if model is not None else list(parameters)
        near = difflib.get_close_matches(missing, pool, n=1, cutoff=0.75)
        if near:
            p = parameters[near[0]]
            return (f"{p.file}: {near[0]}: the model needs a parameter named {missing!r}, which no parameter file "
                    f"defines; is {near[0]!r} a misspelling of it? ({msg})")
        files = sorted({Path(p.file).parent.as_posix() for _, p in parameters.items()}) if len(parameters) else []
        return f"{files[0] if files else 'params'}: {missing}: the model needs this parameter and no file defines it ({msg})"
    where = str(sc.path) if sc is not None else "model"
    return f"{where}: {msg}"


def _scenario_constants(sc: Scenario) -> set[str]:
    out = {f"{lid}_{k}" for lid, spec in sc.levers.items() for k in spec}
    return out | set(sc.parameters)


def build_checked(ps, sc: Scenario | None = None):
    """``build_model(ps)`` and compile it, with errors traced to files; ``(model, warnings)``."""
    from ..engine import compiled
    from ..model import build_model
    from ..params import ParameterError

    try:
        model = build_model(ps)
    except ParameterError:
        raise
    except (ModelError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ScenarioError([model_problem(exc, ps, sc)]) from None
    try:
        compiled(model)
    except (ModelError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ScenarioError([model_problem(exc, ps, sc, model)]) from None
    warnings = [f"{ps[n].file}: {n}: defined but not used by any equation of the model (misspelt?)"
                for n in unused_parameters(model, ps)]
    return model, warnings


def settings_of(sc: Scenario, *, max_steps: int | None = None) -> SimSettings:
    """The scenario's :class:`SimSettings` (errors named by ``horizon`` key, including the step cap)."""
    h = sc.horizon
    try:
        settings = SimSettings(start=float(h["start"]), stop=float(h["stop"]), dt=float(h["dt"]),
                               save_every=float(h.get("save_every", 1.0)), method=h["method"], max_steps=max_steps)
        settings.check_steps()
    except SettingsError as exc:
        raise ScenarioError([f"{sc.where('horizon.' + exc.field)}: {exc.problem}"]) from None
    return settings


def prepare(source: str | Path | Scenario, *, parameters=None, params_dir: str | Path | None = None,
            max_steps: int | None = None) -> Prepared:
    """Load a scenario and apply it to the Heilongjiang model.

    Parameters
    ----------
    source : path or Scenario
        Scenario file (or an already loaded :class:`Scenario`).
    parameters : ParameterSet, optional
        Parameters to start from (default: :func:`default_parameters`).
    params_dir : path, optional
        Directory of parameter files when ``parameters`` is not given.
    max_steps : int, optional
        Cap on integration steps (default :data:`simulator.limits.MAX_STEPS`).

    Raises
    ------
    ScenarioError
        Listing every problem (unknown lever setting or parameter, out-of-range value, unknown shock, ...).
    ParameterError
        A parameter file is malformed.
    """
    sc = source if isinstance(source, Scenario) else load_scenario(source)
    ps = parameters if parameters is not None else default_parameters(params_dir)
    overrides, problems, warnings = scenario_overrides(sc, ps)
    if problems:
        raise ScenarioError(problems)
    ps2 = ps.with_values(overrides, check_range=False)
    model, build_warnings = build_checked(ps2, sc)
    model, problems = apply_shocks(model, sc)
    if problems:
        raise ScenarioError(problems)
    settings = settings_of(sc, max_steps=max_steps)
    if model is not None and sc.shocks:
        from ..engine import compiled

        try:
            compiled(model)
        except (ModelError, ValueError) as exc:
            raise ScenarioError([model_problem(exc, ps2, sc, model)]) from None
    meta = {
        "scenario": sc.name,
        "description": sc.description,
        "scenario_files": [str(p) for p in sc.chain],
        "scenario_contents": sc.sources(),
        "parameter_hash": ps2.hash(),
        "seed": sc.seed,
    }
    params = {k: (np.asarray(v, float) if isinstance(v, list) else float(v)) for k, v in overrides.items()}
    return Prepared(sc.name, sc, model, params, settings, ps2, meta, warnings=tuple(warnings + build_warnings),
                    defaults=ps)


def check_scenario(path: str | Path, parameters=None, *, max_steps: int | None = None) -> tuple[list[str], list[str]]:
    """``(problems, warnings)`` of a scenario file: :func:`prepare` without integrating (what ``validate`` runs)."""
    from ..params import ParameterError

    try:
        prep = prepare(path, parameters=parameters, max_steps=max_steps)
    except ScenarioError as exc:
        return list(exc.problems), []
    except ParameterError as exc:
        return [str(exc)], []
    return [], list(prep.warnings)


def validate_scenario(path: str | Path, parameters=None) -> list[str]:
    """Every problem in a scenario file (empty list if it is valid): exactly the checks :func:`prepare` makes."""
    return check_scenario(path, parameters)[0]


def is_finite_number(v) -> bool:
    """True for a finite int/float (not bool)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
