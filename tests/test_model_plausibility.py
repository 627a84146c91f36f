"""Long-run plausibility of the Heilongjiang model over its whole parameter space (finding 2/5).

One vectorised ensemble: a Latin hypercube of 200 members over the ranges of every free
parameter (``free = true``) plus the two demographic parameters added with the migration fix,
and three named members: the priors, the calibration's corner that used to explode (every
unidentified parameter at the bound that raises growth), and its pessimistic mirror image.
Each member must show

- real GDP growth 2035-2050 no more than 1 pp faster than in 2018-2035 (no long-run acceleration),
  below +5% a year, and real GDP per member of the labour force growing between -1% and +5% a year
  (the cohort labour force of issue 14 shrinks by 2-5% a year after 2035, so GDP itself may fall by
  more than 1% a year; output per worker must not collapse);
- exports below 40% of GDP in every year, in current prices and in 2018 prices;
- a population that declines from 2018 to 2050 and does not rebound after 2030 without policy; with
  the priors, between the closed-province path (natural decrease alone) and 45% of 2018;

and halving dt (0.25 -> 0.125) must move every headline value in 2050 by less than 1% (net
migration, which can cross zero, relative to the larger of itself and 0.5% of the population).
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine import SimSettings, simulate
from simulator.model import HEADLINE, build_model, default_parameters

#: demographic parameters of the cohort block (issue 14) sampled with the free ones
EXTRA = ("net_outmigration_level_base", "migration_wage_sensitivity", "migration_employment_sensitivity",
         "migration_network_sensitivity", "tfr_future", "mortality_improvement_scale", "in_migration_response")
#: calibrated corner that exploded before the fix (GDP 54,297 and exports 22,265 in 2050); the demographic
#: entries point the cohort block's parameters the same way (more residents and workers)
HOT = {"regional_competitiveness_drift": "hi", "investment_return_elasticity": "lo",
       "tfp_growth_common": "hi", "employment_elasticity": "lo", "export_supply_elasticity": "hi",
       "import_absorption_elasticity": "hi", "russia_gas_hlj_share": "hi",
       "net_outmigration_level_base": "lo", "migration_wage_sensitivity": "hi", "migration_employment_sensitivity": "hi",
       "migration_network_sensitivity": "lo", "tfr_future": "hi", "mortality_improvement_scale": "hi",
       "in_migration_response": "hi"}


def _bounds(p):
    lo, hi = p.bounds()
    return float(np.ravel(lo)[0]), float(np.ravel(hi)[0])


@pytest.fixture(scope="module")
def ensemble():
    ps = default_parameters()
    params = [p for p in ps.free() if not p.dims] + [ps[n] for n in EXTRA]
    n = 200
    rng = np.random.default_rng(20250101)
    design = {}
    for p in params:
        lo, hi = _bounds(p)
        u = (rng.permutation(n) + rng.random(n)) / n          # Latin hypercube column
        hot = hi if HOT.get(p.name) == "hi" else lo
        cold = lo if HOT.get(p.name) == "hi" else hi
        design[p.name] = np.concatenate([lo + u * (hi - lo), [float(np.ravel(p.value)[0]), hot, cold]])
    model = build_model()
    coarse = simulate(model, params=design, settings=SimSettings(dt=0.25))
    fine = simulate(model, params=design, settings=SimSettings(dt=0.125), save=list(HEADLINE))
    return design, coarse, fine


def _at(res, name, year):
    return res[name][:, int(np.flatnonzero(res.years == year)[0])]


def test_no_long_run_acceleration_and_growth_in_band(ensemble):
    _, r, _ = ensemble
    g1 = np.log(_at(r, "gdp_real", 2035) / _at(r, "gdp_real", 2018)) / 17
    g2 = np.log(_at(r, "gdp_real", 2050) / _at(r, "gdp_real", 2035)) / 15
    lf = np.log(_at(r, "labour_force", 2050) / _at(r, "labour_force", 2035)) / 15
    assert np.all(g2 - lf > -0.01), np.sort(g2 - lf)[:5]
    assert np.all(g2 - lf < 0.05), np.sort(g2 - lf)[-5:]
    assert np.all(g2 < 0.05), np.sort(g2)[-5:]
    assert np.all(g2 <= g1 + 0.01), (g2 - g1).max()


def test_exports_stay_a_modest_share_of_gdp(ensemble):
    _, r, _ = ensemble
    assert np.all(r["exports"] / r["gdp_nominal"] < 0.4)
    assert np.all(r["exports_real"] / r["gdp_real"] < 0.4)
    # exports grow no faster than 8%/yr in real terms on average over any 15 years
    x = r["exports_real"]
    assert np.all(np.log(x[:, 15:] / x[:, :-15]) / 15 < 0.08)


def test_population_declines_without_rebound(ensemble):
    _, r, _ = ensemble
    pop = r["population"]
    i30 = int(np.flatnonzero(r.years == 2030)[0])
    assert np.all(pop[:, -1] < pop[:, 0])
    assert np.all(np.diff(pop[:, i30:], axis=1) < 0), "population rises again after 2030"


def test_priors_population_path_is_demographically_defensible(ensemble):
    """With the priors the population of 2050 lies below the closed-province path (no net migration after the
    history years: natural decrease of the cohorts alone, TFR ~0.67 and HLJ's old age structure) and above 45%
    of 2018 (net out-migration at the pre-COVID 2019-2020 rate, ~2.2% a year, sustained to 2050 would leave
    about 42%)."""
    _, r, _ = ensemble
    prior = 200
    pop2050 = r["population"][prior, -1]
    closed = simulate(build_model(), params={"max_migration_rate": 0.0}, save=["population"])["population"][0, -1]
    assert 0.45 * 3327 < pop2050 < closed < 0.75 * 3327, (pop2050, closed)


def test_halving_dt_changes_2050_headlines_less_than_1pct(ensemble):
    _, coarse, fine = ensemble
    for name in HEADLINE:
        a, b = coarse[name][:, -1], fine[name][:, -1]
        scale = np.maximum(np.abs(b), 1e-6 if name != "lever_spending" else 1.0)
        if name == "net_migration":
            # a net flow that can cross zero (the small difference of an income push and a job pull, each
            # ~2% of the population a year): measured against the member's own net flow in 2018, when it
            # was far from zero (about 2% of the population), not against its near-zero 2050 value
            scale = np.maximum(scale, np.abs(fine[name][:, 0]))
        err = np.abs(a - b) / scale
        assert np.all(err < 0.01), (name, float(err.max()))
