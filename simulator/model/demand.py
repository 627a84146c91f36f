"""Demand block: final demand by commodity, turned into HLJ output through the input-output table.

Final local use of commodity ``c`` (real, 2018 prices) is household consumption, government
consumption, investment and lever spending, each spread over commodities by its own vector
(household, government and GFCF columns of the HLJ 2007 input-output table; one vector per lever,
``d_l`` its real demand per yuan, ``<lever>_demand_factor`` (1 if absent), with lever civil works at their escalated
unit cost: levers block)::

    f_c = C * hh_c + G * gov_c + I * gfcf_c + sum_l spending_l * d_l * lever_vector_l,c

HLJ producers supply the share ``rpc_c`` (regional purchase coefficient, competitiveness block) of
HLJ's own use of ``c`` (intermediate and final); the rest leaks to other provinces and abroad. They
also sell to the rest of China and abroad. Output demanded solves the regional Leontief system::

    x = (I - diag(rpc) A)^-1 (rpc * f + rest_of_china_sales + exports_local + relocated_sales)

(``relocated_sales``: the markets plants relocated by the industry_transfer lever bring with them),
with ``A`` the technical coefficients (commodity x sector, HLJ 2007, rescaled so that each column's
intermediate inputs plus value added equal output at the 2018 value-added ratios). Value added
demanded is ``va_ratio * x``; the production block delivers it up to capacity.

Foreign exports count for HLJ output only through their local content: much of HLJ's exports to
Russia are goods made in other provinces and shipped through HLJ (``export_local_content`` by
commodity), plus a trade and logistics margin on the trade crossing HLJ's border.

2018 calibration. Output in 2018 is ``va_2018 / va_ratio``; local use is ``A x_2018 + f_2018``. The
2007 table records trade net by sector, so its local shares are upper bounds: the 2018 local share is
the smaller of the evidence-based ``regional_purchase_coefficient_ref`` and what 2018 output can
supply after exports and a minimum of sales to the rest of China
(``rest_of_china_sales_floor_share``, cross-hauling); sales to the rest of China close the balance::

    o_2018   = max(x_2018 - e_2018 - rpc_ref * U_2018, floor * x_2018)
    rpc_2018 = (x_2018 - e_2018 - o_2018) / U_2018

Household income (real, at consumer prices) is the wage bill, transfers (the fiscal block's transfers
to households: pensions, social assistance, farm subsidies) and other income (non-wage value added);
consumption follows perceived income. Every income is deflated by the same consumer price level: the
real wage bill is the national real wage (CPI-deflated) x the relative wage x employment, so non-wage
income is nominal GDP less the nominal wage bill, divided by the price level
(``gdp_nominal / price_level - wage_bill``), not real GDP less the real wage bill, which would mix the
GDP deflator with the CPI and move income between wages and profits whenever HLJ's value-added prices
move against the CPI. Government consumption and budget-financed public investment come from the
fiscal block (``simulator/model/fiscal.py``), so lever money reallocated within the budget, lever bond
service and fiscal consolidation cut demand yuan for yuan; off-budget public investment (financing
vehicles, state firms) keeps its 2018 share of GDP.
"""

from __future__ import annotations

from ..engine import Aux
from ._base import CS, EPS, LEVERS, MONEY, C, S, selector

G = "demand"


def _lever_use() -> str:
    # construction bought at an escalated unit cost buys 1/escalation of the real works (levers block).
    # Each term is if_then_else(spending != 0, spending x its commodity vector, 0 x spending x a 0/1
    # commodity vector: the branch's units and shape): the same numbers (a zero spending times the
    # non-negative vector is +0), and the engine skips the vector of a lever that spends nothing in
    # the step (spending depends on time and constants only)
    from .levers import DEMAND_FACTOR

    return " + ".join(f"if_then_else(spending_{lid} != 0, spending_{lid}"
                      f"{f' * {lid}_demand_factor' if lid in DEMAND_FACTOR else ''}"
                      f" * (rename({lid}_commodity_share, 'sector', 'commodity')"
                      " * (1 + is_construction_commodity * (1 / construction_cost_escalation - 1))"
                      f" + {lid}_direct_va_share * rename({lid}_host_sector, 'sector', 'commodity')),"
                      f" 0 * spending_{lid} * is_construction_commodity)" for lid in LEVERS)


def components() -> list:
    """Components of the demand block."""
    return [
        selector("is_logistics_commodity", "commodity", ("logistics_trade",), "1 for logistics and trade services"),
        # households
        Aux("household_income_2018", MONEY, "Household disposable income in 2018 (share of GDP)", (), G,
            equation="disposable_income_share_gdp_2018 * gdp_real_2018"),
        Aux("transfer_income_index", "1",
            "Transfers to households (pensions, social assistance, farm subsidies; fiscal block) relative to 2018", (), G,
            equation=f"government_transfers_households / max(init(government_transfers_households), {EPS})"),
        Aux("other_income_index", "1",
            "Non-wage income (mixed and property income) relative to 2018: nominal non-wage value added deflated, like"
            " the wage bill, by the consumer price level", (), G,
            equation=f"max(gdp_nominal / max(price_level, {EPS}) - wage_bill, 0) / max(gdp_real_2018 - wage_bill_2018, {EPS})"),
        Aux("household_income", MONEY, "Household disposable income (real): wages, transfers and other income", (), G,
            equation=f"household_income_2018 * (income_share_wages * wage_bill / max(wage_bill_2018, {EPS})"
                     " + income_share_transfers * transfer_income_index"
                     " + (1 - income_share_wages - income_share_transfers) * other_income_index)"),
        Aux("perceived_household_income", MONEY, "Household income as it guides spending (smoothed)", (), G,
            equation="smooth(household_income, consumption_adjustment_time, household_income_2018)"),
        Aux("household_consumption", MONEY, "Household consumption (national-accounts basis, real)", (), G,
            equation="consumption_propensity * household_consumption_survey_to_national_accounts"
                     " * perceived_household_income"),
        # government: consumption, transfers and budget-financed public investment come from the fiscal block
        Aux("public_investment_other", MONEY,
            "Public investment financed off the general budget (financing vehicles, state firms): the rest of the 2018"
            " total, growing with expected GDP", (), G,
            equation="max(0, public_investment_share * gdp_real_2018 - init(public_investment_fiscal))"
                     f" * expected_gdp_real / max(gdp_real_2018, {EPS})"),
        Aux("public_investment", MONEY, "Public investment: budget-financed (fiscal block) + off-budget", (), G,
            equation="public_investment_fiscal + public_investment_other"),
        # investment
        Aux("total_investment", MONEY,
            "Investment demand: sector investment (incl. projects induced by lever subsidies, relocated capital), public,"
            " digital",
            (), G, equation="sum(investment) + public_investment + baseline_digital_investment"),
        Aux("investment_to_gdp", "1", "Investment demand / real GDP", (), G,
            equation=f"total_investment / max(gdp_real, {EPS})"),
        # final demand by commodity
        Aux("lever_final_use", MONEY,
            "Lever spending by commodity (each lever's commodity vector; its own wages go to its host sector)", C, G,
            equation=_lever_use()),
        Aux("final_local_use", MONEY, "Final use in HLJ by commodity: households, government, investment, levers", C, G,
            equation="household_consumption * household_consumption_commodity_share"
                     " + government_consumption * government_consumption_commodity_share"
                     " + total_investment * gfcf_commodity_share + lever_final_use"),
        Aux("exports_local", MONEY,
            "HLJ-made content of foreign exports by commodity, plus the logistics margin on border trade", C, G,
            equation="exports_real * export_commodity_mix * export_local_content"
                     " + border_trade_margin * border_throughput * is_logistics_commodity"),
        # input-output structure
        Aux("io_a", "1", "Technical coefficients (input of commodity per unit of the sector's output), 2018 VA ratios",
            CS, G, equation=f"io_coefficients * (1 - va_ratio) / max(sum(io_coefficients, 'commodity'), {EPS})"),
        Aux("gross_output_2018_by_commodity", MONEY, "Gross output in 2018 by commodity", C, G,
            equation="rename(gross_output_2018, 'sector', 'commodity')"),
        Aux("local_use_2018", MONEY, "HLJ's use of each commodity in 2018 (intermediate + final)", C, G,
            equation="init(matmul(io_a, gross_output_2018) + final_local_use)"),
        Aux("exports_local_2018", MONEY, "Local content of exports in 2018", C, G, equation="init(exports_local)"),
        Aux("rest_of_china_sales_2018", MONEY,
            "Sales to the rest of China in 2018: what 2018 output leaves after local use and exports (at least the floor)",
            C, G,
            equation="max(gross_output_2018_by_commodity - exports_local_2018"
                     " - regional_purchase_coefficient_ref * local_use_2018,"
                     " rest_of_china_sales_floor_share * gross_output_2018_by_commodity)"),
        Aux("rpc_2018", "1", "Regional purchase coefficient in 2018 (balances the 2018 table)", C, G,
            equation=f"clip((gross_output_2018_by_commodity - exports_local_2018 - rest_of_china_sales_2018)"
                     f" / max(local_use_2018, {EPS}), 0.01, 0.99)"),
        # output demanded
        Aux("local_supply_of_final_use", MONEY, "Final local use supplied by HLJ producers", C, G,
            equation="regional_purchase_coefficient * final_local_use"),
        Aux("final_demand_for_hlj_output", MONEY,
            "Final demand for HLJ output: local final use supplied locally + sales to the rest of China + exports"
            " + the markets relocated plants bring", C, G,
            equation="local_supply_of_final_use + rest_of_china_sales + exports_local + relocated_sales"),
        Aux("leontief_inverse", "1", "Regional Leontief inverse (I - diag(rpc) A)^-1 (sector x commodity)",
            ("sector", "commodity"), G,
            equation="inverse(identity('commodity', 'sector') - regional_purchase_coefficient * io_a)"),
        Aux("gross_output_demanded", MONEY, "Gross output demanded from HLJ producers (regional Leontief solve)", S, G,
            equation="matmul(leontief_inverse, final_demand_for_hlj_output)"),
        Aux("intermediate_demand_local", MONEY,
            "Intermediate demand for HLJ output from HLJ producers (at output demanded)", C, G,
            equation="regional_purchase_coefficient * matmul(io_a, gross_output_demanded)"),
        Aux("value_added_demanded", MONEY, "Value added demanded from each sector", S, G,
            equation="va_ratio * gross_output_demanded"),
        Aux("import_leakage", MONEY,
            "HLJ use of commodities supplied from other provinces and abroad (intermediate + final, real)", C, G,
            equation="(1 - regional_purchase_coefficient) * (matmul(io_a, gross_output) + final_local_use)"),
    ]
