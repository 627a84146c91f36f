"""Compare scenarios: differences of headline variables and the appraisal metrics.

- :func:`headline_table` -- one scenario's headline variables at key years, with units;
- :func:`compare` -- differences ``alt - base`` of headline variables at key years (absolute and %);
- :func:`summary_metrics` -- one row per scenario with the appraisal metrics of run 0
  (present values at 8/6/3%, impact multipliers, GDP and fiscal payback, national view,
  job-years per 100m yuan, gains at key years), defined and documented with their units
  in :mod:`simulator.analysis.returns`.
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


def summary_metrics(base, alternatives: dict, years=None, *, settings=None):
    """One row per alternative: the appraisal metrics of its run 0 against ``base``.

    Parameters
    ----------
    base : Results
    alternatives : dict of str to Results
        Scenario name -> results (same saved times as ``base``).
    years : iterable of int, optional
        Key years of the ``gdp_added_<y>``, ``jobs_added_<y>``, ``trade_added_<y>``
        columns (default ``settings.key_years``: 2035 and 2050).
    settings : AppraisalSettings, optional
        Discount rates, window, terminal treatment, national multiplier.

    Returns
    -------
    DataFrame
        Column ``scenario`` then the columns of
        :func:`~simulator.analysis.returns.member_returns`; ``attrs["units"]`` gives
        every column's unit and ``attrs["unavailable"]`` the metrics that could not be
        computed, with the reason.
    """
    import dataclasses

    import pandas as pd

    from .returns import AppraisalSettings, member_returns

    s = settings or AppraisalSettings()
    if years is not None:
        s = dataclasses.replace(s, key_years=tuple(years))
    rows, units, why = [], {"scenario": "text"}, {}
    for name, alt in alternatives.items():
        if not np.array_equal(np.asarray(alt.times), np.asarray(base.times)):
            raise ValueError(f"scenario {name!r} has a different horizon than the base")
        m = member_returns(base, alt.select_runs([0]) if alt.n_runs > 1 else alt, settings=s)
        units |= m.attrs["units"]
        why |= m.attrs["unavailable"]
        rows.append({"scenario": name, **m.iloc[0].to_dict()})
    df = pd.DataFrame(rows, columns=list(units))
    df.attrs |= {"units": units, "unavailable": why, "settings": s}
    return df
