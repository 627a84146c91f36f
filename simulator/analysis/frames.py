"""Tidy frames over several scenarios and per-member policy indicators (pandas; no plotting).

:class:`~simulator.engine.Results` already gives one run's long
(:meth:`~simulator.engine.Results.to_dataframe`) and wide
(:meth:`~simulator.engine.Results.to_wide`) frames. This module adds what
notebooks and the report need on top:

- :func:`long_frame` / :func:`wide_frame` -- several scenarios in one frame;
- :func:`element_frame` -- an arrayed variable (by sector, by partner) as a wide
  year x element frame, optionally as a difference from a base;
- :func:`key_year_table` -- scenario vs base at key years, one row per variable;
- :func:`member_metrics` -- the policy-return indicators of
  :func:`~simulator.analysis.summary_metrics` computed for *every* member of an
  ensemble at once (vectorised), for grids of policy mixes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from .compare import KEY_YEARS, _years


def long_frame(results: Mapping[str, object], variables: Iterable[str] | None = None, *, run: int | None = 0):
    """One long frame for several scenarios.

    Parameters
    ----------
    results : mapping of str to Results
        Scenario name -> results.
    variables : iterable of str, optional
        Variables to keep (default: those every scenario has).
    run : int or None
        Keep one ensemble member (default 0); ``None`` keeps all (with a ``run`` column).

    Returns
    -------
    DataFrame
        Columns ``scenario, variable, dimension, year, value, unit`` (+ ``run``).
    """
    import pandas as pd

    names = list(variables) if variables is not None else _common(results)
    frames = []
    for scen, res in results.items():
        r = res if run is None else res.select_runs([run])
        df = r.to_dataframe(names, with_units=True)
        df.insert(0, "scenario", scen)
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out.attrs["units"] = frames[0].attrs.get("units", {}) if frames else {}
    return out


def wide_frame(results: Mapping[str, object], variables: Iterable[str] | None = None, *, run: int = 0):
    """Wide frame for several scenarios: index ``year``, columns ``(scenario, variable[element])``."""
    import pandas as pd

    names = list(variables) if variables is not None else _common(results)
    return pd.concat({scen: res.to_wide(names, run=run) for scen, res in results.items()}, axis=1,
                     names=["scenario", "variable"])


def element_frame(results, variable: str, *, base=None, run: int = 0):
    """An arrayed variable as a wide frame (index ``year``, one column per element).

    With ``base`` (Results of the comparison scenario) the frame holds
    ``results - base`` instead, in the variable's units.
    """
    df = results.series(variable, run=run)
    if base is not None:
        df = df - base.series(variable, run=0)
    df.attrs["unit"] = results.units.get(variable, "")
    return df


def key_year_table(results, base=None, variables: Iterable[str] | None = None, years: Iterable[int] | None = None):
    """Scenario (and base) at key years, one row per variable.

    Returns
    -------
    DataFrame
        Index ``variable``; columns ``unit`` and, for each year ``y``: ``(y, "value")``
        and, with a base, ``(y, "base")``, ``(y, "diff")``, ``(y, "pct")``.
    """
    import pandas as pd

    from .compare import HEADLINE

    names = [v for v in (variables or HEADLINE) if v in results and results[v].ndim == 2]
    ys = _years(results, list(years or KEY_YEARS))
    cols, data = [], {}
    for y in ys:
        cols.append((y, "value"))
        if base is not None:
            cols += [(y, "base"), (y, "diff"), (y, "pct")]
    for v in names:
        row = []
        for y in ys:
            a = float(results.at(v, y))
            row.append(a)
            if base is not None:
                b = float(base.at(v, y))
                row += [b, a - b, 100.0 * (a - b) / abs(b) if b != 0 else np.nan]
        data[v] = row
    df = pd.DataFrame.from_dict(data, orient="index", columns=pd.MultiIndex.from_tuples(cols, names=["year", ""]))
    df.insert(0, ("unit", ""), [results.units.get(v, "") for v in names])
    df.index.name = "variable"
    return df


def member_metrics(base, alt, *, samples=None, years: Iterable[int] = (2035, 2050)):
    """Policy-return indicators of every ensemble member, computed at once.

    The same definitions as :func:`~simulator.analysis.summary_metrics` (see
    :mod:`simulator.analysis.compare`), for each member ``i`` of ``alt``
    against ``base`` (one run, or as many runs as ``alt`` for paired samples).

    Parameters
    ----------
    base : Results or EnsembleResult
        Baseline; needs ``gdp_real``, ``lever_spending``, ``employment_total``, ``trade_total``.
    alt : Results or EnsembleResult
        The ensemble (e.g. a grid of budget splits passed as arrays to ``simulate``).
    samples : DataFrame, optional
        The member parameters; joined in front of the indicator columns.
    years : iterable of int
        Years of the ``jobs_added_<y>``, ``gdp_added_<y>`` and ``trade_added_<y>`` columns.

    Returns
    -------
    DataFrame
        One row per member: ``cum_gdp_gain`` [100m yuan], ``cum_spending`` [100m yuan],
        ``gdp_per_100m`` [yuan per yuan], ``job_years_per_100m`` [person-years per 100m yuan],
        ``jobs_added_<y>`` [10k persons], ``gdp_added_<y>``, ``trade_added_<y>`` [100m yuan/yr],
        ``payback_year`` (NaN if the cumulative gain never reaches the cumulative spending).
    """
    import pandas as pd

    t = np.asarray(alt.times, dtype=float)
    if not np.array_equal(np.asarray(base.times, dtype=float), t):
        raise ValueError("base and alternative have different saved times")

    def get(res, v):
        # Results: res[v]; EnsembleResult: res.values(v) (possibly read from disk)
        return np.asarray(res.values(v) if hasattr(res, "n_members") else res[v], dtype=float)

    def diff(v):
        return get(alt, v) - get(base, v)  # (N, T), base broadcasts from (1, T)

    dgdp, dspend, demp, dtrade = diff("gdp_real"), diff("lever_spending"), diff("employment_total"), diff("trade_total")
    cg, cs = np.cumsum(dgdp, axis=1), np.cumsum(dspend, axis=1)
    spent = cs[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {"cum_gdp_gain": cg[:, -1], "cum_spending": spent,
               "gdp_per_100m": np.where(spent > 0, cg[:, -1] / spent, np.nan),
               "job_years_per_100m": np.where(spent > 0, demp.sum(axis=1) * 1e4 / spent, np.nan)}
    for y in years:
        hit = np.flatnonzero(np.isclose(t, y))
        if hit.size:
            i = int(hit[0])
            out[f"jobs_added_{y}"] = demp[:, i]
            out[f"trade_added_{y}"] = dtrade[:, i]
            out[f"gdp_added_{y}"] = dgdp[:, i]
    paid = (cs > 0) & (cg >= cs)
    first = np.argmax(paid, axis=1)
    out["payback_year"] = np.where(paid.any(axis=1), t[first], np.nan)
    df = pd.DataFrame(out)
    df.index.name = "member"
    if samples is not None:
        s = samples.reset_index(drop=True)
        s.index.name = "member"
        df = pd.concat([s, df], axis=1)
    return df


def _common(results: Mapping[str, object]) -> list[str]:
    names = None
    for res in results.values():
        vs = list(res.variables)
        names = vs if names is None else [v for v in names if v in set(vs)]
    return names or []
