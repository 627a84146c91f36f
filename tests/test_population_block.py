"""The cohort-component population block (issue 14): accounting, ageing, fit, extremes, labour supply.

Most tests run the block alone (:func:`simulator.model.population.demography_model`: the core's
inputs held at their 2018 values), Euler, dt = 0.25, like the model. The history years do not
depend on the core (the migration level is a history condition), so the fit to 2018-2022 is the
same as in the full model (checked in tests/test_model_population.py).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from simulator.engine import Aux, SimSettings, simulate
from simulator.model._base import AGE, AGE_YEARS
from simulator.model.build import default_parameters
from simulator.model.population import demography_model
from simulator.validation.age_structure import age_structure_fit, broad_shares

DT = 0.25
EVERY_STEP = SimSettings(2018, 2050, DT, save_every=DT)
YEARLY = SimSettings(2018, 2050, DT)
YEARS = [f"population_y{j}" for j in range(5)]
CLASS = YEARS + ["net_loss_rate", "births_by_sex"]
TOTALS = ["population", "births", "births_by_sex", "deaths", "net_migration", "births_cumulative", "deaths_cumulative",
          "net_migration_cumulative", "population_by_age", "deaths_by_age", "net_migration_by_age"]
HISTORY_SERIES = ("hlj_tfr_history", "hlj_death_rate_multiplier_history", "hlj_net_outmigration_level_history")


@pytest.fixture(scope="module")
def model():
    return demography_model()


@pytest.fixture(scope="module")
def steps(model):
    return simulate(model, settings=EVERY_STEP, save=CLASS + TOTALS)


@pytest.fixture(scope="module")
def base(model):
    return simulate(model, settings=YEARLY)


def classes(res, prefix="population_y"):
    """Single-year classes in age order: five (N, T, sex, age) arrays -> (N, T, sex, 90), class 5g + j."""
    x = np.stack([np.asarray(res[f"{prefix}{j}"]) for j in range(5)], axis=-1)
    return x.reshape(x.shape[:-2] + (-1,))


def with_series(model, **values):
    """The model with history time series replaced by constants."""
    return model.replace(*[replace(model[k], x=(1900.0, 2200.0), y=(v, v)) for k, v in values.items()])


def zero_fertility(model):
    return with_series(model, hlj_tfr_history=0.0).with_constants({"tfr_future": 0.0})


def zero_migration(model):
    return with_series(model, hlj_net_outmigration_level_history=0.0).with_constants({"max_migration_rate": 0.0})


def zero_mortality(model):
    m = default_parameters()["mortality_rate_2018"].array()
    return model.with_constants({"mortality_rate_2018": np.zeros_like(m)})


# --------------------------------------------------------------------------- accounting
def test_population_change_is_births_minus_deaths_plus_migration_every_step(steps):
    p, b, d, m = (np.asarray(steps[k])[0] for k in ("population", "births", "deaths", "net_migration"))
    change = np.diff(p)
    flows = DT * (b - d + m)[:-1]
    assert np.allclose(change, flows, rtol=0, atol=1e-9 * p.max())
    # and in the integrated form, at every step: P(t) - P(2018) = births - deaths + net migration so far
    cum = np.asarray(steps["births_cumulative"] - steps["deaths_cumulative"] + steps["net_migration_cumulative"])[0]
    assert np.allclose(p - p[0], cum, rtol=0, atol=1e-9 * p.max())


def _one_step(P, rate, births, turn):
    """The cohort-component step the block must make, written independently (P: sex x 90 classes)."""
    group_rate = np.repeat(rate, 5, axis=-1)                 # a class's rate is its 5-year group's
    if turn:                                                  # everyone moves up one class (89+ stays)
        moved = np.zeros_like(P)
        moved[:, 1:] = P[:, :-1]
        moved[:, -1] += P[:, -1]
        out = moved * (1 - DT * group_rate)                   # at the rates of the class moved into
    else:
        out = P * (1 - DT * group_rate)
    out[:, 0] += DT * births
    return out


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_accounting_by_cohort_every_step(model, method):
    """Each single-year class after a step is the class (at the turn of the year: the class one year younger,
    moved up whole) less dt x (deaths + net out-migration) at the rates of its group, plus the births in class 0;
    the open class 89+ keeps its members and receives age 88. Exact under Euler and RK4: the classes are the
    model's discrete-time state, held through the RK4 stages."""
    r = simulate(model, settings=SimSettings(2018, 2030, DT, save_every=DT, method=method), save=CLASS + TOTALS)
    P = classes(r)[0]
    rate = np.asarray(r["net_loss_rate"])[0]
    births = np.asarray(r["births_by_sex"])[0]
    times = np.asarray(r.times)
    turns = 0
    for i, t in enumerate(times[:-1]):
        turn = abs(t - round(t)) < 1e-9
        turns += turn
        assert np.allclose(P[i + 1], _one_step(P[i], rate[i], births[i], turn), rtol=0, atol=1e-10 * P.max()), t
    assert turns == 12
    # and in total: population change = dt x (births - deaths + net migration) at every step
    p, b, d, m = (np.asarray(r[k])[0] for k in ("population", "births", "deaths", "net_migration"))
    assert np.allclose(np.diff(p), DT * (b - d + m)[:-1], rtol=0, atol=1e-9 * p.max())


def test_population_by_age_and_total_agree(base):
    pba = np.asarray(base["population_by_age"])
    assert pba.shape[-2:] == (2, len(AGE))
    assert np.allclose(pba.sum(axis=(-1, -2)), base["population"], rtol=1e-12)
    assert np.allclose(classes(base).reshape(pba.shape[:-1] + (18, 5)).sum(axis=-1), pba, rtol=1e-12)
    assert base["population"][0, 0] == pytest.approx(3327.0)


def test_issue_outputs_are_there_with_their_dimensions(base):
    want = {"population": (), "population_by_age": ("sex", "age"), "births": (), "deaths": (), "net_migration": (),
            "net_migration_by_age": ("sex", "age"), "working_age_population": (), "old_age_dependency_ratio": (),
            "median_age": (), "labour_force": (), "labour_force_by_age": ("sex", "age")}
    for name, dims in want.items():
        assert tuple(base.dims[name]) == dims, name
        assert np.all(np.isfinite(base[name])), name


# --------------------------------------------------------------------------- fit to history
def test_fit_to_the_age_structure_sex_totals_and_population_2018_2022(base):
    rows = age_structure_fit(base)
    limited = [r for r in rows if r.limit is not None]
    items = {(r.item.split(" [")[0], r.year) for r in limited}
    for g in ("0-14", "15-59", "60+", "65+"):
        assert (f"share {g} (%)", 2020) in items
    for g in ("0-14", "15-64", "65+"):
        assert (f"share {g} (%)", 2022) in items
    for y in range(2018, 2023):
        assert ("population (10k)", y) in items and ("male (10k)", y) in items and ("female (10k)", y) in items
    bad = [(r.item, r.year, round(r.diff, 3), r.limit) for r in limited if not r.ok]
    assert not bad


def test_history_conditions_reproduce_population_and_crude_rates_2019_2022(base):
    """The fitted history conditions (scripts/population/fit_history.py) are current."""
    for r in age_structure_fit(base):
        if 2019 <= r.year <= 2022 and (r.item.startswith("population") or r.item.startswith("crude")):
            assert abs(r.diff) < 1e-3, (r.item, r.year, r.diff)


def test_median_age_and_dependency_ratio_follow_the_cohorts(base):
    med, oadr = np.asarray(base["median_age"])[0], np.asarray(base["old_age_dependency_ratio"])[0]
    pba = np.asarray(base["population_by_age"])[0]
    assert med[0] == pytest.approx(45.9, abs=0.3)          # grouped median of the 2018 structure
    share = broad_shares(pba[0])
    assert oadr[0] == pytest.approx(share["65+"] / share["15-64"], rel=1e-9)
    assert np.all(np.diff(med) > 0) and np.all(np.diff(oadr) > 0)   # ageing throughout 2018-2050


# --------------------------------------------------------------------------- extremes
def test_zero_fertility_empties_the_0_4_group_within_five_years(model):
    r = simulate(zero_fertility(model), settings=SimSettings(2018, 2024, DT, save_every=DT))
    young = np.asarray(r["population_by_age"])[0, :, :, AGE.index("a0_4")].sum(axis=1)
    times = np.asarray(r.times)
    assert young[0] > 100
    assert young[times == 2022.0][0] > 0                      # the 2018 newborns are 4 at the end of 2022
    assert np.all(young[times >= 2023.0 - 1e-9] == 0.0)        # five years on, nobody is left
    # (classes are labelled by the age reached at the end of the current year: from 1 Jan 2023 on, the
    # 2018 cohort is in the 5-9 group)
    assert np.all(young[times > 2022.0] == 0.0)
    assert np.all(np.asarray(r["births"]) == 0.0)


def test_zero_mortality_and_migration_conserve_each_cohort_as_it_ages(model):
    m = zero_migration(zero_mortality(model))
    r = simulate(m, settings=YEARLY, save=YEARS + ["deaths", "net_migration"])
    P = classes(r)[0]                                         # (T, sex, 90 classes)
    assert np.all(np.asarray(r["deaths"]) == 0) and np.all(np.asarray(r["net_migration"]) == 0)
    for k in (1, 5, 20, 32):
        # class a in 2018 is class a + k in 2018 + k (exactly), up to the open class
        a = np.arange(0, 89 - k)
        assert np.array_equal(P[k][:, a + k], P[0][:, a]), k
        # everyone of 2018 aged 89 - k or more is in the open class
        assert P[k][:, 89] == pytest.approx(P[0][:, 89 - k:].sum(axis=1), rel=1e-12)


@pytest.mark.parametrize("dt", [1.0, 0.5, 0.125])
def test_ageing_is_exact_for_any_dt_dividing_a_year(model, dt):
    m = zero_migration(zero_mortality(zero_fertility(model)))
    ref = classes(simulate(m, settings=SimSettings(2018, 2030, DT), save=YEARS))
    other = classes(simulate(m, settings=SimSettings(2018, 2030, dt), save=YEARS))
    assert np.allclose(other, ref, rtol=1e-12, atol=0)


def test_closed_migration_differs_from_the_baseline_by_net_migration_and_what_migrants_add(model, base):
    """Exact identity: baseline - closed = cumulated net migration + (births_b - births_c) - (deaths_b - deaths_c).

    Net migration alone is the gap only to first order: people who left would later have had children
    and died in the province (and vice versa). Over 2018-2022 it is the gap within 1 %.
    """
    closed = simulate(zero_migration(model), settings=YEARLY)
    gap = np.asarray(base["population"] - closed["population"])[0]
    mig = np.asarray(base["net_migration_cumulative"])[0]
    dbirths = np.asarray(base["births_cumulative"] - closed["births_cumulative"])[0]
    ddeaths = np.asarray(base["deaths_cumulative"] - closed["deaths_cumulative"])[0]
    assert np.allclose(gap, mig + dbirths - ddeaths, rtol=0, atol=1e-9 * 3327)
    assert np.all(np.asarray(closed["net_migration"]) == 0)
    i22 = list(base.times).index(2022.0)
    assert mig[i22] < -100
    assert gap[i22] == pytest.approx(mig[i22], rel=0.01)
    # migrants are young: the closed province loses the births of the leavers and keeps their deaths
    assert dbirths[-1] < 0 and ddeaths[-1] < 0


def test_without_migration_the_65_plus_share_rises_by_itself(model):
    closed = simulate(zero_migration(model), settings=YEARLY)
    pba = np.asarray(closed["population_by_age"])[0]
    s18, s35, s50 = (broad_shares(pba[list(closed.times).index(y)])["65+"] for y in (2018.0, 2035.0, 2050.0))
    assert s18 < 15 < 25 < s35 < s50


# --------------------------------------------------------------------------- labour supply
def test_labour_force_2018_equals_the_core_calibration(base):
    ps = default_parameters()
    target = ps["employment_2018"].array().sum() / (1 - ps["unemployment_rate_2018"].value)
    assert base["labour_force"][0, 0] == pytest.approx(target, rel=1e-12)
    assert np.allclose(np.asarray(base["labour_force_by_age"]).sum(axis=(-1, -2)), base["labour_force"], rtol=1e-12)


def test_statutory_ages_follow_the_2025_reform(base):
    t = np.asarray(base.times)
    for name, old, new in (("men", 60, 63), ("women_cadre", 55, 58), ("women_worker", 50, 55)):
        x = np.asarray(base[f"statutory_age_threshold_{name}"])[0]
        assert np.all(x[t <= 2024.0] == old), name                  # model 2024.0 = 1 Jan 2025
        assert x[t == 2030.0][0] > old and x[t == 2030.0][0] < new, name
        assert np.all(x[t >= 2039.0] == pytest.approx(new)), name    # reached 15 years on (1 Jan 2040)


def test_retirement_reform_raises_labour_supply_after_2025(model, base):
    none = simulate(model.with_constants({"retirement_reform_scale": 0.0}), settings=YEARLY)
    lf, lf0 = np.asarray(base["labour_force"])[0], np.asarray(none["labour_force"])[0]
    t = np.asarray(base.times)
    assert np.array_equal(lf[t <= 2024.0], lf0[t <= 2024.0])
    assert np.all(lf[t >= 2026.0] > lf0[t >= 2026.0])
    gain = lf[t == 2035.0][0] / lf0[t == 2035.0][0] - 1
    assert 0.005 < gain < 0.10
    # the gain is at the ages the reform concerns
    by = np.asarray(base["labour_force_by_age"] - none["labour_force_by_age"])[0, t == 2035.0][0]
    young = [AGE.index(g) for g in ("a20_24", "a30_34", "a40_44")]
    assert np.allclose(by[:, young], 0.0, atol=1e-9)
    assert by[0, AGE.index("a60_64")] > 0 and by[1, AGE.index("a50_54")] > 0


# --------------------------------------------------------------------------- migration pull
def _with_core(model, **equations):
    return model.replace(*[Aux(k, "1", "test stand-in", (), "core_stand_in", equation=v) for k, v in equations.items()])


def test_a_higher_relative_wage_keeps_people_and_unemployment_pushes_them_out(model, base):
    t = np.asarray(base.times)
    rich = simulate(_with_core(model, wage_relative="wage_relative_2018 * 1.1"), settings=YEARLY)
    poor = simulate(_with_core(model, perceived_unemployment_rate="unemployment_rate_2018 + 0.03"), settings=YEARLY)
    hist = t <= 2022.0
    for r in (rich, poor):                              # history years are history conditions
        assert np.array_equal(np.asarray(r["population"])[0, hist], np.asarray(base["population"])[0, hist])
    p35 = {k: np.asarray(r["population"])[0, t == 2035.0][0] for k, r in (("base", base), ("rich", rich), ("poor", poor))}
    assert p35["rich"] > p35["base"] > p35["poor"]
    # migrants by age follow the Rogers-Castro schedule: young adults move most
    nm = np.asarray(base["net_migration_by_age"])[0, t == 2030.0][0].sum(axis=0)
    rate = nm / np.asarray(base["population_by_age"])[0, t == 2030.0][0].sum(axis=0)
    assert AGE[int(np.argmin(rate))] == "a20_24"


def test_age_year_dimension_is_single_years():
    assert AGE_YEARS == ("y0", "y1", "y2", "y3", "y4") and len(AGE) == 18
