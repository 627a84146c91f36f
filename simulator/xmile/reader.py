"""Read XMILE files into regsim models.

``read(path)`` returns an :class:`XmileModel`: the regsim :class:`Model` plus the
file's simulation specs and the mapping from regsim names to the names used in
the file. ``load(path)`` returns just the model.

What is read (XMILE 1.0): stocks (initial value, inflows, outflows,
``non_negative``), flows (``non_negative`` = uniflow), auxiliaries, graphical
functions (standalone ``<gf>`` and embedded in an aux or flow; ``xpts`` or
``xscale``, ``sep``), ``sim_specs`` (start, stop, ``dt`` with ``reciprocal``,
method; ``dt`` defaults to 1 and the method to Euler as the standard says),
the ``<behavior>`` defaults for non-negative stocks and flows, one-dimensional
arrays (apply-to-all equations, per-element ``<element>`` equations, number
lists), ``<units>`` and ``<doc>``.

What is refused with an :class:`XmileError` naming the construct and the
variable: macros, modules (submodels), arrays of two or more dimensions,
conveyors, queues, ovens, leakage flows, graphical functions of type other than
continuous, arrayed graphical functions, builtins listed in
:data:`simulator.xmile.equations.UNSUPPORTED_BUILTINS`.

Vendor-specific elements (other XML namespaces, e.g. ``isee:``) and display
information (``<views>``) are ignored.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulator.engine import builtins as B
from simulator.engine.components import (
    RESERVED_NAMES,
    Aux,
    Component,
    Constant,
    Flow,
    Lookup,
    Model,
    ModelError,
    Stock,
)
from simulator.engine.expr import Bin, Call, IfElse, Node, Num, Var

from .equations import Symbol, canonical, identifier, parse_equation, parse_number_list
from .errors import XmileError
from .safexml import MAX_BYTES, parse_bytes, parse_file

XMILE_NS = "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"

_UNSUPPORTED_CHILDREN = {
    "conveyor": "conveyor", "queue": "queue", "oven": "oven", "leak": "leakage flow",
    "leak_integers": "leakage flow", "overflow": "queue overflow flow", "multiplier": "flow multiplier",
}
_NUMBER = re.compile(r"^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$")


# -- small XML helpers ---------------------------------------------------------------


def _split(tag) -> tuple[str, str]:
    """``'{ns}local'`` -> ``(ns, local)``."""
    if not isinstance(tag, str):  # comments, processing instructions
        return "#", ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _is_std(el: ET.Element) -> bool:
    ns, _ = _split(el.tag)
    return ns in ("", XMILE_NS) or ns.startswith("http://www.systemdynamics.org/XMILE")


def _local(el: ET.Element) -> str:
    return _split(el.tag)[1]


def _children(el: ET.Element, name: str | None = None) -> list[ET.Element]:
    return [c for c in el if _is_std(c) and (name is None or _local(c) == name)]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    found = _children(el, name)
    return found[0] if found else None


def _text(el: ET.Element | None) -> str | None:
    if el is None:
        return None
    return "".join(el.itertext())


def _display_name(raw: str) -> str:
    return " ".join(raw.replace("\\n", " ").replace("\\r", " ").split())


def _float(text: str | None, what: str, variable: str | None = None) -> float:
    if text is None or not _NUMBER.match(text):
        raise XmileError(f"{what}: expected a number, got {text!r}", variable=variable)
    return float(text)


def _flag(el: ET.Element | None, default: bool) -> bool:
    """``<non_negative/>`` or ``<non_negative>true|false</non_negative>``."""
    if el is None:
        return default
    txt = (_text(el) or "").strip().lower()
    return txt != "false"


# -- results of reading ----------------------------------------------------------------


@dataclass(frozen=True)
class SimSpecs:
    """The ``<sim_specs>`` of a file (XMILE defaults: ``dt`` 1, Euler).

    Attributes
    ----------
    start, stop, dt : float
        Times in the model's time units.
    method : str
        Integration method as written in the file, lower case.
    time_units : str
        The model's time unit.
    """

    start: float
    stop: float
    dt: float = 1.0
    method: str = "euler"
    time_units: str = ""

    def settings(self, **overrides):
        """A :class:`~simulator.engine.SimSettings` for these specs (saving every ``dt``).

        Keyword arguments override fields (``dt=``, ``method=``, ``save_every=``...).
        """
        from simulator.engine import SimSettings

        kw = {"start": self.start, "stop": self.stop, "dt": self.dt, "save_every": self.dt,
              "method": self.method}
        kw.update(overrides)
        if "dt" in overrides and "save_every" not in overrides:
            kw["save_every"] = overrides["dt"]
        if kw["method"] not in ("euler", "rk4"):
            raise XmileError(f"integration method {kw['method']!r} is not supported (regsim integrates with "
                             "'euler' or 'rk4'; pass method= to choose one)", construct="sim_specs method")
        try:
            return SimSettings(**kw)
        except ValueError as exc:
            raise XmileError(f"sim_specs: {exc}", construct="sim_specs") from None


@dataclass(frozen=True)
class XmileModel:
    """A model read from an XMILE file.

    Attributes
    ----------
    model : Model
        The regsim model.
    sim_specs : SimSpecs
        Start, stop, dt and method from the file.
    names : dict of str to str
        regsim component name -> the name used in the file (visible variables).
    source : str
        The path read.
    ignored : tuple of str
        Elements the reader skipped (vendor extensions, unknown tags), for the curious.
    """

    model: Model
    sim_specs: SimSpecs
    names: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    ignored: tuple[str, ...] = ()

    def settings(self, **overrides):
        """Shortcut for ``self.sim_specs.settings(**overrides)``."""
        return self.sim_specs.settings(**overrides)

    def resolve(self, name: str) -> str:
        """The regsim name of a variable given either its regsim name or its name in the file."""
        if name in self.model:
            return name
        key = canonical(name)
        for ident, raw in self.names.items():
            if canonical(raw) == key:
                return ident
        raise KeyError(f"model {self.model.name!r} has no variable {name!r}")


# -- the reader --------------------------------------------------------------------------


@dataclass
class _Var:
    tag: str  # stock, flow, aux, gf
    el: ET.Element
    name: str  # display name from the file
    key: str  # canonical
    ident: str = ""
    dims: tuple[str, ...] = ()
    gf_ident: str | None = None


class _Reader:
    def __init__(self, root: ET.Element, source: str):
        self.root = root
        self.source = source
        self.ignored: list[str] = []
        self.dimensions: dict[str, tuple[str, ...]] = {}  # dimension name as in file -> elements
        self.dim_keys: dict[str, str] = {}  # canonical -> name
        self.taken: set[str] = set(RESERVED_NAMES)

    def ignore(self, el: ET.Element, where: str) -> None:
        ns, local = _split(el.tag)
        if ns != "#":
            self.ignored.append(f"{where}/{local}" + (f" ({ns})" if ns and ns != XMILE_NS else ""))

    # top level
    def read(self) -> XmileModel:
        root = self.root
        if _local(root) != "xmile":
            raise XmileError(f"{self.source}: root element is <{_local(root)}>, not <xmile>", construct="xml")
        name = Path(self.source).stem if self.source else "xmile_model"
        doc = ""
        specs_el = None
        behavior = {"stock": False, "flow": False}
        models = []
        for el in root:
            if not _is_std(el):
                self.ignore(el, "xmile")
                continue
            tag = _local(el)
            if tag == "header":
                n = _text(_child(el, "name"))
                if n and n.strip():
                    name = n.strip()
            elif tag == "sim_specs":
                specs_el = el
            elif tag == "dimensions":
                self.read_dimensions(el)
            elif tag == "behavior":
                self.read_behavior(el, behavior)
            elif tag == "model":
                models.append(el)
            elif tag == "macro":
                raise XmileError(f"macro {el.get('name', '')!r} is not supported (macros are refused)",
                                 construct="macro")
            else:
                self.ignore(el, "xmile")
        if not models:
            raise XmileError(f"{self.source}: no <model> element", construct="model")
        main = [m for m in models if not m.get("name")]
        if len(models) > 1:
            others = [m.get("name", "") for m in models if m.get("name")]
            raise XmileError(f"{self.source}: {len(models)} <model> elements (modules/submodels "
                             f"{', '.join(repr(o) for o in others)} are not supported)", construct="module")
        model_el = (main or models)[0]
        if _child(model_el, "sim_specs") is not None:
            specs_el = _child(model_el, "sim_specs")
        for b in _children(model_el, "behavior"):
            self.read_behavior(b, behavior)
        specs = self.read_specs(specs_el)
        d = _child(model_el, "doc")
        if d is not None:
            doc = " ".join((_text(d) or "").split())
        variables = _child(model_el, "variables")
        comps, names = self.read_variables(variables, behavior) if variables is not None else ([], {})
        for el in model_el:
            if _is_std(el) and _local(el) not in ("variables", "views", "sim_specs", "behavior", "doc"):
                self.ignore(el, "model")
        dims = {self.dim_ident(k): v for k, v in self.dimensions.items()}
        try:
            model = Model(name=name, components=tuple(comps), dimensions=dims, doc=doc,
                          time_units=specs.time_units or "")
        except ModelError as exc:
            raise XmileError(f"{self.source}: {exc}") from None
        return XmileModel(model=model, sim_specs=specs, names=names, source=self.source,
                          ignored=tuple(self.ignored))

    def dim_ident(self, name: str) -> str:
        return identifier(canonical(name))

    def read_dimensions(self, el: ET.Element) -> None:
        for d in _children(el, "dim"):
            dname = d.get("name")
            if not dname:
                raise XmileError("<dim> without a name", construct="dimensions")
            elems = [e.get("name", "") for e in _children(d, "elem")]
            if not elems:
                size = d.get("size")
                if size is None or not size.strip().isdigit() or int(size) < 1:
                    raise XmileError(f"dimension {dname!r} has neither elements nor a size", construct="dimensions")
                elems = [str(i) for i in range(1, int(size) + 1)]
            if any(not e for e in elems):
                raise XmileError(f"dimension {dname!r}: an element has no name", construct="dimensions")
            self.dimensions[dname] = tuple(elems)
            self.dim_keys[canonical(dname)] = dname

    def read_behavior(self, el: ET.Element, behavior: dict) -> None:
        for c in el:
            if not _is_std(c):
                continue
            tag = _local(c)
            if tag == "non_negative":
                behavior["stock"] = behavior["flow"] = _flag(c, True)
            elif tag in ("stock", "flow"):
                nn = _child(c, "non_negative")
                if nn is not None:
                    behavior[tag] = _flag(nn, True)

    def read_specs(self, el: ET.Element | None) -> SimSpecs:
        if el is None:
            raise XmileError(f"{self.source}: no <sim_specs> (start and stop times are required)",
                             construct="sim_specs")
        start_el, stop_el, dt_el = _child(el, "start"), _child(el, "stop"), _child(el, "dt")
        if start_el is None or stop_el is None:
            raise XmileError("<sim_specs> needs <start> and <stop>", construct="sim_specs")
        start = _float((_text(start_el) or "").strip(), "sim_specs start")
        stop = _float((_text(stop_el) or "").strip(), "sim_specs stop")
        dt = 1.0
        if dt_el is not None:
            dt = _float((_text(dt_el) or "").strip(), "sim_specs dt")
            if dt_el.get("reciprocal", "").lower() == "true":
                if dt == 0:
                    raise XmileError("sim_specs: reciprocal dt of 0", construct="sim_specs")
                dt = 1.0 / dt
        if not (dt > 0 and np.isfinite(dt)):
            raise XmileError(f"sim_specs: dt must be positive, got {dt}", construct="sim_specs")
        method = (el.get("method") or "euler").strip().lower()
        return SimSpecs(start=start, stop=stop, dt=dt, method=method, time_units=el.get("time_units", "") or "")

    # variables
    def fresh(self, base: str) -> str:
        ident = base
        while ident in self.taken:
            ident += "_"
        self.taken.add(ident)
        return ident

    def read_variables(self, vars_el: ET.Element, behavior: dict):
        decls: list[_Var] = []
        by_key: dict[str, _Var] = {}
        for el in vars_el:
            if not _is_std(el):
                self.ignore(el, "variables")
                continue
            tag = _local(el)
            if tag in ("group",):
                continue
            if tag == "module":
                raise XmileError(f"module {el.get('name', '')!r} is not supported (submodels are refused)",
                                 variable=el.get("name"), construct="module")
            if tag not in ("stock", "flow", "aux", "gf"):
                raise XmileError(f"unsupported element <{tag}> in <variables>", variable=el.get("name"),
                                 construct=tag)
            raw = el.get("name")
            if not raw:
                raise XmileError(f"<{tag}> without a name attribute", construct=tag)
            name = _display_name(raw)
            key = canonical(raw)
            if not key:
                raise XmileError(f"<{tag}> with an empty name", construct=tag)
            if key in by_key:
                raise XmileError(f"two variables with the name {name!r} (names are case-insensitive and "
                                 "spaces equal underscores)", variable=name)
            v = _Var(tag, el, name, key)
            for child in el:
                if _is_std(child) and _local(child) in _UNSUPPORTED_CHILDREN:
                    what = _UNSUPPORTED_CHILDREN[_local(child)]
                    raise XmileError(f"{what} (<{_local(child)}>) is not supported", variable=name, construct=what)
                if not _is_std(child) and _local(child) in _UNSUPPORTED_CHILDREN:
                    what = _UNSUPPORTED_CHILDREN[_local(child)]
                    raise XmileError(f"{what} (vendor element <{_local(child)}>) is not supported",
                                     variable=name, construct=what)
            v.dims = self.var_dims(el, name)
            decls.append(v)
            by_key[key] = v

        # identifiers: lookups must not shadow builtin functions
        builtin_names = set(B.PURE_ARITY) | set(B.STATEFUL_ARITY) | {"if_then_else"}
        for v in decls:
            base = identifier(v.key)
            if v.tag == "gf" and base in builtin_names:
                base += "_"
            v.ident = self.fresh(base)
        for v in decls:
            gf_el = _child(v.el, "gf")
            if v.tag == "gf":
                v.gf_ident = v.ident
            elif gf_el is not None:
                if v.tag == "stock":
                    raise XmileError("a stock cannot have a graphical function", variable=v.name, construct="gf")
                v.gf_ident = self.fresh(v.ident + "_gf")

        symbols: dict[str, Symbol] = {}
        for v in decls:
            kind = "gf" if v.tag == "gf" else ("aux_gf" if v.gf_ident else v.tag)
            symbols[v.key] = Symbol(v.ident, kind, v.gf_ident, tuple(self.dim_ident(d) for d in v.dims))
        for k, d in self.dim_keys.items():
            if k in symbols:
                raise XmileError(f"dimension {d!r} has the same name as a variable", variable=d)

        # auxiliaries used as flows of a stock stay equations (never constants)
        self.flow_keys = {canonical(_text(f) or "") for v in decls if v.tag == "stock"
                          for f in _children(v.el, "inflow") + _children(v.el, "outflow")}
        comps: list[Component] = []
        names: dict[str, str] = {}
        for v in decls:
            comps.extend(self.build(v, symbols, behavior))
            if v.tag != "gf":
                names[v.ident] = v.name
        return comps, names

    def var_dims(self, el: ET.Element, name: str) -> tuple[str, ...]:
        dims_el = _child(el, "dimensions")
        if dims_el is None:
            return ()
        dims = [d.get("name", "") for d in _children(dims_el, "dim")]
        if len(dims) > 1:
            raise XmileError(f"arrays of {len(dims)} dimensions ({', '.join(dims)}) are not supported "
                             "(one dimension per variable)", variable=name, construct="array")
        if not dims:
            return ()
        key = canonical(dims[0])
        if key not in self.dim_keys:
            raise XmileError(f"unknown dimension {dims[0]!r}", variable=name, construct="array")
        return (self.dim_keys[key],)

    def parse(self, text: str | None, symbols, v: _Var, what: str = "") -> Node:
        if text is None or not text.strip():
            raise XmileError(f"missing equation{what}", variable=v.name)
        dims = {k: self.dimensions[k] for k in self.dimensions}
        return parse_equation(text, symbols, dimensions=dims, variable=v.name)

    def equation(self, el: ET.Element, symbols, v: _Var) -> tuple[Node | None, list[float] | None]:
        """The equation of ``v`` (or of one element): a tree, or a list of numbers for arrays."""
        eqns = _children(el, "eqn")
        elements = _children(el, "element")
        if v.dims and elements:
            return self.per_element(elements, symbols, v), None
        if v.dims and len(eqns) > 1:
            # one <eqn> per element, in element order (written by some converters)
            elems = self.dimensions[v.dims[0]]
            if len(eqns) != len(elems):
                raise XmileError(f"{len(eqns)} equations for {len(elems)} elements of {v.dims[0]!r}",
                                 variable=v.name)
            nodes = [self.parse(_text(e), symbols, v) for e in eqns]
            return self.select(nodes, v), None
        if len(eqns) > 1:
            raise XmileError(f"{len(eqns)} <eqn> elements in a non-arrayed variable", variable=v.name)
        text = _text(eqns[0]) if eqns else None
        if v.dims and text is not None:
            values = parse_number_list(text)
            if values is not None:
                n = len(self.dimensions[v.dims[0]])
                if len(values) != n:
                    raise XmileError(f"{len(values)} values for the {n} elements of {v.dims[0]!r}",
                                     variable=v.name)
                return None, values
        return self.parse(text, symbols, v), None

    def per_element(self, elements, symbols, v: _Var) -> Node:
        elems = self.dimensions[v.dims[0]]
        by_key = {canonical(e): i for i, e in enumerate(elems)}
        nodes: list[Node | None] = [None] * len(elems)
        for e in elements:
            sub = e.get("subscript", "")
            if "," in sub:
                raise XmileError(f"element [{sub}] has several subscripts", variable=v.name, construct="array")
            if canonical(sub) not in by_key:
                raise XmileError(f"element [{sub}] is not in dimension {v.dims[0]!r}", variable=v.name)
            if _child(e, "gf") is not None:
                raise XmileError(f"arrayed graphical function (element [{sub}])", variable=v.name,
                                 construct="arrayed graphical function")
            nodes[by_key[canonical(sub)]] = self.parse(_text(_child(e, "eqn")), symbols, v, f" for [{sub}]")
        missing = [elems[i] for i, n in enumerate(nodes) if n is None]
        if missing:
            raise XmileError(f"no equation for element(s) {', '.join(missing)}", variable=v.name)
        return self.select(nodes, v)

    def select(self, nodes: list[Node], v: _Var, *, fold: bool = True) -> Node:
        """One arrayed expression from one expression per element.

        ``IF idx = 0 THEN e0 ELSE IF idx = 1 THEN e1 ...`` where ``idx`` is a
        hidden constant arrayed over the dimension holding 0, 1, 2, ...
        (a list of numbers when every element is a number).
        """
        if fold and all(isinstance(n, Num) for n in nodes):
            return _NumList([n.value for n in nodes])  # type: ignore[return-value]
        idx = self.index_constant(v.dims[0])
        out = nodes[-1]
        for i in range(len(nodes) - 2, -1, -1):
            out = IfElse(Bin("==", Var(idx), Num(float(i))), nodes[i], out)
        return out

    def index_constant(self, dim: str) -> str:
        name = "_index_" + self.dim_ident(dim)
        if name not in self.taken:
            self.taken.add(name)
            self._extra.append(Constant(name, value=list(range(len(self.dimensions[dim]))), units="1",
                                        dims=(self.dim_ident(dim),),
                                        doc=f"position of each element of {dim} (for per-element equations)"))
        return name

    _extra: list

    def build(self, v: _Var, symbols, behavior) -> list[Component]:
        self._extra = []
        el = v.el
        units = (_text(_child(el, "units")) or "").strip()
        doc = " ".join((_text(_child(el, "doc")) or "").split())
        dims = tuple(self.dim_ident(d) for d in v.dims)
        common = {"units": units, "doc": doc, "dims": dims}
        out: list[Component] = []
        if v.tag == "gf":
            if v.dims:
                raise XmileError("arrayed graphical function", variable=v.name, construct="arrayed graphical function")
            return [self.lookup(el, v.ident, v, units, doc)]
        node, values = self.equation(el, symbols, v)
        if isinstance(node, _NumList):
            node, values = None, node.values
        if values is not None and (v.tag != "aux" or _child(el, "gf") is not None):
            node, values = self.select([Num(float(x)) for x in values], v, fold=False), None
        if v.tag == "stock":
            flows = []
            for kind in ("inflow", "outflow"):
                lst = []
                for f in _children(el, kind):
                    fname = (_text(f) or "").strip()
                    sym = symbols.get(canonical(fname))
                    if sym is None or sym.kind in ("stock", "gf"):
                        raise XmileError(f"{kind} {fname!r} is not a flow or auxiliary of the model",
                                         variable=v.name)
                    lst.append(sym.ident)
                flows.append(tuple(lst))
            initial = node if node is not None else values
            out.append(Stock(v.ident, initial=_initial(initial), inflows=flows[0], outflows=flows[1],
                             non_negative=_flag(_child(el, "non_negative"), behavior["stock"]), **common))
        else:
            gf_el = _child(el, "gf")
            if gf_el is not None:
                if v.dims:
                    raise XmileError("arrayed graphical function", variable=v.name,
                                     construct="arrayed graphical function")
                out.append(self.lookup(gf_el, v.gf_ident, v, units, f"graphical function of {v.name}"))
                if values is not None:
                    raise XmileError("a graphical function's input must be an expression", variable=v.name)
                node = Call(v.gf_ident, (node,))
            if v.tag == "flow":
                nn = _flag(_child(el, "non_negative"), behavior["flow"])
                eq = node if node is not None else _initial(values)
                out.append(Flow(v.ident, equation=eq, non_negative=nn, **common))
            elif values is not None and v.key in self.flow_keys:
                out.append(Aux(v.ident, equation=self.select([Num(float(x)) for x in values], v, fold=False),
                               **common))
            elif values is not None:
                out.append(Constant(v.ident, value=list(values), **common))
            elif isinstance(node, Num) and v.key not in self.flow_keys:
                out.append(Constant(v.ident, value=node.value, **common))
            else:
                out.append(Aux(v.ident, equation=node, **common))
        return self._extra + out

    def lookup(self, gf: ET.Element, ident: str, v: _Var, units: str, doc: str) -> Lookup:
        kind = gf.get("type", "continuous").strip().lower()
        if gf.get("discrete", "").strip().lower() == "true":
            kind = "discrete"
        if kind != "continuous":
            raise XmileError(f"graphical function type {kind!r} is not supported (only 'continuous')",
                             variable=v.name, construct=f"gf type={kind}")

        def pts(name):
            e = _child(gf, name)
            if e is None:
                return None
            sep = e.get("sep", ",") or ","
            parts = [p.strip() for p in (_text(e) or "").split(sep) if p.strip()]
            return [_float(p, f"graphical function <{name}>", v.name) for p in parts]

        ys = pts("ypts")
        if not ys:
            raise XmileError("graphical function without <ypts>", variable=v.name, construct="gf")
        xs = pts("xpts")
        if xs is None:
            xscale = _child(gf, "xscale")
            if xscale is None:
                raise XmileError("graphical function needs <xpts> or <xscale>", variable=v.name, construct="gf")
            lo = _float(xscale.get("min"), "xscale min", v.name)
            hi = _float(xscale.get("max"), "xscale max", v.name)
            xs = list(np.linspace(lo, hi, len(ys))) if len(ys) > 1 else [lo]
        if len(xs) != len(ys):
            raise XmileError(f"graphical function has {len(xs)} x points and {len(ys)} y points",
                             variable=v.name, construct="gf")
        order = np.argsort(np.asarray(xs, dtype=float), kind="stable")
        try:
            return Lookup(ident, x=tuple(float(xs[i]) for i in order), y=tuple(float(ys[i]) for i in order),
                          units=units, doc=doc)
        except ModelError as exc:
            raise XmileError(str(exc), variable=v.name, construct="gf") from None


@dataclass(frozen=True)
class _NumList:
    values: list


def _initial(x) -> object:
    if x is None:
        raise XmileError("missing equation")
    if isinstance(x, (list, tuple)):
        raise XmileError("a list of numbers is only allowed for a constant")
    return x


def read(path, *, max_bytes: int = MAX_BYTES) -> XmileModel:
    """Read an XMILE file.

    Parameters
    ----------
    path : str or Path
        The ``.xmile`` / ``.stmx`` / ``.xml`` file.
    max_bytes : int
        Refuse files larger than this (default 50 MB), before reading them.

    Returns
    -------
    XmileModel
        The regsim model, the file's sim specs and the name mapping.

    Raises
    ------
    XmileError
        Unsafe or malformed XML, unsupported constructs, bad equations.
    """
    root = parse_file(path, max_bytes=max_bytes)
    return _bounded(_Reader(root, str(path)).read(), str(path))


def read_string(text: str | bytes, *, source: str = "<string>", max_bytes: int = MAX_BYTES) -> XmileModel:
    """Like :func:`read`, from the XML text itself."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    root = parse_bytes(data, source=source, max_bytes=max_bytes)
    return _bounded(_Reader(root, source if source != "<string>" else "").read(), source)


def _bounded(xm: XmileModel, source: str) -> XmileModel:
    """Refuse expression trees deeper than what hashing, compiling, printing and unit checking can walk.

    (issue 11, bounded recursion: a 600-term ``a + a + ...`` parses iteratively into a tree 600 deep.)
    """
    from ..limits import deepest_expression, limit

    name, depth = deepest_expression(xm.model.components)
    cap = limit("MAX_EXPRESSION_DEPTH")
    if depth > cap:
        shown = xm.names.get(name, name)
        raise XmileError(f"equation nested {depth} levels deep (a chain of {depth} operations); regsim handles at "
                         f"most {cap}: split it into several auxiliaries", variable=shown)
    return xm


def load(path, *, max_bytes: int = MAX_BYTES) -> Model:
    """Read an XMILE file and return the regsim :class:`Model` (see :func:`read`)."""
    return read(path, max_bytes=max_bytes).model
