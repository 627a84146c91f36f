"""Engine features added for XMILE: the pipeline delay ``delay(x, T[, x0])`` (XMILE DELAY,
Vensim DELAY FIXED) and element access/reductions of arrayed variables holding a scalar value.

Exact tier: with a delay time that is a multiple of dt the output is the input ``T/dt``
steps earlier, so every check is to machine precision (``rtol=1e-12``); other delay times
are tested in test_engine_builtins.py.
"""

import numpy as np
import pytest

from simulator import Aux, Constant, Flow, Model, SimSettings, Stock, simulate


def _model(eq="delay(x, lag)", lag=3.0):
    return Model("pipe", [
        Aux("x", equation="time * time"),
        Constant("lag", value=lag),
        Aux("y", equation=eq),
    ])


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_output_is_input_lag_earlier_and_initial_before(method):
    res = simulate(_model(), settings=SimSettings(0, 10, 0.5, save_every=0.5, method=method))
    t = res.times
    expected = np.where(t >= 3, (t - 3) ** 2, 0.0)  # x(start) = 0
    np.testing.assert_allclose(res["y"][0], expected, rtol=1e-12, atol=1e-12)


def test_explicit_initial_value():
    res = simulate(_model("delay(x, lag, -5)"), settings=SimSettings(1, 8, 1, save_every=1))
    t = res.times
    np.testing.assert_allclose(res["y"][0], np.where(t >= 4, (t - 3) ** 2, -5.0), rtol=1e-12)


def test_default_initial_is_input_at_start():
    res = simulate(_model(), settings=SimSettings(2, 8, 1, save_every=1))
    np.testing.assert_allclose(res["y"][0][:3], [4.0, 4.0, 4.0])


def test_delay_time_varies_per_ensemble_member():
    res = simulate(_model(), params={"lag": np.array([1.0, 2.0, 4.0])}, settings=SimSettings(0, 6, 1, save_every=1))
    t = res.times
    for j, lag in enumerate([1, 2, 4]):
        np.testing.assert_allclose(res["y"][j], np.where(t >= lag, (t - lag) ** 2, 0.0), rtol=1e-12)


def test_arrayed_delay():
    m = Model("arr", [
        Constant("g", value=[1.0, 2.0], dims=("r",)),
        Aux("x", equation="g * time", dims=("r",)),
        Aux("y", equation="delay(x, 2)", dims=("r",)),
    ], dimensions={"r": ("a", "b")})
    res = simulate(m, settings=SimSettings(0, 5, 1, save_every=1))
    t = res.times
    np.testing.assert_allclose(res["y"][0][:, 1], np.where(t >= 2, 2 * (t - 2), 0.0), rtol=1e-12)


def test_delay_breaks_an_algebraic_loop_and_feeds_a_stock():
    m = Model("loop", [
        Aux("a", equation="delay(a, 1, 0) + 1"),
        Stock("s", initial=0, inflows=("f",)),
        Flow("f", equation="delay(a, 2, 0)"),
    ])
    res = simulate(m, settings=SimSettings(0, 5, 1, save_every=1))
    np.testing.assert_allclose(res["a"][0], [1, 2, 3, 4, 5, 6])
    np.testing.assert_allclose(res["f"][0], [0, 0, 1, 2, 3, 4])
    np.testing.assert_allclose(res["s"][0], np.cumsum([0, 0, 0, 1, 2, 3]))


def test_delay_time_zero_acts_as_one_step():
    res = simulate(_model(lag=0.0), settings=SimSettings(0, 5, 1, save_every=1))
    t = res.times
    np.testing.assert_allclose(res["y"][0], np.where(t >= 1, (t - 1) ** 2, 0.0), rtol=1e-12)


def test_element_and_reduction_of_an_arrayed_stock_with_a_scalar_initial_value():
    # before the first step the stock's value is the scalar 2.0 for every element
    m = Model("arr", [
        Stock("k", initial=2.0, inflows=("f",), dims=("r",)),
        Constant("g", value=[1.0, 3.0], dims=("r",)),
        Flow("f", equation="g", dims=("r",)),
        Aux("kb", equation="k['b']"),
        Aux("tot", equation="sum(k)"),
        Aux("top", equation="max(k)"),
        Aux("avg", equation="mean(k)"),
    ], dimensions={"r": ("a", "b")})
    res = simulate(m, params={"g": np.array([[1.0, 3.0], [2.0, 2.0]])}, settings=SimSettings(0, 2, 1, save_every=1))
    np.testing.assert_allclose(res["kb"], [[2, 5, 8], [2, 4, 6]])
    np.testing.assert_allclose(res["tot"], [[4, 8, 12], [4, 8, 12]])
    np.testing.assert_allclose(res["top"], [[2, 5, 8], [2, 4, 6]])
    np.testing.assert_allclose(res["avg"], [[2, 4, 6], [2, 4, 6]])
