"""Trade block: exports and imports by partner, border-port capacity, border time.

Real flows (2018 prices) by partner ``p``::

    desired_exports = exports_2018 * partner_demand^e_d * export_competitiveness * (1 + ftz_export_gain)
                      * export_time_factor
    partner_demand  = [china_exports_to_russia, china_export_market x BRI premium, china_export_market]

HLJ's exports to Russia compete with other Chinese suppliers for the market China as a whole
sells to Russia (``china_exports_to_russia``: China Customs, real, 2018 = 1; +33% in 2021, +13%
in 2022, +47% in 2023 in USD, the sanctions-era replacement of Western suppliers), just as its
other exports share China's export market; HLJ's share of either market moves with its unit
costs relative to the rest of China (``export_competitiveness``, competitiveness block: Armington
elasticity ``armington_elasticity_foreign``) and the time its trade spends at the border.
The sanctions-era diversion of Russia's own exports toward China (``trade_diversion_to_russia``)
raises imports from Russia only: on the export side it is part of China's exports to Russia.

    desired_imports = imports_2018 * (1 - pipeline share) * absorption_index * import_time_factor
                      * (1 + ftz_import_gain)
    pipeline_crude  = imports_2018 * energy_share * pipeline_share_of_energy_imports
                      * min(energy_absorption x diversion, pipeline capacity / 2018 capacity)

Pipeline crude (Mohe-Daqing) and pipeline gas (Power of Siberia) bypass the border ports: they
are not limited by port capacity, not scaled by ``border_capacity_multiplier`` (a border
closure) and spend no time at the border crossings.

Border time (days) is clearance plus queueing at the border crossings. Waiting rises with
utilisation as in a single-server queue (M/M/1), and each day of border time lowers the border
share of each flow by a semi-elasticity (Djankov, Freund & Pham 2010: about 1% of trade per day,
more for time-sensitive exports; imports through HLJ's crossings are mostly bulk)::

    wait        = service_days * u / (1 - u)              (u = perceived utilisation, capped)
    time_factor = exp(-b_dir * border_share * (clearance + wait - clearance_2018 - wait_2018))

Capacity lowers trade costs *only* through this congestion channel: at low utilisation an extra
crossing saves almost no time. The border share of each flow must also pass the usable capacity
(a smooth minimum ``throughput = demand / (1 + (demand/capacity)^n)^(1/n)``, normalised to 2018).
Usable capacity is the planned stock (baseline planning expands it when expected pressure exceeds
the 2018 level, after a construction delay) plus the part of the port lever's Chinese-side capacity
that the Russian side matches (``port_russia_matching_share``): the Russian checkpoints have their own
capacity. Capacity creates no trade: trade through it is what Russian (and other) demand and HLJ's
supply make of it. The FTZ deepening raises exports (and hardly imports) by its implemented share
(levers block). Current-yuan values: exports x price level; imports x (energy share x oil price in
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
        # capacity and border time
        Aux("pipeline_import_share", "1", "Share of each partner's 2018 imports arriving by crude pipeline", P, G,
            equation="energy_share_of_imports * pipeline_share_of_energy_imports"),
        Aux("border_trade_2018", MONEY, "Trade crossing HLJ's border ports in 2018 (pipelines excluded)", (), G,
            equation="sum(border_share * (exports_2018_by_partner + imports_2018_by_partner * (1 - pipeline_import_share)))"),
        Aux("port_capacity_2018", MONEY, "Border-port/corridor capacity in 2018", (), G,
            equation="border_trade_2018 / port_utilization_2018"),
        Aux("perceived_port_utilization", "1", "Utilisation as perceived by traders (smoothed)", (), G,
            equation="smooth(port_utilization, 0.5, port_utilization_2018)"),
        Aux("border_queue_utilization", "1", "Utilisation that sets queueing at the crossings (capped below 1)", (), G,
            equation="min(perceived_port_utilization, border_queue_utilization_cap)"),
        Aux("border_wait_days", "day", "Queueing time at the border crossings (M/M/1: service x u / (1 - u))", (), G,
            equation="border_service_days * border_queue_utilization / (1 - border_queue_utilization)"),
        Aux("border_wait_days_2018", "day", "Queueing time at the border crossings in 2018", (), G,
            equation="border_service_days * min(port_utilization_2018, border_queue_utilization_cap)"
                     " / (1 - min(port_utilization_2018, border_queue_utilization_cap))"),
        Aux("clearance_days", "day", "Border clearance time (held at its 2018 level)", (), G, equation="clearance_days_2018"),
        Aux("border_time_change", "day", "Border time (clearance + queueing) relative to 2018", (), G,
            equation="clearance_days - clearance_days_2018 + border_wait_days - border_wait_days_2018"),
        Aux("export_time_factor", "1", "Effect of border time on exports by partner, 2018 = 1", P, G,
            equation="exp(-delay_trade_semi_elasticity_exports * border_share * border_time_change)"),
        Aux("import_time_factor", "1", "Effect of border time on non-pipeline imports by partner, 2018 = 1", P, G,
            equation="exp(-delay_trade_semi_elasticity_imports * border_share * border_time_change)"),
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
            " the FTZ deepening's export gain", (), G,
            equation="export_competitiveness * (1 + ftz_export_gain)"),
        Aux("desired_exports_real", MONEY, "Exports demanded by partner before the border-capacity limit", P, G,
            equation="exports_2018_by_partner * partner_demand_index ** partner_demand_elasticity"
                     " * export_supply_index * export_time_factor"),
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
            equation="imports_2018_by_partner * (1 - pipeline_import_share) * import_demand_index * import_time_factor"
                     " * (1 + ftz_import_gain)"),
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
        # capacity: planned (baseline) stock + the lever's Chinese-side capacity the Russian side matches
        Aux("port_capacity", MONEY, "Usable border-port/corridor capacity (trade volume per year at 2018 prices)", (), G,
            equation="planned_port_capacity + lever_port_capacity_matched"),
        Stock("planned_port_capacity", MONEY, "Border-port/corridor capacity built by baseline planning", (), G,
              initial="port_capacity_2018", inflows=("port_capacity_completion",),
              outflows=("port_capacity_depreciation",), non_negative=True),
        Aux("expected_capacity_pressure", "1", "Planners' expected demand / capacity", (), G,
            equation=f"smooth(border_trade_demand / max(port_capacity, {EPS}), expectation_time, port_utilization_2018)"),
        Aux("baseline_port_starts", "100m yuan/yr/yr", "Capacity put under construction by baseline planning", (), G,
            equation="planned_port_capacity * (port_depreciation_rate"
                     " + max(0, expected_capacity_pressure / port_utilization_2018 - 1) / port_planning_time)"),
        Aux("baseline_port_completion", "100m yuan/yr/yr", "Baseline capacity completed after the construction delay", (), G,
            equation="delay3(baseline_port_starts, port_construction_delay)"),
        Flow("port_capacity_completion", "100m yuan/yr/yr", "Planned capacity completed", (), G,
             equation="baseline_port_completion"),
        Flow("port_capacity_depreciation", "100m yuan/yr/yr", "Planned capacity retired", (), G,
             equation="port_depreciation_rate * planned_port_capacity"),
        Aux("lever_port_starts", "100m yuan/yr/yr",
            "Chinese-side crossing capacity started by the port_investment lever (after overruns and cost escalation)", (),
            G, equation="spending_port_investment * (1 - port_investment_public_capital_share)"
                        " * port_investment_works_per_yuan / port_investment_cost_per_capacity"),
        Aux("lever_port_completion", "100m yuan/yr/yr", "Lever capacity completed after the construction delay", (), G,
            equation="delay3(lever_port_starts, port_investment_construction_delay, 0)"),
        Stock("lever_port_capacity", MONEY, "Chinese-side crossing capacity built by the port_investment lever", (), G,
              initial=0.0, inflows=("lever_port_capacity_completion",), outflows=("lever_port_capacity_depreciation",),
              non_negative=True),
        Flow("lever_port_capacity_completion", "100m yuan/yr/yr", "Lever capacity completed", (), G,
             equation="lever_port_completion"),
        Flow("lever_port_capacity_depreciation", "100m yuan/yr/yr", "Lever capacity retired", (), G,
             equation="port_depreciation_rate * lever_port_capacity"),
        Aux("lever_port_capacity_matched", MONEY,
            "Lever-built capacity usable for trade: the share the Russian side's checkpoints match", (), G,
            equation="port_russia_matching_share * lever_port_capacity"),
    ]
