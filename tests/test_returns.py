"""Appraisal metrics (simulator.analysis.returns) on Results built by hand with known paths.

Conventions the tests rely on (documented in the module):
- spending of year y = cumulative stock at y+1 minus at y (exact integral);
- a flow's amount in year y = trapezoid of its saved values over [y, y+1];
- year 1 is the first year with extra spending; year k is discounted by (1 + r)^-(k-1).

Every expected number is written out as arithmetic, so a reader can check it by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.analysis.returns import (
    MULTIPLIER_EVIDENCE_RANGE,
    AppraisalSettings,
    member_returns,
    metric_bands,
    metric_units,
    returns_table,
)
from simulator.engine import Constant, Flow, Model, Results, SimSettings, Stock, simulate

UNITS = {"gdp_real": "100m yuan/yr (2018 prices)", "lever_spending_cumulative": "100m yuan (2018 prices)",
         "employment_total": "10k persons", "trade_total": "100m yuan/yr", "gdp_deflator": "1",
         "fiscal_revenue": "100m yuan/yr", "lever_debt_service": "100m yuan/yr",
         "lever_reallocation": "100m yuan/yr", "lever_central_funding": "100m yuan/yr"}
YEARS = np.arange(2020, 2031, dtype=float)  # saved times 2020..2030: ten yearly bins 2020..2029


def make(times=YEARS, **series) -> Results:
    """Results with the given paths; each path is (T,) or (N, T)."""
    data = {k: np.atleast_2d(np.asarray(v, dtype=float)) for k, v in series.items()}
    n = max(a.shape[0] for a in data.values())
    data = {k: np.broadcast_to(a, (n, a.shape[1])).copy() for k, a in data.items()}
    return Results(data, np.asarray(times, dtype=float), UNITS, {}, {}, {})


def at_points(values: dict, times=YEARS) -> np.ndarray:
    """A path that is zero except at the given saved times."""
    out = np.zeros(len(times))
    for y, v in values.items():
        out[int(np.flatnonzero(times == y)[0])] = v
    return out


def cumulative(per_year: dict, times=YEARS) -> np.ndarray:
    """Cumulative stock (value at each saved time) of spending given per whole year."""
    return np.array([sum(v for y, v in per_year.items() if y < t) for t in times], dtype=float)


ZERO = np.zeros(len(YEARS))
# programme: 100 a year in 2022, 2023, 2024
SPEND = cumulative({2022: 100.0, 2023: 100.0, 2024: 100.0})
# GDP gain at saved times: 0 at 2022, 60 at 2023-2025, 20 at 2026, 0 from 2027.
# Trapezoid per year: 2022 (0+60)/2 = 30, 2023 60, 2024 60, 2025 (60+20)/2 = 40, 2026 (20+0)/2 = 10, then 0.
DGDP = at_points({2023: 60.0, 2024: 60.0, 2025: 60.0, 2026: 20.0})
BASE_GDP = np.full(len(YEARS), 1000.0)


def pair(**alt_extra):
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO)
    alt = make(gdp_real=BASE_GDP + DGDP, lever_spending_cumulative=SPEND, **alt_extra)
    return base, alt


def test_present_values_against_hand_computation():
    base, alt = pair()
    s = AppraisalSettings(years_after_spending=2)  # window: 3 spending years + 2 = 2022..2026
    m = member_returns(base, alt, settings=s).iloc[0]
    assert m["first_spending_year"] == 2022 and m["last_spending_year"] == 2024
    assert m["spending_years"] == 3 and m["appraisal_end_year"] == 2026 and not m["window_truncated"]
    pv_gdp = 30 + 60 / 1.08 + 60 / 1.08**2 + 40 / 1.08**3 + 10 / 1.08**4  # = 176.0995
    pv_spend = 100 + 100 / 1.08 + 100 / 1.08**2  # = 278.3265
    assert pv_gdp == pytest.approx(176.0995, abs=1e-4) and pv_spend == pytest.approx(278.3265, abs=1e-4)
    assert m["gdp_pv_gain_8pct"] == pytest.approx(pv_gdp, rel=1e-12)
    assert m["spending_pv_8pct"] == pytest.approx(pv_spend, rel=1e-12)
    assert m["gdp_pv_ratio_8pct"] == pytest.approx(0.632708, abs=1e-6)  # 176.0995 / 278.3265
    r3 = (30 + 60 / 1.03 + 60 / 1.03**2 + 40 / 1.03**3 + 10 / 1.03**4) / (100 + 100 / 1.03 + 100 / 1.03**2)
    assert m["gdp_pv_ratio_3pct"] == pytest.approx(r3, rel=1e-12)
    assert m["gdp_pv_ratio_6pct"] < m["gdp_pv_ratio_3pct"]  # gains come later than spending
    assert m["gdp_ratio_undiscounted"] == pytest.approx((30 + 60 + 60 + 40 + 10) / 300)  # 2/3
    assert m["spending_total"] == 300.0
    assert m["gdp_gain_total"] == pytest.approx(200.0)  # whole horizon: 30 + 60 + 60 + 40 + 10


def test_window_is_a_parameter_and_gains_outside_it_are_not_counted():
    base, alt = pair()
    short = member_returns(base, alt, settings=AppraisalSettings(years_after_spending=0)).iloc[0]
    # window = the spending years only: 2022..2024
    assert short["appraisal_end_year"] == 2024
    assert short["gdp_pv_ratio_8pct"] == pytest.approx((30 + 60 / 1.08 + 60 / 1.08**2) / (100 + 100 / 1.08 + 100 / 1.08**2))


def test_terminal_decay_adds_a_geometric_tail():
    base, alt = pair()
    s = AppraisalSettings(years_after_spending=2, terminal="decay", terminal_decay=0.5)
    m = member_returns(base, alt, settings=s).iloc[0]
    pv_gdp = 30 + 60 / 1.08 + 60 / 1.08**2 + 40 / 1.08**3 + 10 / 1.08**4
    # the last window year (2026, gain 10, discounted 1.08^-4) goes on as 10 * 0.5^j in year 2026 + j:
    # sum_j 10 * 0.5^j / 1.08^(4 + j) = 10 / 1.08^4 * (0.5 / 1.08) / (1 - 0.5 / 1.08) = 10 / 1.08^4 * 0.5 / 0.58
    tail = 10 / 1.08**4 * 0.5 / 0.58
    assert m["gdp_pv_gain_8pct"] == pytest.approx(pv_gdp + tail, rel=1e-12)
    assert m["gdp_ratio_undiscounted"] == pytest.approx((200 + 10 * 0.5 / 0.5) / 300)  # tail 10 * (0.5 + 0.25 + ...)


def test_window_truncated_by_the_horizon_is_flagged():
    base, alt = pair()
    m = member_returns(base, alt).iloc[0]  # default: 15 years after spending -> 2039, horizon ends 2029
    assert m["window_truncated"] and m["appraisal_end_year"] == 2029


def test_impact_multipliers_on_a_constructed_path():
    # six spending years 2021..2026 of 50, 100, 100, 100, 200, 100
    spend = cumulative({2021: 50.0, 2022: 100.0, 2023: 100.0, 2024: 100.0, 2025: 200.0, 2026: 100.0})
    # GDP gain rising linearly 0 at 2021 to 140 at 2028, then 0: trapezoid per year 2021..2027 is
    # 10, 30, 50, 70, 90, 110, 130 (the mean of the two end points); 2028: (140 + 0) / 2 = 70
    dgdp = np.clip((YEARS - 2021) * 20.0, 0, None) * (YEARS <= 2028)
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO)
    alt = make(gdp_real=BASE_GDP + dgdp, lever_spending_cumulative=spend)
    m = member_returns(base, alt).iloc[0]
    assert m["impact_multiplier_y1"] == pytest.approx(10 / 50)
    assert m["impact_multiplier_y2"] == pytest.approx(30 / 100)
    assert m["impact_multiplier_y5"] == pytest.approx(90 / 200)
    assert m["cumulative_multiplier"] == pytest.approx((10 + 30 + 50 + 70 + 90 + 110) / 650)
    lo, hi = MULTIPLIER_EVIDENCE_RANGE
    assert (lo, hi) == (0.6, 1.0)


def test_impact_multiplier_beyond_the_programme_is_undefined():
    base, alt = pair()  # three spending years: no year 5
    m = member_returns(base, alt).iloc[0]
    assert m["impact_multiplier_y1"] == pytest.approx(0.3) and np.isnan(m["impact_multiplier_y5"])


def test_spending_integral_of_a_rectangular_programme_is_budget_times_years():
    """Through the engine: an integrating stock, dt = 0.25, saved yearly."""
    model = Model("prog", [
        Flow("spending", "100m yuan/yr (2018 prices)", equation="budget * (time >= 2024) * (time < 2035)"),
        Stock("lever_spending_cumulative", "100m yuan (2018 prices)", inflows=("spending",)),
        Flow("gdp_real", "100m yuan/yr (2018 prices)", equation="1000 + 0.5 * spending"),
        Constant("budget", value=100.0),
    ])
    settings = SimSettings(2018, 2050, 0.25)
    alt = simulate(model, {"budget": np.array([100.0, 37.5])}, settings)
    base = simulate(model, {"budget": 0.0}, settings)
    m = member_returns(base, alt)
    np.testing.assert_array_equal(m["spending_total"], [100.0 * 11, 37.5 * 11])  # 2024..2034: 11 years, exact
    assert list(m["first_spending_year"]) == [2024, 2024] and list(m["last_spending_year"]) == [2034, 2034]
    # the sampled flow summed at whole years would count the same here, but not for a ramp (next test)


def test_spending_integral_of_a_ramp_comes_from_the_stock_not_the_saved_flow():
    model = Model("ramp", [
        Flow("spending", "100m yuan/yr (2018 prices)",
             equation="100 * clip((time - 2024) / 2, 0, 1) * (time >= 2024) * (time < 2035)"),
        Stock("lever_spending_cumulative", "100m yuan (2018 prices)", inflows=("spending",)),
        Flow("gdp_real", "100m yuan/yr (2018 prices)", equation="1000 + 0.5 * spending"),
    ])
    settings = SimSettings(2018, 2050, 0.25)
    alt = simulate(model, settings=settings)
    base = simulate(Model("zero", [Flow("spending", equation="0"),
                                   Stock("lever_spending_cumulative", inflows=("spending",)),
                                   Flow("gdp_real", equation="1000")]), settings=settings)
    m = member_returns(base, alt).iloc[0]
    # Euler at dt = 0.25: the ramp year-pair contributes 0.25 * 100 * (0 + 1/8 + ... + 7/8) = 87.5,
    # then 100 a year for 2026..2034 (9 years): 987.5. The flow sampled at whole years sums to 950.
    assert m["spending_total"] == pytest.approx(987.5, rel=1e-12)
    assert alt["spending"][0].sum() == pytest.approx(950.0)


def test_fiscal_payback_is_computed_from_revenue_not_gdp():
    # GDP gain 100 a year from 2022 pays back a 300 programme; own revenue gains only 8.5% of it
    dgdp = np.where(YEARS >= 2022, 100.0, 0.0)
    realloc = at_points({2022: 100.0, 2023: 100.0, 2024: 100.0})  # own cost: reallocation, saved-flow path
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO, gdp_deflator=1.0, fiscal_revenue=85.0,
                lever_debt_service=ZERO, lever_reallocation=ZERO)
    alt = make(gdp_real=BASE_GDP + dgdp, lever_spending_cumulative=SPEND, gdp_deflator=1.0,
               fiscal_revenue=85.0 + 0.085 * dgdp, lever_debt_service=ZERO, lever_reallocation=realloc)
    m = member_returns(base, alt).iloc[0]
    assert m["gdp_payback_status"] == "paid back" and 2022 <= m["gdp_payback_year"] <= 2026
    assert m["fiscal_payback_status"] == "not within the horizon" and np.isnan(m["fiscal_payback_year"])
    assert m["own_cost_pv_8pct"] > m["fiscal_revenue_pv_8pct"] > 0


def test_fiscal_payback_year_by_hand_and_real_terms():
    defl = 1.0 + 0.1 * (YEARS - 2020)  # prices rise; the fiscal flows below are nominal
    realloc = np.where((YEARS >= 2022) & (YEARS <= 2023), 100.0, 0.0) * defl  # real 100 saved at 2022, 2023
    rev_gain = np.where(YEARS >= 2022, 30.0, 0.0) * defl  # real 30 from 2022
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO, gdp_deflator=defl, fiscal_revenue=500.0 * defl,
                lever_debt_service=ZERO, lever_reallocation=ZERO)
    alt = make(gdp_real=BASE_GDP + DGDP, lever_spending_cumulative=SPEND, gdp_deflator=defl,
               fiscal_revenue=500.0 * defl + rev_gain, lever_debt_service=ZERO, lever_reallocation=realloc)
    m = member_returns(base, alt).iloc[0]
    # real own cost per year (trapezoid of 0, 100, 100, 0 at 2021..2024): 2021 50 (before the first
    # spending year 2022: not counted), 2022 100, 2023 50; real revenue gain: 2021 15 (not counted), then 30.
    # Discounted cumulative net from 2022: 30 - 100 = -70; 2023: + (30 - 50) / 1.08 = -88.52;
    # 2024: + 30 / 1.08^2 = -62.80; 2025: + 30 / 1.08^3 = -38.98; 2026: + 30 / 1.08^4 = -16.93;
    # 2027: + 30 / 1.08^5 = +3.49 -> covered in 2027 and stays covered to the horizon.
    net = [30 - 100, (30 - 50) / 1.08] + [30 / 1.08**k for k in range(2, 6)]
    assert np.cumsum(net)[-2] == pytest.approx(-16.93, abs=0.01) and np.cumsum(net)[-1] == pytest.approx(3.49, abs=0.01)
    assert m["fiscal_payback_status"] == "paid back" and m["fiscal_payback_year"] == 2027
    assert m["own_cost_pv_8pct"] == pytest.approx(100 + 50 / 1.08)
    assert m["fiscal_revenue_pv_8pct"] == pytest.approx(sum(30 / 1.08**k for k in range(8)))  # window 2022..2029


def test_payback_must_hold_to_the_horizon():
    # revenue covers the cost early, then a later cost (a bond repaid in 2026) uncovers it for good
    service = np.where(YEARS == 2026, 400.0, 0.0)  # trapezoid: 200 in 2025 and 200 in 2026
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO, gdp_deflator=1.0, fiscal_revenue=0.0,
                lever_debt_service=ZERO, lever_reallocation=ZERO)
    alt = make(gdp_real=BASE_GDP + DGDP, lever_spending_cumulative=SPEND, gdp_deflator=1.0,
               fiscal_revenue=np.where(YEARS >= 2022, 20.0, 0.0), lever_debt_service=service, lever_reallocation=ZERO)
    m = member_returns(base, alt).iloc[0]
    assert m["fiscal_payback_status"] == "not within the horizon"


def test_no_own_cost_is_not_a_payback():
    fiscal = {"gdp_deflator": 1.0, "lever_debt_service": ZERO, "lever_reallocation": ZERO}
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO, fiscal_revenue=0.0, **fiscal)
    alt = make(gdp_real=BASE_GDP + DGDP, lever_spending_cumulative=SPEND, fiscal_revenue=10.0, **fiscal)
    m = member_returns(base, alt).iloc[0]
    assert m["fiscal_payback_status"] == "no own cost" and np.isnan(m["fiscal_payback_year"])


def test_national_view_subtracts_the_opportunity_cost_of_central_money():
    # central funding saved as 100 at 2022, 2023, 2024 (real = nominal): trapezoid per year
    # 2021 50 (before the first spending year: not counted), 2022 100, 2023 100, 2024 50
    central = at_points({2022: 100.0, 2023: 100.0, 2024: 100.0})
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO, gdp_deflator=1.0, lever_central_funding=ZERO)
    alt = make(gdp_real=BASE_GDP + DGDP, lever_spending_cumulative=SPEND, gdp_deflator=1.0,
               lever_central_funding=central)
    s = AppraisalSettings(years_after_spending=2, national_multiplier=0.8)
    m = member_returns(base, alt, settings=s).iloc[0]
    pv_central = 100 + 100 / 1.08 + 50 / 1.08**2
    pv_gdp = 30 + 60 / 1.08 + 60 / 1.08**2 + 40 / 1.08**3 + 10 / 1.08**4
    pv_spend = 100 + 100 / 1.08 + 100 / 1.08**2
    assert m["central_funding_pv_8pct"] == pytest.approx(pv_central)
    assert m["national_gdp_pv_gain_8pct"] == pytest.approx(pv_gdp - 0.8 * pv_central)
    assert m["national_pv_ratio_8pct"] == pytest.approx((pv_gdp - 0.8 * pv_central) / pv_spend)
    assert m["national_pv_ratio_8pct"] < m["gdp_pv_ratio_8pct"]
    free = member_returns(base, alt, settings=AppraisalSettings(years_after_spending=2, national_multiplier=0.0))
    assert free["national_pv_ratio_8pct"].iloc[0] == pytest.approx(free["gdp_pv_ratio_8pct"].iloc[0])


def test_job_years_in_persons_at_present_value():
    # employment +0.01 (10k persons) = 100 persons at every saved time from 2022
    demp = np.where(YEARS >= 2022, 0.01, 0.0)
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO, employment_total=150.0)
    alt = make(gdp_real=BASE_GDP + DGDP, lever_spending_cumulative=SPEND, employment_total=150.0 + demp)
    m = member_returns(base, alt, settings=AppraisalSettings(years_after_spending=2)).iloc[0]
    # person-years per year: 2021 50 (before the start), then 100 a year over the window 2022..2026
    pv_jobs = sum(100 / 1.08**k for k in range(5))
    assert m["job_years_pv_per_100m"] == pytest.approx(pv_jobs / (100 + 100 / 1.08 + 100 / 1.08**2))
    assert m["job_years_total"] == pytest.approx(50 + 100 * 8)  # whole horizon: 2021 half, 2022..2029 full
    assert metric_units()["job_years_pv_per_100m"].startswith("person-years per 100m yuan")


def test_jobs_added_at_key_years_are_persons():
    demp = np.where(YEARS >= 2022, 0.01, 0.0)
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO, employment_total=150.0)
    alt = make(gdp_real=BASE_GDP + DGDP, lever_spending_cumulative=SPEND, employment_total=150.0 + demp)
    m = member_returns(base, alt, settings=AppraisalSettings(key_years=(2025,)))
    assert m["jobs_added_2025"].iloc[0] == pytest.approx(100.0)
    assert m.attrs["units"]["jobs_added_2025"] == "persons"
    assert m["gdp_added_2025"].iloc[0] == pytest.approx(60.0)


def test_ensemble_members_equal_the_single_member_computation():
    rng = np.random.default_rng(3)
    starts = [2021, 2022, 2024, 2023]
    budgets = [50.0, 120.0, 80.0, 0.0]
    spend = np.stack([cumulative({y: b for y in range(s, s + 3)}) for s, b in zip(starts, budgets)])
    dgdp = np.stack([np.where(YEARS > s, b * rng.uniform(0.2, 1.5), 0.0) for s, b in zip(starts, budgets)])
    defl = 1.0 + 0.02 * (YEARS - 2020)
    extra = {"gdp_deflator": defl, "employment_total": 150.0 + dgdp / 1e3,
             "fiscal_revenue": 85.0 + 0.085 * dgdp * defl, "lever_debt_service": 0.3 * dgdp,
             "lever_reallocation": np.stack([np.where((YEARS >= s) & (YEARS < s + 3), 0.2 * b, 0) for s, b in
                                             zip(starts, budgets)]),
             "lever_central_funding": np.stack([np.where((YEARS >= s) & (YEARS < s + 3), 0.5 * b, 0) for s, b in
                                                zip(starts, budgets)]),
             "trade_total": 2000.0 + dgdp}
    base_extra = {"gdp_deflator": defl, "employment_total": 150.0, "fiscal_revenue": 85.0, "lever_debt_service": ZERO,
                  "lever_reallocation": ZERO, "lever_central_funding": ZERO, "trade_total": 2000.0}
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO, **base_extra)
    alt = make(gdp_real=BASE_GDP + dgdp, lever_spending_cumulative=spend, **extra)
    s = AppraisalSettings(years_after_spending=3, key_years=(2025,))
    whole = member_returns(base, alt, settings=s)
    assert len(whole) == 4
    for i in range(4):
        one = member_returns(base, alt.select_runs([i]), settings=s).iloc[0]
        for col in whole.columns:
            a, b = whole[col].iloc[i], one[col]
            if isinstance(b, str):
                assert a == b, (i, col)
            else:
                np.testing.assert_allclose(float(a), float(b), rtol=1e-12, err_msg=f"member {i}, {col}")
    assert whole["first_spending_year"].iloc[:3].tolist() == [2021, 2022, 2024]
    assert np.isnan(whole["gdp_pv_ratio_8pct"].iloc[3])  # zero budget: no return defined
    assert whole["gdp_payback_status"].iloc[3] == "no extra spending"
    # paired base (one base run per member) gives the same as a broadcast base
    paired = member_returns(make(gdp_real=np.tile(BASE_GDP, (4, 1)), lever_spending_cumulative=ZERO, **base_extra),
                            alt, settings=s)
    np.testing.assert_allclose(paired["gdp_pv_ratio_8pct"].to_numpy(float), whole["gdp_pv_ratio_8pct"].to_numpy(float))
    bands = metric_bands(whole.iloc[:3])
    assert {"unit", "p5", "p50", "p95"} <= set(bands.columns)
    assert bands.loc["gdp_pv_ratio_8pct", "p50"] == pytest.approx(np.median(whole["gdp_pv_ratio_8pct"].iloc[:3]))


def test_units_in_every_column_and_row():
    alt = make(gdp_real=BASE_GDP + DGDP, lever_spending_cumulative=SPEND, employment_total=150.0, trade_total=10.0)
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO, employment_total=150.0, trade_total=10.0)
    m = member_returns(base, alt)
    units = m.attrs["units"]
    assert set(m.columns) == set(units)
    assert all(isinstance(u, str) and u.strip() for u in units.values()), units
    assert units["gdp_pv_ratio_8pct"] == "yuan per yuan (2018 prices)"
    assert units["spending_total"] == "100m yuan (2018 prices)"
    t = returns_table(base, {"a": alt, "b": alt})
    assert list(t.columns[:1]) == ["unit"] and {"a", "b"} <= set(t.columns)
    assert t["unit"].str.strip().str.len().gt(0).all()
    assert "0.6" in t.loc["impact_multiplier_y1", "evidence"]


def test_unavailable_metrics_are_named_with_a_reason_not_invented():
    # results without the spending stock and without fiscal outputs (today's model)
    base = make(gdp_real=BASE_GDP, lever_spending=ZERO, employment_total=150.0)
    alt = make(gdp_real=BASE_GDP + DGDP, lever_spending=at_points({2022: 100.0}), employment_total=150.0)
    m = member_returns(base, alt)
    why = m.attrs["unavailable"]
    for name in ("gdp_pv_ratio_8pct", "impact_multiplier_y1", "fiscal_payback_year", "national_pv_ratio_8pct",
                 "job_years_pv_per_100m", "spending_total"):
        assert np.isnan(m[name].iloc[0]), name
        assert "lever_spending_cumulative" in why[name], (name, why[name])
    assert "fiscal_revenue" in why["fiscal_payback_year"]
    assert m["fiscal_payback_status"].iloc[0] == "unavailable"
    assert m["gdp_gain_total"].iloc[0] == pytest.approx(200.0)  # needs only gdp_real
    t = returns_table(base, {"x": alt})
    assert "lever_spending_cumulative" in t.attrs["unavailable"]["gdp_pv_ratio_8pct"]


def test_bad_settings_and_grids_are_refused():
    with pytest.raises(ValueError, match="discount"):
        AppraisalSettings(discount_rates=(-0.2,))
    with pytest.raises(ValueError, match="terminal"):
        AppraisalSettings(terminal="perpetuity")
    with pytest.raises(ValueError, match="terminal_decay"):
        AppraisalSettings(terminal="decay", terminal_decay=0.0)
    with pytest.raises(ValueError, match="years_after_spending"):
        AppraisalSettings(years_after_spending=-1)
    t2 = np.arange(2020, 2031, 2, dtype=float)
    b = make(t2, gdp_real=np.ones(6), lever_spending_cumulative=np.zeros(6))
    with pytest.raises(ValueError, match="every whole year"):
        member_returns(b, b)


def test_sub_yearly_saves_integrate_flows_over_all_saved_points():
    t = np.arange(2020, 2026.01, 0.5)
    dg = np.where((t > 2021) & (t < 2022), 40.0, 0.0)  # a spike at 2021.5 only
    spend = np.clip(t - 2021, 0, 1) * 100.0  # 100 spent during 2021
    base = make(t, gdp_real=np.full(t.size, 1000.0), lever_spending_cumulative=np.zeros(t.size))
    alt = make(t, gdp_real=1000.0 + dg, lever_spending_cumulative=spend)
    m = member_returns(base, alt).iloc[0]
    # 2021: trapezoid over [2021, 2021.5, 2022] = 0.5 * (0 + 40) / 2 + 0.5 * (40 + 0) / 2 = 20
    assert m["impact_multiplier_y1"] == pytest.approx(20 / 100)


def test_cli_view_states_units_statuses_evidence_and_unavailable():
    from simulator.cli.returns_view import format_returns, returns_long

    fiscal = {"gdp_deflator": 1.0, "lever_debt_service": ZERO, "lever_central_funding": ZERO}
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO, fiscal_revenue=0.0, lever_reallocation=ZERO,
                employment_total=150.0, **fiscal)
    alt = make(gdp_real=BASE_GDP + DGDP, lever_spending_cumulative=SPEND, fiscal_revenue=1.0,
               lever_reallocation=at_points({2022: 100.0, 2023: 100.0, 2024: 100.0}), employment_total=150.0, **fiscal)
    t = returns_table(base, {"demo": alt}, settings=AppraisalSettings(years_after_spending=2, key_years=(2025, 2040)))
    text = format_returns(t)
    lines = {ln.split()[0]: ln for ln in text.splitlines() if ln and not ln.startswith((" ", "-"))}
    assert "yuan per yuan (2018 prices)" in lines["gdp_pv_ratio_8pct"] and "0.63" in lines["gdp_pv_ratio_8pct"]
    assert "not within the horizon" in lines["fiscal_payback_year"]
    assert "0.6-1.0 [1]" in lines["impact_multiplier_y1"] and "Guo, Liu & Ma (2016)" in text
    assert "gdp_payback_status" not in lines  # statuses are shown in the payback rows
    # trade_total was not given: its rows are listed as unavailable with the variable named
    assert "trade_added_2025" not in lines and "unavailable: trade_added_2025" in text
    assert "needs trade_total" in text and "jobs_added_2025" in lines and "persons" in lines["jobs_added_2025"]
    assert "year 2040 is outside the saved horizon" in text
    long = returns_long(t)
    assert list(long.columns) == ["scenario", "variable", "diff", "unit"] and (long.unit.str.len() > 0).all()


def test_ensemble_result_input_gives_the_same_metrics():
    """EnsembleResult (what `regsim uncertainty` produces) is read through .values(): same numbers as Results."""
    import pandas as pd

    from simulator.ensemble.runner import EnsembleResult

    spend = np.stack([SPEND, 2 * SPEND, 0.5 * SPEND])
    alt = make(gdp_real=BASE_GDP + np.stack([DGDP, 1.5 * DGDP, 0.2 * DGDP]), lever_spending_cumulative=spend)
    base = make(gdp_real=BASE_GDP, lever_spending_cumulative=ZERO)

    def as_ensemble(r):
        return EnsembleResult(pd.DataFrame(index=pd.RangeIndex(r.n_runs, name="member")), r.times, r.variables,
                              dict(r.units), {}, {}, {}, {"n_members": r.n_runs}, data=dict(r.data))

    a = member_returns(base, alt)
    b = member_returns(as_ensemble(base), as_ensemble(alt))
    pd.testing.assert_frame_equal(a, b)
    assert b["gdp_pv_ratio_8pct"].iloc[1] == pytest.approx(0.75 * b["gdp_pv_ratio_8pct"].iloc[0])  # 1.5x gain / 2x spend


def test_a_spending_stock_in_current_prices_is_refused_not_mixed_with_real_gdp():
    base, alt = pair()
    units = dict(UNITS, lever_spending_cumulative="100m yuan (current prices)")
    alt = Results(dict(alt.data), alt.times, units, {}, {}, {})
    m = member_returns(base, alt)
    assert np.isnan(m["gdp_pv_ratio_8pct"].iloc[0])
    assert "current prices" in m.attrs["unavailable"]["gdp_pv_ratio_8pct"]
