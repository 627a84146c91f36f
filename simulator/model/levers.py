"""Policy levers: spending schedules and their mechanisms (hooks for issue 4).

Each lever ``<id>`` in :data:`~simulator.model._base.LEVERS` has constants
``<id>_budget`` [100m yuan/yr, 2018 prices], ``<id>_start`` [yr], ``<id>_end``
[yr, exclusive] and ``<id>_ramp`` [yr] (``params/levers.toml``)::

    spending_<id> = budget * ramp_factor * (start <= time < end)
    ramp_factor   = clip((time - start) / ramp, 0, 1)   (1 if ramp = 0)

``lever_spending`` is the total. Each lever's spending enters final demand through its own
commodity vector (``<id>_commodity_share`` + ``<id>_direct_va_share`` of its own staff's value added in
``<id>_host_sector`` + ``<id>_non_commodity_share`` for land, interest and transfers, which buys no
output directly; the three sum to 1), derived from the input-output table (demand block), and is
paid for as its financing shares ``<id>_financing_central``, ``_bonds`` and ``_reallocation`` say
(fiscal block: reallocation cuts government demand, bonds add debt the budget services later,
central money is free to the province).
``cumulative_spending_<id>`` integrates each lever's spending exactly. Mechanisms:

- port_investment: capacity started = spending x (1 - public share) / cost per
  capacity, completed after a third-order construction delay; the public share adds
  to public capital (trade block, production block).
- digital_infrastructure: digital capital after a build delay -> coverage (digital block).
- industry_transfer: attracted private capital = spending x leverage (delayed),
  scaled by absorptive capacity (labour slack, credit) and saturating at a ceiling;
  allocated to target sectors; supplier spillovers raise goods-sector TFP.
- finance_clustering: a cluster stock raises target credit depth and cuts the
  regional premium with saturation (finance block).
- ftz_opening: a facilitation stock cuts clearance days and non-tariff costs and
  raises export participation (saturating); FDI inflow into target sectors.
- innovation_chain: R&D added to the knowledge stock (innovation block).
- industrial_chains: investment in target sectors; a chain stock raises their TFP (saturating).
- producer_services: a services stock raises the productivity of producer-service sectors and
  cuts goods makers' costs (TFP; saturating). It creates no demand out of nothing.

All effects are exactly zero when budgets are zero (products with zero spending,
``x / (x + h)`` saturation), so zero budgets reproduce the baseline exactly.
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, LEVERS, MONEY, MONEY_STOCK, S, selector

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


def _spending(lid: str) -> Aux:
    return Aux(f"spending_{lid}", MONEY, f"Spending of the {lid} lever", (), G,
               equation=f"{lid}_budget * if_then_else({lid}_ramp > 0, clip((time - {lid}_start) / max({lid}_ramp,"
                        f" {EPS}), 0, 1), 1)"
                        f" * (time >= {lid}_start) * (time < {lid}_end)")


def _cluster_stock(lid: str, what: str) -> list:
    return [
        Stock(f"{lid}_capital", MONEY_STOCK, f"Accumulated {what} built by the {lid} lever", (), G, initial=0.0,
              inflows=(f"{lid}_capital_inflow",), outflows=(f"{lid}_capital_decay",), non_negative=True),
        Flow(f"{lid}_capital_inflow", MONEY, f"Spending accumulating into {lid}_capital", (), G, equation=f"spending_{lid}"),
        Flow(f"{lid}_capital_decay", MONEY, f"Decay of {lid}_capital", (), G, equation=f"{lid}_depreciation * {lid}_capital"),
        Aux(f"{lid}_saturation", "1", f"Saturating effect of {lid}_capital: x / (x + half-saturation)", (), G,
            equation=f"{lid}_capital / ({lid}_capital + {lid}_half_saturation)"),
    ]


def components() -> list:
    """Components of the levers block."""
    out: list = [_spending(lid) for lid in LEVERS]
    out.append(Aux("lever_spending", MONEY, "Total lever spending (all levers)", (), G,
                   equation=" + ".join(f"spending_{lid}" for lid in LEVERS)))
    # spending integrated by the engine: yearly differences are each year's exact spending
    for lid in LEVERS:
        out.append(Stock(f"cumulative_spending_{lid}", MONEY_STOCK, f"Spending of the {lid} lever since the start",
                         (), G, initial=0.0, inflows=(f"spending_{lid}",)))
        out.append(selector(f"{lid}_host_sector", "sector", (HOST_SECTOR[lid],),
                            f"Sector whose output the {lid} lever's own staff produce (its direct value added)"))
    out.append(Aux("lever_non_commodity_spending", MONEY,
                   "Lever money that buys no current output directly (land, interest, transfers, subsidies, fund capital)",
                   (), G, equation=" + ".join(f"{lid}_non_commodity_share * spending_{lid}" for lid in LEVERS)))
    out.append(Stock("lever_spending_cumulative", MONEY_STOCK, "Spending of all levers since the start", (), G,
                     initial=0.0, inflows=("lever_spending",)))
    out += [
        selector("is_producer_service", "sector", ("logistics_trade", "finance_services", "digital_economy"),
                 "1 for producer-service sectors (logistics, finance & business services, IT)"),
        selector("is_goods", "sector", ("agri_food", "energy_petrochem", "mining_materials", "equipment_mfg"),
                 "1 for goods-producing (manufacturing and resource) sectors"),
        # industry transfer
        Aux("industry_transfer_attracted", MONEY, "Private capital attracted by incentives (after negotiation delay)", (), G,
            equation="delay3(spending_industry_transfer * industry_transfer_leverage, industry_transfer_delay, 0)"),
        Aux("absorptive_capacity", "1", "Ability to absorb relocated capital: labour slack and credit, 0..1", (), G,
            equation="sqrt(clip(unemployment_rate / unemployment_rate_2018, 0, 1)) * sqrt(clip(credit_availability, 0, 1))"),
        Aux("relocated_capital_inflow_total", MONEY, "Relocated capital inflow, saturating at the absorptive ceiling", (), G,
            equation="industry_transfer_absorptive_ceiling * industry_transfer_attracted * absorptive_capacity"
                     " / (industry_transfer_attracted * absorptive_capacity + industry_transfer_absorptive_ceiling)"),
        Aux("relocated_capital_inflow", MONEY, "Relocated capital inflow by target sector", S, G,
            equation="relocated_capital_inflow_total * industry_transfer_target_share"),
        Stock("relocated_capital", MONEY_STOCK, "Relocated capital in place (part of sector capital)", S, G, initial=0.0,
              inflows=("relocated_capital_inflow",), outflows=("relocated_capital_depreciation",), non_negative=True),
        Flow("relocated_capital_depreciation", MONEY, "Depreciation of relocated capital", S, G,
             equation="depreciation_rate * relocated_capital"),
        Aux("relocated_presence", "1", "Relocated capital / goods-sector capital", (), G,
            equation=f"sum(relocated_capital * is_goods) / max(sum(capital * is_goods), {EPS})"),
        Aux("spillover_tfp_effect", "1", "TFP effect of relocated capital: supplier (backward) + same-industry spillovers", S, G,
            equation="1 + is_goods * supplier_spillover_semi_elasticity * relocated_presence"
                     f" + horizontal_spillover_semi_elasticity * relocated_capital / max(capital, {EPS})"),
    ]
    out += _cluster_stock("finance_clustering", "finance-cluster capital (institutions, fintech)")
    out += [
        Aux("finance_credit_depth_gain", "1", "Proportional rise of target credit depth", (), G,
            equation="finance_clustering_credit_gain_max * finance_clustering_saturation"),
        Aux("finance_premium_reduction", "1", "Proportional cut of the regional risk premium", (), G,
            equation="finance_clustering_premium_reduction_max * finance_clustering_saturation"),
    ]
    out += _cluster_stock("ftz_opening", "facilitation capital (FTZ institutions, single window)")
    out += [
        Aux("ftz_clearance_reduction", "1", "Proportional cut of clearance days", (), G,
            equation="ftz_opening_clearance_reduction_max * ftz_opening_saturation"),
        Aux("ftz_trade_cost_reduction", "1", "Proportional cut of the non-tariff trade-cost index", (), G,
            equation="ftz_opening_trade_cost_reduction_max * ftz_opening_saturation"),
        Aux("ftz_participation_gain", "1", "Proportional rise of exports from wider export participation", (), G,
            equation="ftz_opening_participation_gain_max * ftz_opening_saturation"),
        Aux("fdi_inflow", MONEY, "FDI attracted by FTZ opening, by target sector", S, G,
            equation="spending_ftz_opening * ftz_opening_fdi_per_yuan * industry_transfer_target_share"),
    ]
    out += [
        Aux("industrial_chains_investment", MONEY, "Industrial-chain spending invested in target sectors", S, G,
            equation="spending_industrial_chains * industrial_chains_target_share"),
        Stock("chain_capital", MONEY_STOCK, "Accumulated industrial-chain capital by sector", S, G, initial=0.0,
              inflows=("chain_capital_inflow",), outflows=("chain_capital_decay",), non_negative=True),
        Flow("chain_capital_inflow", MONEY, "Industrial-chain spending accumulating",
            S, G, equation="industrial_chains_investment"),
        Flow("chain_capital_decay", MONEY, "Decay of chain capital",
            S, G, equation="industrial_chains_depreciation * chain_capital"),
        Aux("industrial_chains_tfp_effect", "1", "TFP gain in target sectors (saturating)", S, G,
            equation="1 + industrial_chains_tfp_gain_max * chain_capital"
                     f" / (chain_capital + max(industrial_chains_half_saturation_ratio * va_2018 * one_year, {EPS}))"),
    ]
    out += _cluster_stock("producer_services", "producer-services capacity (platforms, logistics, IT, exhibitions)")
    out += [
        Aux("producer_services_tfp_effect", "1",
            "TFP gain from producer services: goods makers' costs fall; the service sectors' own productivity rises", S, G,
            equation="1 + (is_goods * producer_services_cost_reduction_max"
                     " + is_producer_service * producer_services_productivity_gain_max) * producer_services_saturation"),
    ]
    return out
