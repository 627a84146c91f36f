"""Engine tier 1: analytic solutions and convergence order.

Tolerances are stated per test: they follow from the integrator's known error
(Euler O(dt), RK4 O(dt^4)) at the step used.
"""

import numpy as np
import pytest

from simulator import Aux, Constant, Flow, Model, SimSettings, Stock, simulate


def growth_model(r=0.05, s0=100.0):
    return Model("growth", [
        Stock("s", initial=s0, inflows=("inflow",), units="u"),
        Flow("inflow", equation="r * s", units="u/yr"),
        Constant("r", value=r, units="1/yr"),
    ])


@pytest.mark.parametrize("r", [0.05, -0.1])
def test_exponential_rk4_matches_closed_form(r):
    res = simulate(growth_model(r), settings=SimSettings(0, 30, 0.25, method="rk4"))
    exact = 100 * np.exp(r * res.times)
    np.testing.assert_allclose(res["s"][0], exact, rtol=1e-7)


def test_exponential_euler_is_first_order_accurate():
    res = simulate(growth_model(0.05), settings=SimSettings(0, 30, 0.01))
    exact = 100 * np.exp(0.05 * res.times)
    # Euler's relative global error ~ r^2 dt T / 2 = 3.75e-4 at T=30
    np.testing.assert_allclose(res["s"][0], exact, rtol=5e-4)


def test_logistic_rk4_matches_closed_form():
    K, r, p0 = 1000.0, 0.4, 10.0
    m = Model("logistic", [
        Stock("p", initial=p0, inflows=("growth",)),
        Flow("growth", equation="r * p * (1 - p / k)"),
        Constant("r", value=r), Constant("k", value=K),
    ])
    res = simulate(m, settings=SimSettings(0, 40, 0.125, method="rk4"))
    exact = K / (1 + (K / p0 - 1) * np.exp(-r * res.times))
    np.testing.assert_allclose(res["p"][0], exact, rtol=1e-6)


def test_delay1_step_response():
    T = 4.0
    m = Model("d1", [
        Aux("inp", equation="step(1, 10)"),
        Aux("out", equation="delay1(inp, tau, 0)"),
        Constant("tau", value=T),
    ])
    res = simulate(m, settings=SimSettings(0, 40, 0.01, save_every=1.0, method="rk4"))
    t = res.times
    exact = np.where(t >= 10, 1 - np.exp(-(t - 10) / T), 0.0)
    np.testing.assert_allclose(res["out"][0], exact, atol=2e-3)


def test_smooth_initialises_at_input_and_tracks_exponentially():
    m = Model("sm", [
        Aux("inp", equation="5 + step(1, 10)"),
        Aux("smoothed", equation="smooth(inp, 2)"),
    ])
    res = simulate(m, settings=SimSettings(0, 30, 0.01, method="rk4"))
    t = res.times
    exact = 5 + np.where(t >= 10, 1 - np.exp(-(t - 10) / 2), 0.0)
    np.testing.assert_allclose(res["smoothed"][0], exact, atol=3e-3)


def test_delay3_mean_transit_time_equals_delay_time():
    T, dt = 6.0, 0.01
    m = Model("d3", [
        Aux("inp", equation="pulse(1, 1)"),
        Aux("out", equation="delay3(inp, tau, 0)"),
        Constant("tau", value=T),
    ])
    res = simulate(m, settings=SimSettings(0, 80, dt, save_every=dt))
    t, out = res.times, res["out"][0]
    total = out.sum() * dt
    mean_exit = (t * out).sum() * dt / total
    assert total == pytest.approx(1.0, rel=1e-3)
    assert mean_exit - 1.0 == pytest.approx(T, rel=0.01)


def test_delay3_initialises_in_equilibrium():
    m = Model("d3eq", [Aux("inp", equation="7"), Aux("out", equation="delay3(inp, 5)")])
    res = simulate(m, settings=SimSettings(0, 10, 0.25))
    np.testing.assert_allclose(res["out"][0], 7.0, rtol=1e-12)


@pytest.mark.parametrize("method, ratio", [("euler", 2.0), ("rk4", 16.0)])
def test_convergence_order(method, ratio):
    errs = []
    for dt in (0.1, 0.05):
        res = simulate(growth_model(0.5, 1.0), settings=SimSettings(0, 4, dt, save_every=1.0, method=method))
        errs.append(abs(res["s"][0, -1] - np.exp(2.0)))
    assert errs[0] / errs[1] == pytest.approx(ratio, rel=0.1)
