"""Sterman's structural tests (*Business Dynamics* ch. 21), as functions returning check results.

Each function returns a list of :class:`Check` (name, passed, detail) so the
same code drives the test suite and the validation report:

- :func:`extreme_conditions` -- runs with extreme inputs (zero labour, zero
  capital, closed border, 10x lever budgets) stay finite and non-negative and
  move in the sensible direction;
- :func:`integration_error` -- halving ``dt`` and switching Euler -> RK4 changes
  headline values at the final year by less than ``rtol`` (1 %);
- :func:`units_present` -- every model variable and parameter declares units;
  and where the engine can check equations (:func:`simulator.xmile.units.check_units`),
  the issues it finds;
- :func:`accounting_identities` -- sums that must hold exactly (GDP = sum of value
  added, trade = exports + imports, ...).

What each test runs (which parameters are "labour", which series is "the
border") is model-specific and comes from a config file
(``calibration/validation.toml``), loaded by :func:`load_structural_config`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

__all__ = ["Check", "ExtremeCase", "Identity", "StructuralConfig", "accounting_identities", "extreme_conditions",
           "integration_error", "load_structural_config", "units_present"]


@dataclass(frozen=True)
class Check:
    """Result of one structural check.

    Attributes
    ----------
    test : str
        Family (``"extreme"``, ``"integration"``, ``"units"``, ``"identity"``).
    name : str
        What was checked.
    passed : bool
    detail : str
        Numbers behind the verdict.
    """

    test: str
    name: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class ExtremeCase:
    """An extreme-condition run.

    Attributes
    ----------
    name : str
    description : str
    parameters : dict
        Constant overrides (may lie outside the plausible ranges on purpose).
    timeseries : dict
        Exogenous series set to a constant value over the whole run.
    scenario : Path or None
        Scenario to start from (default: the config's scenario).
    scale_budgets : float
        Multiply every constant whose name ends in ``_budget`` by this.
    lower_than_base : tuple of str
        Variables whose final value must not exceed the base run's (sensible direction).
    """

    name: str
    description: str = ""
    parameters: dict = field(default_factory=dict)
    timeseries: dict = field(default_factory=dict)
    scenario: Path | None = None
    scale_budgets: float = 1.0
    lower_than_base: tuple[str, ...] = ()
    higher_than_base: tuple[str, ...] = ()


@dataclass(frozen=True)
class Identity:
    """An accounting identity ``lhs == sum(rhs)`` (arrayed variables summed over their elements)."""

    name: str
    lhs: str
    rhs: tuple[str, ...]
    rtol: float = 1e-9
    lhs_elements: tuple[str, ...] = ()


@dataclass(frozen=True)
class StructuralConfig:
    """What the structural tests run (see ``calibration/validation.toml``)."""

    path: Path
    scenario: Path | None
    headline: tuple[str, ...]
    nonnegative: tuple[str, ...]
    extreme: tuple[ExtremeCase, ...]
    identities: tuple[Identity, ...]
    rtol_integration: float = 0.01


def load_structural_config(path: str | Path) -> StructuralConfig:
    """Read the structural-test config.

    Format::

        [meta]
        scenario = "scenarios/baseline.toml"
        headline = ["gdp_real", "population"]
        nonnegative = ["gdp_real", "population", "exports", "imports"]
        rtol_integration = 0.01

        [extreme.zero_labour]
        description = "..."
        parameters = {employment_2018 = 0}
        lower_than_base = ["gdp_real"]

        [extreme.closed_border]
        timeseries = {border_capacity_multiplier = 0.0}

        [extreme.budget_10x]
        scenario = "scenarios/full_package.toml"
        scale_budgets = 10

        [[identity]]
        name = "GDP = sum of sector value added"
        lhs = "gdp_real"
        rhs = ["value_added"]
        rtol = 1e-9
    """
    from ..calibration.targets import ConfigError, _repo_root, _resolve, read_config_toml

    p = Path(path)
    doc = read_config_toml(p, "validation config")
    meta = doc.get("meta", {})
    root = _repo_root(p.parent)
    scen = meta.get("scenario")
    cases = []
    for name, t in doc.get("extreme", {}).items():
        unknown = set(t) - {"description", "parameters", "timeseries", "scenario", "scale_budgets", "lower_than_base",
                            "higher_than_base"}
        if unknown:
            raise ConfigError(f"{p}: extreme.{name}: unknown field(s) {', '.join(sorted(unknown))}")
        cases.append(ExtremeCase(
            name=name, description=str(t.get("description", "")), parameters=dict(t.get("parameters", {})),
            timeseries={k: float(v) for k, v in dict(t.get("timeseries", {})).items()},
            scenario=_resolve(t["scenario"], p.parent, root) if "scenario" in t else None,
            scale_budgets=float(t.get("scale_budgets", 1.0)),
            lower_than_base=tuple(t.get("lower_than_base", ())), higher_than_base=tuple(t.get("higher_than_base", ())),
        ))
    ids = []
    for i, t in enumerate(doc.get("identity", [])):
        if "lhs" not in t or "rhs" not in t:
            raise ConfigError(f"{p}: identity[{i}]: needs lhs and rhs")
        rhs = t["rhs"]
        ids.append(Identity(str(t.get("name", f"{t['lhs']} identity")), str(t["lhs"]),
                            tuple([rhs] if isinstance(rhs, str) else rhs), float(t.get("rtol", 1e-9)),
                            tuple(t.get("lhs_elements", ()))))
    return StructuralConfig(p, _resolve(scen, p.parent, root) if scen else None, tuple(meta.get("headline", ())),
                            tuple(meta.get("nonnegative", ())), tuple(cases), tuple(ids),
                            float(meta.get("rtol_integration", 0.01)))


# -- checks ---------------------------------------------------------------------------

def _total(results, name: str, elements: Sequence[str] = ()) -> np.ndarray:
    a = np.asarray(results[name], dtype=float)
    if a.ndim > 3:  # several dimensions: one column per cell (elements are cell labels "e1,e2")
        a = a.reshape(a.shape[0], a.shape[1], -1)
    if a.ndim == 3:
        if elements:
            els = list(results.elements(name))
            a = a[:, :, [els.index(e) for e in elements]]
        a = a.sum(axis=2)
    return a


def _finite_nonneg(results, nonnegative: Sequence[str], tol: float = 1e-9) -> tuple[bool, bool, str]:
    bad_finite = [n for n in results.variables if not np.all(np.isfinite(results[n]))]
    bad_neg = []
    for n in nonnegative:
        if n in results:
            a = np.asarray(results[n])
            a = a[np.isfinite(a)]
            if a.size and a.min() < -tol * max(1.0, float(np.abs(a).max())):
                bad_neg.append(f"{n} (min {a.min():.4g})")
    detail = []
    if bad_finite:
        detail.append("non-finite: " + ", ".join(bad_finite[:5]) + ("..." if len(bad_finite) > 5 else ""))
    if bad_neg:
        detail.append("negative: " + ", ".join(bad_neg[:5]))
    return not bad_finite, not bad_neg, "; ".join(detail)


def extreme_conditions(model, base_params: Mapping[str, object], settings, cases: Sequence[ExtremeCase], *,
                       nonnegative: Sequence[str] = (), prepare_case=None) -> list[Check]:
    """Run each extreme case; check finiteness, non-negativity and direction against the base run.

    Parameters
    ----------
    model : Model
        The base model (e.g. the baseline scenario's).
    base_params : mapping
        Overrides of the base run.
    settings : SimSettings
    cases : sequence of ExtremeCase
    nonnegative : sequence of str
        Variables that must stay ``>= 0`` (every variable must stay finite).
    prepare_case : callable, optional
        ``prepare_case(case) -> (model, params, settings)`` for cases that start
        from another scenario (``case.scenario``).
    """
    from ..engine import TimeSeries, simulate

    checks = []
    base = simulate(model, dict(base_params), replace(settings, on_nonfinite="ignore"))
    for case in cases:
        m, params, st = model, dict(base_params), settings
        if case.scenario is not None and prepare_case is not None:
            m, params, st = prepare_case(case)
        if case.scale_budgets != 1.0:
            for c in m.components:
                if c.kind == "constant" and c.name.endswith("_budget"):
                    params[c.name] = np.asarray(params.get(c.name, c.value), float) * case.scale_budgets
        params.update(case.parameters)
        if case.timeseries:
            m = m.replace(*[replace(m[k], x=(1900.0, 2200.0), y=(v, v)) for k, v in case.timeseries.items()
                            if isinstance(m[k], TimeSeries)])
        try:
            res = simulate(m, params, replace(st, on_nonfinite="ignore"))
        except Exception as exc:  # a crash is a failed extreme-condition test, reported not raised
            checks.append(Check("extreme", case.name, False, f"run failed: {exc}"))
            continue
        finite, nonneg, detail = _finite_nonneg(res, tuple(nonnegative))
        direction = []
        ok_dir = True
        for v, sign in [(v, -1) for v in case.lower_than_base] + [(v, +1) for v in case.higher_than_base]:
            x, b = float(_total(res, v)[0, -1]), float(_total(base, v)[0, -1])
            good = (x <= b * (1 + 1e-9) + 1e-12) if sign < 0 else (x >= b * (1 - 1e-9) - 1e-12)
            ok_dir &= good
            direction.append(f"{v} {res.times[-1]:.0f}: {x:,.4g} vs base {b:,.4g}" + ("" if good else " (wrong direction)"))
        text = "; ".join(filter(None, [case.description, detail, *direction])) or "finite and non-negative"
        checks.append(Check("extreme", case.name, finite and nonneg and ok_dir, text))
    return checks


def integration_error(model, params: Mapping[str, object], settings, variables: Sequence[str], *,
                      rtol: float = 0.01) -> tuple[list[Check], dict]:
    """Compare final-year values: Euler at ``dt`` vs ``dt/2``, and Euler vs RK4 at ``dt``.

    Returns
    -------
    (checks, table)
        One check per comparison (passed when every variable differs by less than
        ``rtol``, relative), and ``{variable: {"euler": x, "euler_dt/2": y, "rk4": z}}``.
    """
    from ..engine import simulate

    runs = {
        "euler": replace(settings, method="euler"),
        "euler_dt/2": replace(settings, method="euler", dt=settings.dt / 2),
        "rk4": replace(settings, method="rk4"),
    }
    vals: dict[str, dict[str, float]] = {v: {} for v in variables}
    for key, st in runs.items():
        res = simulate(model, dict(params), st, save=list(variables))
        for v in variables:
            vals[v][key] = float(_total(res, v)[0, -1])
    year = settings.stop
    checks = []
    for a, b, label in (("euler", "euler_dt/2", f"dt halved ({settings.dt:g} -> {settings.dt / 2:g} yr)"),
                        ("euler", "rk4", f"RK4 vs Euler (dt {settings.dt:g} yr)")):
        diffs = {v: abs(vals[v][b] - vals[v][a]) / max(abs(vals[v][a]), 1e-12) for v in variables}
        worst = max(diffs, key=diffs.get) if diffs else ""
        ok = all(d < rtol for d in diffs.values())
        detail = (f"largest relative change in {year:.0f}: {worst} {100 * diffs[worst]:.3f}% (limit {100 * rtol:g}%)"
                  if worst else "")
        checks.append(Check("integration", label, ok, detail))
    return checks, vals


def units_present(model, parameters=None, *, check_equations: bool = True) -> list[Check]:
    """Every model component and parameter declares units; equation units where checkable.

    Parameters
    ----------
    model : Model
    parameters : ParameterSet, optional
        Also checks each parameter's unit and that it matches the model constant's.
    check_equations : bool
        Run :func:`simulator.xmile.units.check_units` (dimensional consistency of
        every equation) if available; its issues are reported. Parenthesised
        annotations in unit strings (``"100m yuan/yr (2018 prices)"``) name a price
        basis, not a unit, and are removed before the check.
    """
    checks = []
    missing = [c.name for c in model.components if not str(c.units).strip()]
    n = len(model.components)
    checks.append(Check("units", "every model variable has a unit", not missing,
                        f"{n - len(missing)}/{n} components" + (f"; missing: {', '.join(missing[:8])}" if missing else "")))
    if parameters is not None:
        pm = [p for p in parameters if not str(parameters[p].unit).strip()]
        mismatch = [f"{p} ({parameters[p].unit!r} vs {model[p].units!r})" for p in parameters
                    if p in model and model[p].kind == "constant"
                    and str(model[p].units).strip() != str(parameters[p].unit).strip()]
        n_p = len(parameters)
        checks.append(Check("units", "every parameter has a unit", not pm,
                            f"{n_p - len(pm)}/{n_p} parameters" + (f"; missing: {', '.join(pm)}" if pm else "")))
        checks.append(Check("units", "parameter units match the model constants", not mismatch,
                            "; ".join(mismatch[:6]) if mismatch else "all match"))
    if check_equations:
        try:
            from ..xmile.units import check_units
        except ImportError:  # pragma: no cover - optional checker
            check_units = None
        if check_units is not None:
            issues = check_units(_strip_annotations(model))
            detail = f"{len(issues)} issue(s)"
            if issues:
                detail += ": " + "; ".join(str(i) for i in issues[:12]) + (" ..." if len(issues) > 12 else "")
            checks.append(Check("units", "equations dimensionally consistent", not issues, detail))
    return checks


def _strip_annotations(model):
    import re
    from dataclasses import replace as _r

    pat = re.compile(r"\s*\([^()]*\)\s*$")
    new = [_r(c, units=pat.sub("", c.units)) for c in model.components if pat.search(str(c.units) or "")]
    return model.replace(*new) if new else model


def accounting_identities(results, identities: Sequence[Identity]) -> list[Check]:
    """Check ``lhs == sum(rhs)`` at every saved time and run (relative tolerance per identity)."""
    checks = []
    for ident in identities:
        try:
            lhs = _total(results, ident.lhs, ident.lhs_elements)
            rhs = sum(_total(results, r) for r in ident.rhs)
        except KeyError as exc:
            checks.append(Check("identity", ident.name, False, f"variable missing from results: {exc}"))
            continue
        err = np.abs(lhs - rhs) / np.maximum(np.abs(lhs), 1e-12)
        worst = float(np.nanmax(err)) if err.size else 0.0
        ok = bool(np.all(np.isfinite(err))) and worst <= ident.rtol
        checks.append(Check("identity", ident.name, ok,
                            f"{ident.lhs} = {' + '.join(ident.rhs)}: max relative gap {worst:.2e} (limit {ident.rtol:g})"))
    return checks


def summarise(checks: Sequence[Check]) -> str:
    """``"n passed, m failed"``."""
    ok = sum(c.passed for c in checks)
    return f"{ok} passed, {len(checks) - ok} failed" if checks else "no checks"
