"""External conditions and shocks: exogenous drivers a scenario may replace by name.

Time series (from ``data/drivers/*.csv``): ``china_gdp_growth``, ``oil_price``,
``usd_cny``, ``interest_rate``, ``cpi_inflation``, ``china_population``,
``russia_import_demand``, ``china_export_market``, ``russia_gas_pipeline``,
``trade_diversion_to_russia``, ``china_exports_to_russia``, ``china_labour_productivity_growth``,
``china_real_wage_growth``, ``china_tfp_growth`` (the rest-of-China paths HLJ competes against),
``daqing_crude_output_history``, ``russia_crude_pipeline_capacity``. Scenario hooks that default to 1
in every year: ``border_capacity_multiplier`` (pandemic / border closure: multiplies the usable
border-port capacity), ``russia_demand_multiplier`` (Russia's demand for HLJ exports) and
``labour_supply_multiplier``; ``regional_carbon_price`` (default 0) and ``carbon_cap`` (default none).
Derived: the price level, China's real GDP, labour-productivity and real-wage indices and the oil
price in yuan.
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import driver, flat_series

G = "external"


def components() -> list:
    """Components of the external-conditions block."""
    return [
        driver("china_gdp_growth", "China real GDP growth rate (rate of year Y placed at Y-0.5)", "1/yr", shift=-0.5),
        driver("oil_price", "Brent crude oil price, annual average", "USD/bbl"),
        driver("usd_cny", "Exchange rate, annual average", "CNY/USD"),
        driver("interest_rate", "National 1-year loan prime rate", "1/yr"),
        driver("cpi_inflation", "Consumer price inflation (rate of year Y placed at Y-0.5)", "1/yr", shift=-0.5),
        driver("china_population", "China resident population, year-end", "10k persons"),
        driver("russia_import_demand", "Russia's real import demand, index 2018 = 1", "1"),
        driver("china_export_market", "China's real goods exports (market for HLJ's non-Russian exports), 2018 = 1", "1"),
        driver("russia_gas_pipeline", "Power of Siberia gas deliveries entering China at Heihe", "bcm/yr"),
        driver("trade_diversion_to_russia",
               "Sanctions-era diversion of Russia's exports (crude, goods) toward China, raising HLJ's imports from Russia"
               " (fraction)", "1"),
        driver("china_exports_to_russia",
               "China's real goods exports to Russia (market for HLJ's exports to Russia, incl. the sanctions-era boom),"
               " 2018 = 1", "1"),
        driver("china_labour_productivity_growth", "Growth of China's real GDP per employed person (rate of year Y at Y-0.5)",
               "1/yr", shift=-0.5),
        driver("china_real_wage_growth", "Real growth of China's average wage (rate of year Y placed at Y-0.5)", "1/yr",
               shift=-0.5),
        driver("china_tfp_growth", "Rest-of-China TFP growth (rate of year Y placed at Y-0.5)", "1/yr", shift=-0.5),
        driver("daqing_crude_output_history", "Daqing crude output: recorded, then the 30 Mt/yr plateau held flat", "Mt/yr"),
        driver("russia_crude_pipeline_capacity", "Russia-China crude pipeline capacity through Mohe", "Mt/yr"),
        flat_series("labour_supply_multiplier", 1.0,
                    "Scenario hook: multiplier on labour supply (shock labour_supply; 1 = as the population block says)"),
        flat_series("regional_carbon_price", 0.0,
                    "Scenario hook: carbon price HLJ pays beyond the national ETS price (yuan/t; 0 = none)", "yuan/t"),
        flat_series("carbon_cap", 1e9, "Scenario hook: cap on HLJ's CO2 emissions (Mt/yr; 1e9 = no cap)", "Mt CO2/yr"),
        flat_series("border_capacity_multiplier", 1.0,
                    "Scenario hook: multiplier on usable border-port capacity (pandemic closure 2020-2022 is a"
                         " scenario; 1 = open)"),
        flat_series("russia_demand_multiplier", 1.0,
                    "Scenario hook: multiplier on Russia's demand for HLJ exports (1 = drivers as given)"),
        Stock("price_level", "1", "General price level (CPI-based), 2018 = 1", group=G, initial=1.0,
              inflows=("price_inflation",), non_negative=True),
        Flow("price_inflation", "1/yr", "Change of the price level", group=G, equation="cpi_inflation * price_level"),
        Stock("china_gdp_index", "1", "China real GDP, index 2018 = 1", group=G, initial=1.0,
              inflows=("china_gdp_increase",), non_negative=True),
        Flow("china_gdp_increase", "1/yr", "Growth of China's real GDP index", group=G,
             equation="china_gdp_growth * china_gdp_index"),
        Aux("china_population_index", "1", "China population relative to the start year", group=G,
            equation="china_population / init(china_population)"),
        Aux("china_gdp_per_capita_index", "1", "China real GDP per capita, index 2018 = 1", group=G,
            equation="china_gdp_index / china_population_index"),
        Stock("china_labour_productivity_index", "1", "China's real GDP per employed person, index 2018 = 1", group=G,
              initial=1.0, inflows=("china_labour_productivity_increase",)),
        Flow("china_labour_productivity_increase", "1/yr", "Growth of China's labour productivity index", group=G,
             equation="china_labour_productivity_growth * china_labour_productivity_index"),
        Stock("china_real_wage_index", "1", "China's real average wage, index 2018 = 1", group=G, initial=1.0,
              inflows=("china_real_wage_increase",)),
        Flow("china_real_wage_increase", "1/yr", "Growth of China's real wage index", group=G,
             equation="china_real_wage_growth * china_real_wage_index"),
        Aux("oil_price_cny_index", "1", "Oil price in yuan relative to the start year", group=G,
            equation="oil_price * usd_cny / (init(oil_price) * init(usd_cny))"),
    ]
