"""Export then import: the same trajectories (``rtol=1e-12``: same operations, possibly reordered)."""

from pathlib import Path

import numpy as np
import pytest
from xmile_models import demo_model

from simulator import Aux, Constant, Model, SimSettings, Stock, simulate
from simulator.xmile import XmileError, load, read, read_string, to_string, write
from simulator.xmile.units import check_units


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_write_then_load_gives_the_same_trajectories(tmp_path, method):
    m = demo_model()
    st = SimSettings(0, 10, 0.25, save_every=0.25, method=method)
    path = tmp_path / "demo.xmile"
    write(m, path, st)
    xm = read(path)
    assert xm.settings() == st
    assert xm.model.dimensions == m.dimensions
    a, b = simulate(m, settings=st), simulate(xm.model, settings=xm.settings())
    assert set(a.variables) <= set(b.variables)
    for n in a.variables:
        np.testing.assert_allclose(b[n], a[n], rtol=1e-12, atol=1e-12, err_msg=n)


def test_round_trip_keeps_units_docs_constants_and_checks_the_same(tmp_path):
    m = demo_model()
    back = read_string(to_string(m)).model
    for c in m.components:
        if c.kind in ("lookup", "timeseries"):
            continue
        assert back[c.name].kind == c.kind and back[c.name].units == c.units
    assert back["share"].kind == "constant" and list(back["share"].value) == [0.2, 0.3, 0.5]
    assert [str(i) for i in check_units(back)] == [str(i) for i in check_units(m)]


def test_params_write_a_scenario_and_ensembles_run_on_the_import(tmp_path):
    m = demo_model()
    st = SimSettings(0, 5, 0.5, save_every=0.5)
    write(m, tmp_path / "s.xmile", st, params={"rate": 0.2})
    back = load(tmp_path / "s.xmile")
    assert back["rate"].value == 0.2
    ens = simulate(back, {"rate": np.array([0.1, 0.2])}, st)
    ref = simulate(m, {"rate": np.array([0.1, 0.2])}, st)
    np.testing.assert_allclose(ens["pop"], ref["pop"], rtol=1e-12)
    assert m["rate"].value == 0.1  # writing never changes the model


def test_names_xmile_would_confuse_are_refused():
    m = Model("bad", [Constant("Gdp", value=1), Constant("gdp", value=2)])
    with pytest.raises(XmileError, match="same name in XMILE"):
        to_string(m)
    with pytest.raises(XmileError, match="XMILE builtin"):
        to_string(Model("bad", [Constant("delay", value=1)]))


def test_reductions_of_expressions_are_written_element_by_element():
    m = Model("red", [Constant("a", value=[1.0, 2.0], dims=("d",)), Constant("w", value=[3.0, 4.0], dims=("d",)),
                      Aux("s", equation="sum(a * w) + max(a - w) + mean(a)")],
              dimensions={"d": ("x", "y")})
    text = to_string(m)
    assert "((a[x] * w[x]) + (a[y] * w[y]))" in text and "MAX((a[x] - w[x]), (a[y] - w[y]))" in text
    res = simulate(read_string(text).model, settings=SimSettings(0, 1, 1, save_every=1))
    np.testing.assert_allclose(res["s"][0], 11 - 2 + 1.5)


def test_element_selection_of_an_expression_is_refused():
    m = Model("bad", [Constant("a", value=[1.0, 2.0], dims=("d",)), Aux("s", equation="(a * 2)['x']")],
              dimensions={"d": ("x", "y")})
    with pytest.raises(XmileError, match="element selection of an expression"):
        to_string(m)


def test_stock_initial_from_number_list_and_flows_from_auxes_read_back():
    m = Model("s", [Stock("s", initial=2.0, inflows=("f",)), Aux("f", equation=1.5)])
    back = read_string(to_string(m, SimSettings(0, 2, 1, save_every=1))).model
    assert back["f"].kind == "aux"
    res = simulate(back, settings=SimSettings(0, 2, 1, save_every=1))
    np.testing.assert_allclose(res["s"][0], [2.0, 3.5, 5.0])
    assert isinstance(back["s"], Stock)


def test_pysd_compat_spells_elements_with_spaces_and_inlines_start_and_stop():
    m = Model("c", [Constant("a", value=[1.0, 2.0], dims=("d",)), Aux("s", equation="a['x_1'] + initial_time")],
              dimensions={"d": ("x_1", "y_2")})
    text = to_string(m, SimSettings(5, 6, 1, save_every=1), pysd_compat=True)
    assert '<elem name="x 1" />' in text and 'subscript="y 2"' in text and "(a[x_1] + 5)" in text
    back = read_string(text).model  # still valid XMILE: spaces equal underscores
    res = simulate(back, settings=SimSettings(5, 6, 1, save_every=1))
    np.testing.assert_allclose(res["s"][0], [6.0, 6.0])
    assert "STARTTIME" in to_string(m, SimSettings(5, 6, 1, save_every=1))


AUTHORED = Path(__file__).resolve().parent / "xmile-models"


@pytest.mark.parametrize("name", ["arrays_1d", "arrays_non_a2a", "arrays_2d", "arrays_3d", "arrayed_gf", "modules",
                                  "builtins", "delays", "subranges", "stella10_layout"])
def test_hand_written_models_survive_write_then_read(name, tmp_path):
    """Every hand-written model regsim runs is written back as XMILE and read again: same numbers."""
    from simulator.xmile.run import simulate_read

    src = AUTHORED / f"{name}.xmile" if (AUTHORED / f"{name}.xmile").exists() else AUTHORED / f"{name}.stmx"
    try:
        xm = read(src)
    except XmileError as exc:
        pytest.skip(f"refused by this engine: {exc}")
    first = simulate_read(xm)
    out = tmp_path / "back.xmile"
    write(xm.model, out, xm.settings())
    again = read(out)
    second = simulate_read(again)
    for ident in first.variables:
        np.testing.assert_allclose(second[again.resolve(ident)], first[ident], rtol=1e-12, atol=1e-12,
                                   err_msg=f"{name}: {ident}")
