"""Finance block: credit stock, credit/GDP, cost of capital, finance-TFP effect.

The loan stock adjusts toward the credit target ``credit_to_gdp_2018 * expected_gdp_real``: the
demand for credit of creditworthy borrowers at the going rate. Credit is rationed when the stock
lags the target; ``credit_availability = credit / credit_target`` (rationing measured against the
target) limits private investment (production block). The finance_clustering lever does not raise
the target (more lenders do not create creditworthy borrowers): it closes an extra share of the gap
when credit is below the target, and nothing above it::

    net_lending = (target - credit) / T + finance_gap_closure * max(0, target - credit) / T

and cuts the regional premium a little. No intermediation margin is counted as output: the margin
on extra loans is a transfer from local borrowers to lenders (netted out), so credit raises GDP only
through the investment it finances. The TFP effect of credit depth ``c`` (smoothed) is::

    finance_tfp_effect = exp(e * (ln(c / c_2018) - (c - c_2018) / threshold))

whose marginal effect ``e * (1/c - 1/threshold)`` is positive below the threshold
and negative above it (Arcand, Berkes & Panizza): HLJ starts above it, so more
credit helps through investment and finance-sector output but not productivity.
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, MONEY, MONEY_STOCK, one_year

G = "finance"


def components() -> list:
    """Components of the finance block."""
    return [
        one_year(),
        Aux("credit_2018", MONEY_STOCK, "Loan stock in 2018", (), G, equation="credit_to_gdp_2018 * gdp_real_2018 * one_year"),
        Stock("credit", MONEY_STOCK, "Loan stock (2018 prices)", (), G, initial="credit_2018", inflows=("net_lending",),
              non_negative=True),
        Aux("credit_depth_target", "1", "Target loans / GDP: the 2018 depth (credit demand of creditworthy borrowers)", (), G,
            equation="credit_to_gdp_2018"),
        Aux("credit_target", MONEY_STOCK,
            "Desired loan stock: target depth x expected GDP", (), G,
            equation="credit_depth_target * expected_gdp_real * one_year"),
        Flow("net_lending", MONEY, "Net new lending: gap closure, faster where the finance cluster relieves rationing", (), G,
             equation="((credit_target - credit) + finance_gap_closure * max(0, credit_target - credit))"
                      " / credit_adjustment_time"),
        Aux("credit_to_gdp", "1", "Loans / GDP", (), G, equation=f"credit / (max(gdp_real, {EPS}) * one_year)"),
        Aux("credit_availability", "1", "Credit relative to the credit target (below 1: rationed)", (), G,
            equation=f"credit / (max(credit_depth_target * expected_gdp_real, {EPS}) * one_year)"),
        Aux("cost_of_capital", "1/yr", "Lending rate: national rate + regional premium", (), G,
            equation="interest_rate + regional_risk_premium * (1 - finance_premium_reduction)"),
        Aux("cost_of_capital_2018", "1/yr", "Cost of capital at the start", (), G,
            equation="init(interest_rate) + regional_risk_premium"),
        Aux("perceived_credit_to_gdp", "1", "Smoothed credit/GDP used by the TFP effect", (), G,
            equation="smooth(credit_to_gdp, credit_tfp_smoothing_time, credit_to_gdp_2018)"),
        Aux("finance_tfp_effect", "1", "TFP effect of finance depth (negative marginal effect above the threshold)", (), G,
            equation="exp(finance_tfp_elasticity * (ln(clip(perceived_credit_to_gdp, 0.01, 10) / credit_to_gdp_2018)"
                     " - (clip(perceived_credit_to_gdp, 0.01, 10) - credit_to_gdp_2018) / finance_growth_threshold))"),
    ]
