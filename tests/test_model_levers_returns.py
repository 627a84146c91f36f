"""Policy returns of every lever at its shipped budget lie in a defensible band (finding 1).

Reasoning for the band (also in docs/model.md, section "Policy returns"): a yuan of public
money adds demand while it is spent (a regional multiplier of ~0.5-1.5 less import leakage; in
this model most sectors are supply-bound, so this part is small) and supply from what it
builds: capital with an output elasticity of 0.03-0.20 (Bom & Ligthart 2014) over a
depreciating life, productivity, or trade capacity while capacity binds. Summed over
2018-2050 that is roughly 1-10 yuan of real GDP per yuan spent. The lower edge is 0.5 because
capacity that does not bind (ports when utilisation is low) honestly returns little; the upper
edge 10 rules out money machines (finance_clustering used to return ~100 yuan per yuan).
The full package may not exceed 1.3 x the sum of its parts (no runaway synergy).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.analysis import summary_metrics
from simulator.engine import simulate
from simulator.levers import LEVERS
from simulator.model import build_model
from simulator.scenarios import prepare

SCEN = Path(__file__).resolve().parents[1] / "scenarios"
BAND = (0.5, 10.0)


def _run(p, model=None, params=None):
    return simulate(model or p.model, params=params, settings=p.settings)


@pytest.fixture(scope="module")
def returns():
    """GDP per yuan for each shipped lever scenario: as shipped (calibration applied) and with the priors."""
    base = prepare(SCEN / "baseline.toml")
    prior_model = build_model()
    out = {"shipped": {}, "priors": {}}
    b_ship, b_prior = _run(base), _run(base, prior_model, {})
    for name in [*sorted(LEVERS), "full_package"]:
        p = prepare(SCEN / f"{name}.toml")
        lever_params = {k: v for k, v in p.params.items() if any(k.startswith(lid + "_") for lid in LEVERS)}
        for kind, b, alt in (("shipped", b_ship, _run(p)),
                             ("priors", b_prior, _run(p, prior_model, lever_params))):
            m = summary_metrics(b, {name: alt}).iloc[0]
            out[kind][name] = (m["cum_gdp_gain"], m["cum_spending"])
    return out


@pytest.mark.parametrize("kind", ["shipped", "priors"])
@pytest.mark.parametrize("lever", sorted(LEVERS))
def test_gdp_per_yuan_in_band(returns, kind, lever):
    gain, spent = returns[kind][lever]
    assert spent > 0
    assert BAND[0] <= gain / spent <= BAND[1], (kind, lever, gain / spent)


@pytest.mark.parametrize("kind", ["shipped", "priors"])
def test_full_package_no_runaway_synergy(returns, kind):
    parts = sum(returns[kind][lid][0] for lid in LEVERS)
    full = returns[kind]["full_package"][0]
    assert 0 < full <= 1.3 * parts, (full, parts)
    assert np.isclose(returns[kind]["full_package"][1], sum(returns[kind][lid][1] for lid in LEVERS))
