r"""Penalised (MAP-style) weighted least-squares calibration of free model parameters.

The objective is

.. math::

    \tfrac12 \sum_k \sum_{t \in T_k} \frac{w_k\, v_{kt}}{n_k}
        \left(\frac{s_{kt}(\theta) - a_{kt}}{a_{kt}}\right)^2
    \;+\; \tfrac12\, \lambda \sum_j \left(\frac{\theta_j - \theta^{0}_j}{\sigma_j}\right)^2

over targets ``k`` (series) with weight ``w_k``, ``n_k`` observed years
``T_k`` (missing years are simply absent), per-point weight ``v_kt`` (1, or
less for rows flagged weak) and simulated / observed values ``s``, ``a``.
Relative errors make series in different units comparable; dividing by
``n_k`` makes ``w_k`` the weight of the whole series, however many years it
has.

The second sum is the prior: one residual per estimated scalar,
:math:`\sqrt{\lambda}\,(\theta_j - \theta^0_j)/\sigma_j`, with
:math:`\theta^0_j` the prior value (the parameter file's ``value``) and
:math:`\sigma_j` the standard deviation of the declared prior distribution
(:func:`prior_sd`: ``sd`` of a normal; the distribution's own sd for uniform,
triangular and lognormal priors over their declared shape and range). This is
the negative log posterior of a Gaussian approximation to the prior when each
weighted data residual has variance :math:`\lambda`: ``lambda`` (``prior_weight``)
is the variance one assumes for a weighted relative residual (model error plus
measurement error). Parameters the data do not inform then stay at their prior
instead of drifting to a bound; ``prior_weight = 0`` gives plain weighted least
squares (with residuals ``1e-6 (x - x_prior)`` in normalised coordinates that only keep
flat directions well-posed: at most 5e-13 of cost).

It is minimised with :func:`scipy.optimize.least_squares` (trust-region
reflective, bounded by each free parameter's prior range) in normalised
coordinates :math:`x = (\theta - lo)/(hi - lo) \in [0, 1]`, starting from
the prior value. There is no randomness: the same inputs give the same
result. Jacobians are forward differences evaluated in **one** vectorised
simulation of ``p + 1`` ensemble members.

Identifiability diagnostics use the Jacobian :math:`J` of the *data* residuals at
the solution (in normalised coordinates, so a column norm is the first-order
change of the weighted relative residuals when the parameter crosses its whole
prior range):

- *flat*: :math:`\lVert J_{\cdot j}\rVert <` ``flat_tol`` (default 1e-3: crossing the whole
  range moves the fit by less than 0.1 %), the data do not inform the parameter;
- *at bound*: the estimate is within ``bound_tol`` (share of the range) of a bound;
- *correlated*: :math:`|r_{ij}| >` ``corr_tol`` (default 0.9) in the correlation matrix
  of :math:`(J^T J)^{+}`, the data pin down a combination, not each parameter;
- *rests on the prior*: the approximate posterior sd is more than ``prior_tol``
  (default 0.9) of the prior sd, the data narrow the prior by less than 10 %.

Approximate posterior standard deviations (Laplace / Gauss-Newton) are the
square roots of the diagonal of :math:`\lambda\,(J^T J + \lambda D^2)^{-1}` in
normalised coordinates, :math:`D = \mathrm{diag}((hi - lo)/\sigma)`, times
``hi - lo``: a parameter the data do not inform keeps its prior sd. With
``prior_weight = 0`` they fall back to Gauss-Newton standard errors
:math:`\sqrt{s^2 [(J^TJ)^{+}]_{jj}}\,(hi-lo)` with :math:`s^2 = 2\,\mathrm{cost}/(m - p)`
(NaN when ``m <= p``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..engine import Model, SimSettings, simulate
from ..validation.stats import FitStats, fit_statistics
from .targets import DEFAULT_PRIOR_WEIGHT, ObservedSeries

__all__ = ["DEFAULT_PRIOR_WEIGHT", "CalibrationError", "CalibrationOptions", "CalibrationResult", "FreeParameter",
           "Identifiability", "calibrate", "free_parameters", "prior_sd", "simulated_values"]

# DEFAULT_PRIOR_WEIGHT (lambda, defined in .targets): the assumed variance of one weighted relative
# data residual, about (0.03)^2; see calibration/targets.toml and docs/validation.md for the reasoning.


class CalibrationError(RuntimeError):
    """Calibration cannot run (no free parameters, no data in the window, unknown variable, ...)."""


@dataclass(frozen=True)
class FreeParameter:
    """One estimated scalar: a scalar parameter or one element of an arrayed one.

    Attributes
    ----------
    name : str
        Parameter (model constant) name.
    index : int or None
        Element index for arrayed parameters (flat C-order cell index for
        parameters over several dimensions).
    label : str
        ``name``, ``name[element]`` or ``name[e1,e2]``.
    prior, lo, hi : float
        Prior value and range (bounds of the estimate).
    unit : str
    prior_sd : float
        Standard deviation of the declared prior distribution (:func:`prior_sd`);
        NaN means "uniform over the range", ``(hi - lo) / sqrt(12)``.
    distribution : str
        The declared prior distribution (for reports).
    """

    name: str
    index: int | None
    label: str
    prior: float
    lo: float
    hi: float
    unit: str = "1"
    prior_sd: float = math.nan
    distribution: str = "uniform"

    @property
    def sd(self) -> float:
        """The prior standard deviation (uniform over the range when not given)."""
        return self.prior_sd if math.isfinite(self.prior_sd) and self.prior_sd > 0 else (self.hi - self.lo) / math.sqrt(12)


def prior_sd(distribution: str, lo: float, hi: float, *, mode: float | None = None, sd: float | None = None,
             median: float | None = None, sigma: float | None = None) -> float:
    r"""Standard deviation of a declared prior distribution.

    - ``normal``: its ``sd``;
    - ``uniform`` (and ``fixed``, should one be marked free): :math:`(hi - lo)/\sqrt{12}`;
    - ``triangular`` on ``[lo, hi]`` with ``mode`` ``c``:
      :math:`\sqrt{(lo^2 + hi^2 + c^2 - lo\,hi - lo\,c - hi\,c)/18}`;
    - ``lognormal`` (``median`` m, ``sigma`` s): :math:`m\,e^{s^2/2}\sqrt{e^{s^2} - 1}`.

    The range is not used to truncate normal and lognormal priors (it bounds the
    estimate instead).
    """
    if distribution == "normal" and sd is not None:
        return float(sd)
    if distribution == "triangular" and mode is not None:
        a, b, c = float(lo), float(hi), float(mode)
        return math.sqrt(max(a * a + b * b + c * c - a * b - a * c - b * c, 0.0) / 18.0)
    if distribution == "lognormal" and median is not None and sigma is not None:
        s2 = float(sigma) ** 2
        return float(median) * math.exp(s2 / 2) * math.sqrt(math.expm1(s2))
    return (float(hi) - float(lo)) / math.sqrt(12.0)


def free_parameters(parameters, *, elements: Mapping[str, Sequence[str]] | None = None) -> list[FreeParameter]:
    """Expand parameters (``Parameter`` objects with ``value``, ``range``, ``unit``, ``dims``) into estimated scalars.

    Parameters
    ----------
    parameters : iterable of Parameter
        Typically ``ParameterSet.free()``.
    elements : mapping, optional
        Element names per dimension, for labels (``name[element]``).

    Element ``i`` of an arrayed parameter gets element ``i``'s range and prior shape
    (a per-element ``mode``/``sd``/``median``/``sigma`` list; a single number applies
    to every element), so its :func:`prior_sd` is that element's. A parameter over
    several dimensions gives one estimated scalar per cell (flat C order), except the
    cells a sparse table does not list (fixed at its ``default``).

    Raises
    ------
    CalibrationError
        A parameter whose range is empty (lo == hi) cannot be estimated.
    """
    from ..ensemble.sampling import cell_names, sampled_cells

    out = []
    for p in parameters:
        full = np.asarray(p.value, dtype=float)
        v = np.atleast_1d(full).reshape(-1)
        lo, hi = (np.atleast_1d(np.asarray(b, dtype=float)).reshape(-1) for b in p.bounds())
        dims = tuple(getattr(p, "dims", ()) or ())
        els = tuple(cell_names(p, elements, v.size)) if dims else ()
        given = sampled_cells(p, v.size) if dims else np.ones(1, dtype=bool)
        dist = str(getattr(p, "distribution", "uniform") or "uniform")
        shape = {}
        for k in ("mode", "sd", "median", "sigma"):
            val = getattr(p, k, None)
            if val is not None:
                shape[k] = np.broadcast_to(np.asarray(val, dtype=float), full.shape).reshape(-1)
        for i in range(v.size):
            if not given[i]:
                continue
            label = p.name if not dims else f"{p.name}[{els[i] if i < len(els) else i}]"
            if not hi[i] > lo[i]:
                raise CalibrationError(f"free parameter {label}: empty range [{lo[i]}, {hi[i]}]")
            sd = prior_sd(dist, float(lo[i]), float(hi[i]), **{k: float(a[i]) for k, a in shape.items()})
            out.append(FreeParameter(p.name, i if dims else None, label, float(v[i]), float(lo[i]), float(hi[i]),
                                     getattr(p, "unit", "1"), sd, dist))
    return out


def simulated_values(results, obs: ObservedSeries) -> np.ndarray:
    """Model values matching ``obs``: shape ``(n_runs, n_years)``, NaN for years not simulated.

    The target's variables are summed; for arrayed variables the listed
    ``elements`` (all if none are listed) are summed, and the sum is multiplied
    by the ``times`` variable if one is given. Year ``y`` is read at saved time
    ``t = y``.
    """
    spec = obs.spec
    total = None
    for var in spec.variable:
        a = np.asarray(results[var], dtype=float)
        if a.ndim > 3:  # several dimensions: one column per cell, elements are cell labels "e1,e2"
            a = a.reshape(a.shape[0], a.shape[1], -1)
        if a.ndim == 3:
            names = list(results.elements(var))
            if spec.elements:
                missing = [e for e in spec.elements if e not in names]
                if missing:
                    raise CalibrationError(f"target {spec.name}: {var} has no element(s) {', '.join(missing)}")
                a = a[:, :, [names.index(e) for e in spec.elements]]
            a = a.sum(axis=2)
        total = a if total is None else total + a
    if spec.times:
        total = total * np.asarray(results[spec.times], dtype=float)
    times = np.asarray(results.times, dtype=float)
    out = np.full((total.shape[0], obs.years.size), np.nan)
    for j, y in enumerate(obs.years):
        idx = np.flatnonzero(np.isclose(times, y))
        if idx.size:
            out[:, j] = total[:, idx[0]]
    return out


@dataclass(frozen=True)
class CalibrationOptions:
    """Optimiser and diagnostics settings.

    Attributes
    ----------
    fd_step : float
        Forward-difference step in normalised coordinates (share of the range).
    max_nfev : int
        Maximum number of optimiser iterations (function evaluations).
    ftol, xtol, gtol : float
        Tolerances of :func:`scipy.optimize.least_squares`.
    flat_tol : float
        Jacobian column norm below which a parameter is reported flat.
    corr_tol : float
        Absolute correlation above which a pair is reported.
    bound_tol : float
        Distance to a bound (share of the range) reported as "at bound".
    prior_tol : float
        Posterior sd / prior sd above which a parameter is reported as resting on its prior.
    penalty : float
        Residual used where the simulation is not finite.
    prior_weight : float
        ``lambda``: one prior residual ``sqrt(lambda) (theta - theta_prior) / sigma_prior``
        per estimated scalar is appended to the data residuals (module documentation).
        ``lambda`` is the assumed variance of one weighted relative data residual;
        0 switches the prior off (plain weighted least squares).
    """

    fd_step: float = 1e-6
    max_nfev: int = 200
    ftol: float = 1e-8
    xtol: float = 1e-8
    gtol: float = 1e-8
    flat_tol: float = 1e-3
    corr_tol: float = 0.9
    bound_tol: float = 1e-3
    prior_tol: float = 0.9
    penalty: float = 1e3
    prior_weight: float = DEFAULT_PRIOR_WEIGHT


@dataclass(frozen=True)
class Identifiability:
    """What the data can and cannot pin down.

    Attributes
    ----------
    column_norms : dict of str to float
        Jacobian column norm per estimated scalar (normalised coordinates).
    flat : list of str
        Estimated scalars the objective barely depends on.
    at_bounds : list of tuple(str, str)
        ``(label, "lower"|"upper")`` for estimates on a bound of the prior range.
    correlated : list of tuple(str, str, float)
        Pairs with ``|r| > corr_tol``.
    correlation : ndarray
        Correlation matrix of the estimates (NaN where undefined).
    std_errors : dict of str to float
        Approximate posterior standard deviations in parameter units (Gauss-Newton
        standard errors when the prior is off).
    condition_number : float
        Of :math:`J^T J` (inf when singular).
    prior_sd : dict of str to float
        Prior standard deviation per estimated scalar.
    shift : dict of str to float
        (estimate - prior value) / prior sd.
    sd_ratio : dict of str to float
        Posterior sd / prior sd (1: the data add nothing; small: the data pin it down).
    prior_dominated : list of str
        Estimated scalars whose posterior sd is more than ``prior_tol`` of the prior sd.
    prior_tol : float
        The threshold used for ``prior_dominated``.
    """

    column_norms: dict
    flat: list
    at_bounds: list
    correlated: list
    correlation: np.ndarray
    std_errors: dict
    condition_number: float
    prior_sd: dict = field(default_factory=dict)
    shift: dict = field(default_factory=dict)
    sd_ratio: dict = field(default_factory=dict)
    prior_dominated: list = field(default_factory=list)
    prior_tol: float = 0.9

    def flags(self, label: str, *, verbose: bool = False) -> list[str]:
        """Why ``label`` may not be pinned down by the data (short words, or sentences if ``verbose``)."""
        out = []
        bounds = dict(self.at_bounds)
        partners = [(b if a == label else a, r) for a, b, r in self.correlated if label in (a, b)]
        if label in self.flat:
            out.append("flat objective: the data do not inform it" if verbose else "flat")
        if label in bounds:
            out.append(f"at the {bounds[label]} bound of the prior range" if verbose else f"at {bounds[label]} bound")
        if partners:
            fmt = "{} (r={:+.2f})" if verbose else "{} ({:+.2f})"
            out.append(("strongly correlated with " if verbose else "correlated with ")
                       + ", ".join(fmt.format(o, r) for o, r in partners))
        if label in self.prior_dominated and label not in self.flat:
            out.append(f"rests on its prior: the data narrow it by less than {100 * (1 - self.prior_tol):.0f}%"
                       if verbose else "rests on prior")
        return out

    @property
    def unidentified(self) -> list[str]:
        """Labels the data do not pin down: flat, at a bound, strongly correlated, or resting on the prior."""
        out = list(self.flat) + [b[0] for b in self.at_bounds] + list(self.prior_dominated)
        for a, b, _ in self.correlated:
            out += [a, b]
        return sorted(set(out))


@dataclass(frozen=True)
class CalibrationResult:
    """Outcome of :func:`calibrate`.

    Attributes
    ----------
    parameters : list of FreeParameter
        What was estimated (with priors and bounds).
    estimates : ndarray
        Estimated values, in the order of ``parameters`` [parameter units].
    values : dict
        ``{name: float or ndarray}`` ready for ``simulate(params=...)`` (arrayed
        parameters carry every element, estimated or not).
    cost, initial_cost : float
        Data part of the objective (weighted relative SSE / 2) at the solution and at the prior.
    prior_cost : float
        Prior part of the objective at the solution, ``lambda/2 * sum(shift^2)``.
    prior_weight : float
        ``lambda`` used.
    success : bool
    message : str
    nfev : int
        Objective evaluations (each a single simulation; each Jacobian is one more, vectorised).
    fit : dict of str to FitStats
        Per target, over the years used in the fit.
    backtest : dict of str to FitStats
        Per target, over observed years after ``until`` (empty without ``until``).
    series : dict of str to dict
        Per target: ``years``, ``observed``, ``simulated``, ``prior`` (prior run) and
        ``in_fit`` (bool mask) arrays, for tables and figures.
    identifiability : Identifiability
    settings : SimSettings
    until : int or None
    observations : list of ObservedSeries
    metadata : dict
    """

    parameters: list
    estimates: np.ndarray
    values: dict
    cost: float
    initial_cost: float
    prior_cost: float
    prior_weight: float
    success: bool
    message: str
    nfev: int
    fit: dict
    backtest: dict
    series: dict
    identifiability: Identifiability
    settings: SimSettings
    until: int | None
    observations: list
    metadata: dict = field(default_factory=dict)

    def table(self):
        """Estimates as a DataFrame: label, prior, prior_sd, estimate, lo, hi, std_error (posterior sd), shift, ..."""
        import pandas as pd

        idf = self.identifiability
        rows = []
        for fp, est in zip(self.parameters, self.estimates):
            flags = idf.flags(fp.label)
            rows.append({"parameter": fp.label, "prior": fp.prior, "prior_sd": fp.sd, "distribution": fp.distribution,
                         "estimate": float(est), "lo": fp.lo, "hi": fp.hi,
                         "std_error": idf.std_errors.get(fp.label, math.nan),
                         "shift": idf.shift.get(fp.label, math.nan), "sd_ratio": idf.sd_ratio.get(fp.label, math.nan),
                         "unit": fp.unit, "jac_norm": idf.column_norms.get(fp.label, math.nan), "flags": "; ".join(flags)})
        return pd.DataFrame(rows)

    def fit_table(self, which: str = "fit"):
        """Fit statistics per target as a DataFrame (``which`` = ``"fit"`` or ``"backtest"``)."""
        import pandas as pd

        stats = self.fit if which == "fit" else self.backtest
        rows = []
        for name, st in stats.items():
            rows.append({"target": name, **st.as_dict()})
        return pd.DataFrame(rows)


class _Problem:
    """Residuals of a batch of normalised parameter vectors, from one vectorised simulation."""

    def __init__(self, model, base, free, observations, settings, fit_masks, options, progress):
        self.model, self.free, self.obs = model, free, observations
        self.settings = replace(settings, on_nonfinite="ignore")
        self.masks = fit_masks
        self.opt, self.progress = options, progress
        self.lo = np.array([f.lo for f in free])
        self.span = np.array([f.hi - f.lo for f in free])
        self.x0 = np.clip((np.array([f.prior for f in free]) - self.lo) / self.span, 0.0, 1.0)
        # prior residual sqrt(lambda) (theta - theta0) / sd = sqrt(lambda) * D * (x - x0), D = span / sd
        self.sd = np.array([f.sd for f in free])
        self.D = self.span / self.sd
        self.xp = (np.array([f.prior for f in free]) - self.lo) / self.span  # unclipped prior centre
        self.base = dict(base)
        self.save = sorted({v for o in observations for v in (*o.spec.variable, o.spec.times) if v})
        # per-point residual scale sqrt(w_k v_kt / n_k) / a_kt on fitted points
        self.scales = []
        for o, m in zip(observations, fit_masks):
            n = max(int(m.sum()), 1)
            self.scales.append(np.sqrt(o.spec.weight * o.weights[m] / n) / np.abs(o.values[m]))
        self.m = int(sum(int(m.sum()) for m in fit_masks))
        self.nfev = 0
        self._cache: tuple[bytes, np.ndarray] | None = None
        # base values of arrayed free parameters
        self.arrays = {}
        for f in free:
            if f.index is not None and f.name not in self.arrays:
                self.arrays[f.name] = np.asarray(self._base_value(f.name), dtype=float)

    def _base_value(self, name):
        if name in self.base:
            return self.base[name]
        c = self.model[name]
        if len(c.dims) > 1:
            return np.asarray(c.value, dtype=float)
        return c.array(self.model.size(name))

    def theta(self, x):
        return self.lo + np.asarray(x) * self.span

    def param_dict(self, X: np.ndarray) -> dict:
        X = np.atleast_2d(X)
        T = self.theta(X)
        M = X.shape[0]
        params = dict(self.base)
        arrays = {n: np.tile(a.reshape(1, -1), (M, 1)) for n, a in self.arrays.items()}  # (M, cells), C order
        for j, f in enumerate(self.free):
            if f.index is None:
                params[f.name] = T[:, j]
            else:
                arrays[f.name][:, f.index] = T[:, j]
        arrays = {n: a.reshape((M,) + self.arrays[n].shape) for n, a in arrays.items()}
        params.update(arrays)
        return params

    def run(self, X: np.ndarray, settings: SimSettings | None = None):
        return simulate(self.model, self.param_dict(X), settings or self.settings, save=self.save)

    def residuals_batch(self, X: np.ndarray) -> np.ndarray:
        res = self.run(X)
        out = []
        for o, m, sc in zip(self.obs, self.masks, self.scales):
            sim = simulated_values(res, o)[:, m]
            out.append((sim - o.values[m]) * sc)
        R = np.concatenate(out, axis=1) if out else np.zeros((X.shape[0], 0))
        R = np.where(np.isfinite(R), R, self.opt.penalty)
        if self.opt.prior_weight > 0:
            R = np.concatenate([R, math.sqrt(self.opt.prior_weight) * self.D * (np.atleast_2d(X) - self.xp)], axis=1)
        else:  # numerical conditioning only (flat directions): adds at most 5e-13 to the cost
            R = np.concatenate([R, 1e-6 * (np.atleast_2d(X) - self.x0)], axis=1)
        return R

    def fun(self, x):
        key = np.asarray(x, dtype=float).tobytes()
        if self._cache is not None and self._cache[0] == key:
            r = self._cache[1]
        else:
            r = self.residuals_batch(np.asarray(x)[None, :])[0]
            self._cache = (key, r)
        self.nfev += 1
        if self.progress is not None:
            self.progress(self.nfev, 0.5 * float(r @ r))
        return r

    def jac(self, x):
        x = np.asarray(x, dtype=float)
        p = x.size
        h = np.full(p, self.opt.fd_step)
        h = np.where(x + h > 1.0, -h, h)  # step inwards at the upper bound
        X = np.tile(x, (p + 1, 1))
        X[1:][np.arange(p), np.arange(p)] += h
        R = self.residuals_batch(X)
        self._cache = (x.tobytes(), R[0])
        return ((R[1:] - R[0]) / h[:, None]).T


def _identifiability(J, x, cost, free, opt: CalibrationOptions, D=None, xp=None) -> Identifiability:
    labels = [f.label for f in free]
    m, p = J.shape
    norms = np.sqrt((J * J).sum(axis=0))
    JTJ = J.T @ J
    try:
        sv = np.linalg.svd(JTJ, compute_uv=False)
        cond = float(sv[0] / sv[-1]) if sv[-1] > 0 else math.inf
    except np.linalg.LinAlgError:
        cond = math.inf
    C = np.linalg.pinv(JTJ, rcond=1e-12, hermitian=True)
    d = np.sqrt(np.clip(np.diag(C), 0, None))
    with np.errstate(all="ignore"):
        corr = C / np.outer(d, d)
    corr[~np.isfinite(corr)] = np.nan
    flat = [labels[j] for j in range(p) if norms[j] < opt.flat_tol]
    for j in range(p):
        if labels[j] in flat:
            corr[j, :] = np.nan
            corr[:, j] = np.nan
    np.fill_diagonal(corr, 1.0)
    span = np.array([f.hi - f.lo for f in free])
    sds = np.array([f.sd for f in free])
    lam = opt.prior_weight
    if lam > 0:
        # Laplace approximation: posterior covariance lambda (J'J + lambda D^2)^-1 in normalised coordinates
        D = span / sds if D is None else D
        P = np.linalg.pinv(JTJ + lam * np.diag(D * D), rcond=1e-14, hermitian=True)
        post = np.sqrt(np.clip(lam * np.diag(P), 0, None)) * span
        se = {labels[j]: float(post[j]) for j in range(p)}
    else:
        s2 = 2.0 * cost / (m - p) if m > p else math.nan
        se = {labels[j]: (float(math.sqrt(s2 * C[j, j]) * span[j])
                          if math.isfinite(s2) and labels[j] not in flat else math.nan) for j in range(p)}
    theta = np.array([f.lo for f in free]) + np.asarray(x) * span
    shift = {labels[j]: float((theta[j] - free[j].prior) / sds[j]) for j in range(p)}
    ratio = {labels[j]: float(se[labels[j]] / sds[j]) if math.isfinite(se[labels[j]]) else math.nan for j in range(p)}
    dominated = [labels[j] for j in range(p) if math.isfinite(ratio[labels[j]]) and ratio[labels[j]] > opt.prior_tol]
    at = []
    for j in range(p):
        if x[j] <= opt.bound_tol:
            at.append((labels[j], "lower"))
        elif x[j] >= 1 - opt.bound_tol:
            at.append((labels[j], "upper"))
    pairs = [(labels[i], labels[j], float(corr[i, j])) for i in range(p) for j in range(i + 1, p)
             if np.isfinite(corr[i, j]) and abs(corr[i, j]) > opt.corr_tol]
    return Identifiability({labels[j]: float(norms[j]) for j in range(p)}, flat, at, pairs, corr, se, cond,
                           {labels[j]: float(sds[j]) for j in range(p)}, shift, ratio, dominated, opt.prior_tol)


def calibrate(
    model: Model,
    observations: Sequence[ObservedSeries],
    free: Sequence[FreeParameter],
    *,
    settings: SimSettings,
    base_params: Mapping[str, object] | None = None,
    until: int | None = None,
    options: CalibrationOptions | None = None,
    progress: Callable[[int, float], None] | None = None,
    metadata: Mapping[str, object] | None = None,
) -> CalibrationResult:
    """Estimate ``free`` parameters of ``model`` by penalised weighted least squares against ``observations``.

    Parameters
    ----------
    model : Model
        The model (never modified).
    observations : sequence of ObservedSeries
        Targets with their data (from :func:`simulator.calibration.targets.observe`).
    free : sequence of FreeParameter
        What to estimate (from :func:`free_parameters`); starting point = prior value.
    settings : SimSettings
        Time settings of the historical run; must save yearly and cover the data years.
    base_params : mapping, optional
        Other constant overrides applied to every run (e.g. the conditions of the
        pandemic-replay scenario). They must not set a free parameter.
    until : int, optional
        Fit only on years ``<= until``; later observed years form the back-test.
    options : CalibrationOptions, optional
    progress : callable, optional
        ``progress(n_evaluations, cost)`` after every objective evaluation.
    metadata : mapping, optional
        Copied into the result.

    Returns
    -------
    CalibrationResult

    Raises
    ------
    CalibrationError
        No free parameters, no observation in the fit window, a free parameter
        overridden by ``base_params``.
    """
    from scipy.optimize import least_squares  # lazy: `import simulator` stays light

    opt = options or CalibrationOptions()
    free = list(free)
    base = dict(base_params or {})
    if not free:
        raise CalibrationError("no free parameters to estimate (mark some `free = true` in the parameter files)")
    clash = sorted({f.name for f in free} & set(base))
    if clash:
        raise CalibrationError(f"the scenario sets free parameter(s) {', '.join(clash)}: calibration must not override them")
    obs = [o for o in observations if o.years.size]
    masks = [(o.years <= until) if until is not None else np.ones(o.years.size, bool) for o in obs]
    masks = [m & (o.years >= settings.start) & (o.years <= settings.stop) for o, m in zip(obs, masks)]
    if not any(m.any() for m in masks):
        raise CalibrationError("no observations inside the fit window"
                               + (f" (years <= {until})" if until is not None else ""))
    for o in obs:
        for v in (*o.spec.variable, *([o.spec.times] if o.spec.times else [])):
            if v not in model:
                raise CalibrationError(f"target {o.name}: the model has no variable {v!r}")
    prob = _Problem(model, base, free, obs, settings, masks, opt, progress)
    if prob.m == 0:
        raise CalibrationError("no residuals to fit")
    x0 = prob.x0
    r0 = prob.fun(x0)[:prob.m]
    initial_cost = 0.5 * float(r0 @ r0)
    sol = least_squares(prob.fun, x0, jac=prob.jac, bounds=(0.0, 1.0), method="trf", x_scale=1.0,
                        ftol=opt.ftol, xtol=opt.xtol, gtol=opt.gtol, max_nfev=opt.max_nfev)
    x = np.clip(sol.x, 0.0, 1.0)
    x = np.where(x < 1e-9, 0.0, np.where(x > 1.0 - 1e-9, 1.0, x))  # snap round-off at the bounds
    J = prob.jac(x)[:prob.m]  # data rows only (not the prior rows)
    r_all = prob.fun(x)
    r = r_all[:prob.m]
    cost = 0.5 * float(r @ r)
    prior_cost = 0.5 * float(r_all[prob.m:] @ r_all[prob.m:]) if opt.prior_weight > 0 else 0.0
    ident = _identifiability(J, x, cost, free, opt, prob.D)
    est = np.clip(prob.theta(x), prob.lo, prob.lo + prob.span)
    est = np.minimum(est, [f.hi for f in free])

    # values ready for simulate(): arrays carry all elements
    values: dict = {}
    for n, a in prob.arrays.items():
        values[n] = np.array(a, dtype=float)
    for f, v in zip(free, est):
        if f.index is None:
            values[f.name] = float(v)
        else:
            np.put(values[f.name], f.index, float(v))  # flat C-order index (several dimensions too)

    # final and prior trajectories (2 members, one call) over the whole window
    res = prob.run(np.vstack([x, x0]))
    fit, back, series = {}, {}, {}
    for o, m in zip(obs, masks):
        sim = simulated_values(res, o)
        in_window = (o.years >= settings.start) & (o.years <= settings.stop)
        fit[o.name] = fit_statistics(np.where(m, sim[0], np.nan), np.where(m, o.values, np.nan))
        if until is not None:
            after = in_window & (o.years > until)
            if after.any():
                back[o.name] = fit_statistics(np.where(after, sim[0], np.nan), np.where(after, o.values, np.nan))
        series[o.name] = {"years": o.years, "observed": o.values, "simulated": sim[0], "prior": sim[1], "in_fit": m}
    return CalibrationResult(
        parameters=free, estimates=est, values=values, cost=cost, initial_cost=initial_cost, prior_cost=prior_cost,
        prior_weight=float(opt.prior_weight),
        success=bool(sol.success), message=str(sol.message), nfev=prob.nfev, fit=fit, backtest=back,
        series=series, identifiability=ident, settings=settings, until=until, observations=obs,
        metadata=dict(metadata or {}),
    )


def fit_stats_of(series: Mapping[str, dict]) -> dict[str, FitStats]:
    """Fit statistics over all observed years of ``CalibrationResult.series``-like data."""
    return {k: fit_statistics(v["simulated"], v["observed"]) for k, v in series.items()}
