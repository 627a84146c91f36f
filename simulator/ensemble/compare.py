"""Paired comparison of two ensembles run on the same parameter sample.

With paired draws (member ``i`` of both ensembles uses the same parameter
values), the effect of a scenario is the member-wise difference
``scenario - baseline``; its distribution is far narrower than the difference
of two independent fans, because the shared uncertainty cancels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .runner import QUANTILES, EnsembleError, EnsembleResult, quantile_frame


@dataclass
class Comparison:
    """Distribution of a scenario's effect against a baseline.

    Attributes
    ----------
    effect : pandas.DataFrame
        Quantiles of ``scenario - baseline`` per member, long format
        ``variable, dimension, year, quantile, value`` (units of the variable).
    probability : pandas.DataFrame
        ``variable, dimension, year, p_higher, p_lower, mean_effect``:
        the share of members where the scenario is above (below) the
        baseline, and the mean effect. For variables where more is better
        (GDP, trade, employment) ``p_higher`` is the probability that the
        scenario beats the baseline; otherwise read ``p_lower``.
    """

    effect: object
    probability: object


def paired_comparison(scenario: EnsembleResult, baseline: EnsembleResult, *, q: Iterable[float] = QUANTILES,
                      variables: Iterable[str] | None = None, atol: float = 0.0) -> Comparison:
    """Compare two ensembles member by member.

    Parameters
    ----------
    scenario, baseline : EnsembleResult
        Ensembles of the same size, run on the same sample rows, with the same
        saved times.
    q : iterable of float
        Quantiles of the effect.
    variables : iterable of str, optional
        Variables to compare (default: those kept in both).
    atol : float
        Differences with ``|effect| <= atol`` count as neither higher nor lower.
    """
    import pandas as pd

    if scenario.n_members != baseline.n_members:
        raise EnsembleError(f"paired comparison needs the same members: {scenario.n_members} vs {baseline.n_members}")
    if scenario.times.shape != baseline.times.shape or not np.allclose(scenario.times, baseline.times):
        raise EnsembleError("paired comparison needs the same saved times in both ensembles")
    names = list(variables) if variables is not None else [v for v in scenario.variables if v in baseline.variables]
    diffs = {}
    rows = []
    T = scenario.times.size
    for v in names:
        d = scenario.values(v) - baseline.values(v)
        diffs[v] = d
        els = scenario.elements(v) or ("",)
        k = len(els)
        d3 = d.reshape(d.shape[0], T, k)
        rows.append(pd.DataFrame({
            "variable": v,
            "dimension": np.tile(np.asarray(els, dtype=object), T),
            "year": np.repeat(scenario.times, k),
            "p_higher": (d3 > atol).mean(axis=0).reshape(-1),
            "p_lower": (d3 < -atol).mean(axis=0).reshape(-1),
            "mean_effect": d3.mean(axis=0).reshape(-1),
        }))
    prob = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["variable", "dimension", "year", "p_higher", "p_lower", "mean_effect"])
    return Comparison(effect=quantile_frame(diffs, scenario, q), probability=prob)
