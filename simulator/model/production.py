"""Production block: value added, capital, employment, TFP, public capital.

Technology (per sector ``s``, normalised to 2018 so no unobserved scale enters)::

    potential_output = va_2018 * tfp * (capital / capital_2018)^alpha
                       * (employment * labour_augmentation / employment_2018)^(1 - alpha)
    value_added      = min(potential_output, sector_demand)

so zero capital or zero labour gives zero output, and output cannot exceed what is
bought (demand block). ``tfp`` is arrayed by sector: an exogenous trend (common +
sector offset, depletion in energy) times the model's explicit TFP channels
(public capital, R&D knowledge, digital coverage, finance depth, supplier
spillovers, industrial chains, producer services). Job positions adjust with a delay
toward desired employment (output elasticity ``employment_elasticity``, trend
labour shedding); filled ``employment`` is bounded at once by the labour force
(less frictional unemployment). Money: 100m yuan at 2018 prices;
``gdp_nominal`` in current prices.
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
        Aux("capital_2018", MONEY_STOCK, "Capital stock in 2018", S, G, equation="capital_output_ratio_2018 * va_2018"),
        # TFP
        Aux("tfp_trend", "1", "Exogenous TFP trend (2018 = 1)", S, G,
            equation="exp((tfp_growth_common + tfp_growth_sector_offset) * (time - initial_time))"),
        Aux("tfp", "1", "Total factor productivity by sector, 2018 = 1 (trend x explicit channels)", S, G,
            equation="tfp_trend * public_capital_tfp_effect * knowledge_tfp_effect * digital_tfp_effect"
                     " * finance_tfp_effect * spillover_tfp_effect * industrial_chains_tfp_effect"
                     " * producer_services_tfp_effect"),
        Aux("tfp_aggregate", "1", "Value-added-weighted average TFP (2018 weights)", (), G,
            equation="sum(tfp * va_2018) / gdp_real_2018"),
        # output
        Aux("potential_output", MONEY, "Supply capacity: Cobb-Douglas in capital and employment, normalised to 2018", S, G,
            equation=f"va_2018 * tfp * (capital / max(capital_2018, {EPS})) ** capital_share"
                     f" * (employment * labour_augmentation / max(employment_2018, {EPS})) ** (1 - capital_share)"),
        Aux("labour_augmentation", "1", "Labour-augmenting technical change that accompanies trend labour shedding", S, G,
            equation="exp(labour_shedding_rate * (time - initial_time))"),
        Aux("value_added", MONEY, "Value added by sector: the smaller of supply capacity and demand", S, G,
            equation="max(min(potential_output, sector_demand), 0)"),
        Aux("capacity_utilization", "1", "Value added / potential output", S, G,
            equation=f"value_added / max(potential_output, {EPS})"),
        Aux("gdp_real", MONEY, "Regional GDP at 2018 prices (= sum of value added)", (), G, equation="sum(value_added)"),
        Aux("va_primary", MONEY, "Primary industry value added (official definition)", (), G,
            equation="sum(value_added * primary_weight)"),
        Aux("va_secondary", MONEY, "Secondary industry value added (official definition)", (), G,
            equation="sum(value_added * secondary_weight)"),
        Aux("va_tertiary", MONEY, "Tertiary industry value added (official definition)", (), G,
            equation="sum(value_added * tertiary_weight)"),
        Aux("sector_price", "1", "Output price by sector, 2018 = 1 (CPI level x oil pass-through)", S, G,
            equation="price_level * oil_price_cny_index ** energy_price_passthrough"),
        Aux("value_added_nominal", "100m yuan/yr (current prices)", "Value added at current prices", S, G,
            equation="value_added * sector_price"),
        Aux("gdp_nominal", "100m yuan/yr (current prices)", "Regional GDP at current prices", (), G,
            equation="sum(value_added_nominal)"),
        Aux("gdp_deflator", "1", "Implicit GDP deflator, 2018 = 1", (), G, equation=f"gdp_nominal / max(gdp_real, {EPS})"),
        Aux("gdp_per_capita", "10k yuan/person/yr (2018 prices)", "Real GDP per resident", (), G,
            equation=f"gdp_real / max(population, {EPS})"),
        Aux("expected_gdp_real", MONEY, "Expected (smoothed) real GDP used by spending decisions", (), G,
            equation="smooth(gdp_real, expectation_time, gdp_real_2018)"),
        Aux("expected_value_added", MONEY, "Expected (smoothed) value added by sector", S, G,
            equation="smooth(value_added, expectation_time, va_2018)"),
        # capital
        Stock("capital", MONEY_STOCK, "Fixed capital stock by sector", S, G, initial="capital_2018",
              inflows=("investment",), outflows=("depreciation",), non_negative=True),
        Flow("depreciation", MONEY, "Physical depreciation of sector capital", S, G, equation="depreciation_rate * capital"),
        # employment: positions (jobs) adjust with a delay; filled employment is bounded by the labour force
        Stock("jobs", PERSONS, "Job positions by sector (adjust with a delay toward labour demand)", S, G,
              initial="employment_2018", inflows=("job_change",), non_negative=True),
        Flow("job_change", "10k persons/yr", "Net creation of positions: closes the gap to desired employment", S, G,
             equation="(desired_employment - jobs) / employment_adjustment_time"),
        Aux("employment", PERSONS, "Employment by sector: positions filled, limited by the labour force", S, G,
            equation="jobs * labour_supply_factor"),
        Aux("desired_employment", PERSONS, "Labour demand: output elasticity and trend labour shedding", S, G,
            equation=f"employment_2018 * (value_added / max(va_2018, {EPS})) ** employment_elasticity"
                     " * exp(-labour_shedding_rate * (time - initial_time))"),
        Aux("labour_supply_factor", "1", "Share of job positions the labour force can fill (frictional unemployment floor)",
            (), G,
            equation=f"min(1, labour_force * (1 - frictional_unemployment) / max(sum(jobs), {EPS}))"),
        Aux("vacancies", PERSONS, "Unfilled positions", (), G, equation="sum(jobs) - employment_total"),
        Aux("employment_total", PERSONS, "Total employment (= sum over sectors)", (), G, equation="sum(employment)"),
        Aux("labour_productivity", "10k yuan/person/yr (2018 prices)", "Value added per employed person", S, G,
            equation=f"value_added / max(employment, {EPS})"),
        # public capital
        Aux("public_capital_2018", MONEY_STOCK, "Public capital in 2018", (), G,
            equation="public_capital_output_ratio_2018 * gdp_real_2018"),
        Stock("public_capital", MONEY_STOCK, "Public infrastructure capital", (), G, initial="public_capital_2018",
              inflows=("public_investment",), outflows=("public_capital_depreciation",), non_negative=True),
        Flow("public_investment", MONEY, "Public infrastructure investment (baseline share of GDP + port feeder links)", (), G,
             equation="public_investment_share * expected_gdp_real"
                      " + port_investment_public_capital_share * spending_port_investment"),
        Flow("public_capital_depreciation", MONEY, "Depreciation of public capital", (), G,
             equation="public_capital_depreciation_rate * public_capital"),
        Aux("public_capital_tfp_effect", "1", "TFP effect of public capital (Bom & Ligthart elasticity)", (), G,
            equation="(public_capital / public_capital_2018) ** public_capital_elasticity"),
    ]
