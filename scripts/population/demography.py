"""Demographic building blocks for deriving the cohort block's inputs (numpy only).

Used by ``scripts/population/write_parameters.py`` (not by the model: the model reads the
parameter tables this produces from ``params/population.toml``). Ported from the issue-14
preparation prototype.

Units: persons or 10k persons (caller's choice, consistently); rates per person-year [1/yr];
ages in completed years.  Five-year groups are ``a0_4 ... a80_84, a85p`` (18 groups).
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]  # the repository
SOURCES = ROOT / "data" / "evidence" / "hlj_population_sources.csv"

GROUPS = [f"a{5*i}_{5*i+4}" for i in range(17)] + ["a85p"]
NG = len(GROUPS)
SEXES = ("male", "female")


def load_sources(path: Path = SOURCES) -> dict[tuple[int, str], float]:
    """Read ``year,series,value,unit,source`` rows into {(year, series): value}."""
    out = {}
    with path.open() as fh:
        for r in csv.DictReader(fh):
            out[(int(r["year"]), r["series"])] = float(r["value"])
    return out


# ---------------------------------------------------------------- life tables
STD_AGES = np.arange(0, 105, 5)  # 0,5,...,100 (100 = open 100+)


def lifetable_from_nmx(nmx: np.ndarray, width: float = 5.0) -> dict[str, np.ndarray]:
    """Abridged life table from 5-year central death rates (last group open).

    Parameters
    ----------
    nmx : array
        Central death rates [1/yr] for 0-4, 5-9, ..., open group.
    Returns dict with lx (at group starts, l0=1), Lx, ex (at group starts), qx.
    """
    n = len(nmx)
    ax = np.full(n, width / 2)
    ax[0] = 1.6  # 0-4: deaths concentrated in infancy (assumption, affects e0 by < 0.1 yr)
    qx = width * nmx / (1 + (width - ax) * nmx)
    qx = np.clip(qx, 0, 1)
    qx[-1] = 1.0
    lx = np.ones(n)
    for i in range(1, n):
        lx[i] = lx[i - 1] * (1 - qx[i - 1])
    dx = lx * qx
    Lx = width * (lx - dx) + ax * dx
    Lx[-1] = lx[-1] / nmx[-1]
    Tx = np.cumsum(Lx[::-1])[::-1]
    return {"lx": lx, "Lx": Lx, "ex": Tx / lx, "qx": qx, "dx": dx}


def brass_nmx(std_nmx: np.ndarray, alpha: float, beta: float = 1.0) -> np.ndarray:
    """Brass relational logit: Y(x) = alpha + beta*Ys(x), Y = 0.5 ln((1-l)/l); returns nMx.

    The open group's rate is set so that its life expectancy scales with the standard's
    ratio l(open)/L(open).
    """
    lt = lifetable_from_nmx(std_nmx)
    ls = lt["lx"]
    ys = np.full_like(ls, -np.inf)
    ys[1:] = 0.5 * np.log((1 - ls[1:]) / ls[1:])
    y = alpha + beta * ys
    lx = np.ones_like(ls)
    lx[1:] = 1 / (1 + np.exp(2 * y[1:]))
    n = len(lx)
    nmx = np.empty(n)
    ax = np.full(n, 2.5)
    ax[0] = 1.6
    for i in range(n - 1):
        q = 1 - lx[i + 1] / lx[i]
        nmx[i] = q / (5 - (5 - ax[i]) * q)
    # open group: keep the standard's open-group rate scaled by the level shift of the
    # last closed group (keeps the old-age slope of the standard)
    nmx[-1] = std_nmx[-1] * nmx[-2] / std_nmx[-2]
    return nmx


def e0_of(nmx: np.ndarray) -> float:
    return float(lifetable_from_nmx(nmx)["ex"][0])


def fit_alpha(std_nmx: np.ndarray, e0_target: float, beta: float = 1.0) -> float:
    """Brass alpha giving life expectancy ``e0_target`` (bisection)."""
    lo, hi = -3.0, 3.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if e0_of(brass_nmx(std_nmx, mid, beta)) > e0_target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def collapse_open(nmx21: np.ndarray, open_start_index: int = 17) -> np.ndarray:
    """Collapse rates for 0-4..95-99,100+ (21 groups) to 0-4..80-84,85+ (18 groups).

    The 85+ rate is the life-table rate of the open interval: l85 / T85.
    """
    lt = lifetable_from_nmx(nmx21)
    out = nmx21[:NG].copy()
    T = lt["Lx"][open_start_index:].sum()
    out[open_start_index] = lt["lx"][open_start_index] / T
    return out


# ---------------------------------------------------------------- migration
RC_FUNDAMENTAL = dict(a1=0.02, alpha1=0.1, a2=0.06, alpha2=0.1, mu2=20.0, lambda2=0.4, c=0.003)


def rogers_castro(x: np.ndarray, a1=0.02, alpha1=0.1, a2=0.06, alpha2=0.1, mu2=20.0,
                  lambda2=0.4, c=0.003) -> np.ndarray:
    """Seven-parameter Rogers-Castro (1981) model migration schedule m(x) (unscaled)."""
    x = np.asarray(x, float)
    return (a1 * np.exp(-alpha1 * x)
            + a2 * np.exp(-alpha2 * (x - mu2) - np.exp(-lambda2 * (x - mu2))) + c)


def rc_by_group(**par) -> np.ndarray:
    """RC schedule averaged over single ages within each 5-year group (85+: ages 85-99)."""
    x = np.arange(0, 100) + 0.5
    m = rogers_castro(x, **par)
    out = np.array([m[5 * i:5 * i + 5].mean() for i in range(17)] + [m[85:].mean()])
    return out


# ---------------------------------------------------------------- fertility
ASFR_GROUPS = slice(3, 10)  # a15_19 .. a45_49


def asfr_shape(src: dict) -> np.ndarray:
    """Standard ASFR shape over 15-19..45-49, normalised so that 5*sum = 1 (TFR of 1)."""
    ages = ["15_19", "20_24", "25_29", "30_34", "35_39", "40_44", "45_49"]
    f = np.array([src[(2020, f"fuzhou_census7_asfr_age_{a}")] for a in ages]) / 1000.0
    return f / (5 * f.sum())


# ---------------------------------------------------------------- helpers
def group_of_single(p_single: np.ndarray) -> np.ndarray:
    """Sum single ages 0..100+ (101 values, last open) to 18 five-year groups."""
    g = np.array([p_single[5 * i:5 * i + 5].sum() for i in range(17)] + [p_single[85:].sum()])
    return g


def median_age_grouped(pop_groups: np.ndarray) -> float:
    """Median age from 5-year groups (linear within group; 85+ treated as 85-100)."""
    c = np.cumsum(pop_groups)
    half = c[-1] / 2
    i = int(np.searchsorted(c, half))
    prev = c[i - 1] if i > 0 else 0.0
    width = 5.0 if i < NG - 1 else 15.0
    return 5 * i + width * (half - prev) / pop_groups[i]


def ipf(table: np.ndarray, row_targets: np.ndarray, col_targets: np.ndarray, iters: int = 200):
    """Iterative proportional fitting of a 2-D table to row and column totals."""
    t = table.astype(float).copy()
    for _ in range(iters):
        t *= (row_targets / t.sum(axis=1))[:, None]
        t *= (col_targets / t.sum(axis=0))[None, :]
    return t
