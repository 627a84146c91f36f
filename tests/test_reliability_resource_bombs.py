"""Issue 11, resource bombs: every read, every run and every walk over an input is bounded.

Each bad input must fail fast with exit code 2 and one line naming the file (and key): devices, FIFOs and
directories where a file is expected, files above the size caps (sparse, so they cost no disk), more
integration steps than the cap, deep TOML/JSON/XML nesting, 600-term equations, integers beyond 64 bits
and literals that overflow to infinity, ensembles beyond the member cap. A watchdog (faulthandler) kills
the test process rather than letting a blocked read hang the suite.
"""

from __future__ import annotations

import faulthandler
import os
from pathlib import Path

import pytest
from reliability_support import HEAD, LEVER, PARAMS, SCEN, assert_bad_input, assert_ok, cli, write, xmile

from simulator import limits


@pytest.fixture(autouse=True)
def watchdog():
    """A blocked read (a FIFO opened for reading, /dev/zero read to the end) would hang: abort loudly instead."""
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def _sparse(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def _fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


def _results_dir(tmp_path: Path) -> Path:
    d = tmp_path / "res"
    assert_ok(cli("run", SCEN / "baseline.toml", "-o", d, "-q"))
    return d


# -- not a regular file ---------------------------------------------------------------------------------------

SPECIAL = {"fifo": "a FIFO", "device": "a character device", "directory": "is a directory"}


def _special(kind: str, path: Path) -> Path:
    if kind == "fifo":
        return _fifo(path)
    if kind == "device":
        return Path("/dev/zero")
    path.mkdir(parents=True)
    return path


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_scenario_that_is_not_a_regular_file(tmp_path, kind):
    f = _special(kind, tmp_path / "s.toml")
    out = cli("validate" if kind == "directory" else "run", f, *(() if kind == "directory" else ("-o", tmp_path / "o")))
    if kind == "directory":  # `validate DIR` validates the files in it
        assert_bad_input(out, str(f), "no *.toml files", lines=None)
    else:
        assert_bad_input(out, str(f), SPECIAL[kind], "regular files")


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_extends_parent_that_is_not_a_regular_file(tmp_path, kind):
    parent = _special(kind, tmp_path / "parent.toml")
    f = write(tmp_path / "s.toml", HEAD + f"extends = '{parent}'\n" + LEVER)
    assert_bad_input(cli("run", f, "-o", tmp_path / "o"), str(parent), SPECIAL[kind])


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_parameter_file_that_is_not_a_regular_file(tmp_path, kind):
    import shutil

    d = tmp_path / "params"
    shutil.copytree(PARAMS, d)
    _special(kind, d / "zz_extra.toml")
    assert_bad_input(cli("validate", d), str(d / "zz_extra.toml"), SPECIAL[kind], lines=None)


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_xmile_file_that_is_not_a_regular_file(tmp_path, kind):
    f = _special(kind, tmp_path / "m.xmile")
    if kind == "directory":
        out = cli("run-xmile", f, "-o", tmp_path / "o")   # click refuses a directory for MODEL_FILE itself
        assert_bad_input(out, "is a directory")
    else:
        assert_bad_input(cli("run-xmile", f, "-o", tmp_path / "o"), str(f), SPECIAL[kind])
        assert_bad_input(cli("check-units", f), str(f), SPECIAL[kind])


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_correlations_file_that_is_not_a_regular_file(tmp_path, kind):
    f = _special(kind, tmp_path / "c.toml")
    out = cli("uncertainty", SCEN / "baseline.toml", "-n", "4", "--correlations", f, "-o", tmp_path / "u")
    assert_bad_input(out, str(f), SPECIAL[kind])


@pytest.mark.parametrize("which", ["metadata.json", "timeseries.csv"])
@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_results_file_given_to_plot_that_is_not_a_regular_file(tmp_path, which, kind):
    d = _results_dir(tmp_path)
    (d / which).unlink()
    _special(kind, d / which)
    assert_bad_input(cli("plot", d, "-o", tmp_path / "p.png"), str(d / which), SPECIAL[kind])


def test_quantiles_file_given_to_plot_fan_that_is_a_fifo(tmp_path):
    d = tmp_path / "fan"
    _fifo(d / "quantiles.csv")
    assert_bad_input(cli("plot", "--fan", d, "-o", tmp_path / "f.png"), str(d / "quantiles.csv"), "a FIFO")


# -- too large ----------------------------------------------------------------------------------------------

def test_oversized_scenario_and_parent(tmp_path):
    big = _sparse(tmp_path / "big.toml", limits.MAX_TOML_BYTES + 1)
    assert_bad_input(cli("run", big, "-o", tmp_path / "o"), str(big), "byte limit", "REGSIM_MAX_TOML_BYTES")
    child = write(tmp_path / "child.toml", HEAD + f"extends = '{big.name}'\n")
    assert_bad_input(cli("run", child, "-o", tmp_path / "o"), str(big), "byte limit")


def test_oversized_parameter_file(tmp_path):
    import shutil

    d = tmp_path / "params"
    shutil.copytree(PARAMS, d)
    _sparse(d / "zz.toml", 5 * 1024 * 1024)
    assert_bad_input(cli("validate", d), str(d / "zz.toml"), "byte limit", lines=None)


def test_oversized_xmile_and_correlations(tmp_path):
    x = _sparse(tmp_path / "big.xmile", limits.MAX_XMILE_BYTES + 1)
    assert_bad_input(cli("run-xmile", x, "-o", tmp_path / "o"), str(x), "byte limit")
    c = _sparse(tmp_path / "c.toml", limits.MAX_TOML_BYTES + 10)
    assert_bad_input(cli("uncertainty", SCEN / "baseline.toml", "-n", "4", "--correlations", c, "-o", tmp_path / "u"),
                     str(c), "byte limit")


@pytest.mark.parametrize("which, size", [("timeseries.csv", limits.MAX_TABLE_BYTES + 1),
                                         ("metadata.json", limits.MAX_JSON_BYTES + 1)])
def test_oversized_results_files_are_refused_before_reading(tmp_path, which, size):
    d = _results_dir(tmp_path)
    (d / which).unlink()
    _sparse(d / which, size)
    assert_bad_input(cli("plot", d, "-o", tmp_path / "p.png"), str(d / which), "byte limit")


def test_size_caps_can_be_changed_in_the_environment(tmp_path):
    f = write(tmp_path / "m.xmile", xmile())
    assert_bad_input(cli("run-xmile", f, "-o", tmp_path / "o", env={"REGSIM_MAX_XMILE_BYTES": "100"}), str(f),
                     "100-byte limit")
    assert_ok(cli("run-xmile", f, "-o", tmp_path / "o", env={"REGSIM_MAX_XMILE_BYTES": "100000"}))
    s = write(tmp_path / "s.toml", HEAD + LEVER)
    assert_bad_input(cli("run", s, "-o", tmp_path / "o2", env={"REGSIM_MAX_TOML_BYTES": "-3"}),
                     "REGSIM_MAX_TOML_BYTES", "positive integer")


# -- integration steps --------------------------------------------------------------------------------------

@pytest.mark.parametrize("horizon, key, needle", [
    ("dt = 1e-7", "horizon.dt", "integration steps"),
    ("dt = 0.0000001\nstop = 2100", "horizon.dt", "limit of 200000 steps"),
    ("save_every = 0", "horizon.save_every", "must be > 0"),
    ("save_every = -1", "horizon.save_every", "must be > 0"),
    ("save_every = 0.3", "horizon.save_every", "not a multiple of dt"),
    ("dt = 0.3", "horizon.dt", "must divide one year"),
    ("dt = 0", "horizon.dt", "(0, 1]"),
    ("dt = -0.25", "horizon.dt", "(0, 1]"),
    ("stop = 2050.1", "horizon.stop", "not a multiple of dt"),
    ("stop = 2050.5", "horizon.stop", "save periods"),
])
def test_scenario_time_settings(tmp_path, horizon, key, needle):
    f = write(tmp_path / "s.toml", HEAD + "[horizon]\n" + horizon + "\n")
    line = assert_bad_input(cli("run", f, "-o", tmp_path / "o"), str(f), key, needle)
    assert "SimSettings" not in line
    assert_bad_input(cli("validate", f), str(f), key, needle, lines=None)


def test_step_cap_is_overridable(tmp_path):
    f = SCEN / "baseline.toml"
    assert_bad_input(cli("run", f, "--max-steps", "100", "-o", tmp_path / "a"), "horizon.dt", "limit of 100 steps")
    assert_bad_input(cli("run", f, "-o", tmp_path / "b", env={"REGSIM_MAX_STEPS": "50"}), "limit of 50 steps")
    assert_bad_input(cli("validate", f, "--max-steps", "100"), "limit of 100 steps", lines=None)
    assert_ok(cli("run", f, "--max-steps", "128", "-o", tmp_path / "c", "-q"))  # 2018-2050 at dt 0.25


@pytest.mark.parametrize("specs, needle", [
    ({"stop": "1e9"}, "sim_specs dt: 1e+09 integration steps"),
    ({"dt": "1e-9"}, "integration steps"),
    ({"stop": "1e400"}, "must be finite"),
    ({"dt": "0"}, "dt"),
    ({"dt": "-1"}, "dt"),
    ({"dt": "nan"}, "dt"),
    ({"start": "10", "stop": "0"}, "stop"),
    ({"dt": "0.3"}, "not a multiple of dt"),
])
def test_xmile_time_settings(tmp_path, specs, needle):
    f = write(tmp_path / "m.xmile", xmile(**specs))
    assert_bad_input(cli("run-xmile", f, "-o", tmp_path / "o"), str(f), needle)


def test_xmile_step_cap_is_overridable(tmp_path):
    f = write(tmp_path / "m.xmile", xmile(stop="300"))
    assert_bad_input(cli("run-xmile", f, "--max-steps", "100", "-o", tmp_path / "a"), str(f), "limit of 100 steps")
    assert_ok(cli("run-xmile", f, "-o", tmp_path / "b", env={"REGSIM_MAX_STEPS": "1000"}))


# -- nesting and long expressions -------------------------------------------------------------------------

DEEP = {
    "arrays 100k": "x = " + "[" * 100_000 + "]" * 100_000,
    "arrays 40": "x = " + "[" * 40 + "1" + "]" * 40,
    "inline tables 100k": "x = " + "{a = " * 100_000 + "1" + "}" * 100_000,
    "inline tables 40": "x = " + "{a = " * 40 + "1" + "}" * 40,
}


@pytest.mark.parametrize("case", sorted(DEEP))
def test_deep_toml_in_a_scenario(tmp_path, case):
    f = write(tmp_path / "s.toml", HEAD + "[parameters]\n" + DEEP[case] + "\n")
    assert_bad_input(cli("run", f, "-o", tmp_path / "o"), str(f), "nested")


@pytest.mark.parametrize("case", ["arrays 100k", "inline tables 40"])
def test_deep_toml_in_a_parameter_file_and_correlations(tmp_path, case):
    import shutil

    d = tmp_path / "params"
    shutil.copytree(PARAMS, d)
    bad = write(d / "zz.toml", "[meta]\nblock = 'zz'\ndescription = 'x'\n[zz]\n" + DEEP[case].replace("x = ", "value = "))
    assert_bad_input(cli("validate", d), str(bad), "nested", lines=None)
    c = write(tmp_path / "c.toml", "[correlations]\npairs = [" + DEEP[case].replace("x = ", "") + "]\n")
    assert_bad_input(cli("uncertainty", SCEN / "baseline.toml", "-n", "4", "--correlations", c, "-o", tmp_path / "u"),
                     str(c), "nested")


def test_deep_json_metadata_given_to_plot(tmp_path):
    d = _results_dir(tmp_path)
    (d / "metadata.json").write_text("[" * 100_000 + "]" * 100_000)
    assert_bad_input(cli("plot", d, "-o", tmp_path / "p.png"), str(d / "metadata.json"), "nested")


def test_deep_xml(tmp_path):
    body = "<a>" * 100_000 + "</a>" * 100_000
    f = write(tmp_path / "m.xmile", xmile(extra=body))
    assert_bad_input(cli("run-xmile", f, "-o", tmp_path / "o"), str(f))


@pytest.mark.parametrize("eqn, needle", [
    ("+".join(["a"] * 600), "nested 600 levels"),
    ("+".join(["a"] * 5000), "nested 5000 levels"),
    ("*".join(["a"] * 600), "nested 600 levels"),
    ("-".join(["a"] * 600), "nested 600 levels"),
    ("(" * 300 + "a" + ")" * 300, "nested deeper"),
    ("MAX(" * 300 + "a" + ", 1)" * 300, "nested deeper"),
])
def test_long_and_deep_equations(tmp_path, eqn, needle):
    f = write(tmp_path / "m.xmile", xmile(eqn))
    for args in (("run-xmile", f, "-o", tmp_path / "o"), ("check-units", f)):
        assert_bad_input(cli(*args), str(f), "variable 'b'", needle)


def test_equations_up_to_the_depth_limit_work_everywhere(tmp_path):
    """200 terms: parsing, hashing, compiling, running, unit checking and writing XMILE back all succeed."""
    from simulator.engine import simulate
    from simulator.xmile import XmileError, check_units, read, read_string, to_string

    f = write(tmp_path / "m.xmile", xmile("+".join(["a"] * limits.MAX_EXPRESSION_DEPTH)))
    assert_ok(cli("run-xmile", f, "-o", tmp_path / "o"))
    xm = read(f)
    hash(xm.model.components)  # what the compile cache hashes (a 600-term chain overflowed the stack here)
    res = simulate(xm.model, settings=xm.settings())
    assert float(res["b"][0, -1]) == limits.MAX_EXPRESSION_DEPTH
    check_units(xm.model)
    text = to_string(xm.model, xm.settings())   # the writer walks the 200-deep tree without overflowing
    assert text.count(" + a") >= limits.MAX_EXPRESSION_DEPTH - 1
    try:  # the writer parenthesises every operation; the reader caps parentheses at 60 levels: a clean refusal
        again = read_string(text)
        assert len(again.model.components) == len(xm.model.components)
    except XmileError as exc:
        assert "nested deeper" in str(exc)


def test_the_library_reader_refuses_too_deep_equations_too(tmp_path):
    from simulator.xmile import XmileError, read, read_string

    text = xmile("+".join(["a"] * 600))
    with pytest.raises(XmileError, match="nested 600 levels"):
        read(write(tmp_path / "m.xmile", text))
    with pytest.raises(XmileError, match="nested 600 levels"):
        read_string(text)


# -- huge numbers ---------------------------------------------------------------------------------------------

HUGE = {
    "400-digit budget": ("[levers.port_investment]\nbudget = " + "9" * 400, "levers.port_investment.budget",
                         "400-digit integer"),
    "5000-digit budget": ("[levers.port_investment]\nbudget = " + "9" * 5000, "levers.port_investment.budget",
                          "number too large"),
    "1e400 budget": ("[levers.port_investment]\nbudget = 1e400", "levers.port_investment.budget", "not a finite"),
    "-1e400 parameter": ("[parameters]\ntrade_cost_elasticity = -1e400", "parameters.trade_cost_elasticity",
                         "not a finite"),
    "nan parameter": ("[parameters]\ntrade_cost_elasticity = nan", "parameters.trade_cost_elasticity", "not a finite"),
    "inf shock value": ("[shocks.oil_price]\nstart = 2025\nend = 2030\nvalue = inf", "shocks.oil_price.value",
                        "not a finite"),
    "400-digit seed": ("seed = " + "1" * 400, "seed", "400-digit integer"),
    "400-digit year": ("[horizon]\nstop = " + "2" * 400, "horizon.stop", "400-digit integer"),
    "1e400 in a path": ("[shocks.oil_price]\nyears = [2020, 2030]\nvalues = [1e400, 1]", "shocks.oil_price.values[0]",
                        "not a finite"),
    "huge int in a path": ("[shocks.oil_price]\nyears = [2020, " + "9" * 30 + "]\nvalues = [1, 2]",
                           "shocks.oil_price.years[1]", "30-digit integer"),
}


@pytest.mark.parametrize("case", sorted(HUGE))
def test_huge_numbers_in_a_scenario(tmp_path, case):
    body, key, needle = HUGE[case]
    f = write(tmp_path / "s.toml", HEAD + body + "\n")
    assert_bad_input(cli("run", f, "-o", tmp_path / "o"), str(f), key, needle)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("value, needle", [("9" * 400, "400-digit integer"), ("1e400", "not finite"),
                                           ("-inf", "not finite"), ("nan", "not finite")])
def test_huge_numbers_in_a_parameter_file(tmp_path, value, needle):
    import shutil

    d = tmp_path / "params"
    shutil.copytree(PARAMS, d)
    f = d / "finance.toml"
    text = f.read_text()
    f.write_text(text.replace("[credit_adjustment_time]\nvalue = 3.0", f"[credit_adjustment_time]\nvalue = {value}", 1))
    assert_bad_input(cli("validate", d), str(f), "credit_adjustment_time", needle, lines=None)


@pytest.mark.parametrize("rho", ["9" * 400, "1e400", "nan"])
def test_huge_numbers_in_a_correlations_file(tmp_path, rho):
    c = write(tmp_path / "c.toml", f"[correlations]\npairs = [['trade_cost_elasticity', 'regional_risk_premium', "
                                   f"{rho}]]\n")
    out = cli("uncertainty", SCEN / "baseline.toml", "-n", "4", "--correlations", c, "-o", tmp_path / "u")
    assert_bad_input(out, str(c), "correlations.pairs[0][2]")


@pytest.mark.parametrize("value", ["1e400", "-1e999", "nan", "inf"])
def test_huge_numbers_on_the_command_line(tmp_path, value):
    f = write(tmp_path / "m.xmile", xmile())
    assert_bad_input(cli("run-xmile", f, "-p", f"a={value}", "-o", tmp_path / "o"), "--param a", "finite")


# -- ensembles ------------------------------------------------------------------------------------------------

def test_member_cap(tmp_path):
    assert_bad_input(cli("uncertainty", SCEN / "baseline.toml", "-n", str(10**10), "-o", tmp_path / "u"),
                     "-n", "limit of 1000000")
    assert_bad_input(cli("uncertainty", SCEN / "baseline.toml", "-n", "10", "-o", tmp_path / "u",
                         env={"REGSIM_MAX_MEMBERS": "5"}), "limit of 5")
    assert_bad_input(cli("report", SCEN / "baseline.toml", "--uncertainty", str(10**9), "-o", tmp_path / "r.html",
                         "--sensitivity", "none"), "--uncertainty", "limit")
    assert not (tmp_path / "u").exists() and not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("option", ["--config", "--data"])
def test_calibration_inputs_that_are_not_regular_files(tmp_path, option):
    f = _fifo(tmp_path / ("c.toml" if option == "--config" else "h.csv"))
    out = cli("calibrate", option, f, "--until", "2020", "-q")
    assert_bad_input(out, str(f), "a FIFO")
    big = _sparse(tmp_path / "big.toml", limits.MAX_TOML_BYTES + 1)
    assert_bad_input(cli("validate-model", "--config", big, "-o", tmp_path / "v.md", "--no-backtest",
                         "--no-structural"), str(big), "byte limit")


@pytest.mark.parametrize("value", ["1e400", "-1e400", "1e999"])
def test_overflowing_constants_in_an_xmile_file(tmp_path, value):
    """A constant nothing else uses would be written to the CSV as inf with exit 0: it is refused instead."""
    f = write(tmp_path / "m.xmile", xmile(extra=f'<aux name="unused"><eqn>{value}</eqn></aux>'))
    assert_bad_input(cli("run-xmile", f, "-o", tmp_path / "o"), str(f), "variable 'unused'", "not finite")
    assert not (tmp_path / "o").exists()
