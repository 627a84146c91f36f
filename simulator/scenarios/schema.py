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
    partner_demand_elasticity = 1.2

Inheritance: a child's ``[horizon]`` and ``[parameters]`` keys replace the
parent's one by one, as do the settings of a lever. A child's shock replaces
the parent's shock of the same id key by key, except that giving a path
(``years``/``values``) drops the parent's window (``start``/``end`` and
amount) and vice versa, and giving one amount (``multiplier``, ``value``,
``capacity_multiplier``) drops the parent's other amounts. ``name`` and
``description`` are never inherited.

Every problem is reported as ``file: key: what is wrong``, naming the file
that set the key (an ``extends`` parent when the child inherited it). Things
that would be silently ignored are errors: unknown keys, empty tables, a
shock given as both a path and a window, a lever window that never spends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

TOP_KEYS = {"name", "description", "extends", "seed", "horizon", "levers", "shocks", "parameters"}
HORIZON_KEYS = {"start", "stop", "dt", "method", "save_every"}
DEFAULT_HORIZON = {"start": 2018, "stop": 2050, "dt": 0.25, "method": "euler", "save_every": 1.0}
MODEL_START = 2018
MAX_STOP = 2100
MAX_NAME_CHARS = 100
MAX_EXTENDS_DEPTH = 50
MAX_PATH_POINTS = 10_000

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
PATH_KEYS = ("years", "values")
WINDOW_KEYS = ("start", "end")
AMOUNT_KEYS = ("multiplier", "value", "capacity_multiplier")
SHOCK_KEYS = {*PATH_KEYS, *WINDOW_KEYS, *AMOUNT_KEYS, "description"}
_NAME_FORBIDDEN = set('/\\<>:"|?*')


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
    origins : dict of str to str
        Dotted key (``levers.port_investment.budget``) -> the file that set it.
    texts : dict of str to str
        File -> the text read (for metadata; files are read once).
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
    origins: dict = field(default_factory=dict, compare=False)
    texts: dict = field(default_factory=dict, compare=False)

    def sources(self) -> dict[str, str]:
        """File name -> text of every file in the inheritance chain (for metadata)."""
        if self.texts:
            return dict(self.texts)
        return {str(p): p.read_text(encoding="utf-8") for p in self.chain}

    def where(self, key: str) -> str:
        """``file: key`` for messages: the file that set ``key`` (or its nearest enclosing table)."""
        return where(self.origins, str(self.path), key)


def where(origins: dict, default: str, key: str) -> str:
    """``file: key``, the file being the one that set ``key`` (or its nearest enclosing table)."""
    k = key
    while k:
        if k in origins:
            f = origins[k]
            return f"{f}: {key}" + (f" (inherited by {default})" if f != default else "")
        k = k.rpartition(".")[0]
    return f"{default}: {key}"


def _read_toml(path: Path, *, child: Path | None = None) -> tuple[dict, str]:
    from ..inputfiles import InputFileError, load_toml

    try:
        return load_toml(path, what="scenario file")
    except InputFileError as exc:
        if child is not None and exc.problem in ("no such file or directory", "a parent of this path is not a directory"):
            raise ScenarioError([f"{child}: extends: {path}: {exc.problem}"]) from None
        raise ScenarioError([str(exc)]) from None


def _merge_shock(old: dict, new: dict) -> dict:
    out = dict(old)
    if any(k in new for k in PATH_KEYS):
        for k in (*WINDOW_KEYS, *AMOUNT_KEYS):
            out.pop(k, None)
    if any(k in new for k in (*WINDOW_KEYS, *AMOUNT_KEYS)):
        for k in PATH_KEYS:
            out.pop(k, None)
    if any(k in new for k in AMOUNT_KEYS):
        for k in AMOUNT_KEYS:
            out.pop(k, None)
    out.update(new)
    return out


def _merge(parent: dict, child: dict, origins: dict, f: str) -> dict:
    """Merge one layer (``child``, read from file ``f``) over ``parent``; record who set what in ``origins``."""
    out = dict(parent)
    for k, v in child.items():
        if k in ("levers", "shocks") and isinstance(v, dict) and isinstance(out.get(k), dict):
            merged = dict(out[k])
            for sub, spec in v.items():
                key = f"{k}.{sub}"
                if isinstance(spec, dict) and isinstance(merged.get(sub), dict):
                    merged[sub] = _merge_shock(merged[sub], spec) if k == "shocks" else {**merged[sub], **spec}
                    for gone in [o for o in origins if o.startswith(key + ".") and o[len(key) + 1:] not in merged[sub]]:
                        del origins[gone]
                else:
                    merged[sub] = spec
                    for gone in [o for o in origins if o.startswith(key + ".")]:
                        del origins[gone]
                origins[key] = f
                for kk in spec if isinstance(spec, dict) else ():
                    origins[f"{key}.{kk}"] = f
            out[k] = merged
        elif k in ("horizon", "parameters") and isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
            for kk in v:
                origins[f"{k}.{kk}"] = f
        else:
            out[k] = v
            for gone in [o for o in origins if o.startswith(k + ".")]:
                del origins[gone]
            origins[k] = f
            if isinstance(v, dict):
                for sub, spec in v.items():
                    origins[f"{k}.{sub}"] = f
                    for kk in spec if isinstance(spec, dict) else ():
                        origins[f"{k}.{sub}.{kk}"] = f
    return out


def read_scenario(path: str | Path) -> tuple[dict, tuple[Path, ...]]:
    """Read a scenario file and its ``extends`` ancestors; return the merged dict and the chain.

    Raises
    ------
    ScenarioError
        Missing or malformed file, or cyclic ``extends``.
    """
    merged, chain, _, _ = _read_chain(Path(path))
    return merged, chain


def _read_chain(path: Path) -> tuple[dict, tuple[Path, ...], dict, dict]:
    chain: list[Path] = []
    layers: list[dict] = []
    texts: dict[str, str] = {}
    cur, child = path, None
    seen: list[Path] = []
    while True:
        try:
            resolved = cur.resolve()
        except (OSError, RuntimeError, ValueError):
            resolved = cur
        if resolved in seen:
            cycle = " -> ".join(str(p) for p in chain + [cur])
            raise ScenarioError([f"{path}: extends: cyclic inheritance {cycle}"])
        data, text = _read_toml(cur, child=child)
        seen.append(resolved)
        chain.append(cur)
        layers.append(data)
        texts[str(cur)] = text
        parent = data.get("extends")
        if parent is None:
            break
        if not isinstance(parent, str) or not parent.strip():
            raise ScenarioError([f"{cur}: extends: must be the file name of the parent scenario (a string), "
                                 f"got {parent!r}"])
        if len(chain) >= MAX_EXTENDS_DEPTH:
            raise ScenarioError([f"{path}: extends: inheritance deeper than {MAX_EXTENDS_DEPTH} files"])
        child, cur = cur, cur.parent / parent
    merged: dict = {}
    origins: dict[str, str] = {}
    for p, layer in zip(reversed(chain), reversed(layers)):
        merged = _merge(merged, {k: v for k, v in layer.items() if k not in ("name", "description", "extends")},
                        origins, str(p))
    for k in ("name", "description"):
        if k in layers[0]:
            merged[k] = layers[0][k]
            origins[k] = str(path)
    return merged, tuple(chain), origins, texts


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_numbers(v) -> bool:
    """A number or a (possibly nested) non-empty list of numbers."""
    if _is_num(v):
        return True
    if not isinstance(v, list) or not v:
        return False
    stack = list(v)
    while stack:
        x = stack.pop()
        if isinstance(x, list):
            if not x:
                return False
            stack.extend(x)
        elif not _is_num(x):
            return False
    return True


def _typename(v) -> str:
    return {bool: "a boolean", str: "a string", list: "a list", dict: "a table", int: "an integer",
            float: "a number"}.get(type(v), type(v).__name__)


def _short(v) -> str:
    r = repr(v)
    return r if len(r) <= 60 else r[:57] + "..."


def check_name(name) -> str | None:
    """Why ``name`` cannot be a scenario name (it becomes a folder name), or ``None``."""
    if not isinstance(name, str):
        return f"must be a string, got {_typename(name)}"
    if not name.strip():
        return "must not be empty"
    if name != name.strip():
        return "must not start or end with spaces"
    if len(name) > MAX_NAME_CHARS:
        return f"is {len(name)} characters long; at most {MAX_NAME_CHARS} (it becomes a folder name)"
    if name.startswith(".") or name in ("..",):
        return "must not start with '.' (it becomes a folder name)"
    bad = sorted(set(name) & _NAME_FORBIDDEN)
    if bad:
        return f"must not contain {' '.join(bad)} (it becomes a folder name)"
    if any(not c.isprintable() for c in name):
        return "must not contain control or invisible characters"
    return None


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
    raw, chain, origins, texts = _read_chain(path)
    problems: list[str] = []
    f = str(path)

    def at(key: str) -> str:
        return where(origins, f, key)

    if not raw:
        raise ScenarioError([f"{f}: empty scenario file (give at least name, description and a lever, shock or "
                             "parameter; see the format in simulator/scenarios/schema.py)"])
    for k in raw:
        if k not in TOP_KEYS:
            problems.append(f"{at(k)}: unknown key (allowed: {', '.join(sorted(TOP_KEYS))})")
    name = raw.get("name", path.stem)
    why = check_name(name)
    if why:
        problems.append(f"{at('name') if 'name' in raw else f + ': name'}: {why}"
                        + ("" if "name" in raw else f" (the name defaults to the file name {path.stem!r})"))
        name = "invalid"
    desc = raw.get("description", "")
    if not isinstance(desc, str):
        problems.append(f"{at('description')}: must be a string, got {_typename(desc)} {_short(desc)}")
        desc = ""
    seed = raw.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        problems.append(f"{at('seed')}: must be a non-negative integer, got {_short(seed)}")
        seed = None

    horizon = dict(DEFAULT_HORIZON)
    h = raw.get("horizon", {})
    if not isinstance(h, dict):
        problems.append(f"{at('horizon')}: must be a table [horizon], got {_typename(h)}")
        h = {}
    bad_h = False
    for k, v in h.items():
        key = f"horizon.{k}"
        if k not in HORIZON_KEYS:
            problems.append(f"{at(key)}: unknown key (allowed: {', '.join(sorted(HORIZON_KEYS))})")
        elif k == "method":
            if v not in ("euler", "rk4"):
                problems.append(f"{at(key)}: must be 'euler' or 'rk4', got {_short(v)}")
                bad_h = True
            else:
                horizon[k] = v
        elif not _is_num(v):
            problems.append(f"{at(key)}: must be a finite number, got {_typename(v)} {_short(v)}")
            bad_h = True
        else:
            horizon[k] = v
    if horizon["start"] != MODEL_START:
        problems.append(f"{at('horizon.start')}: the model's initial conditions are for {MODEL_START}, "
                        f"got {horizon['start']}")
        bad_h = True
    if not (horizon["start"] < horizon["stop"] <= MAX_STOP):
        problems.append(f"{at('horizon.stop')}: must be after start and at most {MAX_STOP}, got {horizon['stop']}")
        bad_h = True
    if not horizon["dt"] > 0 or horizon["dt"] > 1:
        problems.append(f"{at('horizon.dt')}: must be in (0, 1] year, got {horizon['dt']}")
        bad_h = True
    elif abs(round(1 / horizon["dt"]) - 1 / horizon["dt"]) > 1e-9:
        problems.append(f"{at('horizon.dt')}: must divide one year exactly (e.g. 1, 0.5, 0.25, 0.125), "
                        f"got {horizon['dt']}")
        bad_h = True
    if not bad_h:
        problems += _check_settings(horizon, at)
    if not bad_h and not problems:
        span, se = horizon["stop"] - horizon["start"], horizon["save_every"]
        if abs(span / se - round(span / se)) > 1e-9:
            problems.append(f"{at('horizon.stop')}: the run from {horizon['start']} to {horizon['stop']} is not a whole "
                            f"number of save periods ({se:g} yr), so the last years would not be saved")

    levers = raw.get("levers", {})
    if not isinstance(levers, dict):
        problems.append(f"{at('levers')}: must be a table of [levers.<id>] tables, got {_typename(levers)}")
        levers = {}
    from ..levers import LEVERS

    for lid, spec in levers.items():
        key = f"levers.{lid}"
        if lid not in LEVERS:
            problems.append(f"{at(key)}: unknown lever (known: {', '.join(LEVERS)})")
            continue
        if not isinstance(spec, dict):
            problems.append(f"{at(key)}: must be a table of settings [levers.{lid}], got {_typename(spec)}")
            continue
        if not spec:
            problems.append(f"{at(key)}: empty table: give the lever's settings (at least budget; "
                            f"see `regsim levers show {lid}`), or remove the table")
            continue
        for k, v in spec.items():
            if not _is_numbers(v):
                problems.append(f"{at(f'{key}.{k}')}: must be a finite number (or a list of numbers), "
                                f"got {_typename(v)} {_short(v)}")
        b = spec.get("budget")
        if _is_num(b) and b < 0:
            problems.append(f"{at(key + '.budget')}: must be >= 0 (100m yuan/yr), got {b}")
        s, e = spec.get("start"), spec.get("end")
        for k in ("start", "end"):
            v = spec.get(k)
            if _is_num(v) and not (horizon["start"] <= v <= horizon["stop"]):
                problems.append(f"{at(f'{key}.{k}')}: year {v} outside the horizon {horizon['start']}-{horizon['stop']}")
        if _is_num(s) and _is_num(e) and s >= e:
            problems.append(f"{at(key + '.end')}: start ({s}) is after end ({e})" if s > e else
                            f"{at(key + '.end')}: start equals end ({e}); the lever spends from start until end "
                            "(exclusive), so it would never spend")
        r = spec.get("ramp")
        if _is_num(r) and r < 0:
            problems.append(f"{at(key + '.ramp')}: must be >= 0 years, got {r}")

    shocks = raw.get("shocks", {})
    if not isinstance(shocks, dict):
        problems.append(f"{at('shocks')}: must be a table of [shocks.<id>] tables, got {_typename(shocks)}")
        shocks = {}
    for sid, spec in shocks.items():
        problems += _check_shock(at, sid, spec, horizon)

    params = raw.get("parameters", {})
    if not isinstance(params, dict):
        problems.append(f"{at('parameters')}: must be a table of name = value, got {_typename(params)}")
        params = {}
    for k, v in params.items():
        if not _is_numbers(v):
            problems.append(f"{at(f'parameters.{k}')}: must be a finite number or a list of numbers, "
                            f"got {_typename(v)} {_short(v)}")
    if problems:
        raise ScenarioError(problems)
    return Scenario(name=name, description=desc, path=path, chain=chain, horizon=horizon, levers=levers,
                    shocks=shocks, parameters=params, seed=seed, raw=raw, origins=origins, texts=texts)


def _check_settings(horizon: dict, at) -> list[str]:
    """The engine's own checks of the time settings, named by horizon key."""
    from ..engine import SettingsError, SimSettings

    try:
        SimSettings(start=float(horizon["start"]), stop=float(horizon["stop"]), dt=float(horizon["dt"]),
                    save_every=float(horizon["save_every"]), method=horizon["method"])
    except SettingsError as exc:
        return [f"{at('horizon.' + exc.field)}: {exc.problem}"]
    return []


def _check_shock(at, sid: str, spec, horizon) -> list[str]:
    key = f"shocks.{sid}"
    if not isinstance(spec, dict):
        return [f"{at(key)}: must be a table [shocks.{sid}], got {_typename(spec)}"]
    if not spec:
        return [f"{at(key)}: empty table: give years and values (a path), or start, end and a multiplier or "
                "value (a window)"]
    out = []
    for k in spec:
        if k not in SHOCK_KEYS:
            out.append(f"{at(f'{key}.{k}')}: unknown key (allowed: {', '.join(sorted(SHOCK_KEYS))})")
    if "description" in spec and not isinstance(spec["description"], str):
        out.append(f"{at(key + '.description')}: must be a string, got {_typename(spec['description'])} "
                   f"{_short(spec['description'])}")
    path_keys = [k for k in PATH_KEYS if k in spec]
    window_keys = [k for k in (*WINDOW_KEYS, *AMOUNT_KEYS) if k in spec]
    if path_keys and window_keys:
        return out + [f"{at(f'{key}.{window_keys[0]}')}: the shock gives a path (years/values) and also "
                      f"{', '.join(window_keys)}; give either a path or a window (start, end and one of "
                      "multiplier, value, capacity_multiplier), not both (the window would be ignored)"]
    if path_keys:
        ys, vs = spec.get("years"), spec.get("values")
        if not (isinstance(ys, list) and isinstance(vs, list) and ys and len(ys) == len(vs)):
            out.append(f"{at(key)}: 'years' and 'values' must be lists of equal, non-zero length")
        elif len(ys) > MAX_PATH_POINTS:
            out.append(f"{at(key + '.years')}: {len(ys)} points; at most {MAX_PATH_POINTS}")
        elif not all(_is_num(x) for x in ys):
            out.append(f"{at(key + '.years')}: must be finite numbers")
        elif not all(_is_num(x) for x in vs):
            out.append(f"{at(key + '.values')}: must be finite numbers")
        elif any(b <= a for a, b in zip(ys, ys[1:])):
            out.append(f"{at(key + '.years')}: must be strictly increasing")
        elif ys[0] < horizon["start"] - 50 or ys[-1] > MAX_STOP:
            out.append(f"{at(key + '.years')}: outside {horizon['start'] - 50}-{MAX_STOP}")
        return out
    s, e = spec.get("start"), spec.get("end")
    if not (_is_num(s) and _is_num(e)):
        missing = [k for k, v in (("start", s), ("end", e)) if not _is_num(v)]
        return out + [f"{at(key)}: needs 'start' and 'end' years (or 'years' and 'values'): "
                      f"{' and '.join(missing)} missing or not a number"]
    if s > e:
        out.append(f"{at(key + '.end')}: start ({s}) is after end ({e})")
    for k, v in (("start", s), ("end", e)):
        if not (horizon["start"] <= v <= horizon["stop"]):
            out.append(f"{at(f'{key}.{k}')}: year {v} outside the horizon {horizon['start']}-{horizon['stop']}")
    amounts = [k for k in AMOUNT_KEYS if k in spec]
    if len(amounts) != 1:
        out.append(f"{at(key)}: give exactly one of multiplier, value, capacity_multiplier"
                   + (f" (got {', '.join(amounts)})" if amounts else ""))
    else:
        v = spec[amounts[0]]
        if not _is_num(v):
            out.append(f"{at(f'{key}.{amounts[0]}')}: must be a finite number, got {_typename(v)} {_short(v)}")
        elif amounts[0] in ("multiplier", "capacity_multiplier") and v < 0:
            out.append(f"{at(f'{key}.{amounts[0]}')}: must be >= 0, got {v}")
    if amounts == ["capacity_multiplier"] and sid != "border_closure":
        out.append(f"{at(key + '.capacity_multiplier')}: only for border_closure (use multiplier)")
    return out
