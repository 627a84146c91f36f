"""Issue 11, messages name the right place: the file (and the key) where the problem is.

- XMILE errors name the model file, whatever layer raised them (reader, equation parser, compiler, engine);
- an error inside an ``extends`` parent names the parent, not the child;
- time-settings errors name the file and its key, never an internal class (``SimSettings``);
- corrupt results directories given to ``plot`` name the file that is broken;
- encoding problems (byte-order marks, UTF-16, bytes that are not UTF-8, control and zero-width
  characters in keys and strings) say what they are, with the line or the key.
"""

from __future__ import annotations

import json
import shutil

import pytest
from reliability_support import HEAD, LEVER, PARAMS, SCEN, assert_bad_input, assert_ok, cli, write, xmile

# -- XMILE files ----------------------------------------------------------------------------------------------

XMILE_BAD = {
    "not XML": ("hello", "not well-formed XML"),
    "empty": ("", "not well-formed XML"),
    "truncated": (xmile()[:200], "not well-formed XML"),
    "not an xmile root": ("<foo/>", "root element"),
    "DOCTYPE": ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><xmile/>', "DOCTYPE"),
    "unknown name": (xmile("zzz"), "unknown name 'zzz'"),
    "unknown function": (xmile("NOSUCH(a)"), "unknown function"),
    "syntax error": (xmile("a +* 2"), "variable 'b'"),
    "unbalanced parentheses": (xmile("(a + 1"), "variable 'b'"),
    "algebraic loop": (xmile("b + 1"), "algebraic loop"),
    "non-numeric stop": (xmile(stop="soon"), "sim_specs stop"),
    "dt of zero": (xmile(dt="0"), "dt"),
    "stop before start": (xmile(start="5", stop="1"), "stop"),
    "division by zero at run time": (xmile("1 / (a - 1)"), "non-finite"),
    "overflow at run time": (xmile("exp(a * 1000)"), "non-finite"),
    "too deep": (xmile("+".join(["a"] * 600)), "nested 600 levels"),
    "duplicate variable": (xmile(extra='<aux name="a"><eqn>2</eqn></aux>'), "a"),
    "stock with an unknown inflow": (xmile(extra='<stock name="t"><eqn>0</eqn><inflow>nope</inflow></stock>'),
                                     "nope"),
    "graphical function without points": (xmile(extra='<gf name="g"><xscale min="0" max="1"/><ypts></ypts></gf>'),
                                          "g"),
    "not UTF-8": (xmile().encode("utf-8").replace(b"test", b"t\xe9st", 1), ""),
}


@pytest.mark.parametrize("case", sorted(XMILE_BAD))
def test_xmile_errors_name_the_file(tmp_path, case):
    text, words = XMILE_BAD[case]
    f = write(tmp_path / "model.xmile", text)
    line = assert_bad_input(cli("run-xmile", f, "-o", tmp_path / "o"), str(f), words)
    assert line.startswith(f"regsim: error: {f}: "), line
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("case", ["not XML", "unknown name", "too deep", "DOCTYPE"])
def test_check_units_errors_name_the_file(tmp_path, case):
    text, words = XMILE_BAD[case]
    f = write(tmp_path / "model.xmile", text)
    assert_bad_input(cli("check-units", f), str(f), words)


# -- extends parents ------------------------------------------------------------------------------------------

PARENT_BAD = {
    "negative budget": ("[levers.port_investment]\nbudget = -3\n", "levers.port_investment.budget", ">= 0"),
    "unknown lever": ("[levers.warp_drive]\nbudget = 3\n", "levers.warp_drive", "unknown lever"),
    "bad horizon": ("[horizon]\ndt = 0.3\n", "horizon.dt", "divide one year"),
    "unknown parameter": ("[parameters]\nno_such = 1\n", "parameters.no_such", "unknown parameter"),
    "shock out of its range": ("[shocks.oil_price]\nyears = [2020, 2030]\nvalues = [50, -5]\n",
                               "shocks.oil_price.values", "outside"),
    "malformed TOML": ("[levers.port_investment\n", "", "malformed TOML"),
    "BOM": ("\ufeff" + "[parameters]\n", "", "byte-order mark"),
}


@pytest.mark.parametrize("case", sorted(PARENT_BAD))
def test_errors_in_a_parent_name_the_parent(tmp_path, case):
    body, key, words = PARENT_BAD[case]
    parent = write(tmp_path / "parent.toml", "name = 'p'\ndescription = 'parent'\n" + body if not
                   body.startswith("\ufeff") else body)
    child = write(tmp_path / "child.toml", HEAD + "extends = 'parent.toml'\n")
    line = assert_bad_input(cli("run", child, "-o", tmp_path / "o"), str(parent), key, words)
    assert line.startswith(f"regsim: error: {parent}"), line


def test_a_missing_parent_is_named_with_the_child_key(tmp_path):
    child = write(tmp_path / "child.toml", HEAD + "extends = 'gone.toml'\n")
    assert_bad_input(cli("run", child, "-o", tmp_path / "o"), f"{child}: extends: {tmp_path / 'gone.toml'}",
                     "no such file")


def test_a_child_key_overriding_a_parent_is_named_in_the_child(tmp_path):
    write(tmp_path / "parent.toml", "name = 'p'\ndescription = 'd'\n" + LEVER)
    child = write(tmp_path / "child.toml", HEAD + "extends = 'parent.toml'\n[levers.port_investment]\nbudget = -1\n")
    line = assert_bad_input(cli("run", child, "-o", tmp_path / "o"), "levers.port_investment.budget")
    assert line.startswith(f"regsim: error: {child}: ") and "inherited" not in line


# -- settings -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("horizon, key", [("save_every = 0", "horizon.save_every"), ("stop = 2050.1", "horizon.stop"),
                                          ("save_every = 0.3", "horizon.save_every"), ("dt = 1e-9", "horizon.dt"),
                                          ("method = 'RK4'", "horizon.method")])
def test_settings_errors_name_file_and_key_not_a_class(tmp_path, horizon, key):
    f = write(tmp_path / "s.toml", HEAD + "[horizon]\n" + horizon + "\n")
    line = assert_bad_input(cli("run", f, "-o", tmp_path / "o"), f"{f}: {key}:")
    assert "SimSettings" not in line and "Error" not in line


def test_settings_errors_in_a_parent_name_the_parent(tmp_path):
    parent = write(tmp_path / "p.toml", "name = 'p'\n[horizon]\nsave_every = 0\n")
    child = write(tmp_path / "c.toml", HEAD + "extends = 'p.toml'\n")
    assert_bad_input(cli("run", child, "-o", tmp_path / "o"), f"{parent}: horizon.save_every")


# -- corrupt results directories ------------------------------------------------------------------------------

@pytest.fixture()
def results(tmp_path):
    d = tmp_path / "res"
    assert_ok(cli("run", SCEN / "baseline.toml", "-o", d, "-q"))
    return d


CORRUPT = {
    "metadata.json not JSON": ("metadata.json", "{nope", "not valid JSON"),
    "metadata.json a list": ("metadata.json", "[1, 2]", "JSON object"),
    "metadata.json not UTF-8": ("metadata.json", b"\xff\xfe{}", "UTF"),
    "metadata.json empty": ("metadata.json", "", "not valid JSON"),
    "timeseries.csv binary": ("timeseries.csv", b"\x00\x01\xff garbage", "timeseries.csv"),
    "timeseries.csv wrong columns": ("timeseries.csv", "a,b\n1,2\n", "column(s) variable, year, value missing"),
    "timeseries.csv text in value": ("timeseries.csv", "scenario,variable,dimension,year,value,unit\n"
                                     "x,gdp_real,,2018,lots,1\n", "column value"),
    "timeseries.csv text in year": ("timeseries.csv", "scenario,variable,dimension,year,value,unit\n"
                                    "x,gdp_real,,soon,1,1\n", "column year"),
    "timeseries.csv empty": ("timeseries.csv", "", "cannot be read as a table"),
    "timeseries.csv ragged": ("timeseries.csv", "scenario,variable,dimension,year,value,unit\n"
                              "x,gdp_real,,2018,1,1,7,8,9\n\"unclosed\n", "timeseries.csv"),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_corrupt_results_directories_name_the_file(tmp_path, results, case):
    name, content, words = CORRUPT[case]
    write(results / name, content)
    line = assert_bad_input(cli("plot", results, "-o", tmp_path / "p.png"), str(results / name), words)
    assert "Traceback" not in line and not (tmp_path / "p.png").exists()


def test_a_directory_that_is_not_a_results_directory(tmp_path):
    d = tmp_path / "random"
    write(d / "notes.txt", "x")
    assert_bad_input(cli("plot", d, "-o", tmp_path / "p.png"), str(d), "no metadata.json")


def test_corrupt_uncertainty_directory_given_to_plot_fan(tmp_path):
    d = tmp_path / "unc"
    assert_ok(cli("uncertainty", SCEN / "baseline.toml", "-n", "8", "--seed", "1", "-o", d, "-q"))
    (d / "metadata.json").write_text(json.dumps({"units": [1, 2]}))
    assert_bad_input(cli("plot", "--fan", d, "-v", "gdp_real", "-o", tmp_path / "f.png"),
                     str(d / "metadata.json"), "units")
    (d / "quantiles.csv").write_text("variable,year\ngdp_real,2018\n")
    assert_bad_input(cli("plot", "--fan", d, "-v", "gdp_real", "-o", tmp_path / "f.png"),
                     str(d / "quantiles.csv"), "quantile, value")


# -- encodings ------------------------------------------------------------------------------------------------

ENCODING = {
    "UTF-8 BOM": (b"\xef\xbb\xbf" + (HEAD + LEVER).encode(), "", "byte-order mark (BOM)"),
    "UTF-16": ((HEAD + LEVER).encode("utf-16"), "", "UTF-16"),
    "UTF-16 without BOM": ((HEAD + LEVER).encode("utf-16-le"), "", "UTF-16"),
    "Latin-1 bytes": (("name = 'caf\xe9'\n" + LEVER).encode("latin-1"), "line 1, column 12", "not UTF-8"),
    "GBK bytes": (("name = 'x'\ndescription = '黑龙江'\n" + LEVER).encode("gbk"), "line 2", "not UTF-8"),
    "zero-width space in a bare key": ((HEAD + "[levers.port_investment]\nbud\u200bget = 5\n").encode(),
                                       "levers.port_investment.bud\\u200bget", "ZERO WIDTH SPACE"),
    "zero-width space in a quoted key": ((HEAD + '[levers.port_investment]\n"bud\u200bget" = 5\n').encode(),
                                         "line 4", "ZERO WIDTH SPACE"),
    "zero-width joiner in a table name": ((HEAD + "[levers.port\u200dinvestment]\nbudget = 5\n").encode(), "line 3",
                                          "ZERO WIDTH JOINER"),
    "escaped zero-width space in a key": ((HEAD + '[parameters]\n"trade_cost\\u200belasticity" = -2.5\n').encode(),
                                          "parameters", "ZERO WIDTH SPACE"),
    "NUL escaped in a string": ((HEAD.replace("'a test scenario'", '"a\\u0000b"') + LEVER).encode(), "description",
                                "U+0000 (NUL)"),
    "raw control character": ((HEAD.replace("a test", "a\x07test") + LEVER).encode(), "line 2", "U+0007"),
    "right-to-left override": ((HEAD + LEVER.replace("budget", "\u202ebudget")).encode(), "line 4",
                               "RIGHT-TO-LEFT OVERRIDE"),
    "soft hyphen in a key": ((HEAD + "[levers.port_investment]\nbud\u00adget = 5\n").encode(), "line 4",
                             "SOFT HYPHEN"),
    "line separator": ((HEAD + "# a\u2028b\n" + LEVER).encode(), "line 3", "separator"),
}


@pytest.mark.parametrize("case", sorted(ENCODING))
def test_encoding_problems_in_a_scenario_say_so(tmp_path, case):
    data, where, words = ENCODING[case]
    f = write(tmp_path / "s.toml", data)
    assert_bad_input(cli("run", f, "-o", tmp_path / "o"), str(f), where, words)
    assert_bad_input(cli("validate", f), str(f), words, lines=None)


@pytest.mark.parametrize("case", ["UTF-8 BOM", "Latin-1 bytes", "zero-width space in a bare key", "UTF-16"])
def test_encoding_problems_in_a_parameter_file_say_so(tmp_path, case):
    d = tmp_path / "params"
    shutil.copytree(PARAMS, d)
    f = d / "finance.toml"
    text = f.read_text()
    data = {"UTF-8 BOM": b"\xef\xbb\xbf" + text.encode(),
            "Latin-1 bytes": text.replace("loan books", "loan b\xf6oks").encode("latin-1"),
            "zero-width space in a bare key": text.replace("[credit_adjustment_time]", "[credit_adj\u200bustment_time]")
            .encode(),
            "UTF-16": text.encode("utf-16")}[case]
    f.write_bytes(data)
    assert_bad_input(cli("validate", d), str(f), ENCODING[case][2], lines=None)


@pytest.mark.parametrize("case", ["UTF-8 BOM", "zero-width space in a quoted key"])
def test_encoding_problems_in_a_correlations_file_say_so(tmp_path, case):
    body = "[correlations]\npairs = [['trade_cost_elasticity', 'regional\u200b_risk_premium', 0.5]]\n"
    data = b"\xef\xbb\xbf" + body.replace("\u200b", "").encode() if case == "UTF-8 BOM" else body.encode()
    c = write(tmp_path / "c.toml", data)
    out = cli("uncertainty", SCEN / "baseline.toml", "-n", "4", "--correlations", c, "-o", tmp_path / "u")
    assert_bad_input(out, str(c), "BOM" if case == "UTF-8 BOM" else "ZERO WIDTH SPACE")


def test_the_fast_character_scan_agrees_with_unicodedata():
    """The regular expression that finds refused characters covers exactly what bad_character refuses."""
    import sys

    from simulator.inputfiles import _SUSPECT, bad_character

    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:  # surrogates cannot occur in decoded UTF-8
            continue
        c = chr(cp)
        assert (bad_character(c) is not None) == bool(_SUSPECT.match(c)), hex(cp)
