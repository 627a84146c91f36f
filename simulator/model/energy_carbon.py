"""Energy and carbon block: Daqing depletion, the crude pipeline's capacity, CO2 by sector, a carbon cost.

Daqing crude output follows a sourced path: the recorded output to 2023 and a plateau at 30 Mt/yr
until ``daqing_plateau_end_year``, then a decline at ``daqing_decline_rate`` (mature-field decline
rates, IEA). The extraction part of the energy sector (``energy_extraction_share`` of its 2018 value
added) is limited by it: the energy sector's capacity carries a resource factor
``R = (daqing_output / daqing_output_2018)^energy_extraction_share`` (1 in other sectors), so
depletion lowers capacity without being counted as TFP.

Crude imported by the Russia-China pipeline through Mohe is at most the pipeline's capacity
(``russia_crude_pipeline_capacity``, 30 Mt/yr since 2018; a new line is a scenario that changes the
series); the trade block caps pipeline crude imports at it. Power of Siberia gas follows its
delivery schedule (driver ``russia_gas_pipeline``).

CO2 (CEADs sectoral approach, Scope 1) by sector is the 2019 inventory scaled by real value added
relative to 2019 and an intensity that falls at a sourced rate; household emissions scale with
population::

    co2_s = co2_2019_s * (VA_s / VA_s,2019) * exp(-d_s (t - 2019)),  VA_s,2019 = va_2018 (1 + g_2019)

A regional carbon price (scenario hook ``regional_carbon_price``, yuan/t, default 0: HLJ pays the
national ETS price like the rest of China, so only a price of its own changes relative costs) and an
optional emissions cap (``carbon_cap``, Mt/yr; above it a shadow price rises) add to HLJ's unit
costs relative to the rest of China in proportion to each sector's emissions per yuan of output and
``carbon_cost_passthrough``.
"""

from __future__ import annotations

from ..engine import Aux, Constant, Flow, Stock
from ._base import EPS, S, selector

G = "energy_carbon"
MT = "Mt CO2/yr"


def components() -> list:
    """Components of the energy and carbon block."""
    return [
        Constant("carbon_cost_conversion", units="100m yuan*t/yuan/Mt/CO2", group="structure",
                 doc="Unit conversion: 1 Mt of CO2 at 1 yuan/t costs 0.01 (100m yuan)", value=0.01),
        selector("is_energy", "sector", ("energy_petrochem",), "1 for the energy & petrochemicals sector"),
        Aux("daqing_crude_output", "Mt/yr", "Daqing crude output: recorded path, plateau, then decline", (), G,
            equation="daqing_crude_output_history"
                     " * exp(-daqing_decline_rate * max(0, time - daqing_plateau_end_year))"),
        Aux("daqing_index", "1", "Daqing crude output relative to 2018", (), G,
            equation=f"daqing_crude_output / max(init(daqing_crude_output), {EPS})"),
        Aux("resource_factor", "1", "Resource limit on capacity: Daqing depletion (energy sector only), 2018 = 1", S, G,
            equation=f"max(daqing_index, {EPS}) ** (energy_extraction_share * is_energy)"),
        Aux("pipeline_capacity_index", "1", "Crude pipeline capacity relative to 2018", (), G,
            equation=f"russia_crude_pipeline_capacity / max(init(russia_crude_pipeline_capacity), {EPS})"),
        # carbon
        Aux("co2_reference_output", "100m yuan/yr (2018 prices)", "Value added in 2019 the CEADs inventory refers to",
            S, G, equation="va_2018 * (1 + hlj_gdp_growth_2019)"),
        Aux("co2_by_sector", MT, "CO2 emissions by sector (CEADs sectoral approach, Scope 1)", S, G,
            equation=f"co2_2019_by_sector * value_added / max(co2_reference_output, {EPS})"
                     " * exp(-co2_intensity_decline * (time - 2019))"),
        Aux("co2_households", MT, "CO2 emissions of households (heating and fuel)", (), G,
            equation=f"co2_2019_households * population / max(population_2018, {EPS})"
                     " * exp(-co2_household_decline * (time - 2019))"),
        Aux("co2_emissions", MT, "Total CO2 emissions of HLJ (sectors + households)", (), G,
            equation="sum(co2_by_sector) + co2_households"),
        Stock("carbon_shadow_price", "yuan/t", "Shadow price of an emissions cap: rises while emissions exceed it", (), G,
              initial=0.0, inflows=("carbon_shadow_price_change",), non_negative=True),
        Flow("carbon_shadow_price_change", "yuan/t/yr", "Change of the cap's shadow price", (), G,
             equation=f"carbon_price_adjustment * (co2_emissions / max(carbon_cap, {EPS}) - 1)"
                      " * if_then_else(co2_emissions > carbon_cap, 1, if_then_else(carbon_shadow_price > 0, 1, 0))"),
        Aux("regional_carbon_cost", "yuan/t", "Carbon cost HLJ pays beyond the rest of China: regional price + cap", (), G,
            equation="regional_carbon_price + carbon_shadow_price"),
        Aux("carbon_cost_share", "1",
            "Regional carbon cost as a share of each sector's output value (passed through to prices)", S, G,
            equation=f"carbon_cost_passthrough * regional_carbon_cost * co2_by_sector * carbon_cost_conversion"
                     f" / max(gross_output * price_level, {EPS})"),
    ]
