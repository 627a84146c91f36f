"""Production block: technology, capacity utilisation, factor demands, capital and TFP.

Technology. Value added of sector ``s`` is Cobb-Douglas in capital *services* (installed capital
times its utilisation ``z``) and employment, normalised to 2018 so that no unobserved scale enters::

    VA = va_2018 * A * R * (z K / (z_2018 K_2018))^a * (E / E_2018)^(1 - a)

``a = 1 - labour_share`` (factor-cost shares from the HLJ 2007 input-output table, moved toward the
national shares of 2018), ``A`` is total factor productivity: one trend per sector (``tfp_growth``,
sourced from China's record, which includes the baseline's own public capital, R&D and digital
deepening) times ``national_productivity_factor`` (the productivity growth the national
labour-productivity projection needs beyond that record, shared by every region: competitiveness
block; it leaves HLJ's TFP relative to the rest of China's at the record ratio) times the effects
of what levers add on top (public capital, knowledge, digital adoption, finance depth, spillovers,
producer services), each exactly 1 without levers, and
``R`` a resource factor (Daqing crude output, energy sector only: depletion is not counted as TFP).

Output is demand-determined (the demand block turns final demand into output through the
input-output table) up to capacity. Given the demand for value added ``VA_d``, employment and
capital, the utilisation that produces it is::

    capacity_output = va_2018 A R (K / (z_2018 K_2018))^a (E / E_2018)^(1-a)      (value added at z = 1)
    z_d             = (VA_d / capacity_output)^(1/a)

``capacity_utilization`` is ``z_d`` below ``utilization_soft_cap`` and bends smoothly to 1 above
it; when it bends, value added falls short of demand and the shortfall (``unmet_demand``) is bought
outside HLJ (its cost shows up as delivery pressure on prices and market shares in the
competitiveness block).

Factor demands. Firms plan for expected *demand* (orders, ``VA_e``: smoothed value added demanded,
not the sales capacity allowed) at normal utilisation ``z_n`` with the cost-minimising technique for
the factor-price ratio ``omega = real wage / real user cost`` (2018 = 1)::

    desired_employment E* = E_2018 (VA_e / va_2018) / (A R) * omega^(-a)
    desired_capital    K* = K_2018 (z_2018 / z_n) (VA_e / va_2018) / (A R) * omega^(1 - a)

so that with ``E = E*`` and ``K = K*`` utilisation is exactly ``z_n``. Where labour is scarce,
vacancies raise the wage (labour-market block), omega rises and firms substitute capital for
labour; capacity pressure meanwhile raises prices and delivery delays (competitiveness block). Job positions adjust toward
``E*`` over ``employment_adjustment_time``; gross investment closes the capital gap over
``capital_adjustment_time`` and adds the expected growth of the desired stock (so capital does not
lag a growing target), never below zero::

    I = max(0, delta K + (K* - K) / T_K + g_K* K*) * credit rationing

where ``g_K*`` is the expected growth of the desired stock itself (demand growth plus capital
deepening as the wage/user-cost ratio rises)

Growth decomposition: ``ln(VA/va_2018) = ln(A) + ln(R) + a ln(zK / z_2018 K_2018) + (1-a) ln(E/E_2018)``
exactly for each sector (outputs ``tfp_contribution``, ``resource_contribution``,
``capital_contribution``, ``labour_contribution``). Money: 100m yuan at 2018 prices;
``gdp_nominal`` in current prices: value added x ``sector_price`` = national price level x HLJ's
value-added price relative to the rest of China (``value_added_price_relative``: the cost-based
price by double deflation, competitiveness block; delivery delays steer buyers but are nobody's
income) x the oil pass-through.
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, MONEY, MONEY_STOCK, PERSONS, S

G = "production"


def components() -> list:
    """Components of the production block."""
    return [
        # official mapping
        Aux("tertiary_weight", "1", "Share of each sector's value added counted as tertiary industry", S, G,
            equation="1 - primary_weight - secondary_weight"),
        Aux("gdp_real_2018", MONEY, "GDP in 2018 (sum of va_2018)", (), G, equation="sum(va_2018)"),
        Aux("capital_share", "1", "Output elasticity of capital services: 1 - labour share", S, G,
            equation="1 - labour_share"),
        Aux("capital_2018", MONEY_STOCK, "Installed capital stock in 2018", S, G,
            equation="capital_output_ratio_2018 * va_2018"),
        Aux("gross_output_2018", MONEY, "Gross output in 2018: value added / value-added ratio", S, G,
            equation="va_2018 / va_ratio"),
        # productivity
        Aux("tfp_trend", "1", "Trend TFP by sector (2018 = 1): one sourced growth rate per sector", S, G,
            equation="exp(tfp_growth * (time - initial_time))"),
        Aux("tfp", "1", "Total factor productivity by sector, 2018 = 1 (trend x the model's explicit channels)", S, G,
            equation="tfp_trend * national_productivity_factor * public_capital_tfp_effect * knowledge_tfp_effect"
                     " * digital_tfp_effect * finance_tfp_effect * spillover_tfp_effect * producer_services_tfp_effect"),
        Aux("tfp_aggregate", "1", "Value-added-weighted average TFP (2018 weights)", (), G,
            equation="sum(tfp * va_2018) / gdp_real_2018"),
        Aux("productivity", "1", "TFP x resource factor: output per unit of factor input, 2018 = 1", S, G,
            equation="tfp * resource_factor"),
        # factor prices
        Aux("expected_inflation", "1/yr", "Expected CPI inflation (smoothed)", (), G,
            equation="smooth(cpi_inflation, expectation_time)"),
        Aux("user_cost", "1/yr", "Real user cost of capital: lending rate - expected inflation + depreciation", S, G,
            equation="max(cost_of_capital - expected_inflation + depreciation_rate, 0.01)"),
        Aux("user_cost_2018", "1/yr", "Real user cost of capital in 2018", S, G, equation="init(user_cost)"),
        Aux("factor_price_ratio", "1", "Real wage / real user cost of capital, 2018 = 1 (omega)", S, G,
            equation="real_wage_index / (user_cost / user_cost_2018)"),
        # output and utilisation
        Aux("capacity_output", MONEY,
            "Value added the installed capital (at full utilisation) and current employment can produce", S, G,
            equation=f"va_2018 * productivity * (capital / max(utilization_2018 * capital_2018, {EPS})) ** capital_share"
                     f" * (employment / max(employment_2018, {EPS})) ** (1 - capital_share)"),
        Aux("utilization_demanded", "1",
            "Capital utilisation needed to produce the value added demanded with installed capital and employment", S, G,
            equation=f"(max(value_added_demanded, 0) / max(capacity_output, {EPS})) ** (1 / capital_share)"),
        Aux("capacity_utilization", "1",
            "Capital utilisation: as demanded below the soft cap, bending smoothly to 1 above it", S, G,
            equation="if_then_else(utilization_demanded <= utilization_soft_cap, utilization_demanded,"
                     " utilization_soft_cap + (1 - utilization_soft_cap)"
                     " * (1 - 2 / (exp(2 * (utilization_demanded - utilization_soft_cap)"
                     " / (1 - utilization_soft_cap)) + 1)))"),
        Aux("value_added", MONEY, "Value added by sector: demand, up to what capital and employment can produce", S, G,
            equation="if_then_else(utilization_demanded <= utilization_soft_cap, value_added_demanded,"
                     " capacity_output * capacity_utilization ** capital_share)"),
        Aux("unmet_demand", MONEY,
            "Value added demanded from HLJ producers that they cannot deliver (bought outside HLJ instead)", S, G,
            equation="max(value_added_demanded - value_added, 0)"),
        Aux("gross_output", MONEY, "Gross output by sector (value added / value-added ratio)", S, G,
            equation="value_added / va_ratio"),
        Aux("gdp_real", MONEY, "Regional GDP at 2018 prices (= sum of value added)", (), G, equation="sum(value_added)"),
        Aux("va_primary", MONEY, "Primary industry value added (official definition)", (), G,
            equation="sum(value_added * primary_weight)"),
        Aux("va_secondary", MONEY, "Secondary industry value added (official definition)", (), G,
            equation="sum(value_added * secondary_weight)"),
        Aux("va_tertiary", MONEY, "Tertiary industry value added (official definition)", (), G,
            equation="sum(value_added * tertiary_weight)"),
        Aux("sector_price", "1",
            "Value-added price by sector, 2018 = 1: national price level x HLJ's value-added price relative to the rest"
            " of China (unit cost, not delivery delays) x oil pass-through", S, G,
            equation="price_level * value_added_price_relative * oil_price_cny_index ** energy_price_passthrough"),
        Aux("value_added_nominal", "100m yuan/yr (current prices)", "Value added at current prices", S, G,
            equation="value_added * sector_price"),
        Aux("gdp_nominal", "100m yuan/yr (current prices)", "Regional GDP at current prices", (), G,
            equation="sum(value_added_nominal)"),
        Aux("gdp_deflator", "1",
            "Implicit GDP deflator, 2018 = 1 (the national price level where there is no output to price)", (), G,
            equation=f"if_then_else(gdp_real > {EPS}, gdp_nominal / max(gdp_real, {EPS}), price_level)"),
        Aux("gdp_per_capita", "10k yuan/person/yr (2018 prices)", "Real GDP per resident", (), G,
            equation=f"gdp_real / max(population, {EPS})"),
        Aux("expected_gdp_real", MONEY, "Expected (smoothed) real GDP used by spending decisions", (), G,
            equation="smooth(gdp_real, expectation_time, gdp_real_2018)"),
        Aux("expected_value_added", MONEY, "Expected (smoothed) value added by sector, the basis of factor demands", S, G,
            equation="smooth(value_added, expectation_time, va_2018)"),
        Aux("expected_demand", MONEY,
            "Expected (smoothed) demand for each sector's value added: what firms plan for (orders beyond 1.5 x what"
            " they can produce now are not planned for)", S, G,
            equation="smooth(min(value_added_demanded, 1.5 * capacity_output), expectation_time, va_2018)"),
        Aux("smoothed_desired_capital", MONEY_STOCK, "Desired capital as investors perceive it (smoothed)", S, G,
            equation="smooth(desired_capital, expectation_time)"),
        Aux("lagged_desired_capital", MONEY_STOCK, "Perceived desired capital smoothed once more: the base of its trend", S,
            G, equation="smooth(smoothed_desired_capital, expectation_time,"
                        " desired_capital / (1 + investment_net_growth_2018 * expectation_time))"),
        Aux("expected_capital_growth", "1/yr",
            "Expected growth rate of desired capital (demand growth plus capital deepening as wages rise)", S, G,
            equation=f"(smoothed_desired_capital / max(lagged_desired_capital, {EPS}) - 1) / expectation_time"),
        # factor demands
        Aux("desired_employment", PERSONS,
            "Labour demand (positions): cost-minimising employment for expected output at the current wage/user-cost ratio",
            S, G,
            equation=f"jobs_2018 * (expected_demand / va_2018) / max(productivity, {EPS})"
                     " * factor_price_ratio ** (-capital_share)"),
        Stock("jobs", PERSONS, "Job positions by sector (adjust with a delay toward labour demand)", S, G,
              initial="jobs_2018", inflows=("job_change",), non_negative=True),
        Flow("job_change", "10k persons/yr", "Net creation of positions: closes the gap to labour demand", S, G,
             equation="(desired_employment - jobs) / employment_adjustment_time"),
        Aux("desired_capital", MONEY_STOCK,
            "Desired capital: cost-minimising capital for expected demand at normal utilisation", S, G,
            equation="capital_2018 * (utilization_2018 / normal_utilization) * (expected_demand / va_2018)"
                     f" / max(productivity, {EPS}) * factor_price_ratio ** (1 - capital_share)"),
        Aux("private_investment", MONEY,
            "Gross private investment: replacement + gap closure + expected growth, limited by credit", S, G,
            equation="max(0, depreciation_rate * capital + (desired_capital - capital) / capital_adjustment_time"
                     " + max(expected_capital_growth, -depreciation_rate) * desired_capital)"
                     " * min(credit_availability, 1) ** credit_investment_elasticity"),
        Flow("investment", MONEY,
             "Gross investment by sector: private + projects induced by chain subsidies + relocated capital", S, G,
             equation="private_investment + industrial_chains_investment + relocated_capital_inflow"),
        Stock("capital", MONEY_STOCK, "Installed fixed capital by sector", S, G, initial="capital_2018",
              inflows=("investment",), outflows=("depreciation",), non_negative=True),
        Flow("depreciation", MONEY, "Physical depreciation of sector capital", S, G, equation="depreciation_rate * capital"),
        Aux("labour_productivity", "10k yuan/person/yr (2018 prices)", "Value added per employed person", S, G,
            equation=f"value_added / max(employment, {EPS})"),
        # growth decomposition (exact per sector)
        Aux("tfp_contribution", "1", "ln(tfp): TFP's contribution to ln(value_added / va_2018)", S, G,
            equation=f"ln(max(tfp, {EPS}))"),
        Aux("resource_contribution", "1", "ln(resource factor): depletion's contribution to ln(value_added / va_2018)", S,
            G, equation=f"ln(max(resource_factor, {EPS}))"),
        Aux("capital_contribution", "1",
            "a ln(z K / z_2018 K_2018): capital services' contribution to ln(value_added / va_2018)", S, G,
            equation=f"capital_share * ln(max(capacity_utilization * capital, {EPS})"
                     f" / max(utilization_2018 * capital_2018, {EPS}))"),
        Aux("labour_contribution", "1", "(1-a) ln(E / E_2018): employment's contribution to ln(value_added / va_2018)",
            S, G, equation=f"(1 - capital_share) * ln(max(employment, {EPS}) / max(employment_2018, {EPS}))"),
        # public capital: the baseline's is part of the TFP trend; what levers add raises TFP
        Aux("public_capital_2018", MONEY_STOCK, "Public capital in 2018", (), G,
            equation="public_capital_output_ratio_2018 * gdp_real_2018"),
        Stock("public_capital", MONEY_STOCK, "Public infrastructure capital built by baseline public investment", (), G,
              initial="public_capital_2018", inflows=("public_capital_formation",),
              outflows=("public_capital_depreciation",), non_negative=True),
        Flow("public_capital_formation", MONEY, "Baseline public infrastructure investment", (), G,
             equation="public_investment"),
        Flow("public_capital_depreciation", MONEY, "Depreciation of public capital", (), G,
             equation="public_capital_depreciation_rate * public_capital"),
        Stock("lever_public_capital", MONEY_STOCK, "Public capital added by levers (port feeder links)", (), G,
              initial=0.0, inflows=("lever_public_capital_formation",),
              outflows=("lever_public_capital_depreciation",), non_negative=True),
        Flow("lever_public_capital_formation", MONEY,
             "Public capital built by the port lever (feeder roads, rail links), after the construction delay", (), G,
             equation="delay3(port_investment_public_capital_share * spending_port_investment"
                      " * port_investment_works_per_yuan, port_investment_construction_delay, 0)"),
        Flow("lever_public_capital_depreciation", MONEY, "Depreciation of lever-built public capital", (), G,
             equation="public_capital_depreciation_rate * lever_public_capital"),
        Aux("public_capital_tfp_effect", "1",
            "TFP effect of the public capital levers add (Bom & Ligthart elasticity); 1 without levers", (), G,
            equation=f"((public_capital + lever_public_capital) / max(public_capital, {EPS})) ** public_capital_elasticity"),
    ]
