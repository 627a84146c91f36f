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
out-migration slows but does not turn into sustained in-migration (no rebound without policy). The labour force is the population times a
participation ratio that drifts down with ageing; unemployment = 1 - employment /
labour force.
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
            " follows China's per-capita GDP, the rest HLJ's", (), G,
            equation="init(relative_gdp_per_capita) * ((1 - government_share_of_local_demand)"
                     " * relative_gdp_per_capita / max(init(relative_gdp_per_capita), 0.01)"
                     " + government_share_of_local_demand)"),
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
        Aux("labour_force_ratio_2018", "1", "Labour force / population in 2018", (), G,
            equation=f"sum(employment_2018) / (1 - unemployment_rate_2018) / max(population_2018, {EPS})"),
        Aux("labour_force", PERSONS, "Labour force: population x participation ratio drifting down with ageing", (), G,
            equation="population * labour_force_ratio_2018 * exp(-ageing_labour_force_drift * (time - initial_time))"),
        Aux("unemployment_rate", "1", "1 - employment_total / labour_force", (), G,
            equation=f"clip(1 - employment_total / max(labour_force, {EPS}), 0, 1)"),
    ]
