"""The model validation report: behaviour reproduction, back-test, identifiability, structural tests.

:func:`run_validation` computes everything (no printing, no files);
:func:`to_markdown` renders ``validation.md``; :func:`write_report` writes it
with its figures. ``regsim validate-model`` is a thin wrapper, so the numbers
it prints and the ones in the file come from the same objects.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .stats import FitStats, fit_statistics
from .structural import Check

__all__ = ["ValidationReport", "behaviour_table", "run_validation", "to_markdown", "write_report"]


@dataclass
class ValidationReport:
    """Everything ``validation.md`` shows.

    Attributes
    ----------
    behaviour : dict of str to FitStats
        Per target, the shipped parameters over every observed year in the window.
    series : dict of str to dict
        Per target: ``years``, ``observed``, ``simulated``, ``model_years``, ``model_values``.
    targets : list of TargetSpec
    notes : dict of str to tuple of str
        Data-selection notes per target.
    acceptance : list of dict
        ``{target, limit, mape, passed}`` for targets with ``max_mape``.
    backtest : CalibrationResult or None
        Calibration on years ``<= until`` from the priors, with errors after it.
    refit : CalibrationResult or None
        Calibration on every year (identifiability of the shipped estimates).
    calibrated : list of dict
        The shipped calibrated parameters (name, value, range, unit, source).
    structural : list of Check
    integration : dict
        Final-year headline values per integration setting.
    meta : dict
        Provenance: command, date, version, files.
    history : dict
        The history scenario: ``name``, ``description`` and ``shocks``
        (``{series: {year: value}}`` at the data years, for shocked series).
    prior_sensitivity : list of dict
        Re-fits with other prior weights: ``{prior_weight, at_bounds, max_shift, mape}``.
    age_structure : list of FitRow
        The population block against the sourced age structure, sex totals and population
        (:func:`simulator.validation.age_structure.age_structure_fit`), history run to 2023.
    age_structure_results : Results or None
        That run (for the pyramid figure).
    """

    behaviour: dict
    series: dict
    targets: list
    notes: dict
    acceptance: list
    backtest: object | None
    refit: object | None
    calibrated: list
    structural: list
    integration: dict
    meta: dict = field(default_factory=dict)
    history: dict = field(default_factory=dict)
    prior_sensitivity: list = field(default_factory=list)
    age_structure: list = field(default_factory=list)
    age_structure_results: object = None

    @property
    def passed(self) -> bool:
        """All acceptance limits met, every structural check passed, the age-structure limits met."""
        return (all(a["passed"] for a in self.acceptance) and all(c.passed for c in self.structural)
                and all(r.ok is not False for r in self.age_structure))


def _rel(path, root: Path | None) -> str:
    p = Path(path)
    try:
        return str(p.resolve().relative_to(root.resolve())) if root else str(p)
    except ValueError:
        return str(p)


def run_validation(
    config,
    *,
    params_dir=None,
    data: Sequence[str | Path] | None = None,
    structural_config=None,
    backtest_until: int | None = 2019,
    refit: bool = True,
    structural: bool = True,
    prior_sensitivity: bool = True,
    progress: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Validate the model with the shipped (calibrated) parameters.

    Parameters
    ----------
    config : path
        Calibration target config (``calibration/targets.toml``).
    params_dir : path, optional
        Parameter directory (default ``params/``); ``calibrated.toml`` in it is applied.
    data : sequence of path, optional
        History files (default: the config's).
    structural_config : path, optional
        Structural-test config (``calibration/validation.toml``); skipped if None.
    backtest_until : int or None
        Last year of the back-test's fit window (None: no back-test).
    refit : bool
        Re-run the full calibration from the priors, for identifiability diagnostics
        and to check the shipped ``calibrated.toml`` is current.
    structural : bool
        Run the structural tests.
    prior_sensitivity : bool
        With ``refit``: also re-fit with prior weight 0, lambda/10 and 10 lambda (how much the
        estimates and the fit depend on the prior weight).
    progress : callable, optional
        Called with a short message before each step.
    """
    from ..calibration import load_config, load_history, observe, prepare_history, run_calibration, simulated_values
    from ..calibration.targets import ObservedSeries, _repo_root
    from ..engine import simulate
    from ..scenarios import default_parameters

    say = progress or (lambda msg: None)
    cfg = load_config(config)
    root = _repo_root(cfg.path.parent)
    files = [Path(d) for d in data] if data else list(cfg.data)
    rows = load_history(files)
    observations = [observe(t, rows, low_confidence_weight=cfg.low_confidence_weight) for t in cfg.targets]
    observations = [o for o in observations if o.years.size]
    ps = default_parameters(params_dir)
    last = max(int(o.years.max()) for o in observations)
    say("behaviour reproduction")
    hist = prepare_history(cfg, ps, stop=last)
    save = sorted({v for o in observations for v in (*o.spec.variable, o.spec.times) if v})
    res = simulate(hist.model, hist.base_params, hist.settings, save=save)
    behaviour, series = {}, {}
    all_years = np.arange(int(hist.settings.start), last + 1)
    for o in observations:
        sim = simulated_values(res, o)[0]
        cont = ObservedSeries(o.spec, all_years, np.zeros(all_years.size), np.ones(all_years.size), ("",) * all_years.size)
        behaviour[o.name] = fit_statistics(sim, o.values)
        series[o.name] = {"years": o.years, "observed": o.values, "simulated": sim,
                          "model_years": all_years, "model_values": simulated_values(res, cont)[0]}
    acceptance = [{"target": o.name, "limit": o.spec.max_mape, "mape": behaviour[o.name].mape,
                   "passed": bool(behaviour[o.name].mape < o.spec.max_mape)}
                  for o in observations if o.spec.max_mape is not None]
    calibrated = [{"name": n, "value": p.value, "range": p.range, "unit": p.unit, "source": p.source}
                  for n, p in ps.items() if str(p.source).startswith("calibrated:")]
    age_rows, age_res = [], None
    if "population_by_age" in hist.model:
        from dataclasses import replace as _replace

        from .age_structure import AGE_STRUCTURE_VARIABLES, age_structure_fit

        say("age structure (population block)")
        age_res = simulate(hist.model, hist.base_params, _replace(hist.settings, stop=max(float(last), 2023.0)),
                           save=list(AGE_STRUCTURE_VARIABLES))
        age_rows = age_structure_fit(age_res, root=root)

    back = None
    if backtest_until is not None:
        say(f"back-test: calibrating on years <= {backtest_until}")
        back, _, _ = run_calibration(cfg, params_dir=params_dir, data=files, until=backtest_until)
    full = None
    sens: list[dict] = []
    if refit:
        say("re-fitting on all years (identifiability)")
        full, _, _ = run_calibration(cfg, params_dir=params_dir, data=files)
        if prior_sensitivity and cfg.prior_weight > 0:
            from ..calibration import CalibrationOptions

            for lam in (0.0, cfg.prior_weight / 10, cfg.prior_weight, cfg.prior_weight * 10):
                say(f"re-fitting with prior weight {lam:g}")
                r = full if lam == cfg.prior_weight else run_calibration(
                    cfg, params_dir=params_dir, data=files, options=CalibrationOptions(prior_weight=lam))[0]
                sens.append({"prior_weight": lam, "at_bounds": [b[0] for b in r.identifiability.at_bounds],
                             "max_shift": max((abs(v) for v in r.identifiability.shift.values()), default=math.nan),
                             "mape": {k: v.mape for k, v in r.fit.items()}, "shipped": lam == cfg.prior_weight})

    checks: list[Check] = []
    integ: dict = {}
    if structural and structural_config is not None:
        checks, integ = _structural(structural_config, ps, say)
        checks = [*checks]
    from .._version import __version__

    meta = {"version": __version__, "config": _rel(cfg.path, root), "data": [_rel(f, root) for f in files],
            "params": _rel(params_dir, root) if params_dir else "params",
            "scenario": hist.scenario, "window": (int(hist.settings.start), last),
            "settings": {"dt": hist.settings.dt, "method": hist.settings.method},
            "structural_config": _rel(structural_config, root) if structural_config else None}
    history = {"name": hist.scenario, "description": "", "shocks": {}}
    if cfg.scenario is not None:
        from ..scenarios.schema import SHOCK_SERIES, load_scenario

        sc = load_scenario(cfg.scenario)
        history["description"] = " ".join(sc.description.split())
        years = [int(y) for y in all_years]
        for sid in sc.shocks:
            name = SHOCK_SERIES.get(sid, sid)
            if name in hist.model:
                ts = hist.model[name]
                history["shocks"][name] = {y: float(np.interp(y, ts.x, ts.y)) for y in years}
    return ValidationReport(behaviour, series, [o.spec for o in observations], {o.name: o.notes for o in observations},
                            acceptance, back, full, calibrated, checks, integ, meta, history, sens, age_rows, age_res)


def _structural(path, ps, say) -> tuple[list[Check], dict]:
    from ..scenarios import prepare
    from .structural import accounting_identities, extreme_conditions, integration_error, load_structural_config, units_present

    sc = load_structural_config(path)
    if sc.scenario is None:
        from ..engine import SimSettings
        from ..model import build_model

        model, params, settings = build_model(ps), {}, SimSettings()
    else:
        prep = prepare(sc.scenario, parameters=ps)
        model, params, settings = prep.model, dict(prep.params), prep.settings
    checks: list[Check] = []
    say("structural: units")
    checks += units_present(model, ps)
    say("structural: accounting identities")
    from ..engine import simulate

    res = simulate(model, params, settings)
    checks += accounting_identities(res, sc.identities)
    say("structural: integration error")
    integ_checks, integ = integration_error(model, params, settings, sc.headline, rtol=sc.rtol_integration)
    checks += integ_checks
    say("structural: extreme conditions")

    def prepare_case(case):
        p = prepare(case.scenario, parameters=ps)
        return p.model, dict(p.params), p.settings

    checks += extreme_conditions(model, params, settings, sc.extreme, nonnegative=sc.nonnegative, prepare_case=prepare_case)
    return checks, integ


# -- rendering --------------------------------------------------------------------------

def _f(x, fmt="{:.2f}") -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return fmt.format(x)


def _years_text(years) -> str:
    ys = [int(y) for y in years]
    if not ys:
        return "–"
    runs, start, prev = [], ys[0], ys[0]
    for y in ys[1:]:
        if y != prev + 1:
            runs.append((start, prev))
            start = y
        prev = y
    runs.append((start, prev))
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)


def behaviour_table(stats: dict, targets, series: dict | None = None, limits: bool = True) -> list[list[str]]:
    """Rows (header first) of a fit-statistics table."""
    specs = {t.name: t for t in targets}
    head = ["target", "data series", "years", "n", "MAPE %", "RMSE", "R²", "Theil U", "U^M", "U^S", "U^C"]
    if limits:
        head.append("limit")
    rows = [head]
    for name, st in stats.items():
        t = specs.get(name)
        years = series[name]["years"] if series and name in series else []
        row = [name, t.series_text if t else "", _years_text(years), str(st.n), _f(st.mape), _f(st.rmse, "{:,.1f}"),
               _f(st.r2), _f(st.theil_u, "{:.3f}"), _f(st.um), _f(st.us), _f(st.uc)]
        if limits:
            row.append(f"< {t.max_mape:g}%" if t and t.max_mape is not None else "")
        rows.append(row)
    return rows


def _md(rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(out)


def text_table(rows: list[list[str]]) -> str:
    """A plain-text, column-aligned table (for the terminal)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _subset_stats(result, which: str) -> dict:
    return result.fit if which == "fit" else result.backtest


def backtest_rows(result) -> list[list[str]]:
    """Rows of the back-test table: in-sample vs out-of-sample MAPE and bias per target."""
    rows = [["target", "fit years", "fit MAPE %", "test years", "test MAPE %", "test mean error", "test U^M", "test U^S",
             "test U^C"]]
    for name, s in result.series.items():
        fit = result.fit.get(name)
        bt = result.backtest.get(name)
        yrs = np.asarray(s["years"])
        m = np.asarray(s["in_fit"])
        rows.append([name, _years_text(yrs[m]), _f(fit.mape) if fit and fit.n else "–",
                     _years_text(yrs[~m]), _f(bt.mape) if bt else "–",
                     _f(bt.mean_error, "{:+,.1f}") if bt else "–", _f(bt.um) if bt else "–", _f(bt.us) if bt else "–",
                     _f(bt.uc) if bt else "–"])
    return rows


def misses(result) -> list[str]:
    """Plain-language sentences on what the back-test shows the model missing (generated from the numbers)."""
    out = []
    for name, bt in result.backtest.items():
        if not bt.n:
            continue
        s = result.series[name]
        after = ~np.asarray(s["in_fit"])
        obs, sim = np.asarray(s["observed"])[after], np.asarray(s["simulated"])[after]
        rel = 100 * np.nanmean((sim - obs) / obs)
        yrs = _years_text(np.asarray(s["years"])[after])
        direction = "over-predicts" if rel > 0 else "under-predicts"
        main = max((("bias (U^M)", bt.um), ("variation (U^S)", bt.us), ("covariance (U^C)", bt.uc)),
                   key=lambda kv: kv[1] if math.isfinite(kv[1]) else -1)
        out.append(f"**{name}** ({yrs}): the model {direction} by {abs(rel):.1f}% on average (MAPE {bt.mape:.1f}%); "
                   f"most of the squared error is {main[0]} = {main[1]:.2f}.")
    return out


def to_markdown(rep: ValidationReport, figures: dict | None = None, command: str = "regsim validate-model") -> str:
    """``validation.md``: tables of the report, with links to the figures (``{key: relative path}``)."""
    figures = figures or {}
    m = rep.meta
    L = ["# Model validation", "",
         f"Generated by `{command}` (regsim {m['version']}). Do not edit by hand: rerun the command. "
         f"Every number below is printed by the same command.", "",
         f"- Parameters: `{m['params']}/` with `calibrated.toml` applied"
         + (f" ({len(rep.calibrated)} calibrated parameters)" if rep.calibrated else " (**no calibrated parameters found**)"),
         f"- Data: {', '.join('`' + d + '`' for d in m['data'])}; targets and weights: `{m['config']}`",
         f"- History run: {m['window'][0]}–{m['window'][1]}"
         + (f", conditions of scenario `{m['scenario']}` applied (2020–2022 border closure)" if m["scenario"] else "")
         + f", {m['settings']['method']} dt = {m['settings']['dt']:g} yr", ""]

    L += ["## 1. Behaviour reproduction", "",
          "Shipped parameters, every observed year in the window. MAPE in %, RMSE in model units; "
          "Theil's inequality statistics decompose the mean squared error into bias (U^M), unequal variation (U^S) "
          "and unsystematic covariance (U^C), summing to 1 (Sterman 1984). R² is the squared correlation of model "
          "and data (undefined, –, with fewer than 3 points or a flat series).", "",
          _md(behaviour_table(rep.behaviour, rep.targets, rep.series)), ""]
    if "fit" in figures:
        L += [f"![Model vs data]({figures['fit']})", ""]
    if rep.acceptance:
        L += ["### Acceptance", ""]
        for a in rep.acceptance:
            L.append(f"- {a['target']}: MAPE {a['mape']:.2f}% (limit {a['limit']:g}%) — "
                     + ("**pass**" if a["passed"] else "**FAIL**"))
        L.append("")
    h = rep.history
    if h.get("name"):
        L += [f"### History conditions: scenario `{h['name']}`", "",
              "The observed conditions of 2018–2022 enter as the scenario's shocks, not through the estimated "
              "parameters (the free parameters must not be set by the scenario; calibration refuses it). "
              + (h["description"] + " " if h.get("description") else ""), ""]
        if h.get("shocks"):
            years = sorted({y for v in h["shocks"].values() for y in v})
            rows = [["series (model time Y = calendar year Y)", *map(str, years)]]
            rows += [[f"`{k}`", *[f"{v[y]:.3g}" for y in years]] for k, v in h["shocks"].items()]
            L += [_md(rows), ""]
    if rep.age_structure:
        from .age_structure import fit_table

        bad = [r for r in rep.age_structure if r.ok is False]
        L += ["### Age structure, sex totals and population (population block)", "",
              "The cohort block of the same history run, at year-end (model time Y = end of year Y; the 2020 census of "
              "1 November is compared with year-end 2020). Shares and crude rates: difference in percentage points; "
              "levels: relative difference in %. Limits (issue 14): 2020 census and 2022 broad age shares within 1 pp, "
              "male and female totals within 1 %, population 2018–2022 within 2 %. The population and the crude birth "
              "and death rates of 2019–2022 are reproduced by construction (history conditions fitted year by year: "
              "`scripts/population/fit_history.py`); the age shares and the sex totals are not fitted. The 2023 "
              "total is no longer out of sample: `net_outmigration_level_base` (params/population.toml) is the "
              "level that reproduces it (the 2023 sex totals, age shares and crude rates are not fitted).", "",
              _md(fit_table(rep.age_structure)), "",
              f"Age-structure limits: {'all met' if not bad else f'{len(bad)} missed'} "
              f"({sum(r.ok is True for r in rep.age_structure)} rows with a limit).", ""]
        if "pyramid" in figures:
            L += [f"![Population pyramids]({figures['pyramid']})", ""]
    notes = [(t.name, t.note) for t in rep.targets if getattr(t, "note", "")]
    if notes:
        L += ["### Known misses", "", "Where the fit is poor and why (from the `note` of each target in the config; "
              "the numbers are in the table above):", ""]
        L += [f"- **{n}**: {txt}" for n, txt in notes] + [""]
    L += ["### Data used per target", ""]
    specs = {t.name: t for t in rep.targets}
    for name, notes in rep.notes.items():
        t = specs[name]
        line = f"- **{name}** ← `{t.series_text}` ({', '.join(t.units)}), weight {t.weight:g}, model `{' + '.join(t.variable)}`"
        if t.elements:
            line += f"[{', '.join(t.elements)}]"
        if t.times:
            line += f" × `{t.times}`"
        if t.scale != 1 or t.scale_by_year:
            line += f"; converted ×{t.scale:g}" + (f" × yearly factor ({t.scale_source})" if t.scale_by_year else "")
        if notes:
            line += ". " + "; ".join(notes)
        L.append(line)
    L.append("")

    if rep.backtest is not None:
        bt = rep.backtest
        L += [f"## 2. Out-of-sample back-test (fit on years ≤ {bt.until}, predict after)", "",
              f"The free parameters were re-estimated from their priors on data up to {bt.until} only, with the same "
              "targets and the history scenario's conditions; the table gives the errors on the later years, which "
              "the fit did not see.", "", _md(backtest_rows(bt)), ""]
        if "backtest" in figures:
            L += [f"![Back-test]({figures['backtest']})", ""]
        ms = misses(bt)
        if ms:
            L += ["What the back-test shows the model missing:", ""] + [f"- {s}" for s in ms] + [""]
            worst = sorted(((k, v) for k, v in bt.backtest.items() if v.n and math.isfinite(v.mape)),
                           key=lambda kv: -kv[1].mape)[:3]
            if worst:
                parts = []
                for k, v in worst:
                    main = max((("bias", v.um), ("variation", v.us), ("covariance", v.uc)),
                               key=lambda kv: kv[1] if math.isfinite(kv[1]) else -1)[0]
                    parts.append(f"{k} (MAPE {v.mape:.1f}%, mostly {main})")
                noted = [k for k, _ in worst if getattr({t.name: t for t in rep.targets}.get(k), "note", "")]
                L += [f"In short: the largest out-of-sample errors are {', '.join(parts)}"
                      + (f"; why is under *Known misses* in section 1 ({', '.join(noted)})" if noted else "") + ".", ""]
        else:
            L += ["No target has observations after the fit window, so nothing is predicted out of sample.", ""]

    fit = rep.refit
    if fit is not None:
        lam = fit.prior_weight
        if lam > 0:
            s2 = 2 * fit.cost / max(sum(int(np.sum(s["in_fit"])) for s in fit.series.values()), 1)
            how = (f"Penalised weighted least squares from the priors on all years, prior weight λ = {lam:g} "
                   f"(data objective {fit.initial_cost:.4g} at the prior → {fit.cost:.4g}, prior part {fit.prior_cost:.3g}; "
                   f"{fit.nfev} evaluations; {fit.message}). Each parameter adds the residual "
                   "√λ·(θ − θ_prior)/σ_prior, σ_prior the sd of its declared prior distribution (uniform: range/√12; "
                   "triangular: its sd; normal: sd). Posterior sd are approximate (Laplace: λ(JᵀJ + λD²)⁻¹, "
                   "λ read as the variance of one weighted residual); shift = (estimate − prior)/σ_prior; "
                   "sd ratio = posterior sd/σ_prior (1: the data add nothing). The mean squared weighted residual at "
                   f"the solution is {s2:.2g} (compare λ = {lam:g}).")
        else:
            how = (f"Weighted least squares from the priors on all years (objective {fit.initial_cost:.4g} → {fit.cost:.4g}; "
                   f"{fit.nfev} evaluations; {fit.message}); s.e. are approximate (Gauss-Newton).")
        L += ["## 3. Calibrated parameters and identifiability", "",
              how + " \\|J\\| is the change of the weighted relative residuals when the parameter crosses its whole "
              "prior range (first order).", "",
              _md(_estimates_rows(fit)), ""]
        idf = fit.identifiability
        if idf.unidentified:
            L += ["Not pinned down by the data: " + ", ".join(f"`{u}`" for u in idf.unidentified)
                  + ". A flat, correlated or prior-dominated parameter rests on its prior; an estimate at a bound "
                  "(despite the pull of the prior) means the data push it "
                  "to the edge of its plausible range, a sign that the model structure (or the data) misses something "
                  "the parameter is compensating for. Results that depend on these parameters are as uncertain as "
                  "their prior ranges.", ""]
        if lam > 0:
            specs_w = [t for t in rep.targets if t.name in fit.fit and fit.fit[t.name].n]
            implied = ", ".join(f"{t.name} {100 * math.sqrt(lam * fit.fit[t.name].n / t.weight):.1f}%"
                                for t in specs_w if t.weight > 0)
            L += [f"**Prior weight.** λ is the variance assumed for one weighted relative residual "
                  f"√(w_k/n_k)·(model − data)/data; λ = {lam:g} means a weighted residual sd of {100 * math.sqrt(lam):.1f}%, "
                  f"i.e. a per-point relative error sd (model plus measurement error) of {implied}. A parameter one "
                  "prior sd from its prior value costs as much as one such residual. The value is set in "
                  f"`{rep.meta['config']}` (`prior_weight`); the table below shows what other values give.", ""]
        if rep.prior_sensitivity:
            keys = [k for k in ("gdp", "population", "trade_total", "exports") if k in fit.fit]
            rows = [["prior weight λ", *[f"{k} MAPE %" for k in keys], "max \\|shift\\| (prior sd)", "at a bound"]]
            for r in rep.prior_sensitivity:
                rows.append([f"{r['prior_weight']:g}" + (" (shipped)" if r["shipped"] else ""),
                             *[_f(r["mape"].get(k)) for k in keys], _f(r["max_shift"]),
                             ", ".join(f"`{b}`" for b in r["at_bounds"]) or "none"])
            L += ["Sensitivity of the fit to the prior weight (re-fits from the priors on all years):", "", _md(rows), ""]
        stale = _stale(rep)
        if stale:
            L += ["**`params/calibrated.toml` is not current**: re-fitting now gives different values for "
                  + ", ".join(stale) + ". Rerun `regsim calibrate`.", ""]
        elif rep.calibrated:
            L += ["The shipped `params/calibrated.toml` matches this re-fit (relative difference < 1e-3).", ""]

    if rep.structural:
        L += ["## 4. Structural tests (Sterman ch. 21)", "", _md(_checks_rows(rep.structural)), ""]
        if rep.integration:
            L += ["Final-year headline values by integration setting:", "", _md(_integration_rows(rep.integration)), ""]
    return "\n".join(L).rstrip() + "\n"


def _estimates_rows(fit) -> list[list[str]]:
    df = fit.table()
    post = "posterior sd" if fit.prior_weight > 0 else "s.e."
    rows = [["parameter", "prior", "prior dist.", "prior sd", "range", "estimate", post, "shift (prior sd)", "sd ratio",
             "unit", "\\|J\\|", "flags"]]
    for r in df.itertuples(index=False):
        rows.append([r.parameter, f"{r.prior:.4g}", r.distribution, f"{r.prior_sd:.2g}", f"[{r.lo:.4g}, {r.hi:.4g}]",
                     f"{r.estimate:.4g}", _f(r.std_error, "{:.2g}"), _f(r.shift, "{:+.2f}"), _f(r.sd_ratio),
                     r.unit, f"{r.jac_norm:.3g}", r.flags or ""])
    return rows


def _stale(rep: ValidationReport) -> list[str]:
    if rep.refit is None or not rep.calibrated:
        return []
    shipped = {c["name"]: np.asarray(c["value"], float) for c in rep.calibrated}
    out = []
    for name, v in rep.refit.values.items():
        if name not in shipped:
            out.append(f"{name} (missing)")
        elif not np.allclose(shipped[name], np.asarray(v, float), rtol=1e-3, atol=1e-9):
            out.append(name)
    return out


def _checks_rows(checks: Sequence[Check]) -> list[list[str]]:
    rows = [["test", "check", "result", "detail"]]
    for c in checks:
        rows.append([c.test, c.name, "pass" if c.passed else "**FAIL**", c.detail.replace("|", "\\|")])
    return rows


def _integration_rows(integ: dict) -> list[list[str]]:
    keys = list(next(iter(integ.values())).keys()) if integ else []
    rows = [["variable", *keys]]
    for v, d in integ.items():
        rows.append([v, *[f"{d[k]:,.6g}" for k in keys]])
    return rows


def figures(rep: ValidationReport) -> dict:
    """The report's figures: ``{"fit": Figure, "backtest": Figure, "pyramid": Figure}``."""
    from ..plotting.validation import plot_fit

    labels = {t.name: t.label for t in rep.targets}
    units = {t.name: t.model_unit for t in rep.targets}
    figs = {"fit": plot_fit(rep.series, labels=labels, units=units, stats=rep.behaviour,
                            title="Model (shipped parameters) vs data")}
    if rep.age_structure_results is not None:
        from ..plotting.pyramid import plot_pyramid

        r = rep.age_structure_results
        years = [y for y in (2018.0, 2022.0) if np.any(np.isclose(r.times, y))]
        axes = plot_pyramid({"model (history run)": r}, years, title="Population by age and sex (model, year-end)")
        figs["pyramid"] = axes[0].figure
    if rep.backtest is not None:
        figs["backtest"] = plot_fit(rep.backtest.series, labels=labels, units=units, stats=rep.backtest.backtest,
                                    until=rep.backtest.until, show_prior=True,
                                    title=f"Back-test: fitted on years ≤ {rep.backtest.until}")
    return figs


def _atomic_write(path: Path, data: bytes) -> None:
    from ..io.atomic import atomic_write

    atomic_write(path, data)


def write_report(rep: ValidationReport, outdir: str | Path, *, command: str = "regsim validate-model",
                 figure_dir: str = "validation-figures") -> list[Path]:
    """Write ``outdir/validation.md`` and its PNG figures (each file written atomically)."""
    import io

    out = Path(outdir)
    (out / figure_dir).mkdir(parents=True, exist_ok=True)
    written, links = [], {}
    for key, fig in figures(rep).items():
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
        p = out / figure_dir / f"{key}.png"
        _atomic_write(p, buf.getvalue())
        written.append(p)
        links[key] = f"{figure_dir}/{key}.png"
    md = out / "validation.md"
    _atomic_write(md, to_markdown(rep, links, command).encode("utf-8"))
    written.insert(0, md)
    return written


def fit_stats_summary(stats: dict[str, FitStats]) -> str:
    """``name MAPE x%; ...`` one line."""
    return "; ".join(f"{k} MAPE {v.mape:.2f}%" for k, v in stats.items())
