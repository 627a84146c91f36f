"""Labour and population block.

``population`` is a stock with ``d population/dt = births - deaths + net_migration``;
birth and death rates are driver series (``data/drivers/hlj_*_rate.csv``, per mille).
Net migration responds to the gap between HLJ's and China's per-capita income and to
local unemployment. Relative income moves with relative GDP per capita except for the
government-funded share of local income (central transfers, pensions: ``government_share_of_local_demand``),
which follows China's per-capita GDP::

    gap                = ln(relative_income / relative_income_equilibrium)
    pull               = m_y * gap - m_u * (unemployment_rate - unemployment_rate_2018)
    net_migration_rate = mobility * (pull if pull < 0 else r_in * pull)

bounded by ``max_migration_rate``. ``mobility = exp(-migration_cohort_decline * t)`` is the
young-adult (mobile) share of the population relative to 2018: HLJ's birth cohorts shrank from
~60 (10k) a year around 1990 to ~12 in 2020, so the population that migrates shrinks faster than
the population. ``r_in = in_migration_response`` (< 1) damps a positive pull (income or jobs):
shrinking north-eastern regions attract few migrants even when per-capita income catches up, so
out-migration slows but does not turn into sustained in-migration (no rebound without policy).

Labour market (employment is demand-determined; the labour force is the supply)::

    labour_force  = population * lf_ratio_2018 * exp(-ageing_drift * t)
                    * exp(-participation_unemployment_sensitivity * (u_perceived - u_2018))
    job_gap       = 1 - sum(jobs) / labour_force          (unemployment if every position were filled)
    u             = u_f + s * ln(1 + exp((job_gap - u_f) / s))
    employment_total = labour_force * (1 - u)

``jobs`` (production block) follow labour demand with a delay. When positions are well below
the labour force, ``u = job_gap`` and every position is filled; as positions approach the labour
force, unemployment bends smoothly toward the frictional rate ``u_f`` (``frictional_unemployment``,
softness ``s``) instead of hitting a kink, and part of the positions stay vacant. A job boom draws
people into the labour force (discouraged workers and the hidden unemployment of SOE restructuring
return) and, through the unemployment term of the migration pull, slows out-migration; a slump
does the opposite. Relative income carries a wage curve: it rises when the labour market is tight
(``income_unemployment_elasticity``). The 2018 labour force is set so that ``u`` equals
``unemployment_rate_2018`` exactly.
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, PERSONS, driver

G = "labour_population"
PY = "10k persons/yr"


def components() -> list:
    """Components of the labour and population block."""
    return [
        driver("birth_rate", "HLJ crude birth rate (rate of year Y placed at Y-0.5)", "1/yr", scale=0.001, shift=-0.5,
               group=G, name_override="hlj_birth_rate"),
        driver("death_rate", "HLJ crude death rate (rate of year Y placed at Y-0.5)", "1/yr", scale=0.001, shift=-0.5,
               group=G, name_override="hlj_death_rate"),
        Stock("population", PERSONS, "Resident population (post-2020-census basis)", (), G, initial="population_2018",
              inflows=("births", "net_migration"), outflows=("deaths",), non_negative=True),
        Flow("births", PY, "Births", (), G, equation="birth_rate * population"),
        Flow("deaths", PY, "Deaths", (), G, equation="death_rate * population"),
        Flow("net_migration", PY, "Net migration (negative = out-migration)", (), G,
             equation="net_migration_rate * population"),
        Aux("natural_increase", PY, "Births - deaths", (), G, equation="births - deaths"),
        Aux("china_gdp_per_capita_2018", "10k yuan/person/yr", "China GDP per resident in 2018", (), G,
            equation="china_gdp_2018 / init(china_population)"),
        Aux("relative_gdp_per_capita", "1", "HLJ / China real GDP per capita (expected HLJ output)", (), G,
            equation=f"expected_gdp_real / max(population, {EPS}) / (china_gdp_per_capita_2018 * china_gdp_per_capita_index)"),
        Aux("relative_income", "1",
            "HLJ / China per-capita income: the government-funded part of local income (central transfers, pensions)"
            " follows China's per-capita GDP, the rest HLJ's; wages rise with labour-market tightness (wage curve)", (), G,
            equation="init(relative_gdp_per_capita) * ((1 - government_share_of_local_demand)"
                     " * relative_gdp_per_capita / max(init(relative_gdp_per_capita), 0.01)"
                     " + government_share_of_local_demand)"
                     " * (max(perceived_unemployment_rate, 0.001) / unemployment_rate_2018)"
                     " ** (-income_unemployment_elasticity)"),
        Aux("income_gap_log", "1", "ln(relative income / equilibrium ratio): < 0 pushes residents out", (), G,
            equation="ln(max(relative_income, 0.01) / relative_income_equilibrium)"),
        Aux("migration_pull", "1/yr",
            "Migration pull before damping: income gap and unemployment relative to 2018 (< 0 pushes residents out)", (), G,
            equation="migration_income_sensitivity * income_gap_log"
                     " - migration_unemployment_sensitivity * (unemployment_rate - unemployment_rate_2018)"),
        Aux("net_migration_rate", "1/yr",
            "Net migration / population: the pull, damped when positive (in-migration), times the mobile share", (), G,
            equation="clip(mobility_factor * if_then_else(migration_pull < 0, migration_pull,"
                     " in_migration_response * migration_pull), -max_migration_rate, max_migration_rate)"),
        Aux("mobility_factor", "1",
            "Mobile (young adult) share of the population relative to 2018: shrinking birth cohorts damp migration",
            (), G,
            equation="exp(-migration_cohort_decline * (time - initial_time))"),
        # labour market
        Aux("job_gap_2018", "1", "Job gap (1 - positions / labour force) that gives unemployment_rate_2018 in 2018", (), G,
            equation="frictional_unemployment + unemployment_floor_softness"
                     " * ln(max(exp((unemployment_rate_2018 - frictional_unemployment) / unemployment_floor_softness) - 1,"
                     " 1e-12))"),
        Aux("labour_force_ratio_2018", "1", "Labour force / population in 2018", (), G,
            equation=f"sum(employment_2018) / (1 - unemployment_rate_2018) / max(population_2018, {EPS})"),
        Aux("perceived_unemployment_rate", "1", "Unemployment rate as perceived by households (smoothed over a year)", (), G,
            equation="smooth(unemployment_rate, unemployment_perception_time, unemployment_rate_2018)"),
        Aux("participation_factor", "1",
            "Participation relative to trend: discouraged workers leave when jobs are scarce, return when plentiful", (), G,
            equation="exp(-participation_unemployment_sensitivity * (perceived_unemployment_rate - unemployment_rate_2018))"),
        Aux("labour_force", PERSONS,
            "Labour force: population x participation ratio (drifting down with ageing, responding to job availability)",
            (), G,
            equation="population * labour_force_ratio_2018 * exp(-ageing_labour_force_drift * (time - initial_time))"
                     " * participation_factor"),
        Aux("job_gap", "1", "1 - job positions / labour force: unemployment if every position were filled", (), G,
            equation=f"1 - sum(jobs) / max(labour_force, {EPS})"),
        Aux("unemployment_rate", "1",
            "Unemployment rate: the job gap, bending smoothly toward the frictional rate (soft floor) when jobs are plentiful",
            (), G,
            equation="min(1, frictional_unemployment + unemployment_floor_softness"
                     " * (max(job_gap - frictional_unemployment, 0) / unemployment_floor_softness"
                     " + ln(1 + exp(-abs(job_gap - frictional_unemployment) / unemployment_floor_softness))))"),
        Aux("employment_total", PERSONS, "Total employment: labour force x (1 - unemployment) (= sum over sectors)", (), G,
            equation="labour_force * (1 - unemployment_rate)"),
        Aux("unemployed", PERSONS, "Unemployed persons", (), G, equation="labour_force - employment_total"),
    ]
