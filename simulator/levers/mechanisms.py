"""Which parameters are a lever's policy settings and which its (uncertain) mechanism, and the evidence on returns.

A lever's parameters fall in three kinds (issue 16):

- **policy settings**, chosen by the planner and fixed in every ensemble: ``<id>_budget``,
  ``_start``, ``_end``, ``_ramp``, the financing shares ``_financing_central/_bonds/_reallocation``
  and where the money goes (``_target_share``);
- **accounting**: the lever's commodity vector (``_commodity_share``, ``_direct_va_share``,
  ``_non_commodity_share``), built from the input-output table by ``scripts/io/io_lever_vectors.py``
  and fixed (it says what a yuan buys, not how well it works);
- **mechanism parameters**: properties of the world the lever acts through (cost overruns,
  the Russian side's matching capacity, but-for shares, rates of return, lags ...), with sourced
  distributions. They are uncertain and sampled by ``regsim uncertainty``, ``regsim sensitivity``,
  ``regsim report --uncertainty`` and ``regsim compare --uncertainty`` unless the planner asks for the
  policy "as designed" (``--policy-as-designed``: mechanisms fixed at their central values).

:data:`MECHANISM` lists each lever's mechanism parameters (some live in the block files they
share with the baseline, e.g. ``public_capital_elasticity``); :data:`SHARED_MECHANISM` the limits
all programmes compete for. :data:`LITERATURE` gives, per lever, the range of returns (present
value of GDP per yuan at 8%) that evaluations support, and :data:`OUTSIDE_RANGE` says where the
model's median return falls outside the generic 0.3-2.5 band for spending levers, and why (with
evidence). Those reasons were written after the ensembles were run; no parameter was moved to
change a return.
"""

from __future__ import annotations

from dataclasses import dataclass

from .financing import KEYS as FINANCING_KEYS
from .registry import COMMON_SETTINGS, LEVERS

#: settings of where a lever's money goes (fixed policy settings)
ALLOCATION_SETTINGS = ("target_share",)
#: commodity-vector accounting of a lever's outlay (fixed, from the input-output recipes)
ACCOUNTING_SETTINGS = ("commodity_share", "direct_va_share", "non_commodity_share")

#: limits all programmes compete for, and the cost-overrun prior on physical works
SHARED_MECHANISM = ("capex_cost_overrun", "construction_escalation_threshold", "construction_escalation_slope",
                    "admin_capacity_slack", "admin_capacity_slope")

#: lever id -> the mechanism parameters it acts through (any parameter block)
MECHANISM: dict[str, tuple[str, ...]] = {
    "port_investment": (
        "port_investment_cost_per_capacity", "port_russia_matching_share", "port_investment_construction_delay",
        "port_investment_public_capital_share", "public_capital_elasticity", "border_service_days",
        "delay_trade_semi_elasticity_exports", "delay_trade_semi_elasticity_imports"),
    "digital_infrastructure": (
        "digital_subsidy_additionality", "digital_adoption_share_of_supply_gap", "digital_tfp_level_per_10pp_adoption",
        "digital_infrastructure_build_delay", "digital_tfp_adjustment_time"),
    "industry_transfer": (
        "industry_transfer_but_for_share", "industry_transfer_subsidy_rate", "industry_transfer_national_gain_share",
        "industry_transfer_delay", "supplier_spillover_semi_elasticity", "horizontal_spillover_semi_elasticity"),
    "finance_clustering": (
        "finance_rationed_gap_closure_max", "finance_clustering_premium_reduction_max",
        "finance_clustering_half_saturation", "finance_clustering_depreciation", "finance_tfp_elasticity",
        "finance_growth_threshold", "credit_investment_elasticity"),
    "ftz_opening": (
        "ftz_export_gain_max", "ftz_import_gain_max", "ftz_implementation_lag", "ftz_opening_half_saturation",
        "ftz_opening_depreciation"),
    "innovation_chain": (
        "rd_regional_rate_of_return", "innovation_crowd_out", "knowledge_depreciation_rate", "knowledge_tfp_lag"),
    "industrial_chains": ("industrial_chains_additionality", "industrial_chains_subsidy_rate"),
    "producer_services": (
        "producer_services_cost_reduction_max", "producer_services_productivity_gain_max",
        "producer_services_half_saturation", "producer_services_lag", "producer_services_depreciation"),
}


#: mechanism parameters that scale an effect whose size (or existence) evaluations leave open: their ranges include
#: zero (and negative values where evaluations find them). The others are magnitudes whose existence the evidence
#: establishes (delays, unit costs, the Russian side's matching, adoption shares, saturation points).
EFFECT_SIZES = (
    "capex_cost_overrun", "construction_escalation_slope", "admin_capacity_slope",
    "port_investment_public_capital_share", "public_capital_elasticity", "delay_trade_semi_elasticity_imports",
    "digital_subsidy_additionality", "digital_tfp_level_per_10pp_adoption",
    "industry_transfer_but_for_share", "industry_transfer_national_gain_share", "supplier_spillover_semi_elasticity",
    "horizontal_spillover_semi_elasticity",
    "finance_rationed_gap_closure_max", "finance_clustering_premium_reduction_max", "finance_tfp_elasticity",
    "credit_investment_elasticity",
    "ftz_export_gain_max", "ftz_import_gain_max",
    "rd_regional_rate_of_return", "innovation_crowd_out",
    "industrial_chains_additionality",
    "producer_services_cost_reduction_max", "producer_services_productivity_gain_max",
)
#: of those, the ones evaluations find negative somewhere (their ranges reach below zero)
NEGATIVE_FOUND = ("capex_cost_overrun", "horizontal_spillover_semi_elasticity", "ftz_import_gain_max",
                  "rd_regional_rate_of_return")


def lever_mechanism_parameters() -> frozenset[str]:
    """Every lever-mechanism parameter (all levers and the shared limits)."""
    return frozenset(SHARED_MECHANISM).union(*MECHANISM.values())


def _lever_suffix(name: str) -> str | None:
    for lid in LEVERS:
        if name.startswith(lid + "_"):
            return name[len(lid) + 1:]
    return None


def is_policy_setting(name: str) -> bool:
    """True for a lever's budget, timing, financing shares and allocation (chosen by the planner)."""
    suffix = _lever_suffix(name)
    return suffix is not None and suffix in (*COMMON_SETTINGS, *FINANCING_KEYS, *ALLOCATION_SETTINGS)


def is_accounting(name: str) -> bool:
    """True for a lever's commodity-vector shares (what a yuan buys)."""
    suffix = _lever_suffix(name)
    return suffix is not None and suffix in ACCOUNTING_SETTINGS


def role(name: str) -> str:
    """``"policy setting"``, ``"lever accounting"``, ``"lever mechanism"`` or ``"economy"``."""
    if is_policy_setting(name):
        return "policy setting"
    if is_accounting(name):
        return "lever accounting"
    if name in lever_mechanism_parameters():
        return "lever mechanism"
    return "economy"


@dataclass(frozen=True)
class LiteratureRange:
    """Returns evaluations support for a lever: present value of GDP per yuan at 8% [yuan per yuan].

    Attributes
    ----------
    lo, hi : float
        The range.
    basis : str
        Why, in one or two sentences, with the studies.
    """

    lo: float
    hi: float
    basis: str
    jobs: str = ""
    trade: str = ""


#: generic band for spending levers (issue 16): a local impact multiplier of about 0.6 on spending with
#: 0.5-0.6 local value added and no lasting capacity (lower end) to five-year public-investment
#: multipliers of 1.1-1.6 plus long-run public-capital returns (upper end)
GENERIC_RANGE = (0.3, 2.5)

LITERATURE: dict[str, LiteratureRange] = {
    "port_investment": LiteratureRange(0.3, 1.0, (
        "Mostly the construction phase: local fiscal multipliers of about 0.6 in Chinese counties (Guo, Liu & Ma "
        "2016) on spending with about 0.4-0.5 local value added, plus public-capital returns (Bom & Ligthart 2014); "
        "the typical large Chinese transport project fails a risk-adjusted return (Ansar et al. 2016); trade: about "
        "1% of border trade per day of delay saved (Djankov, Freund & Pham 2010)")),
    "digital_infrastructure": LiteratureRange(0.3, 1.5, (
        "No evaluation gives GDP per yuan of public digital spending; Broadband China pilots show 0-7% gains in "
        "efficiency or productivity measures, weaker outside the east, and benefits come with adoption, not "
        "availability (Briglauer et al.; Ford 2018)")),
    "industry_transfer": LiteratureRange(0.3, 1.5, (
        "Provincial view; incentives mostly windfalls: 2-25% of incented location decisions are tipped (Bartik "
        "2018); the national view is lower (agglomeration gains offset elsewhere, Kline & Moretti 2014)")),
    "finance_clustering": LiteratureRange(0.0, 0.5, (
        "No evaluation of regional subsidies to attract financial institutions was found; HLJ's credit/GDP (about "
        "1.5) is above the 1.0 where more finance stops raising growth (Arcand, Berkes & Panizza 2015; contested "
        "by Cline 2015); a return near or below zero is defensible")),
    "ftz_opening": LiteratureRange(0.0, 1.0, (
        "Exports +0-10% after 1-5 years in inland and border FTZs, imports about unchanged (Zhou & Su 2021; Zou, Li & "
        "Dai 2025; Xinjiang synthetic DID preprint as an upper tail); a reform whose GDP return per yuan of "
        "administration is wide and can exceed 1 only with a large export effect")),
    "innovation_chain": LiteratureRange(0.3, 1.5, (
        "A regional R&D return of about 10%/yr with 15% depreciation and a 3-year lag is worth about 0.3 yuan of "
        "PV GDP per yuan at 8% (Frontier Economics; Hall, Mairesse & Mohnen 2010; Ugur et al. 2016), plus the "
        "spending's own demand; Chinese government R&D had a negative provincial growth effect in one study")),
    "industrial_chains": LiteratureRange(0.3, 1.5, (
        "Investment subsidies raise investment and employment, not TFP, and only for small firms (Criscuolo et al. "
        "2019); China's shipbuilding subsidies delivered idle capacity and low returns (Barwick et al. 2025)")),
    "producer_services": LiteratureRange(0.3, 1.0, (
        "Dominated by the services the programme buys; producer services raise manufacturing TFP only above a "
        "city-size threshold most Chinese cities have not reached (王文, 牛泽东 & 孙早 2020); national services "
        "liberalisation (Arnold et al. 2016) is an upper bound far above local spending")),
}


@dataclass(frozen=True)
class OutsideRange:
    """Where a lever's median return (PV of GDP per yuan at 8%) sits outside :data:`GENERIC_RANGE`, and why.

    Attributes
    ----------
    side : {"below", "above"}
    reason : str
        The evidence for the position (not a tuning note: no parameter is set to move the return).
    """

    side: str
    reason: str


#: levers whose median return (all parameters sampled) lies outside GENERIC_RANGE (written after running the
#: ensembles; tests/test_lever_returns.py checks the side and docs/levers.md prints the reason)
OUTSIDE_RANGE: dict[str, OutsideRange] = {
    "port_investment": OutsideRange("below", (
        "HLJ's crossings are not congested: the new bridges carry 0.2-0.4 of their design and the Russian "
        "checkpoints bind (Nizhneleninskoe 5.5 Mt/yr against a 21 Mt bridge; Kani-Kurgan 250-270 vehicles a day "
        "against 630), so extra Chinese-side capacity saves little border time, and time is the only channel through "
        "which capacity raises trade (about 1% of trade per day, Djankov, Freund & Pham 2010). Ansar et al. (2016) "
        "find that the typical large Chinese transport project fails a risk-adjusted return. The literature's "
        "0.3-1.0 for the construction phase rests on local multipliers of about 0.6 measured in counties with idle "
        "labour, which Heilongjiang's labour market does not have from the mid-2020s, and 60% of the money comes "
        "from bonds and budget reallocation that cut other provincial spending. No parameter was moved.")),
    "digital_infrastructure": OutsideRange("below", (
        "No evaluation gives GDP per yuan of public digital spending; what the evaluations say puts the return near "
        "zero in Heilongjiang: half the outlay replaces investment the state-owned operators would make anyway (a "
        "thin prior, analogue Boeing 2016), users take up only about 40% of the coverage made available (Whitacre "
        "et al. 2015), and the province is past the introduction phase the cross-country growth effects measure "
        "(Czernich et al. 2011), so the adoption gain is small; the equipment is largely bought outside the "
        "province, and 90% of the outlay is financed by bonds and reallocation that cut other provincial spending "
        "with more local value added. No parameter was moved.")),
    "ftz_opening": OutsideRange("below", (
        "The deepening is a reform: its evaluated effect is on exports (inland and border FTZs, Zhou & Su 2021; Zou, "
        "Li & Dai 2025; no magnitude in the abstracts, a thin prior of a few per cent), not on imports, and "
        "Heilongjiang's exports are a sixth of its trade, much of it goods from other provinces in transit with "
        "little local content. Its administration is 90% paid by reallocating the provincial budget, so the "
        "outlay adds no net demand. The median is inside the FTZ-specific range the literature supports (0-1.0) but "
        "below the generic band for spending levers. No parameter was moved.")),
    "innovation_chain": OutsideRange("below", (
        "On the band's lower edge, where the evidence puts it: a regional rate of return of about 10% a year on R&D "
        "with 15% obsolescence and a three-year lag is worth about 0.3 yuan of PV GDP per yuan at 8% (Hall, "
        "Mairesse & Mohnen 2010; Ugur et al. 2016), a quarter of the outlay displaces business R&D (Boeing 2016), "
        "and the spending's own demand is offset by its financing. Whether the median falls just below or just "
        "above 0.3 turns on the baseline it is measured against (it moved from above to below when the baseline's "
        "migration level was revised); its 90% band spans the whole lower half of the generic range. No parameter "
        "was moved.")),
    "industrial_chains": OutsideRange("above", (
        "The subsidy buys productive capital: at the central additionality (0.4) and subsidy rate (0.25) each yuan "
        "induces 1.6 yuan of projects that would not have happened (0 to 8 over the two priors, which is why the band "
        "is wide), and that capital earns the target sectors' average marginal product in the model (capital share x "
        "output / capital, about 0.17 a year in 2027 before about 8% depreciation, worth about 1 yuan of PV of output "
        "per yuan of capital at 8% over the window), on top of the projects' own construction and equipment demand. "
        "The model does not represent the evidence that subsidised marginal projects earn less than average capital "
        "(China's shipbuilding subsidies: idle capacity and low returns, Barwick, Kalouptsidi & Zahur 2025; no TFP "
        "from investment subsidies, Criscuolo et al. 2019): the median is an upper estimate for the lever as "
        "designed, and a return discount on subsidised capital is the mechanism the evidence points to. No parameter "
        "was moved.")),
}

_CONSTRUCTION_JOBS = ("about 230-250 direct worker-years per 100m yuan of construction output (NBS construction labour "
                      "productivity 2020-2023, derived), before multipliers; in a labour market at its frictional floor "
                      "extra jobs come only from more participation and migration")

#: lever id -> what the evidence says about jobs per 100m yuan (beside job_years_pv_per_100m)
JOBS_EVIDENCE = {
    "port_investment": _CONSTRUCTION_JOBS,
    "digital_infrastructure": "no estimate for digital spending; equipment is mostly bought outside HLJ; a "
                              "provincial internet-speed reform (2000): +0.14% firm employment and -0.06% average wage "
                              "per +1 pp of fixed-line users (continuous-treatment DID, abstract)",
    "industry_transfer": "UK investment subsidies: about US$6,300 per job created (Criscuolo et al. 2019, WP version); "
                         "relocated plants need workers the tight labour market must supply",
    "finance_clustering": "no evaluation found",
    "ftz_opening": "no evaluation found; administration employs its own staff",
    "innovation_chain": "about 207 full-time-equivalent R&D years per 100m yuan of R&D spending (48.4 10k yuan per "
                        "FTE, NBS/MOST/MOF 2022, derived)",
    "industrial_chains": "UK investment subsidies: +10% manufacturing employment per 10 pp higher maximum subsidy, small "
                         "firms only (Criscuolo et al. 2019)",
    "producer_services": "no evaluation found",
}

#: lever id -> what the evidence says about the trade effect (beside trade_added_2035_pct)
TRADE_EVIDENCE = {
    "port_investment": "about 1% of trade per day of border time saved (Djankov, Freund & Pham 2010; Hummels & Schaur "
                       "2013: 0.6-2.1% ad valorem per day); nothing when crossings are not congested",
    "ftz_opening": "exports +0-10% after 1-5 years in inland and border FTZs, imports about unchanged (Zhou & Su 2021; "
                   "Zou, Li & Dai 2025; Xinjiang +64% preprint as an upper tail)",
}

#: lever id -> switching its own channel off (its effect parameters at zero): the return that is left comes from the
#: spending and its financing alone (demand through the commodity vector, less what the financing takes away)
CHANNEL_OFF: dict[str, dict[str, float]] = {
    "port_investment": {"port_russia_matching_share": 0.0, "public_capital_elasticity": 0.0},
    "digital_infrastructure": {"digital_tfp_level_per_10pp_adoption": 0.0},
    "industry_transfer": {"industry_transfer_but_for_share": 0.0},
    "finance_clustering": {"finance_rationed_gap_closure_max": 0.0, "finance_clustering_premium_reduction_max": 0.0},
    "ftz_opening": {"ftz_export_gain_max": 0.0, "ftz_import_gain_max": 0.0},
    "innovation_chain": {"rd_regional_rate_of_return": 0.0},
    "industrial_chains": {"industrial_chains_additionality": 0.0},
    "producer_services": {"producer_services_cost_reduction_max": 0.0, "producer_services_productivity_gain_max": 0.0},
}

#: lever id -> why the model's return sits where it does (mechanisms and evidence, not a tuning note)
POSITION: dict[str, str] = {
    "port_investment": (
        "Switching the crossing and feeder-road channels off leaves about zero: the construction demand is offset by "
        "the other spending its financing displaces; what remains comes from the feeder roads' public capital and a "
        "trade gain of a few tenths of a per cent. The return would rise only in a scenario with congested "
        "crossings (a border closure, a trade surge): the trade effect is several times larger then "
        "(tests/test_lever_returns.py)."),
    "digital_infrastructure": (
        "Switching the TFP channel off changes the return by only a few hundredths: the sign is set by the spending "
        "and its financing, the asset adds little."),
    "industry_transfer": (
        "The incentive itself buys nothing (a transfer); the return is the relocated plants: about 0.6 yuan of capex "
        "per yuan at the central but-for share and subsidy rate (Bartik's 12.7% over a 20% subsidy), with the markets "
        "they bring. The band is wide because the but-for share runs from 0 to 25%. The national view is much lower: "
        "three quarters of the relocated capacity is displaced from other provinces at the central value (Kline & "
        "Moretti)."),
    "finance_clustering": (
        "At the lower edge of the generic band and inside the finance-specific range (0-0.5). The support is a "
        "transfer paid wholly from the provincial budget, so the spending alone is negative; what it buys back comes "
        "from a small cut of the regional risk premium (a thin prior: the premium prices borrower risk) and from "
        "closing part of the credit gap where credit lags the target. The band (from below zero to above 2) is the "
        "honest width of a prior without evaluations. No margin is counted as output, and above 100% credit/GDP more "
        "credit does not raise productivity (Arcand, Berkes & Panizza)."),
    "ftz_opening": (
        "The export effect is most of the return in the central run (compare the channel-off line); the rest is the "
        "administration's own wages and purchases, high in local value added but almost wholly financed by cutting "
        "other provincial spending."),
    "innovation_chain": (
        "At the lower end, as a regional rate of return of about 10% a year on R&D with 15% obsolescence and a "
        "three-year lag implies (about 0.3 at 8%, before the spending's own demand, which its financing offsets); a "
        "quarter of the outlay displaces business R&D (Boeing 2016). Jobs fall slightly: higher productivity needs "
        "fewer workers in a labour-bound economy."),
    "industrial_chains": (
        "Above the range: at the central additionality (0.4) and subsidy rate (0.25) each yuan of subsidy induces "
        "about 1.6 yuan of extra capital spending in the target sectors, which enters investment demand and then "
        "produces; the capacity competes for demand it has not got (other firms invest less, Barwick et al.'s idle "
        "capacity), and no TFP gain is credited (Criscuolo et al.). Both priors are thin, so the band is wide."),
    "producer_services": (
        "Part of the return is the services the programme buys (high local value added: the channel-off line); the "
        "rest is small TFP gains, capped well below the national services-liberalisation estimates (Arnold et al. 2016) because "
        "producer services raise manufacturing TFP only above a city-size threshold most Chinese cities have not "
        "reached."),
}
