"""Apply a scenario to the Heilongjiang model: levers, shocks, parameter overrides."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..engine import Model, SimSettings, TimeSeries
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
        raise ParameterError(f"{d}: parameter directory not found")
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
    """

    name: str
    scenario: Scenario
    model: Model
    params: dict
    settings: SimSettings
    parameters: object
    metadata: dict = field(default_factory=dict)


def scenario_overrides(sc: Scenario, parameters) -> tuple[dict, list[str]]:
    """Constant overrides implied by a scenario's levers and parameters, plus problems found."""
    f = str(sc.path)
    problems: list[str] = []
    out: dict[str, object] = {}
    for lid, spec in sc.levers.items():
        prefix = lid + "_"
        for k, v in spec.items():
            name = prefix + k
            if name not in parameters:
                known = sorted({*COMMON_SETTINGS, *(n[len(prefix):] for n in parameters if n.startswith(prefix))})
                problems.append(f"{f}: levers.{lid}.{k}: unknown setting for lever {lid} (known: {', '.join(known)})")
                continue
            out[name] = v
    for k, v in sc.parameters.items():
        if k not in parameters:
            problems.append(f"{f}: parameters.{k}: unknown parameter (not in any params/*.toml file)")
            continue
        if k in out:
            problems.append(f"{f}: parameters.{k}: also set as a lever setting")
        out[k] = v
    in_force = {n: out.get(n, parameters[n].value) for lid in sc.levers for n in financing_names(lid) if n in parameters}
    problems += financing_problems(f, sc.levers, in_force)
    for name, v in out.items():
        p = parameters[name]
        arr = np.asarray(v, dtype=float)
        if arr.shape != p.array().shape:
            problems.append(f"{f}: {_where(sc, name)}: expected {p.array().size} value(s), got {arr.size}")
            continue
        lo, hi = p.bounds()
        if name.endswith("_budget"):
            hi = np.full_like(hi, np.inf)  # budgets: any non-negative amount (checked in the file schema)
        if np.any(arr < lo) or np.any(arr > hi):
            problems.append(f"{f}: {_where(sc, name)}: value {v} outside the plausible range "
                            f"[{_fmt(p.range[0])}, {_fmt(p.range[1])}] {p.unit} declared in {Path(p.file).name}")
    return out, problems


def _fmt(v):
    return list(v) if isinstance(v, tuple) else v


def _where(sc: Scenario, name: str) -> str:
    for lid in sc.levers:
        if name.startswith(lid + "_") and name[len(lid) + 1:] in sc.levers[lid]:
            return f"levers.{lid}.{name[len(lid) + 1:]}"
    return f"parameters.{name}"


def apply_shocks(model: Model, sc: Scenario) -> tuple[Model, list[str]]:
    """Replace exogenous time series as the scenario's ``[shocks]`` say."""
    f = str(sc.path)
    problems: list[str] = []
    new = []
    for sid, spec in sc.shocks.items():
        series = SHOCK_SERIES.get(sid, sid)
        if series not in model or not isinstance(model[series], TimeSeries):
            known = sorted(set(SHOCK_SERIES) | set(model.names("timeseries")))
            problems.append(f"{f}: shocks.{sid}: unknown shock or exogenous series (known: {', '.join(known)})")
            continue
        ts = model[series]
        new.append(replace(ts, **dict(zip(("x", "y"), shock_path(ts, spec)))))
    return (model.replace(*new) if new else model), problems


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


def prepare(source: str | Path | Scenario, *, parameters=None, params_dir: str | Path | None = None) -> Prepared:
    """Load a scenario and apply it to the Heilongjiang model.

    Parameters
    ----------
    source : path or Scenario
        Scenario file (or an already loaded :class:`Scenario`).
    parameters : ParameterSet, optional
        Parameters to start from (default: :func:`default_parameters`).
    params_dir : path, optional
        Directory of parameter files when ``parameters`` is not given.

    Raises
    ------
    ScenarioError
        Listing every problem (unknown lever setting or parameter, out-of-range value, unknown shock, ...).
    """
    from ..model import build_model

    sc = source if isinstance(source, Scenario) else load_scenario(source)
    ps = parameters if parameters is not None else default_parameters(params_dir)
    overrides, problems = scenario_overrides(sc, ps)
    if problems:
        raise ScenarioError(problems)
    ps2 = ps.with_values(overrides, check_range=False)
    model = build_model(ps2)
    model, problems = apply_shocks(model, sc)
    if problems:
        raise ScenarioError(problems)
    h = sc.horizon
    settings = SimSettings(start=float(h["start"]), stop=float(h["stop"]), dt=float(h["dt"]),
                           save_every=float(h.get("save_every", 1.0)), method=h["method"])
    meta = {
        "scenario": sc.name,
        "description": sc.description,
        "scenario_files": [str(p) for p in sc.chain],
        "scenario_contents": sc.sources(),
        "parameter_hash": ps2.hash(),
        "seed": sc.seed,
    }
    params = {k: (np.asarray(v, float) if isinstance(v, list) else float(v)) for k, v in overrides.items()}
    return Prepared(sc.name, sc, model, params, settings, ps2, meta)


def validate_scenario(path: str | Path, parameters=None) -> list[str]:
    """Every problem in a scenario file (empty list if it is valid), including model-level checks."""
    try:
        sc = load_scenario(path)
    except ScenarioError as exc:
        return exc.problems
    try:
        ps = parameters if parameters is not None else default_parameters()
    except ValueError as exc:
        return [str(exc)]
    overrides, problems = scenario_overrides(sc, ps)
    if problems:
        return problems
    try:
        from ..model import build_model

        _, problems = apply_shocks(build_model(ps.with_values(overrides, check_range=False)), sc)
    except ValueError as exc:
        return [f"{path}: {exc}"]
    return problems


def is_finite_number(v) -> bool:
    """True for a finite int/float (not bool)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
