"""Population block (one stock until the cohort block of issue 14 replaces it).

``population`` is a stock with ``d population/dt = births - deaths + net_migration``; birth and
death rates are driver series (``data/drivers/hlj_*_rate.csv``, per mille). Net migration responds
to the earnings a migrant can expect in HLJ relative to the rest of China (Harris-Todaro: the
relative wage times the employment rate, 2018 = 1) and to local unemployment::

    expected_relative_wage = (wage_relative / wage_relative_2018) * (1 - u_perceived) / (1 - u_2018)
    gap                    = ln(expected_relative_wage / relative_income_equilibrium_ratio)
    pull                   = m_y * gap - m_u * (unemployment_rate - unemployment_rate_2018)
    net_migration_rate = mobility * (pull if pull < 0 else r_in * pull)

bounded by ``max_migration_rate``. ``mobility = exp(-migration_cohort_decline * t)`` is the
young-adult (mobile) share of the population relative to 2018 (shrinking birth cohorts);
``r_in = in_migration_response`` (< 1) damps a positive pull: shrinking north-eastern regions attract
few migrants even when wages catch up. The relative wage comes from the wage curve (labour-market
block), so a tighter labour market slows out-migration.
"""

from __future__ import annotations

from ..engine import Aux, Flow, Stock
from ._base import EPS, PERSONS, driver

G = "population"
PY = "10k persons/yr"


def components() -> list:
    """Components of the population block."""
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
        Aux("expected_relative_wage", "1",
            "Expected earnings in HLJ relative to the rest of China: relative wage x employment rate (Harris-Todaro),"
            " 2018 = 1", (), G,
            equation="(wage_relative / wage_relative_2018) * (1 - perceived_unemployment_rate)"
                     " / (1 - unemployment_rate_2018)"),
        Aux("relative_income", "1",
            "HLJ real household income per head relative to China's income per head (GDP per head index), 2018 = 1", (), G,
            equation=f"household_income / max(population, {EPS}) / max(household_income_2018 / max(population_2018, {EPS}),"
                     f" {EPS}) / china_gdp_per_capita_index"),
        Aux("relative_income_equilibrium_level", "1",
            "Expected relative earnings (2018 = 1) at which net migration is zero: relative_income_equilibrium_ratio", (), G,
            equation="relative_income_equilibrium_ratio"),
        Aux("income_gap_log", "1", "ln(relative income / equilibrium): < 0 pushes residents out", (), G,
            equation="ln(max(expected_relative_wage, 0.0001) / relative_income_equilibrium_level)"),
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
            (), G, equation="exp(-migration_cohort_decline * (time - initial_time))"),
    ]
