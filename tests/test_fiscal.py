"""The fiscal block and the financing of levers (issue 15).

Two tiers:

- the block alone (:func:`standalone`): the fiscal components with the shipped parameters and
  exogenous core inputs (nominal GDP, deflator, population, rates as closed-form paths), so
  hand computations are exact and the economy cannot feed back;
- the whole Heilongjiang model (scenarios as shipped), for accounting identities, calibration
  checks and the financing settings.
"""

from __future__ import annotations

import math
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from simulator.cli import main as cli
from simulator.engine import Aux, Constant, Model, SimSettings, simulate
from simulator.engine.expr import names
from simulator.levers.financing import KEYS, financing_names
from simulator.model import LEVERS, build_model, default_parameters, fiscal, load_model_parameters
from simulator.model._base import DIMENSIONS, one_year
from simulator.model.build import model_constants
from simulator.params import ParameterError
from simulator.scenarios import ScenarioError, prepare

REPO = Path(__file__).resolve().parents[1]
SCEN = REPO / "scenarios"
FINE = SimSettings(start=2018, stop=2050, dt=0.25, save_every=0.25)

Y0 = 12846.5          # gdp_nominal_2018 [100m yuan/yr]
POP0 = 3327.0         # population_2018 [10k persons]


# ----------------------------------------------------------------------------- the block alone

def standalone(*, growth=0.05, inflation=0.02, pop_growth=-0.008, china_growth=0.045, rate=0.04) -> Model:
    """Fiscal block + shipped fiscal/lever parameters + closed-form core inputs (no feedback)."""
    ps = default_parameters()
    consts = [c for c in model_constants(ps) if c.group in ("fiscal", "levers")]
    t = "(time - 2018)"
    inputs = [
        one_year(),
        Aux("gdp_nominal", fiscal.NOMINAL, equation=f"{Y0} * exp({growth + inflation} * {t})"),
        Aux("gdp_deflator", "1", equation=f"exp({inflation} * {t})"),
        Aux("population", "10k persons", equation=f"{POP0} * exp({pop_growth} * {t})"),
        Aux("interest_rate", "1/yr", equation=f"{rate} + 0 * time"),
        Aux("china_gdp_per_capita_index", "1", equation=f"exp({china_growth} * {t})"),
    ]
    for lid in LEVERS:
        inputs.append(Aux(f"spending_{lid}", "100m yuan/yr",
                          equation=f"{lid}_budget * if_then_else({lid}_ramp > 0, clip((time - {lid}_start)"
                                   f" / max({lid}_ramp, 1e-9), 0, 1), 1) * (time >= {lid}_start) * (time < {lid}_end)"))
    return Model("fiscal_standalone", components=tuple(consts + inputs + fiscal.components()), dimensions=DIMENSIONS)


def lever(lid="port_investment", *, budget=100.0, start=2025.0, end=2030.0, ramp=0.0, central=0.0, bonds=0.0,
          reallocation=0.0, **extra) -> dict:
    """Constant overrides for one lever with a given financing mix."""
    return {f"{lid}_budget": budget, f"{lid}_start": start, f"{lid}_end": end, f"{lid}_ramp": ramp,
            f"{lid}_financing_central": central, f"{lid}_financing_bonds": bonds,
            f"{lid}_financing_reallocation": reallocation, **extra}


@pytest.fixture(scope="module")
def alone():
    return standalone()


def _v(res, name):
    return res[name][0]


def test_block_reads_only_the_documented_core_interface():
    own = {c.name for c in fiscal.components()}
    ps = default_parameters()
    params = {p.name for p in ps.in_block("fiscal")} | {n for lid in LEVERS for n in financing_names(lid)}
    used = set()
    for c in fiscal.components():
        for attr in ("node", "initial_node"):
            if hasattr(c, attr):
                used |= names(getattr(c, attr))
    external = used - own - params - {"time"}
    assert external <= set(fiscal.CORE_INPUTS), sorted(external - set(fiscal.CORE_INPUTS))
    assert set(fiscal.PROVIDES) | set(fiscal.OUTPUTS) <= own
    for name in fiscal.OUTPUTS + fiscal.PROVIDES:
        m = build_model()
        assert m[name].units and m[name].group == "fiscal", name


def test_core_starts_from_the_fiscal_base_year_gdp():
    base = simulate(build_model())
    assert base["gdp_nominal"][0, 0] == pytest.approx(float(default_parameters()["gdp_nominal_2018"].value), rel=1e-12)
    assert base["gdp_deflator"][0, 0] == pytest.approx(1.0, rel=1e-12)


def test_bond_financed_lever_debt_matches_a_hand_computation():
    """Debt rises by the amount borrowed plus accrued interest while the lever spends, then is repaid."""
    m = standalone(inflation=0.0, rate=0.04)              # price of government purchases = 1, rate constant
    ps = default_parameters()
    spread, mat = float(ps["local_bond_spread"].value), float(ps["bond_maturity_new"].value)
    r = 0.04 + spread
    res = simulate(m, lever(bonds=1.0), FINE)
    times = res.times
    dt = 0.25
    lb, c, hand_lb, hand_c, borrowed, capitalised = 0.0, 0.0, [], [], 0.0, 0.0
    for t in times:
        hand_lb.append(lb)
        hand_c.append(c)
        w = 1.0 if 2025 <= t < 2030 else 0.0
        b = 100.0 * w
        borrowing = b + w * c
        borrowed += dt * b
        capitalised += dt * w * c
        lb, c = lb + dt * (borrowing - (1 - w) * lb / mat), c + dt * (r * borrowing - (1 - w) * c / mat)
    np.testing.assert_allclose(_v(res, "lever_bond_debt_port_investment"), hand_lb, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(_v(res, "lever_bond_interest_port_investment"), hand_c, rtol=1e-12, atol=1e-9)
    k30 = int(np.argmin(abs(times - 2030)))
    debt30 = _v(res, "lever_bond_debt")[k30]
    assert borrowed == pytest.approx(500.0)
    assert debt30 == pytest.approx(borrowed + capitalised, rel=1e-12)
    # continuous-time check of the accrued interest: B (e^{rT} - 1) / r for T = 5 years
    assert debt30 == pytest.approx(100.0 * (math.exp(5 * r) - 1) / r, rel=0.01)
    after = _v(res, "lever_bond_debt")[k30:]
    assert np.all(np.diff(after) < 0), "repaid after the programme"
    assert after[-1] == pytest.approx(debt30 * (1 - dt / mat) ** (len(after) - 1), rel=1e-10)
    service = _v(res, "lever_debt_service")
    assert np.all(service[times < 2030] == 0), "no budget cost while interest is capitalised"
    np.testing.assert_allclose(service[k30:], (np.array(hand_c) + np.array(hand_lb) / mat)[k30:], rtol=1e-12)


def test_bond_financing_raises_provincial_debt_by_the_lever_debt(alone):
    off = {"fiscal_reaction_speed": 0.0}                  # isolate the lever's own debt from the reaction
    base = simulate(alone, off, FINE)
    bonds = simulate(alone, {**off, **lever(bonds=1.0)}, FINE)
    np.testing.assert_allclose(_v(bonds, "government_debt") - _v(base, "government_debt"),
                               _v(bonds, "lever_bond_debt"), rtol=1e-10, atol=1e-7)
    assert _v(bonds, "lever_bond_debt").max() > 500.0


def test_central_financing_leaves_provincial_debt_unchanged(alone):
    base = simulate(alone, None, FINE)
    central = simulate(alone, lever(central=1.0), FINE)
    for name in ("government_debt", "government_consumption", "public_investment_fiscal", "fiscal_consolidation",
                 "interest_payments"):
        np.testing.assert_array_equal(_v(central, name), _v(base, name), err_msg=name)
    np.testing.assert_allclose(_v(central, "government_deficit"), _v(base, "government_deficit"), rtol=1e-12)
    assert np.all(_v(central, "lever_bond_debt") == 0)
    np.testing.assert_allclose(_v(central, "central_transfers") - _v(base, "central_transfers"),
                               _v(central, "lever_central_funding"), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(_v(central, "government_expenditure") - _v(base, "government_expenditure"),
                               _v(central, "lever_outlays"), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("lid", ["port_investment", "finance_clustering"])
def test_reallocation_lowers_other_government_demand_one_for_one(alone, lid):
    base = simulate(alone, None, FINE)
    realloc = simulate(alone, lever(lid, budget=80.0, ramp=2.0, reallocation=1.0), FINE)
    demand = ("government_consumption", "public_investment_fiscal")
    cut = sum(_v(base, n) - _v(realloc, n) for n in demand)
    spent = _v(realloc, f"spending_{lid}")
    assert spent.max() == pytest.approx(80.0)
    np.testing.assert_allclose(cut, spent, rtol=1e-10, atol=1e-9)      # real yuan for real yuan
    np.testing.assert_array_equal(_v(realloc, "government_transfers_households"),
                                  _v(base, "government_transfers_households"))
    np.testing.assert_allclose(_v(realloc, "government_debt"), _v(base, "government_debt"), rtol=1e-12)
    np.testing.assert_allclose(_v(realloc, "government_expenditure"), _v(base, "government_expenditure"),
                               rtol=1e-12)


def test_lever_settings_mix_adds_up_in_current_prices(alone):
    res = simulate(alone, lever(budget=60.0, ramp=1.0, central=0.2, bonds=0.5, reallocation=0.3), FINE)
    parts = sum(_v(res, f"lever_{k}") for k in ("central_funding", "bond_funding", "reallocation"))
    np.testing.assert_allclose(parts, _v(res, "lever_outlays"), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_v(res, "lever_outlays"),
                               _v(res, "spending_port_investment") * _v(res, "government_price_index"), rtol=1e-12)


@pytest.mark.parametrize("elasticity", [1.0, 0.7])
def test_revenue_tracks_nominal_gdp_with_the_stated_elasticity(elasticity):
    m = standalone(growth=0.04, inflation=0.02)
    res = simulate(m, {"tax_revenue_elasticity": elasticity, "nontax_revenue_elasticity": elasticity}, FINE)
    ps = default_parameters()
    r0 = float(ps["own_revenue_to_gdp_2018"].value) * Y0
    base = _v(res, "fiscal_tax_base")
    pre = _v(res, "fiscal_revenue") / _v(res, "own_revenue_policy_factor")
    np.testing.assert_allclose(pre, r0 * (base / Y0) ** elasticity, rtol=1e-12)
    k = res.times >= 2025
    slope = np.polyfit(np.log(base[k]), np.log(pre[k]), 1)[0]
    assert slope == pytest.approx(elasticity, rel=1e-9)
    # the tax base follows nominal GDP with the budget lag: on steady growth g, base / GDP -> 1 / (1 + g tau)
    tau, g = float(ps["budget_planning_time"].value), 0.06
    ratio = base[-1] / _v(res, "gdp_nominal")[-1]
    assert ratio == pytest.approx(1 / (1 + g * tau), rel=0.01)
    tax_share = _v(res, "fiscal_revenue_tax") / _v(res, "fiscal_revenue")
    assert tax_share[0] == pytest.approx(float(ps["tax_share_of_own_revenue"].value), rel=1e-12)


def test_fiscal_reaction_cuts_spending_when_a_warning_line_is_passed(alone):
    calm = simulate(alone, None, FINE)
    assert _v(calm, "fiscal_consolidation")[0] == 0      # HLJ starts below both lines (debt / resources 0.90)
    for over in ({"government_debt_2018": 6000.0}, {"interest_burden_threshold": 0.02}):
        hot = simulate(alone, over, FINE)
        hot_off = simulate(alone, {**over, "fiscal_reaction_speed": 0.0}, FINE)
        assert _v(hot, "fiscal_consolidation")[0] > 0, over
        assert np.all(_v(hot, "government_purchases") <= _v(hot_off, "government_purchases") + 1e-9), over
        assert _v(hot, "government_debt")[-1] < _v(hot_off, "government_debt")[-1], over
    hot = simulate(alone, {"government_debt_2018": 6000.0}, FINE)
    ratio = _v(hot, "debt_to_fiscal_resources")
    assert ratio[0] > 1.3 and ratio[-1] < ratio[0], "the reaction brings debt back toward the line"


# ----------------------------------------------------------------------------- the whole model

@pytest.fixture(scope="module")
def package():
    p = prepare(SCEN / "full_package.toml")
    return p, simulate(p.model, settings=FINE)


def test_accounting_identities_at_every_step(package):
    _, res = package
    v = lambda n: _v(res, n)  # noqa: E731
    np.testing.assert_allclose(v("government_deficit"),
                               v("government_expenditure") - v("fiscal_revenue") - v("central_transfers"), rtol=1e-12)
    np.testing.assert_allclose(v("bond_issuance") - v("principal_repaid"), v("government_deficit"),
                               rtol=1e-9, atol=1e-7)
    np.testing.assert_allclose(np.diff(v("government_debt")), 0.25 * v("government_deficit")[:-1], rtol=1e-9, atol=1e-7)
    np.testing.assert_allclose(v("government_debt"), v("legacy_debt") + v("new_debt") + v("lever_bond_debt"),
                               rtol=1e-12)
    np.testing.assert_allclose(v("government_expenditure"),
                               v("government_primary_expenditure") + v("lever_outlays") + v("interest_payments"),
                               rtol=1e-12)
    np.testing.assert_allclose(v("lever_bond_debt"), sum(v(f"lever_bond_debt_{lid}") for lid in LEVERS), rtol=1e-12)
    assert v("lever_bond_debt").max() > 0 and v("lever_debt_service").max() > 0
    np.testing.assert_allclose(v("debt_to_gdp"), v("government_debt") / v("gdp_nominal"), rtol=1e-12)
    np.testing.assert_allclose(v("debt_to_revenue"), v("government_debt") / v("fiscal_revenue"), rtol=1e-12)


def test_zero_lever_budgets_reproduce_the_no_lever_fiscal_path_exactly():
    m = build_model()
    base = simulate(m)
    mixes = {n: 0.0 for lid in LEVERS for n in financing_names(lid)}
    mixes.update({f"{lid}_financing_bonds": 1.0 for lid in LEVERS})
    zero = simulate(m, {**mixes, "port_investment_start": 2019.0, "port_investment_end": 2040.0})
    for name in (*fiscal.OUTPUTS, *fiscal.PROVIDES, "gdp_real", "fiscal_consolidation"):
        np.testing.assert_array_equal(zero[name], base[name], err_msg=name)


def test_bond_and_reallocation_financing_in_the_whole_model():
    m = build_model()
    runs = {k: simulate(m, lever(budget=100.0, start=2025.0, end=2035.0, ramp=2.0, **{k: 1.0}))
            for k in ("central", "bonds", "reallocation")}
    years = runs["central"].times
    assert np.all(runs["central"]["lever_bond_debt"] == 0) and np.all(runs["reallocation"]["lever_bond_debt"] == 0)
    debt = runs["bonds"]["lever_bond_debt"][0]
    k35 = int(np.argmax(years >= 2035))
    assert debt[k35] > runs["bonds"]["lever_bond_funding"][0].sum() * 0.99, "borrowed amount plus interest"
    assert np.all(np.diff(debt[k35:]) < 0)
    assert np.all(runs["bonds"]["lever_debt_service"][0][years >= 2036] > 0)
    # the province's own demand is cut only when it pays: reallocation at once, bonds later, central never
    gd = {k: (r["government_consumption"] + r["public_investment_fiscal"])[0] for k, r in runs.items()}
    during = (years >= 2027) & (years < 2035)
    assert np.all(gd["reallocation"][during] < gd["central"][during] - 50)
    repay = (years >= 2036) & (years <= 2040)          # the first years of repayment: service is largest
    assert np.all(runs["bonds"]["lever_debt_service"][0][repay] > 1.0)
    assert np.all(gd["bonds"][repay] < gd["central"][repay])


def test_calibration_to_the_sourced_fiscal_years():
    p = prepare(SCEN / "baseline.toml")
    res = simulate(p.model, settings=p.settings)
    i = lambda y: int(np.argmin(abs(res.times - y)))  # noqa: E731
    v = lambda n, y: float(res[n][0, i(y)])  # noqa: E731
    # 2018 anchors (data/fiscal/hlj_fiscal.csv)
    assert v("fiscal_revenue", 2018) == pytest.approx(1283.1, rel=1e-3)
    assert v("own_revenue_to_gdp", 2018) == pytest.approx(0.0999, abs=5e-4)
    assert v("fiscal_revenue_tax", 2018) / v("fiscal_revenue", 2018) == pytest.approx(0.738, abs=1e-3)
    assert v("central_transfer_share", 2018) == pytest.approx(0.6471, abs=1e-4)      # 62-67% in 2014-2016
    assert v("expenditure_to_gdp", 2018) == pytest.approx(0.364, abs=1e-4)
    assert v("government_debt", 2018) == pytest.approx(3885.33, rel=1e-9)
    assert v("interest_payments", 2018) == pytest.approx(0.036018 * 3885.33, rel=1e-9)
    assert v("debt_to_revenue", 2018) == pytest.approx(3.03, abs=0.01)              # bonds / own revenue, end-2018
    # own revenue / GDP after the 2019 tax cuts: 8.75% in 2021 (1,300.5 / 14,858.2); 2020 (8.45%) was a pandemic year
    assert abs(v("own_revenue_to_gdp", 2021) - 0.0875) < 0.005
    # self-sufficiency 24.2% in 2023 (secondary, low confidence): within 4 pp
    assert abs(v("fiscal_self_sufficiency", 2023) - 0.242) < 0.04
    # the transfer rule keeps central money paying most of the budget, as in 2014-2016
    assert 0.6 < v("central_transfer_share", 2030) < 0.8
    debt = res["debt_to_gdp"][0]
    assert np.all((debt > 0.25) & (debt < 0.8)), "debt / GDP stays in the range of Chinese provinces"
    assert res["debt_to_fiscal_resources"][0].max() < 1.3, "the fiscal reaction keeps debt near the warning line"
    # the calibration's history scenario (pandemic applied) against the outturns: own revenue 1,152.5 (2020) and
    # 1,300.5 (2021), expenditure 5,449.4 (2020, with pandemic spending the model does not carry): within 10%
    h = prepare(SCEN / "pandemic_replay.toml")
    hist = simulate(h.model, settings=h.settings)
    at = lambda n, y: float(hist[n][0, int(np.argmin(abs(hist.times - y)))])  # noqa: E731
    assert at("fiscal_revenue", 2020) == pytest.approx(1152.5, rel=0.10)
    assert at("fiscal_revenue", 2021) == pytest.approx(1300.5, rel=0.10)
    assert at("government_expenditure", 2020) == pytest.approx(5449.4, rel=0.10)


# ----------------------------------------------------------------------------- financing settings

def test_shipped_financing_defaults_sum_to_one_and_are_sourced():
    ps = default_parameters()
    for lid in LEVERS:
        shares = [ps[n] for n in financing_names(lid)]
        assert sum(float(p.value) for p in shares) == pytest.approx(1.0, abs=1e-12), lid
        for p in shares:
            assert p.distribution == "fixed" and len(p.source) > 60, p.name
    # special-purpose bonds may not pay wages, operating costs or subsidies (State Council General Office, 2024)
    assert float(ps["finance_clustering_financing_bonds"].value) == 0.0
    assert float(ps["ftz_opening_financing_bonds"].value) == 0.0


def _params_copy(tmp_path, replace_from, replace_to):
    d = tmp_path / "params"
    shutil.copytree(REPO / "params", d)
    f = d / "levers.toml"
    text = f.read_text(encoding="utf-8")
    assert replace_from in text
    f.write_text(text.replace(replace_from, replace_to, 1), encoding="utf-8")
    return d


def test_financing_shares_must_sum_to_one_in_parameter_files(tmp_path):
    d = _params_copy(tmp_path, "[port_investment_financing_central]\nvalue = 0.4",
                     "[port_investment_financing_central]\nvalue = 0.5")
    with pytest.raises(ParameterError) as exc:
        build_model(load_model_parameters(d))
    msg = str(exc.value)
    assert msg.startswith(f"{d / 'levers.toml'}: port_investment_financing_central/_bonds/_reallocation: shares")
    assert "= 1.1" in msg and "must sum to 1" in msg and "\n" not in msg
    res = CliRunner().invoke(cli, ["validate", str(d)])
    assert res.exit_code == 2
    assert "port_investment_financing_central/_bonds/_reallocation" in res.output
    assert "Traceback" not in res.output


def test_financing_shares_must_sum_to_one_in_scenarios(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text(f'name = "bad"\nextends = "{SCEN / "baseline.toml"}"\ndescription = "x"\n'
                 "[levers.port_investment]\nbudget = 50\nfinancing_central = 0.9\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        prepare(f)
    msg = str(exc.value)
    assert msg.startswith(f"{f}: levers.port_investment: financing shares central 0.9 + bonds 0.45 +"
                          " reallocation 0.15 = 1.5, must sum to 1")
    assert "state all three" in msg
    ok = tmp_path / "ok.toml"
    ok.write_text(f'name = "ok"\nextends = "{SCEN / "baseline.toml"}"\ndescription = "x"\n'
                  "[levers.port_investment]\nbudget = 50\nfinancing_central = 0.25\nfinancing_bonds = 0.25\n"
                  "financing_reallocation = 0.5\n", encoding="utf-8")
    assert prepare(ok).params["port_investment_financing_reallocation"] == 0.5
    res = CliRunner().invoke(cli, ["run", str(f), "-o", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert res.output.count("\n") == 1 and "levers.port_investment: financing shares" in res.output


def test_every_shipped_scenario_states_its_financing():
    from simulator.scenarios import load_scenario

    for f in sorted(SCEN.glob("*.toml")):
        own = tomllib.loads(f.read_text(encoding="utf-8")).get("levers", {})
        for lid, spec in own.items():
            assert all(k in spec for k in KEYS), (f.name, lid, sorted(spec))
            assert sum(spec[k] for k in KEYS) == pytest.approx(1.0, abs=1e-12), (f.name, lid)
        for lid, spec in load_scenario(f).levers.items():
            assert all(k in spec for k in KEYS), (f.name, lid)


def test_levers_show_prints_the_financing_default_with_its_source():
    res = CliRunner().invoke(cli, ["levers", "show", "port_investment"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "Financing (default):" in out
    for key in KEYS:
        assert key in out
    assert "central 0.4 / bonds 0.45 / reallocation 0.15" in out
    assert "special-purpose bonds" in out.replace("\n", " ").replace("  ", " ")


def test_financing_constants_exist_for_every_lever():
    m = build_model()
    for lid in LEVERS:
        for n in financing_names(lid):
            assert isinstance(m[n], Constant) and m[n].units == "1", n
        assert f"lever_bond_debt_{lid}" in m and f"lever_debt_service_{lid}" in m
