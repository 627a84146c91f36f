"""Production block: value added, capital, employment, TFP, public capital.

Technology (per sector ``s``, normalised to 2018 so no unobserved scale enters)::

    potential_output = va_2018 * tfp * (capital / capital_2018)^alpha
                       * (employment * labour_augmentation / employment_2018)^(1 - alpha)
    value_added      = min(potential_output, sector_demand)

so zero capital or zero labour gives zero output, and output cannot exceed what is
bought (demand block). ``tfp`` is arrayed by sector: an exogenous trend (common +
sector offset, depletion in energy) times the model's explicit TFP channels
(public capital, R&D knowledge, digital coverage, finance depth, supplier
spillovers, industrial chains, producer services). Employment is demand-determined:
job positions adjust with a delay (``employment_adjustment_time``) toward labour demand::

    desired_employment = jobs_2018 * (sector_demand / va_2018)^employment_elasticity
                         * exp(-(labour_shedding_rate + labour_shedding_common) * t)

(firms hire for the output they can sell, so a sector whose capacity binds hires to
expand it); positions are filled from the labour force with unemployment softly
floored at the frictional rate (labour block), and ``employment`` by sector is
positions x fill rate. Money: 100m yuan at 2018 prices;
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
            equation="exp((labour_shedding_rate + labour_shedding_common) * (time - initial_time))"),
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
        # employment: positions (jobs) adjust with a delay toward labour demand; filled employment is the labour
        # force less unemployment (labour block), shared across sectors in proportion to positions
        Aux("jobs_2018", PERSONS, "Job positions in 2018: employment plus the frictional vacancies of the soft floor", S, G,
            equation="employment_2018 * (1 - job_gap_2018) / (1 - unemployment_rate_2018)"),
        Stock("jobs", PERSONS, "Job positions by sector (adjust with a delay toward labour demand)", S, G,
              initial="jobs_2018", inflows=("job_change",), non_negative=True),
        Flow("job_change", "10k persons/yr", "Net creation of positions: closes the gap to labour demand", S, G,
             equation="(desired_employment - jobs) / employment_adjustment_time"),
        Aux("output_for_hiring", MONEY,
            "Output firms hire for: the demand for the sector's output (above value added where capacity binds)", S, G,
            equation="max(sector_demand, 0)"),
        Aux("desired_employment", PERSONS,
            "Labour demand (positions): output elasticity and trend labour shedding (labour productivity growth)", S, G,
            equation=f"jobs_2018 * (output_for_hiring / max(va_2018, {EPS})) ** employment_elasticity"
                     " * exp(-(labour_shedding_rate + labour_shedding_common) * (time - initial_time))"),
        Aux("fill_rate", "1", "Share of positions filled: employment_total / positions (< 1 near the frictional floor)",
            (), G, equation=f"employment_total / max(sum(jobs), {EPS})"),
        Aux("employment", PERSONS,
            "Employment by sector: positions filled (= jobs x fill_rate, written relative to 2018 so it starts exactly"
            " at employment_2018)", S, G,
            equation=f"employment_2018 * (jobs / max(jobs_2018, {EPS})) * (fill_rate / max(init(fill_rate), {EPS}))"),
        Aux("vacancies", PERSONS, "Unfilled positions", (), G, equation="sum(jobs) - employment_total"),
        Aux("labour_productivity", "10k yuan/person/yr (2018 prices)", "Value added per employed person", S, G,
            equation=f"value_added / max(employment, {EPS})"),
        # public capital
        Aux("public_capital_2018", MONEY_STOCK, "Public capital in 2018", (), G,
            equation="public_capital_output_ratio_2018 * gdp_real_2018"),
        Stock("public_capital", MONEY_STOCK, "Public infrastructure capital", (), G, initial="public_capital_2018",
              inflows=("public_investment",), outflows=("public_capital_depreciation",), non_negative=True),
        Flow("public_investment", MONEY,
             "Public infrastructure investment (budget-financed + off-budget, demand block, + port feeder links)", (), G,
             equation="public_investment_demand + port_investment_public_capital_share * spending_port_investment"),
        Flow("public_capital_depreciation", MONEY, "Depreciation of public capital", (), G,
             equation="public_capital_depreciation_rate * public_capital"),
        Aux("public_capital_tfp_effect", "1", "TFP effect of public capital (Bom & Ligthart elasticity)", (), G,
            equation="(public_capital / public_capital_2018) ** public_capital_elasticity"),
    ]
