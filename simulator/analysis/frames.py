"""Tidy frames over several scenarios and per-member policy indicators (pandas; no plotting).

:class:`~simulator.engine.Results` already gives one run's long
(:meth:`~simulator.engine.Results.to_dataframe`) and wide
(:meth:`~simulator.engine.Results.to_wide`) frames. This module adds what
notebooks and the report need on top:

- :func:`long_frame` / :func:`wide_frame` -- several scenarios in one frame;
- :func:`element_frame` -- an arrayed variable (by sector, by partner) as a wide
  year x element frame, optionally as a difference from a base;
- :func:`key_year_table` -- scenario vs base at key years, one row per variable;
- :func:`member_metrics` -- the appraisal metrics of
  :func:`~simulator.analysis.summary_metrics` computed for *every* member of an
  ensemble at once (vectorised), for grids of policy mixes and ensemble bands.
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


def member_metrics(base, alt, *, samples=None, years: Iterable[int] | None = None, settings=None):
    """Appraisal metrics of every ensemble member, computed at once.

    The same definitions as :func:`~simulator.analysis.summary_metrics` (see
    :mod:`simulator.analysis.returns`), for each member ``i`` of ``alt``
    against ``base`` (one run, or as many runs as ``alt`` for paired samples).

    Parameters
    ----------
    base : Results or EnsembleResult
        Baseline; needs the variables of :data:`simulator.analysis.returns.REQUIRED_VARIABLES`
        for every metric (those missing make their metrics NaN, with the reason in
        ``attrs["unavailable"]``).
    alt : Results or EnsembleResult
        The ensemble (e.g. a grid of budget splits passed as arrays to ``simulate``).
    samples : DataFrame, optional
        The member parameters; joined in front of the indicator columns.
    years : iterable of int, optional
        Years of the ``jobs_added_<y>``, ``gdp_added_<y>`` and ``trade_added_<y>`` columns
        (default ``settings.key_years``: 2035, 2050).
    settings : AppraisalSettings, optional

    Returns
    -------
    DataFrame
        One row per member (:func:`~simulator.analysis.returns.member_returns`); units
        of every column in ``attrs["units"]``.
    """
    import dataclasses

    from .returns import AppraisalSettings, member_returns

    s = settings or AppraisalSettings()
    if years is not None:
        s = dataclasses.replace(s, key_years=tuple(years))
    return member_returns(base, alt, settings=s, samples=samples)


def _common(results: Mapping[str, object]) -> list[str]:
    names = None
    for res in results.values():
        vs = list(res.variables)
        names = vs if names is None else [v for v in names if v in set(vs)]
    return names or []
