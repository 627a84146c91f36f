"""Calibration targets: which observed series the model is fitted to, read from a TOML config.

The config (``calibration/targets.toml`` in the repository) says, for each
target, which data series and years to use, which model variable it maps to,
how to convert units, and its weight. Nothing about the data is hard-coded.

Config format::

    [meta]
    description = "what this target set is for"
    data = ["data/heilongjiang_history.csv"]     # default data files (relative to the config)
    scenario = "scenarios/pandemic_replay.toml"  # optional: conditions applied to history
    start = 2018                                 # first simulated year (without a scenario)
    dt = 0.25                                    # optional: default the scenario's
    method = "euler"                             # optional: default the scenario's
    low_confidence_weight = 0.25                 # multiplier for rows flagged weak
    prior_weight = 1e-3                          # lambda of the prior residuals (0: plain WLS),
                                                 # see simulator/calibration/core.py

    [[target]]
    name = "gdp"                       # id used in reports
    series = "gdp_final_nbs"           # `series` column of the data; a list = priority order:
                                       # each year takes the first listed series that has it
    units = ["100m yuan"]              # accepted prefixes of the `unit` column (others skipped)
    variable = "gdp_nominal"           # model variable; a list is summed
    elements = ["agri", "energy"]      # optional: elements of an arrayed variable, summed
    times = "gdp_deflator"             # optional: model variable multiplying the sum (e.g. real -> nominal)
    scale = 1.0                        # data value x scale = model units
    scale_by_year = {2020 = 6.8976}    # optional per-year factor (e.g. exchange rate), with
    scale_source = "NBS communique"    # ... its source; years without a factor are skipped
    years = [2018, 2022]               # inclusive range, or `years = [2018, 2020, 2022]` list via `year_list`
    weight = 1.0                       # weight of the whole series in the objective
    label = "GDP (post-census, NBS final)"
    model_unit = "100m yuan"           # for tables
    max_mape = 5.0                     # optional acceptance limit [%] checked by validate-model
    note = "..."                       # optional: what the model misses for this series and why (reports)

Row selection, in order: rows of ``series`` in the years wanted whose unit
starts with one of ``units``; for each year only the first listed series
that has rows there (so a series is never mixed with another in one year); a year with both preliminary and final rows
keeps only the final ones; the remaining rows of a year are averaged (their
spread is reported). Rows whose unit or source says ``LOW CONFIDENCE``,
``low-grade``, ``approximate``, ``mid-year`` or ``not year-end`` get weight
``low_confidence_weight``. Years without data are skipped, never filled.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: default lambda of the prior residuals (same as simulator.calibration.core.DEFAULT_PRIOR_WEIGHT)
DEFAULT_PRIOR_WEIGHT = 1e-3

__all__ = ["CalibrationConfig", "ConfigError", "ObservedSeries", "TargetSpec", "load_config", "load_history", "observe"]

#: Markers (case-insensitive) in the unit or source column that flag a weak row.
WEAK_MARKERS = ("low confidence", "low-grade", "approximate", "mid-year", "not year-end")
#: Markers that flag a preliminary (first-release) row.
PRELIMINARY_MARKERS = ("preliminary",)


class ConfigError(ValueError):
    """A malformed calibration config or data file (one-line message)."""


@dataclass(frozen=True)
class TargetSpec:
    """One calibration target as configured (see the module documentation)."""

    name: str
    series: tuple[str, ...]
    variable: tuple[str, ...]
    units: tuple[str, ...]
    years: tuple[int, ...]
    weight: float = 1.0
    elements: tuple[str, ...] = ()
    scale: float = 1.0
    scale_by_year: dict[int, float] = field(default_factory=dict)
    scale_source: str = ""
    label: str = ""
    model_unit: str = ""
    max_mape: float | None = None
    times: str = ""
    note: str = ""

    @property
    def series_text(self) -> str:
        """The data series, in priority order, as text."""
        return " > ".join(self.series)


@dataclass(frozen=True)
class CalibrationConfig:
    """A parsed calibration config.

    Attributes
    ----------
    path : Path
        The config file.
    description : str
        What the target set is for.
    data : tuple of Path
        Default data files (absolute).
    scenario : Path or None
        Scenario whose conditions are applied to history (e.g. the pandemic replay).
    start : float
        First simulated year [yr] (used without a history scenario).
    dt : float or None
        Integration step [yr] (None: the scenario's).
    method : str or None
        Integrator, ``"euler"`` or ``"rk4"`` (None: the scenario's).
    low_confidence_weight : float
        Weight multiplier for weak rows.
    targets : tuple of TargetSpec
    prior_weight : float
        ``lambda`` of the prior residuals (:mod:`simulator.calibration.core`); 0 = plain WLS.
    """

    path: Path
    description: str
    data: tuple[Path, ...]
    scenario: Path | None
    start: float
    dt: float | None
    method: str | None
    low_confidence_weight: float
    targets: tuple[TargetSpec, ...]
    prior_weight: float = 1e-3


@dataclass(frozen=True)
class ObservedSeries:
    """Observations of one target, ready for fitting.

    Attributes
    ----------
    spec : TargetSpec
    years : ndarray of int
        Years with data (sorted).
    values : ndarray
        Observed values in model units.
    weights : ndarray
        Per-point weight multipliers (1, or ``low_confidence_weight`` for weak rows).
    sources : tuple of str
        The sources of the rows used, one string per year.
    notes : tuple of str
        What was skipped or merged, for the report.
    """

    spec: TargetSpec
    years: np.ndarray
    values: np.ndarray
    weights: np.ndarray
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.spec.name

    def subset(self, mask) -> ObservedSeries:
        """The observations where ``mask`` (over years) is true."""
        m = np.asarray(mask, dtype=bool)
        return ObservedSeries(self.spec, self.years[m], self.values[m], self.weights[m],
                              tuple(s for s, k in zip(self.sources, m) if k), self.notes)


# -- config ---------------------------------------------------------------------

def _years(t: dict, where: str) -> tuple[int, ...]:
    if "year_list" in t:
        ys = t["year_list"]
        if not isinstance(ys, list) or not all(isinstance(y, int) for y in ys):
            raise ConfigError(f"{where}.year_list: must be a list of integer years")
        return tuple(sorted(set(ys)))
    ys = t.get("years")
    if not (isinstance(ys, list) and len(ys) == 2 and all(isinstance(y, int) for y in ys) and ys[0] <= ys[1]):
        raise ConfigError(f"{where}.years: must be [first, last] (inclusive integer years)")
    return tuple(range(ys[0], ys[1] + 1))


def _str_tuple(v, where: str) -> tuple[str, ...]:
    if isinstance(v, str):
        return (v,)
    if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
        return tuple(v)
    raise ConfigError(f"{where}: must be a string or a non-empty list of strings")


def _pos(v, where: str, *, allow_zero: bool = False) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise ConfigError(f"{where}: must be a positive number, got {v!r}")
    return float(v)


_TARGET_FIELDS = {"name", "series", "variable", "units", "years", "year_list", "weight", "elements", "scale",
                  "scale_by_year", "scale_source", "label", "model_unit", "max_mape", "times", "note"}
_META_FIELDS = {"description", "data", "scenario", "start", "dt", "method", "low_confidence_weight", "prior_weight"}


def read_config_toml(path: Path, what: str) -> dict:
    """Read a TOML config file; :class:`ConfigError` ``"<path>: no such <what>"`` or ``"<path>: bad TOML: ..."``."""
    from ..inputfiles import InputFileError, load_toml

    try:  # regular files only, size cap, UTF-8, TOML checks (simulator/inputfiles.py)
        return load_toml(path, what=what)[0]
    except InputFileError as exc:
        if exc.problem == "no such file or directory":
            raise ConfigError(f"{path}: no such {what}") from None
        raise ConfigError(str(exc).replace(": malformed TOML: ", ": bad TOML: ", 1)) from None


def load_config(path: str | Path) -> CalibrationConfig:
    """Read and validate a calibration config (see the module documentation).

    Raises
    ------
    ConfigError
        Missing file, bad TOML, unknown or malformed field.
    """
    p = Path(path)
    doc = read_config_toml(p, "calibration config")
    unknown = set(doc) - {"meta", "target"}
    if unknown:
        raise ConfigError(f"{p}: unknown table(s) {', '.join(sorted(unknown))} (allowed: meta, target)")
    meta = doc.get("meta", {})
    for k in meta:
        if k not in _META_FIELDS:
            raise ConfigError(f"{p}: meta.{k}: unknown field (allowed: {', '.join(sorted(_META_FIELDS))})")
    base = p.parent
    root = _repo_root(base)
    data_names = _str_tuple(meta.get("data", ["data/heilongjiang_history.csv"]), f"{p}: meta.data")
    data = tuple(_resolve(d, base, root) for d in data_names)
    scen = meta.get("scenario")
    scenario = _resolve(scen, base, root) if scen else None
    method = meta.get("method")
    if method not in (None, "euler", "rk4"):
        raise ConfigError(f"{p}: meta.method: must be 'euler' or 'rk4'")
    targets = []
    seen = set()
    raw = doc.get("target", [])
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{p}: no [[target]] tables")
    for i, t in enumerate(raw):
        where = f"{p}: target[{i}]"
        for k in t:
            if k not in _TARGET_FIELDS:
                raise ConfigError(f"{where}.{k}: unknown field (allowed: {', '.join(sorted(_TARGET_FIELDS))})")
        for k in ("name", "series", "variable", "units"):
            if k not in t:
                raise ConfigError(f"{where}: missing {k}")
        name = t["name"]
        if not isinstance(name, str) or not name or name in seen:
            raise ConfigError(f"{where}.name: must be a unique non-empty string")
        seen.add(name)
        sby = {}
        for y, f in dict(t.get("scale_by_year", {})).items():
            try:
                yi = int(y)
            except ValueError:
                raise ConfigError(f"{where}.scale_by_year: keys must be years, got {y!r}") from None
            sby[yi] = _pos(f, f"{where}.scale_by_year.{y}")
        if sby and not t.get("scale_source"):
            raise ConfigError(f"{where}: scale_by_year needs scale_source (where the factors come from)")
        targets.append(TargetSpec(
            name=name, series=_str_tuple(t["series"], f"{where}.series"), variable=_str_tuple(t["variable"], f"{where}.variable"),
            units=_str_tuple(t["units"], f"{where}.units"), years=_years(t, where),
            weight=_pos(t.get("weight", 1.0), f"{where}.weight", allow_zero=True),
            elements=_str_tuple(t["elements"], f"{where}.elements") if "elements" in t else (),
            scale=_pos(t.get("scale", 1.0), f"{where}.scale"), scale_by_year=sby,
            scale_source=str(t.get("scale_source", "")), label=str(t.get("label", name)),
            model_unit=str(t.get("model_unit", "")),
            max_mape=_pos(t["max_mape"], f"{where}.max_mape") if "max_mape" in t else None,
            times=str(t.get("times", "")),
            note=" ".join(str(t.get("note", "")).split()),
        ))
    return CalibrationConfig(
        path=p, description=str(meta.get("description", "")), data=data, scenario=scenario,
        start=float(meta.get("start", 2018)), dt=_pos(meta["dt"], f"{p}: meta.dt") if "dt" in meta else None, method=method,
        low_confidence_weight=_pos(meta.get("low_confidence_weight", 0.25), f"{p}: meta.low_confidence_weight"),
        targets=tuple(targets),
        prior_weight=_pos(meta.get("prior_weight", DEFAULT_PRIOR_WEIGHT), f"{p}: meta.prior_weight", allow_zero=True),
    )


def _repo_root(start: Path) -> Path:
    for d in [start.resolve(), *start.resolve().parents]:
        if (d / "pyproject.toml").exists() or (d / "setup.cfg").exists():
            return d
    return start.resolve()


def _resolve(v, base: Path, root: Path) -> Path:
    """Paths in a config are relative to the repository root (or absolute)."""
    q = Path(str(v))
    if q.is_absolute():
        return q
    return (root / q) if (root / q).exists() or not (base / q).exists() else (base / q)


# -- data -------------------------------------------------------------------------

def load_history(paths) -> list[dict]:
    """Rows ``{year, series, value, unit, source, file}`` of one or more history CSV files.

    Raises
    ------
    ConfigError
        A missing file, missing columns, or a row without a source.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    rows = []
    for f in paths:
        f = Path(f)
        from ..inputfiles import InputFileError, check_regular
        from ..limits import limit

        try:  # a FIFO or device would block the reader; a huge file is refused before it is read
            check_regular(f, what="history data file", max_bytes=limit("MAX_TABLE_BYTES"))
        except InputFileError as exc:
            if exc.problem != "no such file or directory":
                raise ConfigError(str(exc)) from None
        try:
            with f.open(newline="", encoding="utf-8") as fh:
                reader = csv.DictReader(fh)
                missing = {"year", "series", "value", "unit", "source"} - set(reader.fieldnames or ())
                if missing:
                    raise ConfigError(f"{f}: missing column(s) {', '.join(sorted(missing))}")
                for i, r in enumerate(reader, start=2):
                    try:
                        year, value = int(r["year"]), float(r["value"])
                    except (TypeError, ValueError):
                        raise ConfigError(f"{f}:{i}: year/value not numeric") from None
                    if not (r.get("source") or "").strip():
                        raise ConfigError(f"{f}:{i}: row without a source")
                    rows.append({"year": year, "series": r["series"].strip(), "value": value,
                                 "unit": (r["unit"] or "").strip(), "source": r["source"].strip(), "file": str(f)})
        except FileNotFoundError:
            raise ConfigError(f"{f}: no such data file") from None
    return rows


def _has(text: str, markers) -> bool:
    t = text.lower()
    return any(m in t for m in markers)


def observe(spec: TargetSpec, rows: list[dict], *, low_confidence_weight: float = 0.25) -> ObservedSeries:
    """Select, merge and convert the data rows of one target (see the module documentation)."""
    by_year: dict[int, list[dict]] = defaultdict(list)
    notes = []
    skipped_units = set()
    wanted = set(spec.years)
    prefixes = tuple(u.lower() for u in spec.units)
    rank = {name: i for i, name in enumerate(spec.series)}
    for r in rows:
        if r["series"] not in rank or r["year"] not in wanted:
            continue
        if not r["unit"].lower().startswith(prefixes):
            skipped_units.add(r["unit"])
            continue
        by_year[r["year"]].append(r)
    for y, rs in by_year.items():
        best = min(rank[r["series"]] for r in rs)
        by_year[y] = [r for r in rs if rank[r["series"]] == best]
        if len(spec.series) > 1 and best > 0:
            notes.append(f"{y}: from {spec.series[best]}")
    if skipped_units:
        notes.append(f"rows with other units skipped: {'; '.join(sorted(skipped_units))}")
    years, values, weights, sources = [], [], [], []
    for y in sorted(by_year):
        rs = by_year[y]
        final = [r for r in rs if not _has(r["unit"] + " " + r["source"], PRELIMINARY_MARKERS)]
        if final and len(final) < len(rs):
            notes.append(f"{y}: preliminary row dropped in favour of the final figure")
            rs = final
        if spec.scale_by_year and y not in spec.scale_by_year:
            notes.append(f"{y}: no conversion factor, skipped")
            continue
        vals = np.array([r["value"] for r in rs])
        if len(rs) > 1 and np.ptp(vals) > 1e-9 * max(1.0, abs(vals).max()):
            notes.append(f"{y}: {len(rs)} rows disagree ({', '.join(f'{v:g}' for v in vals)}), averaged")
        v = float(vals.mean()) * spec.scale * spec.scale_by_year.get(y, 1.0)
        weak = all(_has(r["unit"] + " " + r["source"], WEAK_MARKERS) for r in rs)
        years.append(y)
        values.append(v)
        weights.append(low_confidence_weight if weak else 1.0)
        sources.append(rs[0]["source"])
        if weak:
            notes.append(f"{y}: weak row (weight x{low_confidence_weight:g})")
    return ObservedSeries(spec, np.asarray(years, dtype=int), np.asarray(values, dtype=float),
                          np.asarray(weights, dtype=float), tuple(sources), tuple(notes))
