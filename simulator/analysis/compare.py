"""Compare scenarios: differences of headline variables and policy-return indicators.

Indicators (all from run 0 of each :class:`~simulator.engine.Results`, yearly saves):

- ``cum_gdp_gain``: sum over saved years of ``gdp_real(alt) - gdp_real(base)``
  [100m yuan at 2018 prices, summed over years];
- ``cum_spending``: sum over saved years of ``lever_spending(alt) - lever_spending(base)`` [100m yuan];
- ``gdp_per_100m``: ``cum_gdp_gain / cum_spending`` [yuan of GDP per yuan spent];
- ``jobs_added_<year>``: ``employment_total`` difference [10k persons];
- ``job_years_per_100m``: sum over years of the employment difference, in persons, per
  100m yuan spent [person-years per 100m yuan];
- ``trade_added_<year>``: ``trade_total`` difference [100m yuan];
- ``payback_year``: first year in which cumulative GDP gain reaches cumulative spending
  (empty if never within the horizon).
"""

from __future__ import annotations

import numpy as np

#: headline variables every summary shows (stable names of the model)
HEADLINE = ["gdp_real", "gdp_nominal", "trade_total", "exports", "imports", "employment_total",
            "population", "unemployment_rate", "lever_spending"]
#: years the tables show (those inside the run's horizon)
KEY_YEARS = [2018, 2025, 2030, 2035, 2050]


def _years(results, years):
    return [y for y in years if np.any(np.isclose(results.times, y))]


def headline_table(results, variables=None, years=None, run: int = 0):
    """DataFrame: one row per headline variable, one column per key year, plus ``unit``."""
    import pandas as pd

    variables = [v for v in (variables or HEADLINE) if v in results]
    ys = _years(results, years or KEY_YEARS)
    rows = {v: [float(results.at(v, y, run)) for y in ys] for v in variables}
    df = pd.DataFrame.from_dict(rows, orient="index", columns=ys)
    df.insert(0, "unit", [results.units.get(v, "") for v in variables])
    df.index.name = "variable"
    return df


def compare(base, alternatives: dict, variables=None, years=None):
    """Long DataFrame of differences vs ``base``.

    Parameters
    ----------
    base : Results
    alternatives : dict of str to Results
        Scenario name -> results (same horizon as base).
    variables : list of str, optional
        Scalar variables (default :data:`HEADLINE`).
    years : list of int, optional
        Years (default :data:`KEY_YEARS` within the horizon).

    Returns
    -------
    DataFrame
        Columns ``scenario, variable, year, base, value, diff, pct, unit``.
    """
    import pandas as pd

    variables = [v for v in (variables or HEADLINE) if v in base]
    ys = _years(base, years or KEY_YEARS)
    rows = []
    for name, alt in alternatives.items():
        for v in variables:
            for y in ys:
                b, a = float(base.at(v, y)), float(alt.at(v, y))
                pct = 100.0 * (a - b) / abs(b) if b != 0 else np.nan
                rows.append({"scenario": name, "variable": v, "year": y, "base": b, "value": a, "diff": a - b,
                             "pct": pct, "unit": base.units.get(v, "")})
    return pd.DataFrame(rows, columns=["scenario", "variable", "year", "base", "value", "diff", "pct", "unit"])


def summary_metrics(base, alternatives: dict, years=(2035, 2050)):
    """One row per alternative with the policy-return indicators in the module docstring."""
    import pandas as pd

    rows = []
    t = base.times
    for name, alt in alternatives.items():
        if not np.array_equal(alt.times, t):
            raise ValueError(f"scenario {name!r} has a different horizon than the base")
        dgdp = alt["gdp_real"][0] - base["gdp_real"][0]
        dspend = alt["lever_spending"][0] - base["lever_spending"][0]
        demp = alt["employment_total"][0] - base["employment_total"][0]
        dtrade = alt["trade_total"][0] - base["trade_total"][0]
        cg, cs = np.cumsum(dgdp), np.cumsum(dspend)
        spent = float(cs[-1])
        row = {"scenario": name, "cum_gdp_gain": float(cg[-1]), "cum_spending": spent,
               "gdp_per_100m": float(cg[-1] / spent) if spent > 0 else np.nan,
               "job_years_per_100m": float(demp.sum() * 1e4 / spent) if spent > 0 else np.nan}
        for y in years:
            if np.any(np.isclose(t, y)):
                i = int(np.flatnonzero(np.isclose(t, y))[0])
                row[f"jobs_added_{y}"] = float(demp[i])
                row[f"trade_added_{y}"] = float(dtrade[i])
                row[f"gdp_added_{y}"] = float(dgdp[i])
        paid = np.flatnonzero((cs > 0) & (cg >= cs))
        row["payback_year"] = int(t[paid[0]]) if paid.size else None
        rows.append(row)
    return pd.DataFrame(rows)
