"""Shared definitions of the Heilongjiang model: dimensions, paths, helpers.

Sectors and their official mapping
----------------------------------
The nine model sectors map onto the official primary/secondary/tertiary split by
the constant weight arrays ``primary_weight`` and ``secondary_weight`` (tertiary =
1 - both), read from ``params/production.toml``: every sector's weights sum to 1,
so ``va_primary + va_secondary + va_tertiary == gdp_real`` exactly.

=================  ===========================================  =====================
sector             contents                                     official sector
=================  ===========================================  =====================
agri_food          farming, forestry, husbandry, fishery +      primary 87% /
                   food processing                              secondary 13%
energy_petrochem   oil & gas extraction, refining, chemicals,   secondary
                   coal, power
mining_materials   mining, graphite and new materials,          secondary
                   building materials
equipment_mfg      equipment and other manufacturing            secondary
construction       construction                                 secondary
logistics_trade    wholesale/retail, transport, storage, post   tertiary
finance_services   finance, real estate, business services      tertiary
tourism_consumer   hotels, catering, tourism, household,        tertiary
                   public and social services
digital_economy    ICT manufacturing + IT services              secondary 14% /
                                                                tertiary 86%
=================  ===========================================  =====================
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..engine import Constant, TimeSeries

SECTORS = (
    "agri_food", "energy_petrochem", "mining_materials", "equipment_mfg", "construction",
    "logistics_trade", "finance_services", "tourism_consumer", "digital_economy",
)
PARTNERS = ("russia", "other_bri", "rest_of_world")
LEVERS = (
    "port_investment", "digital_infrastructure", "industry_transfer", "finance_clustering",
    "ftz_opening", "innovation_chain", "industrial_chains", "producer_services",
)
#: Five-year age groups (85+ open) and the single years within a group (population block).
AGE = tuple(f"a{5 * i}_{5 * i + 4}" for i in range(17)) + ("a85p",)
AGE_YEARS = ("y0", "y1", "y2", "y3", "y4")
SEXES = ("male", "female")
#: ``commodity`` has the sectors' elements: an input-output table is commodity x sector
#: (rows: what is bought, columns: who buys it), so the two are different dimensions.
#: ``age2`` has the age groups' elements: a second age axis for cumulative sums over age.
DIMENSIONS = {"sector": SECTORS, "commodity": SECTORS, "partner": PARTNERS, "sex": SEXES, "age": AGE,
              "age_year": AGE_YEARS, "age2": AGE}

#: Small number guarding divisions [same units as the denominator].
EPS = 1e-9

S = ("sector",)
C = ("commodity",)
CS = ("commodity", "sector")
P = ("partner",)

MONEY = "100m yuan/yr (2018 prices)"
MONEY_STOCK = "100m yuan (2018 prices)"
PERSONS = "10k persons"


def repo_root() -> Path:
    """The repository root (the package is installed editable: ``simulator/`` lives in it)."""
    return Path(__file__).resolve().parents[2]


def params_dir() -> Path:
    """The ``params/`` directory shipped with the repository.

    Raises
    ------
    FileNotFoundError
        If it is missing (e.g. a non-editable install without the data files).
    """
    p = repo_root() / "params"
    if not p.is_dir():
        raise FileNotFoundError(f"parameter directory not found: {p} (regsim must be installed from its repository, editable)")
    return p


def data_dir() -> Path:
    """The ``data/`` directory shipped with the repository."""
    p = repo_root() / "data"
    if not p.is_dir():
        raise FileNotFoundError(f"data directory not found: {p} (regsim must be installed from its repository, editable)")
    return p


def read_driver(name: str, directory: Path | None = None) -> tuple[tuple[float, ...], tuple[float, ...], str, list[str]]:
    """Read ``data/drivers/<name>.csv``.

    Returns
    -------
    years, values, unit, sources
    """
    path = (directory or data_dir() / "drivers") / f"{name}.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ValueError(f"{path}: no rows")
    xs = tuple(float(r["year"]) for r in rows)
    ys = tuple(float(r["value"]) for r in rows)
    return xs, ys, rows[0]["unit"], [r["source"] for r in rows]


def driver(name: str, doc: str, units: str | None = None, *, scale: float = 1.0, shift: float = 0.0,
           group: str = "external", directory: Path | None = None, name_override: str | None = None) -> TimeSeries:
    """A :class:`TimeSeries` component from a driver CSV.

    Parameters
    ----------
    scale : float
        Factor applied to the values (e.g. 0.001 for per mille -> fraction).
    shift : float
        Added to the years. Annual *rates* (growth, birth rate) are placed at
        mid-year (``shift=-0.5``): model time ``Y`` holds year-end levels and
        annual flows of year ``Y``, so the rate of year ``Y`` governs the
        interval ``[Y-1, Y]``.
    name_override : str, optional
        File stem when it differs from the component name.
    """
    stem = name_override or name
    xs, ys, unit, _ = read_driver(stem, directory)
    return TimeSeries(name, units=units or unit, doc=doc + f" [data/drivers/{stem}.csv]", group=group,
                      x=tuple(x + shift for x in xs), y=tuple(v * scale for v in ys))


def flat_series(name: str, value: float, doc: str, units: str = "1", group: str = "external") -> TimeSeries:
    """A constant :class:`TimeSeries` over 1900..2200 (a scenario hook)."""
    return TimeSeries(name, units=units, doc=doc, group=group, x=(1900.0, 2200.0), y=(value, value))


def one_year() -> Constant:
    """The constant ``one_year`` = 1 [yr].

    Stock-to-annual-flow ratios quoted as plain numbers (credit/GDP = 1.55 means loans equal
    1.55 years of GDP) are written ``stock / (flow * one_year)``, so the ratio is dimensionless
    and the unit checker can verify it.
    """
    return Constant("one_year", units="yr", doc="One year: converts an annual flow into the stock it adds up to in a year",
                    group="structure", value=1.0)


def selector(name: str, dim: str, elements: tuple[str, ...], doc: str, group: str = "structure") -> Constant:
    """A 0/1 constant array over ``dim`` that is 1 on ``elements``."""
    values = [1.0 if e in elements else 0.0 for e in DIMENSIONS[dim]]
    return Constant(name, units="1", doc=doc, dims=(dim,), group=group, value=values)
