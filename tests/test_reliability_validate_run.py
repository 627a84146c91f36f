"""Issue 11, validate == run: ``regsim validate`` accepts exactly what ``regsim run`` accepts.

Both go through :func:`simulator.scenarios.prepare` (validate stops short of integrating), so for every
input below the verdicts agree, and the line ``run`` prints is among the problems ``validate`` reports.
Silent acceptance is a defect: each of the cases the issue lists (and the general class behind it) is
refused with the file and key named, or -- budgets outside their documented range -- warned about loudly
by both.
"""

from __future__ import annotations

import shutil

import pytest
from reliability_support import HEAD, LEVER, PARAMS, SCEN, assert_bad_input, assert_ok, cli, write

import simulator.scenarios.apply as apply_mod

#: scenario text -> (key named, words of the problem)
BAD_SCENARIOS = {
    "empty file": ("", "", "empty scenario file"),
    "only comments": ("# nothing here\n\n", "", "empty scenario file"),
    "typo'd parameter": (HEAD + "[parameters]\npartner_demand_elastcity = -2.5\n", "parameters.partner_demand_elastcity",
                         "did you mean partner_demand_elasticity"),
    "wrong-length arrayed value": (HEAD + "[parameters]\nva_2018 = [1, 2, 3]\n", "parameters.va_2018",
                                   "expected 9 values"),
    "scalar for an arrayed value": (HEAD + "[parameters]\nva_2018 = 5\n", "parameters.va_2018", "expected 9"),
    "list for a scalar": (HEAD + "[parameters]\npartner_demand_elasticity = [1, 2]\n", "parameters.partner_demand_elasticity",
                          "expected one number"),
    "save_every = 0": (HEAD + "[horizon]\nsave_every = 0\n", "horizon.save_every", "must be > 0"),
    "NUL in the name": ('name = "a\\u0000b"\ndescription = "d"\n' + LEVER, "name", "U+0000"),
    "path separator in the name": ("name = 'a/b'\n" + LEVER, "name", "folder name"),
    "name of 300 characters": ("name = '" + "n" * 300 + "'\n" + LEVER, "name", "at most 100"),
    "shock with a path and a window": (HEAD + "[shocks.russia_demand]\nyears = [2020, 2030]\nvalues = [1, 0.5]\n"
                                       "start = 2025\nend = 2030\nmultiplier = 0.5\n", "shocks.russia_demand",
                                       "not both"),
    "negative capacity in a shock path": (HEAD + "[shocks.border_closure]\nyears = [2020, 2021]\n"
                                          "values = [1.0, -0.4]\n", "shocks.border_closure.values", "outside [0, 10]"),
    "share above one": (HEAD + "[shocks.trade_diversion]\nyears = [2020, 2030]\nvalues = [0.1, 1.5]\n",
                        "shocks.trade_diversion.values", "outside [0, 1]"),
    "interest rate value = -50": (HEAD + "[shocks.interest_rate]\nstart = 2025\nend = 2030\nvalue = -50\n",
                                  "shocks.interest_rate.value", "outside [-0.1, 1]"),
    "multiplier pushing a share above one": (HEAD + "[shocks.trade_diversion]\nstart = 2023\nend = 2030\n"
                                             "multiplier = 9\n", "shocks.trade_diversion.multiplier", "outside [0, 1]"),
    "lever end before its default start": (HEAD + "[levers.port_investment]\nbudget = 50\nend = 2024\n",
                                           "levers.port_investment.end", "never spend"),
    "lever start after its default end": (HEAD + "[levers.port_investment]\nbudget = 50\nstart = 2040\n",
                                           "levers.port_investment.start", "never spend"),
    "lever start equal to end": (HEAD + "[levers.port_investment]\nbudget = 50\nstart = 2030\nend = 2030\n",
                                 "levers.port_investment.end", "never spend"),
    "lever without a budget": (HEAD + "[levers.port_investment]\nstart = 2026\n", "levers.port_investment",
                               "no budget given"),
    "empty lever table": (HEAD + "[levers.port_investment]\n", "levers.port_investment", "empty table"),
    "empty shock table": (HEAD + "[shocks.oil_price]\n", "shocks.oil_price", "empty table"),
    "description = 5 on a shock": (HEAD + "[shocks.oil_price]\nstart = 2025\nend = 2030\nmultiplier = 0.9\n"
                                   "description = 5\n", "shocks.oil_price.description", "must be a string"),
    "description = 5": ("name = 'x'\ndescription = 5\n" + LEVER, "description", "must be a string"),
    "unknown lever setting": (HEAD + "[levers.port_investment]\nbudget = 5\nbudjet = 9\n",
                              "levers.port_investment.budjet", "did you mean budget"),
    "unknown shock": (HEAD + "[shocks.oil_prise]\nstart = 2025\nend = 2030\nmultiplier = 0.5\n",
                      "shocks.oil_prise", "did you mean oil_price"),
    "unknown top-level key": (HEAD + "levers_ = 1\n", "levers_", "unknown key"),
    "unknown horizon key": (HEAD + "[horizon]\nend = 2040\n", "horizon.end", "unknown key"),
    "lever setting out of range": (HEAD + "[levers.port_investment]\nbudget = 5\nramp = 99\n",
                                   "levers.port_investment.ramp", "outside the plausible range"),
    "parameter out of range": (HEAD + "[parameters]\npartner_demand_elasticity = 50\n",
                               "parameters.partner_demand_elasticity", "outside the plausible range"),
    "two amounts in a window": (HEAD + "[shocks.oil_price]\nstart = 2025\nend = 2030\nvalue = 9\nmultiplier = 2\n",
                                "shocks.oil_price", "exactly one of"),
    "capacity_multiplier on another shock": (HEAD + "[shocks.oil_price]\nstart = 2025\nend = 2030\n"
                                             "capacity_multiplier = 0.5\n", "capacity_multiplier", "only for"),
    "dt that does not divide a year": (HEAD + "[horizon]\ndt = 0.3\n", "horizon.dt", "divide one year"),
    "stop past 2100": (HEAD + "[horizon]\nstop = 2200\n", "horizon.stop", "at most 2100"),
    "a boolean budget": (HEAD + "[levers.port_investment]\nbudget = true\n", "levers.port_investment.budget",
                         "boolean"),
    "a date as a seed": (HEAD + "seed = 2020-01-01\n", "seed", "non-negative integer"),
    "extends itself": (HEAD + "extends = 's.toml'\n", "extends", "cyclic"),
    "extends a missing file": (HEAD + "extends = 'nope.toml'\n", "extends", "no such file"),
    "extends = 3": (HEAD + "extends = 3\n", "extends", "must be the file name"),
}


def _run_and_validate(tmp_path, text):
    f = write(tmp_path / "s.toml", text)
    run = cli("run", f, "-o", tmp_path / "out")
    val = cli("validate", f)
    return f, run, val


@pytest.mark.parametrize("case", sorted(BAD_SCENARIOS))
def test_validate_refuses_what_run_refuses(tmp_path, case):
    text, key, words = BAD_SCENARIOS[case]
    f, run, val = _run_and_validate(tmp_path, text)
    line = assert_bad_input(run, str(f), key, words)
    assert_bad_input(val, str(f), key, words, lines=None)
    assert line.removeprefix("regsim: error: ") in val.stderr       # the very same message
    assert not (tmp_path / "out").exists()


GOOD_SCENARIOS = {
    "a lever": HEAD + LEVER,
    "extends and overrides": HEAD + "extends = '" + str(SCEN / "port_investment.toml") + "'\n"
                             "[levers.port_investment]\nend = 2032\n",
    "child switches a path shock to a window": HEAD + "extends = '" + str(SCEN / "pandemic_replay.toml") + "'\n"
                                               "[shocks.border_closure]\nstart = 2020\nend = 2021\n"
                                               "capacity_multiplier = 0.5\n",
    "budget switched off": HEAD + "[levers.port_investment]\nbudget = 0\n",
    "rk4 and a finer step": HEAD + "[horizon]\nmethod = 'rk4'\ndt = 0.125\nstop = 2030\n" + LEVER,
    "Chinese text": "name = '港口'\ndescription = '黑龙江口岸投资'\n" + LEVER,
}


@pytest.mark.parametrize("case", sorted(GOOD_SCENARIOS))
def test_validate_accepts_what_run_accepts(tmp_path, case):
    f, run, val = _run_and_validate(tmp_path, GOOD_SCENARIOS[case])
    assert_ok(run)
    assert_ok(val)


def test_budget_outside_its_documented_range_is_a_loud_warning_in_both(tmp_path):
    f, run, val = _run_and_validate(tmp_path, HEAD + "[levers.port_investment]\nbudget = 900\nstart = 2024\n"
                                                     "end = 2030\n")
    assert_ok(run)
    assert_ok(val)
    for out in (run, val):
        warn = [ln for ln in out.lines if ln.startswith("regsim: WARNING:")]
        assert len(warn) == 1, out.explain()
        assert str(f) in warn[0] and "levers.port_investment.budget" in warn[0] and "[0.0, 500.0]" in warn[0]
    assert "1 warning" in val.stdout
    assert_bad_input(cli("validate", f, "--strict"), "1 problem", lines=None)


def test_every_shipped_file_is_valid_and_runs(tmp_path):
    assert_ok(cli("validate", PARAMS, SCEN))


@pytest.fixture()
def params_copy(tmp_path, monkeypatch):
    d = tmp_path / "params"
    shutil.copytree(PARAMS, d)
    monkeypatch.setattr(apply_mod, "default_params_dir", lambda: d)
    return d


PARAM_MUTATIONS = {
    "typo'd parameter name": ("trade.toml", "[partner_demand_elasticity]", "[partner_demand_elastcity]",
                              "partner_demand_elastcity", "misspelling"),
    "unknown dims": ("production.toml", 'dims = "sector"', 'dims = "sektor"', "va_2018.dims", "unknown dimension"),
    "wrong length": ("production.toml", "value = [3451.0, 1150.0, 320.0, 740.0, 700.0, 1700.0, 1900.0, 2500.0, 385.5]",
                     "value = [3451.0, 1150.0]", "va_2018", "got 2"),
    "missing source": ("finance.toml", 'source = "assumption: loan books', 'sourc = "assumption: loan books',
                       "credit_adjustment_time", "unknown field"),
    "value outside range": ("finance.toml", "[credit_adjustment_time]\nvalue = 3.0",
                            "[credit_adjustment_time]\nvalue = 30.0", "credit_adjustment_time", "outside range"),
    "string value": ("finance.toml", "[credit_adjustment_time]\nvalue = 3.0",
                     "[credit_adjustment_time]\nvalue = 'three'", "credit_adjustment_time", "must be a number"),
    "BOM": ("finance.toml", "[meta]", "\ufeff[meta]", "finance.toml", "byte-order mark"),
}


@pytest.mark.parametrize("case", sorted(PARAM_MUTATIONS))
def test_parameter_files_validate_as_they_run(tmp_path, params_copy, case):
    fname, old, new, key, words = PARAM_MUTATIONS[case]
    f = params_copy / fname
    text = f.read_text()
    assert old in text
    f.write_text(text.replace(old, new, 1))
    run = cli("run", SCEN / "baseline.toml", "-o", tmp_path / "out")
    val = cli("validate", params_copy)
    line = assert_bad_input(run, str(f), key, words)
    assert_bad_input(val, str(f), key, words, lines=None)
    assert line.removeprefix("regsim: error: ") in val.stderr
    scen = cli("validate", SCEN / "baseline.toml")      # a scenario is validated against the parameters it runs with
    assert_bad_input(scen, str(f), key, lines=None)


def test_an_unused_parameter_is_a_warning_in_both(tmp_path, params_copy):
    f = params_copy / "trade.toml"
    f.write_text(f.read_text() + "\n[partner_demand_elastcity]\nvalue = 1.0\nunit = '1'\nrange = [0, 2]\nsource = 'x'\n")
    run = cli("run", SCEN / "baseline.toml", "-o", tmp_path / "out", "-q")
    val = cli("validate", params_copy)
    for out in (run, val):
        assert_ok(out)
        assert "partner_demand_elastcity: defined but not used" in out.stderr and str(f) in out.stderr


def test_correlations_typo_is_refused(tmp_path):
    c = write(tmp_path / "c.toml", "[correlation]\npairs = [['partner_demand_elasticity', 'regional_risk_premium', 0.5]]\n")
    out = cli("uncertainty", SCEN / "baseline.toml", "-n", "4", "--correlations", c, "-o", tmp_path / "u")
    assert_bad_input(out, str(c), "correlation", "unknown table", "did you mean [correlations]")
    assert not (tmp_path / "u").exists()
