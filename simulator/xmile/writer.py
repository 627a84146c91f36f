"""Write regsim models as XMILE 1.0 files.

Mapping (regsim -> XMILE):

- :class:`Stock` -> ``<stock>`` (initial value as ``<eqn>``, ``<inflow>``,
  ``<outflow>``, ``<non_negative/>``); :class:`Flow` -> ``<flow>`` (uniflows
  get ``<non_negative/>``); :class:`Aux` -> ``<aux>``; :class:`Constant` ->
  ``<aux>`` with a number (arrayed: one ``<element subscript="...">`` per
  element); :class:`Lookup` -> a standalone ``<gf>`` (called by name);
  :class:`TimeSeries` -> an ``<aux>`` whose equation is ``TIME`` with an
  embedded ``<gf>`` (both clamp at the ends, as regsim does).
- Dimensions -> ``<dimensions>``; an arrayed variable carries
  ``<dimensions><dim name=.../></dimensions>`` and references to arrayed
  variables inside element-wise equations are written ``x[dim]``.
- Builtins: ``smooth``/``smooth3``/``smoothn`` -> ``SMTH1``/``SMTH3``/``SMTHN``;
  ``delay1``/``delay3``/``delayn``/``delay`` -> ``DELAY1``/``DELAY3``/``DELAYN``/``DELAY``;
  ``init`` -> ``INIT``; ``step``/``ramp``/``pulse`` -> ``STEP``/``RAMP``/``PULSE``;
  ``sum``/``mean`` and one-argument ``min``/``max`` of an arrayed expression are
  written element by element (``((x[a] * w[a]) + (x[b] * w[b]))``, ``MAX(x[a], x[b])``);
  ``min``/``max`` of more than two arguments are nested; ``clip`` and ``sign``
  are written out with ``MIN``/``MAX`` and ``IF``. Every operation is
  parenthesised so no tool's precedence rules matter.

What cannot be represented (see docs/xmile.md): the save period and the
``on_nonfinite`` policy (XMILE saves every ``dt``); ``hidden`` flags and
``group`` labels. regsim's ``int`` (floor) and ``mod`` (floored) are written
as XMILE ``INT`` and ``MOD``, which mean the same in XMILE (and in regsim's reader).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping

import numpy as np

from simulator.engine.components import Aux, Constant, Flow, Lookup, Model, Stock, TimeSeries
from simulator.engine.expr import Bin, Call, IfElse, Index, Node, Num, Str, Unary, Var

from .equations import BUILTINS, canonical
from .errors import XmileError
from .reader import XMILE_NS

try:  # the engine's positional subscript (arrays of several dimensions), when it has one
    from simulator.engine.expr import Subscript as _SUBSCRIPT
except ImportError:  # pragma: no cover - engine without multi-dimensional arrays
    _SUBSCRIPT = None

_SPECIAL = {"time": "TIME", "dt": "DT", "initial_time": "STARTTIME", "final_time": "STOPTIME"}
_SIMPLE = {f: f.upper() for f in ("abs", "exp", "ln", "log10", "sqrt", "sin", "cos", "tan", "arcsin",
                                    "arccos", "arctan", "int", "step", "ramp", "pulse", "init",
                                    "delay1", "delay3", "delayn", "delay")}
_SIMPLE.update({"smooth": "SMTH1", "smooth1": "SMTH1", "smooth3": "SMTH3", "smoothn": "SMTHN"})
_OPS = {"+": "+", "-": "-", "*": "*", "/": "/", "**": "^", "%": "MOD", "<": "<", "<=": "<=", ">": ">",
        ">=": ">=", "==": "=", "!=": "<>", "and": "AND", "or": "OR"}


def _num(v: float) -> str:
    if math.isnan(v):
        raise XmileError("NaN cannot be written as an XMILE number")
    if math.isinf(v):
        return "INF()" if v > 0 else "(-INF())"
    s = repr(float(v))
    if s.endswith(".0"):
        s = s[:-2]
    return f"({s})" if v < 0 else s


class _Equations:
    """Render expression trees as XMILE equation text for one model."""

    def __init__(self, model: Model, special: Mapping[str, str] | None = None):
        self.model = model
        self.special = dict(_SPECIAL, **(special or {}))
        self.lookups = {c.name for c in model.components if isinstance(c, Lookup)}

    def dims_of(self, node: Node) -> tuple[str, ...]:
        from simulator.engine.compiler import infer_dims

        dims = {c.name: c.dims for c in self.model.components}
        return infer_dims(node, dims, self.model, "export")

    def subs(self, name: str, at: Mapping[str, str] | None, elementwise: bool) -> str:
        """``x``, ``x[d1, d2]`` (element-wise) or ``x[e1, d2]`` (elements fixed by ``at``)."""
        d = self.model[name].dims if name in self.model else ()
        if not d or not (elementwise or at):
            return name
        return f"{name}[{', '.join((at or {}).get(x, x) for x in d)}]"

    def text(self, node: Node, owner: str, elementwise: bool, at: Mapping[str, str] | None = None) -> str:
        """XMILE text of ``node``; arrayed variables become ``x[dim, ...]`` if ``elementwise``,
        with the elements of ``at`` (dimension -> element) where one element is rendered (inside a
        written-out reduction or one element of a non-apply-to-all variable)."""
        if isinstance(at, str):  # one-dimensional shorthand
            raise TypeError("at must map dimension -> element")
        t = lambda n, ew=elementwise: self.text(n, owner, ew, at)  # noqa: E731
        if isinstance(node, Num):
            return _num(node.value)
        if isinstance(node, Var):
            if node.name in self.special:
                return self.special[node.name]
            return self.subs(node.name, at, elementwise)
        if isinstance(node, Str):
            raise XmileError(f"string literal {node.value!r} outside a subscript", variable=owner)
        if isinstance(node, Unary):
            return f"(NOT {t(node.operand)})" if node.op == "not" else f"(-{t(node.operand)})"
        if isinstance(node, Bin):
            return f"({t(node.left)} {_OPS[node.op]} {t(node.right)})"
        if isinstance(node, IfElse):
            return f"(IF {t(node.cond)} THEN {t(node.then)} ELSE {t(node.orelse)})"
        if isinstance(node, Index):
            if not isinstance(node.operand, Var):
                raise XmileError("element selection of an expression (only of a variable) cannot be written",
                                 variable=owner)
            name = node.operand.name
            dims = self.model[name].dims if name in self.model else ()
            hits = [d for d in dims if node.element in self.model.dimensions[d]]
            if len(dims) <= 1 or len(hits) != 1:
                return f"{name}[{node.element}]"
            return self.subs(name, {**(at or {}), hits[0]: node.element}, True)
        if _SUBSCRIPT is not None and isinstance(node, _SUBSCRIPT):
            return self.subscript(node, owner, at)
        if isinstance(node, Call):
            return self.call(node, owner, elementwise, at)
        raise XmileError(f"cannot write expression {node!r}", variable=owner)

    def subscript(self, node, owner: str, at, star: tuple[str, ...] = ()) -> str:
        """A positional ``Subscript`` of a variable: elements, dimensions (or subranges), ``*`` for
        the dimensions in ``star`` (reduced by the enclosing SUM/MEAN/...)."""
        if not isinstance(node.operand, Var):
            raise XmileError("a subscript of an expression (only of a variable) cannot be written", variable=owner)
        name = node.operand.name
        dims = self.model[name].dims
        items = list(node.items) + [None] * (len(dims) - len(node.items))
        out = []
        for d, it in zip(dims, items):
            if it is None or it.kind == "all":
                out.append("*" if d in star else (at or {}).get(d, d))
            elif it.kind == "element":
                out.append(it.name)
            else:
                out.append(("*:" + it.name) if it.name in star else (at or {}).get(it.name, it.name))
        return f"{name}[{', '.join(out)}]"

    def call(self, node: Call, owner: str, elementwise: bool, at: Mapping[str, str] | None = None) -> str:
        f, args = node.func, node.args
        t = lambda n: self.text(n, owner, elementwise, at)  # noqa: E731
        if f in self.lookups:
            return f"{f}({t(args[0])})"
        reducing = f in ("sum", "mean", "prod", "stddev") or (f in ("min", "max") and
                                                             (len(args) == 1 or isinstance(args[1], Str)))
        if reducing:
            a = args[0]
            d = self.dims_of(a)
            over = tuple(x.value for x in args[1:]) if len(args) > 1 else tuple(d)
            if not d:
                return t(a)  # of a scalar: the scalar itself (as the engine computes it)
            star_ok = isinstance(a, Var) or (_SUBSCRIPT is not None and isinstance(a, _SUBSCRIPT))
            if star_ok and (len(d) > 1 or len(args) > 1 or f in ("prod", "stddev")):
                inner = (self.subs_star(a.name, over, at) if isinstance(a, Var)
                         else self.subscript(a, owner, at, over))
                name = {"sum": "SUM", "mean": "MEAN", "min": "MIN", "max": "MAX", "prod": "PROD",
                        "stddev": "STDDEV"}[f]
                return f"{name}({inner})"
            if len(over) != 1 or f in ("prod", "stddev"):
                raise XmileError(f"{f}() of an expression over {len(over)} dimensions cannot be written "
                                 "(only of a variable)", variable=owner)
            # written element by element ((x[a]*w[a]) + (x[b]*w[b]) ...): every XMILE reader understands it
            parts = [self.text(a, owner, elementwise, {**(at or {}), over[0]: e})
                     for e in self.model.dimensions[over[0]]]
            if f in ("min", "max"):
                out = parts[-1]
                for p in reversed(parts[:-1]):
                    out = f"{f.upper()}({p}, {out})"
                return out
            total = "(" + " + ".join(parts) + ")"
            return total if f == "sum" else f"({total} / {len(parts)})"
        if f in ("min", "max"):
            out = t(args[-1])
            for a in reversed(args[:-1]):
                out = f"{f.upper()}({t(a)}, {out})"
            return out
        if f == "clip":
            a, lo, hi = (t(x) for x in args)
            return f"MIN(MAX({a}, {lo}), {hi})"
        if f == "sign":
            a = t(args[0])
            return f"(IF {a} > 0 THEN 1 ELSE (IF {a} < 0 THEN -1 ELSE 0))"
        if f == "mod":
            return f"({t(args[0])} MOD {t(args[1])})"
        if f in _SIMPLE:
            return f"{_SIMPLE[f]}({', '.join(t(a) for a in args)})"
        raise XmileError(f"function {f!r} has no XMILE equivalent", variable=owner)

    def subs_star(self, name: str, over: tuple[str, ...], at) -> str:
        d = self.model[name].dims
        return f"{name}[{', '.join('*' if x in over else (at or {}).get(x, x) for x in d)}]"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: str(v) for k, v in attrib.items()})
    if text is not None:
        el.text = text
    return el


def _check_names(model: Model) -> None:
    seen: dict[str, str] = {}
    builtin = set(BUILTINS) | {"if", "then", "else", "and", "or", "not", "mod"}
    for c in model.components:
        key = canonical(c.name)
        if key in seen:
            raise XmileError(f"{c.name!r} and {seen[key]!r} are the same name in XMILE (names are "
                             "case-insensitive and underscores equal spaces)", variable=c.name)
        if key in builtin:
            raise XmileError(f"{c.name!r} is an XMILE builtin or keyword and cannot name a variable",
                             variable=c.name)
        seen[key] = c.name


def to_element(model: Model, settings=None, *, params: Mapping[str, object] | None = None,
               pysd_compat: bool = False) -> ET.Element:
    """The model as an XMILE ``<xmile>`` element (see :func:`write`)."""
    if params:
        model = model.with_constants(params)
    _check_names(model)
    if settings is None:
        from simulator.engine import SimSettings

        settings = SimSettings()
    ET.register_namespace("", XMILE_NS)
    q = lambda tag: f"{{{XMILE_NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("xmile"), {"version": "1.0"})
    header = _sub(root, q("header"))
    _sub(header, q("options"), namespace="std")
    _sub(header, q("name"), model.name)
    _sub(header, q("vendor"), "regsim")
    try:
        from simulator._version import __version__ as version
    except ImportError:  # pragma: no cover
        version = "unknown"
    _sub(header, q("product"), "regsim", version=version, lang="en")
    specs = _sub(root, q("sim_specs"), method="RK4" if settings.method == "rk4" else "Euler",
                 time_units=model.time_units or "")
    _sub(specs, q("start"), _num(settings.start).strip("()"))
    _sub(specs, q("stop"), _num(settings.stop).strip("()"))
    _sub(specs, q("dt"), repr(float(settings.dt)))
    if model.dimensions:
        dims = _sub(root, q("dimensions"))
        for d, elems in model.dimensions.items():
            de = _sub(dims, q("dim"), name=d)
            for e in elems:
                _sub(de, q("elem"), name=e.replace("_", " ") if pysd_compat else e)
    m = _sub(root, q("model"))
    if model.doc:
        _sub(m, q("doc"), model.doc)
    variables = _sub(m, q("variables"))
    eqs = _Equations(model, {"initial_time": _num(settings.start), "final_time": _num(settings.stop)}
                     if pysd_compat else None)

    def common(el, c, dims=True):
        if dims and c.dims:
            de = _sub(el, q("dimensions"))
            for d in c.dims:
                _sub(de, q("dim"), name=d)
        if c.units:
            _sub(el, q("units"), c.units)
        if c.doc:
            _sub(el, q("doc"), c.doc)

    def elem_name(e: str) -> str:
        return e.replace("_", " ") if pysd_compat else e

    def equations(el, c, default, per):
        """``<eqn>`` (apply-to-all) or one ``<element>`` per element (non-apply-to-all: the
        element's own equation, else the default rendered for that element)."""
        if not per:
            _sub(el, q("eqn"), eqs.text(default, c.name, bool(c.dims)))
            return
        import itertools

        own = {tuple(k) if isinstance(k, tuple) else (k,): v for k, v in per}
        for key in itertools.product(*(model.dimensions[d] for d in c.dims)):
            at = dict(zip(c.dims, key))
            node = own.get(key)
            if node is None and default is None:
                raise XmileError(f"element [{', '.join(key)}] has no equation", variable=c.name)
            ee = _sub(el, q("element"), subscript=", ".join(elem_name(x) for x in key))
            _sub(ee, q("eqn"), eqs.text(node if node is not None else default, c.name, False, at))

    def per_element(c):
        items = getattr(c, "elements", ()) or ()
        from simulator.engine.expr import parse as _parse

        return [(k, e if not isinstance(e, (str, int, float)) else _parse(e)) for k, e in items]

    for c in model.components:

        if isinstance(c, Stock):
            el = _sub(variables, q("stock"), name=c.name)
            equations(el, c, c.initial_node if c.initial is not None else None, per_element(c))
            for f in c.inflows:
                _sub(el, q("inflow"), f)
            for f in c.outflows:
                _sub(el, q("outflow"), f)
            if c.non_negative:
                _sub(el, q("non_negative"))
            common(el, c)
        elif isinstance(c, Flow):
            el = _sub(variables, q("flow"), name=c.name)
            equations(el, c, c.node if c.equation is not None else None, per_element(c))
            if c.non_negative:
                _sub(el, q("non_negative"))
            common(el, c)
        elif isinstance(c, Aux):
            el = _sub(variables, q("aux"), name=c.name)
            equations(el, c, c.node if c.equation is not None else None, per_element(c))
            common(el, c)
        elif isinstance(c, Constant):
            el = _sub(variables, q("aux"), name=c.name)
            shape = tuple(len(model.dimensions[d]) for d in c.dims)
            v = np.asarray(c.value, dtype=float)
            common(el, c)
            if not shape:
                _sub(el, q("eqn"), _num(float(v)))
            else:
                import itertools

                v = np.broadcast_to(v, shape) if v.ndim == 0 else v.reshape(shape)
                for idx in itertools.product(*(range(n) for n in shape)):
                    key = [model.dimensions[d][i] for d, i in zip(c.dims, idx)]
                    ee = _sub(el, q("element"), subscript=", ".join(elem_name(x) for x in key))
                    _sub(ee, q("eqn"), _num(float(v[idx])))
        elif isinstance(c, (Lookup, TimeSeries)):
            if c.dims:
                raise XmileError("arrayed graphical functions cannot be written", variable=c.name)
            if isinstance(c, Lookup):
                gf_parent = el = _sub(variables, q("gf"), name=c.name)
            else:
                el = _sub(variables, q("aux"), name=c.name)
                _sub(el, q("eqn"), "TIME")
                gf_parent = _sub(el, q("gf"))
            xs = [float(x) for x in c.x]
            # <xscale> only for evenly spaced points: some readers (PySD) use it instead of <xpts>
            if len(xs) > 1 and all(math.isclose(x, xs[0] + i * (xs[-1] - xs[0]) / (len(xs) - 1), rel_tol=1e-12,
                                                abs_tol=1e-12 * max(1.0, abs(xs[-1])))
                                   for i, x in enumerate(xs)):
                _sub(gf_parent, q("xscale"), min=repr(xs[0]), max=repr(xs[-1]))
            _sub(gf_parent, q("yscale"), min=repr(float(min(c.y))), max=repr(float(max(c.y))))
            _sub(gf_parent, q("xpts"), ",".join(repr(x) for x in xs))
            _sub(gf_parent, q("ypts"), ",".join(repr(float(y)) for y in c.y))
            common(el, c, dims=False)
        else:  # pragma: no cover - future component kinds
            raise XmileError(f"component kind {c.kind!r} cannot be written", variable=c.name)
    return root


def to_string(model: Model, settings=None, *, params: Mapping[str, object] | None = None,
              pysd_compat: bool = False) -> str:
    """The model as XMILE text (UTF-8 XML with declaration)."""
    root = to_element(model, settings, params=params, pysd_compat=pysd_compat)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write(model: Model, path, settings=None, *, params: Mapping[str, object] | None = None,
          pysd_compat: bool = False) -> None:
    """Write ``model`` as an XMILE 1.0 file.

    Parameters
    ----------
    model : Model
        The model (not modified).
    path : str or Path
        Output file (conventionally ``*.xmile``).
    settings : SimSettings, optional
        Start, stop, dt and method for ``<sim_specs>`` (default: ``SimSettings()``).
        XMILE has no save period: readers save every ``dt``.
    params : mapping, optional
        Constant values to write instead of the model's (e.g. a scenario's).
    pysd_compat : bool
        Work around PySD 3.14's XMILE reader: declare dimension elements with spaces
        instead of underscores (``agri food`` for ``agri_food``, the same name in
        XMILE; PySD turns underscores in subscripts into spaces but not in
        declarations), and write ``STARTTIME``/``STOPTIME`` as the numbers from
        ``settings`` (PySD does not know them).

    Raises
    ------
    XmileError
        A name that XMILE would confuse with another or with a builtin, or an
        expression with no XMILE equivalent.
    """
    text = to_string(model, settings, params=params, pysd_compat=pysd_compat)
    from ..io.atomic import atomic_write

    atomic_write(path, text)
