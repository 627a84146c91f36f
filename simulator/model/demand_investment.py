"""Demand and investment block.

Demand for sector ``s`` (real, 2018 prices) combines five sources with 2018 shares
from ``params/demand_investment.toml`` (each sector's shares sum to 1)::

    sector_demand = va_2018 * (sh_local * local_demand_index
                               + sh_investment * investment_demand_index
                               + sh_rest_of_china * rest_of_china_demand_index
                               + sh_abroad * abroad_demand_index
                               + sh_credit * credit_demand_index) * sector_demand_multiplier

Rest-of-China demand also rises with HLJ's cost competitiveness: productivity gains from the
model's explicit TFP channels (public capital, knowledge, digital, finance, spillovers, chains,
producer services) lower HLJ's unit costs and win market share in the rest of China
(``cost_competitiveness_elasticity``), so supply-side levers can raise output in sectors that
are demand-bound. Local demand follows expected regional income (households) and government
consumption from the fiscal block (``simulator/model/fiscal.py``): the government part of 2018
local spending, ``government_share_of_local_demand * local_spending_2018``, changes yuan for yuan
with real ``government_consumption``, so lever money reallocated within the provincial budget,
the service of lever bonds and fiscal consolidation cut local demand one for one (a yuan of
local spending forgone removes ``local_demand_regional_content`` yuan of HLJ value added, the
rest would have bought goods from other provinces and abroad)::

    government_demand_index = 1 + (government_consumption - government_consumption_t0)
                                  / (government_share_of_local_demand * local_spending_2018)

Public investment is the budget-financed part (``public_investment_fiscal``) plus the part
financed off the general budget (financing vehicles, state firms), which keeps the 2018 total
``public_investment_share * gdp_real_2018`` and grows with expected GDP. Investment by
sector is ``(delta + g_2018) * K`` scaled by expected profitability, expected
utilisation, the cost of capital and credit availability relative to 2018, plus
industrial-chain spending, relocated capital and FDI.
"""

from __future__ import annotations

from ..engine import Aux, Flow
from ._base import EPS, MONEY, S, selector

G = "demand_investment"


def components() -> list:
    """Components of the demand and investment block."""
    return [
        selector("is_digital", "sector", ("digital_economy",), "1 for the digital-economy sector"),
        selector("is_producer_service", "sector", ("logistics_trade", "finance_services", "digital_economy"),
                 "1 for producer-service sectors (logistics, finance & business services, IT)"),
        # demand components
        Aux("local_demand_2018", MONEY, "Local (household + government) demand in 2018", (), G,
            equation="sum(va_2018 * demand_share_local)"),
        Aux("private_local_demand_index", "1", "Household demand index: expected real GDP relative to 2018", (), G,
            equation="(expected_gdp_real / gdp_real_2018) ** local_income_elasticity"),
        Aux("local_spending_2018", MONEY,
            "Local (household + government) spending in 2018: local demand for HLJ value added / its regional content",
            (), G, equation=f"local_demand_2018 / max(local_demand_regional_content, {EPS})"),
        Aux("government_demand_index", "1",
            "Government-funded local spending relative to 2018: changes yuan for yuan with real government consumption"
            " (fiscal block)", (), G,
            equation="1 + (government_consumption - init(government_consumption))"
                     f" / max(government_share_of_local_demand * local_spending_2018, {EPS})"),
        Aux("local_demand_index", "1", "Local demand relative to 2018", (), G,
            equation="max(0, (1 - government_share_of_local_demand) * private_local_demand_index"
                     " + government_share_of_local_demand * government_demand_index)"),
        Aux("public_investment_other", MONEY,
            "Public investment financed off the general budget (financing vehicles, state firms): the rest of the 2018"
            " total, growing with expected GDP", (), G,
            equation="max(0, public_investment_share * gdp_real_2018 - init(public_investment_fiscal))"
                     f" * expected_gdp_real / max(gdp_real_2018, {EPS})"),
        Aux("public_investment_demand", MONEY, "Public investment demand: budget-financed (fiscal block) + off-budget", (), G,
            equation="public_investment_fiscal + public_investment_other"),
        Aux("total_investment_2018", MONEY, "Total investment demand in 2018", (), G,
            equation="sum((depreciation_rate + investment_net_growth_2018) * capital_2018)"
                     " + (public_investment_share + digital_investment_share) * gdp_real_2018"),
        Aux("total_investment", MONEY,
            "Total investment demand: sector investment + public + digital + lever spending (industrial chains counted once)",
                (), G,
            equation="sum(investment) + public_investment_demand + baseline_digital_investment"
                     " + lever_spending - spending_industrial_chains"),
        Aux("investment_demand_index", "1", "Investment demand relative to 2018", (), G,
            equation="total_investment / total_investment_2018"),
        Aux("cost_competitiveness", "1",
            "HLJ's cost advantage from the model's explicit TFP channels (TFP relative to its exogenous trend), 2018 = 1",
            S, G, equation=f"(tfp / max(tfp_trend, {EPS})) ** cost_competitiveness_elasticity"),
        Aux("rest_of_china_demand_index", "1",
            "Rest-of-China demand: China GDP^elasticity x competitiveness drift x cost competitiveness", S, G,
            equation="china_gdp_index ** rest_of_china_income_elasticity"
                     " * exp(regional_competitiveness_drift * (time - initial_time)) * cost_competitiveness"),
        Aux("abroad_demand_index", "1", "Foreign demand: real exports relative to 2018", (), G,
            equation="exports_real / sum(exports_2018_by_partner)"),
        Aux("credit_demand_index", "1", "Intermediation demand: real credit relative to 2018", (), G,
            equation="credit / credit_2018"),
        Aux("sector_demand_multiplier", "1", "Digital adoption raises demand for the digital-economy sector", S, G,
            equation="1 + is_digital * (digital_demand_factor - 1)"),
        Aux("demand_share_total", "1",
            "Sum of the 2018 demand shares (1 up to rounding; dividing by it makes 2018 demand equal va_2018 exactly)",
            S, G, equation="demand_share_local + demand_share_investment + demand_share_rest_of_china"
                           " + demand_share_abroad + demand_share_credit"),
        Aux("sector_demand", MONEY, "Real demand for each sector's output", S, G,
            equation="va_2018 * (demand_share_local * local_demand_index"
                     " + demand_share_investment * investment_demand_index"
                     " + demand_share_rest_of_china * rest_of_china_demand_index"
                     " + demand_share_abroad * abroad_demand_index"
                     " + demand_share_credit * credit_demand_index)"
                     f" / max(demand_share_total, {EPS}) * sector_demand_multiplier"),
        # investment
        Aux("return_on_capital", "1/yr", "Gross return on capital: alpha * VA / K", S, G,
            equation=f"capital_share * value_added / max(capital, {EPS})"),
        Aux("return_on_capital_2018", "1/yr", "Return on capital in 2018", S, G,
            equation=f"capital_share / max(capital_output_ratio_2018, {EPS})"),
        Aux("relative_return_on_capital", "1",
            "Return on capital relative to 2018, (VA/VA_2018)/(K/K_2018): exactly 1 at the start (no rounding)", S, G,
            equation=f"(value_added / max(va_2018, {EPS})) / max(capital / max(capital_2018, {EPS}), {EPS})"),
        Aux("expected_profitability", "1", "Expected return on capital relative to 2018 (starts at 1 = its input at t0)", S, G,
            equation="smooth(relative_return_on_capital, expectation_time, 1)"),
        Aux("expected_utilization", "1", "Expected capacity utilisation (starts at 1 = its input at t0)", S, G,
            equation="smooth(capacity_utilization, expectation_time, 1)"),
        Aux("investment_rate", "1/yr", "Gross private investment / capital", S, G,
            equation="(depreciation_rate + investment_net_growth_2018)"
                     " * expected_profitability ** investment_return_elasticity"
                     " * expected_utilization ** investment_utilization_elasticity"
                     " * (cost_of_capital_2018 / cost_of_capital) ** investment_cost_of_capital_elasticity"
                     " * min(credit_availability, 1) ** credit_investment_elasticity"),
        Aux("private_investment", MONEY, "Private (market-driven) investment by sector", S, G,
            equation="investment_rate * capital"),
        Flow("investment", MONEY, "Gross investment by sector: private + industrial chains + relocated capital + FDI", S, G,
             equation="private_investment + industrial_chains_investment + relocated_capital_inflow + fdi_inflow"),
        Aux("investment_to_gdp", "1", "Total investment demand / real GDP", (), G,
            equation=f"total_investment / max(gdp_real, {EPS})"),
    ]
