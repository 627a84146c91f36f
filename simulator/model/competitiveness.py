"""Competitiveness block: HLJ's unit costs against the rest of China, and the market shares they set.

Relative unit cost of value added (the dual of the Cobb-Douglas technology: unit cost is
``(1/A) w^(1-a) uc^a`` up to a constant), HLJ against a rest-of-China index with its own TFP path
(``china_tfp_growth`` driver) and its own wage (the national average wage), 2018 = 1::

    ruc_va = (A_RoC / (A R)) * (wage_relative / wage_relative_2018)^(1-a) * (uc / uc_RoC)^a

where ``uc / uc_RoC`` is HLJ's user cost of capital relative to the rest of China's (they differ by
HLJ's regional risk premium). Gross-output unit cost relative to the rest of China adds delivery
pressure and a regional carbon cost; intermediate inputs are bought at common prices::

    unit_cost_relative = (1 + va_ratio * (ruc_va - 1) + carbon_cost_share) * (z_d / z_n)^eta

The last factor is the effective price of buying from HLJ including delivery delays: ``z_d`` is the
utilisation demand asks for (``utilization_demanded``, not capped at 1): where demand
exceeds what capacity can deliver, prices and delivery delays keep rising and buyers turn to other
suppliers until demand is back within capacity, so excess demand cannot persist; below normal
utilisation prices ease.

The delivery-pressure factor is an *effective* price: it steers buyers' choices but nobody is paid
it, so it is not income and does not enter nominal value added. HLJ's value-added price (the GDP
deflator relative to the national price level, ``sector_price`` in the production block) is the
cost-based price, by double deflation with intermediate inputs at common prices: gross-output price
``1 + va_ratio (ruc_va - 1) + carbon_cost_share`` less inputs ``1 - va_ratio``, per unit of value
added::

    value_added_price_relative = ruc_va + carbon_cost_share / va_ratio

Buyers react to it with a lag (``market_share_adjustment_time``). Armington market shares with
sourced elasticities (``armington_elasticity_domestic`` by commodity, ``armington_elasticity_foreign``):

- regional purchase coefficient (share of HLJ's own use of a commodity bought from HLJ producers):
  ``rpc = 1 / (1 + (1 - rpc_2018) / rpc_2018 * ucr^sigma)``;
- sales to the rest of China: ``rest_of_china_sales_2018 * china_gdp_index^e_R * ucr^(-sigma)``;
- foreign exports: partner demand x export-weighted ``ucr^(-sigma_f)`` (trade block).

No share compares HLJ with its own trend: every cost is relative to the rest of China.
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, MONEY, C, S

G = "competitiveness"


def components() -> list:
    """Components of the competitiveness block."""
    return [
        Stock("tfp_rest_of_china", "1", "Rest-of-China TFP index, 2018 = 1 (driver china_tfp_growth)", (), G,
              initial=1.0, inflows=("tfp_rest_of_china_growth",)),
        Flow("tfp_rest_of_china_growth", "1/yr", "Growth of the rest-of-China TFP index", (), G,
             equation="china_tfp_growth * tfp_rest_of_china"),
        Aux("user_cost_rest_of_china", "1/yr", "Real user cost of capital in the rest of China (no regional premium)", S,
            G, equation="max(interest_rate - expected_inflation + depreciation_rate, 0.01)"),
        Aux("relative_user_cost", "1", "HLJ user cost / rest-of-China user cost, 2018 = 1", S, G,
            equation="(user_cost / user_cost_2018) / (user_cost_rest_of_china / init(user_cost_rest_of_china))"),
        Aux("unit_cost_relative_va", "1",
            "HLJ unit cost of value added relative to the rest of China (Cobb-Douglas dual), 2018 = 1", S, G,
            equation=f"min(tfp_rest_of_china / max(productivity, {EPS}) * (max(wage_relative, 0) / wage_relative_2018)"
                     " ** (1 - capital_share) * relative_user_cost ** capital_share, 1e6)"),
        Aux("delivery_pressure", "1",
            "Price and delivery-delay mark-up: the utilisation demand asks for (unbounded) relative to normal, 2018 = 1",
            S, G, equation="(clip(utilization_demanded, 0.01, 10) / normal_utilization) ** delivery_pressure_elasticity"),
        Aux("unit_cost_relative", "1",
            "HLJ gross-output unit cost relative to the rest of China: value-added costs, delivery pressure, carbon cost",
            S, G,
            equation="(1 + va_ratio * (unit_cost_relative_va - 1) + carbon_cost_share)"
                     " * delivery_pressure / init(delivery_pressure)"),
        Aux("value_added_price_relative", "1",
            "HLJ value-added price relative to the rest of China, 2018 = 1: unit cost of value added (dual) + the regional"
            " carbon cost per unit of value added; delivery delays are a cost to buyers, not income, and are excluded",
            S, G, equation="unit_cost_relative_va + carbon_cost_share / va_ratio"),
        Aux("perceived_unit_cost_relative", "1",
            "Relative unit cost as buyers see it (orders and contracts adjust over market_share_adjustment_time)", S, G,
            equation="smooth(unit_cost_relative, market_share_adjustment_time, 1)"),
        Aux("commodity_cost_relative", "1", "Perceived relative unit cost by commodity (each sector makes one commodity)",
            C, G, equation="rename(perceived_unit_cost_relative, 'sector', 'commodity')"),
        Aux("regional_purchase_coefficient", "1",
            "Share of HLJ's own use of each commodity supplied by HLJ producers (Armington)", C, G,
            equation=f"1 / (1 + (1 - rpc_2018) / max(rpc_2018, {EPS})"
                     " * commodity_cost_relative ** armington_elasticity_domestic)"),
        Aux("rest_of_china_sales", MONEY, "Sales of HLJ producers to the rest of China (real)", C, G,
            equation="rest_of_china_sales_2018 * china_gdp_index ** rest_of_china_income_elasticity"
                     " * commodity_cost_relative ** (-armington_elasticity_domestic)"),
        Aux("export_cost_relative", "1", "Export-weighted perceived relative unit cost, 2018 = 1", (), G,
            equation="sum(export_commodity_mix * commodity_cost_relative) / sum(export_commodity_mix)"),
        Aux("export_competitiveness", "1", "Effect of relative costs on HLJ's share of its foreign markets, 2018 = 1",
            (), G, equation="export_cost_relative ** (-armington_elasticity_foreign)"),
    ]
