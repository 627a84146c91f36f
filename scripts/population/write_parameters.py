"""Write ``params/population.toml``: the cohort block's parameters, derived from sourced rows.

Run (from the repository root, about 20 s; deterministic)::

    .venv/bin/python scripts/population/write_parameters.py          # writes the file
    .venv/bin/python scripts/population/write_parameters.py --check  # exit 1 if it would change

Inputs: ``data/evidence/hlj_population_sources.csv`` (sourced rows: HLJ 2000/2010 census age
counts, China 2000 census death rates by age x sex, China 2010 census sex ratios by age, the
Fuzhou 2020 census ASFR shape, HLJ life expectancy, sex ratio at birth, 2020 census broad age
groups and sex totals, the revised population series). It runs the 2010 -> 2020 cohort
reconstruction (``reconstruct.py``, which also rewrites ``data/evidence/hlj_cohort_derived.csv``),
then derives the mortality, fertility, migration and participation tables. The history
conditions 2019-2022 (``data/drivers/hlj_*_history.csv``) are fitted with the model itself by
``scripts/population/fit_history.py``, run after this script.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import demography as L
import numpy as np
import reconstruct as R

OUT = L.ROOT / "params" / "population.toml"
S = L.load_sources()
GROUPS = L.GROUPS
YEARS = ("y0", "y1", "y2", "y3", "y4")
E0_2010 = {"male": 73.52, "female": 78.81}
E0_GAIN_HIST = R.E0_GAIN          # 0.252 yr/yr (75.98 in 2010 -> 78.75 in 2021)
E0_GAIN_FUTURE = 0.15             # yr/yr: assumption between the plan (0.09) and the record (0.25)
T_2018 = 2018.5                   # calendar mid-2018: the rates' reference date
T_2050 = 2050.0

# Participation by age x sex (assumption, anchored: see the parameter's source). Rates of persons in
# the group; BELOW = of those still below their statutory retirement age (used where the statutory
# age cuts a group).
P_BASE = {
    "male": [0, 0, 0, 0.12, 0.62, 0.90, 0.95, 0.95, 0.94, 0.92, 0.87, 0.78, 0.50, 0.30, 0.18, 0.08, 0.03, 0.01],
    "female": [0, 0, 0, 0.10, 0.58, 0.80, 0.82, 0.83, 0.82, 0.76, 0.58, 0.42, 0.28, 0.17, 0.09, 0.04, 0.015, 0.005],
}
P_BELOW = {
    "male": [0, 0, 0, 0.12, 0.62, 0.90, 0.95, 0.95, 0.94, 0.92, 0.90, 0.86, 0.80, 0.70, 0.60, 0.5, 0.4, 0.3],
    "female": [0, 0, 0, 0.10, 0.58, 0.80, 0.82, 0.83, 0.82, 0.78, 0.74, 0.70, 0.62, 0.55, 0.5, 0.4, 0.3, 0.2],
}
WOMEN_WORKER_SHARE = 0.5


# ---------------------------------------------------------------- derivations
def brass_group_rates(sex: str, e0: float) -> np.ndarray:
    """Central death rates of the 18 groups for life expectancy ``e0`` (Brass logit on China 2000)."""
    std = R.std_nmx(sex)
    return L.collapse_open(L.brass_nmx(std, L.fit_alpha(std, e0)))


def mortality_tables():
    """Rates at mid-2018 and log-linear improvement rates that give +E0_GAIN_FUTURE yr/yr to 2050."""
    m18, rho = np.zeros((2, L.NG)), np.zeros((2, L.NG))
    for s, sex in enumerate(L.SEXES):
        e18 = E0_2010[sex] + E0_GAIN_HIST * (T_2018 - 2010.83)
        e50 = e18 + E0_GAIN_FUTURE * (T_2050 - T_2018)
        a, b = brass_group_rates(sex, e18), brass_group_rates(sex, e50)
        m18[s], rho[s] = a, np.log(a / b) / (T_2050 - T_2018)
    return m18, rho


def migration_schedule(a3: float) -> np.ndarray:
    """Rogers-Castro fundamental schedule (mean 1 over 15-64) + flat 55+ component, by group."""
    x = np.arange(0, 101) + 0.5
    rc = L.rogers_castro(x, **L.RC_FUNDAMENTAL)
    rc = rc / rc[15:65].mean()
    single = rc + a3 * (np.arange(101) >= 55)
    return np.array([single[5 * i:5 * i + 5].mean() for i in range(17)] + [single[85:].mean()])


def share_below_statutory_2018() -> np.ndarray:
    """Share of each group below its (pre-reform) statutory age at year-end 2018, single ages uniform."""
    out = np.ones((2, L.NG))
    x = np.arange(0, 90) + 0.5
    below_m = np.clip(60 - (x - 0.5), 0, 1)
    below_f = WOMEN_WORKER_SHARE * np.clip(50 - (x - 0.5), 0, 1) + (1 - WOMEN_WORKER_SHARE) * np.clip(55 - (x - 0.5), 0, 1)
    for g in range(17):
        out[0, g] = below_m[5 * g:5 * g + 5].mean()
        out[1, g] = below_f[5 * g:5 * g + 5].mean()
    out[:, 17] = 0.0
    return out


def participation_tables():
    base = np.array([P_BASE["male"], P_BASE["female"]])
    below = np.array([P_BELOW["male"], P_BELOW["female"]])
    sh = share_below_statutory_2018()
    above = np.where(sh < 1, (base - below * sh) / np.maximum(1 - sh, 1e-9), 0.0)
    above = np.clip(above, 0, None)
    below = np.where(sh < 1, below, base)
    return base, below, above


# ---------------------------------------------------------------- TOML text
def q(s: str) -> str:
    return '"""' + s + '"""'


def num(v: float, fmt: str) -> str:
    return fmt.format(float(v))


def table(name: str, key: str, arr: np.ndarray, dims: tuple, fmt: str) -> list[str]:
    """``[name.key.<e1>] e2 = v`` blocks (2-D, 3-D) or ``[name.key] e = v`` (1-D)."""
    elems = {"sex": L.SEXES, "age": GROUPS, "age_year": YEARS}
    out = []
    if len(dims) == 1:
        out.append(f"[{name}.{key}]")
        out += [f"{e} = {num(v, fmt)}" for e, v in zip(elems[dims[0]], arr)]
        return out + [""]
    if len(dims) == 2:
        for i, e1 in enumerate(elems[dims[0]]):
            out.append(f"[{name}.{key}.{e1}]")
            out += [f"{e2} = {num(v, fmt)}" for e2, v in zip(elems[dims[1]], arr[i])]
            out.append("")
        return out
    for i, e1 in enumerate(elems[dims[0]]):
        for j, e2 in enumerate(elems[dims[1]]):
            out.append(f"[{name}.{key}.{e1}.{e2}]")
            out += [f"{e3} = {num(v, fmt)}" for e3, v in zip(elems[dims[2]], arr[i, j])]
            out.append("")
    return out


def header(name: str, unit: str, source: str, doc: str, *, dims: tuple = (), value=None, rng=None,
           distribution: str = "fixed", mode=None, extra: tuple = ()) -> list[str]:
    out = [f"[{name}]"]
    if dims:
        out.append("dims = [" + ", ".join(f'"{d}"' for d in dims) + "]")
    if value is not None:
        out.append(f"value = {value}")
    out.append(f'unit = "{unit}"')
    if rng is not None:
        out.append(f"range = [{rng[0]}, {rng[1]}]")
    out.append(f'distribution = "{distribution}"')
    if mode is not None:
        out.append(f"mode = {mode}")
    out += list(extra)
    out.append("source = " + q(source))
    out.append(f'doc = "{doc}"')
    return out + [""]


def history_means() -> tuple[float, float]:
    """Mean net out-migration level 2019-2022 and mean TFR 2020-2022 of the fitted history conditions."""
    import csv

    def read(name):
        with open(L.ROOT / "data" / "drivers" / f"{name}.csv", newline="", encoding="utf-8") as f:
            return {int(r["year"]): float(r["value"]) for r in csv.DictReader(f)}

    level, tfr = read("hlj_net_outmigration_level_history"), read("hlj_tfr_history")
    return (round(float(np.mean([level[y] for y in (2019, 2020, 2021, 2022)])), 4),
            round(float(np.mean([tfr[y] for y in (2020, 2021, 2022)])), 3))


def render() -> str:  # noqa: C901 - one block per parameter
    rec = R.reconstruct(write=True)
    level0, tfr0 = history_means()
    m18, rho = mortality_tables()
    sched = migration_schedule(rec["elder_component_a3"])
    fshape = L.asfr_shape(S)
    base, below, above = participation_tables()
    init = rec["init2018"] / 1e4
    share = rec["year_share_2018"]
    srb = S[(2020, "northeast_sex_ratio_at_birth")] / 100.0
    p18 = init.sum()
    sbar = float((sched[None, :] * np.array([rec["sexfac_male"], 1.0])[:, None] * init).sum() / p18)

    T = ["# Cohort-component population block (issue 14): generated by",
         "#   .venv/bin/python scripts/population/write_parameters.py",
         "# from data/evidence/hlj_population_sources.csv. Do not edit by hand: edit the script and rerun it.", "",
         "[meta]", 'block = "population"',
         "description = " + q("Population by single year of age (classes 0..88 and 89+) x sex, initialised from the\n"
                              "reconstructed 2018 structure; births from age-specific fertility scaled to a TFR path;\n"
                              "deaths from Brass-logit mortality with improvement; net migration on a Rogers-Castro age\n"
                              "schedule whose level responds to the economic pull; labour supply from participation by\n"
                              "age x sex with the 2025 retirement-age reform."), ""]

    # ---- initial population
    T += header("population_2018", "10k persons",
                "data: population_total_revised7census 2018 = 3327 (year-end resident, revised after the 2020 census;\n"
                "maigoo.com table from HLJ communique/yearbook; data/heilongjiang_history.csv)",
                "Resident population at the start (post-2020-census series); the age x sex structure comes from"
                " population_2018_by_age.", value="3327.0", rng=(3327.0, 3327.0))
    T += header("population_2018_by_age", "10k persons",
                "data (CONSTRUCTED): year-end 2018 resident population by 5-year age x sex. No published HLJ 5-year\n"
                "age x sex table was found (searched: 7th census provincial tables, HLJ yearbooks); this one is\n"
                "reconstructed from the HLJ 2010 census 5-year age counts (census6_pop_age_*, total 38,313,991 as\n"
                "published), projected to the 2020 census day with Brass mortality, census-based fertility and\n"
                "Rogers-Castro migration calibrated to the revised population 2015-2019 and the 2020 census total,\n"
                "male count, 0-14 and 60+ counts, raked (IPF) to the census 0-14/15-59/60-64/65+ and sex totals and\n"
                "scaled to population_male/female_revised7census 2018 (1675.06/1651.93). Rows\n"
                "population_<sex>_<age>_revised7census_DERIVED of data/evidence/hlj_cohort_derived.csv\n"
                "(scripts/population/reconstruct.py)",
                "Structure of the initial population; the stocks are population_2018 x this table / its sum.",
                dims=("sex", "age"), rng=(0.0, 1000.0))
    T += table("population_2018_by_age", "value", init, ("sex", "age"), "{:.3f}")
    T += header("population_2018_year_share", "1",
                "derived: share of each single year of age within its 5-year group at year-end 2018 in the same\n"
                "reconstruction (the 2010 census groups split to single years by a PCHIP of the cumulative count,\n"
                "projected cohort by cohort; 85+: ages 85, 86, 87, 88 and the open class 89+);\n"
                "scripts/population/reconstruct.py",
                "Single-year classes y0..y4 within each group (sum 1 per group) of the initial population.",
                dims=("sex", "age", "age_year"), rng=(0.0, 1.0))
    T += table("population_2018_year_share", "value", share, ("sex", "age", "age_year"), "{:.5f}")

    # ---- mortality
    T += header("mortality_rate_2018", "1/yr",
                "derived: Brass relational logit (beta = 1) on the China 2000 census death rates by age x sex\n"
                "(China Statistical Yearbook 2002 table 4-11, stats.gov.cn; china_census5_death_rate_* rows) with\n"
                "alpha fitted to HLJ life expectancy 2010 (M 73.52, F 78.81; data) plus the observed HLJ gain\n"
                f"{E0_GAIN_HIST:.3f} yr/yr (75.98 in 2010 -> 78.75 reported for 2021, LOW CONFIDENCE on the year) to\n"
                "mid-2018; 85+ = life-table rate of the open interval (l85 / T85)",
                "Central death rates m(sex, age) at mid-2018 (calendar); deaths = m x improvement x multiplier x persons.",
                dims=("sex", "age"), rng=(0.0, 1.0))
    T += table("mortality_rate_2018", "value", m18, ("sex", "age"), "{:.6g}")
    T += header("mortality_improvement_rate", "1/yr",
                "derived: log-linear decline of the Brass rates between mid-2018 and 2050 that raises life\n"
                f"expectancy by {E0_GAIN_FUTURE} yr/yr (the prior on the pace is mortality_improvement_scale)",
                "m(t) = mortality_rate_2018 x exp(-mortality_improvement_scale x rate x (t - mid-2018)).",
                dims=("sex", "age"), rng=(0.0, 0.1))
    T += table("mortality_improvement_rate", "value", rho, ("sex", "age"), "{:.6g}")
    T += header("mortality_improvement_scale", "1",
                f"assumption: 1.0 = e0 +{E0_GAIN_FUTURE} yr/yr. HLJ gained 0.25 yr/yr 2010-2021 (75.98 -> 78.75, data,\n"
                "LOW CONFIDENCE on the year); the provincial plan 健康龙江2030 targets 79.6 in 2030 (data: +0.09 yr/yr\n"
                "from 2021). 0.33 ~ +0.05 yr/yr (stagnation), 2.0 ~ +0.30 yr/yr (the 2010-2021 pace sustained)",
                "Multiplier on mortality_improvement_rate. Prior: triangular, mode = value.",
                value="1.0", rng=(0.33, 2.0), distribution="triangular", mode="1.0")
    T += header("mortality_level_multiplier", "1",
                "assumption: uncertainty of the Brass level after the history years; the history multipliers for\n"
                "2019-2022 (data/drivers/hlj_death_rate_multiplier_history.csv) reproduce the sourced crude death\n"
                "rates with multipliers of 0.82-1.00, so the level is known to a few per cent; +-15% covers the 2010\n"
                "e0 and the national standard",
                "Multiplier on every death rate from 2023 on (history years: the driver). Prior: triangular, mode = value.",
                value="1.0", rng=(0.85, 1.15), distribution="triangular", mode="1.0")

    # ---- fertility
    T += header("fertility_shape", "1/yr",
                "data: 2020 census age-specific fertility of Fuzhou city (福州市2020年人口普查年鉴 table 6-3: 3.04, 40.54,\n"
                "98.71, 65.80, 26.95, 6.41, 1.35 per mille for 15-19..45-49; fuzhou_census7_asfr_* rows), normalised\n"
                "to 5 x sum = 1; no HLJ or national ASFR table was found (used as the Chinese 2020 shape; HLJ may have\n"
                "an older peak)",
                "Age-specific fertility per unit of TFR: ASFR(age) = tfr x fertility_shape(age); 0 outside 15-49.",
                dims=("age",), rng=(0.0, 0.2), extra=("default = 0.0",))
    T += ["[fertility_shape.value]"] + [f"{g} = {fshape[i - 3]:.6f}" for i, g in enumerate(GROUPS) if 3 <= i < 10] + [""]
    T += header("tfr_future", "1",
                "assumption: the TFR that reproduces the sourced crude birth rates 2020-2022 (3.75, 3.59, 3.34) with\n"
                f"the reconstructed age structure is about {tfr0} (mean 2020-2022 of data/drivers/hlj_tfr_history.csv),\n"
                "held after 2022. The 2020 census TFR quoted for HLJ is 0.758 (tfr_census, LOW CONFIDENCE secondary\n"
                "table; the widely quoted 0.76); the 2011-2019 level implied by the 2020 census 0-14 count is\n"
                f"{rec['tfr_hist_2011_2019']:.2f} (reconstruction). Range: 0.5 (further decline, as 2023's crude birth\n"
                "rate 2.92 suggests) to 1.0 (recovery to the 2010s level)",
                "Total fertility rate [births per woman] from 2023 on (history years: the driver). Prior: triangular,"
                " mode = value.",
                value=f"{tfr0}", rng=(0.5, 1.0), distribution="triangular", mode=f"{tfr0}")
    T += header("sex_ratio_at_birth", "1",
                "data: Northeast (LN+JL+HLJ) sex ratio at birth 106.3 in the 2020 census (NBS press conference\n"
                "2021-05-11, via lu-xu.com report; northeast_sex_ratio_at_birth); range: biological ~1.03-1.05 to\n"
                "the national 2010s levels ~1.10",
                "Male births per female birth. Prior: triangular, mode = value.",
                value=f"{srb:.3f}", rng=(1.03, 1.10), distribution="triangular", mode=f"{srb:.3f}")

    # ---- migration
    T += header("migration_age_schedule", "1",
                "derived: Rogers-Castro (1981) model migration schedule with the fundamental parameters a1 = 0.02,\n"
                "alpha1 = 0.1, a2 = 0.06, alpha2 = 0.1, mu2 = 20, lambda2 = 0.4, c = 0.003 (Rogers, A. and Castro,\n"
                "L.J. 1981, Model Migration Schedules, IIASA RR-81-30), normalised to a mean of 1 over single ages\n"
                f"15-64, plus a flat component {rec['elder_component_a3']:.3f} for ages 55+ calibrated in the 2010-2020\n"
                "reconstruction to the 2020 census 60+ count (without it the cohorts give a 9% larger 60+ than\n"
                "counted; mortality cannot take it up without overshooting the 2020 death rate), averaged within\n"
                "5-year groups (scripts/population/write_parameters.py)",
                "Net out-migration rate(sex, age) = level x schedule(age) x sex factor (male: migration_male_factor).",
                dims=("age",), rng=(0.0, 5.0))
    T += table("migration_age_schedule", "value", sched, ("age",), "{:.5f}")
    T += header("migration_male_factor", "1",
                "derived: calibrated in the 2010-2020 reconstruction to the 2020 census male count 15,952,468 (with\n"
                f"the 2010 sex ratio 102.85): {rec['sexfac_male']:.3f}; range assumption",
                "Male net migration rate relative to the female rate at the same age. Prior: triangular, mode = value.",
                value=f"{rec['sexfac_male']:.3f}", rng=(0.9, 1.15), distribution="triangular",
                mode=f"{rec['sexfac_male']:.3f}", extra=("free = true",))
    T += header("net_outmigration_level_base", "1/yr",
                "derived: mean of the levels that reproduce the revised year-end population 2019-2022\n"
                "(data/drivers/hlj_net_outmigration_level_history.csv, fitted by scripts/population/fit_history.py: 0.022,\n"
                "0.023 before, 0.010 and 0.003 during the COVID-era mobility restrictions); the 2010-2020 reconstruction\n"
                "gives 0.017-0.024 for 2011-2020, the 2023 population (3062, not fitted) about 0.005. Range: the COVID\n"
                f"low to the 2015-2020 level. Total net out-migration rate = level x {sbar:.3f} (schedule weighted by the\n"
                "2018 population)",
                "Level of the net out-migration schedule from 2023 on at the 2018 relative wage and unemployment."
                " Prior: triangular, mode = value.",
                value=f"{level0}", rng=(0.005, 0.025), distribution="triangular", mode=f"{level0}")
    T += header("migration_wage_sensitivity", "1/yr",
                "assumption: level = base - s_w ln(wage_relative / wage_relative_2018) + s_e (u - u_2018) + s_c x\n"
                f"network. 0.031 keeps v1's calibrated migration_income_sensitivity (0.03/yr of population per\n"
                f"log-point of relative income) in level units (0.03 / {sbar:.3f}). Gravity models of Chinese\n"
                "inter-provincial migration find the origin-destination income gap a main driver whose effect grew\n"
                "1990-2000 (Fan 2005, Eurasian Geography and Economics 46(3)) and real wages significant in 2000-2015\n"
                "panels (Pu et al. 2019, Demographic Research 41(31)); their elasticities are for gross flows and\n"
                "were not readable here: wide prior including zero",
                "Response of the net out-migration level to HLJ's real wage relative to the rest of China (log)."
                " Prior: triangular, mode = value.",
                value="0.031", rng=(0.0, 0.08), distribution="triangular", mode="0.031")
    T += header("migration_employment_sensitivity", "1/yr",
                "assumption: v1's calibrated migration_unemployment_sensitivity 0.274 (a 1 pp rise in unemployment\n"
                "raises out-migration by ~0.27% of the population a year; Harris-Todaro logic) in level units\n"
                f"(0.274 / {sbar:.3f}); the employment rate of the rest of China is taken as constant, so the gap is\n"
                "HLJ's (perceived) unemployment rate against 2018; wide prior including zero",
                "Response of the net out-migration level to the employment-rate gap with the rest of China."
                " Prior: triangular, mode = value.",
                value="0.29", rng=(0.0, 1.0), distribution="triangular", mode="0.29")
    T += header("migration_network_sensitivity", "1/yr",
                "assumption: cohort (chain-migration) term on the stock of past net out-migrants as a share of the\n"
                "population (decaying over migration_network_decay_time). Fan (2005) finds the migrant stock among the\n"
                "strongest predictors of inter-provincial flows; mode 0 because the calibrated base level already\n"
                "contains today's networks (the stock starts at 0 in 2018); wide prior",
                "Response of the net out-migration level to the network stock. Prior: triangular, mode = value.",
                value="0.0", rng=(0.0, 0.1), distribution="triangular", mode="0.0")
    T += header("migration_network_decay_time", "yr",
                "assumption: ties of migrants to the origin fade over about a decade",
                "Decay time of the out-migrant network stock.", value="10.0", rng=(5.0, 20.0))
    T += header("in_migration_response", "1",
                "assumption: asymmetric migration response. Net inflows into shrinking, ageing north-eastern\n"
                "provinces are small even in good years (return migrants; Liaoning and Jilin also lose population):\n"
                "when the pull turns the level negative (net in-migration), it acts at this fraction (default a\n"
                "quarter) of its strength",
                "Strength of a net in-migration pull relative to an out-migration push.",
                value="0.25", rng=(0.0, 0.5), distribution="uniform")
    T += header("max_migration_rate", "1/yr",
                "assumption: bound on the absolute net out-migration level (about 5%/yr of the population) to keep\n"
                "extreme scenarios plausible",
                "Upper bound of |net out-migration level|.", value="0.05", rng=(0.02, 0.10))

    # ---- labour supply
    src_part = ("assumption (anchored, not a sourced age table): no HLJ or national participation-by-age table was\n"
                "found. Shape: prime-age men ~0.95, women ~0.82 (China's high female participation), steps at the\n"
                "statutory ages 50/55 (women) and 60 (men), rural work continuing after 60 (CHARLS 2011: urban women\n"
                "<50% working at 50, urban men <50% at 60, rural >50% at 65; Eggleston, via th4.ilovetranslation.com);\n"
                "national LFPR 63.3% (2020) / 70.3% (2010) of the 16+ (census, laborinfocn3.com; china_lfpr_census).\n"
                "The level is scaled in the model so that the 2018 labour force equals the core's\n"
                "sum(employment_2018) / (1 - unemployment_rate_2018) (labour_force_calibration). Range +-20% per cell")
    lo, hi = np.clip(below * 0.8, 0, 1), np.clip(below * 1.2, 0, 1)
    T += header("participation_below_statutory_age", "1",
                src_part + "\n(below the statutory age: prime-age level with a mild health-related decline)",
                "Labour-force participation of persons below their statutory retirement age, by sex x age.",
                dims=("sex", "age"), distribution="uniform")
    T += table("participation_below_statutory_age", "value", below, ("sex", "age"), "{:.4f}")
    T += table("participation_below_statutory_age", "range_lo", lo, ("sex", "age"), "{:.4f}")
    T += table("participation_below_statutory_age", "range_hi", hi, ("sex", "age"), "{:.4f}")
    lo, hi = np.clip(above * 0.8, 0, 1), np.clip(above * 1.2, 0, 1)
    T += header("participation_above_statutory_age", "1",
                "derived: solves participation_2018 = below x share_2018 + above x (1 - share_2018) by group, with\n"
                "participation_2018 (men 0.12, 0.62, 0.90, 0.95, 0.95, 0.94, 0.92, 0.87, 0.78, 0.50, 0.30, 0.18, 0.08,\n"
                "0.03, 0.01 for 15-19..85+; women 0.10, 0.58, 0.80, 0.82, 0.83, 0.82, 0.76, 0.58, 0.42, 0.28, 0.17,\n"
                "0.09, 0.04, 0.015, 0.005) and the 2018 shares below the statutory age (single ages uniform; women half\n"
                "under the worker rule). " + src_part,
                "Participation of persons above their statutory age (rural and informal work, re-employment).",
                dims=("sex", "age"), distribution="uniform")
    T += table("participation_above_statutory_age", "value", above, ("sex", "age"), "{:.4f}")
    T += table("participation_above_statutory_age", "range_lo", lo, ("sex", "age"), "{:.4f}")
    T += table("participation_above_statutory_age", "range_hi", hi, ("sex", "age"), "{:.4f}")
    src_reform = ("data: NPCSC decision of 13 Sep 2024 and the State Council measures (retirement_age_* rows,\n"
                  "data/evidence/hlj_population_sources.csv): from 1 Jan 2025 men 60 -> 63 and women cadres 55 -> 58 at\n"
                  "+1 month every 4 months, women workers 50 -> 55 at +1 month every 2 months, counted at the date the\n"
                  "old age would have been reached (phased in over 15 years)")
    T += header("retirement_reform_scale", "1",
                src_reform + ".\nScenario parameter: 0 = no reform, 1 = as enacted, 2 = twice the delays at twice the pace",
                "Scale of the statutory-age increase of the 2025 reform (scenario parameter).",
                value="1.0", rng=(0.0, 2.0))
    T += header("retirement_reform_start", "yr",
                src_reform, "Calendar date the reform starts (decimal year: 2025.0 = 1 Jan 2025).",
                value="2025.0", rng=(2025.0, 2040.0))
    for rule, age, delay, pace, what in (("men", 60, 3, 0.25, "men"), ("women_cadre", 55, 3, 0.25, "women cadres"),
                                         ("women_worker", 50, 5, 0.5, "women workers")):
        T += header(f"retirement_age_{rule}", "yr", src_reform, f"Statutory retirement age of {what} before the reform.",
                    value=f"{age:.1f}", rng=(40.0, 70.0))
        T += header(f"retirement_delay_{rule}", "yr", src_reform, f"Full delay of the statutory age of {what}.",
                    value=f"{delay:.1f}", rng=(0.0, 10.0))
        T += header(f"retirement_delay_pace_{rule}", "1", src_reform,
                    f"Months of delay per month of birth date for {what} during the phase-in.",
                    value=f"{pace}", rng=(0.0, 1.0))
    T += header("women_worker_share", "1",
                "assumption: share of women under the worker rule (50) rather than the cadre rule (55); no source\n"
                "found (HLJ's large state-industry workforce suggests many workers; the service shift, cadres)",
                "Mix of the two statutory ages of women.", value="0.5", rng=(0.3, 0.7), distribution="uniform")
    T += header("population_history_end", "yr",
                "data: the last year with sourced population, birth and death rates used as history conditions (2022:\n"
                "flows during model time [2021, 2022]); the drivers data/drivers/hlj_*_history.csv cover 2019-2022",
                "Model time until which the history conditions (TFR, death-rate multiplier, migration level) apply.",
                value="2022.0", rng=(2018.0, 2022.0))
    return "\n".join(T).rstrip() + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 if params/population.toml would change")
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print(f"{OUT.relative_to(L.ROOT)}: {'up to date' if same else 'differs from the script output'}")
        return 0 if same else 1
    Path(OUT).write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(L.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
