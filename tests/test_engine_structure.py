"""Engine: structure, builtins, purity, ensembles, errors."""

import subprocess
import sys

import numpy as np
import pytest

from simulator import (
    AlgebraicLoopError,
    Aux,
    Constant,
    Flow,
    Lookup,
    Model,
    ModelError,
    NonFiniteError,
    SimSettings,
    Stock,
    TimeSeries,
    simulate,
)
from simulator.engine import parse
from simulator.engine.expr import ExpressionError, to_text


def chain_model():
    """Three stocks in a chain with an external source and sink."""
    return Model("chain", [
        Stock("a", initial=100, inflows=("source",), outflows=("ab",), units="t"),
        Stock("b", initial=50, inflows=("ab",), outflows=("bc",), units="t"),
        Stock("c", initial=0, inflows=("bc",), outflows=("sink",), units="t"),
        Flow("source", equation="5 + 2 * sin(time)", units="t/yr"),
        Flow("ab", equation="a * k_ab", units="t/yr"),
        Flow("bc", equation="b * k_bc", units="t/yr"),
        Flow("sink", equation="0.1 * c", units="t/yr"),
        Constant("k_ab", value=0.2, units="1/yr"),
        Constant("k_bc", value=0.3, units="1/yr"),
    ])


def test_conservation_euler_each_stock_equals_initial_plus_integrated_flows():
    dt = 0.25
    res = simulate(chain_model(), settings=SimSettings(0, 20, dt, save_every=dt))
    for s, ins, outs in (("a", ["source"], ["ab"]), ("b", ["ab"], ["bc"]), ("c", ["bc"], ["sink"])):
        net = sum(res[f][0] for f in ins) - sum(res[f][0] for f in outs)
        rebuilt = res[s][0, 0] + np.concatenate([[0.0], np.cumsum(net[:-1]) * dt])
        np.testing.assert_allclose(res[s][0], rebuilt, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_closed_system_conserves_total(method):
    m = Model("closed", [
        Stock("a", initial=100, outflows=("ab",)),
        Stock("b", initial=0, inflows=("ab",), outflows=("bc",)),
        Stock("c", initial=0, inflows=("bc",)),
        Flow("ab", equation="0.3 * a"), Flow("bc", equation="0.2 * b"),
    ])
    res = simulate(m, settings=SimSettings(0, 30, 0.25, method=method))
    total = res["a"][0] + res["b"][0] + res["c"][0]
    np.testing.assert_allclose(total, 100.0, rtol=1e-12)


def test_ensemble_equals_individual_runs():
    m = chain_model()
    rng = np.random.default_rng(1)
    k_ab = rng.uniform(0.1, 0.4, 40)
    k_bc = rng.uniform(0.1, 0.4, 40)
    for method in ("euler", "rk4"):
        st = SimSettings(0, 20, 0.25, method=method)
        ens = simulate(m, params={"k_ab": k_ab, "k_bc": k_bc}, settings=st)
        assert ens.n_runs == 40
        for i in (0, 17, 39):
            one = simulate(m, params={"k_ab": k_ab[i], "k_bc": k_bc[i]}, settings=st)
            for v in ("a", "b", "c", "ab"):
                np.testing.assert_allclose(ens[v][i], one[v][0], rtol=1e-12, atol=1e-12)


def test_arrayed_ensemble_equals_individual_runs():
    m = Model("arr", [
        Stock("x", initial="x0", inflows=("g",), dims=("s",)),
        Flow("g", equation="x * rate - 0.01 * sum(x) / 3", dims=("s",)),
        Constant("x0", value=[1.0, 2.0, 3.0], dims=("s",)),
        Constant("rate", value=[0.01, 0.02, 0.03], dims=("s",)),
        Aux("total", equation="sum(x)"),
        Aux("second", equation="x['two']"),
    ], dimensions={"s": ("one", "two", "three")})
    rates = np.random.default_rng(2).uniform(0, 0.1, (25, 3))
    ens = simulate(m, params={"rate": rates})
    for i in (0, 24):
        one = simulate(m, params={"rate": rates[i]})
        np.testing.assert_allclose(ens["x"][i], one["x"][0], rtol=1e-12)
        np.testing.assert_allclose(ens["total"][i], one["total"][0], rtol=1e-12)
    np.testing.assert_allclose(ens["second"], ens["x"][:, :, 1])


def test_simulate_is_pure():
    m = chain_model()
    before = m.components
    params = {"k_ab": np.array([0.1, 0.2])}
    p_copy = params["k_ab"].copy()
    r1 = simulate(m, params=params)
    r2 = simulate(m, params=params)
    assert m.components == before
    np.testing.assert_array_equal(params["k_ab"], p_copy)
    for v in r1.variables:
        np.testing.assert_array_equal(r1[v], r2[v])
    # a later default run is not affected by the earlier override
    r3 = simulate(m)
    assert r3["ab"][0, 0] == pytest.approx(100 * 0.2)


def test_algebraic_loop_is_refused_with_names():
    m = Model("loop", [Aux("x", equation="y + 1"), Aux("y", equation="z * 2"), Aux("z", equation="x"),
                       Aux("ok", equation="3")])
    with pytest.raises(AlgebraicLoopError) as exc:
        simulate(m)
    assert set(exc.value.loop) == {"x", "y", "z"}
    assert "x" in str(exc.value) and "z" in str(exc.value)


def test_loop_through_stock_or_smooth_is_fine():
    m = Model("ok", [Aux("x", equation="smooth(y, 2, 1)"), Aux("y", equation="x + 1")])
    res = simulate(m, settings=SimSettings(0, 5, 0.25))
    assert np.all(np.isfinite(res["x"]))


def test_lookup_interpolates_and_clamps():
    m = Model("lk", [
        Lookup("effect", x=(0.0, 1.0, 2.0), y=(0.0, 10.0, 5.0)),
        Aux("u", equation="time - 2"),
        Aux("e", equation="effect(u)"),
    ])
    res = simulate(m, settings=SimSettings(0, 6, 0.5, save_every=0.5))
    u = res["u"][0]
    expected = np.interp(u, [0, 1, 2], [0, 10, 5])
    np.testing.assert_allclose(res["e"][0], expected)
    assert res["e"][0, 0] == 0.0 and res["e"][0, -1] == 5.0  # clamped at both ends


def test_timeseries_input_interpolates_and_holds_ends():
    m = Model("ts", [TimeSeries("price", x=(2020, 2030), y=(50, 100)), Aux("p2", equation="price * 2")])
    res = simulate(m, settings=SimSettings(2018, 2035, 0.25))
    s = res.series("price")
    assert s[2018] == 50 and s[2025] == 75 and s[2035] == 100
    assert res.series("p2")[2025] == 150


def test_non_negative_stock_stays_non_negative():
    m = Model("nn", [Stock("s", initial=5, outflows=("drain",), non_negative=True), Flow("drain", equation="10")])
    res = simulate(m, settings=SimSettings(0, 3, 0.25))
    assert res["s"].min() >= 0.0
    m2 = m.replace(Stock("s", initial=5, outflows=("drain",)))
    assert simulate(m2, settings=SimSettings(0, 3, 0.25))["s"].min() < 0


def test_builtins_step_ramp_pulse_minmax_ifelse():
    m = Model("b", [
        Aux("st", equation="step(3, 2)"),
        Aux("rp", equation="ramp(2, 1, 4)"),
        Aux("pu", equation="pulse(4, 2)"),
        Aux("mx", equation="max(time, 3)"),
        Aux("mn", equation="min(time, 3, 2.5)"),
        Aux("ie", equation="if_then_else(time > 2, 1, -1)"),
        Aux("py", equation="10 if time >= 5 and time < 6 else 0"),
        Aux("fr", equation="init(time) + time"),
    ])
    dt = 0.5
    res = simulate(m, settings=SimSettings(0, 8, dt, save_every=dt))
    t = res.times
    np.testing.assert_allclose(res["st"][0], np.where(t >= 2, 3, 0))
    np.testing.assert_allclose(res["rp"][0], 2 * (np.clip(t, 1, 4) - 1))
    np.testing.assert_allclose(res["pu"][0], np.where(t == 2, 4 / dt, 0))
    np.testing.assert_allclose(res["mx"][0], np.maximum(t, 3))
    np.testing.assert_allclose(res["mn"][0], np.minimum(t, 2.5))
    np.testing.assert_allclose(res["ie"][0], np.where(t > 2, 1, -1))
    np.testing.assert_allclose(res["py"][0], np.where((t >= 5) & (t < 6), 10, 0))
    np.testing.assert_allclose(res["fr"][0], t)


def test_nonfinite_reported_with_variable_and_year():
    m = Model("nan", [
        Stock("s", initial=1, inflows=("f",)), Flow("f", equation="ratio"),
        Aux("ratio", equation="1 / (2025 - time)"),
    ])
    with pytest.raises(NonFiniteError) as exc:
        simulate(m)
    assert exc.value.variable == "ratio" and exc.value.time == 2025


def test_unknown_names_and_bad_params_are_clear_errors():
    with pytest.raises(ModelError, match="unknown name 'nope'"):
        simulate(Model("u", [Aux("x", equation="nope + 1")]))
    with pytest.raises(ModelError, match="unknown function 'frobnicate'"):
        simulate(Model("u", [Aux("x", equation="frobnicate(1)")]))
    m = chain_model()
    with pytest.raises(ModelError, match="unknown parameter 'k_zz'"):
        simulate(m, params={"k_zz": 1.0})
    with pytest.raises(ModelError, match="NaN"):
        simulate(m, params={"k_ab": np.nan})
    with pytest.raises(ModelError, match="not a constant"):
        simulate(m, params={"ab": 1.0})
    with pytest.raises(ModelError, match="disagree"):
        simulate(m, params={"k_ab": np.ones(3), "k_bc": np.ones(4)})


def test_dimension_mismatch_is_refused():
    # operands are aligned by dimension name: a[x] + b[y] is over (x, y), which c does not declare
    m = Model("d", [
        Constant("a", value=[1, 2], dims=("x",)), Constant("b", value=[1, 2, 3], dims=("y",)),
        Aux("c", equation="a + b", dims=("x",)),
    ], dimensions={"x": ("p", "q"), "y": ("r", "s", "t")})
    with pytest.raises(ModelError, match="dimension 'y', which is not declared"):
        simulate(m)


@pytest.mark.parametrize("bad", ["__import__('os').system('echo hi')", "x.attr", "[i for i in x]",
                                 "lambda: 1", "f(a=1)", "x[0]"])
def test_parser_refuses_code(bad):
    with pytest.raises(ExpressionError):
        parse(bad)


@pytest.mark.parametrize("eq", ["a + b * c", "(a + b) * c", "-a ** 2", "a - (b - c)", "a / (b * c)",
                                "if_then_else(a > 1 and b <= 2, x['e'], 3)", "not a or b", "2 ** 3 ** 2"])
def test_equation_text_round_trips(eq):
    assert parse(to_text(parse(eq))) == parse(eq)


def test_settings_validation():
    with pytest.raises(ValueError, match="multiple of dt"):
        SimSettings(0, 10, 0.3)
    with pytest.raises(ValueError, match="before start"):
        SimSettings(10, 0)
    with pytest.raises(ValueError, match="method"):
        SimSettings(method="heun")


def test_results_tidy_frame_and_units():
    m = chain_model()
    res = simulate(m, params={"k_ab": [0.1, 0.2]}, settings=SimSettings(0, 2, 0.5))
    df = res.to_dataframe(["a", "ab"])
    assert list(df.columns) == ["variable", "dimension", "year", "value", "run"]
    assert len(df) == 2 * 2 * 3
    assert df.attrs["units"] == {"a": "t", "ab": "t/yr"}
    sub = df[(df.variable == "a") & (df.run == 1)]
    np.testing.assert_allclose(sub.value, res["a"][1])


def test_model_introspection():
    m = chain_model()
    assert m.dependencies("ab") == {"a", "k_ab"}
    assert m.units()["sink"] == "t/yr"
    assert set(m.names("stock")) == {"a", "b", "c"}
    tab = m.table()
    assert {"name", "kind", "units", "equation", "doc"} <= set(tab.columns)


def test_import_is_light():
    code = ("import simulator, sys; bad = [m for m in ('matplotlib', 'scipy.optimize', 'SALib', 'dask', 'click')"
            " if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_memory_layout_of_parameters_does_not_change_results():
    m = Model("layout", [Constant("p", value=[1.0, 2.0, 3.0], dims=("s",)),
                         Aux("t", equation="sum(p ** 0.5 * 2.0 ** 0.5)")], dimensions={"s": ("a", "b", "c")})
    P = np.random.default_rng(0).uniform(1, 2, (257, 3))
    a = simulate(m, params={"p": np.asfortranarray(P)})["t"]
    b = simulate(m, params={"p": P})["t"]
    np.testing.assert_array_equal(a, b)
