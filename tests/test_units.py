"""Units: parsing, algebra and the dimensional-consistency check (exact)."""

import pytest
from xmile_models import demo_model

from simulator import Aux, Constant, Flow, Lookup, Model, Stock
from simulator.xmile import check_units, parse_units
from simulator.xmile.units import Units, UnitsSyntaxError


@pytest.mark.parametrize("text, scale, dims", [
    ("100m yuan/yr", 1e8, {"yuan": 1, "yr": -1}),
    ("10k persons", 1e4, {"person": 1}),
    ("1", 1.0, {}),
    ("dmnl", 1.0, {}),
    ("1/yr", 1.0, {"yr": -1}),
    ("yr^-1", 1.0, {"yr": -1}),
    ("yuan/(person*yr)", 1.0, {"yuan": 1, "person": -1, "yr": -1}),
    ("yuan/person/yr", 1.0, {"yuan": 1, "person": -1, "yr": -1}),
    ("m^2", 1.0, {"m": 2}),
    ("%", 0.01, {}),
    ("2.5bn USD", 2.5e9, {"USD": 1}),
    ("persons/years", 1.0, {"person": 1, "yr": -1}),
])
def test_parse_units(text, scale, dims):
    assert parse_units(text) == Units.of(scale, dims)


def test_unspecified_and_bad_units():
    assert parse_units("") is None and parse_units("  ") is None
    for bad in ("yuan/", "(yuan", "yuan^x", "yuan $$"):
        with pytest.raises(UnitsSyntaxError):
            parse_units(bad)


def test_algebra():
    a, b = parse_units("100m yuan/yr"), parse_units("yr")
    assert a * b == parse_units("100m yuan")
    assert (a / a).dimensionless and (a / a).scale == 1
    assert parse_units("m^2") ** 0.5 == parse_units("m")
    assert str(parse_units("100m yuan/(person*yr)")) == "1e+08 yuan/(person*yr)"


def _model(*extra, births="pop * rate"):
    return Model("m", [
        Stock("pop", initial="p0", inflows=("births",), units="10k persons"),
        Flow("births", equation=births, units="10k persons/yr"),
        Constant("p0", value=100, units="10k persons"),
        Constant("rate", value=0.01, units="1/yr"),
        Constant("wage", value=5, units="yuan/(person*yr)"),
        *extra,
    ])


def test_a_consistent_model_passes():
    m = _model(
        Aux("wage_bill", equation="wage * pop", units="10k yuan/yr"),
        Aux("g", equation="exp(-rate * time) + smooth(rate, 2) * time + min(1, rate * 3 * time)", units="1"),
        Lookup("eff", x=(0, 1), y=(1, 0), units="1"),
        Aux("e", equation="eff(pop / p0) * pop + 0 if time > 2020 else pop", units="10k persons"),
        Aux("r", equation="ramp(rate, 2020) + step(1, 2021)", units="1"),
    )
    assert check_units(m) == []


def test_planted_mismatch_is_caught_with_variable_expected_and_found():
    issues = check_units(_model(births="pop * rate + p0"))
    assert len(issues) == 1
    i = issues[0]
    assert i.variable == "births"
    assert (i.expected, i.found) == ("10000 person/yr", "10000 person")
    assert "'+' combines different units" in i.message


def test_scale_mismatch_is_caught():
    issues = check_units(_model(Aux("bill", equation="wage * pop", units="yuan/yr")))
    assert [(i.variable, i.expected, i.found) for i in issues] == [("bill", "yuan/yr", "10000 yuan/yr")]
    assert "scale differ" in issues[0].message


def test_flow_units_must_be_stock_units_per_time():
    m = _model().replace(Flow("births", equation="pop * rate", units="10k persons"))
    issues = check_units(m)
    assert any(i.variable == "pop" and "flow 'births'" in i.message for i in issues)


@pytest.mark.parametrize("eq, msg", [
    ("exp(pop)", "exp() needs a dimensionless argument"),
    ("smooth(rate, pop)", "smoothing time must be in"),
    ("rate ** pop", "exponent must be dimensionless"),
    ("pop if pop > rate else 0", "comparison"),
    ("max(pop, rate)", "max()"),
])
def test_operations_that_need_particular_units(eq, msg):
    issues = check_units(_model(Aux("x", equation=eq, units="")))
    assert any(msg in i.message for i in issues), issues


def test_unparseable_units_are_reported_and_unspecified_skipped():
    m = _model(Aux("x", equation="pop", units="persons ^ ^"), Aux("y", equation="pop + rate", units=""))
    issues = check_units(m)
    assert [i.variable for i in issues] == ["x", "y"]
    assert "'persons ^ ^'" in issues[0].message and issues[0].expected == "a unit expression"


def test_demo_model_is_consistent_and_a_planted_error_in_it_is_found():
    # numeric literals (pulse(5, 3), 0.01, ...) adapt to the quantities they meet
    m = demo_model()
    assert check_units(m) == []
    bad = m.replace(Aux("tot", equation="sum(va) + mean(k) + rate", units="persons"))
    assert [(i.variable, i.found) for i in check_units(bad)] == [("tot", "1/yr")]
