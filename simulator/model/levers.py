"""Policy levers: spending schedules, the shared limits programmes compete for, and their mechanisms.

Each lever ``<id>`` in :data:`~simulator.model._base.LEVERS` has policy settings ``<id>_budget``
[100m yuan/yr, 2018 prices], ``<id>_start`` [yr], ``<id>_end`` [yr, exclusive], ``<id>_ramp`` [yr] and
its financing shares (``params/levers.toml``; fixed, chosen by the planner)::

    spending_<id> = budget * ramp_factor * (start <= time < end)
    ramp_factor   = clip((time - start) / ramp, 0, 1)   (1 if ramp = 0)

``lever_spending`` is the total and ``cumulative_spending_<id>`` integrates each lever's spending
exactly. Everything else a lever does depends on *mechanism parameters*: properties of the world
with sourced, uncertain values (``params/levers.toml``; sampled by the ensemble commands unless
``--policy-as-designed``; docs/levers.md tabulates them with their evidence).

**One expenditure, one asset.** A yuan buys the commodities of the lever's own commodity vector
(``<id>_commodity_share`` + ``<id>_direct_va_share`` of its own staff's value added in its host
sector + ``<id>_non_commodity_share`` for land, interest and transfers, which buys no output;
the demand block turns it into demand for HLJ output) and builds one thing: crossing capacity or
general public capital (port), digital capital (digital), a knowledge stock (innovation), an
institutional stock (FTZ, finance cluster, producer services), or nothing itself when it is a
transfer to firms (industry transfer, industrial chains), whose induced private investment is
counted where it happens (sector capital, through the investment block's GFCF vector).

**Shared limits** (the full package is less than the sum of its parts when they bind):

- labour: the core's labour market binds (employment <= labour force less frictional
  unemployment; vacancies raise the wage), so programmes compete for the same workers;
- construction capacity: lever civil works (construction commodity of each vector) added to
  public investment raise their unit cost once public investment passes a share of GDP
  (Gurara et al. 2021)::

      excess     = max(0, (PI + W) / Y_e - threshold) - max(0, PI / Y_e - threshold)
      escalation = 1 + slope * excess

  (``PI`` public investment, ``W`` lever civil works, ``Y_e`` expected GDP); the same budget then
  buys ``1 / escalation`` of the real works (the mark-up is a rent, no real output);
- administrative capacity: implementation quality falls once lever spending passes a share of
  the provincial budget: ``efficiency = 1 / (1 + admin_slope * max(0, L / E_2018 - admin_slack))``;
- cost overruns on physical works: ``1 / (1 + capex_cost_overrun)`` of the planned asset per yuan
  (Ansar et al. 2016).

Physical assets per yuan of a lever's outlay::

    works_per_yuan = (1 - nc) * efficiency / ((1 + overrun) * (1 + cs / (1 - nc) * (escalation - 1)))

with ``nc`` its non-commodity share and ``cs`` its civil-works share. All three limits are exactly
neutral without lever spending.

Mechanisms (the blocks they feed in brackets):

- port_investment (trade, production): the crossing share builds Chinese-side capacity after a
  construction delay; the Russian side matches only ``port_russia_matching_share`` of it; usable
  capacity lowers trade costs only through congestion: border waiting time rises with utilisation
  (M/M/1 queue) and each day costs about 1% of border trade (Djankov, Freund & Pham). Capacity
  creates no demand (trade through it is bounded by Russian and HLJ demand). The public share
  builds general public capital (Bom & Ligthart elasticity).
- digital_infrastructure (digital): the additional part of the outlay (operators would build
  part of it anyway) becomes digital capital -> available coverage; users take up only a share of
  what becomes available; TFP rises with adoption (a level effect, diminishing).
- industry_transfer: the incentive is a transfer (no demand of its own); it tips the share
  ``but_for`` of incented projects, so relocated capex = spending x but_for / subsidy_rate (after
  negotiation), into target sectors' capital (investment demand through the GFCF vector), bringing
  its markets with it (``relocated_sales``: the output of the relocated capacity at normal
  utilisation, sold where the plants sold before); ``1 - national_gain_share`` of it is displaced
  from other provinces (``displaced_value_added``, netted in the national view); supplier
  spillovers raise local goods sectors' TFP a little (Havranek & Irsova).
- finance_clustering: a cluster stock closes part of the credit gap (credit target minus credit,
  when positive: rationing defined against the model's credit target; nothing above it) and cuts
  the regional premium a little (finance block). The finance-TFP effect follows Arcand, Berkes &
  Panizza above 100% credit/GDP (finance block); no intermediation margin is counted as GDP (the
  margin on extra loans is paid by local borrowers).
- ftz_opening: a reform. Administrative outlay builds an implementation stock (saturating: the
  effect does not scale with money beyond the administrative need), implemented after a lag of
  years; it raises exports (inland/border FTZ evaluations) and hardly imports. No FDI per yuan.
- innovation_chain (innovation): R&D net of crowded-out business R&D builds a knowledge stock
  that raises GDP at a regional rate of return after a lag.
- industrial_chains: a subsidy (transfer) to target-sector projects; only the additional ones add
  capital: capex = spending x additionality / subsidy_rate; no TFP from the same yuan.
- producer_services: a services stock raises goods makers' TFP (cheaper, better services) and the
  service sectors' own productivity, saturating, after a lag. It creates no demand out of nothing.

All effects are exactly zero when budgets are zero (products with zero spending, ``x / (x + h)``
saturation, ``max(0, .)`` limits), so zero budgets reproduce the baseline exactly.
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, LEVERS, MONEY, MONEY_STOCK, C, S, selector

G = "levers"

#: Sector of each lever's spending unit: its wages and own value added are that sector's output
#: (research institutes are in finance & business services in the model's mapping of the IO table,
#: FTZ administration in public administration = tourism_consumer; capital levers have no own staff).
HOST_SECTOR = {
    "port_investment": "construction", "digital_infrastructure": "digital_economy",
    "industry_transfer": "tourism_consumer", "finance_clustering": "finance_services",
    "ftz_opening": "tourism_consumer", "innovation_chain": "finance_services",
    "industrial_chains": "equipment_mfg", "producer_services": "finance_services",
}

#: Real demand per yuan of a lever's outlay, relative to its commodity vector (``<id>_demand_factor``;
#: 1 for the levers not listed): the digital subsidy partly replaces operators' own investment, public
#: R&D partly displaces business R&D (the displaced spending would have bought the same commodities).
DEMAND_FACTOR = {
    "digital_infrastructure": "digital_subsidy_additionality",
    "innovation_chain": "(1 - innovation_crowd_out)",
}


def _spending(lid: str) -> Aux:
    return Aux(f"spending_{lid}", MONEY, f"Spending of the {lid} lever", (), G,
               equation=f"{lid}_budget * if_then_else({lid}_ramp > 0, clip((time - {lid}_start) / max({lid}_ramp,"
                        f" {EPS}), 0, 1), 1)"
                        f" * (time >= {lid}_start) * (time < {lid}_end)")


def _cluster_stock(lid: str, what: str) -> list:
    return [
        Stock(f"{lid}_capital", MONEY_STOCK, f"Accumulated {what} built by the {lid} lever", (), G, initial=0.0,
              inflows=(f"{lid}_capital_inflow",), outflows=(f"{lid}_capital_decay",), non_negative=True),
        Flow(f"{lid}_capital_inflow", MONEY, f"Spending accumulating into {lid}_capital (at the implementation quality)",
             (), G, equation=f"spending_{lid} * lever_implementation_efficiency"),
        Flow(f"{lid}_capital_decay", MONEY, f"Decay of {lid}_capital", (), G, equation=f"{lid}_depreciation * {lid}_capital"),
        Aux(f"{lid}_saturation", "1", f"Saturating effect of {lid}_capital: x / (x + half-saturation)", (), G,
            equation=f"{lid}_capital / ({lid}_capital + {lid}_half_saturation)"),
    ]


def _spending_and_limits() -> list:
    out: list = [_spending(lid) for lid in LEVERS]
    out.append(Aux("lever_spending", MONEY, "Total lever spending (all levers)", (), G,
                   equation=" + ".join(f"spending_{lid}" for lid in LEVERS)))
    # spending integrated by the engine: yearly differences are each year's exact spending
    for lid in LEVERS:
        out.append(Stock(f"cumulative_spending_{lid}", MONEY_STOCK, f"Spending of the {lid} lever since the start",
                         (), G, initial=0.0, inflows=(f"spending_{lid}",)))
        out.append(selector(f"{lid}_host_sector", "sector", (HOST_SECTOR[lid],),
                            f"Sector whose output the {lid} lever's own staff produce (its direct value added)"))
        out.append(Aux(f"{lid}_civil_works_share", "1",
                       f"Share of the {lid} lever's outlay spent on construction (civil works)", (), G,
                       equation=f"sum({lid}_commodity_share * is_construction_sector)"))
        if lid in DEMAND_FACTOR:
            out.append(Aux(f"{lid}_demand_factor", "1",
                           f"Real demand per yuan of {lid} spending relative to its commodity vector", (), G,
                           equation=DEMAND_FACTOR[lid]))
        out.append(Aux(f"{lid}_works_per_yuan", "1",
                       f"Physical assets built per yuan of {lid} spending: the commodity part, less cost overruns,"
                       " construction cost escalation and implementation losses", (), G,
                       equation=f"(1 - {lid}_non_commodity_share) * lever_implementation_efficiency"
                                f" / ((1 + capex_cost_overrun) * (1 + {lid}_civil_works_share"
                                f" / max(1 - {lid}_non_commodity_share, {EPS}) * (construction_cost_escalation - 1)))"))
    out.append(Aux("lever_non_commodity_spending", MONEY,
                   "Lever money that buys no current output directly (land, interest, transfers, subsidies, fund capital)",
                   (), G, equation=" + ".join(f"{lid}_non_commodity_share * spending_{lid}" for lid in LEVERS)))
    out.append(Stock("lever_spending_cumulative", MONEY_STOCK, "Spending of all levers since the start", (), G,
                     initial=0.0, inflows=("lever_spending",)))
    out += [
        selector("is_construction_sector", "sector", ("construction",), "1 for construction"),
        selector("is_construction_commodity", "commodity", ("construction",), "1 for construction (commodity)"),
        selector("is_producer_service", "sector", ("logistics_trade", "finance_services", "digital_economy"),
                 "1 for producer-service sectors (logistics, finance & business services, IT)"),
        selector("is_goods", "sector", ("agri_food", "energy_petrochem", "mining_materials", "equipment_mfg"),
                 "1 for goods-producing (manufacturing and resource) sectors"),
        # construction capacity (Gurara et al.): lever civil works on top of public investment
        Aux("lever_civil_works", MONEY, "Civil works bought by all levers (construction commodity of their vectors)",
            (), G, equation=" + ".join(f"spending_{lid} * {lid}_civil_works_share" for lid in LEVERS)),
        Aux("public_investment_ratio", "1", "Public investment / expected real GDP", (), G,
            equation=f"public_investment / max(expected_gdp_real, {EPS})"),
        Aux("lever_construction_excess", "1",
            "Public investment / GDP above the escalation threshold that the levers' civil works add", (), G,
            equation=f"max(0, public_investment_ratio + lever_civil_works / max(expected_gdp_real, {EPS})"
                     " - construction_escalation_threshold)"
                     " - max(0, public_investment_ratio - construction_escalation_threshold)"),
        Aux("construction_cost_escalation", "1",
            "Unit cost of lever civil works relative to normal (1 without lever works)", (), G,
            equation="1 + construction_escalation_slope * lever_construction_excess"),
        # administrative capacity
        Aux("lever_admin_load", "1", "Lever spending / the province's 2018 budget expenditure (real)", (), G,
            equation=f"lever_spending / max(expenditure_to_gdp_2018 * gdp_real_2018, {EPS})"),
        Aux("lever_implementation_efficiency", "1",
            "Implementation quality of lever programmes: 1 up to the administrative slack, falling above it", (), G,
            equation="1 / (1 + admin_capacity_slope * max(0, lever_admin_load - admin_capacity_slack))"),
    ]
    return out


def _industry_transfer() -> list:
    return [
        Aux("industry_transfer_capex_per_yuan", "1",
            "Relocated capex induced per yuan of incentive: the tipped share of incented projects / the subsidy rate", (),
            G, equation="industry_transfer_but_for_share / industry_transfer_subsidy_rate"),
        Aux("industry_transfer_attracted", MONEY, "Relocated capital investment induced by the incentives (after negotiation)",
            (), G, equation="delay3(spending_industry_transfer * industry_transfer_capex_per_yuan"
                            " * lever_implementation_efficiency, industry_transfer_delay, 0)"),
        Aux("relocated_capital_inflow", MONEY, "Relocated capital investment by target sector", S, G,
            equation="industry_transfer_attracted * industry_transfer_target_share"),
        Stock("relocated_capital", MONEY_STOCK, "Relocated capital in place (part of sector capital)", S, G, initial=0.0,
              inflows=("relocated_capital_inflow",), outflows=("relocated_capital_depreciation",), non_negative=True),
        Flow("relocated_capital_depreciation", MONEY, "Depreciation of relocated capital", S, G,
             equation="depreciation_rate * relocated_capital"),
        Aux("relocated_value_added", MONEY,
            "Value added of the relocated capacity at normal utilisation (2018 output per unit of capital)", S, G,
            equation=f"relocated_capital * va_2018 / max(capital_2018, {EPS}) * normal_utilization / utilization_2018"),
        Aux("relocated_sales", MONEY,
            "Sales the relocated plants bring with them (their markets in the rest of China and abroad), gross output",
            C, G, equation=f"rename(relocated_value_added / max(va_ratio, {EPS}), 'sector', 'commodity')"),
        Aux("displaced_value_added", MONEY,
            "Value added of relocated capacity displaced from other provinces (not a gain for China)", (), G,
            equation="(1 - industry_transfer_national_gain_share) * sum(relocated_value_added)"),
        Aux("relocated_presence", "1", "Relocated capital / goods-sector capital", (), G,
            equation=f"sum(relocated_capital * is_goods) / max(sum(capital * is_goods), {EPS})"),
        Aux("spillover_tfp_effect", "1", "TFP effect of relocated capital: supplier (backward) + same-industry spillovers", S, G,
            equation="1 + is_goods * supplier_spillover_semi_elasticity * relocated_presence"
                     f" + horizontal_spillover_semi_elasticity * relocated_capital / max(capital, {EPS})"),
    ]


def _finance_ftz() -> list:
    out = _cluster_stock("finance_clustering", "finance-cluster support (institutions, fintech)")
    out += [
        Aux("finance_gap_closure", "1",
            "Share of the credit gap (credit target above credit) more lenders close, on top of normal adjustment", (), G,
            equation="finance_rationed_gap_closure_max * finance_clustering_saturation"),
        Aux("finance_premium_reduction", "1", "Proportional cut of the regional risk premium", (), G,
            equation="finance_clustering_premium_reduction_max * finance_clustering_saturation"),
    ]
    out += _cluster_stock("ftz_opening", "FTZ implementation capacity (administration, institutional innovations)")
    out += [
        Aux("ftz_implementation", "1", "Share of the FTZ deepening implemented (after the implementation lag)", (), G,
            equation="smooth3(ftz_opening_saturation, ftz_implementation_lag, 0)"),
        Aux("ftz_export_gain", "1", "Proportional rise of exports from the FTZ deepening", (), G,
            equation="ftz_export_gain_max * ftz_implementation"),
        Aux("ftz_import_gain", "1", "Proportional change of non-pipeline imports from the FTZ deepening", (), G,
            equation="ftz_import_gain_max * ftz_implementation"),
    ]
    return out


def _chains_services() -> list:
    out = [
        Aux("industrial_chains_capex_per_yuan", "1",
            "Capital formed per yuan of chain subsidy: additional projects' capex (the rest is a windfall transfer)", (), G,
            equation="industrial_chains_additionality / industrial_chains_subsidy_rate"),
        Aux("industrial_chains_investment", MONEY, "Additional target-sector investment induced by chain subsidies", S, G,
            equation="spending_industrial_chains * industrial_chains_capex_per_yuan * lever_implementation_efficiency"
                     " * industrial_chains_target_share"),
    ]
    out += _cluster_stock("producer_services", "producer-services capacity (platforms, logistics, IT, exhibitions)")
    out += [
        Aux("producer_services_effect", "1", "Producer-services support as it reaches users (after the lag)", (), G,
            equation="smooth(producer_services_saturation, producer_services_lag, 0)"),
        Aux("producer_services_tfp_effect", "1",
            "TFP gain from producer services: goods makers' costs fall; the service sectors' own productivity rises", S, G,
            equation="1 + (is_goods * producer_services_cost_reduction_max"
                     " + is_producer_service * producer_services_productivity_gain_max) * producer_services_effect"),
    ]
    return out


def components() -> list:
    """Components of the levers block."""
    return _spending_and_limits() + _industry_transfer() + _finance_ftz() + _chains_services()
