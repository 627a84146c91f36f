"""Appraisal metrics of a policy scenario against a base, per ensemble member (numpy; no plotting).

What an appraisal office asks of a public programme, computed from two
:class:`~simulator.engine.Results` (or :class:`~simulator.ensemble.EnsembleResult`):
the scenario ``alt`` and the comparison ``base``. Every metric is a difference
``alt - base`` and is computed for every ensemble member at once (arrays
``(N, years)``), so ensemble bands (median, 90% band) come from the same code
as the single-run numbers.

Time conventions
----------------
- Appraisal years are whole calendar years ``y`` (the saved times must include
  every whole year of the horizon). The bin of year ``y`` is ``[y, y + 1]``.
- **Spending** of year ``y`` is ``C(y + 1) - C(y)`` with ``C`` the model's
  integrating stock ``lever_spending_cumulative`` [100m yuan (2018 prices)]
  (or the sum of ``cumulative_spending_<lever>``): the exact integral of the
  spending flow, not the flow sampled at whole years.
- **Other flows** (GDP, employment, revenue, financing) have no integrating
  stock: their amount in year ``y`` is the trapezoidal integral of the saved
  values over ``[y, y + 1]`` (all saved points inside the year are used; exact
  for paths that are linear between saved points).
- **Year 1** is the first year with extra spending (``y0``); year ``k`` is
  discounted by ``(1 + r)^-(k - 1)`` (discounting from the first spending year).
  Amounts before ``y0`` are not counted.
- **Window**: the spending years (``y0`` to the last year with extra spending,
  ``n_s`` years) plus :attr:`AppraisalSettings.years_after_spending` years, cut
  at the end of the horizon (flagged ``window_truncated``; a terminal tail then
  starts after the last year inside the horizon).
- **Terminal treatment** (:attr:`AppraisalSettings.terminal`): ``"none"``
  (default) truncates at the window's end; ``"decay"`` lets the gain of the
  window's last year ``g_W`` go on, falling by ``terminal_decay`` a year, which
  adds ``g_W (1 + r)^-(W - 1) (1 - d) / (r + d)`` to the PV of GDP gained (and of
  job-years). Costs are counted inside the window only.
- **Real values** (2018 prices): ``gdp_real`` and the spending stock are real;
  fiscal flows (current prices) are divided by ``gdp_deflator`` of their own run
  before differencing.

Metrics (``r`` = each discount rate, label ``8pct`` for 8%)
-----------------------------------------------------------
- ``spending_pv_<r>``, ``gdp_pv_gain_<r>`` = ``sum_k (1 + r)^-(k-1) x_k`` over
  the window [100m yuan (2018 prices)]; ``gdp_pv_ratio_<r>`` = PV of GDP gained /
  PV of spending [yuan per yuan]; ``gdp_ratio_undiscounted`` (r = 0).
- ``impact_multiplier_y<j>`` = GDP gained in year ``j`` of spending / spending
  of that year [yuan per yuan] (undefined after the last spending year);
  ``cumulative_multiplier`` = GDP gained over the spending years / spending.
- ``gdp_payback_year``: first year from which the cumulative discounted (headline
  rate) GDP gain covers the cumulative discounted spending and stays covered
  to the end of the horizon (what the old ``payback_year`` measured, with exact
  spending and discounting).
- ``fiscal_payback_year``: the same for extra own revenue (``fiscal_revenue``,
  deflated) against the province's own cost (``lever_debt_service +
  lever_reallocation``, deflated). Debt not repaid by the end of the horizon is
  not counted (a repayment after the horizon flatters the payback).
- National view: ``national_gdp_pv_gain_<r>`` = PV of GDP gained - PV of value added
  displaced from other provinces (``displaced_value_added``: capacity a lever relocates
  into HLJ from elsewhere in China; zero when the results do not have it) - ``m`` x PV of
  the additional central transfer (``lever_central_funding``, deflated), with
  ``m`` = :attr:`AppraisalSettings.national_multiplier` (the GDP the same
  central money would have produced elsewhere); ``national_pv_ratio_<r>`` divides
  it by the PV of spending.
- ``job_years_pv_per_100m``: PV (headline rate) of extra employment
  [person-years, ``employment_total`` x 10^4] per 100m yuan of PV spending.
- Whole-horizon totals (no discounting, need no appraisal year): ``spending_total``
  (exact, from the stock), ``gdp_gain_total``, ``job_years_total``.
- At key years: ``gdp_added_<y>`` [100m yuan/yr (2018 prices)], ``jobs_added_<y>``
  [persons], ``trade_added_<y>`` [unit of ``trade_total``].

A metric whose inputs are not in the results is NaN (status ``"unavailable"``)
and the reason, naming the missing variables, is in ``frame.attrs["unavailable"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

# -- variable names the metrics read (docs: /work/coord/model-v2-design.md, "Interfaces for issue 15") ----------
GDP_REAL = "gdp_real"                      #: real GDP [100m yuan/yr (2018 prices)]
SPENDING_STOCK = "lever_spending_cumulative"  #: integral of lever_spending [100m yuan (2018 prices)]
SPENDING_STOCK_PREFIX = "cumulative_spending_"  #: per-lever integrals, summed if the total is absent
EMPLOYMENT = "employment_total"            #: [10k persons]
TRADE = "trade_total"
DEFLATOR = "gdp_deflator"                  #: [1, 2018 = 1]
FISCAL_REVENUE = "fiscal_revenue"          #: own revenue [100m yuan/yr, current prices]
DEBT_SERVICE = "lever_debt_service"        #: interest + principal on lever bonds [100m yuan/yr, current prices]
REALLOCATION = "lever_reallocation"        #: lever money cut from other local spending [100m yuan/yr, current]
CENTRAL_FUNDING = "lever_central_funding"  #: additional central transfer [100m yuan/yr, current prices]
DISPLACED = "displaced_value_added"        #: value added relocated from other provinces [100m yuan/yr (2018 prices)]

#: every variable the metrics can use (keep these when saving a subset of an ensemble)
REQUIRED_VARIABLES = (GDP_REAL, SPENDING_STOCK, EMPLOYMENT, TRADE, DEFLATOR, FISCAL_REVENUE, DEBT_SERVICE,
                      REALLOCATION, CENTRAL_FUNDING, DISPLACED)

#: local fiscal multipliers estimated for China (evidence-effect-sizes.md, D1-D3), beside the impact multipliers
MULTIPLIER_EVIDENCE = (
    ("Guo, Liu & Ma (2016), J. Comparative Economics 44(2): 343-352, ~1,800 counties", "about 0.6"),
    ("Li & Li (2021), Management World 2021(1): 49-58, same identification", "at the low end of existing estimates"),
    ("Huang, Li & Ye (2018 WP), The Earmarked Transfers Multiplier", "about 1"),
)
#: range of the local fiscal multipliers above [yuan of GDP per yuan spent]
MULTIPLIER_EVIDENCE_RANGE = (0.6, 1.0)
#: short text shown beside the multipliers in tables
MULTIPLIER_EVIDENCE_SHORT = "0.6-1.0 (local fiscal multipliers in China: Guo, Liu & Ma 2016; Li & Li 2021; Huang, Li & Ye 2018)"

#: source of the default national multiplier (the opportunity cost of central money)
NATIONAL_MULTIPLIER_SOURCE = (
    "1.0: on-budget fiscal multiplier of Chinese provinces 2000-2019, Chen, Ratnovski & Tsai (2021), "
    "J. International Money and Finance 111: 102481 (0.8 for 2001-2015 in IMF WP/17/273; range 0.6, "
    "Guo, Liu & Ma 2016, to 1.4, IMF WP/17/273 for 2010-2015)")

#: source of the default discount rate
DISCOUNT_RATE_SOURCE = ("8%: social discount rate, NDRC & MOHURD, Methods and Parameters of Economic Evaluation "
                        "of Construction Projects, 3rd ed. (2006); 6% allowed there for long-lived public-benefit "
                        "projects; 3% shown as a low rate")

#: payback statuses
PAID, NOT_PAID, NO_SPENDING, NO_OWN_COST, UNAVAILABLE = (
    "paid back", "not within the horizon", "no extra spending", "no own cost", "unavailable")

#: what a missing variable is needed for (in the reasons of unavailable metrics)
_WHY = {SPENDING_STOCK: "the exact integral of lever spending; spending sampled at whole years is not used",
        FISCAL_REVENUE: "own revenue, current prices", DEBT_SERVICE: "interest and principal on lever bonds",
        REALLOCATION: "lever money taken from other local spending", CENTRAL_FUNDING: "additional central transfer",
        DEFLATOR: "to deflate the fiscal flows"}

_MONEY = "100m yuan (2018 prices)"
_RATIO = "yuan per yuan (2018 prices)"


@dataclass(frozen=True, kw_only=True)
class AppraisalSettings:
    """Options of the appraisal (all keyword-only; defaults as documented).

    Parameters
    ----------
    discount_rates : tuple of float
        Real discount rates [1/yr]; the first is the headline rate (payback,
        job-years). Default ``(0.08, 0.06, 0.03)``: see :data:`DISCOUNT_RATE_SOURCE`.
    years_after_spending : int
        Years of the window after the last spending year [yr] (default 15).
    terminal : {"none", "decay"}
        Treatment after the window: truncation (default) or the last year's gain
        decaying geometrically at ``terminal_decay``.
    terminal_decay : float
        Yearly decay of the gain after the window [1/yr], in (0, 1] (default 0.08,
        about the depreciation of the model's capital, ``depreciation_rate`` in
        ``params/production.toml``: 0.05-0.12 by sector). Used with ``terminal="decay"``.
    national_multiplier : float
        GDP the additional central transfer would have produced elsewhere in China
        [yuan per yuan] (default 1.0: see :data:`NATIONAL_MULTIPLIER_SOURCE`).
    impact_years : tuple of int
        Years of spending (1 = first) of the impact multipliers (default 1, 2, 5).
    key_years : tuple of int
        Calendar years of the ``*_added_<y>`` columns (those inside the horizon).
    """

    discount_rates: tuple[float, ...] = (0.08, 0.06, 0.03)
    years_after_spending: int = 15
    terminal: str = "none"
    terminal_decay: float = 0.08
    national_multiplier: float = 1.0
    impact_years: tuple[int, ...] = (1, 2, 5)
    key_years: tuple[int, ...] = (2035, 2050)

    def __post_init__(self):
        rates = tuple(float(r) for r in self.discount_rates)
        if not rates or any(not np.isfinite(r) or r < 0 or r >= 1 for r in rates):
            raise ValueError(f"AppraisalSettings.discount_rates must be one or more rates in [0, 1), got {self.discount_rates}")
        object.__setattr__(self, "discount_rates", rates)
        if int(self.years_after_spending) != self.years_after_spending or self.years_after_spending < 0:
            raise ValueError(f"AppraisalSettings.years_after_spending must be a whole number >= 0, "
                             f"got {self.years_after_spending}")
        if self.terminal not in ("none", "decay"):
            raise ValueError(f"AppraisalSettings.terminal must be 'none' or 'decay', got {self.terminal!r}")
        if self.terminal == "decay" and not (0 < self.terminal_decay <= 1):
            raise ValueError(f"AppraisalSettings.terminal_decay must be in (0, 1] with terminal='decay', "
                             f"got {self.terminal_decay}")
        if not np.isfinite(self.national_multiplier) or self.national_multiplier < 0:
            raise ValueError(f"AppraisalSettings.national_multiplier must be >= 0, got {self.national_multiplier}")
        if any(int(j) != j or j < 1 for j in self.impact_years):
            raise ValueError(f"AppraisalSettings.impact_years must be whole numbers >= 1, got {self.impact_years}")

    @property
    def rate(self) -> float:
        """The headline discount rate [1/yr]."""
        return self.discount_rates[0]

    def describe(self) -> str:
        """One line stating the rates, window and terminal treatment (for table notes)."""
        rates = ", ".join(rate_label(r).replace("pct", "%") for r in self.discount_rates)
        term = ("truncated at the window's end" if self.terminal == "none"
                else f"last year's gain decaying {self.terminal_decay:.0%} a year after the window")
        return (f"real values (2018 prices), discounted from the first spending year at {rates} "
                f"(headline {rate_label(self.rate).replace('pct', '%')}); window: spending years + "
                f"{self.years_after_spending} years, {term}; opportunity cost of central money: "
                f"{self.national_multiplier:.2f} yuan of GDP per yuan (national multiplier)")


def rate_label(r: float) -> str:
    """Column label of a discount rate: ``0.08 -> "8pct"``, ``0.045 -> "4.5pct"``."""
    return f"{100 * r:g}pct"


def metric_units(settings: AppraisalSettings | None = None, *, trade_unit: str = "100m yuan/yr") -> dict[str, str]:
    """Ordered mapping metric column -> unit (the column order of :func:`member_returns`)."""
    s = settings or AppraisalSettings()
    h = rate_label(s.rate)
    u = {"first_spending_year": "year", "last_spending_year": "year", "spending_years": "yr",
         "appraisal_end_year": "year", "window_truncated": "true/false",
         "spending_total": _MONEY, "gdp_gain_total": _MONEY, "job_years_total": "person-years",
         f"spending_pv_{h}": _MONEY, f"gdp_pv_gain_{h}": _MONEY}
    for r in s.discount_rates:
        u[f"gdp_pv_ratio_{rate_label(r)}"] = _RATIO
    u["gdp_ratio_undiscounted"] = _RATIO
    for j in s.impact_years:
        u[f"impact_multiplier_y{j}"] = _RATIO
    u["cumulative_multiplier"] = _RATIO
    u |= {"gdp_payback_year": "year", "gdp_payback_status": "text",
          f"fiscal_revenue_pv_{h}": _MONEY, f"own_cost_pv_{h}": _MONEY,
          "fiscal_payback_year": "year", "fiscal_payback_status": "text",
          f"central_funding_pv_{h}": _MONEY, f"national_gdp_pv_gain_{h}": _MONEY}
    for r in s.discount_rates:
        u[f"national_pv_ratio_{rate_label(r)}"] = _RATIO
    u["job_years_pv_per_100m"] = f"person-years per 100m yuan (2018 prices, PV at {h.replace('pct', '%')})"
    for y in s.key_years:
        u[f"gdp_added_{y}"] = "100m yuan/yr (2018 prices)"
        u[f"jobs_added_{y}"] = "persons"
        u[f"trade_added_{y}"] = trade_unit
    return u


# -- array helpers ------------------------------------------------------------------------------------------

def _has(res, name: str) -> bool:
    return name in set(res.variables)


def _get(res, name: str) -> np.ndarray:
    # Results: res[name]; EnsembleResult: res.values(name) (possibly read from disk)
    a = np.asarray(res.values(name) if hasattr(res, "n_members") else res[name], dtype=float)
    if a.ndim != 2:
        raise ValueError(f"{name}: the returns need a scalar variable (runs x times), got shape {a.shape}")
    return a


def _n_runs(res) -> int:
    return int(res.n_members) if hasattr(res, "n_members") else int(res.n_runs)


def _year_grid(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the saved whole years and the years; refuses grids that skip a year."""
    whole = np.flatnonzero(np.isclose(t, np.round(t), rtol=0, atol=1e-9))
    years = np.round(t[whole]).astype(int)
    first, last = int(np.ceil(t[0] - 1e-9)), int(np.floor(t[-1] + 1e-9))
    if years.size < 2 or years[0] != first or years[-1] != last or np.any(np.diff(years) != 1):
        raise ValueError(f"the returns need results saved at every whole year (save_every of 1 year or a "
                         f"fraction of it); saved times run {t[0]:g}..{t[-1]:g} with step(s) "
                         f"{sorted(set(np.round(np.diff(t), 6)))}")
    return whole, years


def _cum_trapz(f: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Cumulative trapezoidal integral of ``f`` (N, T) over ``t``, zero at ``t[0]``."""
    inc = 0.5 * (f[:, 1:] + f[:, :-1]) * np.diff(t)
    return np.concatenate([np.zeros((f.shape[0], 1)), np.cumsum(inc, axis=1)], axis=1)


def _safe_div(a, b, ok):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, a / np.where(ok, b, 1.0), np.nan)


def _payback(net, rel, years, tol):
    """First year from which the cumulative ``net`` (N, K; counted from rel >= 0) is >= 0 to the end."""
    cum = np.cumsum(np.where(rel >= 0, net, 0.0), axis=1)
    ok = (cum >= -tol[:, None]) | (rel < 0)
    stays = np.logical_and.accumulate(ok[:, ::-1], axis=1)[:, ::-1] & (rel >= 0)
    paid = stays.any(axis=1)
    return paid, np.where(paid, years[np.argmax(stays, axis=1)], np.nan)


# -- the metrics ------------------------------------------------------------------------------------------------

def member_returns(base, alt, *, settings: AppraisalSettings | None = None, samples=None):
    """Appraisal metrics of every member of ``alt`` against ``base`` (vectorised).

    Parameters
    ----------
    base : Results or EnsembleResult
        The comparison scenario: one run (broadcast to every member) or as many
        runs as ``alt`` (paired draws).
    alt : Results or EnsembleResult
        The scenario (one or many members, same saved times as ``base``).
    settings : AppraisalSettings, optional
        Rates, window, terminal treatment, national multiplier, key years.
    samples : DataFrame, optional
        Member parameters, joined in front of the metric columns.

    Returns
    -------
    DataFrame
        One row per member (index ``member``), the columns of :func:`metric_units`
        in that order (definitions in the module docstring). ``attrs["units"]``
        maps every column to its unit, ``attrs["unavailable"]`` each metric that
        could not be computed to the reason (``attrs["missing"]``: to the variables
        the results lack), ``attrs["settings"]`` the settings.
    """
    import pandas as pd

    s = settings or AppraisalSettings()
    t = np.asarray(alt.times, dtype=float)
    if not np.array_equal(np.asarray(base.times, dtype=float), t):
        raise ValueError("base and alternative have different saved times")
    n = _n_runs(alt)
    nb = _n_runs(base)
    if nb not in (1, n):
        raise ValueError(f"base has {nb} runs and the alternative {n}: give one base run or one per member")
    whole, years = _year_grid(t)
    bins = years[:-1]                     # appraisal year labels (bin [y, y + 1])
    K = bins.size
    units = metric_units(s, trade_unit=(alt.units.get(TRADE) or "100m yuan/yr"))
    out: dict[str, np.ndarray] = {}
    why: dict[str, str] = {}
    lacks: dict[str, list[str]] = {}
    nan = np.full(n, np.nan)

    def missing(*names):
        return [v for v in names if not (_has(base, v) and _has(alt, v))]

    def reason(miss):
        named = [f"{v} ({_WHY[v]})" if v in _WHY else v for v in miss]
        one = len(miss) == 1
        return (f"needs {', '.join(named)}: not in the results (the model does not provide "
                f"{'it' if one else 'them'} yet, or {'it was' if one else 'they were'} not saved)")

    def diff(name):
        return np.broadcast_to(_get(alt, name) - _get(base, name), (n, t.size))

    def real_diff(*names):
        a = sum(_get(alt, v) for v in names) / _get(alt, DEFLATOR)
        b = sum(_get(base, v) for v in names) / _get(base, DEFLATOR)
        return np.broadcast_to(a - b, (n, t.size))

    def per_year(f):                      # trapezoid of a saved flow over each whole year: (n, K)
        F = _cum_trapz(f, t)
        return F[:, whole[1:]] - F[:, whole[:-1]]

    # spending from the integrating stock ------------------------------------------------------------
    spend_names = [SPENDING_STOCK] if not missing(SPENDING_STOCK) else sorted(
        v for v in alt.variables if v.startswith(SPENDING_STOCK_PREFIX) and _has(base, v))
    nominal = [v for v in spend_names if "current prices" in (alt.units.get(v) or "")]
    S = None
    if nominal:
        spend_names = []
    if spend_names:
        C = sum(diff(v) for v in spend_names)
        S = C[:, whole[1:]] - C[:, whole[:-1]]
        out["spending_total"] = C[:, -1] - C[:, 0]
    spend_why = reason([SPENDING_STOCK]) if not nominal else (
        f"{', '.join(nominal)} is in current prices ({alt.units.get(nominal[0])}); the appraisal needs real "
        "spending at 2018 prices")
    spend_lacks = [SPENDING_STOCK]

    G = per_year(diff(GDP_REAL)) if not missing(GDP_REAL) else None
    if G is not None:
        out["gdp_gain_total"] = _cum_trapz(diff(GDP_REAL), t)[:, -1]
    if not missing(EMPLOYMENT):
        emp = diff(EMPLOYMENT) * 1e4     # 10k persons -> persons
        E = per_year(emp)
        out["job_years_total"] = _cum_trapz(emp, t)[:, -1]
    else:
        E = None

    # appraisal years ------------------------------------------------------------------------------------
    if S is not None:
        scale = np.maximum(1.0, np.abs(S).max(axis=1))
        tol = 1e-9 * scale
        active = S > tol[:, None]
        has = active.any(axis=1)
        first = np.where(has, np.argmax(active, axis=1), 0)
        last = np.where(has, K - 1 - np.argmax(active[:, ::-1], axis=1), 0)
        nspend = last - first + 1
        end = np.minimum(first + nspend + int(s.years_after_spending), K)   # exclusive
        k = np.arange(K)[None, :]
        rel = k - first[:, None]
        win = (rel >= 0) & (k < end[:, None]) & has[:, None]
        in_spend = (rel >= 0) & (k <= last[:, None]) & has[:, None]
        i_end = np.maximum(end - 1, 0)
        out |= {"first_spending_year": np.where(has, bins[first], np.nan),
                "last_spending_year": np.where(has, bins[last], np.nan),
                "spending_years": np.where(has, nspend, np.nan).astype(float),
                "appraisal_end_year": np.where(has, bins[i_end], np.nan),
                "window_truncated": has & (first + nspend + int(s.years_after_spending) > K)}
        rows = np.arange(n)

        def disc(r):
            return np.where(rel >= 0, (1.0 + r) ** (-np.maximum(rel, 0).astype(float)), 0.0)

        def pv(x, r):
            return (disc(r) * x * win).sum(axis=1)

        def tail(x, r):                   # PV of the terminal treatment of a benefit path x
            if s.terminal == "none":
                return np.zeros(n)
            d = s.terminal_decay
            return x[rows, i_end] * (1.0 + r) ** (-(i_end - first).astype(float)) * (1 - d) / (r + d)

        pv_s = {r: pv(S, r) for r in (*s.discount_rates, 0.0)}
        ok_s = {r: has & (v > tol) for r, v in pv_s.items()}
        h = rate_label(s.rate)
        out[f"spending_pv_{h}"] = np.where(has, pv_s[s.rate], np.nan)
    else:
        has = None
        for name in ("first_spending_year", "last_spending_year", "spending_years", "appraisal_end_year",
                     "window_truncated", "spending_total"):
            why[name], lacks[name] = spend_why, spend_lacks
        why[f"spending_pv_{rate_label(s.rate)}"] = spend_why
        lacks[f"spending_pv_{rate_label(s.rate)}"] = spend_lacks
    h = rate_label(s.rate)

    # GDP returns ----------------------------------------------------------------------------------------
    gdp_cols = [f"gdp_pv_gain_{h}", *(f"gdp_pv_ratio_{rate_label(r)}" for r in s.discount_rates),
                "gdp_ratio_undiscounted", *(f"impact_multiplier_y{j}" for j in s.impact_years),
                "cumulative_multiplier", "gdp_payback_year"]
    if S is not None and G is not None:
        pv_g = {r: pv(G, r) + tail(G, r) for r in (*s.discount_rates, 0.0)}
        out[f"gdp_pv_gain_{h}"] = np.where(has, pv_g[s.rate], np.nan)
        for r in s.discount_rates:
            out[f"gdp_pv_ratio_{rate_label(r)}"] = _safe_div(pv_g[r], pv_s[r], ok_s[r])
        out["gdp_ratio_undiscounted"] = _safe_div(pv_g[0.0], pv_s[0.0], ok_s[0.0])
        for j in s.impact_years:
            idx = first + int(j) - 1
            ic = np.minimum(idx, K - 1)
            sj, gj = S[rows, ic], G[rows, ic]
            out[f"impact_multiplier_y{j}"] = _safe_div(gj, sj, has & (idx <= last) & (sj > tol))
        cs = (S * in_spend).sum(axis=1)
        out["cumulative_multiplier"] = _safe_div((G * in_spend).sum(axis=1), cs, has & (cs > tol))
        paid, year = _payback(disc(s.rate) * (G - S), rel, bins, tol)
        out["gdp_payback_year"] = np.where(has, year, np.nan)
        out["gdp_payback_status"] = np.where(~has, NO_SPENDING, np.where(paid, PAID, NOT_PAID)).astype(object)
    else:
        for c in gdp_cols:
            why[c] = spend_why if S is None else reason([GDP_REAL])
            lacks[c] = spend_lacks if S is None else [GDP_REAL]
        out["gdp_payback_status"] = np.full(n, UNAVAILABLE, dtype=object)

    # fiscal payback ----------------------------------------------------------------------------------------
    fiscal_cols = [f"fiscal_revenue_pv_{h}", f"own_cost_pv_{h}", "fiscal_payback_year"]
    miss = ([] if S is not None else [SPENDING_STOCK]) + missing(FISCAL_REVENUE, DEBT_SERVICE, REALLOCATION, DEFLATOR)
    if not miss:
        R = per_year(real_diff(FISCAL_REVENUE))
        own_cost = per_year(real_diff(DEBT_SERVICE, REALLOCATION))
        out[f"fiscal_revenue_pv_{h}"] = np.where(has, pv(R, s.rate), np.nan)
        out[f"own_cost_pv_{h}"] = np.where(has, pv(own_cost, s.rate), np.nan)
        own = (own_cost * (rel >= 0)).sum(axis=1) > tol
        paid, year = _payback(disc(s.rate) * (R - own_cost), rel, bins, tol)
        out["fiscal_payback_year"] = np.where(has & own, year, np.nan)
        out["fiscal_payback_status"] = np.where(~has, NO_SPENDING, np.where(~own, NO_OWN_COST, np.where(
            paid, PAID, NOT_PAID))).astype(object)
    else:
        for c in fiscal_cols:
            why[c], lacks[c] = reason(miss), list(miss)
        out["fiscal_payback_status"] = np.full(n, UNAVAILABLE, dtype=object)

    # national view -----------------------------------------------------------------------------------------
    nat_cols = [f"central_funding_pv_{h}", f"national_gdp_pv_gain_{h}",
                *(f"national_pv_ratio_{rate_label(r)}" for r in s.discount_rates)]
    miss = ([] if S is not None else [SPENDING_STOCK]) + missing(GDP_REAL, CENTRAL_FUNDING, DEFLATOR)
    if not miss:
        Cc = per_year(real_diff(CENTRAL_FUNDING))
        Dv = per_year(diff(DISPLACED)) if not missing(DISPLACED) else np.zeros_like(Cc)
        m = float(s.national_multiplier)
        out[f"central_funding_pv_{h}"] = np.where(has, pv(Cc, s.rate), np.nan)
        out[f"national_gdp_pv_gain_{h}"] = np.where(has, pv_g[s.rate] - pv(Dv, s.rate) - m * pv(Cc, s.rate), np.nan)
        for r in s.discount_rates:
            out[f"national_pv_ratio_{rate_label(r)}"] = _safe_div(pv_g[r] - pv(Dv, r) - m * pv(Cc, r), pv_s[r], ok_s[r])
    else:
        for c in nat_cols:
            why[c], lacks[c] = reason(miss), list(miss)

    # jobs -------------------------------------------------------------------------------------------------
    miss = ([] if S is not None else [SPENDING_STOCK]) + missing(EMPLOYMENT)
    if not miss:
        out["job_years_pv_per_100m"] = _safe_div(pv(E, s.rate) + tail(E, s.rate), pv_s[s.rate], ok_s[s.rate])
    else:
        why["job_years_pv_per_100m"], lacks["job_years_pv_per_100m"] = reason(miss), list(miss)
    if E is None:
        why["job_years_total"], lacks["job_years_total"] = reason([EMPLOYMENT]), [EMPLOYMENT]
    if G is None:
        why["gdp_gain_total"], lacks["gdp_gain_total"] = reason([GDP_REAL]), [GDP_REAL]

    # key years ----------------------------------------------------------------------------------------------
    for y in s.key_years:
        hit = np.flatnonzero(np.isclose(t, y))
        for col, var, factor in ((f"gdp_added_{y}", GDP_REAL, 1.0), (f"jobs_added_{y}", EMPLOYMENT, 1e4),
                                 (f"trade_added_{y}", TRADE, 1.0)):
            if not hit.size:
                why[col], lacks[col] = f"year {y} is outside the saved horizon {t[0]:g}..{t[-1]:g}", []
            elif missing(var):
                why[col], lacks[col] = reason(missing(var)), missing(var)
            else:
                out[col] = diff(var)[:, int(hit[0])] * factor

    cols = list(units)
    df = pd.DataFrame({c: (out[c] if c in out else nan.copy()) for c in cols})
    df.index.name = "member"
    df.attrs["units"] = dict(units)
    df.attrs["unavailable"] = {c: why[c] for c in cols if c in why}
    df.attrs["missing"] = {c: lacks.get(c, []) for c in cols if c in why}
    df.attrs["settings"] = s
    if samples is not None:
        smp = samples.reset_index(drop=True)
        smp.index.name = "member"
        attrs = dict(df.attrs)
        df = pd.concat([smp, df], axis=1)
        df.attrs = attrs
        df.attrs["units"] = {**{c: "parameter value (see params/)" for c in smp.columns}, **units}
    return df


def returns_table(base, alternatives: Mapping[str, object], *, settings: AppraisalSettings | None = None,
                  run: int = 0):
    """The appraisal metrics of one run of each alternative, one row per metric.

    Parameters
    ----------
    base : Results or EnsembleResult
    alternatives : mapping of str to Results
        Scenario name -> results.
    settings : AppraisalSettings, optional
    run : int
        Member of each alternative to show (default 0).

    Returns
    -------
    DataFrame
        Index ``indicator``; columns ``unit``, one per scenario, ``evidence``
        (the Chinese evidence beside the impact multipliers). ``attrs`` carries
        ``unavailable`` (metric -> reason), ``missing`` (metric -> variables the
        results lack), ``settings`` and ``note``
        (:meth:`AppraisalSettings.describe`).
    """
    import pandas as pd

    s = settings or AppraisalSettings()
    cols, why, lacks, units = {}, {}, {}, None
    for name, alt in alternatives.items():
        m = member_returns(base, alt, settings=s)
        units = m.attrs["units"]
        why |= m.attrs["unavailable"]
        lacks |= m.attrs["missing"]
        cols[name] = m.iloc[run].astype(object)
    if units is None:
        units = metric_units(s)
    df = pd.DataFrame(cols, index=pd.Index(list(units), name="indicator"))
    df.insert(0, "unit", [units[c] for c in df.index])
    df["evidence"] = ["" if not (c.startswith("impact_multiplier") or c == "cumulative_multiplier")
                      else MULTIPLIER_EVIDENCE_SHORT for c in df.index]
    df.attrs |= {"unavailable": why, "missing": lacks, "settings": s, "note": s.describe()}
    return df


def metric_bands(frame, q: Iterable[float] = (0.05, 0.5, 0.95)):
    """Quantiles over members of the numeric metric columns of :func:`member_returns`.

    Returns
    -------
    DataFrame
        Index ``indicator``; columns ``unit`` and ``p5``, ``p50``, ``p95`` (for the
        default ``q``); NaN members (undefined metrics) are ignored, all-NaN gives NaN.
    """
    import pandas as pd

    qs = list(q)
    units = frame.attrs.get("units", {})
    cols = [c for c in frame.columns if units.get(c) not in (None, "text", "true/false", "parameter value (see params/)")
            and pd.api.types.is_numeric_dtype(frame[c])]
    vals = frame[cols].to_numpy(dtype=float)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            qv = np.nanquantile(vals, qs, axis=0) if len(vals) else np.full((len(qs), len(cols)), np.nan)
    out = pd.DataFrame(qv.T, index=pd.Index(cols, name="indicator"), columns=[f"p{100 * x:g}" for x in qs])
    out.insert(0, "unit", [units.get(c, "") for c in cols])
    return out
