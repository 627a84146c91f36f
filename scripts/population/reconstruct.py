"""Reconstruct HLJ population by single age x sex, 2010 census -> 2020 census, and derive
(1) the 2020 census-day 5-year age x sex structure (raked to the sourced broad groups),
(2) the year-end 2018 initial population on the revised (post-2020-census) series,
(3) the Brass-logit mortality schedules, the ASFR schedule and the migration level.

Run by ``scripts/population/write_parameters.py`` (``reconstruct()`` returns the results); run
alone (``.venv/bin/python scripts/population/reconstruct.py``) it writes
``data/evidence/hlj_cohort_derived.csv`` (rows ``year,series,value,unit,source``, all ``*_DERIVED``)
and prints its diagnostics. Deterministic (no randomness). Inputs: the sourced rows of
``data/evidence/hlj_population_sources.csv``. Ported from the issue-14 preparation prototype.
"""
from __future__ import annotations

import csv

import demography as L
import numpy as np
from scipy.interpolate import PchipInterpolator
from scipy.optimize import least_squares

S = L.load_sources()
SHARED = "data/evidence/hlj_population_sources.csv"
OUT_CSV = L.ROOT / "data" / "evidence" / "hlj_cohort_derived.csv"
AGES_C = ["0", "1_4", "5_9", "10_14", "15_19", "20_24", "25_29", "30_34", "35_39", "40_44", "45_49",
          "50_54", "55_59", "60_64", "65_69", "70_74", "75_79", "80_84", "85_89", "90_94", "95_99", "100p"]
AGES5 = ["0_4"] + AGES_C[2:]
STD_AGES = AGES5  # 21 groups 0-4..95-99, 100+

# ---- sourced scalars (shared data)
HLJ_E0_2010 = {"male": 73.52, "female": 78.81}           # zhiyuanku compilation, 2010 census
HLJ_E0_2021_TOTAL, HLJ_E0_2010_TOTAL = 78.75, 75.98      # daluzixun (2021, LOW CONF.) / 2010
E0_GAIN = (HLJ_E0_2021_TOTAL - HLJ_E0_2010_TOTAL) / 11.0  # yr of e0 per calendar year
SEX_RATIO_2010 = 1.0285                                   # 7th census communique (2010 value)
SRB = S[(2020, "northeast_sex_ratio_at_birth")] / 100.0
TFR_2010, TFR_2020 = S[(2010, "tfr_census")], S[(2020, "tfr_census")]
CENSUS2020 = dict(total=31850088, male=15952468, female=15897620, a0_14=3286466,
                  a15_59=21167932, a60p=7395690, a65p=4972868)
# revised year-end resident population (10k) -> persons
REVISED = {2015: 3529e4, 2017: 3399e4, 2018: 3327e4, 2019: 3255e4, 2020: 3171e4, 2021: 3125e4, 2022: 3099e4}
REVISED_M = {2017: 1713.82e4, 2018: 1675.06e4, 2019: 1635.59e4, 2020: 1588.2e4, 2021: 1566e4, 2022: 1549e4}
REVISED_F = {2017: 1685.17e4, 2018: 1651.93e4, 2019: 1619.4e4, 2020: 1582.8e4, 2021: 1559e4, 2022: 1550e4}


def std_nmx(sex):
    return np.array([S[(2000, f"china_census5_death_rate_{sex}_age_{a}")] for a in STD_AGES]) / 1000.0


def single_from_groups(counts, bounds):
    """Split grouped counts into single years 0..99 + 100+ with a PCHIP of the cumulative count."""
    cum = np.concatenate([[0.0], np.cumsum(counts[:-1])])
    f = PchipInterpolator(np.array(bounds, float), cum)
    single = np.diff(f(np.arange(0, 101)))
    return np.concatenate([single, [counts[-1]]])


BOUNDS = [0, 1] + list(range(5, 101, 5))


def hlj_2010_single_by_sex():
    tot = np.array([S[(2010, f"census6_pop_age_{a}")] for a in AGES_C])
    single = single_from_groups(tot, BOUNDS)
    # sex ratio by 5-year age: national 2010 census for ages 20+, scaled by c; ages 0-19: NE SRB
    srn = np.array([S[(2010, f"china_census6_pop_male_age_{a}")] / S[(2010, f"china_census6_pop_female_age_{a}")]
                    for a in AGES5])
    sr_single = np.repeat(srn[:20], 5)
    sr_single = np.concatenate([sr_single, [srn[20]]])

    def split(c):
        sr = sr_single * c
        sr[:20] = SRB
        male = single * sr / (1 + sr)
        return male, single - male

    lo, hi = 0.8, 1.2
    for _ in range(60):
        c = 0.5 * (lo + hi)
        m, f = split(c)
        if m.sum() / f.sum() > SEX_RATIO_2010:
            hi = c
        else:
            lo = c
    m, f = split(c)
    return np.vstack([m, f]), single, c


def single_mx(nmx21):
    """Single-age rates 0..100 from 5-year rates (constant within group)."""
    return np.concatenate([np.repeat(nmx21[:20], 5), [nmx21[20]]])


class Schedules:
    def __init__(self):
        self.std = {s: std_nmx(s) for s in L.SEXES}
        self.alpha2010 = {s: L.fit_alpha(self.std[s], HLJ_E0_2010[s]) for s in L.SEXES}
        self.fshape = L.asfr_shape(S)  # 7 groups, 5*sum = 1
        x = np.arange(0, 101) + 0.5
        self.rc = L.rogers_castro(x, **L.RC_FUNDAMENTAL)
        self.rc = self.rc / self.rc[15:65].mean()   # normalised: mean rate 15-64 = 1

    def nmx(self, sex, year, e0_gain=E0_GAIN):
        e0 = HLJ_E0_2010[sex] + e0_gain * (year - 2010.83)
        a = L.fit_alpha(self.std[sex], e0)
        return L.brass_nmx(self.std[sex], a)

    def asfr_single(self, tfr):
        f = np.zeros(101)
        f[15:50] = np.repeat(self.fshape, 5) * tfr
        return f


ELDER = (np.arange(101) >= 55).astype(float)  # flat elderly component, ages 55+ (assumption)


def project(pop0, years, k_path, sexfac_m, tfr_path, sch, t0=2010.83, a3=0.0):
    """Annual single-age projection from census day; returns list of (2,101) arrays and births."""
    pops = [pop0.copy()]
    births, deaths, mig = [], [], []
    p = pop0.copy()
    for i in range(years):
        t = t0 + i + 0.5
        mu = np.vstack([single_mx(sch.nmx(s, t)) for s in L.SEXES])
        sched = sch.rc + a3 * ELDER
        mrate = np.vstack([sched * k_path[i] * sexfac_m, sched * k_path[i]])  # net OUT rate
        haz = mu + mrate
        surv = np.exp(-haz)
        b = (sch.asfr_single(tfr_path[i]) * 0.5 * (p[1] + p[1] * surv[1])).sum()  # mid-year women
        new = np.zeros_like(p)
        new[:, 1:] = p[:, :-1] * surv[:, :-1]
        new[:, 100] += p[:, 100] * surv[:, 100]
        bm, bf = b * SRB / (1 + SRB), b / (1 + SRB)
        new[:, 0] = np.array([bm, bf]) * np.exp(-0.5 * haz[:, 0])
        d = (p * (1 - surv) * mu / haz).sum() + b * (1 - np.exp(-0.5 * mu[:, 0].mean()))
        births.append(b)
        deaths.append(d)
        mig.append(-(p.sum() + b - d - new.sum()) * -1)
        p = new
        pops.append(p.copy())
    return pops, np.array(births), np.array(deaths)


def at_time(pops, t, t0=2010.83):
    x = t - t0
    i = int(np.floor(x))
    w = x - i
    if i + 1 >= len(pops):
        return pops[-1]
    return (1 - w) * pops[i] + w * pops[i + 1]


def reconstruct(write: bool = False) -> dict:
    """Run the reconstruction; with ``write`` also write ``OUT_CSV``. Returns the results."""
    sch = Schedules()
    pop0, single_tot, c_sr = hlj_2010_single_by_sex()
    years = 10
    # period index: year i covers [2010.83+i, 2011.83+i]
    groups = np.array([0, 0, 0, 0, 0, 1, 1, 2, 3, 4])
    targets_t = [2015.99, 2017.99, 2018.99, 2019.99, 2020.83]
    targets_v = [REVISED[2015], REVISED[2017], REVISED[2018], REVISED[2019], CENSUS2020["total"]]

    # theta: log k1..k5 (x1e-3), log male/female ratio, elderly component a3, TFR level 2011-2019
    def run(theta):
        k = np.exp(theta[:5])[groups] * 1e-3
        sexfac = np.exp(theta[5])
        tfr = np.full(years, theta[7])
        tfr[-1] = TFR_2020              # census-year Nov 2019 - Oct 2020: the census TFR itself
        return project(pop0, years, k, sexfac, tfr, sch, a3=theta[6])

    def resid(theta):
        pops, _, _ = run(theta)
        r = [(at_time(pops, t).sum() - v) / v for t, v in zip(targets_t, targets_v)]
        p20 = pops[-1]
        r.append((p20[0].sum() - CENSUS2020["male"]) / CENSUS2020["male"])
        r.append((p20[:, 60:].sum() - CENSUS2020["a60p"]) / CENSUS2020["a60p"])
        r.append((p20[:, :15].sum() - CENSUS2020["a0_14"]) / CENSUS2020["a0_14"])
        return np.array(r)

    theta0 = np.array([np.log(10.0)] * 5 + [0.0, 0.3, 1.0])
    sol = least_squares(resid, theta0, xtol=1e-12, ftol=1e-12,
                        bounds=([-5] * 5 + [-1, -1, 0.3], [5] * 5 + [1, 5, 2.5]))
    theta = sol.x
    pops, births, deaths = run(theta)
    p20 = pops[-1]
    k_levels = np.exp(theta[:5]) * 1e-3
    sexfac = float(np.exp(theta[5]))
    a3 = float(theta[6])
    tfr_hist = float(theta[7])
    calib_resid = resid(theta)

    # ---- raking to census 2020 broad groups x sex
    def broad(p):  # rows: 0-14, 15-59, 60-64, 65+ ; cols: male, female
        return np.array([p[:, :15].sum(1), p[:, 15:60].sum(1), p[:, 60:65].sum(1), p[:, 65:].sum(1)])

    b_rec = broad(p20)
    row_t = np.array([CENSUS2020["a0_14"], CENSUS2020["a15_59"], CENSUS2020["a60p"] - CENSUS2020["a65p"],
                      CENSUS2020["a65p"]], float)
    col_t = np.array([CENSUS2020["male"], CENSUS2020["female"]], float)
    col_t *= row_t.sum() / col_t.sum()
    b_raked = L.ipf(b_rec, row_t, col_t)
    fac = b_raked / b_rec        # (4 broad groups, 2 sexes)
    bidx = np.concatenate([np.zeros(15), np.ones(45), 2 * np.ones(5), 3 * np.ones(36)]).astype(int)
    p20_raked = p20 * fac[bidx].T
    census5 = np.vstack([L.group_of_single(p20_raked[s]) for s in range(2)])

    # ---- year-end 2018 initial population (revised series), cohort-consistent with the raking
    p18 = at_time(pops, 2018.99).copy()
    shift = 2  # a cohort aged x at end-2018 is about x+2 on census day 2020 (1.84 yr later)
    for s in range(2):
        idx = np.clip(np.arange(101) + shift, 0, 100)
        p18[s] *= fac[bidx[idx], s]
    p18[0] *= REVISED_M[2018] / p18[0].sum()
    p18[1] *= REVISED_F[2018] / p18[1].sum()
    init5 = np.vstack([L.group_of_single(p18[s]) for s in range(2)])

    # ---- HLJ 2000 -> 2010 cohort residual (diagnostic of the net-migration age profile)
    t00 = np.array([S[(2000, f"census5_pop_age_{a}")] for a in AGES_C])
    t10 = np.array([S[(2010, f"census6_pop_age_{a}")] for a in AGES_C])
    g00 = np.concatenate([[t00[0] + t00[1]], t00[2:]])   # 21 groups 0-4..95-99,100+
    g10 = np.concatenate([[t10[0] + t10[1]], t10[2:]])
    nmx05 = 0.5 * (L.brass_nmx(sch.std["male"], L.fit_alpha(sch.std["male"], 71.5))
                   + L.brass_nmx(sch.std["female"], L.fit_alpha(sch.std["female"], 76.5)))
    lt = L.lifetable_from_nmx(nmx05)
    s10 = lt["Lx"][2:19] / lt["Lx"][0:17]          # 10-year survival of 5-year groups
    expected = g00[0:17] * s10
    observed = g10[2:19]
    resid_rate = (observed / expected - 1) / 10.0    # net migration (+census error) per yr, by age in 2010
    rc_g = np.array([sch.rc[5 * i + 5:5 * i + 10].mean() for i in range(17)])  # midpoint of cohort ages

    # ---- crude rates implied by the reconstruction (per mille, census-day years)
    mean_pop = np.array([0.5 * (pops[i].sum() + pops[i + 1].sum()) for i in range(years)])
    cbr = births / mean_pop * 1000
    cdr = deaths / mean_pop * 1000

    # ---- write derived rows
    rows = []
    src_recon = ("DERIVED (scripts/population/reconstruct.py): HLJ 2010 census ages (census6_pop_age_*) split to single "
                 "years (PCHIP of cumulative counts) and by sex (national 2010 census sex ratios for 20+, "
                 f"scaled by {c_sr:.4f} to the 2010 HLJ sex ratio 102.85; NE sex ratio at birth 106.3 for 0-19), "
                 "projected to 1 Nov 2020 with Brass-logit mortality (China 2000 census standard, HLJ e0 2010 "
                 f"by sex, +{E0_GAIN:.3f} yr/yr), TFR {tfr_hist:.3f} in 2011-2019 (calibrated to the 2020 census 0-14) "
                 "and the census TFR 0.758 in the census year, on the Fuzhou 2020 ASFR shape, "
                 "Rogers-Castro net out-migration plus a flat 55+ component calibrated to the revised population "
                 "2015-2019 and the 2020 census total, male count and 60+ count; then raked (IPF) to the 2020 "
                 "census counts 0-14, 15-59, 60-64, "
                 "65+ and male/female")
    for s, sex in enumerate(L.SEXES):
        for g, name in enumerate(L.GROUPS):
            rows.append((2020, f"census7_pop_{sex}_{name}_DERIVED", round(census5[s, g]),
                         "persons (census day 1 Nov 2020; CONSTRUCTED, not published)", src_recon))
    src_init = ("DERIVED (scripts/population/reconstruct.py): the same reconstruction at year-end 2018 (linear in time "
                "between census-day steps), each cohort multiplied by the 2020 raking factor of the broad group "
                "it falls in on census day 2020, then scaled to population_male/female_revised7census 2018 "
                "(1675.06 / 1651.93, " + SHARED + ")")
    for s, sex in enumerate(L.SEXES):
        for g, name in enumerate(L.GROUPS):
            rows.append((2018, f"population_{sex}_{name}_revised7census_DERIVED", round(init5[s, g] / 1e4, 3),
                         "10k persons (year-end 2018; CONSTRUCTED)", src_init))
    for i, (t0, v) in enumerate(zip(["2010.83-2015.83", "2015.83-2017.83", "2017.83-2018.83",
                                     "2018.83-2019.83", "2019.83-2020.83"], k_levels)):
        rows.append((2010 + [5, 7, 8, 9, 10][i], f"net_outmigration_level_{t0}_DERIVED", round(v, 6),
                     "1/yr (net out-migration rate at the normalised Rogers-Castro schedule, mean over 15-64 = 1)",
                     "DERIVED (scripts/population/reconstruct.py) calibration of the 2010-2020 reconstruction to the revised "
                     "population series and the 2020 census"))
    for i in range(years):
        rows.append((2011 + i, "birth_rate_reconstruction_DERIVED", round(cbr[i], 3),
                     "per mille (census-day year ending 31 Oct)", "DERIVED (scripts/population/reconstruct.py) reconstruction"))
        rows.append((2011 + i, "death_rate_reconstruction_DERIVED", round(cdr[i], 3),
                     "per mille (census-day year ending 31 Oct)", "DERIVED (scripts/population/reconstruct.py) reconstruction"))
    for g in range(17):
        rows.append((2010, f"net_migration_residual_2000_2010_age_{5*g+10}_{5*g+14}_in_2010_DERIVED",
                     round(resid_rate[g] * 1000, 2),
                     "per mille per yr (cohort residual: census 2010 / (census 2000 x 10-yr life-table survival) - 1, /10; "
                     "includes census coverage error)",
                     "DERIVED (scripts/population/reconstruct.py) from census5_pop_age_* and census6_pop_age_* (HLJ), Brass "
                     "survival at e0 71.5 (M) / 76.5 (F)"))
    if write:
        with OUT_CSV.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["year", "series", "value", "unit", "source"])
            w.writerows(rows)

    # ---- single-year classes within the 5-year groups at year-end 2018 (85+: 85..88 and 89+ open)
    year_share = np.zeros((2, L.NG, 5))
    for s in range(2):
        for g in range(L.NG - 1):
            year_share[s, g] = p18[s, 5 * g:5 * g + 5] / p18[s, 5 * g:5 * g + 5].sum()
        old = np.concatenate([p18[s, 85:89], [p18[s, 89:].sum()]])
        year_share[s, -1] = old / old.sum()

    res = dict(
        init2018=init5, census2020=census5, tfr_hist_2011_2019=tfr_hist,
        elder_component_a3=a3, calib_resid=calib_resid, k_levels=k_levels, sexfac_male=sexfac,
        alpha2010=sch.alpha2010, e0_gain=E0_GAIN, raking_factors=fac, year_share_2018=year_share,
        sex_ratio_scale=c_sr, rows=rows,
    )

    # ---- report
    lines = []
    lines.append(f"sex-ratio scale c (2010, ages 20+) = {c_sr:.4f}")
    lines.append(f"Brass alpha 2010: male {sch.alpha2010['male']:.4f}, female {sch.alpha2010['female']:.4f}")
    lines.append(f"TFR 2011-2019 calibrated to the 2020 census 0-14: {tfr_hist:.3f} (census year 2020: {TFR_2020})")
    lines.append(f"elderly (55+) net out-migration component a3 = {a3:.3f} (x level k, normalised RC units)")
    lines.append("calibration residuals (relative): " + " ".join(f"{v:+.1e}" for v in calib_resid))
    lines.append("net out-migration level (1/yr at normalised RC): " + ", ".join(f"{v:.4f}" for v in k_levels))
    lines.append(f"male/female migration rate ratio: {sexfac:.3f}")
    lines.append("fit of reconstruction to totals (persons): " + ", ".join(
        f"{t}: {at_time(pops, t).sum():,.0f} vs {v:,.0f}" for t, v in zip(targets_t, targets_v)))
    lines.append("raking factors (rows 0-14, 15-59, 60-64, 65+; cols male, female):")
    for r, nm in zip(fac, ["0-14", "15-59", "60-64", "65+"]):
        lines.append(f"  {nm:6s} {r[0]:.4f} {r[1]:.4f}")
    lines.append("reconstructed crude birth rate (census-day years 2011..2020): " + " ".join(f"{v:.2f}" for v in cbr))
    lines.append("reconstructed crude death rate: " + " ".join(f"{v:.2f}" for v in cdr))
    lines.append("2000->2010 residual net migration per mille/yr by age in 2010 (10-14..90-94):")
    lines.append("  " + " ".join(f"{v*1000:.1f}" for v in resid_rate))
    lines.append("  RC fundamental (normalised) at same ages: " + " ".join(f"{v:.2f}" for v in rc_g))
    tot20 = census5.sum()
    lines.append(f"2020 constructed: total {tot20:,.0f}; shares 0-14 {census5[:, :3].sum()/tot20:.4f} "
                 f"15-59 {census5[:, 3:12].sum()/tot20:.4f} 60+ {census5[:, 12:].sum()/tot20:.4f} "
                 f"65+ {census5[:, 13:].sum()/tot20:.4f}")
    lines.append(f"2018 initial: total {init5.sum()/1e4:.1f} (10k); male {init5[0].sum()/1e4:.2f} "
                 f"female {init5[1].sum()/1e4:.2f}")
    res["report"] = "\n".join(lines)
    return res


if __name__ == "__main__":
    print(reconstruct(write=True)["report"])
