"""Fiscal block: the provincial budget, its debt, and how each lever is paid for.

Money in 100m yuan/yr at **current prices** unless a name says real; ``t0`` = 2018.
Parameters: ``params/fiscal.toml`` (block) and ``<lever>_financing_*`` in ``params/levers.toml``;
data rows: ``data/fiscal/hlj_fiscal.csv``.

**Interface with the core** (``CORE_INPUTS``, ``PROVIDES``, ``OUTPUTS`` in this module).
The block reads only ``gdp_nominal``, ``gdp_deflator``, ``population``, ``interest_rate``
(driver), ``china_gdp_per_capita_index`` (driver-derived), ``one_year`` and, for each lever,
``spending_<lever>`` (real) with its ``<lever>_budget``/``_start``/``_end`` constants. The budget sees
the economy through a planning and collection lag ``tau`` (``budget_planning_time``), which also
keeps the block free of algebraic loops with the core's demand::

    tax_base = smooth(gdp_nominal, tau, Y0)      price_g = smooth(gdp_deflator, tau, 1)

Both start from their 2018 values (``Y0`` = ``gdp_nominal_2018``, the NBS final 2018 GDP, and 1),
not from the core's first computed values, so the core's initial demand can depend on the block.

It gives the core three real flows [100m yuan/yr at 2018 prices]: ``government_consumption``
(goods, services and wages bought by the budget), ``public_investment_fiscal`` (budget-financed
capital formation, excluding lever outlays, which the core handles as ``spending_<lever>``) and
``government_transfers_households`` (pensions, social assistance, farm subsidies: household income,
not government demand).

**Own revenue (tax and non-tax).** ::

    R_tax    = r0 Y0 s_tax       (tax_base / Y0)^e_tax    * policy(t)
    R_nontax = r0 Y0 (1 - s_tax) (tax_base / Y0)^e_nontax * policy(t)
    fiscal_revenue = R_tax + R_nontax

``r0`` = own revenue / GDP in 2018 (9.99%), ``s_tax`` = tax share (73.8%, 2014-2017),
``Y0`` = nominal GDP in 2018; ``policy(t)`` (``own_revenue_policy_factor``, a driver) carries the
2019 tax-and-fee cuts: 1 in 2018, 0.876 (the 2021 observed ratio) from 2019.

**Central transfers (ordinary rule + lever money).** ::

    T_base = tau0 E0 * china_gdp_per_capita_index^e_T * population / population_t0 * price_g
    R_pre  = fiscal_revenue / policy(t)                                  (revenue under 2018 tax law)
    T_ord  = T_base + offset (R0 T_base / T_base0 - R_pre) + c (R_pre - fiscal_revenue)
    central_transfers = T_ord + lever_central_funding

``tau0`` = transfers / expenditure (64.7%, 2014-2016) and ``E0`` = expenditure in 2018
(36.4% of GDP): transfers per resident grow with national income per head; only the
equalisation part (``offset`` = 0.1 per yuan) responds to own revenue running ahead of (or behind)
that pace, and the centre makes up the share ``c`` (1) of what national tax cuts cost the
province. ``lever_central_funding`` is the additional transfer a scenario's levers receive.

**Debt: three stocks, fixed coupons.** ::

    d legacy_debt / dt = - legacy_debt / m_legacy                  (bonds of end-2018: 3,885.33, 4.59 yr left)
    d new_debt / dt    = base_bond_issuance - new_debt / m_new     (bonds issued from 2019, term m_new)
    d new_debt_interest / dt = new_bond_rate * base_bond_issuance - new_debt_interest / m_new
    new_bond_rate = max(interest_rate + spread, 0)

Each bond keeps the coupon it was issued at: the interest bill of the new bonds is a stock that
grows with issuance x the rate of the day and runs off with the bonds (first-order maturity, so
the average of at-issue rates weighted by what is outstanding). Maturing principal
``principal_due`` is rolled over by refinancing bonds (share ``phi``) or repaid from the budget::

    base_bond_issuance = new_money_quota - fiscal_consolidation + phi * principal_due
    new_money_quota    = (E0 - R0 - T0 + (1 - phi) principal_due_t0) * tax_base / Y0

The quota (the central allocation of new debt limit) is the 2018 gap between spending and
revenue plus the principal repaid from the budget, growing with nominal GDP.

**Lever financing and lever bonds (one pair of stocks per lever).**
Lever spending (real) is valued at ``price_g``; shares ``f_c + f_b + f_r = 1`` per lever::

    lever_central_funding = sum_l f_c,l spending_l price_g       (free to the province)
    lever_bond_funding    = sum_l f_b,l spending_l price_g       (borrowed)
    lever_reallocation    = sum_l f_r,l spending_l price_g       (cut from other spending)

    d lever_bond_debt_l / dt = f_b,l spending_l price_g + w_l C_l - (1 - w_l) lever_bond_debt_l / m_new
    d C_l / dt               = new_bond_rate (f_b,l spending_l price_g + w_l C_l) - (1 - w_l) C_l / m_new
    lever_debt_service_l     = (1 - w_l) (C_l + lever_bond_debt_l / m_new)

``w_l`` = 1 while the lever's programme runs (budget > 0 and ``start <= t < end``), 0 after; ``C_l`` is the interest bill
of the lever's bonds (``lever_bond_interest_l``). While the programme runs, interest is
capitalised (construction-period interest financed by the borrowing, as in project appraisal
practice), so the debt rises by the amount borrowed plus accrued interest; afterwards the province
pays the interest and repays the principal from its budget, and the debt falls. These bonds are
not rolled over: their whole cost falls on the province.

**Spending, deficit and the fiscal reaction.** ::

    plan  = fiscal_revenue + T_ord + new_money_quota - base_interest - (1 - phi) principal_due
    cuts  = lever_reallocation + lever_debt_service + fiscal_consolidation
    government_transfers_households = s_h plan / price_g                          (protected)
    government_consumption          = (1 - s_h - s_i) / (1 - s_h) ((1 - s_h) plan - cuts) / price_g
    public_investment_fiscal        = s_i / (1 - s_h)             ((1 - s_h) plan - cuts) / price_g

    government_expenditure = (consumption + investment + household transfers) price_g
                             + lever outlays + interest_payments
    government_deficit     = government_expenditure - fiscal_revenue - central_transfers
    d government_debt / dt = bond_issuance - principal_repaid = government_deficit   (exactly)

The province spends its ordinary resources plus its borrowing quota, net of interest and of
the principal it repays; reallocation and the service of lever bonds cut government consumption
and public investment one for one, in proportion to their shares (household transfers are
protected: basic livelihood heads HLJ's 五保 list of spending checked first in budget
execution). The fiscal reaction::

    debt_limit           = min(k_D (fiscal_revenue + T_ord) one_year,
                               k_I (fiscal_revenue + T_ord) government_debt / interest_payments)
    fiscal_consolidation = lambda max(0, government_debt - debt_limit)

``k_D`` = 1 is the MOF warning line on debt / fiscal resources, ``k_I`` = 10% the State Council's
fiscal-restructuring line on interest / budget; ``lambda`` = 0.3/yr. Consolidation lowers both
spending and the new borrowing.

**Calibration and thin data.**
2018 anchors (``params/fiscal.toml``): own revenue 1,283.1 (9.99% of GDP), tax share 73.8%,
expenditure 4,676.7 (36.4%), transfers 3,026 (64.7% of spending), bonds 3,885.33 at 3.60%.
Checks against the sourced years (``tests/test_fiscal.py``): own revenue / GDP 10.7% (2014),
10.0% (2018), 8.75% (2021); expenditure / GDP 40.0% (2020). HLJ's central transfers 2017-2022,
its official debt balance and limit and its special-bond quotas were searched for and not found:
the transfer rule and the quota are therefore calibrated on 2014-2016 and 2018 only, and the
debt path after 2018 is a model result, not a fitted series. The government-fund budget (land
revenue, special-bond projects' own revenue) is not modelled; all bonds are serviced from the
general budget.
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, LEVERS, MONEY, driver

G = "fiscal"

#: Money at current prices [100m yuan/yr] and its stock [100m yuan].
NOMINAL = "100m yuan/yr (current prices)"
NOMINAL_STOCK = "100m yuan (current prices)"
#: Change of an annual flow (the interest bill of new bonds) [100m yuan/yr per yr].
NOMINAL_RATE = "100m yuan/yr/yr (current prices)"

#: Names the block reads from the rest of the model, with the units it expects.
CORE_INPUTS = {
    "gdp_nominal": NOMINAL,
    "gdp_deflator": "1",
    "population": "10k persons",
    "interest_rate": "1/yr",
    "china_gdp_per_capita_index": "1",
    "one_year": "yr",
    **{f"spending_{lid}": MONEY for lid in LEVERS},
    **{f"{lid}_{k}": "yr" for lid in LEVERS for k in ("start", "end")},
    **{f"{lid}_budget": "100m yuan/yr" for lid in LEVERS},
}

#: Real flows the block provides to the core's demand [100m yuan/yr at 2018 prices].
PROVIDES = ("government_consumption", "public_investment_fiscal", "government_transfers_households")

#: Fiscal and lever-financing outputs named in the design (current prices unless stated).
OUTPUTS = (
    "fiscal_revenue", "central_transfers", "government_expenditure", "government_deficit", "government_debt",
    "debt_to_gdp", "debt_to_revenue", "interest_payments",
    "lever_central_funding", "lever_bond_funding", "lever_reallocation", "lever_debt_service", "lever_bond_debt",
)


def _lever_sum(share: str) -> str:
    return " + ".join(f"{lid}_financing_{share} * spending_{lid}" for lid in LEVERS)


def _lever_bonds(lid: str) -> list:
    """Stocks and flows of the bonds issued for lever ``lid``."""
    w = f"lever_window_{lid}"
    return [
        Aux(w, "1", f"1 while the {lid} programme runs (budget > 0, start <= t < end): its bond interest is capitalised;"
            " 0 after", (), G, equation=f"({lid}_budget > 0) * (time >= {lid}_start) * (time < {lid}_end)"),
        Stock(f"lever_bond_debt_{lid}", NOMINAL_STOCK, f"Outstanding bonds issued to finance the {lid} lever", (), G,
              initial=0.0, inflows=(f"lever_bond_borrowing_{lid}",), outflows=(f"lever_bond_principal_{lid}",)),
        Flow(f"lever_bond_borrowing_{lid}", NOMINAL,
             f"Bonds issued for {lid}: its bond-financed spending plus, while it spends, the capitalised interest", (), G,
             equation=f"{lid}_financing_bonds * spending_{lid} * government_price_index + {w} * lever_bond_interest_{lid}"),
        Flow(f"lever_bond_principal_{lid}", NOMINAL, f"Principal of {lid} bonds repaid from the budget (after the programme)",
             (), G, equation=f"(1 - {w}) * lever_bond_debt_{lid} / bond_maturity_new"),
        Stock(f"lever_bond_interest_{lid}", NOMINAL,
              f"Interest bill of the {lid} bonds (each at the rate of its issue)", (), G, initial=0.0,
              inflows=(f"lever_bond_interest_added_{lid}",), outflows=(f"lever_bond_interest_retired_{lid}",)),
        Flow(f"lever_bond_interest_added_{lid}", NOMINAL_RATE, f"Interest added by new {lid} bonds", (), G,
             equation=f"new_bond_rate * lever_bond_borrowing_{lid}"),
        Flow(f"lever_bond_interest_retired_{lid}", NOMINAL_RATE, f"Interest ending with repaid {lid} bonds", (), G,
             equation=f"(1 - {w}) * lever_bond_interest_{lid} / bond_maturity_new"),
        Aux(f"lever_debt_service_{lid}", NOMINAL,
            f"Interest paid + principal repaid on the {lid} bonds from the budget (0 while interest is capitalised)", (), G,
            equation=f"(1 - {w}) * lever_bond_interest_{lid} + lever_bond_principal_{lid}"),
    ]


def components() -> list:
    """Components of the fiscal block."""
    def total(prefix: str) -> str:
        return " + ".join(f"{prefix}_{lid}" for lid in LEVERS)

    out: list = [
        # what the budget sees of the economy
        Aux("fiscal_tax_base", NOMINAL, "Nominal GDP as the budget sees it (planning and collection lag)", (), G,
            equation="smooth(gdp_nominal, budget_planning_time, gdp_nominal_2018)"),
        Aux("government_price_index", "1", "Price of government purchases: the GDP deflator over the budget lag, 2018 = 1",
            (), G, equation="smooth(gdp_deflator, budget_planning_time, 1)"),
        driver("own_revenue_policy_factor",
               "Own revenue per yuan of GDP relative to 2018 at unchanged tax base: the 2019 tax-and-fee cuts", "1",
               group=G),
        # own revenue
        Aux("own_revenue_2018", NOMINAL, "Own revenue in 2018", (), G,
            equation="own_revenue_to_gdp_2018 * gdp_nominal_2018"),
        Aux("fiscal_revenue_tax", NOMINAL, "Tax revenue of the provincial general budget", (), G,
            equation=f"own_revenue_2018 * tax_share_of_own_revenue * (fiscal_tax_base / max(gdp_nominal_2018, {EPS}))"
                     " ** tax_revenue_elasticity * own_revenue_policy_factor"),
        Aux("fiscal_revenue_nontax", NOMINAL, "Non-tax revenue (fees, state-asset income, fines)", (), G,
            equation=f"own_revenue_2018 * (1 - tax_share_of_own_revenue) * (fiscal_tax_base / max(gdp_nominal_2018, {EPS}))"
                     " ** nontax_revenue_elasticity * own_revenue_policy_factor"),
        Aux("fiscal_revenue", NOMINAL, "Own revenue of the provincial general budget (tax + non-tax)", (), G,
            equation="fiscal_revenue_tax + fiscal_revenue_nontax"),
        # central transfers
        Aux("government_expenditure_2018", NOMINAL, "General budget expenditure in 2018", (), G,
            equation="expenditure_to_gdp_2018 * gdp_nominal_2018"),
        Aux("transfer_base_2018", NOMINAL, "Central transfers in 2018", (), G,
            equation="central_transfer_share_2018 * government_expenditure_2018"),
        Aux("transfer_base", NOMINAL,
            "Ordinary transfers before equalisation: per resident, growing with national income per head",
            (), G, equation="transfer_base_2018 * china_gdp_per_capita_index ** transfer_income_elasticity"
                            f" * population / max(init(population), {EPS}) * government_price_index"),
        Aux("own_revenue_before_tax_cuts", NOMINAL, "Own revenue the tax base would give under 2018 tax law", (), G,
            equation=f"fiscal_revenue / max(own_revenue_policy_factor, {EPS})"),
        Aux("equalisation_adjustment", NOMINAL,
            "Equalisation: transfer added (withdrawn) when own revenue falls behind (runs ahead of) the transfer base's pace",
            (), G, equation="transfer_offset_of_own_revenue"
                            f" * (own_revenue_2018 * transfer_base / max(transfer_base_2018, {EPS})"
                            " - own_revenue_before_tax_cuts)"),
        Aux("tax_cut_compensation", NOMINAL, "Transfers making up the province's losses from national tax cuts", (), G,
            equation="tax_cut_compensation_share * (own_revenue_before_tax_cuts - fiscal_revenue)"),
        Aux("central_transfers_ordinary", NOMINAL, "Central transfers by the ordinary rule (without lever money)", (), G,
            equation="transfer_base + equalisation_adjustment + tax_cut_compensation"),
        Aux("central_transfers", NOMINAL, "Central transfers received: ordinary rule + additional transfers for levers", (), G,
            equation="central_transfers_ordinary + lever_central_funding"),
        # lever financing
        Aux("lever_outlays", NOMINAL, "Lever spending at current prices (government purchase prices)", (), G,
            equation="(" + " + ".join(f"spending_{lid}" for lid in LEVERS) + ") * government_price_index"),
        Aux("lever_central_funding", NOMINAL, "Lever spending paid by additional central transfers", (), G,
            equation=f"({_lever_sum('central')}) * government_price_index"),
        Aux("lever_bond_funding", NOMINAL, "Lever spending financed by local government bonds", (), G,
            equation=f"({_lever_sum('bonds')}) * government_price_index"),
        Aux("lever_reallocation", NOMINAL, "Lever spending financed by cutting other spending of the provincial budget", (), G,
            equation=f"({_lever_sum('reallocation')}) * government_price_index"),
    ]
    for lid in LEVERS:
        out += _lever_bonds(lid)
    out += [
        Aux("lever_bond_debt", NOMINAL_STOCK, "Outstanding bonds issued for levers (all levers)", (), G,
            equation=total("lever_bond_debt")),
        Aux("lever_bond_interest", NOMINAL, "Interest accruing on lever bonds (capitalised while a lever spends, paid after)",
            (), G, equation=total("lever_bond_interest")),
        Aux("lever_bond_borrowing", NOMINAL, "Bonds issued for levers (bond-financed spending + capitalised interest)", (), G,
            equation=total("lever_bond_borrowing")),
        Aux("lever_bond_principal_repaid", NOMINAL, "Principal of lever bonds repaid from the budget", (), G,
            equation=total("lever_bond_principal")),
        Aux("lever_debt_service", NOMINAL, "Interest paid + principal repaid on lever bonds, from the budget (all levers)", (), G,
            equation=total("lever_debt_service")),
        # ordinary debt
        Stock("legacy_debt", NOMINAL_STOCK, "Bonds outstanding at end-2018, running off as they mature", (), G,
              initial="government_debt_2018", outflows=("legacy_debt_maturing",)),
        Flow("legacy_debt_maturing", NOMINAL, "Principal of end-2018 bonds falling due", (), G,
             equation="legacy_debt / legacy_debt_remaining_maturity"),
        Aux("legacy_debt_interest", NOMINAL, "Interest on end-2018 bonds (fixed coupons)", (), G,
            equation="legacy_debt_coupon * legacy_debt"),
        Aux("new_bond_rate", "1/yr", "Issuance rate of new provincial bonds (national rate + spread, not below 0)", (), G,
            equation="max(interest_rate + local_bond_spread, 0)"),
        Stock("new_debt", NOMINAL_STOCK, "Bonds issued from 2019 (new money and refinancing, not for levers)", (), G,
              initial=0.0, inflows=("base_bond_issuance",), outflows=("new_debt_maturing",)),
        Flow("new_debt_maturing", NOMINAL, "Principal of bonds issued from 2019 falling due", (), G,
             equation="new_debt / bond_maturity_new"),
        Stock("new_debt_interest", NOMINAL, "Interest bill of bonds issued from 2019 (each at the rate of its issue)", (), G,
              initial=0.0, inflows=("new_debt_interest_added",), outflows=("new_debt_interest_retired",)),
        Flow("new_debt_interest_added", NOMINAL_RATE, "Interest added by new bonds", (), G,
             equation="new_bond_rate * base_bond_issuance"),
        Flow("new_debt_interest_retired", NOMINAL_RATE, "Interest ending with matured bonds", (), G,
             equation="new_debt_interest / bond_maturity_new"),
        Aux("principal_due", NOMINAL, "Principal of non-lever bonds falling due", (), G,
            equation="legacy_debt_maturing + new_debt_maturing"),
        Aux("refinancing_bonds", NOMINAL, "Refinancing bonds rolling over maturing principal", (), G,
            equation="refinancing_share_of_principal * principal_due"),
        Aux("principal_repaid_from_budget", NOMINAL, "Maturing principal repaid from the budget (not rolled over)", (), G,
            equation="(1 - refinancing_share_of_principal) * principal_due"),
        Aux("base_interest_payments", NOMINAL, "Interest on non-lever bonds", (), G,
            equation="legacy_debt_interest + new_debt_interest"),
        Aux("new_money_quota", NOMINAL, "New debt limit allocated to the province (new-money bonds), growing with nominal GDP",
            (), G, equation="(government_expenditure_2018 - own_revenue_2018 - transfer_base_2018"
                            f" + init(principal_repaid_from_budget)) * fiscal_tax_base / max(gdp_nominal_2018, {EPS})"),
        Aux("base_new_borrowing", NOMINAL, "New-money bonds issued (quota less the consolidation; negative = early repayment)",
            (), G, equation="new_money_quota - fiscal_consolidation"),
        Flow("base_bond_issuance", NOMINAL, "Non-lever bonds issued: new money + refinancing", (), G,
             equation="base_new_borrowing + refinancing_bonds"),
        # totals and the fiscal reaction
        Aux("government_debt", NOMINAL_STOCK, "Provincial government debt (bonds): end-2018 + later + lever bonds", (), G,
            equation="legacy_debt + new_debt + lever_bond_debt"),
        Aux("interest_payments", NOMINAL, "Interest on all provincial bonds (lever bonds' included, capitalised or paid)", (), G,
            equation="base_interest_payments + lever_bond_interest"),
        Aux("fiscal_resources", NOMINAL, "Ordinary fiscal resources: own revenue + ordinary central transfers", (), G,
            equation="fiscal_revenue + central_transfers_ordinary"),
        Aux("debt_limit", NOMINAL_STOCK,
            "Debt at which the first warning line binds: debt / resources = k_D, or interest / resources = k_I", (), G,
            equation="min(debt_ratio_threshold * fiscal_resources * one_year, interest_burden_threshold * fiscal_resources"
                     f" * government_debt / max(interest_payments, {EPS}))"),
        Aux("excess_debt", NOMINAL_STOCK, "Debt above the debt limit", (), G,
            equation="max(0, government_debt - debt_limit)"),
        Aux("fiscal_consolidation", NOMINAL, "Spending cut (and borrowing forgone) by the fiscal reaction", (), G,
            equation="fiscal_reaction_speed * excess_debt"),
        # spending
        Aux("primary_spending_plan", NOMINAL,
            "Non-lever, non-interest spending the budget can afford before cuts: resources + quota - interest - repayment",
            (), G, equation="fiscal_revenue + central_transfers_ordinary + new_money_quota - base_interest_payments"
                            " - principal_repaid_from_budget"),
        Aux("primary_spending_cuts", NOMINAL,
            "Cuts of government purchases: lever reallocation, lever debt service, consolidation", (), G,
            equation="lever_reallocation + lever_debt_service + fiscal_consolidation"),
        Aux("government_transfers_households", MONEY,
            "Budget transfers to households (pensions, social assistance, farm subsidies), real", (), G,
            equation="household_transfer_share_of_spending * max(primary_spending_plan, 0)"
                     f" / max(government_price_index, {EPS})"),
        Aux("government_purchases", MONEY, "Government consumption + public investment bought by the budget, real", (), G,
            equation="max((1 - household_transfer_share_of_spending) * primary_spending_plan - primary_spending_cuts, 0)"
                     f" / max(government_price_index, {EPS})"),
        Aux("government_consumption", MONEY, "Government consumption (goods, services, wages) paid by the budget, real", (), G,
            equation="government_purchases * (1 - household_transfer_share_of_spending - public_investment_share_of_spending)"
                     " / (1 - household_transfer_share_of_spending)"),
        Aux("public_investment_fiscal", MONEY, "Public investment paid by the budget (without lever outlays), real", (), G,
            equation="government_purchases * public_investment_share_of_spending / (1 - household_transfer_share_of_spending)"),
        Aux("government_primary_expenditure", NOMINAL, "Non-lever, non-interest expenditure", (), G,
            equation="(government_consumption + public_investment_fiscal + government_transfers_households)"
                     " * government_price_index"),
        Aux("government_expenditure", NOMINAL, "General budget expenditure: primary + lever outlays + interest", (), G,
            equation="government_primary_expenditure + lever_outlays + interest_payments"),
        Aux("government_deficit", NOMINAL, "Deficit: expenditure - own revenue - central transfers (= net borrowing)", (), G,
            equation="government_expenditure - fiscal_revenue - central_transfers"),
        Aux("bond_issuance", NOMINAL, "All bonds issued (new money, refinancing, lever bonds)", (), G,
            equation="base_bond_issuance + lever_bond_borrowing"),
        Aux("principal_repaid", NOMINAL, "All principal repaid (rolled over or from the budget)", (), G,
            equation="principal_due + lever_bond_principal_repaid"),
        # ratios
        Aux("debt_to_gdp", "1", "Government debt / nominal GDP", (), G,
            equation=f"government_debt / max(gdp_nominal * one_year, {EPS})"),
        Aux("debt_to_revenue", "1", "Government debt / own revenue (years of own revenue)", (), G,
            equation=f"government_debt / max(fiscal_revenue * one_year, {EPS})"),
        Aux("debt_to_fiscal_resources", "1",
            "Government debt / (own revenue + ordinary transfers): the warning-line ratio", (), G,
            equation=f"government_debt / max(fiscal_resources * one_year, {EPS})"),
        Aux("interest_to_fiscal_resources", "1", "Interest / (own revenue + ordinary transfers)", (), G,
            equation=f"interest_payments / max(fiscal_resources, {EPS})"),
        Aux("fiscal_self_sufficiency", "1", "Own revenue / expenditure", (), G,
            equation=f"fiscal_revenue / max(government_expenditure, {EPS})"),
        Aux("central_transfer_share", "1", "Central transfers / expenditure", (), G,
            equation=f"central_transfers / max(government_expenditure, {EPS})"),
        Aux("own_revenue_to_gdp", "1", "Own revenue / nominal GDP", (), G,
            equation=f"fiscal_revenue / max(gdp_nominal, {EPS})"),
        Aux("expenditure_to_gdp", "1", "Expenditure / nominal GDP", (), G,
            equation=f"government_expenditure / max(gdp_nominal, {EPS})"),
    ]
    return out
