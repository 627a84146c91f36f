"""CLI: run-xmile, export-xmile, check-units."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "sd-test-models" / "tests"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_run_xmile_writes_long_csv(tmp_path):
    model = SUITE / "exp" / "test_exp.xmile"
    r = invoke("run-xmile", model, "-o", tmp_path / "out")
    assert r.exit_code == 0, r.output
    df = pd.read_csv(tmp_path / "out" / "timeseries.csv", keep_default_na=False)
    assert list(df.columns) == ["scenario", "variable", "dimension", "year", "value", "unit"]
    assert df.year.nunique() > 10
    r = invoke("run-xmile", model, "-o", tmp_path / "out")
    assert r.exit_code == 2 and "--force" in r.output


def test_run_xmile_bad_inputs(tmp_path):
    bad = tmp_path / "bad.xmile"
    bad.write_text("<xmile><model><variables><aux name='x'><eqn>__import__('os').system('echo pwned')</eqn>"
                   "</aux></variables></model></xmile>")
    r = invoke("run-xmile", bad, "-o", tmp_path / "o")
    assert r.exit_code == 2 and "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()
    r = invoke("run-xmile", SUITE / "exp" / "test_exp.xmile", "--param", "oops", "-o", tmp_path / "o2")
    assert r.exit_code == 2 and "NAME=VALUE" in r.output


def test_export_then_run_round_trip(tmp_path):
    out = tmp_path / "hlj.xmile"
    r = invoke("export-xmile", "-o", out, "--scenario", ROOT / "scenarios" / "port_investment.toml")
    assert r.exit_code == 0, r.output
    assert out.read_text().lstrip().startswith("<?xml")
    r = invoke("export-xmile", "-o", out)
    assert r.exit_code == 2 and "exists" in r.output
    r = invoke("run-xmile", out, "-o", tmp_path / "run")
    assert r.exit_code == 0, r.output


def test_check_units_reports_planted_mismatch(tmp_path):
    f = tmp_path / "m.xmile"
    f.write_text("""<?xml version="1.0" encoding="utf-8"?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
 <header><vendor>test</vendor><product version="1">t</product></header>
 <sim_specs><start>0</start><stop>2</stop><dt>1</dt></sim_specs>
 <model><variables>
  <aux name="a"><eqn>3</eqn><units>yuan</units></aux>
  <aux name="b"><eqn>2</eqn><units>persons</units></aux>
  <aux name="c"><eqn>a + b</eqn><units>yuan</units></aux>
 </variables></model>
</xmile>""")
    r = invoke("check-units", f)
    assert r.exit_code == 2
    assert "c:" in r.output and "person" in r.output and "yuan" in r.output


AUTHORED = ROOT / "tests" / "xmile-models"


def test_run_xmile_never_exits_0_with_empty_output(tmp_path):
    # a model whose variables are all constants writes its constants at every saved time
    r = invoke("run-xmile", AUTHORED / "all_constants.xmile", "-o", tmp_path / "c")
    assert r.exit_code == 0, r.output
    df = pd.read_csv(tmp_path / "c" / "timeseries.csv")
    assert sorted(df.variable.unique()) == ["a", "b"] and len(df) == 8
    assert set(df[df.variable == "b"].value) == {-2.5}
    # a Stella file whose variables cannot be read is refused, naming the file
    empty = tmp_path / "empty.stmx"
    empty.write_text('<?xml version="1.0"?><xmile version="1.0" xmlns="http://www.systemdynamics.org/XMILE">'
                     "<sim_specs><start>0</start><stop>1</stop></sim_specs><model><isee:x xmlns:isee='i'/></model>"
                     "</xmile>")
    r = CliRunner().invoke(main, ["run-xmile", str(empty), "-o", str(tmp_path / "e")])
    assert r.exit_code == 2 and str(empty) in r.output and "no variables" in r.output
    assert not (tmp_path / "e").exists()


def test_run_xmile_refusals_name_the_file_and_the_construct(tmp_path):
    f = tmp_path / "m.xmile"
    f.write_text('<?xml version="1.0"?><xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">'
                 "<sim_specs><start>0</start><stop>1</stop></sim_specs><model><variables>"
                 "<aux name='a'><eqn>MONTECARLO(50, 1)</eqn></aux><aux name='b'><eqn> ??? </eqn></aux>"
                 "</variables></model></xmile>")
    r = CliRunner().invoke(main, ["run-xmile", str(f), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and str(f) in r.output and "MONTECARLO" in r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


def test_run_xmile_runs_stella_modules(tmp_path):
    r = invoke("run-xmile", AUTHORED / "modules.xmile", "-o", tmp_path / "m")
    assert r.exit_code == 0, r.output
    df = pd.read_csv(tmp_path / "m" / "timeseries.csv")
    assert {"tank a.level", "tank b.level", "total"} <= set(df.variable)
