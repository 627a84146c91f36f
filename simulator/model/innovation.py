"""Innovation block: R&D -> knowledge stocks (perpetual inventory) -> TFP with a lag.

Baseline R&D builds ``knowledge_stock``; the innovation_chain lever's R&D builds a separate
``lever_knowledge_stock`` with the same depreciation and lag. The baseline's own knowledge growth
is part of the sourced TFP trend (China's TFP record includes it), so only the lever's knowledge
adds TFP, in proportion to the knowledge it adds::

    d K_b/dt = baseline_rd - delta_R K_b,      K_b(2018) = R_2018 / (delta_R + g)
    d K_l/dt = lever_rd    - delta_R K_l,      K_l(2018) = 0
    knowledge_tfp_effect = ((smooth3(K_b) + smooth3(K_l)) / smooth3(K_b))^theta

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
        Flow("lever_rd", MONEY, "R&D expenditure of the innovation_chain lever", (), G,
             equation="innovation_chain_rd_share * spending_innovation_chain"),
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
        Aux("knowledge_tfp_effect", "1", "TFP effect of the knowledge the lever adds to the baseline's", (), G,
            equation=f"((effective_knowledge + effective_lever_knowledge) / max(effective_knowledge, {EPS}))"
                     " ** knowledge_tfp_elasticity"),
    ]
