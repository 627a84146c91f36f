"""Appraisal metrics with their uncertainty: paired ensembles of scenarios against a base.

:func:`paired_returns` draws one sample of every uncertain parameter (lever mechanisms included
unless ``lever_mechanisms=False``: the policy "as designed"), runs the base and each alternative
on the very same rows, and computes :func:`simulator.analysis.returns.member_returns` for every
member; :func:`return_bands` summarises them as median and 90% band (p5, p50, p95), with the
share of members whose GDP and fiscal payback happen within the horizon. ``regsim compare
--uncertainty N``, the report's returns table and ``docs/levers.md`` all use these two functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

#: metrics of the lever-returns tables (docs/levers.md, README): name -> short label
HEADLINE_METRICS = {
    "gdp_pv_ratio_8pct": "PV of GDP per yuan at 8%",
    "gdp_pv_ratio_3pct": "PV of GDP per yuan at 3%",
    "impact_multiplier_y1": "impact multiplier, year 1",
    "national_pv_ratio_8pct": "national view: PV of GDP per yuan at 8%",
    "job_years_pv_per_100m": "job-years per 100m yuan (PV at 8%)",
    "trade_added_2035_pct": "trade effect in 2035 (% of the base's trade)",
    "fiscal_payback_year": "fiscal payback year (members that pay back)",
    "fiscal_payback_share": "share of members with fiscal payback by the horizon",
}

#: metrics of ``regsim compare --uncertainty`` and the report's returns table (in this order)
COMPARE_METRICS = (
    "gdp_pv_ratio_8pct", "gdp_pv_ratio_6pct", "gdp_pv_ratio_3pct", "gdp_ratio_undiscounted",
    "impact_multiplier_y1", "impact_multiplier_y2", "impact_multiplier_y5", "cumulative_multiplier",
    "national_pv_ratio_8pct", "job_years_pv_per_100m", "gdp_added_2035", "jobs_added_2035", "trade_added_2035",
    "trade_added_2035_pct", "gdp_payback_share", "fiscal_payback_share", "fiscal_payback_year",
)


@dataclass
class BandTable:
    """The output of :func:`return_bands` with the ensemble's :attr:`PairedReturns.metadata`."""

    table: object
    metadata: dict


@dataclass
class PairedReturns:
    """The appraisal of several scenarios against one base on a shared sample.

    Attributes
    ----------
    members : dict of str to DataFrame
        Scenario name -> :func:`~simulator.analysis.returns.member_returns` (one row per member),
        plus ``trade_added_<y>_pct`` (trade added as % of the base's trade that year).
    samples : DataFrame
        The sample (one row per member, one column per sampled cell).
    sampled : list of str
        The sampled parameters; ``skipped`` maps a reason to the parameters left out.
    metadata : dict
        ``n``, ``seed``, ``sampler``, ``lever_mechanisms``, timings.
    """

    members: dict
    samples: object
    sampled: list
    skipped: dict
    metadata: dict = field(default_factory=dict)


def paired_returns(base, alternatives: Mapping[str, object], n: int, seed: int, *, sampler: str = "lhs",
                   lever_mechanisms: bool = True, settings=None, chunk_size: int = 2000,
                   executor: str = "auto", scheduler=None, n_workers=None, progress=None) -> PairedReturns:
    """Run ``base`` and every alternative on one sample and compute the appraisal metrics per member.

    Parameters
    ----------
    base : Prepared
        The comparison scenario (e.g. ``scenarios/baseline.toml``).
    alternatives : mapping of str to Prepared
        Scenario name -> prepared scenario (same horizon and time step as ``base``).
    n, seed : int
        Ensemble size and seed of the sample (and of the stochastic builtins).
    sampler : {"lhs", "sobol", "random"}
    lever_mechanisms : bool
        Sample the lever-mechanism parameters (default); False fixes them (policy as designed).
    settings : AppraisalSettings, optional
        Discount rates, window, key years (default :class:`~simulator.analysis.returns.AppraisalSettings`).
    chunk_size, executor, scheduler, n_workers, progress
        As :func:`simulator.ensemble.run_ensemble` (``progress`` gets fractions of all runs).

    Raises
    ------
    ValueError
        An alternative has another horizon or time step than the base, or nothing is uncertain.
    """
    import time

    from ..analysis.returns import REQUIRED_VARIABLES, AppraisalSettings
    from .runner import run_ensemble
    from .sampling import sample
    from .selection import uncertain_parameters

    s = settings or AppraisalSettings()
    for name, p in alternatives.items():
        if p.settings != base.settings:
            raise ValueError(f"{name}: horizon or time step differs from the base scenario {base.name}: "
                             "paired runs need the same")
    t0 = time.perf_counter()
    exclude = set(base.params).union(*(p.params for p in alternatives.values()))
    names, skipped = uncertain_parameters(base, exclude, lever_mechanisms=lever_mechanisms)
    if not names:
        raise ValueError(f"{base.name}: no uncertain parameters to sample")
    smp = sample(base.parameters, n, seed, sampler, dimensions=base.model.dimensions, include=names)
    runs = [("__base__", base), *alternatives.items()]
    done = {"k": 0}

    def run(p):
        vars_ = [v for v in REQUIRED_VARIABLES if v in p.model]

        def prog(f):
            if progress is not None:
                progress((done["k"] + f) / len(runs))
        out = run_ensemble(p.model, smp, p.params, p.settings, variables=vars_, chunk_size=chunk_size, seed=seed,
                           executor=executor, scheduler=scheduler, n_workers=n_workers, progress=prog)
        done["k"] += 1
        return out

    b = run(base)
    members = {name: ensemble_returns(b, run(p), s) for name, p in alternatives.items()}
    meta = {"n": int(n), "seed": int(seed), "sampler": sampler, "lever_mechanisms": bool(lever_mechanisms),
            "base": base.name, "scenarios": list(alternatives), "seconds": round(time.perf_counter() - t0, 3),
            "appraisal": s.describe()}
    return PairedReturns(members, smp, names, skipped, meta)


def ensemble_returns(base_ens, alt_ens, settings=None):
    """:func:`~simulator.analysis.returns.member_returns` of two paired ensembles, plus the trade effect in %.

    Adds ``trade_added_<y>_pct`` (trade added as % of the base member's ``trade_total`` in year ``y``)
    for each key year of ``settings``.
    """
    from ..analysis.returns import TRADE, AppraisalSettings, member_returns

    s = settings or AppraisalSettings()
    m = member_returns(base_ens, alt_ens, settings=s)
    if TRADE in base_ens.variables:
        base_trade = base_ens.values(TRADE)
        t = np.asarray(base_ens.times, dtype=float)
        for y in s.key_years:
            col = f"trade_added_{y}"
            hit = np.flatnonzero(np.isclose(t, y))
            if col in m and hit.size:
                with np.errstate(divide="ignore", invalid="ignore"):
                    m[f"{col}_pct"] = 100.0 * m[col].to_numpy(float) / base_trade[:, int(hit[0])]
                m.attrs["units"][f"{col}_pct"] = f"% of the base's {TRADE} in {y}"
    return m


def return_bands(paired: PairedReturns, metrics: Sequence[str] | None = None, q=(0.05, 0.5, 0.95)):
    """Median and band of each metric for each scenario.

    Parameters
    ----------
    paired : PairedReturns
    metrics : sequence of str, optional
        Metric columns (default :data:`HEADLINE_METRICS`); ``gdp_payback_share`` and
        ``fiscal_payback_share`` are the shares of members whose payback happens within the horizon.
    q : tuple of float
        Quantiles (default 5%, 50%, 95%: the median and the 90% band).

    Returns
    -------
    DataFrame
        One row per (scenario, metric): columns ``scenario, metric, unit, p5, p50, p95, n_valid``
        (members with a defined value; payback years only count members that pay back).
    """
    import warnings

    import pandas as pd

    metrics = list(metrics or HEADLINE_METRICS)
    labels = [f"p{100 * x:g}" for x in q]
    rows = []
    for name, m in paired.members.items():
        units = m.attrs.get("units", {})
        for metric in metrics:
            if metric.endswith("_payback_share"):
                col = metric.replace("_share", "_status")
                vals = (m[col] == "paid back").to_numpy(float) if col in m else np.full(len(m), np.nan)
                qs = [float(np.mean(vals))] * len(q) if len(vals) else [np.nan] * len(q)
                rows.append({"scenario": name, "metric": metric, "unit": "share of members",
                             **dict(zip(labels, qs)), "n_valid": len(vals)})
                continue
            vals = m[metric].to_numpy(float) if metric in m else np.full(len(m), np.nan)
            ok = np.isfinite(vals)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                qs = np.quantile(vals[ok], q) if ok.any() else np.full(len(q), np.nan)
            rows.append({"scenario": name, "metric": metric, "unit": units.get(metric, ""),
                         **dict(zip(labels, (float(v) for v in qs))), "n_valid": int(ok.sum())})
    return pd.DataFrame(rows, columns=["scenario", "metric", "unit", *labels, "n_valid"])


def format_band(p5: float, p50: float, p95: float, unit: str = "") -> str:
    """``"0.52 [0.21, 0.93]"``: median and 90% band with the precision the unit calls for."""
    def f(x):
        if x is None or not np.isfinite(x):
            return "n/a"
        x = float(x) + 0.0  # no "-0"
        if unit in ("year",) or "payback_year" in unit:
            return f"{x:.0f}"
        if unit.startswith("person-years") or unit == "persons":
            return f"{round(x) + 0:,.0f}"
        if unit == "share of members":
            return f"{x:.0%}"
        if unit.startswith("%"):
            return f"{x:+.2f}%"
        return f"{x:,.2f}"
    if unit == "share of members":
        return f(p50)
    return f"{f(p50)} [{f(p5)}, {f(p95)}]"
