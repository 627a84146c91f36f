"""Labour market block: labour supply, employment limited by it, unemployment, the regional wage.

Labour supply is the interface the population block fills: ``labour_force`` [10k persons] is the
sum of the cohort block's ``labour_force_by_age`` (participation by sex x age group x residents,
with the statutory retirement ages of the 2025 reform and the participation response to
unemployment, ``participation_factor`` below), times the scenario hook ``labour_supply_multiplier``
(shock ``labour_supply``)::

    labour_force = sum(labour_force_by_age) * multiplier

Employment is limited by it. Job positions (``jobs``, production block) follow labour demand; the
job gap ``1 - sum(jobs) / labour_force`` is the unemployment rate if every position were filled, and
unemployment bends smoothly toward the frictional rate ``u_f`` instead of crossing it::

    u = u_f + s * softplus((job_gap - u_f) / s),   employment_total = labour_force * (1 - u)

so employment can never exceed the labour force less frictional unemployment; positions beyond
that stay vacant, and each sector's employment is its positions times the common fill rate.

Participation responds to the perceived job gap, not to the registered unemployment rate: the
registered rate cannot fall below its frictional floor, while HLJ's hidden unemployment (workers laid
off in SOE restructuring, rural under-employment, low participation: labour force / population 0.48 in
2018 against about 0.55 nationally) is drawn into work as long as positions outnumber workers. Above
the floor the job gap equals the unemployment rate, so the discouraged-worker response is unchanged
there::

    participation_factor = exp(-s_p (job_gap_perceived - job_gap_2018))

The regional wage relative to the national average wage follows a wage curve (unemployment
elasticity ``-wage_curve_elasticity``, Nijkamp & Poot 2005 meta-analysis, Blanchflower & Oswald)
and HLJ's labour productivity relative to the national one (pass-through ``wage_productivity_passthrough``),
adjusting over ``wage_adjustment_time``. Relative productivity is output per worker that HLJ's
technology and capital stock support (TFP x capital per worker^a) against China's labour
productivity, not measured output per worker, which moves with demand; with full pass-through the
labour share stays near its 2018 level instead of drifting when HLJ's productivity lags China's.
The level curve is written in the (perceived) unemployment rate, the variable the wage-curve
elasticity is estimated on, so it moves the wage by at most ``(u_f / u_2018)^-b`` (about +3%) when
unemployment reaches its frictional floor; it is not extrapolated into a regime of unfilled positions
that no estimate covers. Vacancies beyond the floor raise the wage through the scarcity premium, a
stock in the job gap (unemployment if every position were filled) with the same semi-elasticity
``b / u_2018``::

    wage_relative* = wage_relative_2018 * (A (K/E)^a / China labour productivity)^lambda
                     * (u_perceived / u_2018)^(-b) * premium
    d premium / dt = premium * (-b / u_2018 * (job_gap_perceived - u_f) / T_w - k ln(premium))

The level curve is the short-run response the wage-curve literature estimates, anchored at 2018; the
premium keeps moving the wage while the market is away from frictional unemployment ``u_f``: up
while positions go unfilled, down while unemployment exceeds the frictional rate (as in 2012-2019,
when HLJ's relative wage fell from 0.825 to 0.756 of the national one), and erodes toward 1 at the
rate ``k`` (``wage_premium_decay_rate``): regional relative wages are stationary around the region's
own level (Chinese provinces: Zhong 2005; US states: Blanchard & Katz 1992, where migration, not the
wage, carries the long-run adjustment; a compensating differential for climate and amenities, Roback
1982, anchors that level). A persistent gap therefore holds the premium at the finite level
``ln premium = -b / u_2018 (gap - u_f) / (T_w k)`` instead of raising the wage without bound
(``k = 0``, the prior's lower end, is that pure integral).

The HLJ real wage index is the national real wage (driver) times ``wage_relative`` relative to 2018:
it sets the factor-price ratio of the production block, unit labour costs against the rest of
China (competitiveness block), the wage bill in household income (demand block) and, through
income, migration (population block).
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, MONEY, PERSONS, S

G = "labour_market"


def components() -> list:
    """Components of the labour-market block."""
    return [
        # labour supply (interface filled by the population block)
        Aux("perceived_unemployment_rate", "1", "Unemployment rate as perceived by households (smoothed over a year)", (), G,
            equation="smooth(unemployment_rate, unemployment_perception_time, unemployment_rate_2018)"),
        Aux("participation_factor", "1",
            "Participation relative to trend: discouraged workers leave when jobs are scarce and the hidden unemployed"
            " return when positions are plentiful (perceived job gap relative to 2018; not floored)", (), G,
            equation="exp(-participation_unemployment_sensitivity * (perceived_job_gap - job_gap_2018))"),
        Aux("labour_force", PERSONS,
            "Labour supply: the cohort block's labour force by sex x age (participation responding to job availability)"
            " x the labour_supply_multiplier scenario hook", (), G,
            equation="sum(labour_force_by_age) * labour_supply_multiplier"),
        Aux("available_labour", PERSONS, "Labour force less frictional unemployment: the most that can be employed", (),
            G, equation="labour_force * (1 - frictional_unemployment)"),
        # unemployment and employment
        Aux("job_gap_2018", "1", "Job gap (1 - positions / labour force) that gives unemployment_rate_2018 in 2018", (), G,
            equation="frictional_unemployment + unemployment_floor_softness"
                     " * ln(max(exp((unemployment_rate_2018 - frictional_unemployment) / unemployment_floor_softness) - 1,"
                     " 1e-12))"),
        Aux("jobs_2018", PERSONS, "Job positions in 2018: employment plus the frictional vacancies of the soft floor", S, G,
            equation="employment_2018 * (1 - job_gap_2018) / (1 - unemployment_rate_2018)"),
        Aux("job_gap", "1", "1 - job positions / labour force: unemployment if every position were filled", (), G,
            equation=f"max(1 - sum(jobs) / max(labour_force, {EPS}), -1)"),
        Aux("unemployment_rate", "1",
            "Unemployment rate: the job gap, bending smoothly toward the frictional rate (soft floor) when jobs are plentiful",
            (), G,
            equation="min(1, frictional_unemployment + unemployment_floor_softness"
                     " * (max(job_gap - frictional_unemployment, 0) / unemployment_floor_softness"
                     " + ln(1 + exp(-abs(job_gap - frictional_unemployment) / unemployment_floor_softness))))"),
        Aux("employment_total", PERSONS, "Total employment: labour force x (1 - unemployment) (= sum over sectors)", (), G,
            equation="labour_force * (1 - unemployment_rate)"),
        Aux("fill_rate", "1", "Share of positions filled: employment_total / positions (< 1 near the frictional floor)",
            (), G, equation=f"employment_total / max(sum(jobs), {EPS})"),
        Aux("employment", PERSONS,
            "Employment by sector: positions filled (= jobs x fill_rate, written relative to 2018 so it starts exactly"
            " at employment_2018)", S, G,
            equation=f"employment_2018 * (jobs / max(jobs_2018, {EPS})) * (fill_rate / max(init(fill_rate), {EPS}))"),
        Aux("vacancies", PERSONS, "Unfilled positions", (), G, equation="sum(jobs) - employment_total"),
        Aux("unemployed", PERSONS, "Unemployed persons", (), G, equation="labour_force - employment_total"),
        # wages
        Aux("potential_labour_productivity", "1",
            "Output per worker HLJ's technology and capital stock support (TFP x (capital per worker)^a, value-added"
            " weights of 2018), 2018 = 1: a supply-side measure that does not move with demand", (), G,
            equation=f"sum(va_2018 * productivity * (capital / max(capital_2018, {EPS})"
                     f" / max(employment / max(employment_2018, {EPS}), {EPS})) ** capital_share) / gdp_real_2018"),
        Aux("relative_labour_productivity", "1",
            "HLJ's potential labour productivity relative to China's labour productivity (driver), 2018 = 1", (), G,
            equation="potential_labour_productivity / china_labour_productivity_index"),
        Aux("perceived_job_gap", "1", "Job gap as wage setters perceive it (smoothed)", (), G,
            equation="smooth(job_gap, unemployment_perception_time, job_gap_2018)"),
        Aux("wage_relative_target", "1",
            "Wage curve: HLJ / national average wage the labour market and relative productivity point to", (), G,
            equation="wage_relative_2018 * max(relative_labour_productivity, 0.01) ** wage_productivity_passthrough"
                     f" * (max(perceived_unemployment_rate, {EPS}) / unemployment_rate_2018) ** (-wage_curve_elasticity)"
                     " * labour_scarcity_premium"),
        Stock("labour_scarcity_premium", "1",
              "Wage premium that builds up while positions outnumber the labour force less frictional unemployment"
              " (vacancies) and erodes while unemployment is above it, 2018 = 1", (), G,
              initial=1.0, inflows=("labour_scarcity_premium_change",), non_negative=True),
        Flow("labour_scarcity_premium_change", "1/yr",
             "Change of the scarcity premium: the wage curve's log response to the job gap beyond frictional"
             " unemployment, per wage_premium_adjustment_time, less its erosion toward 1 (relative wages are"
             " stationary around the region's level: wage_premium_decay_rate)", (), G,
             equation="labour_scarcity_premium * (clip(-wage_curve_elasticity / unemployment_rate_2018"
                      " * (perceived_job_gap - frictional_unemployment), -0.5, 0.5) / wage_premium_adjustment_time"
                      f" - wage_premium_decay_rate * ln(max(labour_scarcity_premium, {EPS})))"),
        Stock("wage_relative", "1", "HLJ average wage / national average wage (adjusts toward the wage curve)", (), G,
              initial="wage_relative_2018", inflows=("wage_relative_change",)),
        Flow("wage_relative_change", "1/yr", "Adjustment of the relative wage toward its target", (), G,
             equation="(wage_relative_target - wage_relative) / wage_adjustment_time"),
        Aux("real_wage_index", "1", "HLJ real average wage, 2018 = 1: national real wage x relative wage", (), G,
            equation="china_real_wage_index * wage_relative / wage_relative_2018"),
        Aux("wage_bill", MONEY, "Real wage bill: labour compensation at 2018 prices", (), G,
            equation=f"wage_bill_2018 * real_wage_index * employment_total / max(sum(employment_2018), {EPS})"),
        Aux("wage_bill_2018", MONEY, "Labour compensation in 2018 (labour share x value added)", (), G,
            equation="sum(labour_share * va_2018)"),
    ]
