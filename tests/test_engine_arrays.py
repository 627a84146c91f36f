"""Engine arrays of several named dimensions: alignment, reductions, selection, slices,
matrix products, per-element equations, arrayed lookups and stateful builtins.

Every expected value is computed independently with numpy from the same inputs; exact
checks use ``rtol=1e-12`` (the engine and numpy do the same floating-point operations,
up to summation order).
"""

import numpy as np
import pytest

from simulator import AlgebraicLoopError, Aux, Constant, Flow, Lookup, Model, ModelError, SimSettings, Stock, simulate
from simulator.engine import parse
from simulator.engine.expr import Index, Sub, Subscript, to_text

DIMS = {"s": ("s1", "s2", "s3"), "p": ("p1", "p2"), "q": ("q1", "q2", "q3", "q4")}
ST = SimSettings(0, 2, 1, save_every=1)

rng = np.random.default_rng(12)
A_SP = rng.uniform(0.5, 2.0, (3, 2))
A_SPQ = rng.uniform(0.5, 2.0, (3, 2, 4))
V_S = rng.uniform(1, 3, 3)
V_P = rng.uniform(1, 3, 2)


def run(comps, dims=DIMS, settings=ST, **kw):
    return simulate(Model("t", comps, dimensions=dims, **kw), settings=settings)


def value(res, name):
    """Value at the first saved time of member 0."""
    return res[name][0, 0]


# -- alignment and broadcasting ------------------------------------------------------

def test_outer_combination_by_name_and_missing_dims_broadcast():
    res = run([
        Constant("a", value=V_S, dims=("s",)), Constant("b", value=V_P, dims=("p",)),
        Aux("c", equation="a * 10 + b", dims=("s", "p")),
        Aux("d", equation="b - a", dims=("s", "p")),   # operand order does not matter
        Aux("e", equation="a", dims=("s", "p")),       # missing p: broadcast
        Aux("f", equation="2", dims=("s", "p")),
    ])
    np.testing.assert_allclose(value(res, "c"), V_S[:, None] * 10 + V_P[None, :], rtol=1e-12)
    np.testing.assert_allclose(value(res, "d"), V_P[None, :] - V_S[:, None], rtol=1e-12)
    np.testing.assert_allclose(value(res, "e"), np.broadcast_to(V_S[:, None], (3, 2)))
    assert res["f"].shape == (1, 3, 3, 2) and np.all(res["f"] == 2)
    assert res.dims["c"] == ("s", "p")


def test_result_is_put_in_the_declared_order_transposition():
    res = run([
        Constant("m", value=A_SP, dims=("s", "p")),
        Aux("t", equation="m * 2", dims=("p", "s")),
        Aux("u", equation="t + m", dims=("s", "p")),
    ])
    np.testing.assert_allclose(value(res, "t"), A_SP.T * 2, rtol=1e-12)
    np.testing.assert_allclose(value(res, "u"), A_SP * 3, rtol=1e-12)


def test_three_dimensions_and_a_scalar():
    res = run([
        Constant("m", value=A_SPQ, dims=("s", "p", "q")),
        Constant("k", value=3.0),
        Constant("b", value=V_P, dims=("p",)),
        Aux("y", equation="m * k - b", dims=("q", "s", "p")),
    ])
    expected = np.transpose(A_SPQ * 3.0 - V_P[None, :, None], (2, 0, 1))
    np.testing.assert_allclose(value(res, "y"), expected, rtol=1e-12)


def test_undeclared_result_dimension_is_an_error():
    with pytest.raises(ModelError, match=r"dimension 'p'.*not declared|not declared.*'p'"):
        run([Constant("a", value=V_S, dims=("s",)), Constant("b", value=V_P, dims=("p",)),
             Aux("c", equation="a + b", dims=("s",))])


def test_two_dimensions_with_equal_elements_are_not_matched():
    dims = {"sector": ("x", "y"), "commodity": ("x", "y")}
    comps = [Constant("a", value=[1.0, 2.0], dims=("sector",)), Constant("b", value=[10.0, 20.0], dims=("commodity",))]
    with pytest.raises(ModelError, match="commodity"):
        run(comps + [Aux("c", equation="a + b", dims=("sector",))], dims=dims)
    res = run(comps + [Aux("c", equation="a + rename(b, 'commodity', 'sector')", dims=("sector",)),
                       Aux("o", equation="a + b", dims=("sector", "commodity"))], dims=dims)
    np.testing.assert_allclose(value(res, "c"), [11.0, 22.0])
    np.testing.assert_allclose(value(res, "o"), [[11.0, 21.0], [12.0, 22.0]])


# -- reductions -----------------------------------------------------------------------

@pytest.mark.parametrize("func, npf", [("sum", np.sum), ("mean", np.mean), ("min", np.min),
                                       ("max", np.max), ("prod", np.prod), ("stddev", np.std)])
def test_reductions_over_a_named_dimension_and_all(func, npf):
    res = run([
        Constant("m", value=A_SPQ, dims=("s", "p", "q")),
        Aux("over_p", equation=f"{func}(m, 'p')", dims=("s", "q")),
        Aux("over_sq", equation=f"{func}(m, 's', 'q')", dims=("p",)),
        Aux("all", equation=f"{func}(m)"),
    ])
    np.testing.assert_allclose(value(res, "over_p"), npf(A_SPQ, axis=1), rtol=1e-12)
    np.testing.assert_allclose(value(res, "over_sq"), npf(A_SPQ, axis=(0, 2)), rtol=1e-12)
    np.testing.assert_allclose(value(res, "all"), npf(A_SPQ), rtol=1e-12)


def test_two_argument_min_max_stay_element_wise_and_size():
    res = run([
        Constant("a", value=V_S, dims=("s",)),
        Aux("lo", equation="min(a, 2)", dims=("s",)),
        Aux("hi", equation="max(a, 2, 2.5)", dims=("s",)),
        Aux("n", equation="size(a)"),
        Constant("m", value=A_SPQ, dims=("s", "p", "q")),
        Aux("nq", equation="size(m, 'q')"),
        Aux("nall", equation="size(m)"),
    ])
    np.testing.assert_allclose(value(res, "lo"), np.minimum(V_S, 2))
    np.testing.assert_allclose(value(res, "hi"), np.maximum(V_S, 2.5))
    assert value(res, "n") == 3 and value(res, "nq") == 4 and value(res, "nall") == 24


def test_reduction_over_a_dimension_the_operand_lacks_is_an_error():
    with pytest.raises(ModelError, match="'q'"):
        run([Constant("a", value=V_S, dims=("s",)), Aux("x", equation="sum(a, 'q')")])


# -- selection and slices ------------------------------------------------------------

def test_selection_by_element_name_single_and_positional():
    res = run([
        Constant("m", value=A_SPQ, dims=("s", "p", "q")),
        Aux("one", equation="m['s2']", dims=("p", "q")),
        Aux("two", equation="m['s3', 'p1']", dims=("q",)),
        Aux("three", equation="m['s1', 'p2', 'q4']"),
        Aux("col", equation="m[:, 'p2', :]", dims=("s", "q")),
        Aux("named", equation="m['p2']", dims=("s", "q")),  # element of p, not of s
    ])
    np.testing.assert_allclose(value(res, "one"), A_SPQ[1])
    np.testing.assert_allclose(value(res, "two"), A_SPQ[2, 0])
    assert value(res, "three") == A_SPQ[0, 1, 3]
    np.testing.assert_allclose(value(res, "col"), A_SPQ[:, 1, :])
    np.testing.assert_allclose(value(res, "named"), A_SPQ[:, 1, :])


def test_ambiguous_or_unknown_selection_is_an_error():
    dims = {"sector": ("x", "y"), "commodity": ("x", "y")}
    comps = [Constant("io", value=[[1, 2], [3, 4]], dims=("commodity", "sector"))]
    with pytest.raises(ModelError, match="ambiguous"):
        run(comps + [Aux("c", equation="io['x']", dims=("sector",))], dims=dims)
    res = run(comps + [Aux("c", equation="io['x', :]", dims=("sector",))], dims=dims)
    np.testing.assert_allclose(value(res, "c"), [1, 2])
    with pytest.raises(ModelError, match="'z'"):
        run(comps + [Aux("c", equation="io['z', :]", dims=("sector",))], dims=dims)
    with pytest.raises(ModelError, match="2 dimensions"):
        run(comps + [Aux("c", equation="io['x', 'y', 'x']")], dims=dims)


def test_subrange_slice_and_implicit_restriction():
    dims = {"region": ("a", "b", "c", "d"), "north": ("b", "d")}
    v = np.array([1.0, 2.0, 3.0, 4.0])
    res = run([
        Constant("x", value=v, dims=("region",)),
        Aux("xn", equation="x[north]", dims=("north",)),
        Aux("implicit", equation="x * 10", dims=("north",)),
        Aux("tot", equation="sum(x[north])"),
    ], dims=dims, subranges={"north": "region"})
    np.testing.assert_allclose(value(res, "xn"), [2.0, 4.0])
    np.testing.assert_allclose(value(res, "implicit"), [20.0, 40.0])
    assert value(res, "tot") == 6.0
    assert res.coords["north"] == ("b", "d")


def test_subrange_must_be_a_subset_of_its_parent():
    with pytest.raises(ModelError, match="subrange"):
        Model("t", [], dimensions={"region": ("a", "b"), "north": ("a", "z")}, subranges={"north": "region"})


def test_positional_mapping_between_equal_sized_dimensions():
    dims = {"sector": ("x", "y", "z"), "commodity": ("c1", "c2", "c3")}
    res = run([Constant("a", value=[1.0, 2.0, 3.0], dims=("sector",)),
               Aux("b", equation="a[commodity]", dims=("commodity",))], dims=dims)
    np.testing.assert_allclose(value(res, "b"), [1.0, 2.0, 3.0])


def test_subscript_parses_and_round_trips():
    assert parse("x['e']") == Index(parse("x"), "e")
    node = parse("x[:, 'e', north]")
    assert node == Subscript(parse("x"), (Sub("all"), Sub("element", "e"), Sub("dim", "north")))
    assert parse(to_text(node)) == node


# -- matrix products, inverse, identity ----------------------------------------------------

def test_matmul_matrix_vector_and_matrix_matrix_against_numpy():
    dims = {"commodity": ("c1", "c2", "c3"), "sector": ("s1", "s2", "s3"), "k": ("k1", "k2")}
    io = rng.uniform(0, 0.3, (3, 3))
    out = rng.uniform(1, 5, 3)
    b = rng.uniform(0, 1, (3, 2))
    res = run([
        Constant("io", value=io, dims=("commodity", "sector")),
        Constant("output", value=out, dims=("sector",)),
        Constant("b", value=b, dims=("sector", "k")),
        Aux("demand", equation="matmul(io, output)", dims=("commodity",)),
        Aux("same", equation="sum(io * output, 'sector')", dims=("commodity",)),
        Aux("mm", equation="matmul(io, b)", dims=("commodity", "k")),
    ], dims=dims)
    np.testing.assert_allclose(value(res, "demand"), io @ out, rtol=1e-12)
    np.testing.assert_allclose(value(res, "same"), io @ out, rtol=1e-12)
    np.testing.assert_allclose(value(res, "mm"), io @ b, rtol=1e-12)


def test_leontief_inverse_static_and_per_member():
    dims = {"commodity": ("c1", "c2", "c3"), "sector": ("s1", "s2", "s3")}
    io = rng.uniform(0, 0.3, (3, 3))
    m = Model("leontief", [
        Constant("io", value=io, dims=("commodity", "sector")),
        Aux("leontief", equation="inverse(identity('commodity', 'sector') - io)", dims=("sector", "commodity")),
        Constant("final", value=[1.0, 2.0, 3.0], dims=("commodity",)),
        Aux("gross", equation="matmul(leontief, final)", dims=("sector",)),
    ], dimensions=dims)
    res = simulate(m, settings=ST)
    L = np.linalg.inv(np.eye(3) - io)
    np.testing.assert_allclose(value(res, "leontief"), L, rtol=1e-12)
    np.testing.assert_allclose(value(res, "gross"), L @ [1.0, 2.0, 3.0], rtol=1e-12)
    ios = rng.uniform(0, 0.3, (4, 3, 3))
    ens = simulate(m, params={"io": ios}, settings=ST)
    for i in range(4):
        np.testing.assert_allclose(ens["leontief"][i, 0], np.linalg.inv(np.eye(3) - ios[i]), rtol=1e-12)


def test_inverse_of_a_dynamic_matrix():
    dims = {"r": ("a", "b"), "c": ("x", "y")}
    res = run([Constant("base", value=[[2.0, 0.5], [0.1, 3.0]], dims=("r", "c")),
               Aux("m", equation="base * (1 + time)", dims=("r", "c")),
               Aux("mi", equation="inverse(m)", dims=("c", "r"))], dims=dims)
    for k, t in enumerate(res.times):
        np.testing.assert_allclose(res["mi"][0, k], np.linalg.inv(np.array([[2.0, 0.5], [0.1, 3.0]]) * (1 + t)),
                                   rtol=1e-12)


def test_matmul_length_mismatch_is_an_error():
    with pytest.raises(ModelError, match="matmul"):
        run([Constant("m", value=A_SP, dims=("s", "p")), Constant("v", value=V_S, dims=("s",)),
             Aux("x", equation="matmul(m, v)", dims=("s",))])


# -- stocks, flows and builtins over several dimensions ----------------------------------

def test_arrayed_stock_with_two_dims_integrates_per_element():
    g = rng.uniform(0.01, 0.1, (3, 2))
    res = run([
        Stock("k", initial="k0", inflows=("inv",), outflows=("dep",), dims=("s", "p")),
        Constant("k0", value=A_SP, dims=("s", "p")),
        Constant("g", value=g, dims=("s", "p")),
        Constant("delta", value=[0.01, 0.02], dims=("p",)),
        Flow("inv", equation="g * k", dims=("s", "p")),
        Flow("dep", equation="delta * k", dims=("s", "p")),
        Aux("total", equation="sum(k)"),
    ], settings=SimSettings(0, 5, 0.5, save_every=0.5))
    k = A_SP.copy()
    for j in range(len(res.times)):
        np.testing.assert_allclose(res["k"][0, j], k, rtol=1e-12)
        np.testing.assert_allclose(res["total"][0, j], k.sum(), rtol=1e-12)
        k = k + 0.5 * (g * k - np.array([0.01, 0.02]) * k)


def test_arrayed_smooth_delay3_and_init_over_two_dims():
    x0 = A_SP
    m = Model("t", [
        Constant("x0", value=x0, dims=("s", "p")),
        Aux("inp", equation="x0 * (1 + step(1, 2))", dims=("s", "p")),
        Aux("sm", equation="smooth(inp, 1.5)", dims=("s", "p")),
        Aux("d3", equation="delay3(inp, 3)", dims=("s", "p")),
        Aux("i0", equation="init(inp * time + 1)", dims=("s", "p")),
    ], dimensions=DIMS)
    st = SimSettings(0, 10, 0.25, save_every=0.25)
    res = simulate(m, settings=st)
    # each element behaves as the scalar model fed with that element
    for i in range(3):
        for j in range(2):
            scalar = simulate(Model("s", [
                Aux("inp", equation=f"{float(x0[i, j])!r} * (1 + step(1, 2))"),
                Aux("sm", equation="smooth(inp, 1.5)"), Aux("d3", equation="delay3(inp, 3)"),
            ]), settings=st)
            np.testing.assert_allclose(res["sm"][0, :, i, j], scalar["sm"][0], rtol=1e-12)
            np.testing.assert_allclose(res["d3"][0, :, i, j], scalar["d3"][0], rtol=1e-12)
    np.testing.assert_allclose(res["i0"][0], np.ones((len(res.times), 3, 2)))


def test_arrayed_lookup_shared_and_per_element():
    dims = {"s": ("s1", "s2")}
    res = run([
        Lookup("shared", x=(0.0, 10.0), y=(0.0, 100.0), dims=("s",)),
        Lookup("own", dims=("s",), elements={"s1": ((0.0, 1.0), (0.0, 1.0)), "s2": ((0.0, 1.0), (5.0, 7.0))},
               x=(), y=()),
        Constant("u", value=[0.5, 2.0], dims=("s",)),
        Aux("a", equation="shared(u)", dims=("s",)),
        Aux("b", equation="own(u)", dims=("s",)),
        Aux("c", equation="own(0.25)", dims=("s",)),
        Aux("d", equation="lookup(own, u)", dims=("s",)),
    ], dims=dims)
    np.testing.assert_allclose(value(res, "a"), [5.0, 20.0])
    np.testing.assert_allclose(value(res, "b"), [0.5, 7.0])
    np.testing.assert_allclose(value(res, "c"), [0.25, 5.5])
    np.testing.assert_allclose(value(res, "d"), [0.5, 7.0])


# -- per-element equations ------------------------------------------------------------------

def test_per_element_equations_with_a_default():
    res = run([
        Constant("b", value=V_S, dims=("s",)),
        Aux("a", equation="b * 2", dims=("s",), elements={"s2": "100 + time"}),
        Aux("m", equation="0", dims=("s", "p"), elements={("s3", "p2"): "b['s1']", ("s1", "p1"): "b"}),
        Stock("k", initial="b", elements={"s1": "-1"}, dims=("s",)),
    ])
    np.testing.assert_allclose(res["a"][0, :, 1], 100 + res.times)
    np.testing.assert_allclose(res["a"][0, 0, [0, 2]], V_S[[0, 2]] * 2)
    expected = np.zeros((3, 2))
    expected[2, 1] = V_S[0]
    expected[0, 0] = V_S[0]   # an arrayed element equation gives the element's own value
    np.testing.assert_allclose(value(res, "m"), expected)
    np.testing.assert_allclose(value(res, "k"), [-1.0, V_S[1], V_S[2]])


def test_per_element_dependencies_are_not_loops():
    # at variable level a -> b -> a; per element: b[s1] -> a[s1] -> b[s2] -> a[s2], no cycle
    res = run([
        Aux("a", dims=("s",), equation=None,
            elements={"s1": "b['s1'] + 1", "s2": "b['s2'] * 2", "s3": "a['s2'] + a['s1']"}),
        Aux("b", dims=("s",), equation=None, elements={"s1": "5", "s2": "a['s1'] * 3", "s3": "0"}),
    ])
    a1 = 6.0
    b2 = a1 * 3
    a2 = b2 * 2
    np.testing.assert_allclose(value(res, "a"), [a1, a2, a1 + a2])
    np.testing.assert_allclose(value(res, "b"), [5.0, b2, 0.0])


def test_element_level_loop_is_reported_with_elements():
    with pytest.raises(AlgebraicLoopError) as exc:
        run([Aux("a", dims=("s",), equation="1", elements={"s1": "a['s2']", "s2": "a['s1'] + 1"})])
    msg = str(exc.value)
    assert "a[s1]" in msg and "a[s2]" in msg and "_" not in msg.replace("a[s", "")


def test_missing_element_equation_is_an_error():
    with pytest.raises(ModelError, match="s3"):
        run([Aux("a", dims=("s",), equation=None, elements={"s1": "1", "s2": "2"})])
    with pytest.raises(ModelError, match="not an element"):
        run([Aux("a", dims=("s",), equation="0", elements={"zz": "1"})])


# -- ensembles ------------------------------------------------------------------------------------

def _arrayed_model():
    dims = {"sector": ("a", "b", "c"), "commodity": ("a", "b", "c"), "partner": ("r", "w")}
    return Model("io", [
        Constant("io", value=rng.uniform(0, 0.2, (3, 3)), dims=("commodity", "sector")),
        Constant("share", value=rng.uniform(0.1, 0.5, (3, 2)), dims=("sector", "partner")),
        Constant("growth", value=[0.02, 0.03, 0.01], dims=("sector",)),
        Stock("output", initial=10.0, inflows=("gain",), dims=("sector",)),
        Flow("gain", equation="growth * output + 0.01 * rename(inter, 'commodity', 'sector')", dims=("sector",)),
        Aux("inter", equation="matmul(io, output)", dims=("commodity",)),
        Aux("leontief", equation="inverse(identity('commodity', 'sector') - io)", dims=("sector", "commodity")),
        Aux("exports", equation="output * share", dims=("sector", "partner")),
        Aux("by_partner", equation="sum(exports, 'sector')", dims=("partner",)),
        Aux("sm", equation="smooth(exports, 2)", dims=("sector", "partner")),
        Aux("d", equation="delay(by_partner, 0.6)", dims=("partner",)),
    ], dimensions=dims)


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_arrayed_ensemble_equals_each_member_alone(method):
    m = _arrayed_model()
    st = SimSettings(0, 6, 0.25, save_every=0.5, method=method)
    growth = rng.uniform(0.0, 0.05, (7, 3))
    io = rng.uniform(0, 0.2, (7, 3, 3))
    ens = simulate(m, params={"growth": growth, "io": io}, settings=st)
    assert ens["exports"].shape == (7, len(ens.times), 3, 2)
    for i in (0, 3, 6):
        one = simulate(m, params={"growth": growth[i], "io": io[i]}, settings=st)
        for v in ("output", "inter", "leontief", "exports", "by_partner", "sm", "d"):
            np.testing.assert_allclose(ens[v][i], one[v][0], rtol=1e-12, atol=1e-12)


def test_arrayed_parameter_shapes_are_checked():
    m = _arrayed_model()
    with pytest.raises(ModelError, match=r"\(3, 2\)"):
        simulate(m, params={"share": np.ones((3, 3))}, settings=ST)
    ok = simulate(m, params={"share": np.ones((5, 3, 2))}, settings=ST)
    assert ok.n_runs == 5


def test_lookup_modes_and_one_elements_table():
    xs, ys = (0.0, 1.0, 2.0), (0.0, 10.0, 5.0)
    u = np.array([-1.0, 0.0, 0.5, 1.0, 1.5, 3.0])
    dims = {"k": tuple(f"k{i}" for i in range(6)), "s": ("s1", "s2")}
    res = run([
        Constant("u", value=u, dims=("k",)),
        Lookup("lin", x=xs, y=ys), Lookup("ext", x=xs, y=ys, mode="extrapolate"),
        Lookup("disc", x=xs, y=ys, mode="backward"),
        Lookup("own", dims=("s",), elements={"s1": (xs, ys), "s2": ((0.0, 1.0), (7.0, 8.0))}),
        Aux("a", equation="lin(u)", dims=("k",)), Aux("b", equation="ext(u)", dims=("k",)),
        Aux("c", equation="disc(u)", dims=("k",)), Aux("f", equation="lookup_forward(lin, u)", dims=("k",)),
        Aux("g", equation="lookup_backward(lin, u)", dims=("k",)),
        Aux("h", equation="lookup(own['s2'], u)", dims=("k",)),
    ], dims=dims)
    np.testing.assert_allclose(value(res, "a"), np.interp(u, xs, ys))
    np.testing.assert_allclose(value(res, "b"), [-10.0, 0.0, 5.0, 10.0, 7.5, 0.0])
    np.testing.assert_allclose(value(res, "c"), [0.0, 0.0, 0.0, 10.0, 10.0, 5.0])
    np.testing.assert_allclose(value(res, "g"), value(res, "c"))
    np.testing.assert_allclose(value(res, "f"), [0.0, 0.0, 10.0, 10.0, 5.0, 5.0])
    np.testing.assert_allclose(value(res, "h"), np.interp(u, (0.0, 1.0), (7.0, 8.0)))


def test_apply_to_all_variable_in_an_element_cycle_is_split_per_element():
    # b is apply-to-all (b = 2 * a element-wise); a[s2] needs b[s1], b[s1] needs a[s1]: no real loop
    res = run([
        Aux("a", dims=("s",), equation="1", elements={"s2": "b['s1'] + 10", "s3": "b['s2'] + sum(c, 'p')"}),
        Aux("b", dims=("s",), equation="2 * a"),
        Constant("c", value=A_SP, dims=("s", "p")),
    ])
    a1 = 1.0
    b1 = 2 * a1
    a2 = b1 + 10
    b2 = 2 * a2
    a3 = b2 + A_SP.sum(axis=1)[2]
    np.testing.assert_allclose(value(res, "a"), [a1, a2, a3], rtol=1e-12)
    np.testing.assert_allclose(value(res, "b"), [b1, b2, 2 * a3], rtol=1e-12)
    with pytest.raises(AlgebraicLoopError, match=r"a\[s2\]|b\[s2\]"):
        run([Aux("a", dims=("s",), equation="1", elements={"s2": "b['s2'] + 10"}),
             Aux("b", dims=("s",), equation="2 * a")])


def test_apply_to_all_cycle_through_other_elements_is_no_loop():
    res = run([Aux("a", dims=("s",), equation="b['s2'] + 1"),
               Aux("b", dims=("s",), equation="5 + 0 * time", elements={"s1": "a['s3']"})])
    # b[s2] = 5, a = b[s2] + 1 = 6 everywhere, b[s1] = a[s3] = 6, b[s3] = 5
    np.testing.assert_allclose(value(res, "a"), [6.0, 6.0, 6.0])
    np.testing.assert_allclose(value(res, "b"), [6.0, 5.0, 5.0])


def _leontief_model(extra=()):
    dims = {"commodity": ("c1", "c2", "c3"), "sector": ("s1", "s2", "s3")}
    return Model("dyn_leontief", [
        Constant("io", value=rng.uniform(0, 0.3, (3, 3)), dims=("commodity", "sector")),
        Constant("rpc", value=[0.6, 0.7, 0.8], dims=("commodity",)),
        Aux("share", equation="rpc * (1 - 0.01 * time)", dims=("commodity",)),
        Aux("leontief", equation="inverse(identity('commodity', 'sector') - share * io)", dims=("sector", "commodity")),
        Stock("final", initial=1.0, inflows=("growth",), dims=("commodity",)),
        Flow("growth", equation="0.1 * final", dims=("commodity",)),
        Aux("gross", equation="matmul(leontief, final)", dims=("sector",)),
        Aux("both", equation="matmul(leontief, matmul(io, rename(gross, 'sector', 'commodity')))", dims=("sector",)),
        *extra,
    ], dimensions=dims)


@pytest.mark.parametrize("save_inverse", [False, True])
def test_dynamic_inverse_applied_to_a_vector_is_a_solve(save_inverse):
    from simulator.engine.simulate import compiled

    m = _leontief_model()
    ios = rng.uniform(0, 0.3, (4, 3, 3))
    save = ["final", "gross", "both"] + (["leontief"] if save_inverse else [])
    res = simulate(m, params={"io": ios}, settings=SimSettings(0, 3, 0.5, save_every=0.5), save=save)
    share = np.array([0.6, 0.7, 0.8])[:, None] * (1 - 0.01 * res.times)[None, :]   # (commodity, T)
    for i in range(4):
        for k in range(len(res.times)):
            L = np.linalg.inv(np.eye(3) - share[:, k, None] * ios[i])
            g = L @ res["final"][i, k]
            np.testing.assert_allclose(res["gross"][i, k], g, rtol=1e-12)
            np.testing.assert_allclose(res["both"][i, k], L @ (ios[i] @ g), rtol=1e-12)
            if save_inverse:
                np.testing.assert_allclose(res["leontief"][i, k], L, rtol=1e-12)
    body = compiled(m).vector.source(tuple(save)).split("def evaluate(")[1]
    run = body.split("        if dbg:")[0]       # what a step computes (the rest: diagnosis only)
    assert "_solve(" in run
    assert ("_inverse(" in run) == save_inverse   # the inverse only when it is saved


def test_inverse_used_otherwise_stays_an_inverse():
    from simulator.engine.simulate import compiled

    m = _leontief_model([Aux("trace", equation="sum(leontief)")])
    res = simulate(m, settings=SimSettings(0, 1, 0.5, save_every=0.5), save=["trace", "gross"])
    run = compiled(m).vector.source(("trace", "gross")).split("def evaluate(")[1].split("        if dbg:")[0]
    assert "_inverse(" in run and "_solve(" not in run
    assert np.isfinite(res["trace"]).all()
