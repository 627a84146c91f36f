"""``shift(x, 'dim', k)``: the value ``k`` positions earlier along a dimension, 0 for the first ``k``.

Expected values come from ``numpy.roll`` with the wrapped-around positions set to zero, on the
same inputs; the engine copies values, so the checks are exact.
"""

import numpy as np
import pytest

from simulator import Aux, Constant, Flow, Model, ModelError, SimSettings, Stock, simulate
from simulator.xmile import XmileError, to_string

DIMS = {"s": ("s1", "s2", "s3"), "p": ("p1", "p2"), "q": ("q1", "q2", "q3", "q4"),
        "north": ("s2", "s3")}
SUB = {"north": "s"}
ST = SimSettings(0, 3, 0.5, save_every=0.5)
N = 5
rng = np.random.default_rng(3)
X0 = rng.uniform(1, 2, (N, 3, 2, 4))      # per-member initial values (s, p, q)
G = rng.uniform(-0.2, 0.3, (N, 3, 2, 4))  # per-member growth rates


def rolled(a: np.ndarray, axis: int, k: int) -> np.ndarray:
    """numpy reference: roll by ``k`` along ``axis``, the first ``k`` positions zero."""
    out = np.roll(a, k, axis=axis)
    idx = [slice(None)] * a.ndim
    idx[axis] = slice(0, k)
    out[tuple(idx)] = 0.0
    return out


def model(extra, dims=DIMS):
    comps = [
        Constant("x0", value=X0[0], dims=("s", "p", "q")),
        Constant("g", value=G[0], dims=("s", "p", "q")),
        Stock("x", initial="x0", inflows=("grow",), dims=("s", "p", "q")),
        Flow("grow", equation="g * x", dims=("s", "p", "q")),
        *extra,
    ]
    return Model("shift", comps, dimensions=dims, subranges=SUB)


def test_shift_along_each_dimension_of_an_nd_ensemble_matches_numpy_roll_with_zero_fill():
    extra = [Aux(f"sh_{d}{k}", equation=f"shift(x, '{d}', {k})", dims=("s", "p", "q"))
             for d, k in (("s", 1), ("s", 2), ("p", 1), ("q", 1), ("q", 3))]
    res = simulate(model(extra), params={"x0": X0, "g": G}, settings=ST)
    x = res["x"]                               # (N, T, s, p, q)
    assert x.shape == (N, 7, 3, 2, 4)
    assert np.ptp(x[:, -1], axis=0).min() > 0  # members and times differ: the test can fail
    for d, k in (("s", 1), ("s", 2), ("p", 1), ("q", 1), ("q", 3)):
        axis = 2 + ("s", "p", "q").index(d)
        np.testing.assert_array_equal(res[f"sh_{d}{k}"], rolled(x, axis, k), err_msg=f"{d} {k}")


def test_shift_result_in_another_declared_order_and_of_an_expression():
    extra = [Aux("y", equation="shift(2 * x + 1, 'q', 2)", dims=("q", "p", "s"))]
    res = simulate(model(extra), params={"x0": X0, "g": G}, settings=ST)
    expected = np.transpose(rolled(2 * res["x"] + 1, 4, 2), (0, 1, 4, 3, 2))
    np.testing.assert_array_equal(res["y"], expected)


def test_shift_of_a_value_constant_along_the_dimension_is_materialised():
    # c has dims (s, q) but its equation is constant along q: shifting along q still zeroes q1
    extra = [Constant("k", value=[1.0, 2.0, 3.0], dims=("s",)),
             Aux("c", equation="k", dims=("s", "q")),
             Aux("y", equation="shift(c, 'q', 1)", dims=("s", "q"))]
    res = simulate(model(extra), settings=ST)
    want = np.array([[0, 1, 1, 1], [0, 2, 2, 2], [0, 3, 3, 3]], dtype=float)
    np.testing.assert_array_equal(res["y"][0, 0], want)


def test_shift_in_a_stock_flow_ageing_chain_and_a_per_element_cycle():
    # an exact conveyor: each step every class moves up one (x ages by one class per step, Euler dt 1)
    dims = {"age": ("a0", "a1", "a2", "a3")}
    st = SimSettings(0, 5, 1, save_every=1)
    m = Model("chain", [
        Constant("pop0", value=[8.0, 4.0, 2.0, 1.0], dims=("age",)),
        Stock("pop", initial="pop0", inflows=("ageing_in",), outflows=("ageing_out",), dims=("age",)),
        Flow("ageing_out", equation="pop", dims=("age",)),
        Flow("ageing_in", equation="shift(pop, 'age', 1)", dims=("age",)),
        # element-level recursion through shift: running total along age (a[i] = a[i-1] + pop[i])
        Aux("cumulative", equation="shift(cumulative, 'age', 1) + pop", dims=("age",)),
    ], dimensions=dims)
    res = simulate(m, settings=st)
    p = res["pop"][0]
    np.testing.assert_array_equal(p[1], [0, 8, 4, 2])
    np.testing.assert_array_equal(p[3], [0, 0, 0, 8])
    np.testing.assert_array_equal(res["cumulative"][0], np.cumsum(p, axis=1))


def test_shift_in_a_subrange_variable_shifts_within_the_subrange():
    # the subrange rule restricts x (over s) to north's elements first: s3 takes s2, s2 takes 0
    extra = [Aux("y", equation="shift(x, 'north', 1)", dims=("north", "p", "q"))]
    res = simulate(model(extra), params={"x0": X0, "g": G}, settings=ST)
    np.testing.assert_array_equal(res["y"], rolled(res["x"][:, :, 1:], 2, 1))


@pytest.mark.parametrize("eq, msg", [
    ("shift(x, 'q', 0)", "whole number >= 1"),
    ("shift(x, 'q', 1.5)", "whole number >= 1"),
    ("shift(x, 'q', g)", "whole number >= 1"),
    ("shift(x, 'q', 4)", "not fewer than the 4 elements of 'q'"),
    ("shift(x, q, 1)", "dimension name in quotes"),
    ("shift(x, 'nope', 1)", "'nope' is not a dimension of its argument"),
    ("shift(2, 'q', 1)", "is not a dimension of its argument"),
])
def test_shift_misuse_is_a_clear_error(eq, msg):
    with pytest.raises(ModelError, match=msg):
        simulate(model([Aux("y", equation=eq, dims=("s", "p", "q"))]), settings=ST)


def test_xmile_writer_does_not_write_shift_silently():
    m = model([Aux("y", equation="shift(x, 'q', 1)", dims=("s", "p", "q"))])
    try:
        text = to_string(m, ST)
    except XmileError as exc:       # refused, naming the function
        assert "shift" in str(exc)
    else:                           # or expressed without a SHIFT function XMILE does not have
        assert "shift(" not in text.lower()
