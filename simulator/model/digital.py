"""Digital block: digital capital -> available coverage -> paid adoption -> TFP level.

::

    attainable_coverage = ceiling * K_d / (K_d + K_half)
    d c/dt              = r * c * (1 - c / attainable_coverage)                  (logistic)
    adoption            = c_baseline + s * (c_available - c_baseline)
    f(c)                = (c - c_2018) - (c - c_2018)^2 / (2 (ceiling - c_2018))
    E                   = f(adoption) - f(c_baseline)
    d ln(tfp_d)/dt      = ((b / 0.1) * E - ln(tfp_d)) / T_adj

The logistic chain runs twice: ``digital_coverage_baseline`` from the capital baseline investment
alone and ``digital_coverage_available`` from all digital capital (baseline + the
digital_infrastructure lever's). The lever builds capital only with the additional part of its
outlay (``digital_subsidy_additionality``: operators would build part of it anyway; that part is
a transfer to them) after a build delay, at the physical-works rate of the levers block (overruns,
construction escalation, implementation). What the lever makes available is not what people use:
adoption is a demand decision, and users take up only the share ``s``
(``digital_adoption_share_of_supply_gap``, Whitacre et al. 2015) of the coverage the lever adds,
paying for it out of their own budgets: coverage creates no demand of its own (the digital-economy
sector sells what households, firms and government buy from it through the input-output table, and
the lever's spending is bought through its commodity vector).

The baseline's own digital deepening is part of the sourced TFP trend (China's TFP record includes
it); only the adoption the lever adds, ``E``, raises TFP. ``b``
(``digital_tfp_level_per_10pp_adoption``) is the log-TFP *level* gain per +10 pp of adoption
(Czernich et al. 2011 at introduction as an upper bound; Broadband China pilots; Briglauer et al.,
Ford): ``f`` gives adoption a marginal value that fades to zero at the ceiling (diminishing returns),
and the level is reached gradually over ``T_adj`` (firms reorganise around the technology).
``digital_coverage`` (headline) is the adoption index.
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, MONEY, MONEY_STOCK

G = "digital"


def _value(name: str, coverage: str) -> Aux:
    return Aux(name, "1",
               "Coverage above 2018 with marginal value fading to zero at the ceiling: (c-c0) - (c-c0)^2 / (2 (C-c0))", (), G,
               equation=f"({coverage} - digital_coverage_2018)"
                        f" - (min({coverage}, digital_coverage_ceiling) - digital_coverage_2018) ** 2"
                        " / (2 * (digital_coverage_ceiling - digital_coverage_2018))")


def _coverage(suffix: str, capital: str, doc: str) -> list:
    return [
        Aux(f"attainable_coverage{suffix}", "1", f"Coverage {doc} can support", (), G,
            equation=f"digital_coverage_ceiling * {capital} / max({capital} + digital_half_saturation, {EPS})"),
        Stock(f"digital_coverage{suffix}", "1",
              f"Coverage/adoption index that {doc} supports (share of population and firms using broadband-based services)",
              (), G, initial="digital_coverage_2018", inflows=(f"digital_adoption{suffix}",), non_negative=True),
        Flow(f"digital_adoption{suffix}", "1/yr",
             "Logistic adoption toward attainable coverage (negative if capital shrinks)", (), G,
             equation=f"max(digital_adoption_rate * digital_coverage{suffix}"
                      f" * (1 - digital_coverage{suffix} / max(attainable_coverage{suffix}, 0.01)),"
                      f" -0.5 * digital_coverage{suffix} / one_year)"),
    ]


def components() -> list:
    """Components of the digital block."""
    return [
        Stock("digital_capital", MONEY_STOCK, "Digital infrastructure capital (fibre, 5G, data centres, industrial internet)",
              (), G, initial="digital_capital_2018", inflows=("digital_investment",), outflows=("digital_depreciation",),
              non_negative=True),
        Stock("baseline_digital_capital", MONEY_STOCK, "Digital capital built by baseline investment alone", (), G,
              initial="digital_capital_2018", inflows=("baseline_digital_investment",),
              outflows=("baseline_digital_depreciation",), non_negative=True),
        Flow("baseline_digital_investment", MONEY, "Baseline digital investment (share of expected GDP)", (), G,
             equation="digital_investment_share * expected_gdp_real"),
        Flow("baseline_digital_depreciation", MONEY, "Depreciation of baseline digital capital", (), G,
             equation="digital_depreciation_rate * baseline_digital_capital"),
        Aux("lever_digital_investment", MONEY,
            "Digital capital coming into service from the digital_infrastructure lever: its additional part, at the"
            " physical-works rate, after the build delay", (), G,
            equation="delay3(spending_digital_infrastructure * digital_subsidy_additionality"
                     " * digital_infrastructure_works_per_yuan, digital_infrastructure_build_delay, 0)"),
        Flow("digital_investment", MONEY, "Additions to digital capital", (), G,
             equation="baseline_digital_investment + lever_digital_investment"),
        Flow("digital_depreciation", MONEY, "Depreciation of digital capital", (), G,
             equation="digital_depreciation_rate * digital_capital"),
        Aux("digital_half_saturation", MONEY_STOCK, "Digital capital at which attainable coverage is half the ceiling", (), G,
            equation="digital_capital_2018 * (digital_coverage_ceiling / digital_attainable_2018 - 1)"),
        *_coverage("_available", "digital_capital", "all digital capital"),
        *_coverage("_baseline", "baseline_digital_capital", "baseline digital capital"),
        Aux("digital_coverage", "1",
            "Digital adoption index: the baseline's plus the share of the lever's added availability users take up", (), G,
            equation="digital_coverage_baseline"
                     " + digital_adoption_share_of_supply_gap * (digital_coverage_available - digital_coverage_baseline)"),
        _value("coverage_value", "digital_coverage"),
        _value("coverage_value_baseline", "digital_coverage_baseline"),
        Aux("effective_coverage_gain", "1", "Value of the adoption the lever adds to the baseline's", (), G,
            equation="coverage_value - coverage_value_baseline"),
        Stock("digital_tfp_log", "1", "Log TFP gain from the adoption the lever adds", (), G, initial=0.0,
              inflows=("digital_tfp_growth",)),
        Flow("digital_tfp_growth", "1/yr",
             "Adjustment of the log TFP level toward (b/0.1) x effective adoption gain over the adjustment time", (), G,
             equation="(digital_tfp_level_per_10pp_adoption / 0.1 * effective_coverage_gain - digital_tfp_log)"
                      " / digital_tfp_adjustment_time"),
        Aux("digital_tfp_effect", "1", "TFP multiplier from the adoption the lever adds (1 without the lever)", (), G,
            equation="exp(digital_tfp_log)"),
    ]
