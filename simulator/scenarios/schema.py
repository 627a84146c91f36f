"""Scenario files: reading, inheritance (``extends``) and validation.

A scenario is a TOML file::

    name = "port_investment"
    description = "Border ports and corridors, brief section (二)一 ..."
    extends = "baseline.toml"          # optional, resolved relative to this file
    seed = 20181                       # optional, for stochastic analyses

    [horizon]                          # optional; defaults shown
    start = 2018                       # the model's initial-condition year
    stop = 2050
    dt = 0.25
    method = "euler"                   # or "rk4"

    [levers.port_investment]
    budget = 120                       # 100m yuan/yr
    start = 2024
    end = 2035                         # exclusive: no spending from 2035 on
    ramp = 2                           # years to reach the full budget
    construction_delay = 4             # lever-specific setting -> constant port_investment_construction_delay
    financing_central = 0.4            # who pays: shares of spending, summing to 1 (central transfer,
    financing_bonds = 0.45             # provincial bonds, reallocation within the provincial budget);
    financing_reallocation = 0.15      # the defaults are in params/levers.toml

    [shocks.border_closure]            # pandemic: capacity multiplier over a year range
    start = 2020
    end = 2022
    capacity_multiplier = 0.35

    [shocks.oil_price]                 # replace an exogenous path ...
    years = [2022, 2030, 2050]
    values = [100, 70, 65]

    [shocks.russia_demand]             # ... or scale it over a window
    start = 2025
    end = 2030
    multiplier = 0.8

Time convention: model time ``Y`` stands for calendar year ``Y`` (the initial
conditions at ``t = 2018`` are 2018 data, and calibration compares the value
saved at ``t = Y`` with year ``Y``'s statistics). A window ``start``..``end`` is
inclusive: the readings at ``t = start, ..., end`` are shocked, i.e. the model
interval ``[start, end + 1)``. Levers differ: a lever spends from ``start``
(ramping up linearly over ``ramp`` years, so nothing is spent at ``t = start``
itself when ``ramp > 0``) until ``end``, exclusive -- ``budget * clip((t - start)
/ ramp, 0, 1)`` for ``start <= t < end`` (``simulator/model/levers.py``).

    [parameters]                       # override any parameter by name
    trade_cost_elasticity = -2.5

Every problem is reported as ``file: key: what is wrong``.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

TOP_KEYS = {"name", "description", "extends", "seed", "horizon", "levers", "shocks", "parameters"}
HORIZON_KEYS = {"start", "stop", "dt", "method", "save_every"}
DEFAULT_HORIZON = {"start": 2018, "stop": 2050, "dt": 0.25, "method": "euler", "save_every": 1.0}
MODEL_START = 2018
MAX_STOP = 2100

#: scenario shock id -> model time series it sets
SHOCK_SERIES = {
    "border_closure": "border_capacity_multiplier",
    "russia_demand": "russia_demand_multiplier",
    "trade_diversion": "trade_diversion_to_russia",
    "oil_price": "oil_price",
    "china_gdp_growth": "china_gdp_growth",
    "interest_rate": "interest_rate",
    "labour_supply": "labour_supply_multiplier",
    "carbon_price": "regional_carbon_price",
    "carbon_cap": "carbon_cap",
    "crude_pipeline_capacity": "russia_crude_pipeline_capacity",
}
SHOCK_KEYS = {"years", "values", "start", "end", "multiplier", "value", "capacity_multiplier", "description"}


class ScenarioError(ValueError):
    """One or more problems in a scenario file.

    Attributes
    ----------
    problems : list of str
        Each ``file: key: problem``. ``str(error)`` is the first one (plus a count).
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(problems[0] + more if problems else "invalid scenario")


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario (inheritance applied), before it meets the model.

    Attributes
    ----------
    name, description : str
    path : Path
        The file it was read from.
    chain : tuple of Path
        The file and its ``extends`` ancestors, child first.
    horizon : dict
        start, stop, dt [yr], save_every [yr], method.
    levers : dict of str to dict
        Lever id -> settings (``budget`` [100m yuan/yr], ``start``, ``end``, ``ramp`` [yr], ...).
    shocks : dict of str to dict
        Shock id -> specification.
    parameters : dict of str to value
        Parameter overrides by name.
    seed : int or None
    raw : dict
        The merged TOML contents (for metadata).
    """

    name: str
    description: str
    path: Path
    chain: tuple[Path, ...]
    horizon: dict
    levers: dict = field(default_factory=dict)
    shocks: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    seed: int | None = None
    raw: dict = field(default_factory=dict)

    def sources(self) -> dict[str, str]:
        """File name -> text of every file in the inheritance chain (for metadata)."""
        return {str(p): p.read_text(encoding="utf-8") for p in self.chain}


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ScenarioError([f"{path}: file not found"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{path}: is a directory, not a scenario file"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path}: malformed TOML: {exc}"]) from None
    except UnicodeDecodeError:
        raise ScenarioError([f"{path}: not UTF-8 text"]) from None


def _merge(parent: dict, child: dict) -> dict:
    out = dict(parent)
    for k, v in child.items():
        if k in ("levers", "shocks") and isinstance(v, dict) and isinstance(out.get(k), dict):
            merged = dict(out[k])
            for sub, spec in v.items():
                if isinstance(spec, dict) and isinstance(merged.get(sub), dict):
                    merged[sub] = {**merged[sub], **spec}
                else:
                    merged[sub] = spec
            out[k] = merged
        elif k in ("horizon", "parameters") and isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        else:
            out[k] = v
    return out


def read_scenario(path: str | Path) -> tuple[dict, tuple[Path, ...]]:
    """Read a scenario file and its ``extends`` ancestors; return the merged dict and the chain.

    Raises
    ------
    ScenarioError
        Missing or malformed file, or cyclic ``extends``.
    """
    path = Path(path)
    chain: list[Path] = []
    layers: list[dict] = []
    cur = path
    while True:
        resolved = cur.resolve()
        if resolved in [p.resolve() for p in chain]:
            cycle = " -> ".join(str(p) for p in chain + [cur])
            raise ScenarioError([f"{path}: extends: cyclic inheritance {cycle}"])
        data = _read_toml(cur)
        chain.append(cur)
        layers.append(data)
        parent = data.get("extends")
        if parent is None:
            break
        if not isinstance(parent, str) or not parent:
            raise ScenarioError([f"{cur}: extends: must be a file name (string)"])
        cur = cur.parent / parent
        if len(chain) > 50:
            raise ScenarioError([f"{path}: extends: inheritance deeper than 50 files"])
    merged: dict = {}
    for layer in reversed(layers):
        merged = _merge(merged, {k: v for k, v in layer.items() if k not in ("name", "description", "extends")})
    for k in ("name", "description"):
        if k in layers[0]:
            merged[k] = layers[0][k]
    return merged, tuple(chain)


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def load_scenario(path: str | Path) -> Scenario:
    """Read and structurally validate a scenario file (model-independent checks).

    Checks against the model and its parameters (lever settings, parameter
    names and ranges, time-series names) are done by
    :func:`simulator.scenarios.prepare` / :func:`validate_scenario`.

    Raises
    ------
    ScenarioError
        Listing every problem found.
    """
    path = Path(path)
    raw, chain = read_scenario(path)
    problems: list[str] = []
    f = str(path)
    for k in raw:
        if k not in TOP_KEYS:
            problems.append(f"{f}: {k}: unknown key (allowed: {', '.join(sorted(TOP_KEYS))})")
    name = raw.get("name", path.stem)
    if not isinstance(name, str) or not name.strip() or any(c in name for c in "/\\") or name.startswith("."):
        problems.append(f"{f}: name: must be a non-empty string usable as a folder name")
        name = path.stem
    desc = raw.get("description", "")
    if not isinstance(desc, str):
        problems.append(f"{f}: description: must be a string")
        desc = ""
    seed = raw.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        problems.append(f"{f}: seed: must be a non-negative integer")
        seed = None

    horizon = dict(DEFAULT_HORIZON)
    h = raw.get("horizon", {})
    if not isinstance(h, dict):
        problems.append(f"{f}: horizon: must be a table")
        h = {}
    for k, v in h.items():
        if k not in HORIZON_KEYS:
            problems.append(f"{f}: horizon.{k}: unknown key (allowed: {', '.join(sorted(HORIZON_KEYS))})")
        elif k == "method":
            if v not in ("euler", "rk4"):
                problems.append(f"{f}: horizon.method: must be 'euler' or 'rk4', got {v!r}")
            else:
                horizon[k] = v
        elif not _is_num(v):
            problems.append(f"{f}: horizon.{k}: must be a finite number, got {v!r}")
        else:
            horizon[k] = v
    if horizon["start"] != MODEL_START:
        problems.append(f"{f}: horizon.start: the model's initial conditions are for {MODEL_START}, got {horizon['start']}")
    if not (horizon["start"] < horizon["stop"] <= MAX_STOP):
        problems.append(f"{f}: horizon.stop: must be after start and at most {MAX_STOP}, got {horizon['stop']}")
    if not horizon["dt"] > 0 or horizon["dt"] > 1:
        problems.append(f"{f}: horizon.dt: must be in (0, 1] year, got {horizon['dt']}")
    elif abs(round(1 / horizon["dt"]) - 1 / horizon["dt"]) > 1e-9:
        problems.append(f"{f}: horizon.dt: must divide one year exactly (e.g. 1, 0.5, 0.25, 0.125), got {horizon['dt']}")

    levers = raw.get("levers", {})
    if not isinstance(levers, dict):
        problems.append(f"{f}: levers: must be a table of [levers.<id>] tables")
        levers = {}
    from ..levers import LEVERS

    for lid, spec in levers.items():
        key = f"levers.{lid}"
        if lid not in LEVERS:
            problems.append(f"{f}: {key}: unknown lever (known: {', '.join(LEVERS)})")
            continue
        if not isinstance(spec, dict):
            problems.append(f"{f}: {key}: must be a table of settings")
            continue
        for k, v in spec.items():
            if not _is_num(v) and not (isinstance(v, list) and all(_is_num(x) for x in v)):
                problems.append(f"{f}: {key}.{k}: must be a finite number (or list of numbers), got {v!r}")
        b = spec.get("budget")
        if _is_num(b) and b < 0:
            problems.append(f"{f}: {key}.budget: must be >= 0 (100m yuan/yr), got {b}")
        s, e = spec.get("start"), spec.get("end")
        for k in ("start", "end"):
            v = spec.get(k)
            if _is_num(v) and not (horizon["start"] <= v <= horizon["stop"]):
                problems.append(f"{f}: {key}.{k}: year {v} outside the horizon {horizon['start']}-{horizon['stop']}")
        if _is_num(s) and _is_num(e) and s > e:
            problems.append(f"{f}: {key}: start ({s}) is after end ({e})")
        r = spec.get("ramp")
        if _is_num(r) and r < 0:
            problems.append(f"{f}: {key}.ramp: must be >= 0 years, got {r}")

    shocks = raw.get("shocks", {})
    if not isinstance(shocks, dict):
        problems.append(f"{f}: shocks: must be a table of [shocks.<id>] tables")
        shocks = {}
    for sid, spec in shocks.items():
        problems += _check_shock(f, sid, spec, horizon)

    params = raw.get("parameters", {})
    if not isinstance(params, dict):
        problems.append(f"{f}: parameters: must be a table of name = value")
        params = {}
    for k, v in params.items():
        if not _is_num(v) and not (isinstance(v, list) and v and all(_is_num(x) for x in v)):
            problems.append(f"{f}: parameters.{k}: must be a finite number or a list of numbers, got {v!r}")
    if problems:
        raise ScenarioError(problems)
    return Scenario(name=name, description=desc, path=path, chain=chain, horizon=horizon, levers=levers,
                    shocks=shocks, parameters=params, seed=seed, raw=raw)


def _check_shock(f: str, sid: str, spec, horizon) -> list[str]:
    key = f"shocks.{sid}"
    if not isinstance(spec, dict):
        return [f"{f}: {key}: must be a table"]
    out = []
    for k in spec:
        if k not in SHOCK_KEYS:
            out.append(f"{f}: {key}.{k}: unknown key (allowed: {', '.join(sorted(SHOCK_KEYS))})")
    if "years" in spec or "values" in spec:
        ys, vs = spec.get("years"), spec.get("values")
        if not (isinstance(ys, list) and isinstance(vs, list) and ys and len(ys) == len(vs)):
            out.append(f"{f}: {key}: 'years' and 'values' must be lists of equal, non-zero length")
        elif not all(_is_num(x) for x in ys + vs):
            out.append(f"{f}: {key}: 'years' and 'values' must be finite numbers")
        elif any(b <= a for a, b in zip(ys, ys[1:])):
            out.append(f"{f}: {key}.years: must be strictly increasing")
        elif ys[0] < horizon["start"] - 50 or ys[-1] > MAX_STOP:
            out.append(f"{f}: {key}.years: outside {horizon['start'] - 50}-{MAX_STOP}")
        return out
    s, e = spec.get("start"), spec.get("end")
    if not (_is_num(s) and _is_num(e)):
        return out + [f"{f}: {key}: needs 'start' and 'end' years (or 'years' and 'values')"]
    if s > e:
        out.append(f"{f}: {key}: start ({s}) is after end ({e})")
    for k, v in (("start", s), ("end", e)):
        if not (horizon["start"] <= v <= horizon["stop"]):
            out.append(f"{f}: {key}.{k}: year {v} outside the horizon {horizon['start']}-{horizon['stop']}")
    amounts = [k for k in ("multiplier", "value", "capacity_multiplier") if k in spec]
    if len(amounts) != 1:
        out.append(f"{f}: {key}: give exactly one of multiplier, value, capacity_multiplier")
    else:
        v = spec[amounts[0]]
        if not _is_num(v):
            out.append(f"{f}: {key}.{amounts[0]}: must be a finite number, got {v!r}")
        elif amounts[0] in ("multiplier", "capacity_multiplier") and v < 0:
            out.append(f"{f}: {key}.{amounts[0]}: must be >= 0, got {v}")
    if amounts == ["capacity_multiplier"] and sid != "border_closure":
        out.append(f"{f}: {key}.capacity_multiplier: only for border_closure (use multiplier)")
    return out
