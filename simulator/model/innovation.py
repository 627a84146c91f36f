"""Innovation block: R&D -> knowledge stocks (perpetual inventory) -> TFP with a lag.

Baseline R&D builds ``knowledge_stock``; the innovation_chain lever's R&D builds a separate
``lever_knowledge_stock`` with the same depreciation and lag. The baseline's own knowledge growth
is part of the sourced TFP trend (China's TFP record includes it), so only the lever's knowledge
adds TFP. The lever's whole outlay is R&D expenditure (its commodity vector is R&D by use: labour,
purchases, instruments and buildings, NBS), one asset: knowledge. Public R&D displaces some business
R&D (``innovation_crowd_out``, Boeing 2016), so the lever adds ``(1 - crowd_out)`` yuan of R&D per
yuan. Knowledge raises output at a regional rate of return ``rho`` (``rd_regional_rate_of_return``:
the yearly GDP gain per yuan of effective knowledge, from meta-analyses of R&D returns), after a
third-order lag::

    d K_b/dt = baseline_rd - delta_R K_b,      K_b(2018) = R_2018 / (delta_R + g)
    d K_l/dt = lever_rd    - delta_R K_l,      K_l(2018) = 0
    knowledge_tfp_effect = 1 + rho * smooth3(K_l) / expected GDP

A rate of return rather than an output elasticity: HLJ's R&D stock is small relative to GDP (about
5% of a year's GDP), so an elasticity estimated on high-R&D samples would imply an implausible
return (``knowledge_elasticity_equivalent`` reports the elasticity the rate of return implies).
It is exactly 1 without the lever.
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, MONEY, MONEY_STOCK

G = "innovation"


def components() -> list:
    """Components of the innovation block."""
    return [
        Aux("rd_intensity_2018", "1", "R&D / GDP in 2018", (), G, equation="rd_expenditure_2018 / gdp_real_2018"),
        Aux("rd_intensity", "1", "Baseline R&D intensity (rising, capped)", (), G,
            equation="min(rd_intensity_cap, rd_intensity_2018 * exp(rd_intensity_growth * (time - initial_time)))"),
        Aux("baseline_rd", MONEY, "Baseline R&D expenditure", (), G, equation="rd_intensity * expected_gdp_real"),
        Flow("lever_rd", MONEY, "R&D the innovation_chain lever adds: its outlay net of displaced business R&D", (), G,
             equation="spending_innovation_chain * (1 - innovation_crowd_out) * lever_implementation_efficiency"),
        Aux("rd_spending", MONEY, "R&D expenditure incl. the innovation_chain lever", (), G,
            equation="baseline_rd + lever_rd"),
        Aux("knowledge_2018", MONEY_STOCK, "Initial knowledge stock (perpetual inventory)", (), G,
            equation="rd_expenditure_2018 / (knowledge_depreciation_rate + knowledge_growth_2018)"),
        Stock("knowledge_stock", MONEY_STOCK, "R&D knowledge stock built by baseline R&D", (), G,
              initial="knowledge_2018", inflows=("baseline_rd_flow",), outflows=("knowledge_obsolescence",),
              non_negative=True),
        Flow("baseline_rd_flow", MONEY, "Baseline R&D accumulating into knowledge", (), G, equation="baseline_rd"),
        Flow("knowledge_obsolescence", MONEY, "Obsolescence of knowledge", (), G,
             equation="knowledge_depreciation_rate * knowledge_stock"),
        Stock("lever_knowledge_stock", MONEY_STOCK, "Knowledge built by the innovation_chain lever's R&D", (), G,
              initial=0.0, inflows=("lever_rd",), outflows=("lever_knowledge_obsolescence",), non_negative=True),
        Flow("lever_knowledge_obsolescence", MONEY, "Obsolescence of the lever's knowledge", (), G,
             equation="knowledge_depreciation_rate * lever_knowledge_stock"),
        Aux("effective_knowledge", MONEY_STOCK, "Baseline knowledge as it reaches production (third-order lag)", (), G,
            equation="smooth3(knowledge_stock, knowledge_tfp_lag, knowledge_2018)"),
        Aux("effective_lever_knowledge", MONEY_STOCK, "Lever knowledge as it reaches production (third-order lag)", (),
            G, equation="smooth3(lever_knowledge_stock, knowledge_tfp_lag, 0)"),
        Aux("knowledge_tfp_effect", "1",
            "TFP effect of the knowledge the lever adds: rate of return x lever knowledge / expected GDP (1 without it)",
            (), G, equation=f"max(1 + rd_regional_rate_of_return * effective_lever_knowledge"
                            f" / max(expected_gdp_real, {EPS}), 0.5)"),
        Aux("knowledge_elasticity_equivalent", "1",
            "Output elasticity of the knowledge stock that the rate of return implies at the baseline stock", (), G,
            equation=f"rd_regional_rate_of_return * effective_knowledge / max(expected_gdp_real, {EPS})"),
    ]
