"""Parameters over several dimensions, keyed by element names (tables of tables).

The parameter file gives an arrayed value as a TOML table keyed by the element
names of the first dimension, whose entries are tables keyed by the second
dimension's element names, and so on: one nesting level per dimension, in the
order of ``dims``. An input-output table (commodity ``i`` used per unit of
output of sector ``j``)::

    [io_coefficients]
    dims = ["commodity", "sector"]   # first dimension = outer keys, second = inner keys
    unit = "1"
    range = [0.0, 0.5]               # every listed cell; or a table of [lo, hi] pairs (below)
    distribution = "triangular"
    mode = "value"                   # scalar, "value", or a table mirroring value
    default = 0.0                    # optional: cells not listed are 0.0, fixed (see below)
    source = "data: ..."

    [io_coefficients.value.construction]     # row: commodity construction
    equipment_mfg = 0.12                     # column: sector equipment_mfg
    construction = 0.05

Any TOML spelling of the same nested table works (``[p.value.construction]``
headers, an inline table per row ``construction = {equipment_mfg = 0.12}``, or
dotted keys ``construction.equipment_mfg = 0.12`` under ``[p.value]``). Three or
more dimensions nest one level deeper each: ``[p.value.<e1>.<e2>] <e3> = x``.
A one-dimensional parameter may use the same form (``[p.value] agri_food = 0.3``)
instead of a positional list.

Per-element fields mirror the value table:

- ``range``: ``[lo, hi]`` for every cell, or a table of ``[lo, hi]`` pairs with
  the same keys as ``value``; alternatively ``range_lo`` and ``range_hi`` tables
  of numbers;
- ``mode``, ``mean``, ``sd``, ``median``, ``sigma``: one number for every cell,
  ``"value"`` (central ones: each cell's own value), or a table of numbers with
  the same keys as ``value``.

Sparse tables: without ``default`` every element of every dimension must be
listed. With ``default = x`` the cells not listed take the value ``x`` and are
*structural*: fixed at ``x``, never sampled by the ensemble samplers, never
estimated by calibration, and outside any range (their range is ``[x, x]``).
Per-element tables of a sparse parameter list exactly the cells of the value
table.

Element names are checked against the model's dimensions, passed to
:func:`~simulator.params.load_parameters` as ``dimensions={name: elements}``
(``model.dimensions``); the params layer never imports the model. A misspelt
element is named with the nearest valid one.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping

import numpy as np

#: Separator of element names in the label of one cell of a multi-dimensional array
#: (``io[construction,equipment_mfg]``; the ``dimension`` column of result files).
LABEL_SEP = ","

_SHAPE_FIELDS = ("mode", "mean", "sd", "median", "sigma")
_CENTRAL = ("mode", "mean", "median")


def _error(msg: str):
    from .loader import ParameterError

    return ParameterError(msg)


def nearest(name: str, choices) -> str | None:
    """The valid name closest to ``name`` (``difflib``), or ``None`` if none is close."""
    hit = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return hit[0] if hit else None


def _did_you_mean(name: str, choices) -> str:
    near = nearest(name, choices)
    return f" (did you mean {near!r}?)" if near else ""


def _few(names, k: int = 6) -> str:
    names = list(names)
    head = ", ".join(str(n) for n in names[:k])
    return head + (f" and {len(names) - k} more" if len(names) > k else "")


def resolve_dims(f, name: str, raw, dimensions: Mapping[str, tuple[str, ...]] | None) -> tuple[str, ...]:
    """The ``dims`` field as a tuple: ``"sector"`` or ``["commodity", "sector"]``, checked against ``dimensions``."""
    if isinstance(raw, str):
        dims = (raw,) if raw else ()
    elif isinstance(raw, list) and raw and all(isinstance(d, str) and d for d in raw):
        dims = tuple(raw)
    else:
        raise _error(f"{f}: {name}.dims: must be a dimension name (\"sector\") or a list of them "
                     f"([\"commodity\", \"sector\"]), got {raw!r}")
    for i, d in enumerate(dims):
        if d in dims[:i]:
            raise _error(f"{f}: {name}.dims: dimension {d!r} appears twice (a square table needs two dimensions "
                         f"with the same elements, e.g. commodity x sector)")
    if dimensions is not None:
        for d in dims:
            if d not in dimensions:
                raise _error(f"{f}: {name}.dims: unknown dimension {d!r}{_did_you_mean(d, dimensions)} "
                             f"(the model has: {', '.join(dimensions) or 'none'})")
    return dims


def cell_labels(coords: tuple[tuple[str, ...], ...]) -> list[str]:
    """Labels of every cell in C order: ``"e1"`` (one dimension) or ``"e1,e2,..."``."""
    if not coords:
        return []
    grids = np.meshgrid(*[np.arange(len(c)) for c in coords], indexing="ij")
    idx = np.stack([g.reshape(-1) for g in grids], axis=1)
    return [LABEL_SEP.join(str(coords[k][i]) for k, i in enumerate(row)) for row in idx]


def read_table(f, key: str, obj, dims: tuple[str, ...], coords: tuple[tuple[str, ...], ...],
               leaf: Callable[[object, str], object], *, partial: bool,
               cells: set[tuple[int, ...]] | None = None, hint: str = "") -> dict[tuple[int, ...], object]:
    """Read a nested table keyed by element names: ``{cell index tuple: leaf(value, key path)}``.

    Parameters
    ----------
    key : str
        Key path of ``obj`` for messages (``"io.value"``).
    leaf : callable
        Converts one cell's entry (raises :class:`~simulator.params.ParameterError`).
    partial : bool
        Allow unlisted elements (the parameter has a ``default``).
    cells : set of tuple, optional
        When given, the table must list exactly these cells (a per-element field
        of a sparse parameter mirrors its value table).
    hint : str
        Appended to the message about missing elements.
    """
    out: dict[tuple[int, ...], object] = {}
    index = [{e: i for i, e in enumerate(c)} for c in coords]
    last = len(dims) - 1

    def walk(o, level: int, prefix: tuple[int, ...], path: str):
        if not isinstance(o, dict):
            raise _error(f"{f}: {path}: expected a table keyed by {dims[level]} elements "
                         f"(e.g. {coords[level][0]} = ...), got {o!r}")
        for k, v in o.items():
            if k not in index[level]:
                why = _did_you_mean(k, coords[level])
                if not why and any(k in ix for ix in index):
                    other = next(dims[j] for j, ix in enumerate(index) if k in ix)
                    why = f" ({k!r} is a {other} element: the keys nest in dims order {', '.join(dims)})"
                raise _error(f"{f}: {path}.{k}: unknown {dims[level]} element {k!r}{why}")
            here = (*prefix, index[level][k])
            p = f"{path}.{k}"
            if level == last:
                if cells is not None and here not in cells:
                    raise _error(f"{f}: {p}: cell not in the value table (it is fixed at the default)")
                out[here] = leaf(v, p)
            else:
                walk(v, level + 1, here, p)
        if not partial:
            missing = [e for e in coords[level] if e not in o]
            if missing:
                raise _error(f"{f}: {path}: missing {dims[level]} element(s) {_few(missing)}{hint}")

    walk(obj, 0, (), key)
    if cells is not None:
        missing = sorted(cells - set(out))
        if missing:
            labels = [f"[{LABEL_SEP.join(coords[k][i] for k, i in enumerate(c))}]" for c in missing]
            raise _error(f"{f}: {key}: missing cell(s) {_few(labels)} (a per-element field lists every cell of the "
                         f"value table)")
    return out


def nested(a: np.ndarray) -> tuple:
    """A float array as nested tuples (hashable, the stored form of :class:`~simulator.params.Parameter`)."""
    a = np.asarray(a)
    if a.ndim == 0:
        return a.item()
    return tuple(nested(x) for x in a)


def parse_table_fields(f, name: str, t: dict, dims: tuple[str, ...], coords: tuple[tuple[str, ...], ...],
                       dist: str, num: Callable[[object, object, str, str], float]) -> dict:
    """Value, range, default and shape fields of a parameter whose value is a table keyed by element names.

    Returns the :class:`~simulator.params.Parameter` fields ``value``, ``range``,
    ``default``, ``given`` and the declared shape parameters (nested tuples).
    """
    shape = tuple(len(c) for c in coords)
    if not isinstance(t["value"], dict):
        raise _error(f"{f}: {name}.value: a parameter over {' x '.join(dims)} needs its value as a table keyed by "
                     f"{dims[0]} elements ([{name}.value.{coords[0][0]}] ...), got {t['value']!r}")
    default = None
    if "default" in t:
        default = num(t["default"], f, f"{name}.default", "default")
    partial = default is not None
    vals = read_table(f, f"{name}.value", t["value"], dims, coords,
                      lambda v, p: num(v, f, p, "value"), partial=partial,
                      hint=" (list every element, or set default = <number> for the cells not listed)")
    cells = set(vals)
    if not cells:
        raise _error(f"{f}: {name}.value: the table lists no cell")
    value = np.full(shape, default if default is not None else np.nan)
    mask = np.zeros(shape, dtype=bool)
    for c, v in vals.items():
        value[c] = v
        mask[c] = True
    given = None if mask.all() else mask

    def per_cell(key, obj, leaf, fill):
        got = read_table(f, f"{name}.{key}", obj, dims, coords, leaf, partial=partial,
                         cells=cells if partial else None)
        out = np.array(fill, dtype=float, copy=True)
        for c, v in got.items():
            out[c] = v
        return out

    # range
    if "range" in t and ("range_lo" in t or "range_hi" in t):
        raise _error(f"{f}: {name}: give either range or range_lo/range_hi, not both")
    if "range" in t:
        r = t["range"]
        if isinstance(r, dict):
            def pair(v, p):
                if not isinstance(v, list) or len(v) != 2:
                    raise _error(f"{f}: {p}: must be [lo, hi], got {v!r}")
                return num(v[0], f, p, "range lo"), num(v[1], f, p, "range hi")
            got = read_table(f, f"{name}.range", r, dims, coords, pair, partial=partial,
                             cells=cells if partial else None)
            lo, hi = value.copy(), value.copy()
            for c, (a, b) in got.items():
                lo[c], hi[c] = a, b
            rng: tuple = (nested(lo), nested(hi))
        elif isinstance(r, list) and len(r) == 2:
            rng = (num(r[0], f, name, "range lo"), num(r[1], f, name, "range hi"))
            lo, hi = np.full(shape, rng[0]), np.full(shape, rng[1])
        else:
            raise _error(f"{f}: {name}.range: must be [lo, hi] or a table of [lo, hi] pairs keyed like value")
    elif "range_lo" in t and "range_hi" in t:
        for k in ("range_lo", "range_hi"):
            if not isinstance(t[k], dict):
                raise _error(f"{f}: {name}.{k}: must be a table of numbers keyed like value")
        lo = per_cell("range_lo", t["range_lo"], lambda v, p: num(v, f, p, "range_lo"), value)
        hi = per_cell("range_hi", t["range_hi"], lambda v, p: num(v, f, p, "range_hi"), value)
        rng = (nested(lo), nested(hi))
    else:
        raise _error(f"{f}: {name}: missing range (range = [lo, hi], or a table of [lo, hi] pairs keyed like value)")
    bad = mask & (lo > hi)
    if bad.any():
        raise _error(f"{f}: {name}.range: lo > hi at {_cells(bad, coords)}")
    bad = mask & ((value < lo) | (value > hi))
    if bad.any():
        c = tuple(int(i) for i in np.argwhere(bad)[0])
        raise _error(f"{f}: {name}.value.{'.'.join(coords[k][i] for k, i in enumerate(c))}: value {value[c]:g} outside "
                     f"range [{lo[c]:g}, {hi[c]:g}]" + (f" (also {_cells(bad, coords, skip=1)})" if bad.sum() > 1 else ""))

    # distribution shape parameters
    out_shape = {}
    for k in _SHAPE_FIELDS:
        if k not in t:
            continue
        v = t[k]
        if isinstance(v, str):
            if v == "value" and k in _CENTRAL:
                arr = value.copy()
            else:
                allowed = "a number, \"value\"" if k in _CENTRAL else "a number"
                raise _error(f"{f}: {name}.{k}: must be {allowed} or a table keyed like value, got {v!r}")
        elif isinstance(v, dict):
            arr = per_cell(k, v, lambda x, p, _k=k: num(x, f, p, _k), value if k in _CENTRAL else np.zeros(shape))
        elif isinstance(v, list):
            raise _error(f"{f}: {name}.{k}: a list is only for one-dimensional parameters given as a list; "
                         f"give one number or a table keyed like value")
        else:
            out_shape[k] = num(v, f, f"{name}.{k}", k)
            continue
        out_shape[k] = nested(arr)
    if dist == "triangular" and "mode" in out_shape:
        m = np.broadcast_to(np.asarray(out_shape["mode"], dtype=float), shape)
        bad = mask & ((m < lo) | (m > hi))
        if bad.any():
            c = tuple(int(i) for i in np.argwhere(bad)[0])
            raise _error(f"{f}: {name}.mode: {m[c]:g} outside the range [{lo[c]:g}, {hi[c]:g}] at {_cells(bad, coords)}")
    for k in ("sd", "sigma", "median"):
        if k in out_shape:
            a = np.broadcast_to(np.asarray(out_shape[k], dtype=float), shape)
            bad = mask & (a <= 0)
            if bad.any():
                raise _error(f"{f}: {name}.{k}: must be > 0 at {_cells(bad, coords)}")
    return {"value": nested(value), "range": rng, "default": default, "given": None if given is None else nested(given),
            **out_shape}


def _cells(bad: np.ndarray, coords, skip: int = 0) -> str:
    labels = [f"[{LABEL_SEP.join(coords[k][i] for k, i in enumerate(c))}]" for c in np.argwhere(bad)]
    return _few(labels[skip:])


def coerce_array(v, p) -> tuple:
    """A new value for an arrayed parameter ``p`` (``with_values``), as nested tuples of ``p``'s shape.

    ``v`` is a nested sequence or array of the full shape, or a nested mapping keyed
    by element names that may list only some cells (``{"construction": {"equipment_mfg":
    0.14}}``): the cells it does not list keep their current value.
    """
    where = p.file or "<override>"
    shape = np.shape(p.value)
    if isinstance(v, Mapping):
        if not p.coords:
            raise _error(f"<override>: {p.name}: a table keyed by element names needs the parameter's element names "
                         f"(load the parameters with dimensions=...)")
        got = read_table("<override>", p.name, _plain_dict(v), p.dims, p.coords,
                         lambda x, path: _plain_num(x, path), partial=True)
        arr = np.array(p.value, dtype=float)
        for c, x in got.items():
            arr[c] = x
        return nested(arr)
    try:
        arr = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise _error(f"{where}: {p.name}: expected numbers of shape {shape}, got {v!r}") from None
    if arr.shape != shape:
        raise _error(f"<override>: {p.name}: expected shape {shape} ({' x '.join(p.dims)}), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise _error(f"<override>: {p.name}: value is not finite")
    return nested(arr)


def _plain_dict(v):
    return {str(k): (_plain_dict(x) if isinstance(x, Mapping) else x) for k, x in v.items()}


def _plain_num(v, path):
    if isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer)) or not np.isfinite(v):
        raise _error(f"<override>: {path}: must be a finite number, got {v!r}")
    return float(v)


def check_override(v, p, check_range: bool = True) -> tuple:
    """A validated new value for the arrayed parameter ``p`` (``ParameterSet.with_values``).

    Cells outside their range are named; a cell the file does not list (fixed at
    the ``default``) may only change with ``check_range=False``.
    """
    val = coerce_array(v, p)
    if not check_range:
        return val
    arr = np.asarray(val, dtype=float)
    lo, hi = p.bounds()
    bad = (arr < lo) | (arr > hi)
    if bad.any():
        c = tuple(int(i) for i in np.argwhere(bad)[0])
        label = p.cell_labels()[int(np.ravel_multi_index(c, arr.shape))] if arr.ndim else ""
        if not p.given_mask()[c]:
            raise _error(f"<override>: {p.name}[{label}]: cell not listed in {p.file or 'the parameter file'} "
                         f"(fixed at the default {p.default:g}): cannot change it to {arr[c]:g}")
        raise _error(f"<override>: {p.name}[{label}]: value {arr[c]:g} outside range [{lo[c]:g}, {hi[c]:g}]")
    return val
