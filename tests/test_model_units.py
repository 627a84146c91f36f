"""Dimensional consistency of the shipped Heilongjiang model (finding 3)."""

from simulator.model import build_model
from simulator.xmile import check_units


def test_shipped_model_is_dimensionally_consistent():
    issues = check_units(build_model())
    assert issues == [], "\n".join(map(str, issues))


def test_stock_to_flow_ratios_use_one_year():
    m = build_model()
    assert m["one_year"].units == "yr" and float(m["one_year"].value) == 1.0
    for name in ("credit_2018", "credit_target", "credit_to_gdp", "credit_availability"):
        assert "one_year" in m[name].equation, name
