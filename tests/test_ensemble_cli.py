"""CLI of the ensemble layer (click's CliRunner), on a small stand-in for a prepared scenario.

The scenario loader is replaced by a fake ``prepare`` returning a logistic
"economy" so these tests do not depend on the full Heilongjiang model; the
commands themselves run unchanged.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from simulator import Aux, Constant, Flow, Model, SimSettings, Stock
from simulator.cli import ensemble_cmds
from simulator.params import Parameter, ParameterSet

SETTINGS = SimSettings(2018, 2040, 0.25)


def _p(name, value, lo, hi, block="production", **kw):
    return Parameter(name=name, value=value, unit="1", range=(lo, hi), source="test", block=block, **kw)


def toy_model(boost=0.0):
    return Model("toy", [
        Stock("gdp_real", initial=100.0, inflows=("growth",), units="100m yuan"),
        Flow("growth", equation="(r + policy_boost) * gdp_real * (1 - gdp_real / k)", units="100m yuan/yr"),
        Aux("employment_total", equation="e * gdp_real", units="10k persons"),
        Constant("r", value=0.05), Constant("k", value=400.0), Constant("e", value=0.1),
        Constant("policy_boost", value=boost), Constant("port_investment_budget", value=0.0),
        Aux("va", equation="gdp_real * shares", dims=("sector",)),
        Constant("shares", value=[0.3, 0.7], dims=("sector",)),
    ], dimensions={"sector": ("agri", "other")})


def toy_parameters():
    return ParameterSet([
        _p("r", 0.05, 0.03, 0.07), _p("k", 400.0, 300.0, 500.0, distribution="triangular", mode=400.0),
        _p("e", 0.1, 0.1, 0.1, distribution="fixed"),
        _p("policy_boost", 0.0, 0.0, 0.02),
        _p("port_investment_budget", 0.0, 0.0, 500.0, block="levers"),
        _p("shares", (0.3, 0.7), 0.2, 0.8, dims=("sector",)),
        _p("not_in_model", 1.0, 0.0, 2.0),
    ])


def fake_prepare(path):
    name = path.stem
    boost = 0.01 if name == "policy" else 0.0
    params = {"policy_boost": boost} if name == "policy" else {}
    if name == "broken":
        from simulator.scenarios import ScenarioError

        raise ScenarioError([f"{path}: levers.x: unknown lever"])
    return SimpleNamespace(name=name, model=toy_model(boost), params=params, settings=SETTINGS,
                           parameters=toy_parameters(), metadata={"scenario": name, "seed": 42,
                                                                 "parameter_hash": "abc"})


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.setattr(ensemble_cmds, "_prepare", fake_prepare)
    return CliRunner()


def invoke(runner, cmd, args):
    return runner.invoke(cmd, [str(a) for a in args], catch_exceptions=False)


def test_uncertainty_writes_tables(runner, tmp_path):
    out = tmp_path / "u"
    r = invoke(runner, ensemble_cmds.uncertainty, [tmp_path / "baseline.toml", "-n", 200, "--seed", 3, "-o", out,
                                                   "--chunk-size", 64])
    assert r.exit_code == 0, r.output
    assert "baseline: 200 members" in r.output
    q = pd.read_csv(out / "quantiles.csv", keep_default_na=False)
    assert list(q.columns) == ["variable", "dimension", "year", "quantile", "value"]
    assert set(q["variable"]) == {"gdp_real", "employment_total"}  # headline variables present in the model
    wide = q.pivot_table(index=["variable", "year"], columns="quantile", values="value")[["p5", "p25", "p50", "p75", "p95"]]
    assert (np.diff(wide.to_numpy(), axis=1) >= 0).all()
    s = pd.read_csv(out / "samples.csv", index_col="member")
    assert list(s.columns) == ["r", "k", "policy_boost", "shares[agri]", "shares[other]"]  # no fixed/lever/unknown
    assert len(s) == 200
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["seed"] == 3 and meta["sampler"] == "lhs" and meta["n_members"] == 200
    assert meta["not_sampled"] == {"fixed": ["e"], "policy setting": ["port_investment_budget"],
                                   "not a model constant": ["not_in_model"]}
    assert meta["lever_mechanisms_sampled"] is True
    table = pd.read_csv(out / "parameters.csv")
    assert table.set_index("parameter").loc["port_investment_budget", "role"] == "policy setting"
    assert list(table[table["sampled"]]["parameter"]) == sorted(["r", "k", "policy_boost", "shares"])
    assert not list(tmp_path.glob(".u.tmp-*"))


def test_uncertainty_is_reproducible_across_chunking_and_executor(runner, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    invoke(runner, ensemble_cmds.uncertainty, [tmp_path / "baseline.toml", "-n", 60, "-o", a, "--chunk-size", 7,
                                               "--variables", "gdp_real,va", "-q"])
    r = invoke(runner, ensemble_cmds.uncertainty, [tmp_path / "baseline.toml", "-n", 60, "-o", b, "--chunk-size", 25,
                                                   "--variables", "gdp_real,va", "--executor", "dask", "--workers", 2,
                                                   "-q"])
    assert r.exit_code == 0, r.output
    assert r.output.strip() == str(b)
    for f in ("quantiles.csv", "samples.csv"):
        assert (a / f).read_bytes() == (b / f).read_bytes()
    assert json.loads((a / "metadata.json").read_text())["seed"] == 42  # the scenario's seed


def test_uncertainty_compare_is_paired(runner, tmp_path):
    out = tmp_path / "cmp"
    r = invoke(runner, ensemble_cmds.uncertainty, [tmp_path / "policy.toml", "--compare", tmp_path / "baseline.toml",
                                                   "-n", 100, "--seed", 1, "-o", out, "--parquet"])
    assert r.exit_code == 0, r.output
    s = pd.read_csv(out / "samples.csv")
    assert "policy_boost" not in s.columns  # set by the scenario: not sampled
    prob = pd.read_csv(out / "effect_probability.csv", keep_default_na=False)
    g = prob[(prob.variable == "gdp_real") & (prob.year > 2018)]
    assert (g["p_higher"] == 1.0).all()
    eff = pd.read_csv(out / "effect_quantiles.csv", keep_default_na=False)
    assert (eff[(eff.variable == "gdp_real") & (eff.year == 2018)]["value"] == 0).all()
    assert (out / "baseline_quantiles.csv").exists() and (out / "members").is_dir()
    assert "P(>base)" in r.output


def test_uncertainty_errors_are_one_line_exit_2(runner, tmp_path):
    out = tmp_path / "x"
    out.mkdir()
    from simulator.io.outdir import write_manifest

    write_manifest(out, command="uncertainty")  # a result directory regsim wrote (an empty directory counts as absent)
    cases = [
        ([tmp_path / "baseline.toml", "-o", out], "output directory exists"),
        ([tmp_path / "broken.toml", "-o", tmp_path / "y"], "unknown lever"),
        ([tmp_path / "baseline.toml", "-o", tmp_path / "y", "--variables", "nope"], "unknown variable"),
        ([tmp_path / "baseline.toml", "-o", tmp_path / "y", "--scheduler", "tcp://x:1"], "needs --executor dask"),
    ]
    for args, msg in cases:
        r = runner.invoke(ensemble_cmds.uncertainty, [str(a) for a in args])
        assert r.exit_code == 2, (args, r.output)
        assert msg in r.output and "Traceback" not in r.output
        assert len(r.output.strip().splitlines()) == 1
    corr = tmp_path / "corr.toml"
    corr.write_text('[correlations]\npairs = [["r", "zzz", 0.5]]\n')
    r = runner.invoke(ensemble_cmds.uncertainty, [str(tmp_path / "baseline.toml"), "-o", str(tmp_path / "z"),
                                                  "--correlations", str(corr)])
    assert r.exit_code == 2 and "unknown parameter 'zzz'" in r.output and str(corr) in r.output
    assert not (tmp_path / "z").exists() and not list(tmp_path.glob(".z.tmp-*"))


def test_uncertainty_with_correlations(runner, tmp_path):
    corr = tmp_path / "corr.toml"
    corr.write_text('[correlations]\npairs = [["r", "k", 0.8]]\n')
    out = tmp_path / "c"
    r = invoke(runner, ensemble_cmds.uncertainty, [tmp_path / "baseline.toml", "-n", 500, "-o", out,
                                                   "--correlations", corr, "-q"])
    assert r.exit_code == 0
    s = pd.read_csv(out / "samples.csv")
    assert s[["r", "k"]].corr(method="spearman").iloc[0, 1] == pytest.approx(0.8, abs=0.05)


@pytest.mark.parametrize("method,table,cols", [
    ("sobol", "sobol.csv", ["parameter", "S1", "S1_conf", "ST", "ST_conf"]),
    ("morris", "morris.csv", ["parameter", "mu", "mu_star", "mu_star_conf", "sigma"]),
])
def test_sensitivity_command(runner, tmp_path, method, table, cols):
    pytest.importorskip("SALib")
    out = tmp_path / method
    r = invoke(runner, ensemble_cmds.sensitivity, [tmp_path / "baseline.toml", "--method", method, "--output",
                                                   "gdp_real@2030", "-n", 64, "--group-by", "element", "-o", out])
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out / table)
    assert list(t.columns) == cols
    assert set(t["parameter"]) == {"r", "k", "policy_boost", "shares[agri]", "shares[other]"}
    key = "ST" if method == "sobol" else "mu_star"
    assert t["parameter"].iloc[0] == "r"  # the growth rate drives GDP at 2030
    assert (t.set_index("parameter").loc[["shares[agri]", "shares[other]"], key].abs() < 1e-9).all()
    assert (out / "sensitivity.png").stat().st_size > 1000
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["output"] == "gdp_real@2030" and meta["seed"] == 42


def test_sensitivity_errors(runner, tmp_path):
    for args, msg in [
        (["--output", "gdp_real"], "bad output"),
        (["--output", "nope@2030"], "no variable 'nope'"),
        (["--output", "gdp_real@2030", "-n", 100], "power of two"),
        (["--output", "gdp_real@2099", "-n", 64], "not a saved time"),
    ]:
        r = runner.invoke(ensemble_cmds.sensitivity, [str(tmp_path / "baseline.toml"), *map(str, args),
                                                      "-o", str(tmp_path / "s")])
        assert r.exit_code == 2, (args, r.output)
        assert msg in r.output and len(r.output.strip().splitlines()) == 1
        assert not (tmp_path / "s").exists()
