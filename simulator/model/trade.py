"""Trade block: exports and imports by partner, border-port capacity, trade costs.

Real flows (2018 prices) by partner ``p``::

    desired_exports = exports_2018 * partner_demand^e_d * export_competitiveness * cost_factor
    partner_demand  = [china_exports_to_russia, china_export_market x BRI premium, china_export_market]

HLJ's exports to Russia compete with other Chinese suppliers for the market China as a whole
sells to Russia (``china_exports_to_russia``: China Customs, real, 2018 = 1; +33% in 2021, +13%
in 2022, +47% in 2023 in USD, the sanctions-era replacement of Western suppliers), just as its
other exports share China's export market; HLJ's share of either market moves with its unit
costs relative to the rest of China (``export_competitiveness``, competitiveness block: Armington
elasticity ``armington_elasticity_foreign``) and its trade costs (``trade_cost_volume_factor``).
The sanctions-era diversion of Russia's own exports toward China (``trade_diversion_to_russia``)
raises imports from Russia only: on the export side it is part of China's exports to Russia.
    desired_imports = imports_2018 * (1 - pipeline share) * absorption_index * cost_factor
    pipeline_crude  = imports_2018 * energy_share * pipeline_share_of_energy_imports
                      * min(energy_absorption x diversion, pipeline capacity / 2018 capacity)
    cost_factor     = trade_cost_index^sigma * exp(-b * border_share * (clearance_days - days_2018))

Pipeline crude (Mohe-Daqing) and pipeline gas (Power of Siberia) bypass the border ports: they
are not limited by port capacity, not scaled by ``border_capacity_multiplier`` (a border
closure) and not charged port trade costs.

with ``sigma = trade_cost_elasticity`` (Limão & Venables) and ``b`` the per-day
effect (Djankov, Freund & Pham). The border share of each flow must pass the
border-port/corridor capacity (a stock built with a construction delay): a smooth
minimum ``throughput = demand / (1 + (demand/capacity)^n)^(1/n)`` (normalised to
2018) limits it, and congestion (perceived utilisation^4) raises trade costs.
Current-yuan values: exports x price level; imports x (energy share x oil price in
yuan + rest x price level).
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, MONEY, P, selector

G = "trade"
CUR = "100m yuan/yr (current prices)"


def components() -> list:
    """Components of the trade block."""
    return [
        selector("is_russia", "partner", ("russia",), "1 for Russia"),
        selector("is_other_bri", "partner", ("other_bri",), "1 for other Belt and Road partners"),
        selector("is_rest_of_world", "partner", ("rest_of_world",), "1 for the rest of the world"),
        # prices
        Aux("export_price_index", "1", "Export price index, 2018 = 1", (), G, equation="price_level"),
        Aux("import_price_index", "1", "Import price index by partner (energy share follows the oil price in yuan)", P, G,
            equation="energy_share_of_imports * oil_price_cny_index + (1 - energy_share_of_imports) * price_level"),
        # capacity and costs
        Aux("pipeline_import_share", "1", "Share of each partner's 2018 imports arriving by crude pipeline", P, G,
            equation="energy_share_of_imports * pipeline_share_of_energy_imports"),
        Aux("border_trade_2018", MONEY, "Trade crossing HLJ's border ports in 2018 (pipelines excluded)", (), G,
            equation="sum(border_share * (exports_2018_by_partner + imports_2018_by_partner * (1 - pipeline_import_share)))"),
        Aux("port_capacity_2018", MONEY, "Border-port/corridor capacity in 2018", (), G,
            equation="border_trade_2018 / port_utilization_2018"),
        Aux("perceived_port_utilization", "1", "Utilisation as perceived by traders (smoothed)", (), G,
            equation="smooth(port_utilization, 0.5, port_utilization_2018)"),
        Aux("congestion_cost", "1", "Trade-cost mark-up from congestion relative to 2018", (), G,
            equation="congestion_cost_coefficient * (perceived_port_utilization ** 4 - port_utilization_2018 ** 4)"),
        Aux("border_cost_factor", "1", "Border trade-cost factor: infrastructure and congestion, 2018 = 1", (), G,
            equation=f"(max(port_capacity, {EPS}) / port_capacity_2018) ** (-infrastructure_trade_cost_elasticity)"
                     " * (1 + congestion_cost)"),
        Aux("trade_cost_index", "1", "Trade-cost index by partner, 2018 = 1", P, G,
            equation="((1 - border_share) + border_share * border_cost_factor) * (1 - ftz_trade_cost_reduction)"),
        Aux("clearance_days", "day", "Border clearance time", (), G,
            equation="clearance_days_2018 * (1 - ftz_clearance_reduction)"),
        Aux("trade_cost_volume_factor", "1", "Effect of trade costs and clearance time on volumes, 2018 = 1", P, G,
            equation="trade_cost_index ** trade_cost_elasticity"
                     " * exp(-delay_trade_semi_elasticity * border_share * (clearance_days - clearance_days_2018))"),
        # demand for trade
        Aux("china_share_of_russia_imports_index", "1",
            "China's share of Russia's imports relative to 2018 (China's exports to Russia / Russia's import demand)",
            (), G, equation=f"china_exports_to_russia / max(russia_import_demand, {EPS})"),
        Aux("partner_demand_index", "1",
            "Partner import demand index (Russia: China's exports to Russia, which carry the sanctions-era diversion, x shocks)",
            P, G,
            equation="is_russia * russia_import_demand * china_share_of_russia_imports_index * russia_demand_multiplier"
                     " + is_other_bri * china_export_market * exp(bri_growth_premium * (time - initial_time))"
                     " + is_rest_of_world * china_export_market"),
        Aux("export_supply_index", "1",
            "HLJ's share of its partners' markets: relative unit cost against the rest of China (Armington) x"
            " export participation", (), G,
            equation="export_competitiveness * (1 + ftz_participation_gain)"),
        Aux("desired_exports_real", MONEY, "Exports demanded by partner before the border-capacity limit", P, G,
            equation="exports_2018_by_partner * partner_demand_index ** partner_demand_elasticity"
                     " * export_supply_index * trade_cost_volume_factor"),
        Aux("energy_import_absorption", "1", "Absorption of energy imports: petrochemical feedstock demand, 2018 = 1", (), G,
            equation="(expected_value_added['energy_petrochem'] / va_2018['energy_petrochem']) ** import_absorption_elasticity"),
        Aux("other_import_absorption", "1", "Absorption of other imports: regional GDP, 2018 = 1", (), G,
            equation="(expected_gdp_real / gdp_real_2018) ** import_absorption_elasticity"),
        Aux("import_demand_index", "1",
            "Absorption of non-pipeline imports (energy by rail/road and other goods), plus diversion, 2018 = 1", P, G,
            equation=f"(energy_share_of_imports * (1 - pipeline_share_of_energy_imports) * energy_import_absorption"
                     " + (1 - energy_share_of_imports) * other_import_absorption)"
                     f" / max(1 - pipeline_import_share, {EPS}) * (1 + is_russia * trade_diversion_to_russia)"),
        Aux("desired_imports_real", MONEY, "Non-pipeline imports demanded by partner before the border-capacity limit", P, G,
            equation="imports_2018_by_partner * (1 - pipeline_import_share) * import_demand_index * trade_cost_volume_factor"),
        Aux("pipeline_crude_demand_index", "1",
            "Crude wanted through the pipeline relative to 2018: feedstock demand and the sanctions-era diversion", P, G,
            equation="energy_import_absorption * (1 + is_russia * trade_diversion_to_russia)"),
        Aux("pipeline_crude_imports_real", MONEY,
            "Crude imports by pipeline (Mohe-Daqing; 2018 prices): feedstock demand up to the pipeline's capacity (full"
            " in 2018), outside port capacity and port costs", P, G,
            equation="imports_2018_by_partner * pipeline_import_share"
                     " * min(pipeline_crude_demand_index, pipeline_capacity_index)"),
        Aux("border_trade_demand", MONEY, "Trade that would cross HLJ's border ports", (), G,
            equation="sum(border_share * (desired_exports_real + desired_imports_real))"),
        Aux("effective_port_capacity", MONEY,
            "Usable port capacity: capacity x border_capacity_multiplier (pipelines are outside it)", (), G,
            equation="port_capacity * border_capacity_multiplier"),
        Aux("capacity_ratio", "1", "Border trade demand / usable capacity", (), G,
            equation=f"min(border_trade_demand / max(effective_port_capacity, {EPS}), 1e6)"),
        Aux("border_flow_factor", "1", "Share of border trade demand that gets through (smooth minimum, 2018 = 1)", (), G,
            equation="((1 + port_utilization_2018 ** capacity_constraint_sharpness)"
                     " / (1 + capacity_ratio ** capacity_constraint_sharpness)) ** (1 / capacity_constraint_sharpness)"),
        Aux("flow_factor", "1", "Share of each partner's trade demand realised", P, G,
            equation="(1 - border_share) + border_share * border_flow_factor"),
        # realised flows
        Aux("exports_real_by_partner", MONEY, "Exports by partner, 2018 prices", P, G,
            equation="desired_exports_real * flow_factor"),
        Aux("gas_imports_real", MONEY, "Pipeline gas imports from Russia recorded in HLJ (2018 prices; outside port capacity)",
            (), G,
            equation="russia_gas_pipeline * russia_gas_value_per_bcm * russia_gas_hlj_share"),
        Aux("imports_real_by_partner", MONEY, "Imports by partner, 2018 prices (incl. pipeline crude and gas)", P, G,
            equation="desired_imports_real * flow_factor + pipeline_crude_imports_real + is_russia * gas_imports_real"),
        Aux("exports_real", MONEY, "Exports, 2018 prices", (), G, equation="sum(exports_real_by_partner)"),
        Aux("imports_real", MONEY, "Imports, 2018 prices", (), G, equation="sum(imports_real_by_partner)"),
        Aux("border_throughput", MONEY, "Trade crossing HLJ's border ports (2018 prices; pipeline crude and gas excluded)", (), G,
            equation="sum(border_share * (desired_exports_real + desired_imports_real) * flow_factor)"),
        Aux("port_utilization", "1", "Border throughput / usable capacity", (), G,
            equation=f"min(1, border_throughput / max(effective_port_capacity, {EPS}))"),
        Aux("exports_by_partner", CUR, "Exports by partner at current prices", P, G,
            equation="exports_real_by_partner * export_price_index"),
        Aux("imports_by_partner", CUR, "Imports by partner at current prices (pipeline gas priced off oil)", P, G,
            equation="(imports_real_by_partner - is_russia * gas_imports_real) * import_price_index"
                     " + is_russia * gas_imports_real * oil_price_cny_index"),
        Aux("exports", CUR, "Exports at current prices (= sum over partners)", (), G, equation="sum(exports_by_partner)"),
        Aux("imports", CUR, "Imports at current prices (= sum over partners)", (), G, equation="sum(imports_by_partner)"),
        Aux("trade_total", CUR, "Exports + imports at current prices", (), G, equation="exports + imports"),
        Aux("trade_balance", CUR, "Exports - imports at current prices", (), G, equation="exports - imports"),
        Aux("russia_trade_share", "1", "Share of Russia in total trade (current prices)", (), G,
            equation=f"(exports_by_partner['russia'] + imports_by_partner['russia']) / max(trade_total, {EPS})"),
        # capacity stock
        Stock("port_capacity", MONEY, "Border-port/corridor capacity (trade volume per year at 2018 prices)", (), G,
              initial="port_capacity_2018", inflows=("port_capacity_completion",),
              outflows=("port_capacity_depreciation",), non_negative=True),
        Aux("expected_capacity_pressure", "1", "Planners' expected demand / capacity", (), G,
            equation=f"smooth(border_trade_demand / max(port_capacity, {EPS}), expectation_time, port_utilization_2018)"),
        Aux("baseline_port_starts", "100m yuan/yr/yr", "Capacity put under construction by baseline planning", (), G,
            equation="port_capacity * (port_depreciation_rate"
                     " + max(0, expected_capacity_pressure / port_utilization_2018 - 1) / port_planning_time)"),
        Aux("baseline_port_completion", "100m yuan/yr/yr", "Baseline capacity completed after the construction delay", (), G,
            equation="delay3(baseline_port_starts, port_construction_delay)"),
        Aux("lever_port_affordable", "100m yuan/yr/yr", "Capacity the port spending would buy at the base unit cost", (), G,
            equation="spending_port_investment * (1 - port_investment_public_capital_share) / port_investment_cost_per_capacity"),
        Aux("lever_port_starts", "100m yuan/yr/yr",
            "Capacity started by the port_investment lever (unit cost rises with the pace of expansion)", (), G,
            equation="lever_port_affordable / (1 + lever_port_affordable"
                     " / (port_investment_max_capacity_growth * port_capacity_2018))"),
        Aux("lever_port_completion", "100m yuan/yr/yr", "Lever capacity completed after the construction delay", (), G,
            equation="delay3(lever_port_starts, port_investment_construction_delay, 0)"),
        Flow("port_capacity_completion", "100m yuan/yr/yr", "Capacity completed", (), G,
             equation="baseline_port_completion + lever_port_completion"),
        Flow("port_capacity_depreciation", "100m yuan/yr/yr", "Capacity retired", (), G,
             equation="port_depreciation_rate * port_capacity"),
    ]
