"""Reading XMILE: features, unsupported constructs, hostile files.

Simulated values are compared exactly or to ``rtol=1e-12`` (the same
floating-point operations as an equivalent hand-built model).
"""

import os

import numpy as np
import pytest

from simulator import simulate
from simulator.engine import Constant, Flow, Lookup, Stock
from simulator.xmile import XmileError, load, read_string, run_xmile

NS = 'xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"'


def doc(variables: str, specs: str = "<start>0</start><stop>10</stop><dt>1</dt>", extra: str = "",
        spec_attrs: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<xmile version="1.0" {NS}>'
            f"<header><name>t</name></header><sim_specs{spec_attrs}>{specs}</sim_specs>{extra}"
            f"<model><variables>{variables}</variables></model></xmile>")


STOCK_FLOW = """
<stock name="Stock A"><eqn>10</eqn><inflow>Flow A</inflow><units>widgets</units></stock>
<flow name="Flow A"><eqn>growth_rate * Stock_A</eqn><units>widgets/yr</units></flow>
<aux name="Growth Rate"><eqn>0.1</eqn><units>1/yr</units><doc>per year</doc></aux>
"""


def test_stock_flow_aux_become_regsim_components():
    xm = read_string(doc(STOCK_FLOW))
    m = xm.model
    assert isinstance(m["stock_a"], Stock) and m["stock_a"].inflows == ("flow_a",)
    assert isinstance(m["flow_a"], Flow) and isinstance(m["growth_rate"], Constant)
    assert m["growth_rate"].units == "1/yr" and m["growth_rate"].doc == "per year"
    assert xm.names == {"stock_a": "Stock A", "flow_a": "Flow A", "growth_rate": "Growth Rate"}
    res = simulate(m, settings=xm.settings())
    np.testing.assert_allclose(res["stock_a"][0], 10 * 1.1 ** np.arange(11), rtol=1e-12)


def test_sim_specs_defaults_reciprocal_dt_and_method():
    xm = read_string(doc(STOCK_FLOW, "<start>2</start><stop>4</stop>"))
    assert (xm.sim_specs.start, xm.sim_specs.stop, xm.sim_specs.dt, xm.sim_specs.method) == (2, 4, 1, "euler")
    xm = read_string(doc(STOCK_FLOW, '<start>0</start><stop>1</stop><dt reciprocal="true">4</dt>',
                         spec_attrs=' method="RK4" time_units="Months"'))
    assert xm.sim_specs.dt == 0.25 and xm.settings().method == "rk4" and xm.model.time_units == "Months"
    xm = read_string(doc(STOCK_FLOW, spec_attrs=' method="RK2"'))
    with pytest.raises(XmileError, match="method 'rk2' is not supported"):
        xm.settings()
    assert xm.settings(method="euler").method == "euler"
    with pytest.raises(XmileError, match="needs <start> and <stop>"):
        read_string(doc(STOCK_FLOW, "<start>0</start>"))  # <sim_specs> needs <start> and <stop>


def test_graphical_functions_xpts_xscale_sep_and_embedded():
    v = """
    <gf name="g1"><xpts>0,1,2</xpts><ypts>0,10,15</ypts></gf>
    <gf name="g2"><xscale min="0" max="2"/><ypts sep=";">0;10;15</ypts></gf>
    <aux name="x"><eqn>TIME / 5</eqn></aux>
    <aux name="a1"><eqn>g1(x)</eqn></aux>
    <aux name="a2"><eqn>LOOKUP(g2, x)</eqn></aux>
    <aux name="a3"><eqn>x</eqn><gf><xpts>0,1,2</xpts><ypts>0,10,15</ypts></gf></aux>
    <aux name="a4"><eqn>a3(x)</eqn></aux>
    """
    xm = read_string(doc(v))
    assert isinstance(xm.model["g1"], Lookup) and xm.model["g2"].x == (0.0, 1.0, 2.0)
    res = simulate(xm.model, settings=xm.settings())
    x = res.times / 5
    expected = np.interp(x, [0, 1, 2], [0, 10, 15])
    for n in ("a1", "a2", "a3", "a4"):
        np.testing.assert_allclose(res[n][0], expected, rtol=1e-12)


def test_non_negative_flags_and_behavior_defaults():
    v = """
    <stock name="s1"><eqn>1</eqn><outflow>out</outflow><non_negative/></stock>
    <stock name="s2"><eqn>1</eqn><outflow>out</outflow></stock>
    <stock name="s3"><eqn>1</eqn><outflow>out</outflow><non_negative>false</non_negative></stock>
    <flow name="out"><eqn>1 - TIME</eqn></flow>
    <flow name="uni"><eqn>1 - TIME</eqn><non_negative/></flow>
    """
    m = read_string(doc(v)).model
    assert (m["s1"].non_negative, m["s2"].non_negative, m["s3"].non_negative) == (True, False, False)
    assert (m["out"].non_negative, m["uni"].non_negative) == (False, True)
    m = read_string(doc(v, extra="<behavior><non_negative/></behavior>")).model
    assert (m["s2"].non_negative, m["s3"].non_negative, m["out"].non_negative) == (True, False, True)
    m = read_string(doc(v, extra="<behavior><stock><non_negative/></stock></behavior>")).model
    assert (m["s2"].non_negative, m["out"].non_negative) == (True, False)


def test_one_dimensional_arrays():
    dims = '<dimensions><dim name="Region"><elem name="North"/><elem name="South"/></dim></dimensions>'
    v = """
    <aux name="share"><dimensions><dim name="Region"/></dimensions><eqn>0.25, 0.75</eqn></aux>
    <aux name="base"><dimensions><dim name="Region"/></dimensions>
       <element subscript="North"><eqn>TIME</eqn></element><element subscript="South"><eqn>2 * TIME</eqn></element></aux>
    <aux name="scaled"><dimensions><dim name="Region"/></dimensions><eqn>share[Region] * base</eqn></aux>
    <aux name="total"><eqn>SUM(scaled[*])</eqn></aux>
    <aux name="north"><eqn>scaled[north]</eqn></aux>
    """
    xm = read_string(doc(v, extra=dims))
    assert xm.model.dimensions == {"region": ("North", "South")}
    res = simulate(xm.model, settings=xm.settings())
    t = res.times
    np.testing.assert_allclose(res["scaled"][0], np.stack([0.25 * t, 1.5 * t], axis=1), rtol=1e-12)
    np.testing.assert_allclose(res["total"][0], 1.75 * t, rtol=1e-12)
    np.testing.assert_allclose(res["north"][0], 0.25 * t, rtol=1e-12)


def test_run_xmile_uses_file_names_settings_and_params(tmp_path):
    path = tmp_path / "m.xmile"
    path.write_text(doc(STOCK_FLOW), encoding="utf-8")
    res = run_xmile(path, {"Growth Rate": np.array([0.1, 0.2])})
    assert {"Stock A", "Flow A", "Growth Rate"} <= set(res.variables)
    np.testing.assert_allclose(res["Stock A"][:, -1], [10 * 1.1 ** 10, 10 * 1.2 ** 10], rtol=1e-12)
    np.testing.assert_allclose(res["Growth Rate"][:, 0], [0.1, 0.2])
    assert res.metadata["source"] == str(path)
    again = run_xmile(path)  # a run never changes the model: defaults are back
    np.testing.assert_allclose(again["Stock A"][0, -1], 10 * 1.1 ** 10, rtol=1e-12)
    with pytest.raises(XmileError, match="unknown parameter"):
        run_xmile(path, {"nope": 1})
    with pytest.raises(XmileError, match="not a constant"):
        run_xmile(path, {"Flow A": 1})


# -- unsupported constructs: refused, naming construct and variable -----------------------

@pytest.mark.parametrize("body, extra, construct, variable", [
    ('<stock name="s"><eqn>0</eqn><conveyor><len>2</len></conveyor></stock>', "", "conveyor", "s"),
    ('<stock name="q"><eqn>0</eqn><queue/></stock>', "", "queue", "q"),
    ('<flow name="f"><eqn>1</eqn><leak/></flow>', "", "leakage flow", "f"),
    ('<module name="sub"/>', "", "module", "sub"),
    ('<aux name="a"><dimensions><dim name="d"/><dim name="d"/></dimensions><eqn>1</eqn></aux>',
     '<dimensions><dim name="d" size="2"/></dimensions>', "array|repeated dimension", "a"),
    ('<aux name="a"><eqn>x</eqn><gf type="discrete"><xpts>0,1</xpts><ypts>0,1</ypts></gf></aux>'
     '<aux name="x"><eqn>1</eqn></aux>', "", "gf type=discrete", "a"),
    ('<aux name="a"><eqn>MYMACRO(1)</eqn></aux>', "", "MYMACRO", "a"),
    ('<aux name="a"><eqn>HISTORY(TIME, 2)</eqn></aux>', "", "HISTORY", "a"),
])
def test_unsupported_constructs_are_refused(body, extra, construct, variable):
    with pytest.raises(XmileError) as info:
        read_string(doc(body, extra=extra))
    assert info.value.construct in construct.split("|")  # (arrays of 2 dims: refused until the engine has them)
    assert info.value.variable == variable
    assert repr(variable) in str(info.value)


def test_macros_and_submodels_are_refused():
    text = doc("<aux name='a'><eqn>1</eqn></aux>").replace("<model>", '<macro name="m"><eqn>1</eqn></macro><model>')
    with pytest.raises(XmileError, match="macro 'm' is not supported") as info:
        read_string(text)
    assert info.value.construct == "macro"
    text = doc("<aux name='a'><eqn>1</eqn></aux>").replace("</xmile>", '<model name="sub"><variables/></model></xmile>')
    assert "model sub (not used by any module)" in read_string(text).ignored


def test_bad_references_are_refused():
    with pytest.raises(XmileError, match="inflow 'nope' is not a flow"):
        read_string(doc('<stock name="s"><eqn>0</eqn><inflow>nope</inflow></stock>'))
    with pytest.raises(XmileError, match="two variables with the name"):
        read_string(doc('<aux name="A b"><eqn>1</eqn></aux><aux name="a_B"><eqn>1</eqn></aux>'))


# -- hostile files: a clear error, nothing runs ---------------------------------------------

def test_code_in_an_equation_is_never_executed(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    v = f"""<aux name="x"><eqn>__import__('os').system('touch {marker}')</eqn></aux>"""
    called = []
    monkeypatch.setattr(os, "system", lambda *a: called.append(a))
    with pytest.raises(XmileError, match="unexpected character"):
        read_string(doc(v))
    v = f"""<aux name="x"><eqn>__import__("os").system("touch {marker}")</eqn></aux>"""
    with pytest.raises(XmileError):
        read_string(doc(v))
    assert not called and not marker.exists()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<header><name>&lol9;</name></header><sim_specs><start>0</start><stop>1</stop></sim_specs>
<model><variables><aux name="a"><eqn>1</eqn></aux></variables></model></xmile>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"><header><name>&secret;</name></header>
<sim_specs><start>0</start><stop>1</stop></sim_specs><model><variables/></model></xmile>"""


@pytest.mark.parametrize("text, what", [(BILLION_LAUGHS, "DOCTYPE"), (XXE, "DOCTYPE"),
                                        (BILLION_LAUGHS.encode("utf-16"), "DOCTYPE")])
def test_entity_and_dtd_declarations_are_refused(tmp_path, text, what):
    path = tmp_path / "evil.xmile"
    (path.write_bytes if isinstance(text, bytes) else lambda t: path.write_text(t, encoding="utf-8"))(text)
    with pytest.raises(XmileError, match=f"refusing a file with a <!{what}> declaration"):
        load(path)


def test_oversize_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.xmile"
    with open(path, "wb") as fh:  # a sparse 1 GB file: no disk used, never read
        fh.truncate(1024 ** 3)
    with pytest.raises(XmileError, match="exceeds the 52428800-byte limit") as info:
        load(path)
    assert info.value.construct == "size"
    small = tmp_path / "small.xmile"
    small.write_text(doc(STOCK_FLOW), encoding="utf-8")
    with pytest.raises(XmileError, match="exceeds the 100-byte limit"):
        load(small, max_bytes=100)


def test_malformed_xml_and_wrong_root():
    with pytest.raises(XmileError, match="not well-formed"):
        read_string("<xmile><model>")
    with pytest.raises(XmileError, match="not <xmile>"):
        read_string("<html/>")


def test_undeclared_vendor_prefix_is_tolerated():
    text = doc(STOCK_FLOW).replace("<header>", '<isee:prefs show="true"/><header>')
    assert "xmlns:isee" not in text
    xm = read_string(text)
    assert "stock_a" in xm.model


SUBRANGE_DIMS = """<dimensions><dim name="Dim"><elem name="d1"/><elem name="d2"/><elem name="d3"/></dim>
<dim name="Sub"><elem name="d3"/><elem name="d1"/></dim><dim name="Other"><elem name="o1"/><elem name="o2"/></dim>
</dimensions>"""


def test_subranges_are_read_by_element_name_and_mappings_refused():
    v = """
    <aux name="x"><dimensions><dim name="Dim"/></dimensions><eqn>1, 2, 3</eqn></aux>
    <aux name="y"><dimensions><dim name="Sub"/></dimensions><eqn>x[Sub] * 10</eqn></aux>
    <aux name="z"><dimensions><dim name="Sub"/></dimensions><eqn>x[Dim] + TIME</eqn></aux>
    <aux name="s"><eqn>SUM(x[Sub])</eqn></aux>
    <aux name="w"><dimensions><dim name="Other"/></dimensions><eqn>SUM(x[Dim]) + 0 * TIME</eqn></aux>
    """
    xm = read_string(doc(v, extra=SUBRANGE_DIMS))
    res = simulate(xm.model, settings=xm.settings())
    assert res.elements("y") == ("d3", "d1")
    np.testing.assert_array_equal(res["y"][0, 0], [30, 10])
    np.testing.assert_array_equal(res["z"][0, 2], [5, 3])
    assert res["s"][0, 0] == 4 and np.all(res["w"][0] == 6)
    bad = '<aux name="x"><dimensions><dim name="Dim"/></dimensions><eqn>1, 2, 3</eqn></aux>' \
          '<aux name="m"><dimensions><dim name="Other"/></dimensions><eqn>x[Dim] * 2</eqn></aux>'
    with pytest.raises(XmileError, match="does not say which element maps to which") as info:
        read_string(doc(bad, extra=SUBRANGE_DIMS))
    assert info.value.construct == "subscript mapping" and info.value.variable == "m"


def test_non_apply_to_all_elements_may_depend_on_each_other():
    dims = '<dimensions><dim name="S"><elem name="a"/><elem name="b"/><elem name="c"/></dim></dimensions>'
    v = """
    <aux name="chain"><dimensions><dim name="S"/></dimensions>
     <element subscript="a"><eqn>TIME</eqn></element>
     <element subscript="b"><eqn>y + 1</eqn></element>
     <element subscript="c"><eqn>chain[b] * 2</eqn></element></aux>
    <aux name="y"><eqn>chain[a] * 10</eqn></aux>
    """
    from simulator.xmile.run import simulate_read

    xm = read_string(doc(v, extra=dims))
    res = simulate_read(xm)
    t = res.times
    np.testing.assert_allclose(res["chain"][0], np.stack([t, 10 * t + 1, 20 * t + 2], axis=1), rtol=0)
    assert sorted(res.variables) == ["chain", "y"]


def test_element_tables_computed_indices_and_element_positions():
    dims = '<dimensions><dim name="K"><elem name="k1"/><elem name="k2"/><elem name="k3"/></dim></dimensions>'
    v = """
    <aux name="tables"><dimensions><dim name="K"/></dimensions><eqn>TIME</eqn>
     <element subscript="k1"><gf><xpts>0,10</xpts><ypts>0,10</ypts></gf></element>
     <element subscript="k2"><gf><xpts>0,10</xpts><ypts>0,20</ypts></gf></element>
     <element subscript="k3"><gf><xpts>0,10</xpts><ypts>5,5</ypts></gf></element></aux>
    <aux name="one"><eqn>LOOKUP(tables[k2], 4)</eqn></aux>
    <aux name="each"><dimensions><dim name="K"/></dimensions><eqn>LOOKUP(tables[K], 5)</eqn></aux>
    <aux name="picked"><eqn>tables[INT(TIME MOD 3) + 1]</eqn></aux>
    <aux name="position"><eqn>K.k3 * 10</eqn></aux>
    """
    from simulator.xmile.run import simulate_read

    res = simulate_read(read_string(doc(v, extra=dims)))
    assert np.all(res["one"][0] == 8) and np.all(res["position"][0] == 30)
    np.testing.assert_array_equal(res["each"][0, 0], [5, 10, 5])
    t = res.times
    expected = np.choose(np.floor(np.mod(t, 3)).astype(int), [t, 2 * t, np.full(t.size, 5.0)])
    np.testing.assert_allclose(res["picked"][0], expected, rtol=1e-12)


def _modules_doc(root_vars: str, models: str) -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<xmile version="1.0" {NS}><header><name>m</name></header>'
            f"<sim_specs><start>0</start><stop>4</stop><dt>1</dt></sim_specs>"
            f"<model><variables>{root_vars}</variables></model>{models}</xmile>")


def test_nested_modules_flatten_with_qualified_names():
    inner = '<model name="inner"><variables><aux name="y"><eqn>x * 2</eqn></aux><aux name="x"><eqn>0</eqn></aux>' \
            '</variables></model>'
    outer = '<model name="outer"><variables><module name="inner"><connect to="x" from=".u"/></module>' \
            '<aux name="u"><eqn>1</eqn></aux><aux name="z"><eqn>inner.y + 1</eqn></aux></variables></model>'
    text = _modules_doc('<module name="outer"><connect to="outer.u" from="TIME_VALUE"/></module>'
                        '<aux name="time value"><eqn>TIME</eqn></aux><aux name="top"><eqn>outer.inner.y</eqn></aux>',
                        inner + outer)
    from simulator.xmile.run import simulate_read

    xm = read_string(text)
    assert set(xm.names.values()) >= {"outer.inner.y", "outer.z", "top"}
    res = simulate_read(xm)
    t = res.times
    np.testing.assert_array_equal(res[xm.resolve("outer.inner.y")][0], 2 * t)
    np.testing.assert_array_equal(res[xm.resolve("top")][0], 2 * t)
    np.testing.assert_array_equal(res[xm.resolve("outer.z")][0], 2 * t + 1)


@pytest.mark.parametrize("root,models,message", [
    ('<module name="m"/>', "", "refers to model 'm', which the file does not define"),
    ('<module name="m"/>', '<model name="m"><variables><module name="m"/></variables></model>', "contains itself"),
    ('<module name="m"><connect to="m.nope" from="a"/></module><aux name="a"><eqn>1</eqn></aux>',
     '<model name="m"><variables><aux name="b"><eqn>1</eqn></aux></variables></model>', "names no variable"),
    ('<module name="m"/>', '<model name="m"><variables><aux name="b"><eqn>{not connected}</eqn></aux></variables>'
     "</model>", "module input that no <connect> feeds"),
])
def test_module_errors_are_refused(root, models, message):
    with pytest.raises(XmileError, match=message):
        read_string(_modules_doc(root, models))
