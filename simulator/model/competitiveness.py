"""Competitiveness block: HLJ's unit costs against the rest of China, and the market shares they set.

Relative unit cost of value added (the dual of the Cobb-Douglas technology: unit cost is
``(1/A) w^(1-a) uc^a`` up to a constant), HLJ against the rest of China, 2018 = 1::

    ruc_va = (A_RoC / A) * (wage_relative / wage_relative_2018)^(1-a) * (uc / uc_RoC)^a
    A_RoC  = LP_China^(1-a) * exp(p_s t)                       (tfp_rest_of_china_implied)

National balanced growth. The national drivers project labour productivity (``LP_China``, real
output per worker) and real wages growing about 3-5%/yr, while China's measured TFP record
(``china_tfp_growth``, about 0.7%/yr since 2008; kept as the stock ``tfp_rest_of_china`` for
comparison) is far lower; the two only add up with a capital-output ratio that keeps rising. The
model takes the national projection as the anchor: ``A_RoC`` is the TFP that yields national
labour productivity on a balanced growth path, capital growing with output (for Cobb-Douglas at a
constant capital-output ratio ``LP = A^(1/(1-a)) (K/Y)^(a/(1-a))``, so ``A = LP^(1-a)``). With
cost-minimising capital that ratio is ``a / uc``; the national real user cost is held at its 2018
level here because its projection is an unchanged real rate (data/drivers/interest_rate.csv),
and year-to-year swings of the real rate as expected inflation moves are not technology. With
national real wages growing with labour productivity, the national real unit cost is then about
constant along the driver paths and national prices (the CPI) are the rest of China's unit costs.

``p_s`` (``tfp_growth_sector_pattern``) is China's sector pattern of TFP growth around its aggregate
(agriculture and ICT faster, energy, construction and market services slower; VA-weighted mean 0),
so each HLJ sector is compared with the same industry in the rest of China, not with the national
average.

HLJ shares the national part of that growth: its TFP is its own sourced trend (``tfp_growth``,
China's record by sector, production block) times ``national_productivity_factor =
LP_China^(1-a) / tfp_rest_of_china``, the productivity growth the national projection needs beyond
the aggregate record.
The ratio ``A_RoC / A`` that sets HLJ's cost position is therefore the record ratio,
``exp((china_tfp_growth + p_s - tfp_growth_s) t)`` without levers (at the priors about 0.2%/yr in
HLJ's disfavour in every sector, its weaker record):
HLJ gains or loses ground only through its own TFP record, levers, wages and capital, never
from the national drivers' inconsistency. (Taking the record as the rest of China's TFP made HLJ's
labour share drift steadily upward, national wages outgrowing national productivity, and its
capital-output ratio keep rising: no balanced growth path.)

Daqing's depletion (the production block's resource factor ``R``) is not in ``ruc_va``: crude sells at
the world price (the oil pass-through of the production block), so a depleting field lowers the
energy sector's capacity, output and rents, not its price relative to the rest of China; buyers
turn elsewhere through delivery pressure when its capacity falls short.

In ``ruc_va``, ``uc / uc_RoC`` is HLJ's user cost of capital relative to the rest of China's (they differ by
HLJ's regional risk premium). Gross-output unit cost relative to the rest of China adds delivery
pressure and a regional carbon cost; intermediate inputs are bought at common prices::

    unit_cost_relative = (1 + va_ratio * (ruc_va - 1) + carbon_cost_share) * P * clip(VA_d / VA_n, 0.5, 2)^eta
    d P / dt = P * eta * clip(ln(VA_d / VA_n), -0.5, 0.5) / T_p,      VA_n = capacity_output z_n^a

``P`` is ``delivery_pressure``, ``VA_d / VA_n`` is ``demand_to_normal_output``, ``eta`` is
``delivery_pressure_elasticity`` and ``T_p`` ``delivery_pressure_adjustment_time``. The last two
factors are the effective price of buying from HLJ including delivery delays: a proportional
part (the current output gap) and a stock that builds up while value added demanded exceeds
what capital and employment produce at normal utilisation (``VA_n``; the log gap is bounded at
+-0.5 so one extreme year cannot move it by more than 0.5 / T_p a year) and eases while demand
falls short (an integral price and delivery-delay adjustment, the standard system-dynamics closure of supply and demand,
Sterman 2000 ch. 20): a proportional mark-up alone leaves a permanent gap where demand keeps
outgrowing capacity, while this one keeps turning buyers to other suppliers until demand is back at
normal utilisation, so excess demand cannot persist.

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
  ``rpc = 1 / (1 + (1 - rpc_2018) / rpc_2018 * ucr^sigma / n^theta)``;
- sales to the rest of China: ``rest_of_china_sales_2018 * china_gdp_index^e_R * ucr^(-sigma) * n^theta``;
- foreign exports: partner demand x export-weighted ``ucr^(-sigma_f) n^theta`` (trade block).

``n`` (``variety_index``) is the range of products HLJ's producers offer, measured by their output
at normal utilisation relative to 2018: a region that shrinks offers fewer varieties and sells less
at given prices (the extensive margin: larger economies export more mainly by exporting more
goods, Hummels & Klenow 2005; monopolistic competition, Krugman 1980), so a shrinking labour force
lowers its sales through fewer products as well as through higher prices. ``theta`` is
``extensive_margin_elasticity`` (0 = pure Armington).

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
        Aux("tfp_rest_of_china_implied", "1",
            "Rest-of-China TFP by sector: what yields national labour productivity (driver) on a balanced growth"
            " path (capital-output ratio constant: LP^(1-a)) times China's sector pattern around its aggregate,"
            " 2018 = 1", S, G,
            equation="china_labour_productivity_index ** (1 - capital_share)"
                     " * exp(tfp_growth_sector_pattern * (time - initial_time))"),
        Aux("national_productivity_factor", "1",
            "Part of national TFP growth that the national labour-productivity projection needs beyond China's TFP"
            " record at a constant capital-output ratio (implied / record TFP), 2018 = 1; HLJ shares it", S, G,
            equation=f"china_labour_productivity_index ** (1 - capital_share) / max(tfp_rest_of_china, {EPS})"),
        Aux("user_cost_rest_of_china", "1/yr", "Real user cost of capital in the rest of China (no regional premium)", S,
            G, equation="max(interest_rate - expected_inflation + depreciation_rate, 0.01)"),
        Aux("relative_user_cost", "1", "HLJ user cost / rest-of-China user cost, 2018 = 1", S, G,
            equation="(user_cost / user_cost_2018) / (user_cost_rest_of_china / init(user_cost_rest_of_china))"),
        Aux("unit_cost_relative_va", "1",
            "HLJ unit cost of value added relative to the rest of China (Cobb-Douglas dual), 2018 = 1", S, G,
            equation=f"min(tfp_rest_of_china_implied / max(tfp, {EPS})"
                     " * (max(wage_relative, 0) / wage_relative_2018) ** (1 - capital_share)"
                     " * relative_user_cost ** capital_share, 1e6)"),
        Stock("delivery_pressure", "1",
              "Delivery-delay and scarcity mark-up on buying from HLJ, 2018 = 1: builds up while demand asks for more"
              " than normal utilisation, eases while it asks for less", S, G,
              initial=1.0, inflows=("delivery_pressure_change",), non_negative=True),
        Flow("delivery_pressure_change", "1/yr",
             "Change of the delivery-pressure mark-up: eta x ln(utilisation demanded / normal) per adjustment time", S, G,
             equation="delivery_pressure * delivery_pressure_elasticity * clip(ln(max(demand_to_normal_output, 0.01)),"
                      " -0.5, 0.5) / delivery_pressure_adjustment_time"),
        Aux("demand_to_normal_output", "1",
            "Value added demanded / what capital and employment produce at normal utilisation (the sector's output gap)",
            S, G, equation=f"value_added_demanded / max(capacity_output * normal_utilization ** capital_share, {EPS})"),
        Aux("unit_cost_relative", "1",
            "HLJ gross-output unit cost relative to the rest of China: value-added costs, delivery pressure, carbon cost",
            S, G,
            equation="(1 + va_ratio * (unit_cost_relative_va - 1) + carbon_cost_share)"
                     " * delivery_pressure * clip(demand_to_normal_output, 0.5, 2) ** delivery_pressure_elasticity"),
        Aux("value_added_price_relative", "1",
            "HLJ value-added price relative to the rest of China, 2018 = 1: unit cost of value added (dual) + the regional"
            " carbon cost per unit of value added; delivery delays are a cost to buyers, not income, and are excluded",
            S, G, equation="unit_cost_relative_va + carbon_cost_share / va_ratio"),
        Aux("perceived_unit_cost_relative", "1",
            "Relative unit cost as buyers see it (orders and contracts adjust over market_share_adjustment_time)", S, G,
            equation="smooth(unit_cost_relative, market_share_adjustment_time, 1)"),
        Aux("variety_index", "1",
            "Range of products HLJ's producers offer (extensive margin), 2018 = 1: their output at normal utilisation,"
            " as buyers learn of it (smoothed over market_share_adjustment_time)", S, G,
            equation=f"smooth(capacity_output * normal_utilization ** capital_share / max(va_2018, {EPS}),"
                     " market_share_adjustment_time, 1)"),
        Aux("commodity_variety_index", "1", "Variety index by commodity", C, G,
            equation="rename(variety_index, 'sector', 'commodity')"),
        Aux("commodity_cost_relative", "1", "Perceived relative unit cost by commodity (each sector makes one commodity)",
            C, G, equation="rename(perceived_unit_cost_relative, 'sector', 'commodity')"),
        Aux("regional_purchase_coefficient", "1",
            "Share of HLJ's own use of each commodity supplied by HLJ producers (Armington)", C, G,
            equation=f"1 / (1 + (1 - rpc_2018) / max(rpc_2018, {EPS})"
                     " * commodity_cost_relative ** armington_elasticity_domestic"
                     f" / max(commodity_variety_index, {EPS}) ** extensive_margin_elasticity)"),
        Aux("rest_of_china_sales", MONEY, "Sales of HLJ producers to the rest of China (real)", C, G,
            equation="rest_of_china_sales_2018 * china_gdp_index ** rest_of_china_income_elasticity"
                     " * commodity_cost_relative ** (-armington_elasticity_domestic)"
                     " * commodity_variety_index ** extensive_margin_elasticity"),
        Aux("export_cost_relative", "1", "Export-weighted perceived relative unit cost, 2018 = 1", (), G,
            equation="sum(export_commodity_mix * commodity_cost_relative) / sum(export_commodity_mix)"),
        Aux("export_variety_index", "1", "Export-weighted variety index of HLJ's producers, 2018 = 1", (), G,
            equation="sum(export_commodity_mix * commodity_variety_index) / sum(export_commodity_mix)"),
        Aux("export_competitiveness", "1",
            "Effect of relative costs and of the range of HLJ's products on its share of foreign markets, 2018 = 1",
            (), G, equation="export_cost_relative ** (-armington_elasticity_foreign)"
                            " * export_variety_index ** extensive_margin_elasticity"),
    ]
