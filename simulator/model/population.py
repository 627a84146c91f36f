"""Population block: cohort-component model by single year of age x sex, and labour supply.

The state and the ageing scheme
-------------------------------
One class per single year of age 0 ... 88 and an open class 89+, by sex: ``population_y0 ...
population_y4`` [10k persons] are over ``(sex, age)``, ``age`` the 5-year group (``a0_4 ...
a80_84, a85p``) and ``yj`` the single year ``j`` within it (``population_y2`` at ``a15_19`` holds
the persons aged 17; ``population_y4`` at ``a85p`` is the open class 89+). Parameters given by
5-year group (death rates, fertility, migration schedule, participation) apply to the five alike;
5-year outputs are their sum.

Model time ``Y`` is the end of calendar year ``Y`` (as everywhere in the model); at that moment a
class holds the persons of that completed age, i.e. one birth cohort; during a year a class is
labelled by the age its cohort reaches at the end of the year. The classes are the block's
state, carried from one step to the next as a cohort-component projection with the model's
``dt`` (``population_yj = previous(population_next_yj)``: the stocks of a discrete-time model,
held through the stages of RK4, so the block does the same under Euler and RK4)::

    within a year:         class(t + dt) = class(t) x (1 - dt x rate of its group)
    turn of the year:      class(t + dt) = younger class(t) x (1 - dt x rate of the group it moves into)
    births (both cases):   class 0 (t + dt) += dt x births(t)

The turn of the year is the first step of each year (``ageing_step`` = 1 in the step starting at
each whole year ``Y``): every class except the open one moves up whole (``y4`` of a group into
``y0`` of the next, 88 into 89+, which keeps its members). Ageing is a transfer, not a rate, so
each cohort is followed exactly for any ``dt`` that divides one year, and with no deaths and no
migration a cohort of 2018 is found intact, one class up each year. (A first-order chain of
5-year groups, ``stock / 5`` per year, cannot do this: zero fertility would leave a third of the
0-4 group after five years; and a pulse transfer between engine stocks is smeared by RK4, which
evaluates it at three of its four stages.) Accounting: ``population(t + dt) - population(t) =
dt x (births - deaths + net_migration)`` at every step, with deaths and net migration at the
rates of the groups after the turn (``population_by_age_after_ageing``). In an XMILE export
each class is written as a stock with inflow ``(next - class) / DT``, the same under Euler.

Flows (per class ``P``; at the turn of the year the rates of the group moved into)::

    deaths        = m(sex, age, t) x P,    m = m_2018 x exp(-s x rho x (t_cal - 2018.5)) x mult(t)
    births        = TFR(t) x sum(fertility_shape(age) x P[female]),  split by the sex ratio at birth
    net migration = -level(t) x schedule(age) x sex factor x P      (level > 0: net out-migration)

``mult``, ``TFR`` and the migration ``level`` are the history conditions of 2019-2022 (drivers
``hlj_*_history.csv``, fitted year by year so that the revised year-end population and the crude
birth and death rates of each year are reproduced; this carries the 2020-2022 jump of the death
rate and the collapse of net out-migration in the COVID years 2021-2022); afterwards
``mortality_level_multiplier``, ``tfr_future`` and the model's migration level: a base level (the
mean of the 2019-2022 levels) and the economic pull of the core::

    level = base - s_w ln(wage_relative / wage_relative_2018) + s_e (u_perceived - u_2018) + s_c network

(relative real wage: HLJ's wage relative to the national average, deflated alike; the rest of
China's employment rate held at its 2018 relation; ``network`` = decaying stock of past net
out-migrants per resident), damped by ``in_migration_response`` when negative and bounded by
``max_migration_rate``. The pull sensitivities are priors (wide, including zero): within
2019-2022 the fitted levels leave nothing for them to explain, and a calibration of level and
pull on the four years did not narrow them (they rest on their priors, as in the earlier model).
The male factor of the schedule is calibrated to the male and female totals. The age schedule
(Rogers-Castro) makes the cohort size matter by itself: fewer young adults, fewer migrants.

Labour supply
-------------
Participation of a group is ``below`` for its members under their statutory retirement age and
``above`` for the others, mixed by the share of the group still below it (from its single years,
ages taken as uniform within the group, as the participation tables are by group). The statutory age of a
birth cohort follows the 2025 reform (NPCSC decision 2024: men 60 -> 63, women cadres 55 -> 58,
women workers 50 -> 55, by so many months of delay per month of birth date, from 1 Jan 2025),
scaled by the scenario parameter ``retirement_reform_scale``. For a rule with old age ``a0``, full
delay ``D`` and pace ``p``, a person of exact age ``x`` at calendar date ``c`` is below the
statutory age while ``x < x*``, ``x* = clip((a0 + s p (c + a0 - 2025)) / (1 + s p), a0, a0 + s D)``;
a single year spans one year of exact age, so its share below is ``clip(x* - lower age, 0, 1)``.
``labour_force_by_age`` = participation x persons x the participation response to unemployment
(``participation_factor``, labour-market block: discouraged workers) x ``labour_force_calibration``
(one number so that the 2018 labour force equals the core's 2018 employment / (1 - u_2018));
``labour_force`` (labour-market block) is its sum x the ``labour_supply_multiplier`` hook.

Outputs: ``population``, ``population_by_age`` (sex x age), ``births``, ``deaths``,
``net_migration``, ``net_migration_by_age``, ``population_share_0_14``, ``population_share_65_plus``,
``working_age_population`` (15-64),
``old_age_dependency_ratio`` (65+ / 15-64), ``median_age``, ``labour_force_by_age``, and the
cumulative stocks ``births_cumulative``, ``deaths_cumulative``, ``net_migration_cumulative``
(differences between years give the exact annual flows).
"""

from __future__ import annotations

import numpy as np

from ..engine import Aux, Constant, Flow, Stock, TimeSeries
from ._base import AGE, EPS, PERSONS, SEXES, one_year, read_driver

G = "population"
PY = "10k persons/yr"
SA = ("sex", "age")
#: Dimensions of the class arrays: the year within the group first, so that (sex, age) tables broadcast over
#: contiguous memory and reductions over ``age_year`` are cheap.
YSA = ("age_year", "sex", "age")
YA = ("age_year", "age")

#: Single year of age of each class at the end of a year [yr] (age_year x age; 89 = the open class 89+).
CLASS_AGE = np.array([[5.0 * g + j for g in range(len(AGE))] for j in range(5)])
_OPEN = np.zeros(CLASS_AGE.shape)
_OPEN[-1, -1] = 1.0


def _nested(a: np.ndarray):
    return tuple(_nested(x) for x in a) if np.ndim(a) > 1 else tuple(float(x) for x in a)


def history_condition(name: str, doc: str) -> TimeSeries:
    """A calendar-year step function from ``data/drivers/<name>.csv`` (rows for years ``Y``).

    The value of year ``Y`` holds over model time ``[Y - 1, Y)``: the flows of calendar year
    ``Y`` (model time is the end of the year). Used only while ``time < population_history_end``.
    """
    xs, ys, unit, _ = read_driver(name)
    x, y = [], []
    for year, v in zip(xs, ys):
        x += [year - 1.0, year - 1e-6]
        y += [v, v]
    return TimeSeries(name, units=unit, doc=doc + f" [data/drivers/{name}.csv]", group=G, x=tuple(x), y=tuple(y))


def _structure() -> list:
    def const(name, units, doc, dims, value):
        return Constant(name, units=units, doc=doc, dims=dims, group="structure", value=_nested(np.asarray(value)))

    ages = np.arange(len(AGE))
    return [
        const("class_age", "yr", "Single year of age of each class at the end of a year (89: the open class 89+)",
              YA, CLASS_AGE),
        const("ageing_class", "1", "1 for the classes that move up a year each year (all but the open class 89+)",
              YA, 1.0 - _OPEN),
        const("first_year_of_group", "1", "1 for the first single year of each 5-year group (y0)", ("age_year",),
              [1.0, 0, 0, 0, 0]),
        const("newborn_group", "1", "1 for the group that receives the births (0-4)", ("age",), (ages == 0).astype(float)),
        const("closed_group", "1", "1 for the groups whose last year moves on to the next group (all but 85+)", ("age",),
              (ages < len(AGE) - 1).astype(float)),
        const("is_male", "1", "1 for male, 0 for female", ("sex",), [1.0, 0.0]),
        const("child_age", "1", "1 for the groups 0-14", ("age",), (ages <= 2).astype(float)),
        const("working_age", "1", "1 for the groups 15-64", ("age",), ((ages >= 3) & (ages <= 12)).astype(float)),
        const("old_age", "1", "1 for the groups 65+", ("age",), (ages >= 13).astype(float)),
        const("age_group_width", "yr", "Width of each group for the grouped median (85+ taken as 85-100)", ("age",),
              np.where(ages < len(AGE) - 1, 5.0, 15.0)),
        const("age_groups_below", "1", "1 where group age2 is below group age (cumulative sums over age)",
              ("age", "age2"), (ages[:, None] > ages[None, :]).astype(float)),
    ]


def _group_shift(name: str, units: str, doc: str, template: str, step: int) -> Aux:
    """Per-element equations ``name[sex, g] = template`` with ``{src}`` the cell ``(sex, g - step)`` and
    ``{dst}`` the cell ``(sex, g)`` (0 where ``g - step`` is outside the groups): a shift along ``age``.

    One small copy per cell per step; a ``matmul`` with a shift matrix costs ten times more on
    (N, 2, 18) arrays.
    """
    elements = {}
    for sex in SEXES:
        for g, grp in enumerate(AGE):
            k = g - step
            elements[(sex, grp)] = (template.format(src=f"'{sex}', '{AGE[k]}'", dst=f"'{sex}', '{grp}'")
                                    if 0 <= k < len(AGE) else "0")
    return Aux(name, units, doc, SA, G, equation=None, elements=elements)


def _single_year_classes() -> list:
    """``population_y0 ... population_y4`` (sex x group): the state, one step on from the previous (module doc)."""
    out = []
    for j in range(5):
        sj = f"population_y{j}"
        # if_then_else(ageing_step > 0, turn of the year, within the year): the second branch is the
        # first with ageing_step = 0 written out (the same numbers: the terms it drops are exact zeros);
        # the engine evaluates only the branch taken (the condition depends on time only)
        if j == 0:
            nxt = ("if_then_else(ageing_step > 0, (1 - ageing_step) * survival * population_y0"
                   " + ageing_step * arriving_from_group_below + dt * births_by_sex * newborn_group,"
                   " survival * population_y0 + dt * births_by_sex * newborn_group)")
            what = "at the turn of the year the last year of the group below, and the births of the step"
        elif j < 4:
            nxt = (f"if_then_else(ageing_step > 0, survival * (population_y{j} + ageing_step * "
                   f"(population_y{j - 1} - population_y{j})), survival * population_y{j})")
            what = f"at the turn of the year population_y{j - 1}"
        else:
            nxt = ("if_then_else(ageing_step > 0, survival * (population_y4 * (1 - ageing_step * closed_group)"
                   " + ageing_step * population_y3), survival * population_y4)")
            what = "at the turn of the year population_y3; the open class 89+ keeps its members"
        init = (f"population_2018 * population_2018_by_age / max(sum(population_2018_by_age), 1e-9)"
                f" * population_2018_year_share['y{j}'] / sum(population_2018_year_share, 'age_year')")
        out.append(Aux(sj, PERSONS, f"Residents in single year {j} of each 5-year group (ages 5g + {j}"
                       + ("; 85+: the open class 89+" if j == 4 else "") + "): the previous step's survivors after "
                       f"deaths and net migration at the rates of the group ({what})", SA, G,
                       equation=f"previous({nxt}, {init})"))
    return out


def components() -> list:
    """Components of the population block."""
    return _structure() + [
        history_condition("hlj_tfr_history", "HLJ total fertility rate of each history year (fitted)"),
        history_condition("hlj_death_rate_multiplier_history", "Multiplier on the death rates in each history year (fitted)"),
        history_condition("hlj_net_outmigration_level_history", "Net out-migration level of each history year (fitted)"),
        Aux("calendar_time", "yr", "Calendar date (decimal year) of model time: model time Y is the end of year Y", (), G,
            equation="time + 1"),
        Aux("in_history", "1", "1 while the history conditions apply (flows of calendar years up to 2022)", (), G,
            equation="if_then_else(time < population_history_end, 1, 0)"),
        # --- stocks and ageing: one stock per single year within the 5-year groups
        *_single_year_classes(),
        Aux("ageing_step", "1", "1 in the first step of each year (the turn of the year: every class moves up), else 0",
            (), G, equation="pulse(1, int(initial_time + 0.999999), 1) * dt / one_year"),
        Aux("net_loss_rate", "1/yr", "Death rate + net out-migration rate by sex x group", SA, G,
            equation="mortality_rate - net_migration_rate_by_age"),
        Aux("survival", "1", "Share of a class left after one step's deaths and net migration", SA, G,
            equation="1 - dt * net_loss_rate"),
        _group_shift("arriving_from_group_below", PERSONS,
                     "Last single year of the group below after this step's losses at this group's rates (moving up at"
                     " the turn of the year)", "population_y4[{src}] * survival[{dst}]", 1),
        _group_shift("last_year_from_group_below", PERSONS, "Last single year of the group below",
                     "population_y4[{src}]", 1),
        Aux("population_by_age_after_ageing", PERSONS,
            "Residents by sex x group they are in after this step's ageing (the groups whose rates apply)", SA, G,
            equation="if_then_else(ageing_step > 0, population_by_age + ageing_step * (last_year_from_group_below"
                     " - population_y4 * closed_group), population_by_age)"),
        # --- mortality
        Aux("death_rate_multiplier", "1", "History condition in 2019-2022, mortality_level_multiplier afterwards", (), G,
            equation="if_then_else(in_history > 0, hlj_death_rate_multiplier_history, mortality_level_multiplier)"),
        Aux("mortality_rate", "1/yr", "Central death rates by sex x 5-year group, improving over time", SA, G,
            equation="mortality_rate_2018 * exp(-mortality_improvement_scale * mortality_improvement_rate"
                     " * (calendar_time + dt / 2 - 2018.5)) * death_rate_multiplier"),
        Aux("deaths_by_age", PY, "Deaths by sex x 5-year group (at the turn of the year: the group moved into)", SA, G,
            equation="mortality_rate * population_by_age_after_ageing"),
        # --- fertility
        Aux("total_fertility_rate", "1", "TFR [births per woman]: history condition in 2019-2022, tfr_future afterwards", (), G,
            equation="if_then_else(in_history > 0, hlj_tfr_history, tfr_future)"),
        Aux("births", PY, "Births: age-specific fertility (TFR x shape) x women by 5-year group", (), G,
            equation="total_fertility_rate * sum(fertility_shape * population_by_age_after_ageing['female'])"),
        Aux("births_by_sex", PY, "Births by sex (sex ratio at birth)", ("sex",), G,
            equation="births * (is_male * sex_ratio_at_birth + 1 - is_male) / (1 + sex_ratio_at_birth)"),
        # --- migration
        Aux("migration_pull", "1/yr",
            "Economic pull on the net out-migration level: relative real wage and unemployment against 2018, network", (), G,
            equation=f"-migration_wage_sensitivity * ln(max(wage_relative, {EPS}) / wage_relative_2018)"
                     " + migration_employment_sensitivity * (perceived_unemployment_rate - unemployment_rate_2018)"
                     " + migration_network_sensitivity * outmigrant_network"),
        Aux("net_outmigration_level_model", "1/yr",
            "Level from base and economic pull; a net in-migration pull (negative level) damped by in_migration_response,"
            " bounded by max_migration_rate", (), G,
            equation="clip(if_then_else(net_outmigration_level_base + migration_pull > 0,"
                     " net_outmigration_level_base + migration_pull,"
                     " in_migration_response * (net_outmigration_level_base + migration_pull)),"
                     " -max_migration_rate, max_migration_rate)"),
        Aux("net_outmigration_level", "1/yr",
            "Level of the net out-migration schedule: history condition in 2019-2022, the model's afterwards", (), G,
            equation="if_then_else(in_history > 0, hlj_net_outmigration_level_history, net_outmigration_level_model)"),
        Aux("net_migration_rate_by_age", "1/yr", "Net migration rate by sex x group (negative = out-migration)", SA, G,
            equation="-net_outmigration_level * ((is_male * migration_male_factor + 1 - is_male) * migration_age_schedule)"),
        Aux("net_migration_by_age", PY,
            "Net migration by sex x 5-year group (negative = out; at the turn of the year: the group moved into)", SA, G,
            equation="net_migration_rate_by_age * population_by_age_after_ageing"),
        Stock("outmigrant_network", "1", "Past net out-migrants per resident, decaying (chain-migration networks)", (), G,
              initial=0.0, inflows=("outmigrant_network_inflow",), outflows=("outmigrant_network_decay",)),
        Flow("outmigrant_network_inflow", "1/yr", "Net out-migrants per resident", (), G,
             equation=f"-net_migration / max(population, {EPS})"),
        Flow("outmigrant_network_decay", "1/yr", "Fading of migrant ties", (), G,
             equation="outmigrant_network / migration_network_decay_time"),
        # --- aggregates (outputs)
        Aux("population_by_age", PERSONS, "Residents by sex x 5-year age group", SA, G,
            equation="population_y0 + population_y1 + population_y2 + population_y3 + population_y4"),
        Aux("population", PERSONS, "Resident population (post-2020-census basis)", (), G,
            equation="sum(population_by_age_total)"),
        Aux("population_by_sex", PERSONS, "Residents by sex", ("sex",), G, equation="sum(population_by_age, 'age')"),
        Aux("deaths", PY, "Deaths", (), G, equation="sum(deaths_by_age)"),
        Aux("net_migration", PY, "Net migration (negative = out-migration)", (), G, equation="sum(net_migration_by_age)"),
        Aux("natural_increase", PY, "Births - deaths", (), G, equation="births - deaths"),
        Stock("births_cumulative", PERSONS, "Births since the start (yearly differences = births of each year)", (), G,
              initial=0.0, inflows=("births",)),
        Stock("deaths_cumulative", PERSONS, "Deaths since the start", (), G, initial=0.0, inflows=("deaths",)),
        Stock("net_migration_cumulative", PERSONS, "Net migration since the start", (), G, initial=0.0,
              inflows=("net_migration",)),
        Aux("population_share_0_14", "1", "Share of residents aged 0-14", (), G,
            equation=f"sum(population_by_age_total * child_age) / max(population, {EPS})"),
        Aux("population_share_65_plus", "1", "Share of residents aged 65 and over", (), G,
            equation=f"old_age_population / max(population, {EPS})"),
        Aux("working_age_population", PERSONS, "Residents aged 15-64", (), G,
            equation="sum(population_by_age_total * working_age)"),
        Aux("old_age_population", PERSONS, "Residents aged 65 and over", (), G,
            equation="sum(population_by_age_total * old_age)"),
        Aux("old_age_dependency_ratio", "1", "Residents 65+ per resident aged 15-64", (), G,
            equation=f"old_age_population / max(working_age_population, {EPS})"),
        Aux("population_by_age_total", PERSONS, "Residents by 5-year group, both sexes", ("age",), G,
            equation="sum(population_by_age, 'sex')"),
        Aux("median_age", "yr",
            "Median age (grouped: linear within the 5-year group that holds the middle resident; 85+ taken as 85-100)",
            (), G, equation="sum(age_group_width * clip((population / 2 - matmul(age_groups_below, population_by_age_total))"
                            f" / max(population_by_age_total, {EPS}), 0, 1))"),
        # --- labour supply
        Aux("statutory_age_threshold_men", "yr", "Exact age below which men are under their statutory age now", (), G,
            equation="clip((retirement_age_men + retirement_reform_scale * retirement_delay_pace_men"
                     " * (calendar_time + retirement_age_men - retirement_reform_start))"
                     " / (1 + retirement_reform_scale * retirement_delay_pace_men),"
                     " retirement_age_men, retirement_age_men + retirement_reform_scale * retirement_delay_men)"),
        Aux("statutory_age_threshold_women_cadre", "yr", "Same for women under the cadre rule (55 -> 58)", (), G,
            equation="clip((retirement_age_women_cadre + retirement_reform_scale * retirement_delay_pace_women_cadre"
                     " * (calendar_time + retirement_age_women_cadre - retirement_reform_start))"
                     " / (1 + retirement_reform_scale * retirement_delay_pace_women_cadre),"
                     " retirement_age_women_cadre,"
                     " retirement_age_women_cadre + retirement_reform_scale * retirement_delay_women_cadre)"),
        Aux("statutory_age_threshold_women_worker", "yr", "Same for women under the worker rule (50 -> 55)", (), G,
            equation="clip((retirement_age_women_worker + retirement_reform_scale * retirement_delay_pace_women_worker"
                     " * (calendar_time + retirement_age_women_worker - retirement_reform_start))"
                     " / (1 + retirement_reform_scale * retirement_delay_pace_women_worker),"
                     " retirement_age_women_worker,"
                     " retirement_age_women_worker + retirement_reform_scale * retirement_delay_women_worker)"),
        Aux("year_gone", "yr",
            "Part of the current year gone (1 at the end of a year): a class of age a spans exact ages a - 1 + this to a + this",
            (), G, equation="time - int(time - 0.000001)"),
        Aux("share_below_statutory_age_men", "1", "Share of men of each group below their statutory age (ages uniform)",
            ("age",), G, equation="sum(clip((statutory_age_threshold_men - class_age + one_year - year_gone) / one_year,"
                                  " 0, 1), 'age_year') / 5"),
        Aux("share_below_statutory_age_women", "1", "Same for women (worker and cadre rules mixed)", ("age",), G,
            equation="(women_worker_share * sum(clip((statutory_age_threshold_women_worker - class_age + one_year"
                     " - year_gone) / one_year, 0, 1), 'age_year') + (1 - women_worker_share)"
                     " * sum(clip((statutory_age_threshold_women_cadre - class_age + one_year - year_gone) / one_year, 0, 1),"
                     " 'age_year')) / 5"),
        Aux("share_below_statutory_age", "1",
            "Share of each sex x group below its statutory retirement age (single years, ages uniform within a group)",
            SA, G, equation="is_male * share_below_statutory_age_men + (1 - is_male) * share_below_statutory_age_women"),
        Aux("labour_force_cohort", PERSONS, "Labour force by sex x group before calibration and the unemployment response",
            SA, G, equation="(participation_above_statutory_age + (participation_below_statutory_age"
                            " - participation_above_statutory_age) * share_below_statutory_age) * population_by_age"),
        Aux("labour_force_calibration", "1",
            "Scale so that the 2018 labour force equals the core's sum(employment_2018) / (1 - unemployment_rate_2018)",
            (), G, equation=f"sum(employment_2018) / (1 - unemployment_rate_2018) / max(init(sum(labour_force_cohort)), {EPS})"),
        Aux("labour_force_by_age", PERSONS,
            "Labour supply by sex x group: participation x residents x the discouraged-worker response, calibrated to 2018",
            SA, G, equation="labour_force_cohort * (participation_factor * labour_force_calibration)"),
    ]


#: The core's variables the block reads, and the stand-ins of :func:`demography_model` (their 2018 values).
CORE_INPUTS = {
    "wage_relative": "wage_relative_2018",
    "perceived_unemployment_rate": "unemployment_rate_2018",
    "participation_factor": "1",
}


def demography_model(params=None):
    """The population block alone, the core's inputs held at their 2018 values.

    For tests and for fitting the history conditions (in 2019-2022 the block does not depend on
    the economy: the migration level is the history condition). ``labour_force`` is
    ``sum(labour_force_by_age)``.

    Parameters
    ----------
    params : ParameterSet, optional
        Default: the repository's parameters (no overlays).

    Returns
    -------
    Model
    """
    from ..engine import Model
    from ._base import DIMENSIONS
    from .build import default_parameters, model_constants

    ps = params if params is not None else default_parameters()
    stand_ins = [Aux(name, "1", f"Stand-in for the core's {name} (held at {value})", (), "core_stand_in", equation=value)
                 for name, value in CORE_INPUTS.items()]
    stand_ins.append(Aux("labour_force", PERSONS, "Labour supply (no multiplier)", (), "core_stand_in",
                         equation="sum(labour_force_by_age)"))
    stand_ins.append(one_year())
    return Model("heilongjiang_demography", components=tuple(model_constants(ps) + components() + stand_ins),
                 dimensions=DIMENSIONS, doc="Population block of the Heilongjiang model with the core held at 2018")
