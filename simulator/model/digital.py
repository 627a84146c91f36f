"""Digital block: digital capital -> attainable coverage -> S-shaped adoption -> TFP.

::

    attainable_coverage = ceiling * K_d / (K_d + K_half)
    d coverage/dt       = r * coverage * (1 - coverage / attainable_coverage)      (logistic)
    f(c)                = (c - c_2018) - (c - c_2018)^2 / (2 (ceiling - c_2018))
    E                   = f(coverage) - f(coverage_baseline)
    d ln(tfp_d)/dt      = (b / 0.1) * E - ln(tfp_d) / T_adj

The same chain runs twice: ``digital_coverage`` from all digital capital and
``digital_coverage_baseline`` from the capital baseline investment alone. The baseline's own digital
deepening is part of the sourced TFP trend (China's TFP record includes it); only the coverage the
digital_infrastructure lever adds, ``E``, raises TFP. ``b`` (``broadband_growth_effect``) is the extra
growth per +10 pp of coverage (Qiang & Rossotto; Czernich et al.); ``f`` gives coverage a marginal
value that fades to zero at saturation; the growth effect lasts until the TFP level reaches
``b/0.1 * T_adj * E`` (partial adjustment over ``T_adj`` years), so coverage raises the TFP level,
not its growth rate forever. Coverage creates no demand of its own: the digital-economy sector sells
what households, firms and government buy from it (input-output table), and digital investment is
bought through its commodity vector.
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, MONEY, MONEY_STOCK

G = "digital"


def _coverage(suffix: str, capital: str, doc: str) -> list:
    return [
        Aux(f"attainable_coverage{suffix}", "1", f"Coverage {doc} can support", (), G,
            equation=f"digital_coverage_ceiling * {capital} / max({capital} + digital_half_saturation, {EPS})"),
        Stock(f"digital_coverage{suffix}", "1",
              "Digital coverage/adoption index (share of population and firms using broadband-based services)"
              + ("" if not suffix else ": baseline digital capital only"),
              (), G, initial="digital_coverage_2018", inflows=(f"digital_adoption{suffix}",), non_negative=True),
        Flow(f"digital_adoption{suffix}", "1/yr",
             "Logistic adoption toward attainable coverage (negative if capital shrinks)", (), G,
             equation=f"max(digital_adoption_rate * digital_coverage{suffix}"
                      f" * (1 - digital_coverage{suffix} / max(attainable_coverage{suffix}, 0.01)),"
                      f" -0.5 * digital_coverage{suffix} / one_year)"),
        Aux(f"coverage_value{suffix}", "1",
            "Coverage above 2018 with marginal value fading to zero at the ceiling: (c-c0) - (c-c0)^2 / (2 (C-c0))", (), G,
            equation=f"(digital_coverage{suffix} - digital_coverage_2018)"
                     f" - (min(digital_coverage{suffix}, digital_coverage_ceiling) - digital_coverage_2018) ** 2"
                     " / (2 * (digital_coverage_ceiling - digital_coverage_2018))"),
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
        Aux("lever_digital_investment", MONEY, "Digital capital coming into service from the digital_infrastructure lever", (), G,
            equation="delay3(spending_digital_infrastructure * digital_infrastructure_efficiency,"
                     " digital_infrastructure_build_delay, 0)"),
        Flow("digital_investment", MONEY, "Additions to digital capital", (), G,
             equation="baseline_digital_investment + lever_digital_investment"),
        Flow("digital_depreciation", MONEY, "Depreciation of digital capital", (), G,
             equation="digital_depreciation_rate * digital_capital"),
        Aux("digital_half_saturation", MONEY_STOCK, "Digital capital at which attainable coverage is half the ceiling", (), G,
            equation="digital_capital_2018 * (digital_coverage_ceiling / digital_attainable_2018 - 1)"),
        *_coverage("", "digital_capital", "all digital capital"),
        *_coverage("_baseline", "baseline_digital_capital", "baseline digital capital"),
        Aux("effective_coverage_gain", "1", "Value of the coverage the lever adds to the baseline's", (), G,
            equation="coverage_value - coverage_value_baseline"),
        Stock("digital_tfp_log", "1", "Log TFP gain from the coverage the lever adds", (), G, initial=0.0,
              inflows=("digital_tfp_growth",)),
        Flow("digital_tfp_growth", "1/yr",
             "TFP growth: (b/0.1) x effective coverage gain, fading as the level catches up (partial adjustment)", (), G,
             equation="broadband_growth_effect / 0.1 * effective_coverage_gain"
                      " - digital_tfp_log / digital_tfp_adjustment_time"),
        Aux("digital_tfp_effect", "1", "TFP multiplier from the coverage the lever adds (1 without the lever)", (), G,
            equation="exp(digital_tfp_log)"),
    ]
