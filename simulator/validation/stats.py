"""Goodness-of-fit statistics for behaviour reproduction (Sterman 1984; *Business Dynamics* ch. 21).

Every function takes a simulated series ``s`` and an observed series ``a``
("actual") of the same length. Pairs where either value is missing (NaN) are
dropped first: missing years are skipped, never filled. With ``n`` remaining
pairs, writing :math:`\\bar s, \\bar a` for the means, :math:`S_s, S_a` for the
*population* standard deviations (divisor ``n``) and :math:`r` for Pearson's
correlation coefficient:

.. math::

    \\mathrm{MAPE} = \\frac{100}{n}\\sum_t \\left|\\frac{s_t - a_t}{a_t}\\right| \\quad [\\%]

    \\mathrm{MSE} = \\frac1n\\sum_t (s_t - a_t)^2, \\qquad \\mathrm{RMSE} = \\sqrt{\\mathrm{MSE}}

    R^2 = r^2 \\quad \\text{(Sterman's coefficient of determination between simulated and actual)}

Theil's inequality statistics decompose the MSE exactly (Sterman 1984, eq. 2;
*Business Dynamics* Table 21-3):

.. math::

    \\mathrm{MSE} = (\\bar s - \\bar a)^2 + (S_s - S_a)^2 + 2(1 - r) S_s S_a

    U^M = \\frac{(\\bar s - \\bar a)^2}{\\mathrm{MSE}}, \\quad
    U^S = \\frac{(S_s - S_a)^2}{\\mathrm{MSE}}, \\quad
    U^C = \\frac{2(1 - r) S_s S_a}{\\mathrm{MSE}}, \\quad U^M + U^S + U^C = 1.

``U^M`` (bias) is the share of the error due to unequal means, ``U^S``
(variance) to unequal variation -- typically a trend or amplitude the model
gets wrong -- and ``U^C`` (covariance) to imperfect point-by-point
correlation, i.e. unsystematic error the model need not reproduce. A large
error concentrated in ``U^C`` is benign; a large error concentrated in
``U^M`` or ``U^S`` is systematic. When ``MSE == 0`` (a perfect fit) the shares
are undefined and returned as NaN.

Also reported: Theil's inequality coefficient (his ``U_1``),
:math:`U = \\sqrt{\\mathrm{MSE}} / (\\sqrt{\\overline{s^2}} + \\sqrt{\\overline{a^2}})`,
0 for a perfect fit and 1 at worst.

References
----------
Sterman, J. D. (1984). Appropriate summary statistics for evaluating the
historical fit of system dynamics models. *Dynamica* 10(2), 51-66.
Sterman, J. D. (2000). *Business Dynamics*, ch. 21.8. Irwin/McGraw-Hill.
Theil, H. (1966). *Applied Economic Forecasting*. North-Holland.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["FitStats", "fit_statistics", "mape", "rmse", "r_squared", "theil_u", "theil_decomposition"]


def _pairs(sim, obs) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(sim, dtype=float).ravel()
    a = np.asarray(obs, dtype=float).ravel()
    if s.shape != a.shape:
        raise ValueError(f"simulated and observed series differ in length ({s.size} vs {a.size})")
    keep = np.isfinite(s) & np.isfinite(a)
    return s[keep], a[keep]


def mape(sim, obs) -> float:
    """Mean absolute percentage error [%].

    Parameters
    ----------
    sim, obs : array_like
        Simulated and observed values (same length; NaN pairs skipped).

    Returns
    -------
    float
        :math:`100/n \\sum |s_t - a_t| / |a_t|`; NaN if no pairs are left.

    Raises
    ------
    ValueError
        If an observation is zero (the percentage error is undefined).
    """
    s, a = _pairs(sim, obs)
    if s.size == 0:
        return math.nan
    if np.any(a == 0):
        raise ValueError("MAPE is undefined when an observed value is zero")
    return float(100.0 * np.mean(np.abs((s - a) / a)))


def rmse(sim, obs) -> float:
    """Root mean square error, in the units of the series: :math:`\\sqrt{\\frac1n\\sum (s_t-a_t)^2}`."""
    s, a = _pairs(sim, obs)
    return float(np.sqrt(np.mean((s - a) ** 2))) if s.size else math.nan


def r_squared(sim, obs) -> float:
    """Coefficient of determination as Sterman uses it: the squared Pearson correlation :math:`r^2`.

    NaN when fewer than two pairs remain or either series is constant.
    """
    s, a = _pairs(sim, obs)
    r = _corr(s, a)
    return r * r if math.isfinite(r) else math.nan


def _corr(s: np.ndarray, a: np.ndarray) -> float:
    if s.size < 2:
        return math.nan
    ss, sa = s.std(), a.std()
    if ss == 0 or sa == 0:
        return math.nan
    return float(np.mean((s - s.mean()) * (a - a.mean())) / (ss * sa))


def theil_u(sim, obs) -> float:
    """Theil's inequality coefficient in [0, 1].

    :math:`U = \\sqrt{\\mathrm{MSE}}/(\\sqrt{\\overline{s^2}}+\\sqrt{\\overline{a^2}})`: 0 for a perfect fit.
    """
    s, a = _pairs(sim, obs)
    if s.size == 0:
        return math.nan
    den = math.sqrt(np.mean(s * s)) + math.sqrt(np.mean(a * a))
    return float(math.sqrt(np.mean((s - a) ** 2)) / den) if den > 0 else math.nan


def theil_decomposition(sim, obs) -> tuple[float, float, float]:
    """Theil's decomposition of the MSE: ``(U^M, U^S, U^C)``, summing to 1.

    Parameters
    ----------
    sim, obs : array_like
        Simulated and observed values (NaN pairs skipped).

    Returns
    -------
    (um, us, uc) : tuple of float
        Bias :math:`(\\bar s-\\bar a)^2/\\mathrm{MSE}`, variance
        :math:`(S_s-S_a)^2/\\mathrm{MSE}` and covariance
        :math:`2(1-r)S_sS_a/\\mathrm{MSE}` shares, with population standard
        deviations :math:`S`. NaN when the MSE is zero, no pairs remain, or the error is at the
        rounding level of the data (the three terms cancel to zero).
        With a single pair, or a constant series, the whole error is bias
        or variance and ``U^C`` is 0 (``r`` is undefined but
        :math:`S_sS_a = 0`).
    """
    s, a = _pairs(sim, obs)
    if s.size == 0:
        return (math.nan, math.nan, math.nan)
    mse = float(np.mean((s - a) ** 2))
    if mse == 0.0:
        return (math.nan, math.nan, math.nan)
    ms, ma = s.mean(), a.mean()
    ss, sa = s.std(), a.std()
    bias = (ms - ma) ** 2
    var = (ss - sa) ** 2
    # covariance term from its definition 2(1-r)S_s S_a = 2(S_s S_a - cov); exact when S = 0
    cov = 2.0 * (ss * sa - float(np.mean((s - ms) * (a - ma))))
    total = bias + var + cov  # equals mse up to rounding; normalise so the shares sum to 1 exactly
    if not (math.isfinite(total) and total > 0.0):
        # an error at the rounding level of the data (the three terms cancel to 0 or below): no decomposition
        return (math.nan, math.nan, math.nan)
    return (float(bias / total), float(var / total), float(max(cov, 0.0) / total))


@dataclass(frozen=True)
class FitStats:
    """Fit statistics of one simulated series against its observations.

    Attributes
    ----------
    n : int
        Number of (simulated, observed) pairs used.
    mape : float
        Mean absolute percentage error [%].
    rmse : float
        Root mean square error [units of the series].
    r2 : float
        Squared correlation between simulated and observed.
    mean_error : float
        :math:`\\bar s - \\bar a` [units of the series] (positive: the model is high).
    theil_u : float
        Theil's inequality coefficient in [0, 1].
    um, us, uc : float
        Theil's bias, variance and covariance shares of the MSE (sum 1).
    """

    n: int
    mape: float
    rmse: float
    r2: float
    mean_error: float
    theil_u: float
    um: float
    us: float
    uc: float

    def as_dict(self) -> dict:
        """Plain dict of the statistics."""
        return asdict(self)


def fit_statistics(sim, obs) -> FitStats:
    """All fit statistics of ``sim`` against ``obs`` (NaN pairs skipped).

    See the module documentation for the formulas.
    """
    s, a = _pairs(sim, obs)
    um, us, uc = theil_decomposition(s, a)
    with np.errstate(all="ignore"):
        me = float(s.mean() - a.mean()) if s.size else math.nan
    return FitStats(n=int(s.size), mape=mape(s, a), rmse=rmse(s, a), r2=r_squared(s, a),
                    mean_error=me, theil_u=theil_u(s, a), um=um, us=us, uc=uc)
