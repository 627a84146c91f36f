"""Builtins and their semantics: INT of negatives, rounding, MODULO, ROOTN, PERCENT, SAFEDIV,
PREVIOUS, TREND, FORCST, NPV, the pipeline DELAY with a delay time that is not a multiple of
dt, DELAYN with stages shorter than dt, stochastic functions (seeded, reproducible per
ensemble member whatever the chunking) and the wording of errors.

Reference values are computed in the tests from the definitions (discrete recurrences or
closed forms), never copied from a run.
"""

import math
import re

import numpy as np
import pytest

from simulator import Aux, Constant, Flow, Model, ModelError, NonFiniteError, SimSettings, Stock, simulate
from simulator.engine import builtins as B

ST = SimSettings(0, 4, 1, save_every=1)


def one(eq, settings=ST, extra=(), **kw):
    m = Model("b", [Aux("y", equation=eq), *extra], **kw)
    return simulate(m, settings=settings)["y"][0]


# -- pure functions ---------------------------------------------------------------------

@pytest.mark.parametrize("x, expected", [(-0.875, -1.0), (-2.0, -2.0), (-2.5, -3.0), (0.875, 0.0), (3.0, 3.0)])
def test_int_is_floor_for_negative_numbers(x, expected):
    assert one(f"int({x!r})")[0] == expected
    # also when the argument is computed at run time (not folded) and over an ensemble
    m = Model("b", [Constant("c", value=x), Aux("y", equation="int(c * (1 + time * 0))")])
    res = simulate(m, params={"c": np.array([x, x])}, settings=SimSettings(0, 1, 1))
    np.testing.assert_array_equal(res["y"], expected)


def test_round_modulo_rootn_percent_safediv():
    assert list(one("round(time - 1.5)")) == [-2.0, -1.0, 1.0, 2.0, 3.0]   # half away from zero
    np.testing.assert_allclose(one("modulo(time - 2, 3)"), np.mod(np.arange(5) - 2.0, 3))
    np.testing.assert_allclose(one("mod(-7, 3)"), 2.0)
    np.testing.assert_allclose(one("rootn(27, 3)"), 3.0, rtol=1e-15)
    np.testing.assert_allclose(one("rootn(-8, 3)"), -2.0, rtol=1e-15)
    assert np.isnan(simulate(Model("b", [Aux("y", equation="rootn(-16, 4)")]),
                             settings=SimSettings(0, 1, 1, on_nonfinite="ignore"))["y"][0, 0])
    np.testing.assert_allclose(one("percent(0.125)"), 12.5)
    np.testing.assert_allclose(one("safediv(1, time - 2)"), [-0.5, -1.0, 0.0, 1.0, 0.5])
    np.testing.assert_allclose(one("safediv(1, time - 2, -9)"), [-0.5, -1.0, -9.0, 1.0, 0.5])


# -- memory builtins ------------------------------------------------------------------------

def test_previous_gives_last_step_value_and_initial_at_start():
    st = SimSettings(0, 2, 0.5, save_every=0.5)
    t = np.arange(0, 2.01, 0.5)
    np.testing.assert_allclose(one("previous(time * time)", st), np.r_[0.0, (t[:-1]) ** 2])
    np.testing.assert_allclose(one("previous(time, 66.6)", st), np.r_[66.6, t[:-1]])
    # PREVIOUS of itself breaks the loop (a counter)
    np.testing.assert_allclose(one("previous(y, 0) + 1", st), np.arange(1, 6))


def test_trend_and_forcst_follow_their_definitions():
    dt, T, h = 0.25, 2.0, 3.0
    st = SimSettings(0, 6, dt, save_every=dt)
    m = Model("t", [
        Aux("x", equation="5 + step(5, 1)"),
        Aux("tr", equation="trend(x, 2)"),
        Aux("tr0", equation="trend(x, 2, 0.1)"),
        Aux("fc", equation="forcst(x, 2, 3)"),
    ])
    res = simulate(m, settings=st)
    x = 5 + np.where(res.times >= 1, 5.0, 0.0)
    for name, init_trend in (("tr", 0.0), ("tr0", 0.1)):
        avg = x[0] / (1 + T * init_trend)
        for k in range(len(x)):
            expected = (x[k] - avg) / (abs(avg) * T)
            assert res[name][0, k] == pytest.approx(expected, rel=1e-12, abs=1e-15)
            avg = avg + dt * (x[k] - avg) / T
    np.testing.assert_allclose(res["fc"][0], x * (1 + res["tr"][0] * h), rtol=1e-12)


def test_npv_matches_the_discrete_sum():
    dt, r = 0.5, 0.1
    st = SimSettings(0, 5, dt, save_every=dt)
    res = simulate(Model("n", [Aux("stream", equation="10 + time"), Aux("v", equation="npv(stream, 0.1, 3, 2)")]),
                   settings=st)
    t = res.times
    acc, expected = 3.0, []
    for k in range(len(t)):
        inflow = (10 + t[k]) * 2 * (1 + r * dt) ** (-(t[k] - 0) / dt)
        expected.append(acc + inflow * dt)
        acc += inflow * dt
    np.testing.assert_allclose(res["v"][0], expected, rtol=1e-12)


# -- pipeline delay -------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_delay_with_a_non_multiple_delay_time_interpolates_the_input(method):
    dt, T = 0.5, 1.25
    st = SimSettings(0, 10, dt, save_every=dt, method=method)
    res = simulate(Model("d", [Aux("x", equation="3 + 2 * time"), Aux("lin", equation="delay(x, 1.25, -1)"),
                               Aux("sq", equation="time * time"), Aux("q", equation="delay(sq, 1.25)")]),
                   settings=st)
    t = res.times
    # a linear input is reproduced exactly by linear interpolation
    np.testing.assert_allclose(res["lin"][0], np.where(t >= T, 3 + 2 * (t - T), -1.0), rtol=1e-12)
    # a quadratic one: interpolation between the recorded step values
    hist = t ** 2
    expected = np.where(t >= T, np.interp(t - T, t, hist), 0.0)
    np.testing.assert_allclose(res["q"][0], expected, rtol=1e-12)


def test_delay_time_that_changes_during_the_run_and_per_member():
    dt = 0.25
    st = SimSettings(0, 8, dt, save_every=dt)
    m = Model("d", [Constant("base", value=1.0), Aux("lag", equation="base + step(1.3, 4)"),
                    Aux("x", equation="time"), Aux("y", equation="delay(x, lag, 0)")])
    res = simulate(m, params={"base": np.array([1.0, 0.6])}, settings=st)
    t = res.times
    for j, base in enumerate([1.0, 0.6]):
        lag = base + np.where(t >= 4, 1.3, 0.0)
        np.testing.assert_allclose(res["y"][j], np.where(t - lag >= 0, t - lag, 0.0), rtol=1e-12, atol=1e-12)


def test_delay_shorter_than_a_step_or_zero_acts_as_one_step():
    # Stella and Vensim (SDEverywhere delayfixed references): DELAY(x, 0) is one dt late
    st = SimSettings(0, 3, 1, save_every=1)
    res = simulate(Model("d", [Aux("x", equation="time"), Aux("y", equation="delay(x, 0.2, -1)"),
                               Aux("z", equation="delay(x, 0)"),
                               Aux("loop", equation="delay(loop, 0.2, 0) + 1")]), settings=st)
    np.testing.assert_allclose(res["y"][0], [-1.0, 0.0, 1.0, 2.0], rtol=1e-12)
    np.testing.assert_allclose(res["z"][0], [0.0, 0.0, 1.0, 2.0])     # x0 defaults to x(start) = 0
    np.testing.assert_allclose(res["loop"][0], [1.0, 2.0, 3.0, 4.0])


# -- material delays with stages shorter than dt ---------------------------------------------------

def _delay_chain(x, T, n, x0, dt):
    """Euler integration of n first-order stages with stage time T/n (the definition)."""
    tau = T / n
    levels = [x0 * tau] * n
    out = []
    for xk in x:
        outs = [lv / tau for lv in levels]
        out.append(outs[-1])
        ins = [xk] + outs[:-1]
        levels = [lv + dt * (i - o) for lv, i, o in zip(levels, ins, outs)]
    return np.array(out)


def test_delayn_order_3_with_stage_time_shorter_than_dt_runs_at_a_stable_order():
    # the SDXorg delay_pipeline case: T = 1.25, dt = 0.5, order 3 -> T/3 < dt; order 2 is used
    dt = 0.5
    st = SimSettings(0, 20, dt, save_every=dt)
    m = Model("p", [Aux("inp", equation="-1 + step(5, 5)"),
                    Aux("d3", equation="delayn(inp, 1.25, 3, 6)"), Aux("d3b", equation="delay3(inp, 1.25, 6)"),
                    Aux("d2", equation="delayn(inp, 1.25, 2, 6)"), Aux("ok", equation="delayn(inp, 3, 3, 6)")])
    res = simulate(m, settings=st)
    x = -1 + np.where(res.times >= 5, 5.0, 0.0)
    np.testing.assert_allclose(res["d3"][0], _delay_chain(x, 1.25, 2, 6.0, dt), rtol=1e-12)
    # delay3 keeps its three stages (Vensim DELAY3, SDEverywhere 'delay' reference) and oscillates
    np.testing.assert_allclose(res["d3b"][0], _delay_chain(x, 1.25, 3, 6.0, dt), rtol=1e-12)
    assert np.any(np.diff(res["d3b"][0][res.times <= 5]) > 0)
    np.testing.assert_allclose(res["d2"][0], _delay_chain(x, 1.25, 2, 6.0, dt), rtol=1e-12)
    np.testing.assert_allclose(res["ok"][0], _delay_chain(x, 3.0, 3, 6.0, dt), rtol=1e-12)
    # no oscillation: the output moves monotonically towards the input after each step change
    d = res["d3"][0]
    assert np.all(np.diff(d[(res.times >= 0) & (res.times <= 5)]) <= 1e-12)
    assert d.min() >= -1 - 1e-12


def test_delayn_order_reduction_is_per_member():
    dt = 0.5
    st = SimSettings(0, 10, dt, save_every=dt)
    m = Model("p", [Constant("T", value=3.0), Aux("inp", equation="step(1, 1)"),
                    Aux("d", equation="delayn(inp, T, 3, 0)")])
    res = simulate(m, params={"T": np.array([3.0, 1.25, 0.3])}, settings=st)
    x = np.where(res.times >= 1, 1.0, 0.0)
    for j, (T, n) in enumerate([(3.0, 3), (1.25, 2), (0.3, 1)]):
        np.testing.assert_allclose(res["d"][j], _delay_chain(x, T, n, 0.0, dt), rtol=1e-12)


# -- stochastic functions -------------------------------------------------------------------------

def _noise_model():
    return Model("noise", [
        Constant("mu", value=10.0),
        Aux("n", equation="normal(mu, 2)"),
        Aux("u", equation="uniform(-1, 1)"),
        Aux("e", equation="exprnd(3)"),
        Aux("ln", equation="lognormal(5, 1)"),
        Aux("p", equation="poisson(4)"),
        Aux("tri", equation="triangular(0, 1, 4)"),
        Aux("fixed", equation="normal(0, 1, 42)"),
        Stock("acc", initial=0, inflows=("f",)),
        Flow("f", equation="n"),
    ])


def test_stochastic_members_do_not_depend_on_ensemble_size_or_chunking():
    m = _noise_model()
    st = SimSettings(0, 5, 0.25, save_every=0.25, seed=7)
    whole = simulate(m, n_runs=6, settings=st)
    part = simulate(m, n_runs=2, settings=st, first_member=3)
    first = simulate(m, settings=st)
    for v in ("n", "u", "e", "ln", "p", "tri", "fixed", "acc"):
        np.testing.assert_array_equal(part[v], whole[v][3:5])
        np.testing.assert_array_equal(first[v][0], whole[v][0])
    assert not np.array_equal(whole["n"][0], whole["n"][1])        # members differ
    assert whole.metadata["settings"]["seed"] == 7
    other = simulate(m, n_runs=2, settings=SimSettings(0, 5, 0.25, save_every=0.25, seed=8))
    assert not np.array_equal(other["n"], whole["n"][:2])
    # an explicit seed argument gives the same stream whatever the run seed
    np.testing.assert_array_equal(other["fixed"], whole["fixed"][:2])


def test_stochastic_functions_have_the_stated_distributions():
    m = _noise_model()
    st = SimSettings(0, 50, 0.25, save_every=0.25, seed=1)
    res = simulate(m, n_runs=200, settings=st)
    draws = {v: res[v].ravel() for v in ("n", "u", "e", "ln", "p", "tri")}
    n = draws["n"].size
    se = 1 / math.sqrt(n)
    assert abs(draws["n"].mean() - 10) < 5 * 2 * se and abs(draws["n"].std() - 2) < 0.05
    assert draws["u"].min() >= -1 and draws["u"].max() < 1 and abs(draws["u"].mean()) < 5 * 0.58 * se
    assert abs(draws["e"].mean() - 3) < 5 * 3 * se
    assert abs(draws["ln"].mean() - 5) < 5 * 1 * se * 1.5 and abs(draws["ln"].std() - 1) < 0.05
    assert np.all(draws["p"] == np.round(draws["p"])) and abs(draws["p"].mean() - 4) < 5 * 2 * se
    assert abs(draws["tri"].mean() - 5 / 3) < 5 * 0.85 * se and draws["tri"].min() >= 0 and draws["tri"].max() <= 4
    # drawn once per step: constant across RK4 stages, so RK4 integrates the same path as its saved values
    rk = simulate(m, n_runs=3, settings=SimSettings(0, 5, 0.25, save_every=0.25, seed=7, method="rk4"))
    np.testing.assert_allclose(rk["acc"][:, 1:], np.cumsum(rk["n"][:, :-1] * 0.25, axis=1), rtol=1e-12)


def test_stochastic_model_run_twice_gives_the_same_numbers():
    m = _noise_model()
    st = SimSettings(0, 3, 0.5, seed=3)
    a = simulate(m, n_runs=3, settings=st)
    b = simulate(m, n_runs=3, settings=st)
    for v in a.variables:
        np.testing.assert_array_equal(a[v], b[v])


# -- messages -------------------------------------------------------------------------------

def test_unknown_and_refused_functions_are_named():
    with pytest.raises(ModelError, match="unknown function 'frobnicate'"):
        one("frobnicate(1)")
    name, reason = next(iter(B.REFUSED.items()))
    with pytest.raises(ModelError, match=f"'{name}'.*{re.escape(reason[:20])}"):
        one(f"{name}(1, 2)")


def test_messages_name_the_owner_not_internal_helpers():
    m = Model("d", [Aux("x", equation="1 / (2 - time)"), Aux("out", equation="delay3(x, 2)")])
    with pytest.raises(NonFiniteError) as exc:
        simulate(m, settings=SimSettings(0, 4, 0.5))
    assert exc.value.variable in ("x", "out")
    with pytest.raises(ModelError) as exc2:
        simulate(Model("d", [Aux("out", equation="delayn(x, 2, 2.5)"), Aux("x", equation="1")]))
    assert "out" in str(exc2.value) and "_delay" not in str(exc2.value)
    m3 = Model("d", [Aux("x", equation="time"), Aux("out", equation="smooth(x, 0 * time)")])
    with pytest.raises(NonFiniteError) as exc3:
        simulate(m3, settings=SimSettings(0, 2, 1))
    assert not exc3.value.variable.startswith("_") and "_smooth" not in str(exc3.value)


def test_stochastic_ensemble_is_identical_for_any_chunking():
    import pandas as pd

    from simulator.ensemble import run_ensemble

    m = _noise_model()
    samples = pd.DataFrame({"mu": np.linspace(5, 15, 9)})
    st = SimSettings(0, 3, 0.5, seed=11)
    a = run_ensemble(m, samples, settings=st, chunk_size=9, variables=["n", "acc"])
    b = run_ensemble(m, samples, settings=st, chunk_size=2, variables=["n", "acc"])
    for v in ("n", "acc"):
        np.testing.assert_array_equal(a.data[v], b.data[v])
    # member 4 alone (as the fifth member of any run) draws the same numbers
    alone = simulate(m, params={"mu": samples["mu"].iloc[4]}, settings=st, first_member=4)
    np.testing.assert_array_equal(alone["n"][0], a.data["n"][4])


def test_stateful_helpers_take_the_dimensions_of_input_time_and_initial_value():
    # a scalar input with an arrayed initial value or delay time, in an arrayed variable
    dims = {"r": ("a", "b")}
    m = Model("d", [
        Constant("x0", value=[1.0, 2.0], dims=("r",)), Constant("T", value=[1.0, 4.0], dims=("r",)),
        Aux("inp", equation="5"),
        Aux("d1", equation="delay1(inp, 2, x0)", dims=("r",)),
        Aux("sm", equation="smooth(inp, T)", dims=("r",)),
        Aux("tr", equation="trend(inp, T, 0.1)", dims=("r",)),
    ], dimensions=dims)
    res = simulate(m, settings=SimSettings(0, 2, 0.5, save_every=0.5))
    np.testing.assert_allclose(res["d1"][0, 0], [1.0, 2.0])
    np.testing.assert_allclose(res["sm"][0, 0], [5.0, 5.0])
    g = res["tr"][0]
    np.testing.assert_allclose(g[0], [0.1, 0.1])                  # the initial trend, per element
    assert np.all(g[1:, 1] > g[1:, 0]) and np.all(g > 0)          # the longer averaging time forgets it slower


# -- reductions: the engine's sum over a short axis is numpy's sum, bit for bit -------------

@pytest.mark.parametrize("shape, axis", [((2000, n), -1) for n in range(1, 18)]
                         + [((7, 2, n), 2) for n in (3, 9, 15, 16)]
                         + [((50, n, 18), 1) for n in (1, 2, 5, 15, 16)]
                         + [((1, 5, 18), 1), ((1, 9), -1), ((4, 9), 0), ((30, 2, 18), (1, 2)), ((30, 9), 1),
                            ((1, 2, 18), (1, 2)), ((20, 3, 9), (2, 1)), ((20, 2, 3, 4), (2, 3)), ((20, 2, 3, 4), (1, 2, 3)),
                            ((40, 127), -1), ((40, 128), -1), ((40, 200), -1), ((20, 2, 18), (0, 2)), ((6, 2, 18), 0)])
def test_sum_over_a_short_axis_is_bit_identical_to_numpy(shape, axis):
    rng = np.random.default_rng(len(shape) * 100 + shape[-1])
    a = rng.standard_normal(shape) * 10.0 ** rng.integers(-8, 8, shape)
    a[rng.random(shape) < 0.1] = -0.0
    a[:1] = -0.0                        # a row of negative zeros: numpy's sum is +0.0
    ref, got = np.sum(a, axis=axis), B.sum_axes(a, axis)
    assert got.shape == ref.shape
    assert np.array_equal(got, ref) and np.array_equal(np.signbit(got), np.signbit(ref))
    # any memory layout sums as the C-ordered array does (numpy's own order would follow the layout)
    b = np.swapaxes(a, -1, -2) if a.ndim > 1 else a
    np.testing.assert_array_equal(B.sum_axes(b, axis), np.sum(np.ascontiguousarray(b), axis=axis))
    f = np.asfortranarray(a)
    assert np.array_equal(B.sum_axes(f, axis), ref) and np.array_equal(np.signbit(B.sum_axes(f, axis)), np.signbit(ref))
    if 0 not in np.atleast_1d(axis) % len(shape):   # one member (first axis) alone: the same numbers
        np.testing.assert_array_equal(B.sum_axes(a[1:2], axis), ref[1:2])
    a.flat[3] = np.nan
    a.flat[5] = np.inf
    np.testing.assert_array_equal(B.sum_axes(a, axis), np.sum(a, axis=axis))
