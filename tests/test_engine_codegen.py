"""Generated code: the Python-float single-run program agrees with the numpy program, falls
back to it on arithmetic exceptions and non-finite values, never executes model text, and the
compiled form is reused but never pickled with the model."""

import pickle

import numpy as np
import pytest

from simulator import Aux, Constant, Flow, Lookup, Model, NonFiniteError, SimSettings, Stock, TimeSeries, simulate
from simulator.engine.simulate import compiled

ST = SimSettings(0, 10, 0.25, save_every=0.25)


def rich_model():
    """Every scalar construct of the equation language once."""
    return Model("rich", [
        Stock("s", initial="s0", inflows=("grow",), outflows=("drain",), non_negative=True),
        Stock("q", initial=1.0, inflows=("qin",)),
        Flow("grow", equation="r * s * (1 - s / cap) * crowd(s / cap) + pulse(3, 2, 4)"),
        Flow("drain", equation="max(0, min(s * 0.1, 5)) + step(1, 5) + ramp(0.5, 2, 6)", non_negative=True),
        Flow("qin", equation="if_then_else(s > 50 and time < 8, 0.1 * q, -0.05 * q) + price / 100"),
        Aux("mix", equation="abs(sin(time)) + cos(time) ** 2 + exp(-time / 10) + ln(1 + s) + log10(2 + q)"
                            " + sqrt(s + 1) + arctan(time) + tan(0.1) + arcsin(0.5) + arccos(0.5)"),
        Aux("ints", equation="int(-time / 3) + round(time - 2.5) + sign(s - 60) + mod(time, 3) + modulo(-time, 4)"),
        Aux("misc", equation="clip(s, 10, 80) + rootn(s, 3) + percent(0.02) + safediv(s, time - 5, -1)"
                             " + (1 if not (s < 10 or q > 2) else 0)"),
        Aux("mem", equation="smooth(s, 2) + delay3(s, 3) + delay(s, 1.3) + previous(s, 7) + init(s) + trend(s, 2)"
                            " + npv(s, 0.05) + forcst(s, 2, 1)"),
        Constant("r", value=0.3), Constant("cap", value=100.0), Constant("s0", value=20.0),
        Lookup("crowd", x=(0.0, 0.5, 1.0), y=(1.0, 0.8, 0.2)),
        TimeSeries("price", x=(0.0, 5.0, 10.0), y=(1.0, 3.0, 2.0)),
    ])


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_scalar_program_agrees_with_the_numpy_program(method):
    m = rich_model()
    st = SimSettings(0, 10, 0.25, save_every=0.25, method=method)
    one = simulate(m, settings=st)                      # Python floats
    two = simulate(m, params={"r": [0.3, 0.3]}, settings=st)   # numpy, two identical members
    assert compiled(m).scalar_ok
    for v in one.variables:
        np.testing.assert_allclose(one[v][0], two[v][0], rtol=1e-12, atol=1e-12, err_msg=v)
        np.testing.assert_array_equal(two[v][0], two[v][1])


def test_scalar_program_falls_back_on_division_by_zero_and_nonfinite():
    m = Model("z", [Aux("x", equation="1 / (time - 2)"), Aux("y", equation="sqrt(time - 3)"),
                    Stock("s", initial=0, inflows=("f",)), Flow("f", equation="x")])
    st = SimSettings(0, 4, 1, save_every=1, on_nonfinite="ignore")
    one = simulate(m, settings=st)
    two = simulate(m, n_runs=2, settings=st)
    for v in ("x", "y", "s"):
        np.testing.assert_array_equal(one[v][0], two[v][0])
    assert np.isinf(one["x"][0, 2]) and np.isnan(one["y"][0, 0])
    with pytest.raises(NonFiniteError) as exc:
        simulate(m, settings=SimSettings(0, 4, 1, save_every=1))
    assert exc.value.variable in ("x", "y") and exc.value.time in (0.0, 2.0)


def test_nonfinite_is_reported_at_its_first_step_not_at_the_end():
    m = Model("n", [Stock("s", initial=1, inflows=("f",)), Flow("f", equation="if_then_else(time >= 3, 1 / 0, 0)"),
                    Aux("big", equation="s * 2")])
    with pytest.raises(NonFiniteError) as exc:
        simulate(m, n_runs=3, settings=SimSettings(0, 10, 0.5, save_every=1))
    assert exc.value.variable == "f" and exc.value.time == 3.0


def test_model_text_never_reaches_the_generated_code():
    # component, dimension and element names that would break (or exploit) generated source
    bad = "x'); import os; os.system('true'); ('"
    dims = {"class": ("a'b", "c\nd", bad), "lambda": ("e f",)}
    m = Model("weird", [
        Constant(bad, value=[1.0, 2.0, 3.0], dims=("class",)),
        Constant("import", value=2.0),
        Aux("def", equation=parse_safe(bad), dims=("class",)),
    ], dimensions=dims)
    res = simulate(m, settings=SimSettings(0, 1, 1))
    np.testing.assert_allclose(res["def"][0, 0], [2.0, 4.0, 6.0])
    src = compiled(m).vector.source(("def",))
    for text in (bad, "a'b", "class", "lambda", "import", "os.system"):
        assert text not in src


def parse_safe(bad_name):
    """An equation tree referring to a component whose name is not an identifier."""
    from simulator.engine.expr import Bin, Var

    return Bin("*", Var(bad_name), Var("import"))


def test_compiled_form_is_reused_and_not_pickled():
    m = rich_model()
    simulate(m, settings=ST)
    cm = compiled(m)
    assert compiled(m) is cm
    m2 = pickle.loads(pickle.dumps(m))
    assert "_compiled" not in m2.__dict__ and m2 == m
    np.testing.assert_array_equal(simulate(m2, settings=ST)["s"], simulate(m, settings=ST)["s"])


def test_per_element_non_negative_flow_and_stock_pieces():
    m = Model("p", [
        Stock("k", initial=None, elements={"a": 5, "b": "k0"}, dims=("r",), outflows=("out",)),
        Constant("k0", value=3.0),
        Flow("out", equation="k * 0.5 - 2", elements={"b": "-1"}, dims=("r",), non_negative=True),
    ], dimensions={"r": ("a", "b")})
    res = simulate(m, settings=SimSettings(0, 2, 1))
    np.testing.assert_allclose(res["k"][0, 0], [5.0, 3.0])
    np.testing.assert_allclose(res["out"][0, 0], [0.5, 0.0])
    np.testing.assert_allclose(res["k"][0, 1], [4.5, 3.0])


def test_static_matrix_inverse_is_computed_once_per_run():
    dims = {"commodity": ("c1", "c2"), "sector": ("s1", "s2")}
    m = Model("io", [
        Constant("io", value=[[0.1, 0.2], [0.3, 0.1]], dims=("commodity", "sector")),
        Stock("x", initial=1.0, inflows=("g",), dims=("sector",)),
        Flow("g", equation="0.01 * matmul(inverse(identity('commodity', 'sector') - io), "
                           "rename(x, 'sector', 'commodity'))", dims=("sector",)),
    ], dimensions=dims)
    res = simulate(m, settings=SimSettings(0, 2, 1))
    src = compiled(m).vector.source(("x",))
    static_part, dynamic_part = src.split("def init(")[0], src.split("def evaluate(")[1]
    assert "_inverse(" in static_part and "_inverse(" not in dynamic_part
    L = np.linalg.inv(np.eye(2) - np.array([[0.1, 0.2], [0.3, 0.1]]))
    np.testing.assert_allclose(res["x"][0, 1], 1 + 0.01 * L @ [1.0, 1.0], rtol=1e-12)


@pytest.mark.parametrize("n_runs", [1, 2])
def test_long_and_deeply_nested_equations_compile(n_runs):
    # Python's parser refuses more than 200 nested parentheses: deep sub-expressions are spilled
    from simulator.engine.expr import Bin, Num, Var

    long_sum = " + ".join(["x"] * 400) + " + time"
    nested = Var("x")   # as a tree: the XMILE reader may build such depths, text would hit Python's parser limit
    for _ in range(300):
        nested = Bin("+", Bin("*", nested, Num(1.0001)), Num(1.0))
    m = Model("deep", [Constant("x", value=1.0), Aux("y", equation=long_sum), Aux("z", equation=Bin("+", nested, Var("time"))),
                       Stock("s", initial=0, inflows=("f",)), Flow("f", equation=long_sum)])
    res = simulate(m, settings=SimSettings(0, 2, 1), n_runs=n_runs)
    np.testing.assert_allclose(res["y"][0], 400 + res.times)
    z = 1.0
    for _ in range(300):
        z = z * 1.0001 + 1
    np.testing.assert_allclose(res["z"][0], z + res.times, rtol=1e-12)


def test_per_element_overrides_shifted_along_a_dimension_are_merged_into_slices():
    # x[s, g] = a[s, g-1] * b[s, g] for g >= 1 and 0 at g = 0: one slice assignment per sex
    ages = tuple(f"g{j}" for j in range(6))
    dims = {"sex": ("f", "m"), "age": ages}
    elements = {}
    for s in dims["sex"]:
        elements[(s, "g0")] = "0"
        for j in range(1, 6):
            elements[(s, f"g{j}")] = f"a['{s}', 'g{j - 1}'] * b['{s}', 'g{j}']"
    rng = np.random.default_rng(3)
    A, Bv = rng.random((2, 6)), rng.random((2, 6))
    m = Model("shift", [
        Constant("a0", value=A.tolist(), dims=("sex", "age")),
        Aux("a", equation="a0 * (1 + time)", dims=("sex", "age")),
        Constant("b0", value=Bv.tolist(), dims=("sex", "age")),
        Stock("b", initial="b0", inflows=("g",), dims=("sex", "age")),
        Flow("g", equation="0.1 * x", dims=("sex", "age")),
        Aux("x", equation=None, elements=elements, dims=("sex", "age")),
    ], dimensions=dims)
    src = compiled(m).vector.source(("x", "b"))
    evaluate = src.split("def evaluate(")[1]
    assert "[:, 0, 1:6] = " in evaluate and "[:, 1, 1:6] = " in evaluate and "[:, 0, 2] = " not in evaluate
    res = simulate(m, params={"a0": np.stack([A, A * 2])}, settings=SimSettings(0, 2, 1))
    for i, a0 in enumerate((A, A * 2)):
        b = Bv.copy()
        for k in range(3):
            a = a0 * (1 + float(k))
            x = np.zeros((2, 6))
            x[:, 1:] = a[:, :-1] * b[:, 1:]
            np.testing.assert_array_equal(res["x"][i, k], x)
            b = b + 0.1 * x


def test_overrides_are_not_merged_when_a_source_is_not_a_shifted_element():
    from simulator.engine.programs import merge_pieces

    def pieces(fmt, n=4):
        return [((0, j), fmt.format(j=j, jm=j - 1 if j else 0)) for j in range(n)]

    merged = merge_pieces("v1", pieces("(v2[:, 0, {j}] * v3[:, {j}])"))
    assert merged == ["v1[:, 0, 0:4] = ( v2[:, 0, 0:4] * v3[:, 0:4] )"]
    assert len(merge_pieces("v1", pieces("(v2[:, 0, {j}] * t5)"))) == 4          # a bare (per-member) name
    assert len(merge_pieces("v1", pieces("(v1[:, 0, {jm}] * 2.0)"))) == 4        # reads the target
    assert len(merge_pieces("v1", pieces("(v2[:, {j}, {j}] * 2.0)"))) == 4       # a diagonal, not a slice
    assert len(merge_pieces("v1", pieces("(v2[:, 0, 3] * v3[:, {j}])"))) == 4    # one fixed element
    assert len(merge_pieces("v1", pieces("_sum(v2[:, {j}], axis=-1)"))) == 4     # not element-wise
    assert len(merge_pieces("v1", [((0, 0), "v2[:, 0]"), ((0, 2), "v2[:, 1]")])) == 2   # not consecutive
