"""Load and validate parameter files.

File format (one TOML file per model block)::

    [meta]
    block = "trade"
    description = "..."

    [trade_cost_elasticity]
    value = -3.0
    unit = "1"
    range = [-3.5, -2.0]            # required: lo <= value <= hi
    distribution = "triangular"     # uniform (default) | triangular | normal | lognormal | fixed
    mode = -3.0                     # triangular only
    source = "Limão & Venables (2001), WBER 15(3)"
    free = false                    # true = estimated by calibration
    doc = "what it means"

Arrayed parameters add ``dims = "sector"`` and give ``value`` as a list; the
range then applies element-wise (``range = [lo, hi]``) or per element
(``range_lo = [...]``, ``range_hi = [...]``). Parameters over two or more
dimensions (``dims = ["commodity", "sector"]``) give ``value`` as a table keyed
by element names, one nesting level per dimension (``[io.value.construction]
equipment_mfg = 0.12``), with an optional ``default`` for the cells not listed;
see :mod:`.arrays` for that format. Element names are checked when the model's
dimensions are passed (``load_parameters(..., dimensions=model.dimensions)``):
then a one-dimensional list must also have one number per element. A normal distribution takes
``mean`` and ``sd``; a lognormal ``median`` and ``sigma`` (explicit names, never
overloaded bounds).

On an arrayed parameter each shape parameter (``mode``, ``mean``, ``sd``,
``median``, ``sigma``) is either one number, used for every element, or a list
with one number per element (element ``i`` of the parameter is drawn with
element ``i`` of the list)::

    distribution = "triangular"
    mode = "value"                  # the mode of each element is its value
    # or: mode = [0.3, 0.3, 0.25]   # one per element, each inside its range

The central parameters (``mode``, ``mean``, ``median``) also accept the string
``"value"``, for scalars too: the parameter's own value (per element). A mode
must lie inside (each element's) range; ``sd``, ``sigma`` and ``median`` must be
> 0 (per element).

Every problem raises :class:`ParameterError` with a one-line message naming the
file, the key and what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

#: Distributions a parameter may declare for uncertainty analysis.
DISTRIBUTIONS = ("uniform", "triangular", "normal", "lognormal", "fixed")

#: Distribution shape parameters (scalar, or one per element for arrayed parameters).
SHAPE_FIELDS = ("mode", "mean", "sd", "median", "sigma")

#: Shape parameters that may be given as ``"value"`` (the parameter's own value).
_CENTRAL_FIELDS = ("mode", "mean", "median")

#: Files in a parameter directory that are overlays (they redefine parameters of the
#: block files, e.g. the output of calibration) rather than blocks of their own.
OVERLAY_FILES = ("calibrated.toml",)

#: Fields allowed in a parameter table.
ALLOWED_FIELDS = frozenset({
    "value", "unit", "range", "range_lo", "range_hi", "distribution", "mode", "mean", "sd",
    "median", "sigma", "source", "free", "doc", "dims", "default",
})
_REQUIRED = ("value", "unit", "source")
_META_FIELDS = frozenset({"block", "description"})


class ParameterError(ValueError):
    """A malformed parameter file or value (message: ``file: key: problem``)."""


Number = float
Value = float | tuple  # float, tuple of float (one dimension) or nested tuples (several)


@dataclass(frozen=True)
class Parameter:
    """One model parameter with its provenance.

    Parameters
    ----------
    name : str
        Identifier (becomes a model constant of the same name).
    value : float or tuple of float
        Default value (one per element for arrayed parameters).
    unit : str
        Units, e.g. ``"1/yr"``; ``"1"`` for dimensionless.
    range : tuple
        ``(lo, hi)``: each a float, or a tuple per element for arrayed parameters.
    distribution : str
        One of :data:`DISTRIBUTIONS`.
    source : str
        Literature reference, ``"assumption: ..."`` or ``"data: ..."``.
    free : bool
        Whether calibration estimates it.
    doc : str
        Meaning.
    dims : tuple of str
        ``()`` for scalars, ``("sector",)`` etc. for arrayed parameters.
    file : str
        File it was read from (not part of the hash).
    block : str
        Model block (``[meta] block`` of the file).
    mode, mean, sd, median, sigma : float, tuple of float or None
        Distribution shape parameters (triangular / normal / lognormal); for
        arrayed parameters a float applies to every element, a tuple gives one
        per element (see :meth:`shape_at`).
    coords : tuple of tuple of str
        Element names of each dimension, when the parameters were loaded with the
        model's dimensions (``()`` otherwise). Part of the hash for two or more dims.
    default : float or None
        Value of the cells a table-valued parameter does not list (``None``: every
        cell is listed). Those cells are fixed: not sampled, not estimated.
    given : nested tuple of bool or None
        Which cells the file lists (``None``: all); see :meth:`given_mask`.

    Multi-dimensional values are nested tuples in ``dims`` order (C order:
    ``value[i][j]`` is element ``i`` of ``dims[0]`` and ``j`` of ``dims[1]``).
    A *cell* is one number of an arrayed parameter; :meth:`cell_labels` names
    the cells in C order (``"construction,equipment_mfg"``) and the ``index``
    of :meth:`shape_at` is a flat C-order cell index.
    """

    name: str
    value: Value
    unit: str
    range: tuple
    source: str
    distribution: str = "uniform"
    free: bool = False
    doc: str = ""
    dims: tuple[str, ...] = ()
    file: str = field(default="", compare=False)
    block: str = ""
    mode: float | tuple[float, ...] | None = None
    mean: float | tuple[float, ...] | None = None
    sd: float | tuple[float, ...] | None = None
    median: float | tuple[float, ...] | None = None
    sigma: float | tuple[float, ...] | None = None
    coords: tuple[tuple[str, ...], ...] = field(default=(), compare=False)
    default: float | None = None
    given: tuple | None = None

    def shape_at(self, index: int | None = None) -> dict[str, float]:
        """The declared shape parameters of one cell (flat C-order ``index``; ``None`` for scalars).

        A scalar shape parameter applies to every element; a per-element tuple gives
        element ``index``'s. Only declared (not ``None``) parameters are returned.
        """
        out = {}
        for k in SHAPE_FIELDS:
            v = getattr(self, k)
            if v is None:
                continue
            if isinstance(v, tuple) and len(self.dims) > 1:
                out[k] = float(np.asarray(v, dtype=float).reshape(-1)[index or 0])
            else:
                out[k] = float(v[index if index is not None else 0]) if isinstance(v, tuple) else float(v)
        return out

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the value: ``()``, ``(n,)`` or ``(n1, n2, ...)``."""
        return tuple(np.shape(self.value))

    def given_mask(self) -> np.ndarray:
        """Boolean array of the value's shape: True for the cells the file lists (sampled, estimated)."""
        if self.given is None:
            return np.ones(self.shape, dtype=bool)
        return np.asarray(self.given, dtype=bool)

    def cell_labels(self) -> list[str]:
        """Label of every cell in flat C order: element names joined by ``","`` (``[]`` for scalars).

        Without element names (loaded without ``dimensions``) cells are numbered ``"0"``, ``"1"``, ...
        (one dimension) or ``"0,1"`` (several).
        """
        from .arrays import LABEL_SEP, cell_labels

        if not self.dims:
            return []
        if self.coords:
            return cell_labels(self.coords)
        if len(self.dims) == 1:
            return [str(i) for i in range(self.shape[0])]
        return [LABEL_SEP.join(str(int(i)) for i in ix) for ix in np.ndindex(*self.shape)]

    @property
    def is_array(self) -> bool:
        """True for parameters with one value per element of a dimension."""
        return bool(self.dims)

    def array(self) -> np.ndarray:
        """The value as a float array (shape ``()`` or ``(n,)``)."""
        return np.asarray(self.value, dtype=float)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """``(lo, hi)`` as arrays broadcast to the value's shape (cells not listed: ``[default, default]``)."""
        v = self.array()
        lo = np.broadcast_to(np.asarray(self.range[0], dtype=float), v.shape)
        hi = np.broadcast_to(np.asarray(self.range[1], dtype=float), v.shape)
        if self.given is not None:
            m = self.given_mask()
            lo, hi = np.where(m, lo, v), np.where(m, hi, v)
        return lo, hi

    def as_dict(self) -> dict:
        """Plain-data form (lists instead of tuples; no ``file``)."""
        d = {"name": self.name, "value": _plain(self.value), "unit": self.unit,
             "range": [_plain(self.range[0]), _plain(self.range[1])], "source": self.source,
             "distribution": self.distribution, "free": self.free, "doc": self.doc,
             "dims": list(self.dims), "block": self.block}
        for k in SHAPE_FIELDS:
            if getattr(self, k) is not None:
                d[k] = _plain(getattr(self, k))
        if len(self.dims) > 1:
            d["coords"] = _plain(self.coords)
        if self.default is not None:
            d["default"] = self.default
            d["given"] = _plain(self.given)
        return d


def _plain(v):
    return [_plain(x) for x in v] if isinstance(v, tuple) else v


class ParameterSet:
    """An immutable, ordered collection of :class:`Parameter` (unique names).

    Behaves like a read-only mapping from name to :class:`Parameter`
    (``ps["name"]``, ``"name" in ps``, iteration over names, ``len``), plus:

    - :meth:`values` -- ``{name: float or ndarray}`` for the model;
    - :meth:`hash` -- a stable sha256 of the contents (not of file paths);
    - :meth:`free` -- parameters marked ``free = true``;
    - :meth:`with_values` -- a copy with some values replaced (validated).
    """

    def __init__(self, parameters: Iterable[Parameter] = (), blocks: Mapping[str, str] | None = None):
        params: dict[str, Parameter] = {}
        for p in parameters:
            if p.name in params:
                raise ParameterError(f"{p.file}: {p.name}: duplicate parameter name (also in {params[p.name].file})")
            params[p.name] = p
        self._params = params
        self._blocks = dict(blocks or {})

    # mapping-like protocol
    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._params[name]
        except KeyError:
            raise KeyError(f"no parameter {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._params

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __repr__(self) -> str:
        return f"ParameterSet({len(self)} parameters, {len(self.blocks)} blocks, hash={self.hash()[:12]})"

    def __eq__(self, other) -> bool:
        return isinstance(other, ParameterSet) and self.hash() == other.hash()

    def __hash__(self) -> int:
        return hash(self.hash())

    def names(self) -> list[str]:
        """Parameter names in file order."""
        return list(self._params)

    def items(self):
        """``(name, Parameter)`` pairs."""
        return self._params.items()

    def get(self, name: str, default=None):
        """The parameter ``name`` or ``default``."""
        return self._params.get(name, default)

    @property
    def blocks(self) -> dict[str, str]:
        """Block name -> description (from each file's ``[meta]``)."""
        return dict(self._blocks)

    def in_block(self, block: str) -> list[Parameter]:
        """Parameters of one block, in file order."""
        return [p for p in self._params.values() if p.block == block]

    def values(self) -> dict[str, float | np.ndarray]:
        """``{name: value}``: floats for scalars, float arrays for arrayed parameters."""
        return {n: (np.asarray(p.value, dtype=float) if p.dims else float(p.value)) for n, p in self._params.items()}

    def free(self) -> list[Parameter]:
        """Parameters marked ``free = true`` (estimated by calibration)."""
        return [p for p in self._params.values() if p.free]

    def hash(self) -> str:
        """Stable sha256 (hex) of every parameter's contents, independent of file paths."""
        payload = [self._params[n].as_dict() for n in sorted(self._params)]
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def overlay(self, other: ParameterSet) -> ParameterSet:
        """A copy where the parameters of ``other`` replace those of the same name.

        Every parameter of ``other`` must already exist here (an overlay, such as
        ``params/calibrated.toml``, refines values; it cannot add parameters) and keep
        its dimensions.
        """
        new = dict(self._params)
        for name, p in other.items():
            if name not in new:
                raise ParameterError(f"{p.file}: {name}: overlay defines an unknown parameter")
            if p.dims != new[name].dims or p.array().shape != new[name].array().shape:
                raise ParameterError(f"{p.file}: {name}: overlay changes the dimensions of the parameter")
            new[name] = replace(p, block=new[name].block)
        return ParameterSet(new.values(), self._blocks)

    def with_values(self, values: Mapping[str, object], *, check_range: bool = True) -> ParameterSet:
        """A copy with new values (by name), validated like file values.

        Parameters
        ----------
        values : mapping of str to float, sequence or mapping
            New values: a number (scalars), a sequence or array of the parameter's
            shape, or, for arrayed parameters, a nested mapping keyed by element
            names listing some or all cells (the others keep their value).
        check_range : bool
            If true (default), values outside the declared range are an error.
        """
        new = dict(self._params)
        for name, v in values.items():
            if name not in new:
                raise ParameterError(f"<override>: {name}: unknown parameter")
            p = new[name]
            if len(p.dims) > 1 or (p.dims and isinstance(v, Mapping)):
                from .arrays import check_override

                new[name] = replace(p, value=check_override(v, p, check_range))
                continue
            val = _coerce_value(v, p.file or "<override>", name, p.dims)
            lo, hi = p.bounds()
            arr = np.asarray(val, dtype=float)
            if arr.shape != p.array().shape:
                raise ParameterError(f"<override>: {name}: expected shape {p.array().shape}, got {arr.shape}")
            if check_range and (np.any(arr < lo) or np.any(arr > hi)):
                raise ParameterError(f"<override>: {name}: value {_plain(val)} outside range [{_plain(p.range[0])},"
                                     f" {_plain(p.range[1])}]")
            new[name] = replace(p, value=val)
        return ParameterSet(new.values(), self._blocks)


# -- loading -----------------------------------------------------------------

def load_parameters(path: str | Path | Iterable[str | Path], *, overlays: bool = False,
                    dimensions: Mapping[str, Iterable[str]] | None = None) -> ParameterSet:
    """Load every parameter file of a directory (``*.toml``, sorted) or the given file(s).

    Parameters
    ----------
    path : str, Path or iterable of them
        A directory, a single ``.toml`` file, or several files.
    overlays : bool
        For a directory: also apply its overlay files (:data:`OVERLAY_FILES`, e.g.
        ``calibrated.toml``) on top of the block files, replacing parameters by name.
        By default overlays are skipped, so the result is the documented priors.
    dimensions : mapping of str to sequence of str, optional
        The model's dimensions (``model.dimensions``: name -> element names). With
        them every arrayed parameter is checked against its dimensions (element
        names of table values, the length of list values) and keeps its element
        names (:attr:`Parameter.coords`). Parameters over two or more dimensions,
        and values given as tables keyed by element names, need them.

    Returns
    -------
    ParameterSet

    Raises
    ------
    ParameterError
        Missing path, bad TOML, unknown field, missing unit/source/range, value
        outside its range, NaN, duplicate name across files, ...
    """
    if isinstance(path, (str, Path)):
        p = Path(path)
        if "\x00" in str(p):
            raise ParameterError(f"{str(p)!r}: the path contains a NUL character")
        if p.is_dir():
            files = sorted(f for f in p.glob("*.toml") if f.name not in OVERLAY_FILES)
            if not files:
                raise ParameterError(f"{p}: no *.toml parameter files in directory")
            base = load_parameters(files, dimensions=dimensions)
            if overlays:
                for name in OVERLAY_FILES:
                    if (p / name).is_file():
                        base = base.overlay(load_parameters(p / name, dimensions=dimensions))
            return base
        elif p.exists():
            files = [p]  # the reader refuses FIFOs, devices and other non-regular files
        else:
            raise ParameterError(f"{p}: no such file or directory")
    else:
        files = [Path(f) for f in path]
    params: list[Parameter] = []
    blocks: dict[str, str] = {}
    dims = None if dimensions is None else {str(k): tuple(str(e) for e in v) for k, v in dimensions.items()}
    for f in files:
        block, desc, ps = _load_file(f, dims)
        if block in blocks:
            raise ParameterError(f"{f}: meta.block: block {block!r} defined in more than one file")
        blocks[block] = desc
        params.extend(ps)
    return ParameterSet(params, blocks)


def _load_file(f: Path, dimensions: Mapping[str, tuple[str, ...]] | None = None) -> tuple[str, str, list[Parameter]]:
    from ..inputfiles import InputFileError, load_toml

    try:  # regular file, size cap, UTF-8, TOML, nesting, 64-bit integers, finite floats, no invisible characters
        doc, _ = load_toml(f, what="parameter file", finite=False)  # _num() names non-finite values itself
    except InputFileError as exc:
        raise ParameterError(str(exc).replace(": malformed TOML: ", ": bad TOML: ", 1)) from None
    if not doc:
        raise ParameterError(f"{f}: empty parameter file (needs a [meta] table and one table per parameter)")
    meta = doc.pop("meta", None)
    if not isinstance(meta, dict):
        raise ParameterError(f"{f}: meta: missing [meta] table with block and description")
    for k in meta:
        if k not in _META_FIELDS:
            raise ParameterError(f"{f}: meta.{k}: unknown field (allowed: block, description)")
    block = meta.get("block")
    if not isinstance(block, str) or not block:
        raise ParameterError(f"{f}: meta.block: missing or not a string")
    desc = meta.get("description", "")
    if not isinstance(desc, str) or not desc.strip():
        raise ParameterError(f"{f}: meta.description: missing or empty")
    out = []
    for name, table in doc.items():
        if not isinstance(table, dict):
            raise ParameterError(f"{f}: {name}: expected a table [{name}], got a bare value")
        out.append(_parse_parameter(f, name, table, block, dimensions))
    return block, desc, out


def _num(v, f, key, what) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ParameterError(f"{f}: {key}: {what} must be a number, got {v!r}")
    x = float(v)
    if not math.isfinite(x):
        raise ParameterError(f"{f}: {key}: {what} is not finite ({v!r})")
    return x


def _coerce_value(v, f, key, dims) -> Value:
    if dims:
        if isinstance(v, np.ndarray):
            v = v.tolist()
        if not isinstance(v, (list, tuple)) or not v:
            raise ParameterError(f"{f}: {key}: arrayed parameter (dims = {dims[0]!r}) needs a non-empty list value")
        return tuple(_num(x, f, key, "value element") for x in v)
    if isinstance(v, np.ndarray) and v.ndim == 0:
        v = float(v)
    return _num(v, f, key, "value")


def _shape(v, f, name, k, value: Value, n: int | None):
    """A shape parameter: a number, ``"value"`` (central ones only) or, for arrayed parameters, one per element."""
    if isinstance(v, str):
        if v == "value" and k in _CENTRAL_FIELDS:
            return value
        allowed = "a number, \"value\"" if k in _CENTRAL_FIELDS else "a number"
        raise ParameterError(f"{f}: {name}.{k}: must be {allowed}" + (" or a list of numbers" if n else "")
                             + f", got {v!r}")
    if isinstance(v, list):
        if not n:
            raise ParameterError(f"{f}: {name}.{k}: a list is only allowed for arrayed parameters (dims); "
                                 f"give one number")
        if len(v) != n:
            raise ParameterError(f"{f}: {name}.{k}: must have {n} elements (one per element of value), got {len(v)}")
        return tuple(_num(x, f, f"{name}.{k}", "element") for x in v)
    return _num(v, f, f"{name}.{k}", k)


def _parse_parameter(f: Path, name: str, t: dict, block: str,
                     dimensions: Mapping[str, tuple[str, ...]] | None = None) -> Parameter:
    if not name.isidentifier() or name != name.lower():
        raise ParameterError(f"{f}: {name}: parameter names must be lower-case identifiers")
    for k in t:
        if k not in ALLOWED_FIELDS:
            hint = ""
            if isinstance(t[k], dict) and dimensions and any(k in els for els in dimensions.values()):
                hint = f"; element tables go under value: [{name}.value.{k}]"
            raise ParameterError(f"{f}: {name}.{k}: unknown field (allowed: {', '.join(sorted(ALLOWED_FIELDS))}){hint}")
    for k in _REQUIRED:
        if k not in t:
            raise ParameterError(f"{f}: {name}: missing {k}")
    unit = t["unit"]
    if not isinstance(unit, str) or not unit.strip():
        raise ParameterError(f"{f}: {name}.unit: must be a non-empty string ('1' for dimensionless)")
    source = t["source"]
    if not isinstance(source, str) or not source.strip():
        raise ParameterError(f"{f}: {name}.source: must be a non-empty string (reference, 'assumption: ...' or 'data: ...')")
    from .arrays import parse_table_fields, resolve_dims

    dims = resolve_dims(f, name, t.get("dims", ""), dimensions)
    coords = tuple(dimensions[d] for d in dims) if dims and dimensions is not None else ()
    dist = t.get("distribution", "uniform")
    if dist not in DISTRIBUTIONS:
        raise ParameterError(f"{f}: {name}.distribution: unknown {dist!r} (allowed: {', '.join(DISTRIBUTIONS)})")
    if "default" in t and not isinstance(t["value"], dict):
        raise ParameterError(f"{f}: {name}.default: only for values given as a table keyed by element names "
                             f"(the cells the table does not list take the default)")
    if dims and (len(dims) > 1 or isinstance(t["value"], dict)):
        if not coords:
            raise ParameterError(f"{f}: {name}.dims: a value keyed by element names of {' x '.join(dims)} needs the "
                                 f"model's dimensions: load with load_parameters(..., dimensions=model.dimensions)")
        fields = parse_table_fields(f, name, t, dims, coords, dist, _num)
        return _finish(f, name, t, block, dims, dist, coords=coords, **fields)
    value = _coerce_value(t["value"], f, name, dims)
    n = len(value) if dims else None
    if coords and n != len(coords[0]):
        raise ParameterError(f"{f}: {name}.value: must have {len(coords[0])} numbers, one per {dims[0]} element "
                             f"({', '.join(coords[0])}), got {n}")

    # range
    if "range" in t and ("range_lo" in t or "range_hi" in t):
        raise ParameterError(f"{f}: {name}: give either range or range_lo/range_hi, not both")
    if "range" in t:
        r = t["range"]
        if not isinstance(r, list) or len(r) != 2:
            raise ParameterError(f"{f}: {name}.range: must be [lo, hi]")
        lo, hi = _num(r[0], f, name, "range lo"), _num(r[1], f, name, "range hi")
        rng: tuple = (lo, hi)
    elif "range_lo" in t and "range_hi" in t:
        if not dims:
            raise ParameterError(f"{f}: {name}: range_lo/range_hi are for arrayed parameters; use range = [lo, hi]")
        los, his = t["range_lo"], t["range_hi"]
        for k, lst in (("range_lo", los), ("range_hi", his)):
            if not isinstance(lst, list) or len(lst) != n:
                raise ParameterError(f"{f}: {name}.{k}: must be a list of {n} numbers (one per element)")
        rng = (tuple(_num(x, f, name, "range_lo") for x in los), tuple(_num(x, f, name, "range_hi") for x in his))
    else:
        raise ParameterError(f"{f}: {name}: missing range (range = [lo, hi])")
    lo_a = np.broadcast_to(np.asarray(rng[0], dtype=float), (n,) if n else ())
    hi_a = np.broadcast_to(np.asarray(rng[1], dtype=float), (n,) if n else ())
    if np.any(lo_a > hi_a):
        raise ParameterError(f"{f}: {name}.range: lo > hi")
    v_a = np.asarray(value, dtype=float)
    if np.any(v_a < lo_a) or np.any(v_a > hi_a):
        raise ParameterError(f"{f}: {name}: value {_plain(value)} outside range [{_plain(rng[0])}, {_plain(rng[1])}]")

    # distribution
    shape = {k: _shape(t[k], f, name, k, value, n) for k in SHAPE_FIELDS if k in t}
    _check_distribution_fields(f, name, dist, shape)
    shape_a = {k: np.broadcast_to(np.asarray(v, dtype=float), lo_a.shape) for k, v in shape.items()}
    if dist == "triangular":
        bad = np.flatnonzero(np.atleast_1d((shape_a["mode"] < lo_a) | (shape_a["mode"] > hi_a)))
        if bad.size:
            raise ParameterError(f"{f}: {name}.mode: {_plain(shape['mode'])} outside range"
                                 + (f" (element(s) {', '.join(str(int(i)) for i in bad)})" if n else "")
                                 + f" [{_plain(rng[0])}, {_plain(rng[1])}]")
    for k in ("sd", "sigma", "median"):
        if k in shape_a and np.any(shape_a[k] <= 0):
            bad = np.flatnonzero(np.atleast_1d(shape_a[k] <= 0))
            raise ParameterError(f"{f}: {name}.{k}: must be > 0, got {_plain(shape[k])}"
                                 + (f" (element(s) {', '.join(str(int(i)) for i in bad)})" if n else ""))

    return _finish(f, name, t, block, dims, dist, value=value, range=rng, coords=coords, **shape)


def _check_distribution_fields(f, name, dist, shape) -> None:
    need = {"triangular": {"mode"}, "normal": {"mean", "sd"}, "lognormal": {"median", "sigma"}}.get(dist, set())
    extra = set(shape) - need
    if extra:
        raise ParameterError(f"{f}: {name}: field(s) {', '.join(sorted(extra))} not used by distribution {dist!r}")
    missing = need - set(shape)
    if missing:
        raise ParameterError(f"{f}: {name}: distribution {dist!r} needs {', '.join(sorted(missing))}")


def _finish(f, name, t, block, dims, dist, **fields) -> Parameter:
    """The fields every parameter has (unit, source, free, doc), then the :class:`Parameter`."""
    _check_distribution_fields(f, name, dist, {k: v for k, v in fields.items() if k in SHAPE_FIELDS})
    unit, source = t["unit"], t["source"]
    free = t.get("free", False)
    if not isinstance(free, bool):
        raise ParameterError(f"{f}: {name}.free: must be true or false")
    if free and dist == "fixed":
        raise ParameterError(f"{f}: {name}: a fixed parameter cannot be free")
    doc = t.get("doc", "")
    if not isinstance(doc, str):
        raise ParameterError(f"{f}: {name}.doc: must be a string")
    return Parameter(name=name, unit=unit.strip(), source=source.strip(), distribution=dist, free=free,
                     doc=doc.strip(), dims=dims, file=str(f), block=block, **fields)
