"""Everything a scenario report shows, computed once: :func:`collect` -> :class:`ReportData`.

This module runs the model through the package's own layers (scenarios,
engine, ensemble, analysis); it contains no model equations. Rendering
(:mod:`.render`) only reads a :class:`ReportData`, so one collection can be
rendered in several languages.
"""

from __future__ import annotations

import dataclasses
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._version import __version__

#: scalar variables of the headline table and trajectories (those the model has)
REPORT_HEADLINE = ("gdp_real", "gdp_nominal", "trade_total", "exports", "imports", "employment_total",
                   "unemployment_rate", "population", "net_migration", "port_utilization", "digital_coverage",
                   "credit_to_gdp", "tfp")
#: key years of the headline table (those within the horizon)
REPORT_YEARS = (2025, 2030, 2035, 2050)
#: variables whose fans the uncertainty section draws
FAN_VARIABLES = ("gdp_real", "employment_total", "trade_total", "population")
#: members of the paired appraisal ensemble behind the returns table when no --uncertainty N is given
RETURNS_MEMBERS = 100


@dataclass
class ReportData:
    """The inputs of a report.

    Attributes
    ----------
    prep, base_prep : Prepared
        The scenario and the comparison scenario (``None`` if none).
    results, base : Results
        One deterministic run of each (``base`` may be ``None``).
    metrics : DataFrame or None
        Appraisal metrics vs the base (:func:`simulator.analysis.returns_table`: one row
        per metric with its unit; unavailable metrics and their reasons in ``attrs``).
    uncertainty : dict or None
        ``n, seed, quantiles`` (scenario levels), ``effect`` and ``probability``
        (paired against the base, or ``None``), ``variables``, ``lever_mechanisms`` (sampled or
        fixed as designed) and ``sampling`` (:func:`simulator.ensemble.sampling_table`).
    return_bands : dict or None
        The appraisal metrics as median and 90% band over a paired ensemble against the base:
        ``table`` (:func:`simulator.ensemble.appraisal.return_bands`), ``n``, ``seed``,
        ``lever_mechanisms``; from the uncertainty ensemble when there is one, else from
        :data:`RETURNS_MEMBERS` members.
    sensitivity : dict or None
        ``method, output, unit, runs, table`` (one row per parameter column,
        most influential first).
    validation : dict or None
        ``source`` and ``markdown`` (the summary of ``docs/validation.md``) or ``table``.
    metadata : dict
        Provenance (no absolute paths).
    """

    prep: object
    base_prep: object
    results: object
    base: object
    metrics: dict | None = None
    uncertainty: dict | None = None
    sensitivity: dict | None = None
    validation: dict | None = None
    metadata: dict = field(default_factory=dict)
    return_bands: dict | None = None

    @property
    def headline(self) -> list[str]:
        return [v for v in REPORT_HEADLINE if v in self.results and self.results[v].ndim == 2]

    @property
    def years(self) -> list[int]:
        t = self.results.times
        return [y for y in REPORT_YEARS if np.any(np.isclose(t, y))]


def display_path(p) -> str:
    """A path for display: relative to the working directory or the repository, else the file name only."""
    path = Path(p)
    try:
        rp = path.resolve()
    except OSError:
        return path.name
    for root in (Path.cwd().resolve(), _repo_root()):
        try:
            return rp.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.name


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def _run(prep):
    from ..engine import simulate

    meta = dict(prep.metadata)
    meta["scenario_files"] = [display_path(p) for p in meta.get("scenario_files", [])]
    meta.pop("scenario_contents", None)
    meta["regsim_version"] = __version__
    t0 = time.perf_counter()
    res = simulate(prep.model, settings=prep.settings, metadata=meta)
    res.metadata["run_seconds"] = round(time.perf_counter() - t0, 3)
    return res


def uncertain_parameters(prep, exclude=(), *, lever_mechanisms: bool = True) -> list[str]:
    """Parameters to vary (see :func:`simulator.ensemble.uncertain_parameters`)."""
    from ..ensemble import uncertain_parameters as select

    return select(prep, exclude, lever_mechanisms=lever_mechanisms)[0]


def run_uncertainty(prep, base_prep, n: int, seed: int, *, variables=FAN_VARIABLES, chunk_size: int = 2000,
                    lever_mechanisms: bool = True) -> dict:
    """Latin-hypercube ensemble of ``n`` members for the scenario (and the base, paired on the same sample).

    With a base, the appraisal metrics of every member are computed too (``returns``: the
    :func:`~simulator.ensemble.appraisal.ensemble_returns` frame).
    """
    from ..analysis.returns import REQUIRED_VARIABLES
    from ..ensemble import paired_comparison, run_ensemble, sample, sampling_table
    from ..ensemble.appraisal import ensemble_returns

    exclude = base_prep.params if base_prep is not None else ()
    names = uncertain_parameters(prep, exclude=exclude, lever_mechanisms=lever_mechanisms)
    s = sample(prep.parameters, n, seed, "lhs", dimensions=prep.model.dimensions, include=names)
    vars_ = [v for v in variables if v in prep.model]
    keep = list(dict.fromkeys([*vars_, *(v for v in REQUIRED_VARIABLES if v in prep.model)])) \
        if base_prep is not None else vars_
    ens = run_ensemble(prep.model, s, prep.params, prep.settings, variables=keep, chunk_size=chunk_size, seed=seed)
    out = {"n": n, "seed": seed, "variables": vars_, "quantiles": ens.quantiles(variables=vars_), "effect": None,
           "probability": None, "sampled_columns": len(s.columns), "elapsed_s": ens.metadata.get("elapsed_s"),
           "lever_mechanisms": lever_mechanisms,
           "sampling": sampling_table(prep, exclude, lever_mechanisms=lever_mechanisms), "returns": None}
    if base_prep is not None:
        bens = run_ensemble(base_prep.model, s, base_prep.params, base_prep.settings, variables=keep,
                            chunk_size=chunk_size, seed=seed)
        cmp = paired_comparison(ens, bens, variables=vars_)
        out["effect"], out["probability"] = cmp.effect, cmp.probability
        out["returns"] = ensemble_returns(bens, ens)
    return out


def run_return_bands(prep, base_prep, n: int, seed: int, *, lever_mechanisms: bool = True, members=None) -> dict:
    """Median and 90% band of the appraisal metrics of ``prep`` against ``base_prep``.

    ``members`` (an :func:`~simulator.ensemble.appraisal.ensemble_returns` frame of an ensemble
    already run) is summarised as it is; otherwise a paired ensemble of ``n`` members is run.
    """
    from ..ensemble.appraisal import COMPARE_METRICS, PairedReturns, paired_returns, return_bands

    if members is None:
        pr = paired_returns(base_prep, {prep.name: prep}, n, seed, lever_mechanisms=lever_mechanisms)
    else:
        pr = PairedReturns({prep.name: members}, None, [], {})
    return {"table": return_bands(pr, COMPARE_METRICS), "n": int(n), "seed": int(seed),
            "lever_mechanisms": lever_mechanisms}


def one_at_a_time(prep, base_prep=None, *, variable: str = "gdp_real", year: float | None = None,
                  chunk_size: int = 2000, lever_mechanisms: bool = True) -> dict:
    """Swing of the headline result when each uncertain parameter moves across its range, alone.

    Member 0 keeps every parameter at its value; members ``2k+1`` / ``2k+2`` set
    column ``k`` to the low / high end of its range. All ``2D + 1`` members run
    as one vectorised ensemble (and, with a base, the base on the same rows, so
    the result is the scenario's effect ``scenario - base``).

    Returns
    -------
    dict
        ``method="oat"``, ``output`` (``variable@year``, ``effect`` flag),
        ``unit``, ``runs`` and ``table`` with columns ``parameter, column, value,
        lo, hi, unit, low_effect, high_effect, swing, elasticity, source``,
        sorted by ``|swing|`` (NaN last).
    """
    import pandas as pd

    from ..ensemble import marginals, run_ensemble

    names = uncertain_parameters(prep, exclude=base_prep.params if base_prep is not None else (),
                                 lever_mechanisms=lever_mechanisms)
    margs = [m for m in marginals(prep.parameters, prep.model.dimensions, include=names) if not m.degenerate]
    if not margs:
        return {"method": "oat", "output": "", "unit": "", "runs": 0, "table": pd.DataFrame()}
    cols = [m.column for m in margs]
    centre = np.array([m.value for m in margs])
    X = np.repeat(centre[None, :], 2 * len(margs) + 1, axis=0)
    for k, m in enumerate(margs):
        X[2 * k + 1, k], X[2 * k + 2, k] = m.lo, m.hi
    samples = pd.DataFrame(X, columns=cols)
    samples.index.name = "member"
    settings = dataclasses.replace(prep.settings, on_nonfinite="ignore")
    y_out = _output_year_from_settings(settings, year)
    spec = f"{variable}@{y_out:g}"
    ens = run_ensemble(prep.model, samples, prep.params, settings, variables=[variable], chunk_size=chunk_size)
    Y = ens.at(spec)
    if base_prep is not None:
        bset = dataclasses.replace(base_prep.settings, on_nonfinite="ignore")
        bens = run_ensemble(base_prep.model, samples, base_prep.params, bset, variables=[variable],
                            chunk_size=chunk_size)
        Y = Y - bens.at(spec)
    y0 = Y[0]
    lo_eff, hi_eff = Y[1::2] - y0, Y[2::2] - y0
    swing = hi_eff - lo_eff
    span = np.array([m.hi - m.lo for m in margs])
    with np.errstate(divide="ignore", invalid="ignore"):
        elast = np.where((centre != 0) & (y0 != 0), (swing / y0) / (span / centre), np.nan)
    ps = prep.parameters
    table = pd.DataFrame({
        "parameter": [m.parameter for m in margs], "column": cols, "value": centre,
        "lo": [m.lo for m in margs], "hi": [m.hi for m in margs],
        "unit": [ps[m.parameter].unit for m in margs],
        "low_effect": lo_eff, "high_effect": hi_eff, "swing": swing, "elasticity": elast,
        "source": [ps[m.parameter].source for m in margs],
    })
    table["_k"] = np.abs(table["swing"]).fillna(-1.0)
    table = table.sort_values("_k", ascending=False, kind="stable").drop(columns="_k").reset_index(drop=True)
    return {"method": "oat", "output": spec, "variable": variable, "year": y_out, "effect": base_prep is not None,
            "unit": ens.units.get(variable, ""), "runs": int(len(samples) * (2 if base_prep is not None else 1)),
            "central": float(y0), "table": table}


def morris_screening(prep, base_prep=None, *, variable: str = "gdp_real", year: float | None = None,
                     trajectories: int = 16, seed: int = 20240501, chunk_size: int = 2000,
                     lever_mechanisms: bool = True) -> dict:
    """Morris elementary effects of the headline result, with the sensitivity layer (SALib).

    The design (``trajectories x (D + 1)`` rows) runs as one vectorised
    ensemble for the scenario and, with a base, for the base on the same rows,
    so the analysed output is the scenario's effect ``scenario - base`` at ``variable@year``.

    Each parameter is one factor: the elements of an arrayed parameter move
    together (a SALib group, each element drawn from its own distribution), so
    the ranking has one row per parameter -- which assumptions matter, not
    which of 200 elements.

    Returns
    -------
    dict
        As :func:`one_at_a_time`, with ``method="morris"`` and a table with columns
        ``parameter, column, value, lo, hi, unit, mu, mu_star, mu_star_conf, sigma, source``
        sorted by ``mu_star``. For an arrayed parameter ``column`` is ``name[*]``,
        ``value`` is the elements' common value (NaN when they differ), ``lo``/``hi``
        the envelope of the elements' ranges and ``sigma`` NaN (not defined for a group).
    """
    from ..ensemble import analyze_function, marginals, run_ensemble

    names = uncertain_parameters(prep, exclude=base_prep.params if base_prep is not None else (),
                                 lever_mechanisms=lever_mechanisms)
    margs = [m for m in marginals(prep.parameters, prep.model.dimensions, include=names) if not m.degenerate]
    settings = dataclasses.replace(prep.settings, on_nonfinite="ignore")
    y_out = _output_year_from_settings(settings, year)
    spec = f"{variable}@{y_out:g}"
    units = {}

    def effect(X):
        ens = run_ensemble(prep.model, X, prep.params, settings, variables=[variable], chunk_size=chunk_size)
        units.update(ens.units)
        Y = ens.at(spec)
        if base_prep is not None:
            bset = dataclasses.replace(base_prep.settings, on_nonfinite="ignore")
            Y = Y - run_ensemble(base_prep.model, X, base_prep.params, bset, variables=[variable],
                                 chunk_size=chunk_size).at(spec)
        return np.nan_to_num(Y, nan=np.nanmedian(Y))

    res = analyze_function(effect, margs, method="morris", n=trajectories, seed=seed, label=spec,
                           group_by="parameter")
    members: dict[str, list] = {}
    for m in margs:
        members.setdefault(m.parameter, []).append(m)

    def _value(ms):
        vals = {m.value for m in ms}
        return ms[0].value if len(vals) == 1 else float("nan")

    ps = prep.parameters
    t = res.table.copy()
    g = [members[p] for p in t["parameter"]]
    t.insert(1, "column", [ms[0].column if len(ms) == 1 else f"{ms[0].parameter}[*]" for ms in g])
    t.insert(2, "value", [_value(ms) for ms in g])
    t.insert(3, "lo", [min(m.lo for m in ms) for ms in g])
    t.insert(4, "hi", [max(m.hi for m in ms) for ms in g])
    t.insert(5, "unit", [ps[p].unit for p in t["parameter"]])
    t["source"] = [ps[p].source for p in t["parameter"]]
    runs = int(res.metadata["runs"]) * (2 if base_prep is not None else 1)
    return {"method": "morris", "output": spec, "variable": variable, "year": y_out, "effect": base_prep is not None,
            "unit": units.get(variable, ""), "runs": runs, "table": t}


def _output_year_from_settings(settings, year):
    t = np.arange(settings.start, settings.stop + 1e-9, settings.save_every)
    want = 2035.0 if year is None else float(year)
    return want if np.any(np.isclose(t, want)) else float(t[-1])


def validation_summary() -> dict | None:
    """The model's validation summary: from the validation layer if it offers one, else ``docs/validation.md``."""
    try:
        from ..validation import report as vreport  # landing with the validation layer
    except ImportError:
        vreport = None
    fn = getattr(vreport, "summary_table", None) if vreport is not None else None
    if callable(fn):
        try:
            table = fn()
        except (OSError, ValueError, KeyError):
            table = None
        if table is not None:
            return {"source": "simulator.validation", "table": table}
    md = _repo_root() / "docs" / "validation.md"
    if md.is_file():
        return {"source": "docs/validation.md", "markdown": summary_markdown(md.read_text(encoding="utf-8"))}
    return None


def summary_markdown(text: str, keep_subsections=("acceptance", "summary")) -> str:
    """The summary part of a markdown validation document.

    Keeps the introduction and the first level-2 section (up to the next
    ``## `` heading), without images and without level-3 subsections other than
    ``keep_subsections`` (matched case-insensitively at the start of the title).
    """
    out, level2, skipping = [], 0, False
    for ln in text.splitlines():
        if ln.startswith("## "):
            level2 += 1
            if level2 > 1:
                break
            skipping = False
        elif ln.startswith("### "):
            skipping = not ln[4:].strip().lower().startswith(tuple(keep_subsections))
        elif ln.startswith("# "):
            continue
        if skipping or ln.lstrip().startswith("!["):
            continue
        out.append(ln)
    return "\n".join(out).strip()


def collect(scenario, compare=None, *, uncertainty: int | None = None, seed: int | None = None,
            sensitivity: str | None = "morris", validation: bool = True, lever_mechanisms: bool = True,
            returns_members: int = RETURNS_MEMBERS) -> ReportData:
    """Run everything the report shows.

    Parameters
    ----------
    scenario : path
        Scenario file.
    compare : path, optional
        Comparison scenario (e.g. ``scenarios/baseline.toml``).
    uncertainty : int, optional
        Ensemble size of the fan charts (none if ``None`` or 0).
    seed : int, optional
        Seed of the uncertainty sample (default: the scenario's seed, else 20240501).
    sensitivity : {"morris", "oat", None}
        Key assumptions: Morris screening of the headline result with the
        sensitivity layer (SALib), one-at-a-time swings over each parameter's
        range (no SALib needed), or skip the section.
    validation : bool
        Include the model's validation summary.
    lever_mechanisms : bool
        Sample the lever-mechanism parameters in the ensembles (default); False: the policy as
        designed (mechanisms at their central values).
    returns_members : int
        Members of the paired appraisal ensemble behind the returns bands when ``uncertainty`` is not
        given (0: no bands).
    """
    from ..analysis import returns_table
    from ..scenarios import prepare

    t0 = time.perf_counter()
    prep = prepare(scenario)
    base_prep = prepare(compare) if compare is not None else None
    if base_prep is not None and base_prep.settings != prep.settings:
        raise ValueError(f"{display_path(compare)}: horizon or time step differs from {display_path(scenario)}: "
                         "the comparison needs the same")
    results = _run(prep)
    base = _run(base_prep) if base_prep is not None else None
    metrics = None
    if base is not None and "gdp_real" in results:
        metrics = returns_table(base, {prep.name: results})
    seed = seed if seed is not None else (prep.metadata.get("seed") or 20240501)
    unc = run_uncertainty(prep, base_prep, int(uncertainty), int(seed), lever_mechanisms=lever_mechanisms) \
        if uncertainty else None
    bands = None
    if metrics is not None and prep.scenario.levers:
        if unc is not None and unc.get("returns") is not None:
            bands = run_return_bands(prep, base_prep, int(uncertainty), int(seed), lever_mechanisms=lever_mechanisms,
                                     members=unc["returns"])
        elif returns_members:
            bands = run_return_bands(prep, base_prep, int(returns_members), int(seed),
                                     lever_mechanisms=lever_mechanisms)
    sens = None
    if sensitivity == "morris":
        try:
            import SALib  # noqa: F401
        except ImportError:
            sensitivity = "oat"  # the sensitivity extra is not installed: the cheap method needs no SALib
        else:
            sens = morris_screening(prep, base_prep, seed=int(seed), lever_mechanisms=lever_mechanisms)
    if sensitivity == "oat":
        sens = one_at_a_time(prep, base_prep, lever_mechanisms=lever_mechanisms)
    elif sensitivity not in ("morris", None):
        raise ValueError(f"unknown sensitivity method {sensitivity!r} (choose 'morris', 'oat' or None)")
    val = validation_summary() if validation else None
    meta = {
        "scenario": prep.name,
        "scenario_files": [display_path(p) for p in prep.metadata.get("scenario_files", [])],
        "comparison": base_prep.name if base_prep is not None else None,
        "comparison_files": [display_path(p) for p in base_prep.metadata.get("scenario_files", [])]
        if base_prep is not None else None,
        "parameter_hash": prep.metadata.get("parameter_hash"),
        "comparison_parameter_hash": base_prep.metadata.get("parameter_hash") if base_prep is not None else None,
        "uncertainty_seed": seed if uncertainty else None,
        "settings": dataclasses.asdict(prep.settings),
        "uncertainty_members": int(uncertainty or 0),
        "returns_members": bands["n"] if bands else 0,
        "lever_mechanisms_sampled": lever_mechanisms,
        "sensitivity_runs": sens["runs"] if sens else 0,
        "regsim_version": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "compute_seconds": round(time.perf_counter() - t0, 2),
    }
    return ReportData(prep, base_prep, results, base, metrics, unc, sens, val, meta, bands)
