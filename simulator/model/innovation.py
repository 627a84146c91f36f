"""Innovation block: R&D -> knowledge stock (perpetual inventory) -> TFP with a lag.

::

    d knowledge/dt     = rd_spending - delta_R * knowledge,  knowledge_2018 = R_2018 / (delta_R + g)
    knowledge_tfp_effect = (smooth3(knowledge, lag) / knowledge_2018)^theta
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import MONEY, MONEY_STOCK

G = "innovation"


def components() -> list:
    """Components of the innovation block."""
    return [
        Aux("rd_intensity_2018", "1", "R&D / GDP in 2018", (), G, equation="rd_expenditure_2018 / gdp_real_2018"),
        Aux("rd_intensity", "1", "Baseline R&D intensity (rising, capped)", (), G,
            equation="min(rd_intensity_cap, rd_intensity_2018 * exp(rd_intensity_growth * (time - initial_time)))"),
        Aux("baseline_rd", MONEY, "Baseline R&D expenditure", (), G, equation="rd_intensity * expected_gdp_real"),
        Flow("rd_spending", MONEY, "R&D expenditure incl. the innovation_chain lever", (), G,
             equation="baseline_rd + innovation_chain_rd_share * spending_innovation_chain"),
        Aux("knowledge_2018", MONEY_STOCK, "Initial knowledge stock (perpetual inventory)", (), G,
            equation="rd_expenditure_2018 / (knowledge_depreciation_rate + knowledge_growth_2018)"),
        Stock("knowledge_stock", MONEY_STOCK, "R&D knowledge stock", (), G, initial="knowledge_2018",
              inflows=("rd_spending",), outflows=("knowledge_obsolescence",), non_negative=True),
        Flow("knowledge_obsolescence", MONEY, "Obsolescence of knowledge", (), G,
             equation="knowledge_depreciation_rate * knowledge_stock"),
        Aux("effective_knowledge", MONEY_STOCK, "Knowledge stock as it reaches production (third-order lag)", (), G,
            equation="smooth3(knowledge_stock, knowledge_tfp_lag, knowledge_2018)"),
        Aux("knowledge_tfp_effect", "1", "TFP effect of knowledge relative to 2018", (), G,
            equation="(effective_knowledge / knowledge_2018) ** knowledge_tfp_elasticity"),
    ]
