"""Fit of the population block to the sourced age structure, sex totals and population series.

The targets come from the data files (``data/heilongjiang_history.csv``: the revised population
series; ``data/evidence/hlj_population_sources.csv``: the 2020 census broad age groups, the
yearly sample-survey shares, the revised male/female series, 2023 as an out-of-sample year).
Model values are year-end values (model time ``Y`` = end of year ``Y``); the 2020 census
(1 November) is compared with year-end 2020. Crude rates use the exact yearly flows
(differences of ``births_cumulative`` and ``deaths_cumulative``) over the mean of the two
year-end populations.

Limits (issue 14): broad age shares of the 2020 census and of 2022 within 1 percentage point,
male and female totals within 1 %, the population 2018-2022 within 2 %. Rows without a limit
are reported only.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["FitRow", "age_structure_fit", "broad_shares", "load_population_data", "AGE_STRUCTURE_VARIABLES"]

#: What a run must save for :func:`age_structure_fit`.
AGE_STRUCTURE_VARIABLES = ("population", "population_by_age", "births_cumulative", "deaths_cumulative")

#: Broad groups as 5-year group index ranges (``a0_4`` = 0 ... ``a85p`` = 17).
BROAD = {"0-14": (0, 3), "15-59": (3, 12), "15-64": (3, 13), "60+": (12, 18), "65+": (13, 18)}
_SHARE_SERIES = {"0-14": "pop_age_0_14_total_share", "15-59": "pop_age_15_59_total_share",
                 "15-64": "pop_age_15_64_total_share", "60+": "pop_age_60_plus_total_share",
                 "65+": "pop_age_65_plus_total_share"}


@dataclass(frozen=True)
class FitRow:
    """One compared number: ``diff`` in percentage points (shares, rates) or per cent (levels)."""

    item: str
    year: int
    model: float
    data: float
    unit: str            # "pp" (difference) or "%" (relative difference)
    limit: float | None  # None: reported only
    source: str

    @property
    def diff(self) -> float:
        return self.model - self.data if self.unit == "pp" else 100.0 * (self.model / self.data - 1.0)

    @property
    def ok(self) -> bool | None:
        return None if self.limit is None else bool(abs(self.diff) <= self.limit)


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def load_population_data(root: str | Path | None = None) -> dict[tuple[int, str], tuple[float, str]]:
    """``{(year, series): (value, source)}`` from the history and population evidence files (first row wins)."""
    root = Path(root) if root is not None else _repo_root()
    out: dict[tuple[int, str], tuple[float, str]] = {}
    for rel in ("data/heilongjiang_history.csv", "data/evidence/hlj_population_sources.csv"):
        with open(root / rel, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                out.setdefault((int(r["year"]), r["series"]), (float(r["value"]), rel))
    return out


def broad_shares(pop_by_age: np.ndarray) -> dict[str, float]:
    """Broad-group shares [%] of a ``(sex, age)`` (or ``(age,)``) array of the 18 five-year groups."""
    p = np.asarray(pop_by_age, dtype=float)
    by_age = p.sum(axis=0) if p.ndim == 2 else p
    tot = by_age.sum()
    return {k: 100.0 * by_age[a:b].sum() / tot for k, (a, b) in BROAD.items()}


def age_structure_fit(results, *, run: int = 0, root=None) -> list[FitRow]:
    """Rows comparing a run (year-end values saved at whole years) with the population data.

    Parameters
    ----------
    results : Results
        With :data:`AGE_STRUCTURE_VARIABLES` saved, covering 2018-2022 (2023 rows when present).
    run : int
        Ensemble member to compare.
    """
    data = load_population_data(root)
    times = np.asarray(results.times, dtype=float)

    def at(name, year):
        i = np.flatnonzero(np.isclose(times, year))
        if not i.size:
            return None
        return np.asarray(results[name])[run, i[0]]

    rows: list[FitRow] = []
    years = [y for y in range(2018, 2024) if at("population", y) is not None]
    for y in years:
        in_sample = y <= 2022
        if (y, "population_total_revised7census") in data:
            v, src = data[(y, "population_total_revised7census")]
            rows.append(FitRow("population (10k)", y, float(at("population", y)), v, "%", 2.0 if in_sample else None, src))
        pba = at("population_by_age", y)
        for s, sex in enumerate(("male", "female")):
            key = (y, f"population_{sex}_revised7census")
            if key in data:
                v, src = data[key]
                rows.append(FitRow(f"{sex} (10k)", y, float(pba[s].sum()), v, "%", 1.0 if in_sample else None, src))
        shares = broad_shares(pba)
        for g, series in _SHARE_SERIES.items():
            key = (y, series)
            if key in data:
                v, src = data[key]
                label = f"share {g} (%)" + (" [census 1 Nov]" if y == 2020 else "")
                limit = 1.0 if y in (2020, 2022) else None
                rows.append(FitRow(label, y, shares[g], v, "pp", limit, src))
        if y > years[0]:
            mean = 0.5 * (float(at("population", y)) + float(at("population", y - 1)))
            for series, var, label in (("birth_rate", "births_cumulative", "crude birth rate (per mille)"),
                                       ("death_rate", "deaths_cumulative", "crude death rate (per mille)")):
                key = (y, series)
                if key in data:
                    v, src = data[key]
                    flow = float(at(var, y)) - float(at(var, y - 1))
                    rows.append(FitRow(label, y, 1000.0 * flow / mean, v, "pp", None, src))
    return rows


def fit_table(rows: list[FitRow]) -> list[list[str]]:
    """Rows for a markdown/text table: item, year, model, data, difference, limit, result."""
    out = [["item", "year", "model", "data", "difference", "limit", "result"]]
    for r in rows:
        lim = "" if r.limit is None else f"{r.limit:g} {r.unit}"
        res = "" if r.ok is None else ("pass" if r.ok else "**FAIL**")
        out.append([r.item, str(r.year), f"{r.model:.2f}", f"{r.data:.2f}", f"{r.diff:+.2f} {r.unit}", lim, res])
    return out
