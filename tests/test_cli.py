"""The planner's CLI, through click's CliRunner: every command, and bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCEN = ROOT / "scenarios"


@pytest.fixture()
def runner():
    return CliRunner()


def invoke(runner, *args):
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_help_lists_commands(runner):
    r = invoke(runner, "--help")
    assert r.exit_code == 0
    for cmd in ("run", "compare", "plot", "list", "levers", "validate"):
        assert cmd in r.output


def test_help_is_fast_and_light():
    code = ("import sys; from simulator.cli import main; "
            "bad=[m for m in ('pandas','matplotlib','scipy') if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_run_writes_long_csv_and_metadata(runner, tmp_path):
    r = invoke(runner, "run", SCEN / "baseline.toml", "-o", tmp_path / "baseline")
    assert r.exit_code == 0, r.output
    d = tmp_path / "baseline"
    df = pd.read_csv(d / "timeseries.csv", keep_default_na=False)
    assert list(df.columns) == ["scenario", "variable", "dimension", "year", "value", "unit"]
    assert set(df.scenario) == {"baseline"}
    assert df.year.min() == 2018 and df.year.max() == 2050
    assert (df[df.variable == "gdp_real"].dimension == "").all()
    assert len(set(df[df.variable == "value_added"].dimension)) >= 9
    meta = json.loads((d / "metadata.json").read_text())
    for key in ("scenario", "parameter_hash", "seed", "regsim_version", "scenario_contents", "units", "run_seconds"):
        assert key in meta, key
    assert "gdp_real" in r.output and "wrote" in r.output


def test_run_refuses_to_overwrite_and_force_replaces_atomically(runner, tmp_path, monkeypatch):
    assert invoke(runner, "run", SCEN / "baseline.toml", "-o", tmp_path / "baseline").exit_code == 0
    target = tmp_path / "baseline" / "timeseries.csv"
    before = target.read_bytes()
    r = invoke(runner, "run", SCEN / "baseline.toml", "-o", tmp_path / "baseline")
    assert r.exit_code == 2 and "exists" in r.output and "--force" in r.output
    assert target.read_bytes() == before

    from simulator.cli import run_cmds
    from simulator.engine import SimulationError

    def boom(*a, **k):
        raise SimulationError("simulated failure")

    monkeypatch.setattr(run_cmds, "_simulate_prepared", boom)
    r = invoke(runner, "run", SCEN / "baseline.toml", "-o", tmp_path / "baseline", "--force")
    assert r.exit_code == 2 and "simulated failure" in r.output
    assert target.read_bytes() == before          # old results intact
    assert [p.name for p in tmp_path.iterdir()] == ["baseline"]  # no temp dirs left
    monkeypatch.undo()

    import simulator.io

    def half_write(results, directory, **kw):
        (Path(directory) / "timeseries.csv").write_text("scenario,variable\npartial")
        raise OSError("disk full")

    monkeypatch.setattr(simulator.io, "write_results", half_write)
    r = runner.invoke(main, ["run", str(SCEN / "baseline.toml"), "-o", str(tmp_path / "baseline"), "--force"])
    assert r.exit_code != 0
    assert target.read_bytes() == before          # a failure while writing leaves the old results too
    assert [p.name for p in tmp_path.iterdir()] == ["baseline"]


def test_run_parquet(runner, tmp_path):
    r = invoke(runner, "run", SCEN / "baseline.toml", "-o", tmp_path / "baseline", "--format", "parquet", "--quiet")
    assert r.exit_code == 0, r.output
    df = pd.read_parquet(tmp_path / "baseline" / "timeseries.parquet")
    assert {"scenario", "variable", "dimension", "year", "value", "unit"} == set(df.columns)


def test_compare_prints_and_writes_csv(runner, tmp_path):
    out = tmp_path / "cmp.csv"
    r = invoke(runner, "compare", SCEN / "baseline.toml", SCEN / "port_investment.toml", "-o", out)
    assert r.exit_code == 0, r.output
    for word in ("gdp_gain_total", "job_years_total", "jobs_added_2035", "persons", "gdp_pv_ratio_8pct",
                 "fiscal_payback_year", "national_pv_ratio_8pct", "job_years_pv_per_100m", "trade_total"):
        assert word in r.output, word
    # each metric is a table row or named as unavailable with the missing variable (never invented)
    for name in ("gdp_pv_ratio_8pct", "fiscal_payback_year"):
        line = next(ln for ln in r.output.splitlines() if name in ln)
        assert line.startswith(("unavailable:", name)), line
    if "unavailable:" in r.output:
        assert "reason: needs " in r.output
    df = pd.read_csv(out)
    assert {"scenario", "variable", "year", "diff", "pct", "unit"} <= set(df.columns)
    assert (df.scenario == "port_investment").any()
    metrics = df[df.year.isna()]
    assert {"gdp_pv_ratio_8pct", "jobs_added_2035"} <= set(metrics.variable)
    assert metrics.unit.notna().all() and (metrics.unit.str.len() > 0).all()


def test_plot_from_results_dir_and_scenario(runner, tmp_path):
    assert invoke(runner, "run", SCEN / "baseline.toml", "-o", tmp_path / "baseline", "-q").exit_code == 0
    png = tmp_path / "fig.png"
    r = invoke(runner, "plot", tmp_path / "baseline", SCEN / "digital_infrastructure.toml",
               "--variables", "gdp_real,trade_total,employment_total", "-o", png)
    assert r.exit_code == 0, r.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = invoke(runner, "plot", tmp_path / "baseline", "--variables", "no_such_var", "-o", tmp_path / "x.png")
    assert r.exit_code == 2 and "no_such_var" in r.output


def test_list_shows_every_scenario(runner):
    r = invoke(runner, "list")
    assert r.exit_code == 0
    for f in SCEN.glob("*.toml"):
        assert f.name in r.output


def test_levers_and_levers_show(runner):
    r = invoke(runner, "levers")
    assert r.exit_code == 0
    for lid in ("port_investment", "digital_infrastructure", "industry_transfer", "finance_clustering",
                "ftz_opening", "innovation_chain", "industrial_chains", "producer_services"):
        assert lid in r.output
    r = invoke(runner, "levers", "show", "port_investment")
    assert r.exit_code == 0, r.output
    assert "budget" in r.output and "100m yuan/yr" in r.output and "source:" in r.output
    assert "Model variables it acts on directly" in r.output
    r = invoke(runner, "levers", "show", "teleporter")
    assert r.exit_code == 2 and "unknown lever 'teleporter'" in r.output


def test_validate_shipped_files(runner):
    r = invoke(runner, "validate", ROOT / "params", SCEN)
    assert r.exit_code == 0, r.output


BAD = {
    "bad_toml": ("name = 'x'\n[levers.port_investment\nbudget = 1\n", "malformed TOML"),
    "unknown_lever": ("name='x'\n[levers.teleporter]\nbudget = 10\n", "unknown lever"),
    "negative_budget": ("name='x'\n[levers.port_investment]\nbudget = -5\nstart=2024\nend=2030\n", "budget: must be >= 0"),
    "start_after_end": ("name='x'\n[levers.port_investment]\nbudget = 5\nstart=2030\nend=2024\n", "is after end"),
    "unknown_param": ("name='x'\n[parameters]\nno_such_parameter = 1.0\n", "no_such_parameter: unknown parameter"),
    "year_out_of_range": ("name='x'\n[levers.port_investment]\nbudget = 5\nstart=1990\nend=2030\n", "outside the horizon"),
    "nan_budget": ("name='x'\n[levers.port_investment]\nbudget = nan\n", "finite number"),
    "unknown_setting": ("name='x'\n[levers.port_investment]\nbudget = 5\nwarp_speed = 9\n", "unknown setting"),
    "unknown_key": ("name='x'\nhorizont = 3\n", "unknown key"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenarios_exit_2_with_one_line(runner, tmp_path, case):
    text, needle = BAD[case]
    f = tmp_path / f"{case}.toml"
    f.write_text(text)
    r = invoke(runner, "run", f, "-o", tmp_path / "out")
    assert r.exit_code == 2, r.output
    assert needle in r.output
    assert str(f) in r.output or case == "bad_toml" and f.name in r.output
    assert "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
    r = invoke(runner, "validate", f)
    assert r.exit_code == 2 and needle in r.output


def test_cyclic_extends(runner, tmp_path):
    (tmp_path / "a.toml").write_text("name='a'\nextends='b.toml'\n")
    (tmp_path / "b.toml").write_text("name='b'\nextends='a.toml'\n")
    r = invoke(runner, "run", tmp_path / "a.toml", "-o", tmp_path / "out")
    assert r.exit_code == 2 and "cyclic" in r.output


def test_validate_reports_every_problem(runner, tmp_path):
    f = tmp_path / "many.toml"
    f.write_text("name='x'\n[levers.port_investment]\nbudget=-1\nstart=2030\nend=2020\n[levers.warp]\nbudget=1\n")
    r = invoke(runner, "validate", f)
    assert r.exit_code == 2
    assert "budget" in r.output and "after end" in r.output and "unknown lever" in r.output


def test_bad_parameter_file_is_reported(runner, tmp_path):
    d = tmp_path / "params"
    shutil.copytree(ROOT / "params", d)
    victim = sorted(d.glob("*.toml"))[0]
    victim.write_text(victim.read_text() + "\n[broken_param]\nvalue = 1.0\nunit = 'yr'\nrange = [0, 2]\n")
    r = invoke(runner, "validate", d)
    assert r.exit_code == 2 and "broken_param" in r.output and victim.name in r.output


@pytest.mark.parametrize("scenario", sorted(p.name for p in SCEN.glob("*.toml")))
def test_every_shipped_scenario_runs(runner, tmp_path, scenario):
    r = invoke(runner, "run", SCEN / scenario, "-o", tmp_path / "out", "--quiet")
    assert r.exit_code == 0, r.output


def test_plot_fan_from_uncertainty_dir(runner, tmp_path):
    d = tmp_path / "unc"
    r = invoke(runner, "uncertainty", SCEN / "baseline.toml", "-n", "40", "--seed", "3", "-o", d, "--quiet")
    assert r.exit_code == 0, r.output
    png = tmp_path / "fan.png"
    r = invoke(runner, "plot", "--fan", d, "--variables", "gdp_nominal,population", "-o", png)
    assert r.exit_code == 0, r.output
    assert png.read_bytes()[:4] == b"\x89PNG"
    r = invoke(runner, "plot", "--fan", d, "--variables", "capital_of_atlantis", "-o", tmp_path / "f2.png")
    assert r.exit_code == 2 and "capital_of_atlantis" in r.output


def test_plot_diff_draws_differences_from_the_first_source(runner, tmp_path):
    png = tmp_path / "diff.png"
    r = invoke(runner, "plot", SCEN / "baseline.toml", SCEN / "port_investment.toml", "--diff",
               "--variables", "gdp_real,trade_total", "-o", png)
    assert r.exit_code == 0, r.output
    assert png.read_bytes()[:4] == b"\x89PNG"
    r = invoke(runner, "plot", SCEN / "baseline.toml", "--diff", "-o", tmp_path / "d2.png")
    assert r.exit_code == 2 and "--diff" in r.output


def test_differences_are_exact():
    from simulator.cli.run_cmds import _differences

    base = pd.DataFrame({"variable": ["x", "x"], "dimension": ["", ""], "year": [2018, 2019], "value": [1.0, 2.0]})
    alt = base.assign(value=[1.5, 4.0])
    out = _differences({"base": base, "alt": alt})
    assert list(out) == ["alt - base"]
    assert out["alt - base"]["value"].tolist() == [0.5, 2.0]
