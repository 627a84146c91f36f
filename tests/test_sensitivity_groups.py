"""Grouped sensitivity: one factor per (arrayed) parameter, via SALib's ``groups``.

Analytic case: ``y = x1 + 2 b[u] b[v]`` with ``x1, b[u], b[v] ~ U(0, 1)``.
Var(x1) = 1/12, Var(2 b_u b_v) = 4/9 - 1/4 = 7/36, total 10/36:

* grouped (``b`` one factor): S1 = ST = 0.3 for ``x1``, 0.7 for ``b``
  (additive in the two factors);
* by element: S1(b[u]) = 0.3, ST(b[u]) = (3/36 + 1/36) / (10/36) = 0.4.

So the group's ST (0.7) is above each element's ST (0.4), as it must be
(the total index of a set of inputs is at least that of any member).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator import Aux, Constant, Model, SimSettings
from simulator.ensemble import EnsembleError, analyze_function, factors, marginals, sensitivity
from simulator.ensemble.sensitivity import sa_design
from simulator.params import Parameter, ParameterSet

pytest.importorskip("SALib")

REPO = Path(__file__).resolve().parents[1]
DIMS = {"k": ("u", "v")}
ST = SimSettings(0, 0, 1.0)


def params(**b_kw):
    return ParameterSet([
        Parameter(name="x1", value=0.5, unit="1", range=(0.0, 1.0), source="test"),
        Parameter(name="b", value=(0.5, 0.5), unit="1", range=(0.0, 1.0), source="test", dims=("k",), **b_kw),
    ])


def model():
    return Model("grouped", [
        Constant("x1", value=0.5), Constant("b", value=[0.5, 0.5], dims=("k",)),
        Aux("y", equation="x1 + 2 * b['u'] * b['v']"),
    ], dimensions=DIMS)


def f(X):
    return X["x1"].to_numpy() + 2 * X["b[u]"].to_numpy() * X["b[v]"].to_numpy()


def test_grouped_sobol_on_an_analytic_function():
    margs = marginals(params(), DIMS)
    assert factors(margs) == {"x1": ["x1"], "b": ["b[u]", "b[v]"]}
    g = analyze_function(f, margs, method="sobol", n=1024, seed=4)
    e = analyze_function(f, margs, method="sobol", n=1024, seed=4, group_by="element")
    assert list(g.table.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(g.table["parameter"]) == ["b", "x1"]  # one row per parameter, ranked by ST
    assert sorted(e.table["parameter"]) == ["b[u]", "b[v]", "x1"]
    tg, te = g.table.set_index("parameter"), e.table.set_index("parameter")
    np.testing.assert_allclose(tg.loc[["x1", "b"], "S1"], [0.3, 0.7], atol=0.05)
    np.testing.assert_allclose(tg.loc[["x1", "b"], "ST"], [0.3, 0.7], atol=0.05)
    np.testing.assert_allclose(te.loc[["b[u]", "b[v]"], "ST"], [0.4, 0.4], atol=0.05)
    assert (tg.loc["b", "ST"] >= te.loc[["b[u]", "b[v]"], "ST"]).all()
    # G + 2 rows per base sample: 2 factors grouped, 3 columns by element
    assert g.metadata["runs"] == 1024 * 4 and e.metadata["runs"] == 1024 * 5
    assert g.metadata["group_by"] == "parameter" and g.metadata["parameters"] == ["x1", "b"]
    assert g.metadata["groups"] == {"b": ["b[u]", "b[v]"]} and e.metadata["groups"] == {}


def test_grouped_sobol_through_the_model_is_reproducible():
    ps, m = params(), model()
    a = sensitivity(m, ps, "y@0", n=512, seed=9, settings=ST, chunk_size=700)
    b = sensitivity(m, ps, "y@0", n=512, seed=9, settings=ST, chunk_size=5000)
    np.testing.assert_array_equal(a.Y, b.Y)
    assert a.table.equals(b.table)
    assert list(a.table["parameter"]) == ["b", "x1"]
    np.testing.assert_allclose(a.table.set_index("parameter").loc[["x1", "b"], "ST"], [0.3, 0.7], atol=0.08)
    assert list(a.X.columns) == ["x1", "b[u]", "b[v]"]  # the design keeps one column per element
    e = sensitivity(m, ps, "y@0", n=512, seed=9, settings=ST, group_by="element")
    assert len(e.table) == 3 and len(e.Y) == 512 * 5


def test_grouped_design_moves_a_group_together_with_per_element_shapes():
    ps = params(distribution="triangular", mode=(0.1, 0.9))
    margs = marginals(ps, DIMS)
    U, X = sa_design(margs, "sobol", 64, seed=2)
    for j, m in enumerate(margs):  # each element through its own distribution
        np.testing.assert_allclose(X[m.column].to_numpy(), m.ppf(U[:, j]))
    assert X["b[u]"].median() < 0.5 < X["b[v]"].median()
    assert not np.allclose(U[:, 1], U[:, 2])  # elements have their own draws
    # Saltelli blocks A, AB_x1, AB_b, B: in AB_b both b columns come from B, x1 from A
    blocks = U.reshape(64, 4, 3)
    A, AB_x1, AB_b, B = (blocks[:, i] for i in range(4))
    np.testing.assert_array_equal(AB_b[:, 1:], B[:, 1:])
    np.testing.assert_array_equal(AB_b[:, 0], A[:, 0])
    np.testing.assert_array_equal(AB_x1[:, 1:], A[:, 1:])
    Um, _ = sa_design(margs, "morris", 10, seed=2)
    assert Um.shape == (10 * 3, 3)
    steps = np.abs(np.diff(Um.reshape(10, 3, 3), axis=1)) > 0  # per trajectory step: which columns moved
    assert ((steps[:, :, 1] == steps[:, :, 2]) & (steps[:, :, 0] != steps[:, :, 1])).all()


def test_grouped_morris():
    ps, m = params(), model()
    res = sensitivity(m, ps, "y@0", method="morris", n=100, seed=1, settings=ST)
    t = res.table.set_index("parameter")
    assert list(res.table.columns) == ["parameter", "mu", "mu_star", "mu_star_conf", "sigma"]
    assert sorted(t.index) == ["b", "x1"] and len(res.Y) == 100 * 3
    assert t.loc["b", "mu_star"] > 0 and np.isnan(t.loc["b", "sigma"])  # SALib: no sigma for a group
    assert t.loc["x1", "mu_star"] == pytest.approx(1.0) and t.loc["x1", "sigma"] == pytest.approx(0.0, abs=1e-9)
    again = sensitivity(m, ps, "y@0", method="morris", n=100, seed=1, settings=ST)
    assert res.table.equals(again.table)
    e = sensitivity(m, ps, "y@0", method="morris", n=100, seed=1, settings=ST, group_by="element")
    assert sorted(e.table["parameter"]) == ["b[u]", "b[v]", "x1"] and len(e.Y) == 100 * 4


def test_scalars_only_grouping_changes_nothing():
    from SALib.test_functions import Ishigami

    ps = ParameterSet([Parameter(name=n, value=0.0, unit="1", range=(-np.pi, np.pi), source="test")
                       for n in ("x1", "x2", "x3")])
    margs = marginals(ps)
    func = lambda X: Ishigami.evaluate(X[["x1", "x2", "x3"]].to_numpy())  # noqa: E731
    for method, n in (("sobol", 256), ("morris", 20)):
        a = analyze_function(func, margs, method=method, n=n, seed=7)
        b = analyze_function(func, margs, method=method, n=n, seed=7, group_by="element")
        np.testing.assert_array_equal(a.Y, b.Y)
        assert a.table.equals(b.table)


def test_bad_group_by():
    with pytest.raises(EnsembleError, match="group-by"):
        sensitivity(model(), params(), "y@0", n=64, seed=0, settings=ST, group_by="sector")


# -- CLI on the shipped baseline ------------------------------------------------------

@pytest.mark.parametrize("method,group_by", [("sobol", "parameter"), ("morris", "element")])
def test_cli_group_by_on_baseline(tmp_path, method, group_by):
    from click.testing import CliRunner

    from simulator.cli import ensemble_cmds

    t0 = time.perf_counter()
    out = tmp_path / "sa"
    r = CliRunner().invoke(ensemble_cmds.sensitivity, [
        str(REPO / "scenarios" / "baseline.toml"), "--method", method, "--output", "gdp_real@2030", "-n", "4",
        "--seed", "3", "--group-by", group_by, "-o", str(out), "-q"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out / f"{method}.csv")
    meta = json.loads((out / "metadata.json").read_text())
    cols = pd.read_csv(out / "samples.csv", nrows=1).columns
    assert meta["group_by"] == group_by and list(table["parameter"]) != []
    assert set(table["parameter"]) == set(meta["parameters"]) and table["parameter"].is_unique
    assert set(meta["columns"]) <= set(cols)  # the design keeps every element's column
    if group_by == "parameter":
        assert "tfp_growth" in set(table["parameter"])
        assert not table["parameter"].str.contains(r"\[").any()  # one row per parameter
        assert "tfp_growth[energy_petrochem]" in meta["groups"]["tfp_growth"]
        assert len(table) < len(meta["columns"])
        assert meta["runs"] == 4 * (len(table) + 2)
    else:
        assert "tfp_growth[energy_petrochem]" in set(table["parameter"])
        assert len(table) == len(meta["columns"]) and meta["groups"] == {}
        assert meta["runs"] == 4 * (len(table) + 1)
    assert (out / "sensitivity.png").stat().st_size > 1000
    assert time.perf_counter() - t0 < 15
