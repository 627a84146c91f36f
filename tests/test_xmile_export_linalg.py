"""Writing rename, identity, matmul, inverse and reductions over named dimensions as XMILE.

Each translation is checked three ways on small models: regsim's own run, the exported file read
back by regsim's reader (``rtol=1e-12``), and PySD running the exported file (slow tests,
``|regsim - PySD| <= 1e-9 + 1e-6 |PySD|``).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from simulator import Aux, Constant, Flow, Model, SimSettings, Stock, simulate
from simulator.xmile import XmileError, read_string, to_string
from simulator.xmile.lowering import INVERSE_RTOL, check_inverses, lower_for_xmile

DIMS = {"c": ("c_a", "c_b", "c_c"), "s": ("s_a", "s_b", "s_c"), "p": ("home", "abroad")}
A = [[0.10, 0.20, 0.05], [0.30, 0.05, 0.10], [0.05, 0.15, 0.20]]
ST = SimSettings(0, 4, 0.25, save_every=0.25)


def io_model() -> Model:
    """An input-output model over commodity c x sector s (different element names) and a partner p."""
    return Model("io", [
        Constant("a_cs", value=A, dims=("c", "s")),
        Constant("b_sp", value=[[1.0, 2.0], [0.5, 0.0], [3.0, 1.0]], dims=("s", "p")),
        Constant("share_s", value=[0.2, 0.5, 0.3], dims=("s",)),
        Aux("pressure", equation="0.6 + 0.3 * sin(time)"),
        Aux("demand_c", equation="10 + time * rename(share_s, 's', 'c')", dims=("c",)),
        Aux("out_by_c", equation="rename(output_s, 's', 'c') * 2 + pressure", dims=("c",)),
        Aux("col_sum", equation="sum(a_cs, 'c')", dims=("s",)),
        Aux("row_mean", equation="mean(a_cs * pressure, 's') + max(a_cs, 's') - min(a_cs, 's')", dims=("c",)),
        Aux("cell_stats", equation="sum(a_cs) + prod(a_cs + 1) + stddev(a_cs)"),
        Aux("mv", equation="matmul(a_cs, output_s)", dims=("c",)),
        Aux("mm", equation="matmul(a_cs, b_sp * pressure)", dims=("c", "p")),
        Aux("leontief", equation="inverse(identity('c', 's') - pressure * a_cs)", dims=("s", "c")),
        Aux("output_s", equation="matmul(leontief, demand_c)", dims=("s",)),
        Aux("check_c", equation="matmul(identity('c', 's') - pressure * a_cs, output_s) - demand_c", dims=("c",)),
        Aux("start_demand", equation="init(pressure) * demand_c", dims=("c",)),
        Stock("capital", initial="rename(share_s, 's', 'c') * 100", inflows=("investment",), dims=("c",)),
        Flow("investment", equation="0.1 * (rename(output_s, 's', 'c') - capital)", dims=("c",)),
    ], dimensions=DIMS)


def numpy_reference(t: float) -> dict[str, np.ndarray]:
    a = np.array(A)
    r = 0.6 + 0.3 * np.sin(t)
    share = np.array([0.2, 0.5, 0.3])
    demand = 10 + t * share
    inv = np.linalg.inv(np.eye(3) - r * a)
    return {"demand_c": demand, "leontief": inv, "output_s": inv @ demand, "col_sum": a.sum(axis=0),
            "mv": a @ (inv @ demand), "mm": a @ (np.array([[1.0, 2.0], [0.5, 0.0], [3.0, 1.0]]) * r),
            "out_by_c": 2 * (inv @ demand) + r,
            "row_mean": (a * r).mean(axis=1) + a.max(axis=1) - a.min(axis=1),
            "cell_stats": np.array(a.sum() + np.prod(a + 1) + a.std())}


def test_regsim_itself_matches_numpy():
    res = simulate(io_model(), settings=ST)
    for i, t in enumerate(res.times):
        for name, want in numpy_reference(t).items():
            np.testing.assert_allclose(res[name][0, i], want, rtol=1e-12, err_msg=f"{name} at {t}")
    np.testing.assert_allclose(res["check_c"][0], 0, atol=1e-12)


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_written_file_read_back_gives_the_same_numbers(method):
    from dataclasses import replace

    st = replace(ST, method=method)
    m = io_model()
    back = read_string(to_string(m, st)).model
    a, b = simulate(m, settings=st), simulate(back, settings=st)
    for n in a.variables:
        np.testing.assert_allclose(b[n], a[n], rtol=1e-12, atol=1e-12, err_msg=n)


def test_the_file_uses_only_standard_xmile_forms():
    text = to_string(io_model(), ST)
    eqns = " ".join(re.findall(r"<eqn>(.*?)</eqn>", text))
    for word in ("rename(", "matmul(", "inverse(", "identity(", "*]", "[*", "!]"):
        assert word not in eqns.lower(), word
    # rename: element by element, the sector at the commodity's position
    assert re.search(r'<aux name="demand_c">.*?<element subscript="c_b">\s*<eqn>\(10 \+ \(TIME \* share_s\[s_b\]\)\)',
                     text, re.S)
    # matmul and sums: apply-to-all, the contracted dimension written out
    assert "((a_cs[c, s_a] * output_s[s_a]) + (a_cs[c, s_b] * output_s[s_b]) + (a_cs[c, s_c] * output_s[s_c]))" in text
    assert "(a_cs[c_a, s] + a_cs[c_b, s] + a_cs[c_c, s])" in text
    # identity: a constant array; inverse: Gauss-Jordan steps, the result relabelled element by element
    assert '<aux name="identity_c_s">' in text
    for k in (1, 2, 3):
        assert f'<aux name="leontief_inverse_right{k}">' in text
    assert '<aux name="leontief_inverse_left3">' not in text
    assert re.search(r'<aux name="leontief">.*?<element subscript="s_b,c_c">\s*<eqn>leontief_inverse_right3\[c_b, s_c\]',
                     text, re.S)


def test_identity_and_inverse_helper_names_never_clash():
    m = io_model()
    m = m.replace(Constant("identity_c_s", value=7.0), Constant("leontief_inverse_matrix", value=1.0))
    text = to_string(m, ST)
    assert '<aux name="identity_c_s2">' in text and '<aux name="leontief_inverse_matrix2">' in text
    back = read_string(text).model
    np.testing.assert_allclose(simulate(back, settings=ST)["output_s"], simulate(m, settings=ST)["output_s"],
                               rtol=1e-12)


def test_the_elimination_is_checked_against_the_engine_inverse():
    low = lower_for_xmile(io_model())
    assert [s.owner for s in low.inverses] == ["leontief"] and low.identities == ("identity_c_s",)
    worst = check_inverses(low, ST)
    assert 0 <= worst["leontief"] < 1e-14 < INVERSE_RTOL


def _inverse_model(m_values, dims=("u", "v")) -> Model:
    return Model("inv", [Constant("m", value=m_values, dims=dims),
                         Aux("mi", equation="inverse(m)", dims=dims[::-1])],
                 dimensions={"u": ("u1", "u2"), "v": ("v1", "v2")})


def test_an_inverse_that_needs_pivoting_is_refused_naming_the_variable():
    with pytest.raises(XmileError, match="not finite.*zero pivot") as err:
        to_string(_inverse_model([[0.0, 1.0], [1.0, 0.0]]), SimSettings(0, 1, 1))
    assert err.value.variable == "mi" and err.value.construct == "inverse"
    with pytest.raises(XmileError, match=r"differs from the inverse by .* relative at time 0") as err:
        to_string(_inverse_model([[1e-9, 0.3], [0.7, 0.9]]), SimSettings(0, 1, 1))  # 2e-8 relative
    assert err.value.variable == "mi" and err.value.construct == "inverse"
    text = to_string(_inverse_model([[2.0, 1.0], [1.0, 3.0]]), SimSettings(0, 1, 1))  # no pivoting needed
    res = simulate(read_string(text).model, settings=SimSettings(0, 1, 1))
    np.testing.assert_allclose(res["mi"][0, 0], np.linalg.inv([[2.0, 1.0], [1.0, 3.0]]), rtol=1e-14)


def test_an_inverse_of_a_model_that_cannot_run_is_refused():
    m = _inverse_model([[2.0, 1.0], [1.0, 3.0]]).replace(Aux("bad", equation="undefined_name * 2"))
    with pytest.raises(XmileError, match="cannot be checked: the model does not run") as err:
        to_string(m, SimSettings(0, 1, 1))
    assert err.value.variable == "mi" and err.value.construct == "inverse"


def test_hlj_leontief_inverse_is_written_to_rounding_error():
    from simulator.model import build_model

    low = lower_for_xmile(build_model())
    worst = check_inverses(low, SimSettings(2018, 2050, 0.25))
    assert worst["leontief_inverse"] < 1e-13


def test_pysd_compat_moves_stateful_calls_pysd_cannot_build():
    text = to_string(io_model(), ST, pysd_compat=True)
    assert '<aux name="start_demand_init">' in text and "INIT(pressure)" in text
    assert "(start_demand_init * demand_c[c])" in text
    back = read_string(text).model
    np.testing.assert_allclose(simulate(back, settings=ST)["start_demand"], simulate(io_model(), settings=ST)
                               ["start_demand"], rtol=1e-12)


@pytest.mark.slow
def test_pysd_runs_the_exported_io_model_like_regsim(tmp_path):
    pytest.importorskip("pysd")
    from simulator.xmile.crosscheck import pysd_crosscheck

    check = pysd_crosscheck(io_model(), ST, workdir=tmp_path)
    assert check.ok, check.failures
    # every cell of every variable compared: 2-D ones as x[a,b]
    assert "leontief[s b,c c]" in check.max_abs and "mm[c a,abroad]" in check.max_abs
    assert len(check.max_abs) == 47  # every cell of the 14 saved variables


def trend_model() -> Model:
    return Model("tr", [
        Aux("x", equation="10 + time ** 2 + 3 * sin(time)"),
        Constant("share", value=[0.5, 2.0], dims=("d",)),
        Aux("xs", equation="x * share", dims=("d",)),
        Aux("tr1", equation="trend(x, 2)"),
        Aux("tr2", equation="trend(xs, 1.5, 0.1)", dims=("d",)),
        Aux("tr3", equation="trend(x, 2, 0.05) * share", dims=("d",)),
        Aux("fc", equation="forcst(xs, 2, 3)", dims=("d",)),
        Aux("fc2", equation="forcst(x, 2, 3, 0.2)"),
        # PySD 3.14 cannot stack the states of a model whose only stateful objects are smooths of
        # different shapes (numpy object array); any scalar stock avoids it
        Stock("level", initial=1.0, inflows=("growth",)), Flow("growth", equation="tr1 * level"),
    ], dimensions={"d": ("a", "b")})


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_trend_and_forcst_are_written_out_with_smth1(method):
    from dataclasses import replace

    st = replace(ST, method=method)
    text = to_string(trend_model(), st)
    assert "TREND" not in text and "FORCST" not in text
    assert "(IF ((ABS(SMTH1(x, 2, x)) * 2) = 0) THEN 0 ELSE ((x - SMTH1(x, 2, x)) / (ABS(SMTH1(x, 2, x)) * 2)))" in text
    a, b = simulate(trend_model(), settings=st), simulate(read_string(text).model, settings=st)
    for n in a.variables:
        np.testing.assert_allclose(b[n], a[n], rtol=1e-12, atol=1e-12, err_msg=n)


@pytest.mark.slow
def test_pysd_runs_trend_and_forcst_like_regsim():
    pytest.importorskip("pysd")
    from simulator.xmile.crosscheck import pysd_crosscheck

    check = pysd_crosscheck(trend_model(), ST)
    assert check.ok, check.failures


def test_elements_of_a_subrange_variable_name_the_parents_element():
    """A variable over subrange S of P written element by element (own element equations, or a
    rename) refers to operands over P by the element itself, not by the name P."""
    m = Model("sr", [Constant("x", value=[1.0, 2.0, 3.0], dims=("P",)),
                     Constant("w", value=[5.0, 7.0], dims=("Q",)),
                     Aux("y", equation="x + time", dims=("S",), elements={"a": "x * 2"}),
                     Aux("z", equation="x * rename(w, 'Q', 'S')", dims=("S",))],
              dimensions={"P": ("a", "b", "c"), "S": ("a", "b"), "Q": ("q1", "q2")}, subranges={"S": "P"})
    st = SimSettings(0, 2, 1, save_every=1)
    text = to_string(m, st)
    assert "<eqn>(x[a] * 2)</eqn>" in text and "<eqn>(x[b] * w[q2])</eqn>" in text and "x[P]" not in text
    a, b = simulate(m, settings=st), simulate(read_string(text).model, settings=st)
    for n in ("y", "z"):
        np.testing.assert_allclose(b[n], a[n], rtol=1e-14, err_msg=n)


@pytest.mark.parametrize("scenario", ["baseline", "port_investment"])
def test_hlj_scenario_exports_and_reads_back_with_the_same_numbers(scenario):
    from dataclasses import replace
    from pathlib import Path

    from simulator.scenarios import prepare

    prep = prepare(Path(__file__).resolve().parents[1] / "scenarios" / f"{scenario}.toml")
    st = replace(prep.settings, save_every=prep.settings.dt)  # XMILE saves every dt
    xm = read_string(to_string(prep.model, st))
    a, b = simulate(prep.model, settings=st), simulate(xm.model, settings=xm.settings())
    assert len(a.variables) > 400
    for n in a.variables:
        np.testing.assert_allclose(b[n], a[n], rtol=1e-10, atol=1e-10, err_msg=n)


def test_hlj_export_read_back_is_dimensionally_consistent():
    """Variables written element by element keep their units when read back (the reader's hidden
    per-element scalars carry the variable's units)."""
    from simulator.model import build_model
    from simulator.xmile.units import check_units

    model = build_model()
    assert check_units(model) == []
    assert [str(i) for i in check_units(read_string(to_string(model)).model)] == []
