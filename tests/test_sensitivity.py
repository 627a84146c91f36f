"""Sensitivity analysis against the Ishigami function (SALib's analytic test case).

Analytic indices for a = 7, b = 0.1, x_i ~ U(-pi, pi):
S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437). Statistical tolerance
``atol = 0.05`` (SALib's regime for such checks) at N = 1024 base samples.
Seeded runs are reproduced exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import Aux, Constant, Model, SimSettings
from simulator.ensemble import EnsembleError, analyze_function, marginals, sensitivity
from simulator.params import Parameter, ParameterSet

pytest.importorskip("SALib")

S1 = np.array([0.3139, 0.4424, 0.0])
ST = np.array([0.5576, 0.4424, 0.2437])


def _p(name, lo=-math.pi, hi=math.pi, **kw):
    return Parameter(name=name, value=0.0 if lo <= 0 <= hi else lo, unit="1", range=(lo, hi), source="test", **kw)


def ishigami_parameters(dummy=False):
    ps = [_p("x1"), _p("x2"), _p("x3")]
    if dummy:
        ps.append(_p("x4", 0.0, 1.0))
    return ParameterSet(ps)


def ishigami_model():
    return Model("ishigami", [
        Constant("x1"), Constant("x2"), Constant("x3"), Constant("x4"),
        Aux("y", equation="sin(x1) + 7 * sin(x2) ** 2 + 0.1 * x3 ** 4 * sin(x1)"),
    ])


def ordered(table, col):
    return table.set_index("parameter").loc[["x1", "x2", "x3"], col].to_numpy()


def test_sobol_on_salib_ishigami_function():
    from SALib.test_functions import Ishigami

    res = analyze_function(lambda X: Ishigami.evaluate(X[["x1", "x2", "x3"]].to_numpy()),
                           marginals(ishigami_parameters()), method="sobol", n=1024, seed=12)
    np.testing.assert_allclose(ordered(res.table, "S1"), S1, atol=0.05)
    np.testing.assert_allclose(ordered(res.table, "ST"), ST, atol=0.05)
    assert list(res.table.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert res.table["parameter"].iloc[0] == "x1"  # ranked by ST
    assert res.metadata["runs"] == 1024 * 5


def test_sobol_through_the_model_pipeline():
    """Same check, but sampling the ParameterSet and running the model as an ensemble."""
    res = sensitivity(ishigami_model(), ishigami_parameters(dummy=True), "y@0", method="sobol", n=1024, seed=5,
                      settings=SimSettings(0, 0, 1.0), chunk_size=1500)
    np.testing.assert_allclose(ordered(res.table, "S1"), S1, atol=0.05)
    np.testing.assert_allclose(ordered(res.table, "ST"), ST, atol=0.05)
    x4 = res.table.set_index("parameter").loc["x4"]
    assert abs(x4["S1"]) < 0.02 and x4["ST"] == pytest.approx(0.0, abs=1e-12)  # unused parameter
    assert len(res.Y) == 1024 * 6


def test_sobol_is_reproducible_for_a_seed_and_chunking():
    m, ps, st = ishigami_model(), ishigami_parameters(), SimSettings(0, 0, 1.0)
    a = sensitivity(m, ps, "y@0", n=256, seed=3, settings=st, chunk_size=4096)
    b = sensitivity(m, ps, "y@0", n=256, seed=3, settings=st, chunk_size=100)
    np.testing.assert_array_equal(a.Y, b.Y)
    assert a.table.equals(b.table)


def test_morris_ranks_and_zero_effect_parameter():
    res = sensitivity(ishigami_model(), ishigami_parameters(dummy=True), "y@0", method="morris", n=200, seed=1,
                      settings=SimSettings(0, 0, 1.0))
    t = res.table.set_index("parameter")
    assert list(res.table.columns) == ["parameter", "mu", "mu_star", "mu_star_conf", "sigma"]
    assert t.loc["x4", "mu_star"] == 0.0 and t.loc["x4", "sigma"] == 0.0
    assert res.table["parameter"].iloc[-1] == "x4"  # ranked by mu_star
    assert (t.loc[["x1", "x2", "x3"], "mu_star"] > 0.5).all()
    assert len(res.Y) == 200 * 5


def test_constant_output_gives_zero_indices():
    m = Model("flat", [Constant("x1"), Aux("y", equation="1 + 0 * x1")])
    res = sensitivity(m, ParameterSet([_p("x1")]), "y@0", n=64, seed=0, settings=SimSettings(0, 0, 1.0))
    assert (res.table[["S1", "ST"]].to_numpy() == 0).all()


def test_sensitivity_errors():
    m, st = ishigami_model(), SimSettings(0, 0, 1.0)
    with pytest.raises(EnsembleError, match="power of two"):
        sensitivity(m, ishigami_parameters(), "y@0", n=1000, seed=0, settings=st)
    with pytest.raises(EnsembleError, match="unknown sensitivity method"):
        sensitivity(m, ishigami_parameters(), "y@0", method="fast", n=64, seed=0, settings=st)
    with pytest.raises(EnsembleError, match="no uncertain parameters"):
        sensitivity(m, ParameterSet([_p("x1", distribution="fixed")]), "y@0", n=64, seed=0, settings=st)
    with pytest.raises(EnsembleError, match="bad output"):
        sensitivity(m, ishigami_parameters(), "y", n=64, seed=0, settings=st)
