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
  reductions (``sum``, ``mean``, ``prod``, ``stddev``, one-argument ``min``/``max``, over
  all dimensions or named ones) are written element by element over the reduced
  dimensions (``(a[c1, s] + a[c2, s])``, ``MAX(x[a], x[b])``); ``matmul(A, x)`` is an
  apply-to-all sum over the contracted dimension (``(A[c, s1] * x[s1]) + ...``);
  ``trend``/``forcst`` are written out with ``SMTH1``; ``min``/``max`` of more than two
  arguments are nested; ``clip`` and ``sign`` are written out with ``MIN``/``MAX`` and
  ``IF``. Every operation is parenthesised so no tool's precedence rules matter.
- Positional relabellings (``rename(x, 'a', 'b')``, a subscript naming another dimension of
  the same length) have no apply-to-all form: a variable whose equation has one is written
  element by element, each element naming the element of ``a`` at its position.
- ``identity`` and ``inverse`` are rewritten first (:mod:`.lowering`): a constant array, and
  Gauss-Jordan elimination as auxiliaries, checked against the engine's inverse on a run of
  the settings being written (refused, naming the variable, when it cannot be reproduced).

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
from .lowering import check_inverses, hoist_stateful_for_pysd, lower_for_xmile
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


#: stateful builtins and the position of their first initial-value argument
_STATEFUL = {"smooth": 2, "smooth1": 2, "smooth3": 2, "smoothn": 3, "delay1": 2, "delay3": 2, "delayn": 3,
             "delay": 2}


def _float_literal(v: float) -> str:
    """An XMILE number that reads as a float in every tool (``1.0``, not ``1``)."""
    s = _num(v)
    return s if any(c in s for c in ".eEI") else (f"({s[1:-1]}.0)" if s.startswith("(") else f"{s}.0")


def _num(v: float) -> str:
    if math.isnan(v):
        raise XmileError("NaN cannot be written as an XMILE number")
    if math.isinf(v):
        return "INF()" if v > 0 else "(-INF())"
    s = repr(float(v))
    if s.endswith(".0"):
        s = s[:-2]
    return f"({s})" if v < 0 else s


class _NeedElements(Exception):
    """An apply-to-all equation that can only be written element by element: it relabels one
    dimension as another by position (``rename``, a positional subscript), which XMILE has no
    apply-to-all form for."""


class _Equations:
    """Render expression trees as XMILE equation text for one model.

    ``at`` maps dimension -> element where an element is fixed (inside a written-out reduction
    or matrix product, or one element of a variable written element by element); the other
    dimensions of an apply-to-all equation are written by name (``x[d1, d2]``).
    """

    def __init__(self, model: Model, special: Mapping[str, str] | None = None):
        self.model = model
        self.special = dict(_SPECIAL, **(special or {}))
        self.lookups = {c.name for c in model.components if isinstance(c, Lookup)}
        self._dims = {c.name: c.dims for c in model.components}
        self._comps = {c.name: c for c in model.components}

    def dims_of(self, node: Node) -> tuple[str, ...]:
        from simulator.engine.compiler import infer_dims

        return infer_dims(node, self._dims, self.model, "export", comps=self._comps)

    def position(self, dim: str, element: str) -> int:
        return self.model.dimensions[dim].index(element)

    def subs(self, name: str, at: Mapping[str, str] | None, elementwise: bool) -> str:
        """``x``, ``x[d1, d2]`` (element-wise) or ``x[e1, d2]`` (elements fixed by ``at``)."""
        d = self.model[name].dims if name in self.model else ()
        if not d or not (elementwise or at):
            return name
        return f"{name}[{', '.join(self.fixed(x, at) for x in d)}]"

    def fixed(self, dim: str, at: Mapping[str, str] | None) -> str:
        """The element ``at`` fixes for ``dim`` (directly, or through a subrange of it: an operand
        over the parent in an equation over the subrange), else the dimension's name."""
        at = at or {}
        if dim in at:
            return at[dim]
        for k, v in at.items():
            if self.model.subranges.get(k) == dim:
                return v
        return dim

    def text(self, node: Node, owner: str, elementwise: bool, at: Mapping[str, str] | None = None) -> str:
        """XMILE text of ``node``; arrayed variables become ``x[dim, ...]`` if ``elementwise``,
        with the elements of ``at`` (dimension -> element) where one element is rendered."""
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

    def subscript(self, node, owner: str, at) -> str:
        """A positional ``Subscript`` of a variable: elements, dimensions, subranges, and
        positional relabellings (a same-length dimension named where another stands), which are
        written with the element at the same position (the owner is then written element by element)."""
        if not isinstance(node.operand, Var):
            raise XmileError("a subscript of an expression (only of a variable) cannot be written", variable=owner)
        at = at or {}
        name = node.operand.name
        dims = self.model[name].dims
        items = list(node.items) + [None] * (len(dims) - len(node.items))
        out = []
        for d, it in zip(dims, items):
            if it is None or it.kind == "all":
                out.append(self.fixed(d, at))
            elif it.kind == "element":
                out.append(it.name)
            elif it.name == d or self.model.subranges.get(it.name) == d or it.name not in self.model.dimensions:
                out.append(at.get(it.name, it.name))
            else:  # positional relabelling: the element of d at the position of it.name's element
                if it.name not in at:
                    raise _NeedElements(f"{name}[...] relabels {d!r} as {it.name!r}")
                out.append(self.model.dimensions[d][self.position(it.name, at[it.name])])
        return f"{name}[{', '.join(out)}]"

    def expand(self, node: Node, owner: str, elementwise: bool, at, over: tuple[str, ...]) -> list[str]:
        """``node`` written once per element of the dimensions ``over`` (row-major)."""
        import itertools

        return [self.text(node, owner, elementwise, {**(at or {}), **dict(zip(over, key))})
                for key in itertools.product(*(self.model.dimensions[d] for d in over))]

    def call(self, node: Call, owner: str, elementwise: bool, at: Mapping[str, str] | None = None) -> str:
        f, args = node.func, node.args
        t = lambda n: self.text(n, owner, elementwise, at)  # noqa: E731
        if f in self.lookups:
            return f"{f}({t(args[0])})"
        reducing = f in ("sum", "mean", "prod", "stddev") or (f in ("min", "max") and
                                                             (len(args) == 1 or isinstance(args[1], Str)))
        if reducing:
            # written element by element (x[a, s] + x[b, s] + ...): every XMILE reader (PySD included,
            # which has no x[*, s]) understands it
            a = args[0]
            if any(not isinstance(x, Str) for x in args[1:]):
                raise XmileError(f"{f}(): dimension names must be given in quotes", variable=owner)
            over = tuple(x.value for x in args[1:]) if len(args) > 1 else tuple(self.dims_of(a))
            if not over:  # of a scalar: the scalar itself (as the engine computes it)
                return f"(0 * {t(a)})" if f == "stddev" else t(a)
            parts = self.expand(a, owner, elementwise, at, over)
            if f in ("min", "max"):
                out = parts[-1]
                for p in reversed(parts[:-1]):
                    out = f"{f.upper()}({p}, {out})"
                return out
            if f == "prod":
                return "(" + " * ".join(parts) + ")"
            mean = f"(({' + '.join(parts)}) / {len(parts)})"
            if f == "stddev":  # population standard deviation (numpy's default, as the engine)
                return f"SQRT((({' + '.join(f'(({p} - {mean}) ^ 2)' for p in parts)}) / {len(parts)}))"
            return "(" + " + ".join(parts) + ")" if f == "sum" else mean
        if f == "rename":
            if len(args) != 3 or not all(isinstance(x, Str) for x in args[1:]):
                raise XmileError("rename() takes a value and two dimension names in quotes", variable=owner)
            a, b = args[1].value, args[2].value
            if b not in (at or {}):
                raise _NeedElements(f"rename(..., {a!r}, {b!r})")
            inner = {k: v for k, v in (at or {}).items() if k not in (a, b)}
            inner[a] = self.model.dimensions[a][self.position(b, at[b])]
            return self.text(args[0], owner, elementwise, inner)
        if f == "matmul":
            # sum over the contracted dimension, written element by element
            if len(args) != 2:
                raise XmileError("matmul() takes two arrays", variable=owner)
            da, dx = self.dims_of(args[0]), self.dims_of(args[1])
            if not da or not dx:
                raise XmileError("matmul() of a scalar", variable=owner)
            k, j = da[-1], dx[0]
            ek, ej = self.model.dimensions[k], self.model.dimensions[j]
            parts = [f"({self.text(args[0], owner, elementwise, {**(at or {}), k: a})} * "
                     f"{self.text(args[1], owner, elementwise, {**(at or {}), j: b})})" for a, b in zip(ek, ej)]
            return "(" + " + ".join(parts) + ")"
        if f in ("trend", "forcst"):
            # written out with SMTH1, as the engine defines them: tools disagree on TREND itself
            # (PySD returns 0 below |avg| T = 1e-6; some use avg instead of |avg|)
            x, big_t = t(args[0]), t(args[1])
            g0 = args[3 if f == "forcst" else 2] if len(args) > (3 if f == "forcst" else 2) else None
            init = x if g0 is None else f"({x} / (1 + ({big_t} * {t(g0)})))"
            avg = f"SMTH1({x}, {big_t}, {init})"
            den = f"(ABS({avg}) * {big_t})"
            trend = f"(IF ({den} = 0) THEN 0 ELSE (({x} - {avg}) / {den}))"
            return trend if f == "trend" else f"({x} * (1 + ({trend} * {t(args[2])})))"
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
        if f in _STATEFUL:
            # a literal initial value is written as a float ("1.0"): PySD keeps an integer literal's
            # dtype for the state of SMTH/DELAY, and an integer state truncates every step's change
            args_text = [t(a) for a in args[:_STATEFUL[f]]] + [
                _float_literal(a.value) if isinstance(a, Num) else t(a) for a in args[_STATEFUL[f]:]]
            return f"{_SIMPLE[f]}({', '.join(args_text)})"
        if f in _SIMPLE:
            return f"{_SIMPLE[f]}({', '.join(t(a) for a in args)})"
        raise XmileError(f"function {f!r} has no XMILE equivalent", variable=owner, construct=f)


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
    if settings is None:
        from simulator.engine import SimSettings

        settings = SimSettings()
    lowered = lower_for_xmile(model)
    check_inverses(lowered, settings)
    model = lowered.model
    if pysd_compat:
        model = hoist_stateful_for_pysd(model)
    _check_names(model)
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
    eqs = _Equations(model, {"initial_time": _num(settings.start), "final_time": _num(settings.stop),
                             "dt": _num(settings.dt)} if pysd_compat else None)

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
            try:
                text = eqs.text(default, c.name, bool(c.dims))
            except _NeedElements as why:
                if not c.dims:
                    raise XmileError(f"cannot write {why} in a scalar equation", variable=c.name) from None
            else:
                _sub(el, q("eqn"), text)
                return
        import itertools

        own = {tuple(k) if isinstance(k, tuple) else (k,): v for k, v in per}
        for key in itertools.product(*(model.dimensions[d] for d in c.dims)):
            at = dict(zip(c.dims, key))
            node = own.get(key)
            if node is None and default is None:
                raise XmileError(f"element [{', '.join(key)}] has no equation", variable=c.name)
            ee = _sub(el, q("element"), subscript=",".join(elem_name(x) for x in key))
            try:
                _sub(ee, q("eqn"), eqs.text(node if node is not None else default, c.name, False, at))
            except _NeedElements as why:  # pragma: no cover - every dimension is fixed here
                raise XmileError(f"cannot write {why}", variable=c.name) from None

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
                    ee = _sub(el, q("element"), subscript=",".join(elem_name(x) for x in key))
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
        declarations), and write ``STARTTIME``/``STOPTIME``/``DT`` as the numbers from
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
