"""Read XMILE files into regsim models.

``read(path)`` returns an :class:`XmileModel`: the regsim :class:`Model` plus the
file's simulation specs and the mapping from regsim names to the names used in
the file. ``load(path)`` returns just the model.

What is read (XMILE 1.0 and Stella's layout of it): stocks (initial value,
inflows, outflows, ``non_negative``), flows (``non_negative`` = uniflow),
auxiliaries, graphical functions (standalone ``<gf>``, embedded in an aux or flow,
shared by or per element of an arrayed variable), ``sim_specs`` (start, stop,
``dt`` with ``reciprocal``, method, ``isee:save_interval``), ``<behavior>``,
modules (``<module>`` with ``<connect>``: flattened into one model whose variables
carry qualified names ``module.var``), arrays of any rank when the engine has them
(apply-to-all, per-element ``<element>`` equations, number lists, subranges matched
by element name), ``<units>`` and ``<doc>``. Variables written directly under
``<model>`` (Stella 10) are read too.

What is refused with an :class:`XmileError` naming the construct, the variable
and the file: macros, conveyors, queues, ovens, leakage flows, graphical functions
of type other than continuous, positional subscript mappings, xmutil's
placeholders (``???``, untranslated Vensim data functions), unknown functions and
names, a file with no readable variable, and whatever the engine cannot compile
(translated into the XMILE names, never the engine's internal helper names).

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
from simulator.engine.expr import Bin, Call, IfElse, Index, Node, Num, Unary, Var

from .equations import Symbol, canonical, identifier, parse_equation, parse_number_list
from .errors import XmileError
from .safexml import MAX_BYTES, parse_bytes, parse_file

XMILE_NS = "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"


def engine_nd() -> bool:
    """Whether the engine supports arrays of two or more dimensions (``Subscript`` nodes and
    per-element ``elements=`` equations); until it does, such arrays are refused by name."""
    import dataclasses

    from simulator.engine import expr

    return hasattr(expr, "Subscript") and "elements" in {f.name for f in dataclasses.fields(Aux)}

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
    save_interval : float or None
        Stella's ``isee:save_interval`` (reported, as Stella does, for ``SAVEPER``); regsim
        saves every ``dt`` regardless, so the saved times include Stella's.
    """

    start: float
    stop: float
    dt: float = 1.0
    method: str = "euler"
    time_units: str = ""
    save_interval: float | None = None

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
    scope: str = ""
    element_gfs: dict = field(default_factory=dict)


class _Reader:
    def __init__(self, root: ET.Element, source: str):
        self.root = root
        self.source = source
        self.ignored: list[str] = []
        self.dimensions: dict[str, tuple[str, ...]] = {}  # dimension name as in file -> elements
        self.dim_keys: dict[str, str] = {}  # canonical -> name
        self.taken: set[str] = set(RESERVED_NAMES)
        self.per_element_vars: set[str] = set()
        self.from_xmutil = False  # written by xmutil (Vensim -> XMILE): its placeholders are recognised
        self.scalar_of: dict[tuple[str, str], str] = {}  # (variable, canonical element) -> hidden scalar
        self.element_names: dict[str, str] = {}  # hidden scalar -> 'name[element]' as in the file

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
                made_by = " ".join((_text(_child(el, t)) or "") for t in ("vendor", "product")).lower()
                self.from_xmutil = "xmutil" in made_by or "ventana" in made_by
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
        if len(main) > 1:
            raise XmileError(f"{self.source}: {len(main)} <model> elements without a name (one main model expected)",
                             construct="model")
        model_el = (main or models[:1])[0]
        self.submodels = {canonical(m.get("name", "")): m for m in models if m is not model_el}
        if _child(model_el, "sim_specs") is not None:
            specs_el = _child(model_el, "sim_specs")
        for b in _children(model_el, "behavior"):
            self.read_behavior(b, behavior)
        specs = self.read_specs(specs_el)
        d = _child(model_el, "doc")
        if d is not None:
            doc = " ".join((_text(d) or "").split())
        comps, names = self.read_variables(model_el, behavior)
        for k, m in self.submodels.items():
            if k not in self.used_models:
                self.ignored.append(f"model {m.get('name', '')} (not used by any module)")
        if not names:
            raise XmileError(f"{self.source}: the model has no variables that regsim can read (no <stock>, "
                             "<flow> or <aux> in <model><variables>)", construct="variables")
        dims = {self.dim_ident(k): v for k, v in self.dimensions.items()}
        self.dims_by_ident = {k: tuple(canonical(e) for e in v) for k, v in dims.items()}
        try:
            model = Model(name=name, components=tuple(comps), dimensions=dims, doc=doc,
                          time_units=specs.time_units or "")
        except ModelError as exc:
            raise XmileError(f"{self.source}: {exc}") from None
        self.check_compiles(model, names)
        return XmileModel(model=model, sim_specs=specs, names=names, source=self.source,
                          ignored=tuple(self.ignored))

    def check_compiles(self, model: Model, names: Mapping[str, str]) -> None:
        """Compile the model once so that what the engine cannot do is refused here, naming the
        XMILE construct, the variable (as named in the file) and the file."""
        from simulator.engine import AlgebraicLoopError
        from simulator.engine.simulate import compiled

        def shown(ident: str) -> str:
            return names.get(ident, self.element_names.get(ident, ident))

        try:
            compiled(model)
        except AlgebraicLoopError as exc:
            loop = [shown(n) for n in exc.loop if not n.startswith("_") or n in self.element_names]
            per = [n for n in exc.loop if n in self.per_element_vars]
            if per:
                raise XmileError(f"{self.source}: elements of {', '.join(repr(shown(n)) for n in per)} refer to other "
                                 f"elements ({' -> '.join(loop)}): per-element dependencies of a non-apply-to-all "
                                 "array are not supported yet", variable=shown(per[0]),
                                 construct="non-apply-to-all array with dependencies between elements") from None
            raise XmileError(f"{self.source}: algebraic loop {' -> '.join(loop + loop[:1])} (no stock or delay "
                             "breaks it)", variable=loop[0] if loop else None, construct="algebraic loop") from None
        except ModelError as exc:
            msg = str(exc)
            ident, _, rest = msg.partition(":")
            m = re.search(r"equation has dimension '(\w+)' but the variable is declared \('(\w+)',?\)", msg)
            construct = "equation the engine cannot compile"
            if m:
                a, b = (self.dims_by_ident.get(x, ()) for x in m.groups())
                if set(a) < set(b) or set(b) < set(a):
                    construct = "subrange"
                elif len(a) == len(b):
                    construct = "subscript mapping"
                else:
                    construct = "dimension mismatch"
                msg = (f"equation is over dimension {m.group(1)!r} but the variable over {m.group(2)!r} "
                       f"({construct} not supported yet)")
            hidden = re.match(r"^_(smooth|delay|pipe|init)\d+_(.+?)(?:_out|_in|_adj|_time)?$", ident)
            if m:
                pass
            elif hidden:  # a helper the engine made for a SMTH/DELAY/INIT call: name the variable instead
                owner = hidden.group(2)
                what = {"smooth": "SMTH1/SMTH3/SMTHN", "delay": "DELAY1/DELAY3/DELAYN", "pipe": "DELAY",
                        "init": "INIT"}[hidden.group(1)]
                construct = f"{what} of an arrayed input"
                msg = f"{what} of an arrayed input is not supported yet ({rest.strip()})"
                ident = owner
            elif " " not in ident:
                msg = rest.strip()  # the variable is named by the prefix; never show internal helper names
            raise XmileError(f"{self.source}: {msg}", variable=shown(ident) if not ident.startswith("_") else None,
                             construct=construct) from None

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
        save = next((v for k, v in el.attrib.items() if _split(k)[1] == "save_interval"), None)
        save_interval = None
        if save is not None and _NUMBER.match(save) and float(save) > 0:
            save_interval = float(save)
        return SimSpecs(start=start, stop=stop, dt=dt, method=method, time_units=el.get("time_units", "") or "",
                        save_interval=save_interval)

    # variables
    def fresh(self, base: str) -> str:
        ident = base
        while ident in self.taken:
            ident += "_"
        self.taken.add(ident)
        return ident

    def model_items(self, model_el: ET.Element, where: str) -> list[ET.Element]:
        """The variable elements of a model: ``<variables>`` children, or (Stella 10's layout)
        stocks, flows, auxiliaries and modules written directly under ``<model>``."""
        variables = _child(model_el, "variables")
        items = []
        for el in model_el:
            if not _is_std(el):
                self.ignore(el, where)
            elif _local(el) in ("stock", "flow", "aux", "gf", "module", "group") and variables is None:
                items.append(el)
            elif _local(el) not in ("variables", "views", "sim_specs", "behavior", "doc", "stock", "flow", "aux",
                                    "gf", "module", "group"):
                self.ignore(el, where)
        if variables is not None:
            for el in variables:
                if not _is_std(el):
                    self.ignore(el, "variables")
                else:
                    items.append(el)
        return items

    def collect(self, model_el: ET.Element, scope: str, display: str, stack: tuple[str, ...],
                decls: list, by_key: dict, connects: list) -> None:
        """Declarations of one model (``scope`` = qualified key prefix of a module instance, '' at
        the top), recursing into ``<module>`` instances."""
        for el in self.model_items(model_el, "model" if not scope else f"module {display}"):
            tag = _local(el)
            if tag == "group":
                continue
            if tag == "module":
                self.collect_module(el, scope, display, stack, decls, by_key, connects)
                continue
            if tag not in ("stock", "flow", "aux", "gf"):
                raise XmileError(f"{self.source}: unsupported element <{tag}> in <variables>",
                                 variable=el.get("name"), construct=tag)
            raw = el.get("name")
            if not raw:
                raise XmileError(f"{self.source}: <{tag}> without a name attribute", construct=tag)
            name = (f"{display}." if display else "") + _display_name(raw)
            key = (f"{scope}." if scope else "") + canonical(raw)
            if not canonical(raw):
                raise XmileError(f"{self.source}: <{tag}> with an empty name", construct=tag)
            if key in by_key:
                raise XmileError(f"two variables with the name {name!r} (names are case-insensitive and "
                                 "spaces equal underscores)", variable=name)
            v = _Var(tag, el, name, key, scope=scope)
            for child in el:
                if _local(child) in _UNSUPPORTED_CHILDREN:
                    what = _UNSUPPORTED_CHILDREN[_local(child)]
                    how = f"<{_local(child)}>" if _is_std(child) else f"vendor element <{_local(child)}>"
                    raise XmileError(f"{what} ({how}) is not supported", variable=name, construct=what)
            v.dims = self.var_dims(el, name)
            decls.append(v)
            by_key[key] = v

    def collect_module(self, el: ET.Element, scope: str, display: str, stack: tuple[str, ...],
                       decls: list, by_key: dict, connects: list) -> None:
        raw = el.get("name") or ""
        if not canonical(raw):
            raise XmileError(f"{self.source}: <module> without a name", construct="module")
        model_name = next((v for k, v in el.attrib.items() if _split(k)[1] == "model_name"), raw)
        mkey = canonical(model_name)
        sub = self.submodels.get(mkey)
        mdisp = _display_name(raw)
        where = (f"{display}." if display else "") + mdisp
        if sub is None:
            raise XmileError(f"{self.source}: module {where!r} refers to model {_display_name(model_name)!r}, "
                             "which the file does not define", variable=where, construct="module")
        if mkey in stack:
            raise XmileError(f"{self.source}: module {where!r} contains itself (model "
                             f"{_display_name(model_name)!r})", variable=where, construct="module")
        inner = (f"{scope}." if scope else "") + canonical(raw)
        if inner in self.instances:
            raise XmileError(f"two modules named {where!r}", variable=where, construct="module")
        self.instances[inner] = where
        self.used_models.add(mkey)
        for c in el:
            if _is_std(c) and _local(c) == "connect" or (not _is_std(c) and _local(c) == "connect"):
                to, frm = c.get("to"), c.get("from")
                if not to or not frm:
                    raise XmileError(f"module {where!r}: <connect> needs 'to' and 'from'", variable=where,
                                     construct="module connect")
                connects.append((scope, inner, where, to, frm))
            elif _local(c) != "connect2":
                self.ignore(c, f"module {where}")
        self.collect(sub, inner, where, stack + (mkey,), decls, by_key, connects)

    def resolve_connect(self, scope: str, module: str, end: str, text: str, by_key: dict, is_to: bool) -> str:
        """The qualified key of one end of a ``<connect>`` (``to`` defaults to the module's scope,
        ``from`` to the enclosing model's; ``.x`` is the enclosing model's ``x``)."""
        key = canonical(text.lstrip("."))
        prefix = f"{scope}." if scope else ""
        first = key.split(".", 1)[0]
        if text.startswith("."):
            cands = [prefix + key]
        elif "." in key and (prefix + first) in self.instances:
            cands = [prefix + key]
        else:
            cands = [f"{module}.{key}"] if is_to else [prefix + key]
        for k in cands:
            if k in by_key:
                return k
        raise XmileError(f"module {end!r}: <connect> {'to' if is_to else 'from'}={text!r} names no variable "
                         "of the model", variable=end, construct="module connect")

    def read_variables(self, model_el: ET.Element, behavior: dict):
        decls: list[_Var] = []
        by_key: dict[str, _Var] = {}
        connects: list = []
        self.instances: dict[str, str] = {}
        self.used_models: set[str] = set()
        self.collect(model_el, "", "", (), decls, by_key, connects)
        self.aliases: dict[str, str] = {}
        for scope, module, where, to, frm in connects:
            t = self.resolve_connect(scope, module, where, to, by_key, True)
            f = self.resolve_connect(scope, module, where, frm, by_key, False)
            if t == f:
                continue
            if self.aliases.get(t, f) != f:
                raise XmileError(f"module input {by_key[t].name!r} is connected to two variables",
                                 variable=by_key[t].name, construct="module connect")
            self.aliases[t] = f

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
            elif gf_el is not None and v.key not in self.aliases:
                if v.tag == "stock":
                    raise XmileError("a stock cannot have a graphical function", variable=v.name, construct="gf")
                v.gf_ident = self.fresh(v.ident + "_gf")

        symbols: dict[str, Symbol] = {}
        for v in decls:
            kind = "gf" if v.tag == "gf" else ("aux_gf" if v.gf_ident else v.tag)
            if v.key in self.aliases:
                kind = "aux"
            v.element_gfs = {}
            if v.dims and v.tag != "gf" and v.key not in self.aliases:
                for e in _children(v.el, "element"):
                    if _child(e, "gf") is not None:
                        sub = canonical(e.get("subscript", ""))
                        v.element_gfs[sub] = self.fresh(f"{v.ident}_gf_{identifier(sub)}")
            symbols[v.key] = Symbol(v.ident, kind, v.gf_ident, tuple(self.dim_ident(d) for d in v.dims),
                                    tuple(v.element_gfs.items()))
        for k, d in self.dim_keys.items():
            if k in symbols:
                raise XmileError(f"dimension {d!r} has the same name as a variable", variable=d)
        scopes = {v.scope for v in decls}
        views = {sc: self.scope_view(symbols, sc) for sc in scopes}

        # auxiliaries used as flows of a stock stay equations (never constants)
        self.flow_keys = {self.scoped(v.scope, _text(f) or "") for v in decls if v.tag == "stock"
                          for f in _children(v.el, "inflow") + _children(v.el, "outflow")}
        comps: list[Component] = []
        names: dict[str, str] = {}
        for v in decls:
            if v.key in self.aliases:
                src = by_key[self.aliases[v.key]]
                if src.tag == "gf":
                    raise XmileError(f"module input connected to graphical function {src.name!r}",
                                     variable=v.name, construct="module connect")
                comps.append(Aux(v.ident, equation=Var(src.ident), dims=tuple(self.dim_ident(d) for d in src.dims),
                                 doc=f"module input, connected to {src.name}"))
            else:
                comps.extend(self.build(v, views[v.scope], behavior))
            if v.tag != "gf":
                names[v.ident] = v.name
        if self.scalar_of:
            comps = [self.rewrite_elements(c) for c in comps]
        return comps, names

    def rewrite_elements(self, c: Component) -> Component:
        """Replace ``x[e]`` by the hidden scalar of element e where x was built element by element."""
        from dataclasses import replace

        def tr(node: Node) -> Node:
            if isinstance(node, Index) and isinstance(node.operand, Var):
                h = self.scalar_of.get((node.operand.name, canonical(node.element)))
                if h is not None:
                    return Var(h)
            if isinstance(node, Bin):
                return Bin(node.op, tr(node.left), tr(node.right))
            if isinstance(node, Unary):
                return Unary(node.op, tr(node.operand))
            if isinstance(node, Call):
                return Call(node.func, tuple(tr(a) for a in node.args))
            if isinstance(node, IfElse):
                return IfElse(tr(node.cond), tr(node.then), tr(node.orelse))
            if isinstance(node, Index):
                return Index(tr(node.operand), node.element)
            return node

        if getattr(c, "elements", ()) and isinstance(c, (Stock, Aux)):
            from simulator.engine.expr import parse as _p

            c = replace(c, elements=tuple((k, tr(e if not isinstance(e, (str, int, float)) else _p(e)))
                                          for k, e in c.elements))
            default = c.initial if isinstance(c, Stock) else c.equation
            if default is None:
                return c
        if isinstance(c, Stock) and not isinstance(c.initial, (int, float, list, tuple)):
            return replace(c, initial=tr(c.initial_node))
        if isinstance(c, Aux):
            return replace(c, equation=tr(c.node))
        return c

    @staticmethod
    def scoped(scope: str, name: str) -> str:
        key = canonical(name)
        return f"{scope}.{key}" if scope else key

    @staticmethod
    def scope_view(symbols: dict, scope: str) -> dict:
        """Symbols as seen from inside module ``scope``: its own names unqualified, names of its
        sub-modules as ``sub.name``."""
        if not scope:
            return symbols
        prefix = scope + "."
        return {k[len(prefix):]: v for k, v in symbols.items() if k.startswith(prefix)}

    def var_dims(self, el: ET.Element, name: str) -> tuple[str, ...]:
        dims_el = _child(el, "dimensions")
        if dims_el is None:
            return ()
        dims = [d.get("name", "") for d in _children(dims_el, "dim")]
        if len(dims) > 1 and not engine_nd():
            raise XmileError(f"arrays of {len(dims)} dimensions ({', '.join(dims)}) are not supported "
                             "(one dimension per variable)", variable=name, construct="array")
        out = []
        for d in dims:
            key = canonical(d)
            if key not in self.dim_keys:
                raise XmileError(f"unknown dimension {d!r}", variable=name, construct="array")
            out.append(self.dim_keys[key])
        if len(set(out)) != len(out):
            raise XmileError(f"arrayed twice over the same dimension ({', '.join(dims)})", variable=name,
                             construct="repeated dimension")
        return tuple(out)

    def parse(self, text: str | None, symbols, v: _Var, what: str = "") -> Node:
        if text is not None:
            # xmutil keeps a Vensim function it cannot translate as a comment ({GET_DIRECT_DATA(...)},
            # {Untranslated function used}) and writes 0 or nothing in its place: running that would
            # silently give 0 for data the file does not hold
            m = re.search(r"\{\s*(GET[_ ]\w+|Untranslated function used)", text, re.IGNORECASE)
            if m:
                fn = m.group(1).replace("_", " ").strip().upper()
                raise XmileError(f"equation {' '.join(text.split())[:120]!r} stands for a Vensim function the "
                                 f"converter could not translate ({fn}); the file does not hold its data",
                                 variable=v.name, construct=f"untranslated Vensim function ({fn})")
        if text is None or not re.sub(r"\{[^}]*\}", "", text).strip():
            hint = " (a module input that no <connect> feeds?)" if v.scope else ""
            raise XmileError(f"missing equation{what}{hint}", variable=v.name, construct="missing equation")
        dims = {k: self.dimensions[k] for k in self.dimensions}
        return parse_equation(text, symbols, dimensions=dims, variable=v.name, target_dims=v.dims,
                              reindex=self.over, self_ident=v.ident)

    def over(self, dim_key: str, nodes: list[Node]) -> Node:
        """An expression over the dimension ``dim_key`` (canonical) whose element i is ``nodes[i]``."""
        dim = self.dim_keys[dim_key]
        idx = self.index_constant(dim)
        out = nodes[-1]
        for i in range(len(nodes) - 2, -1, -1):
            out = IfElse(Bin("==", Var(idx), Num(float(i))), nodes[i], out)
        return out

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
        self.per_element_vars.add(v.ident)
        elems = self.dimensions[v.dims[0]]
        by_key = {canonical(e): i for i, e in enumerate(elems)}
        nodes: list[Node | None] = [None] * len(elems)
        for e in elements:
            sub = e.get("subscript", "")
            if "," in sub:
                raise XmileError(f"element [{sub}] has several subscripts", variable=v.name, construct="array")
            if canonical(sub) not in by_key:
                raise XmileError(f"element [{sub}] is not in dimension {v.dims[0]!r}", variable=v.name)
            gf = _child(e, "gf")
            text = _text(_child(e, "eqn"))
            if gf is not None:
                # one graphical function per element, applied to the element's input (its own
                # <eqn>, else the variable's)
                if text is None or not text.strip():
                    text = _text(_child(v.el, "eqn"))
                arg = self.parse(text, symbols, v, f" (input of the graphical function of [{sub}])")
                lk = v.element_gfs[canonical(sub)]
                self._extra.append(self.lookup(gf, lk, v, "", f"graphical function of {v.name}[{sub}]"))
                nodes[by_key[canonical(sub)]] = Call(lk, (arg,))
                continue
            nodes[by_key[canonical(sub)]] = self.parse(text, symbols, v, f" for [{sub}]")
        missing = [elems[i] for i, n in enumerate(nodes) if n is None]
        if missing:
            raise XmileError(f"no equation for element(s) {', '.join(missing)}", variable=v.name)
        if v.tag in ("aux", "flow") and not all(isinstance(n, Num) for n in nodes) and \
                not any(_whole_array_ref(n, symbols) for n in nodes):
            # one hidden scalar per element, so that x[e1] depending on x[e2] (or on y, which depends
            # on x[e2]) is ordered element by element rather than seen as a loop of x on itself;
            # references x[e] anywhere in the model are rewritten to the scalar (see rewrite_elements)
            scalars = []
            units = (_text(_child(v.el, "units")) or "").strip()  # the variable's, for the units checker
            for e, n in zip(elems, nodes):
                h = self.fresh(f"_{v.ident}__{identifier(canonical(e))}")
                self._extra.append(Aux(h, equation=n, hidden=True, units=units, doc=f"{v.name}[{e}]"))
                self.scalar_of[(v.ident, canonical(e))] = h
                self.element_names[h] = f"{v.name}[{e}]"
                scalars.append(Var(h))
            return self.select(scalars, v)
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
        if len(v.dims) > 1:
            return self.build_nd(v, symbols, behavior, units, doc, dims)
        node, values = self.equation(el, symbols, v)
        if isinstance(node, _NumList):
            node, values = None, node.values
        if values is not None and (v.tag != "aux" or _child(el, "gf") is not None):
            node, values = self.select([Num(float(x)) for x in values], v, fold=False), None
        if v.tag == "stock":
            flows = _stock_flows(el, symbols, v.name)
            initial = node if node is not None else values
            out.append(Stock(v.ident, initial=_initial(initial), inflows=flows[0], outflows=flows[1],
                             non_negative=_flag(_child(el, "non_negative"), behavior["stock"]), **common))
        else:
            gf_el = _child(el, "gf")
            if gf_el is not None and self.from_xmutil and _data_placeholder(el, gf_el):
                raise XmileError("graphical function 1, 1 over TIME 0..1 (yscale 1..2) is xmutil's placeholder for a "
                                 "Vensim data variable: the file does not hold the data", variable=v.name,
                                 construct="Vensim data variable (no data in the file)")
            if gf_el is not None:
                # apply-to-all: one graphical function shared by every element
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

    def build_nd(self, v: _Var, symbols, behavior, units: str, doc: str, dims: tuple[str, ...]) -> list[Component]:
        """A variable over two or more dimensions: apply-to-all, number lists (in row-major order
        of its dimensions) or per-element ``<element subscript="a, b">`` equations (the engine's
        ``elements=``; an element without one takes the variable's ``<eqn>``)."""
        el = v.el
        common = {"units": units, "doc": doc, "dims": dims}
        elems = [self.dimensions[d] for d in v.dims]
        shape = tuple(len(e) for e in elems)
        eqns = _children(el, "eqn")
        if len(eqns) > 1:
            raise XmileError(f"{len(eqns)} <eqn> elements in a variable over {len(v.dims)} dimensions",
                             variable=v.name, construct="array")
        text = _text(eqns[0]) if eqns else None
        default: Node | None = None
        per: dict[tuple[str, ...], Node] = {}
        values = parse_number_list(text) if text is not None else None
        if values is not None:
            if len(values) != int(np.prod(shape)):
                raise XmileError(f"{len(values)} values for the {int(np.prod(shape))} elements of "
                                 f"{' x '.join(v.dims)}", variable=v.name)
        elif text is not None and re.sub(r"\{[^}]*\}", "", text).strip():
            default = self.parse(text, symbols, v)
        for e in _children(el, "element"):
            sub = e.get("subscript", "")
            parts = [p.strip() for p in sub.split(",")]
            if len(parts) != len(v.dims):
                raise XmileError(f"element [{sub}] has {len(parts)} subscripts for {len(v.dims)} dimensions",
                                 variable=v.name, construct="array")
            key = []
            for p_, d, es in zip(parts, v.dims, elems):
                hit = [x for x in es if canonical(x) == canonical(p_)]
                if not hit:
                    raise XmileError(f"element [{sub}]: {p_!r} is not an element of {d!r}", variable=v.name)
                key.append(hit[0])
            if _child(e, "gf") is not None:
                raise XmileError(f"graphical function per element of a variable over {len(v.dims)} dimensions "
                                 f"(element [{sub}])", variable=v.name, construct="arrayed graphical function")
            per[tuple(key)] = self.parse(_text(_child(e, "eqn")), symbols, v, f" for [{sub}]")
        if per:
            self.per_element_vars.add(v.ident)
            import itertools

            missing = [k for k in itertools.product(*elems) if k not in per]
            if missing and default is None:
                raise XmileError(f"no equation for element(s) {', '.join('[' + ', '.join(k) + ']' for k in missing[:5])}"
                                 + (" ..." if len(missing) > 5 else ""), variable=v.name)
            if not missing and all(isinstance(n, Num) for n in per.values()) and v.tag == "aux" \
                    and v.key not in self.flow_keys and _child(el, "gf") is None:
                arr = np.empty(shape)
                for k, n in per.items():
                    arr[tuple(es.index(x) for x, es in zip(k, elems))] = n.value
                return self._extra + [Constant(v.ident, value=arr.tolist(), **common)]
        if values is not None:
            arr = np.asarray(values, dtype=float).reshape(shape)
            if v.tag == "aux" and v.key not in self.flow_keys and _child(el, "gf") is None:
                return self._extra + [Constant(v.ident, value=arr.tolist(), **common)]
            import itertools

            per = {k: Num(float(arr[i])) for i, k in zip(itertools.product(*(range(n) for n in shape)),
                                                         itertools.product(*elems))}
        if default is None and not per:
            raise XmileError("missing equation", variable=v.name, construct="missing equation")
        out: list[Component] = []
        if v.tag == "stock":
            flows = _stock_flows(el, symbols, v.name)
            out.append(Stock(v.ident, initial=default, elements=per, inflows=flows[0], outflows=flows[1],
                             non_negative=_flag(_child(el, "non_negative"), behavior["stock"]), **common))
            return self._extra + out
        gf_el = _child(el, "gf")
        if gf_el is not None:
            out.append(self.lookup(gf_el, v.gf_ident, v, units, f"graphical function of {v.name}"))
            default = Call(v.gf_ident, (default,)) if default is not None else None
            per = {k: Call(v.gf_ident, (n,)) for k, n in per.items()}
        if v.tag == "flow":
            nn = _flag(_child(el, "non_negative"), behavior["flow"])
            out.append(Flow(v.ident, equation=default, elements=per, non_negative=nn, **common))
        elif not per and isinstance(default, Num) and v.key not in self.flow_keys:
            out.append(Constant(v.ident, value=default.value, **common))
        else:
            out.append(Aux(v.ident, equation=default, elements=per, **common))
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


def _data_placeholder(el: ET.Element, gf: ET.Element) -> bool:
    """xmutil's stand-in for a Vensim data variable: ``TIME`` through a gf with points (0, 1), (1, 1)
    and a y scale of 1..2."""
    eq = canonical(_text(_child(el, "eqn")) or "")
    xs, ys, ysc = _child(gf, "xpts"), _child(gf, "ypts"), _child(gf, "yscale")
    return (eq == "time" and xs is not None and ys is not None and ysc is not None
            and "".join((_text(xs) or "").split()) == "0,1" and "".join((_text(ys) or "").split()) == "1,1"
            and ysc.get("min") == "1" and ysc.get("max") == "2")


_REDUCING = {"sum", "mean", "min", "max", "prod"}


def _whole_array_ref(node: Node, symbols: Mapping) -> bool:
    """Whether ``node`` uses an arrayed variable element-wise (not through x[e] or a reduction),
    as in an element equation ``y[Dim] * 2`` meaning "y of this element"."""
    arrayed = {s.ident for s in symbols.values() if s.dims}
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Var) and n.name in arrayed:
            return True
        if isinstance(n, Index):
            continue
        if isinstance(n, Call) and n.func in _REDUCING and len(n.args) == 1:
            continue
        if isinstance(n, Bin):
            stack += [n.left, n.right]
        elif isinstance(n, Unary):
            stack.append(n.operand)
        elif isinstance(n, Call):
            stack += list(n.args)
        elif isinstance(n, IfElse):
            stack += [n.cond, n.then, n.orelse]
    return False


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


def _stock_flows(el, symbols, name: str) -> list[tuple[str, ...]]:
    """The inflow and outflow identifiers of stock element ``el`` (each must be a flow or auxiliary)."""
    flows = []
    for kind in ("inflow", "outflow"):
        lst = []
        for f in _children(el, kind):
            fname = (_text(f) or "").strip()
            sym = symbols.get(canonical(fname))
            if sym is None or sym.kind in ("stock", "gf"):
                raise XmileError(f"{kind} {fname!r} is not a flow or auxiliary of the model", variable=name)
            lst.append(sym.ident)
        flows.append(tuple(lst))
    return flows
