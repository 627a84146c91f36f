"""Structure of the Heilongjiang model: mapping, shares, lever hooks, provenance, docs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.engine import Constant, TimeSeries
from simulator.engine.expr import names
from simulator.model import LEVERS, SECTORS, build_model, default_parameters
from simulator.model.document import render

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def model():
    return build_model()


def test_sector_mapping_aggregates_exactly_to_official_2018_split():
    ps = default_parameters().values()
    va, pw, sw = ps["va_2018"], ps["primary_weight"], ps["secondary_weight"]
    tw = 1 - pw - sw
    assert np.all((pw >= 0) & (sw >= 0) & (tw >= -1e-12))
    np.testing.assert_allclose(pw + sw + tw, 1.0)
    assert va.sum() == pytest.approx(12846.5)                  # gdp_final_nbs 2018
    assert (va * pw).sum() == pytest.approx(3001.0, abs=0.5)
    assert (va * sw).sum() == pytest.approx(3412.6, abs=0.5)
    assert (va * tw).sum() == pytest.approx(6432.9, abs=0.5)


def test_share_arrays_sum_to_one():
    ps = default_parameters().values()
    for name in ("household_consumption_commodity_share", "government_consumption_commodity_share",
                 "gfcf_commodity_share", "export_commodity_mix", "industry_transfer_target_share",
                 "industrial_chains_target_share"):
        assert ps[name].sum() == pytest.approx(1.0, abs=1e-3), name
    assert ps["employment_2018"].shape == (len(SECTORS),)


def test_lever_hooks_exist(model):
    for lid in LEVERS:
        for suffix in ("budget", "start", "end", "ramp"):
            assert isinstance(model[f"{lid}_{suffix}"], Constant), (lid, suffix)
        assert model[f"spending_{lid}"].kind == "aux"
        assert float(model[f"{lid}_budget"].value) == 0.0
    assert model["port_investment_construction_delay"].units == "yr"
    assert model["industrial_chains_target_share"].dims == ("sector",)
    for name in ("border_capacity_multiplier", "russia_demand_multiplier", "trade_diversion_to_russia",
                 "oil_price", "china_gdp_growth", "interest_rate"):
        assert isinstance(model[name], TimeSeries), name


def test_every_parameter_is_used_and_every_constant_has_provenance(model):
    used = set()
    for c in model.components:
        if hasattr(c, "node"):
            used |= names(c.node)
        if hasattr(c, "initial_node"):
            used |= names(c.initial_node)
    ps = default_parameters()
    unused = [n for n in ps if n not in used]
    assert not unused, unused
    for c in model.components:
        if isinstance(c, Constant):
            assert c.name in ps or c.group == "structure", c.name
        assert c.units, c.name


def test_docs_model_md_is_up_to_date():
    committed = (REPO / "docs" / "model.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/model.md is stale: run `python -m simulator.model.document > docs/model.md`"


def test_document_module_runs_as_script():
    out = subprocess.run([sys.executable, "-m", "simulator.model.document"], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout
    assert out.startswith("# The Heilongjiang model")
    for block in ("production", "demand", "competitiveness", "labour_market", "population", "trade", "energy_carbon",
                  "digital", "finance", "innovation", "levers", "external"):
        assert f"## Block `{block}`" in out
