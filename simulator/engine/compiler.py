"""Turn a :class:`~simulator.engine.components.Model` into generated evaluation code.

Steps (all pure; the model is never modified):

1. **Expand** stateful and stochastic builtins (``smooth``, ``delay3``, ``init``,
   ``previous``, ``normal``, ...) into hidden components (:mod:`simulator.engine.builtins`).
2. **Check** names, call arity and dimensions (:mod:`simulator.engine.codegen` types every
   expression: its dimensions by name, its runtime layout).
3. **Order** auxiliaries by their dependency graph (stocks, constants, lookups, time
   series, pipeline delays and ``previous`` break dependencies). A cycle through a
   variable with per-element equations is refined element by element (``a['e2']``
   depending on ``a['e1']`` is fine); a cycle that remains is an algebraic loop and raises
   :class:`~simulator.engine.components.AlgebraicLoopError` naming its variables (and
   elements). Auxiliaries that depend only on constants are *static*: computed once per run.
4. **Generate** one Python function per phase (static values, initial values, one
   evaluation of every dynamic variable plus the stocks' derivatives) from the ordered
   trees (:mod:`simulator.engine.codegen`), compiled once per model.

Array convention (the ensemble axis comes first): a scalar variable is an array of shape
``()`` or ``(N,)``; a variable arrayed over dimensions of ``n1, n2, ...`` elements has
shape ``(1|N, n1, n2, ...)`` in its declared dims order. A variable's value may lack some
of its declared dimensions (an arrayed variable whose equation is scalar): it is then the
same along them, and broadcast where needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import builtins as B
from .components import (
    AlgebraicLoopError,
    Aux,
    Component,
    Constant,
    Flow,
    Lookup,
    Model,
    ModelError,
    Stock,
    TimeSeries,
)
from .expr import Bin, Call, IfElse, Index, Node, Num, Str, Subscript, Unary, Var, children, names, walk


# ---------------------------------------------------------------------------
# hidden components created by expansion
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Pipe(Component):
    """Output of a pipeline delay: input history read at ``t - T`` (see builtins)."""

    inp: str = ""
    time: str = ""
    init: str = ""
    hidden: bool = True
    kind = "pipe"


@dataclass(frozen=True)
class Prev(Component):
    """Output of ``previous(x, x0)``: the input recorded at the previous step."""

    inp: str = ""
    init: str = ""
    hidden: bool = True
    kind = "prev"


@dataclass(frozen=True)
class Noise(Component):
    """Standard random draws of one stochastic call (``dist``: normal, uniform, exponential)."""

    dist: str = "normal"
    call_seed: int | None = None
    site: int = 0
    hidden: bool = True
    kind = "noise"


# ---------------------------------------------------------------------------
# 1. expansion
# ---------------------------------------------------------------------------
class _Expander:
    def __init__(self, model: Model):
        self.model = model
        self.dims: dict[str, tuple[str, ...]] = {c.name: c.dims for c in model.components}
        self.comps: dict[str, Component] = {c.name: c for c in model.components}
        self.new: list[Component] = []
        self.count = 0
        self.owner_of: dict[str, str] = {}
        self.noise_count: dict[str, int] = {}

    def fresh(self, stem: str, owner: str) -> str:
        self.count += 1
        return f"_{stem}{self.count}_{owner}"

    def user(self, name: str) -> str:
        return self.owner_of.get(name, name)

    def layout(self, node: Node, owner: str) -> tuple[str, ...]:
        target = self.dims.get(owner, ())
        return infer_dims(node, self.dims, self.model, self.user(owner), target=target, comps=self.comps)

    def expand(self, node: Node, owner: str) -> Node:
        if isinstance(node, Call):
            args = tuple(self.expand(a, owner) for a in node.args)
            f = node.func
            if f in B.STATEFUL_ARITY:
                lo, hi = B.STATEFUL_ARITY[f]
                if not lo <= len(args) <= hi:
                    raise ModelError(f"{self.user(owner)}: {f}() takes {lo}..{hi} arguments, got {len(args)}")
                return self._stateful(f, args, owner)
            if f in B.STOCHASTIC_ARITY:
                lo, hi = B.STOCHASTIC_ARITY[f]
                if not lo <= len(args) <= hi:
                    raise ModelError(f"{self.user(owner)}: {f}() takes {lo}..{hi} arguments, got {len(args)}")
                return self._stochastic(f, args, owner)
            return Call(f, args)
        if isinstance(node, Unary):
            return Unary(node.op, self.expand(node.operand, owner))
        if isinstance(node, Bin):
            return Bin(node.op, self.expand(node.left, owner), self.expand(node.right, owner))
        if isinstance(node, Index):
            return Index(self.expand(node.operand, owner), node.element)
        if isinstance(node, Subscript):
            return Subscript(self.expand(node.operand, owner), node.items)
        if isinstance(node, IfElse):
            return IfElse(*(self.expand(n, owner) for n in (node.cond, node.then, node.orelse)))
        return node

    def _add(self, comp: Component, owner: str) -> None:
        self.new.append(comp)
        self.dims[comp.name] = comp.dims
        self.comps[comp.name] = comp
        self.owner_of[comp.name] = self.user(owner)

    def _stateful(self, func: str, args: tuple[Node, ...], owner: str) -> Node:  # noqa: C901
        x = args[0]
        d = self.layout(x, owner)
        who = self.user(owner)
        if func == "init":
            s = self.fresh("init", owner)
            self._add(Stock(s, initial=x, dims=d, hidden=True, doc=f"INIT in {who}"), owner)
            return Var(s)
        if func == "previous":
            s = self.fresh("prev", owner)
            x0 = args[1] if len(args) > 1 else Num(0.0)
            self._add(Aux(s + "_in", equation=x, dims=d, hidden=True), owner)
            d0 = self.layout(x0, owner)
            self._add(Stock(s + "_init", initial=x0, dims=d0, hidden=True, doc=f"PREVIOUS in {who}"), owner)
            full = _merge_dims(d, d0, self.dims.get(owner, ()))
            self._add(Prev(s, dims=full, inp=s + "_in", init=s + "_init", doc=f"PREVIOUS in {who}"), owner)
            return Var(s)
        T = args[1]
        if func == "delay":
            s = self.fresh("pipe", owner)
            dT = self.layout(T, owner)
            x0 = args[2] if len(args) > 2 else x
            d0 = self.layout(x0, owner)
            self._add(Aux(s + "_in", equation=x, dims=d, hidden=True), owner)
            self._add(Aux(s + "_time", equation=T, dims=dT, hidden=True), owner)
            self._add(Stock(s + "_init", initial=x0, dims=d0, hidden=True, doc=f"DELAY in {who}"), owner)
            full = _merge_dims(_merge_dims(d, dT, self.dims.get(owner, ())), d0, self.dims.get(owner, ()))
            self._add(Pipe(s, dims=full, inp=s + "_in", time=s + "_time", init=s + "_init", doc=f"DELAY in {who}"),
                      owner)
            return Var(s)
        if func in ("trend", "forcst"):
            if func == "forcst":
                horizon = args[2]
                g0 = args[3] if len(args) > 3 else None
            else:
                g0 = args[2] if len(args) > 2 else None
            s = self.fresh("trend", owner)
            init = x if g0 is None else Bin("/", x, Bin("+", Num(1.0), Bin("*", T, g0)))
            target = self.dims.get(owner, ())
            dt_ = _merge_dims(_merge_dims(d, self.layout(T, owner), target), self.layout(init, owner), target)
            self._add(Stock(s, initial=init, inflows=(s + "_adj",), dims=dt_, hidden=True, doc=f"TREND in {who}"),
                      owner)
            self._add(Flow(s + "_adj", equation=Bin("/", Bin("-", x, Var(s)), T), dims=dt_, hidden=True), owner)
            trend = Call("safediv", (Bin("-", x, Var(s)), Bin("*", Call("abs", (Var(s),)), T)))
            if func == "trend":
                return trend
            return Bin("*", x, Bin("+", Num(1.0), Bin("*", trend, horizon)))
        if func == "npv":
            s = self.fresh("npv", owner)
            npv0 = args[2] if len(args) > 2 else Num(0.0)
            factor = args[3] if len(args) > 3 else Num(1.0)
            disc = Bin("**", Bin("+", Num(1.0), Bin("*", T, Var("dt"))),
                       Bin("/", Bin("-", Var("initial_time"), Var("time")), Var("dt")))
            flow = Bin("*", Bin("*", x, factor), disc)
            df = self.layout(flow, owner)
            self._add(Flow(s + "_in", equation=flow, dims=df, hidden=True), owner)
            self._add(Stock(s, initial=npv0, inflows=(s + "_in",), dims=_merge_dims(df, self.layout(npv0, owner),
                                                                                      self.dims.get(owner, ())),
                            hidden=True, doc=f"NPV in {who}"), owner)
            return Bin("+", Var(s), Bin("*", Var(s + "_in"), Var("dt")))
        if func in ("smoothn", "delayn"):
            if not isinstance(args[2], Num) or args[2].value < 1 or not float(args[2].value).is_integer():
                raise ModelError(f"{who}: {func}() order must be a literal integer >= 1")
            n = int(args[2].value)
            x0 = args[3] if len(args) > 3 else None
        else:
            n = {"smooth": 1, "smooth1": 1, "smooth3": 3, "delay1": 1, "delay3": 3}[func]
            x0 = args[2] if len(args) > 2 else None
        target = self.dims.get(owner, ())
        if func.startswith("smooth"):
            Tn = T if n == 1 else Bin("/", T, Num(float(n)))
            prev = x
            init = x0 if x0 is not None else x
            ds = _merge_dims(_merge_dims(d, self.layout(Tn, owner), target), self.layout(init, owner), target)
            for _ in range(n):
                s = self.fresh("smooth", owner)
                f = s + "_adj"
                self._add(Stock(s, initial=init, inflows=(f,), dims=ds, hidden=True, doc=f"{func} in {who}"), owner)
                self._add(Flow(f, equation=Bin("/", Bin("-", prev, Var(s)), Tn), dims=ds, hidden=True), owner)
                prev = Var(s)
            return prev
        # material delays: n stages; with stages shorter than dt the order is reduced (builtins docstring)
        init_rate = x0 if x0 is not None else x
        if func != "delayn" or n == 1:
            Tn: Node = T if n == 1 else Bin("/", T, Num(float(n)))
            order = None
        else:
            o = self.fresh("order", owner)
            t0 = self.fresh("init", owner)
            self._add(Stock(t0, initial=T, dims=self.layout(T, owner), hidden=True, doc=f"{func} in {who}"), owner)
            steps = Call("int", (Bin("+", Bin("/", Var(t0), Var("dt")), Num(1e-9)),))
            self._add(Aux(o, equation=Call("min", (Num(float(n)), Call("max", (Num(1.0), steps)))),
                          dims=self.layout(T, owner), hidden=True), owner)
            order = Var(o)
            Tn = Bin("/", T, order)
        prev = x
        dd = _merge_dims(_merge_dims(d, self.layout(Tn, owner), target), self.layout(init_rate, owner), target)
        for j in range(1, n + 1):
            s = self.fresh("delay", owner)
            out = s + "_out"
            inflow = prev.name if isinstance(prev, Var) and prev.name.startswith("_delay") else None
            if inflow is None:
                inflow = s + "_in"
                self._add(Flow(inflow, equation=prev, dims=d, hidden=True), owner)
            drain: Node = Bin("/", Var(s), Tn)
            if order is not None and j < n:
                drain = IfElse(Bin(">", order, Num(float(n - j))), drain, Var(inflow))
            self._add(Stock(s, initial=Bin("*", init_rate, Tn), inflows=(inflow,), outflows=(out,),
                            dims=dd, hidden=True, doc=f"{func} in {who}"), owner)
            self._add(Flow(out, equation=drain, dims=dd, hidden=True), owner)
            prev = Var(out)
        return prev

    def _stochastic(self, func: str, args: tuple[Node, ...], owner: str) -> Node:
        who = self.user(owner)
        nargs = {"normal": 2, "uniform": 2, "random": 2, "exprnd": 1, "lognormal": 2, "poisson": 1, "triangular": 3}
        k = nargs[func]
        seed = None
        if len(args) > k:
            if not isinstance(args[k], Num) or not float(args[k].value).is_integer():
                raise ModelError(f"{who}: the seed argument of {func}() must be a whole number")
            seed = int(args[k].value)
        dist = {"normal": "normal", "lognormal": "normal", "uniform": "uniform", "random": "uniform",
                "exprnd": "exponential", "poisson": "uniform", "triangular": "uniform"}[func]
        count = self.noise_count.get(who, 0)
        self.noise_count[who] = count + 1
        s = self.fresh("noise", owner)
        self._add(Noise(s, dims=self.dims.get(owner, ()), dist=dist, call_seed=seed,
                        site=B.site_key(who, count), doc=f"{func} in {who}"), owner)
        z = Var(s)
        a = args
        if func == "normal":
            return Bin("+", a[0], Bin("*", a[1], z))
        if func in ("uniform", "random"):
            return Bin("+", a[0], Bin("*", Bin("-", a[1], a[0]), z))
        if func == "exprnd":
            return Bin("*", a[0], z)
        if func == "lognormal":
            return Call("_lognormal", (z, a[0], a[1]))
        if func == "poisson":
            return Call("_poisson", (a[0], z))
        return Call("_triangular", (a[0], a[1], a[2], z))


def _merge_dims(a: tuple, b: tuple, order: tuple) -> tuple:
    """Union of two dims tuples, in ``order`` first, then first appearance."""
    u = tuple(a) + tuple(x for x in b if x not in a)
    return tuple(sorted(u, key=lambda x: (order.index(x) if x in order else len(order) + u.index(x))))


def expand_model(model: Model) -> tuple[dict[str, Component], list[str]]:
    """Return all components (with hidden ones) by name, with stateful builtins expanded.

    The second element lists the user-visible names in declaration order.
    """
    ex = _expand(model)
    return ex.out, ex.visible


@dataclass
class _Expanded:
    out: dict[str, Component]
    visible: list[str]
    owner_of: dict[str, str]


def _expand(model: Model) -> _Expanded:
    ex = _Expander(model)
    out: dict[str, Component] = {}

    def expanded(c: Component) -> Component:
        if isinstance(c, Stock):
            init = ex.expand(c.initial_node, c.name) if c.initial is not None else None
            els = tuple((k, ex.expand(n, c.name)) for k, n in c.element_nodes)
            return Stock(**{**c.__dict__, "initial": init, "elements": els})
        if isinstance(c, Aux):
            eq = ex.expand(c.node, c.name) if c.equation is not None else None
            els = tuple((k, ex.expand(n, c.name)) for k, n in c.element_nodes)
            return type(c)(**{**c.__dict__, "equation": eq, "elements": els})
        return c

    for c in model.components:
        out[c.name] = expanded(c)
    # hidden components may themselves contain stateful calls (nested smooths)
    i = 0
    while i < len(ex.new):
        h = ex.new[i]
        out[h.name] = expanded(h)
        ex.comps[h.name] = out[h.name]
        i += 1
    return _Expanded(out, [c.name for c in model.components], ex.owner_of)


# ---------------------------------------------------------------------------
# 2. dimension inference and checks
# ---------------------------------------------------------------------------
def infer_dims(node: Node, dims: dict, model: Model, where: str, target: tuple = (), comps=None) -> tuple[str, ...]:
    """Dimensions of an expression (by name, in the order the engine lays them out).

    Parameters
    ----------
    node : Node
        The expression.
    dims : dict of str to tuple of str
        Dimensions of every name the expression may refer to.
    model : Model
        For dimension elements, subranges and lookups.
    where : str
        Name used in error messages.
    target : tuple of str
        Dimensions of the variable being defined (subrange rule).
    """
    from .codegen import Ctx, Slots, VecGen

    comps = comps if comps is not None else {c.name: c for c in model.components}
    lay = {n: tuple(d) for n, d in dims.items() if not isinstance(comps.get(n), Lookup)}
    ctx = Ctx(model=model, comps=comps, layouts=lay, logical=lay, names={n: "x" for n in lay},
              slots=Slots(), where=where, target=tuple(target))
    return VecGen(ctx).expr(node).logical


# ---------------------------------------------------------------------------
# 3. ordering
# ---------------------------------------------------------------------------
def _call_deps(node: Node) -> set[str]:
    """Variable names plus ``time`` for time-dependent builtins."""
    out = set(names(node))
    for n in walk(node):
        if isinstance(n, Call) and n.func in B.TIME_DEPENDENT:
            out.add("time")
        if isinstance(n, Call) and n.func == "pulse":
            out.add("dt")
    return out


def toposort(deps: dict, what: str = "auxiliaries", label=None) -> list:
    """Order ``deps`` keys so each comes after its dependencies (restricted to the keys).

    Raises :class:`AlgebraicLoopError` naming the variables of one cycle (``label`` turns a
    key into its display name).
    """
    order: list = []
    state: dict = {}
    label = label or (lambda k: k)
    for root in deps:
        if state.get(root):
            continue
        stack = [(root, iter(sorted(deps[root] & deps.keys(), key=str)))]
        state[root] = 1
        path = [root]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
                order.append(node)
                continue
            s = state.get(nxt, 0)
            if s == 1:
                loop = path[path.index(nxt):]
                raise AlgebraicLoopError([label(n) for n in loop])
            if s == 0:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(sorted(deps[nxt] & deps.keys(), key=str))))
    return order


@dataclass
class Pieces:
    """Per-element equations of one arrayed variable (or stock initial value)."""

    shape: tuple[int, ...]
    default: Node | None
    overrides: list[tuple[tuple[int, ...], Node]]
    mask: np.ndarray | None  # True where the default applies, shape (1, *shape)

    def flat(self, idx: tuple[int, ...]) -> int:
        return int(np.ravel_multi_index(idx, self.shape))


def _pieces(c, model: Model, default: Node | None, element_nodes, where: str) -> Pieces | None:
    if not element_nodes:
        return None
    if not c.dims:
        raise ModelError(f"{where}: per-element equations need an arrayed variable")
    shape = tuple(len(model.dimensions[d]) for d in c.dims)
    over = {}
    for key, node in element_nodes:
        if len(key) != len(c.dims):
            raise ModelError(f"{where}: element key [{','.join(key)}] needs {len(c.dims)} element names "
                             f"(one per dimension {c.dims})")
        idx = []
        for d, e in zip(c.dims, key):
            if e not in model.dimensions[d]:
                raise ModelError(f"{where}: {e!r} is not an element of dimension {d!r}")
            idx.append(model.dimensions[d].index(e))
        over[tuple(idx)] = node
    mask = None
    if default is None:
        missing = [i for i in np.ndindex(*shape) if i not in over]
        if missing:
            names_ = ",".join(model.dimensions[d][j] for d, j in zip(c.dims, missing[0]))
            raise ModelError(f"{where}: no equation for element [{names_}] (and no equation for all elements)")
    else:
        m = np.ones(shape, dtype=bool)
        for i in over:
            m[i] = False
        mask = m[None]
    return Pieces(shape, default, sorted(over.items()), mask)


def _elem_refs(node: Node, dims_of: dict, model: Model) -> dict[str, set | None]:
    """Per referenced variable: the flat element indices used (None: all of them)."""
    out: dict[str, set | None] = {}

    def add(name, s):
        if name in out and out[name] is None:
            return
        if s is None:
            out[name] = None
        else:
            out.setdefault(name, set()).update(s)

    def rec(n):
        if isinstance(n, (Index, Subscript)) and isinstance(n.operand, Var) and dims_of.get(n.operand.name):
            name = n.operand.name
            dims = dims_of[name]
            shape = tuple(len(model.dimensions[d]) for d in dims)
            sets = [list(range(k)) for k in shape]
            ok = True
            if isinstance(n, Index):
                hits = [j for j, d in enumerate(dims) if n.element in model.dimensions[d]]
                if len(hits) == 1:
                    sets[hits[0]] = [model.dimensions[dims[hits[0]]].index(n.element)]
                else:
                    ok = False
            elif len(n.items) == len(dims):
                for j, it in enumerate(n.items):
                    if it.kind == "element" and it.name in model.dimensions[dims[j]]:
                        sets[j] = [model.dimensions[dims[j]].index(it.name)]
                    elif it.kind == "dim" and model.subranges.get(it.name) == dims[j]:
                        sets[j] = [model.dimensions[dims[j]].index(e) for e in model.dimensions[it.name]]
            else:
                ok = False
            if ok:
                flat = {int(np.ravel_multi_index(ix, shape)) for ix in np.ndindex(*[len(s) for s in sets])
                        for ix in [tuple(sets[k][ix[k]] for k in range(len(sets)))]}
                add(name, flat)
                return
        if isinstance(n, Var):
            add(n.name, None)
            return
        for ch in children(n):
            rec(ch)

    rec(node)
    return out


def _coord(dim: str, coords: dict[str, str], model: Model) -> str | None:
    if dim in coords:
        return coords[dim]
    for sub, parent in model.subranges.items():
        if parent == dim and sub in coords:
            return coords[sub]
    return None


def specialise(node: Node, coords: dict[str, str], dims_of: dict, model: Model, comps: dict) -> Node | None:
    """``node`` as computed for one element (``coords``: dimension -> element name): every
    reference along those dimensions is subscripted with the element. None if some construct
    (matrix functions, arrayed lookups, positional subscripts) cannot be specialised."""
    from .expr import Sub

    def rec(n: Node, co: dict[str, str]) -> Node | None:
        if isinstance(n, (Num, Str)):
            return n
        if isinstance(n, Var):
            d = dims_of.get(n.name) or ()
            items = [(_coord(dim, co, model)) for dim in d]
            if not any(e is not None for e in items):
                return n
            return Subscript(n, tuple(Sub("all") if e is None else Sub("element", e) for e in items))
        if isinstance(n, (Index, Subscript)):
            if not isinstance(n.operand, Var):
                return None
            d = dims_of.get(n.operand.name) or ()
            if isinstance(n, Index):
                hits = [j for j, dim in enumerate(d) if n.element in model.dimensions[dim]]
                if len(hits) != 1:
                    return None
                given = [Sub("element", n.element) if j == hits[0] else Sub("all") for j in range(len(d))]
            else:
                given = list(n.items) + [Sub("all")] * (len(d) - len(n.items))
            out = []
            for dim, it in zip(d, given):
                if it.kind == "element":
                    out.append(it)
                elif it.kind == "all" or (it.kind == "dim" and it.name == dim):
                    e = _coord(dim, co, model)
                    out.append(Sub("all") if e is None else Sub("element", e))
                else:
                    return None
            return Subscript(n.operand, tuple(out))
        if isinstance(n, Unary):
            a = rec(n.operand, co)
            return None if a is None else Unary(n.op, a)
        if isinstance(n, Bin):
            a, b = rec(n.left, co), rec(n.right, co)
            return None if a is None or b is None else Bin(n.op, a, b)
        if isinstance(n, IfElse):
            parts = [rec(x, co) for x in (n.cond, n.then, n.orelse)]
            return None if any(p is None for p in parts) else IfElse(*parts)
        if isinstance(n, Call):
            f, args = n.func, n.args
            if f in B.REDUCTIONS and (len(args) == 1 or isinstance(args[1], Str)):
                if len(args) == 1:
                    inner = {}
                else:
                    gone = {a.value for a in args[1:] if isinstance(a, Str)}
                    inner = {k: v for k, v in co.items() if k not in gone}
                a = rec(args[0], inner)
                return None if a is None else Call(f, (a,) + tuple(args[1:]))
            if f == "rename" and len(args) == 3 and all(isinstance(a, Str) for a in args[1:]):
                src, dst = args[1].value, args[2].value
                inner = {k: v for k, v in co.items() if k != dst}
                if dst in co:
                    inner[src] = model.dimensions[src][model.dimensions[dst].index(co[dst])]
                a = rec(args[0], inner)
                return None if a is None else Call(f, (a,) + tuple(args[1:]))
            if f == "shift" and len(args) == 3 and isinstance(args[1], Str) and isinstance(args[2], Num):
                d = args[1].value
                e = _coord(d, co, model) if d in model.dimensions else None
                if e is None:
                    a = rec(args[0], co)
                    return None if a is None else Call(f, (a,) + tuple(args[1:]))
                j = model.dimensions[d].index(e) - int(args[2].value)
                if j < 0:
                    return Num(0.0)
                inner = {k: v for k, v in co.items() if k != d and model.subranges.get(k) != d}
                inner[d] = model.dimensions[d][j]
                return rec(args[0], inner)
            if f in ("matmul", "_solve", "inverse", "identity", "size", "lookup", "lookup_forward", "lookup_backward"):
                return None
            lk = comps.get(f)
            if isinstance(lk, Lookup) and lk.dims:
                return None
            parts = [rec(a, co) for a in args]
            return None if any(p is None for p in parts) else Call(f, tuple(parts))
        return None

    return rec(node, dict(coords))


def order_with_elements(deps: dict[str, set[str]], pieces: dict[str, Pieces], dims_of: dict, model: Model,
                        label: Callable[[str], str], elem_label, splitter=None) -> list:
    """Dependency order of variables; variables that sit in a cycle and can be computed
    element by element are split into pieces ordered per element.

    ``splitter(name)`` gives the fully split :class:`Pieces` of a variable (one piece per
    element) or None; split variables are written into ``pieces``.

    Returns a list of items ``("whole", name)`` or ``("piece", name, pid)`` (``pid``:
    ``"default"`` or an element index tuple).
    """
    try:
        return [("whole", n) for n in toposort(deps, label=label)]
    except AlgebraicLoopError:
        pass
    cyclic = _cyclic(deps)
    if splitter is not None and any(dims_of.get(n) for n in cyclic):
        for n in sorted(cyclic):
            p = splitter(n)
            if p is not None:
                pieces[n] = p
    split = {n for n in cyclic if n in pieces}
    graph: dict[tuple, set] = {}

    def targets(ref: str, els) -> set:
        if ref not in split:
            return {("whole", ref)}
        p = pieces[ref]
        over = {p.flat(i): i for i, _ in p.overrides}
        out = set()
        if els is None:
            if p.default is not None:
                out.add(("piece", ref, "default"))
            out |= {("piece", ref, i) for i, _ in p.overrides}
            return out
        for f in els:
            out.add(("piece", ref, over[f]) if f in over else ("piece", ref, "default"))
        return out

    for n, ds in deps.items():
        if n in split:
            p = pieces[n]
            items = ([("default", p.default)] if p.default is not None else []) + list(p.overrides)
            for pid, node in items:
                refs = _elem_refs(node, dims_of, model)
                g = set()
                for r, els in refs.items():
                    if r in deps:
                        g |= targets(r, els)
                graph[("piece", n, pid)] = g
        else:
            g = set()
            for r in ds:
                if r in deps:
                    g |= targets(r, None)
            graph[("whole", n)] = g

    def lab(item):
        if item[0] == "whole":
            return label(item[1])
        if item[2] == "default":
            return label(item[1])
        return f"{label(item[1])}[{elem_label(item[1], item[2])}]"

    return toposort(graph, label=lab)


def _cyclic(deps: dict[str, set[str]]) -> set[str]:
    """Names on some dependency cycle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: set[str] = set()
    counter = [0]

    for root in deps:
        if root in index:
            continue
        work = [(root, iter(sorted(deps[root] & deps.keys())))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(deps[w] & deps.keys()))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in deps[v]:
                    out.update(comp)
    return out


# ---------------------------------------------------------------------------
# the compiled model
# ---------------------------------------------------------------------------
@dataclass
class CompiledModel:
    """Everything the integrator needs, derived once from a model.

    Attributes
    ----------
    components : dict of str to Component
        Every component, hidden ones included.
    visible : list of str
        User-visible names in declaration order.
    stocks : list of str
        Stock names (including hidden ones) in state-vector order.
    slices : dict of str to slice
        Where each stock is in the state. The state of ``N`` members is one flat array of
        ``N * n_state`` numbers: first the scalar stocks as an ``(n_scalar, N)`` block (a scalar
        stock's slice is its row: each is contiguous, so arithmetic on it is), then the arrayed
        stocks as an ``(n_array, N)`` block seen as its ``(N, n_array)`` transpose (an arrayed stock's
        slice is its columns of the transpose; members innermost in memory: docs/architecture.md).
    static, init_order, dynamic : list
        Evaluation items of each phase, in order (see :func:`order_with_elements`).
    """

    model: Model
    components: dict[str, Component]
    visible: list[str]
    dims: dict[str, tuple[str, ...]]
    owner_of: dict[str, str] = field(default_factory=dict)
    stocks: list[str] = field(default_factory=list)
    slices: dict[str, slice] = field(default_factory=dict)
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    sizes: dict[str, int | None] = field(default_factory=dict)
    n_state: int = 0
    n_scalar: int = 0
    n_array: int = 0
    constants: list[str] = field(default_factory=list)
    timeseries: list[str] = field(default_factory=list)
    static: list = field(default_factory=list)
    init_order: list = field(default_factory=list)
    dynamic: list = field(default_factory=list)
    pieces: dict[str, Pieces] = field(default_factory=dict)
    #: names each auxiliary (and pipeline-delay, previous, noise output) depends on
    deps: dict[str, set[str]] = field(default_factory=dict)
    init_pieces: dict[str, Pieces] = field(default_factory=dict)
    nonneg_rows: list[int] = field(default_factory=list)
    nonneg_cols: list[int] = field(default_factory=list)
    pipes: list[str] = field(default_factory=list)
    prevs: list[str] = field(default_factory=list)
    noises: list[str] = field(default_factory=list)
    vector: object = None   # codegen.VectorProgram
    scalar: object = None   # codegen.ScalarProgram or None
    scalar_ok: bool = False

    def nonneg_index(self, N: int) -> np.ndarray | None:
        """Positions in the flat state of ``N`` members held by non-negative stocks (None if none)."""
        if not self.nonneg_rows and not self.nonneg_cols:
            return None
        parts = [np.arange(r * N, (r + 1) * N) for r in self.nonneg_rows]
        if self.nonneg_cols:
            cols = np.asarray(self.nonneg_cols)
            parts.append((self.n_scalar * N + np.arange(N)[:, None] + cols[None, :] * N).reshape(-1))
        return np.sort(np.concatenate(parts))

    def state_blocks(self, flat: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The ``(n_scalar, N)`` and ``(N, n_array)`` views of a flat state (None where empty; the second
        a transposed view: members innermost in memory)."""
        N = flat.shape[-1] // max(self.n_state, 1)
        a = self.n_scalar * N
        return (flat[..., :a].reshape(flat.shape[:-1] + (self.n_scalar, N)) if self.n_scalar else None,
                flat[..., a:].reshape(flat.shape[:-1] + (self.n_array, N)).swapaxes(-1, -2) if self.n_array else None)

    def display(self, name: str) -> str:
        """The user-visible variable that owns ``name`` (``name`` itself if visible)."""
        return self.owner_of.get(name, name)


def compile_model(model: Model) -> CompiledModel:
    """Expand, check, order and generate code for ``model`` (see module docstring)."""
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))   # trees are walked recursively: long sums are deep
    try:
        return _compile_model(model)
    finally:
        sys.setrecursionlimit(limit)


def _is_static_map(comps: dict[str, Component]) -> dict[str, bool]:
    """Which components depend on constants only (before ordering; a cycle counts as dynamic)."""
    memo: dict[str, bool] = {}

    def static(n: str) -> bool:
        if n in memo:
            return memo[n]
        c = comps.get(n)
        if n in ("dt", "initial_time", "final_time") or isinstance(c, (Constant, Lookup)):
            memo[n] = True
            return True
        if not isinstance(c, Aux) or isinstance(c, (Pipe, Prev, Noise)):
            memo[n] = False
            return False
        memo[n] = False   # provisional: a cycle is not static
        nodes = ([c.node] if c.equation is not None else []) + [x for _, x in c.element_nodes]
        ok = all(not (isinstance(x, Call) and (x.func in B.TIME_DEPENDENT or x.func.startswith("_")))
                 for node in nodes for x in walk(node))
        ok = ok and all(static(v) for node in nodes for v in names(node))
        memo[n] = ok
        return ok

    return {n: static(n) for n in comps}


def _solve_inverses(comps: dict[str, Component], model: Model) -> dict[str, Component]:
    """``matmul(X, b)`` with ``X = inverse(M)`` a dynamic auxiliary used only that way becomes
    ``_solve(M, b)`` (a batched LU solve, about three times cheaper than the inverse and more
    accurate; ``X`` itself is then computed only where it is saved). Results differ from the
    inverse-then-product in the last bits."""
    if model.subranges:   # M inlined in another equation: the subrange rule could restrict it
        return comps
    cands = {n: c.node.args[0] for n, c in comps.items()
             if isinstance(c, Aux) and not isinstance(c, (Pipe, Prev, Noise)) and not c.elements
             and c.equation is not None and isinstance(c.node, Call) and c.node.func == "inverse"
             and len(c.node.args) == 1}
    if not cands:
        return comps

    def node_list(c):
        if isinstance(c, Stock):
            return ([c.initial_node] if c.initial is not None else []) + [x for _, x in c.element_nodes]
        if isinstance(c, Aux):
            return ([c.node] if c.equation is not None else []) + [x for _, x in c.element_nodes]
        return []

    ok = dict.fromkeys(cands, True)

    def scan(node: Node, first_of_matmul: bool = False) -> None:
        if isinstance(node, Var):
            if node.name in ok and not first_of_matmul:
                ok[node.name] = False
            return
        if isinstance(node, Call) and node.func == "matmul" and len(node.args) == 2:
            scan(node.args[0], True)
            scan(node.args[1])
            return
        for ch in children(node):
            scan(ch)

    for c in comps.values():
        for root in node_list(c):
            scan(root)
    static = _is_static_map(comps)
    chosen = {n for n, good in ok.items() if good and not static[n]}
    if not chosen:
        return comps

    def rewrite(node: Node) -> Node:
        if isinstance(node, Call):
            args = tuple(rewrite(a) for a in node.args)
            if node.func == "matmul" and len(args) == 2 and isinstance(args[0], Var) and args[0].name in chosen:
                return Call("_solve", (cands[args[0].name], args[1]))
            return Call(node.func, args)
        if isinstance(node, Unary):
            return Unary(node.op, rewrite(node.operand))
        if isinstance(node, Bin):
            return Bin(node.op, rewrite(node.left), rewrite(node.right))
        if isinstance(node, Index):
            return Index(rewrite(node.operand), node.element)
        if isinstance(node, Subscript):
            return Subscript(rewrite(node.operand), node.items)
        if isinstance(node, IfElse):
            return IfElse(rewrite(node.cond), rewrite(node.then), rewrite(node.orelse))
        return node

    out = {}
    for n, c in comps.items():
        if isinstance(c, Stock):
            init = rewrite(c.initial_node) if c.initial is not None else None
            els = tuple((k, rewrite(x)) for k, x in c.element_nodes)
            out[n] = Stock(**{**c.__dict__, "initial": init, "elements": els}) if (
                init != c.initial_node or els != c.element_nodes) else c
        elif isinstance(c, Aux) and not isinstance(c, (Pipe, Prev, Noise)):
            eq = rewrite(c.node) if c.equation is not None else None
            els = tuple((k, rewrite(x)) for k, x in c.element_nodes)
            out[n] = type(c)(**{**c.__dict__, "equation": eq, "elements": els}) if (
                eq != c.node or els != c.element_nodes) else c
        else:
            out[n] = c
    return out


def _compile_model(model: Model) -> CompiledModel:
    from . import codegen, programs

    ex = _expand(model)
    comps = _solve_inverses(ex.out, model)
    dims = {n: c.dims for n, c in comps.items()}
    cm = CompiledModel(model=model, components=comps, visible=ex.visible, dims=dims, owner_of=ex.owner_of)
    cm.shapes = {n: tuple(len(model.dimensions[d]) for d in c.dims) for n, c in comps.items()}
    cm.sizes = {n: (int(np.prod(cm.shapes[n])) if c.dims else None) for n, c in comps.items()}
    label = cm.display

    stocks = [n for n, c in comps.items() if isinstance(c, Stock)]
    auxes = [n for n, c in comps.items() if isinstance(c, Aux)]
    cm.constants = [n for n, c in comps.items() if isinstance(c, Constant)]
    cm.timeseries = [n for n, c in comps.items() if isinstance(c, TimeSeries)]
    cm.pipes = [n for n, c in comps.items() if isinstance(c, Pipe)]
    cm.prevs = [n for n, c in comps.items() if isinstance(c, Prev)]
    cm.noises = [n for n, c in comps.items() if isinstance(c, Noise)]
    for n, c in comps.items():
        if isinstance(c, TimeSeries) and c.dims:
            raise ModelError(f"{n}: arrayed time series are not supported")
        if isinstance(c, Lookup) and c.dims:
            codegen._lookup_tables(c, model, n)  # checks the per-element tables

    # state: scalar stocks are rows of an (n_scalar, N) block (each one contiguous), arrayed stocks
    # columns of an (N, n_array) view of an (n_array, N) block, both in one flat buffer (see CompiledModel)
    col = row = 0
    nonneg_rows: list[int] = []
    nonneg_cols: list[int] = []
    for s in stocks:
        if comps[s].dims:
            k = cm.sizes[s]
            cm.slices[s] = slice(col, col + k)
            if comps[s].non_negative:
                nonneg_cols.extend(range(col, col + k))
            col += k
        else:
            cm.slices[s] = slice(row, row + 1)
            if comps[s].non_negative:
                nonneg_rows.append(row)
            row += 1
    cm.stocks, cm.n_scalar, cm.n_array, cm.n_state = stocks, row, col, row + col
    cm.nonneg_rows, cm.nonneg_cols = nonneg_rows, nonneg_cols

    for s in stocks:
        c = comps[s]
        for f in c.inflows + c.outflows:
            if f not in comps or not isinstance(comps[f], Aux):
                raise ModelError(f"stock {label(s)!r}: flow {f!r} is not a flow or auxiliary of the model")
            extra = [d for d in comps[f].dims if d not in c.dims]
            if extra:
                raise ModelError(f"stock {label(s)!r}: flow {f!r} has dimension {comps[f].dims}, stock has {c.dims}")
        if c.initial is None and not c.elements:
            raise ModelError(f"stock {label(s)!r} has no initial value")
    for n in auxes:
        if comps[n].equation is None and not comps[n].elements:
            raise ModelError(f"{label(n)}: no equation")

    # per-element equations
    for n in auxes:
        p = _pieces(comps[n], model, comps[n].node, comps[n].element_nodes, label(n))
        if p is not None:
            cm.pieces[n] = p
    for s in stocks:
        c = comps[s]
        p = _pieces(c, model, c.initial_node, c.element_nodes, f"{label(s)} (initial value)")
        if p is not None:
            cm.init_pieces[s] = p

    def aux_deps(n):
        c = comps[n]
        out = _call_deps(c.node) if c.equation is not None else set()
        for _, node in c.element_nodes:
            out |= _call_deps(node)
        return out

    def elem_label(name, idx):
        return ",".join(model.dimensions[d][i] for d, i in zip(comps[name].dims, idx))

    def splitter(phase_pieces):
        def split(n):
            """One specialised piece per element of ``n`` (None if not possible)."""
            c = comps[n]
            if not c.dims or not isinstance(c, (Aux, Stock)):
                return None
            if isinstance(c, Stock) and phase_pieces is cm.pieces:
                return None
            shape = cm.shapes[n]
            old = phase_pieces.get(n)
            default = old.default if old is not None else (c.initial_node if isinstance(c, Stock) else c.node)
            over = dict(old.overrides) if old is not None else {}
            out = []
            for idx in np.ndindex(*shape):
                if idx in over:
                    out.append((idx, over[idx]))
                    continue
                co = {d: model.dimensions[d][i] for d, i in zip(c.dims, idx)}
                node = specialise(default, co, dims, model, comps)
                if node is None:
                    return old
                out.append((idx, node))
            return Pieces(shape, None, out, None)
        return split

    # dynamic ordering: auxiliaries and the outputs of pipeline delays / previous / noise
    deps: dict[str, set[str]] = {n: aux_deps(n) for n in auxes}
    for p in cm.pipes:
        deps[p] = {comps[p].time}
    for p in cm.prevs + cm.noises:
        deps[p] = set()
    order = order_with_elements(deps, cm.pieces, dims, model, label, elem_label, splitter(cm.pieces))
    sources = ({"time"} | set(stocks) | set(cm.timeseries) | set(cm.pipes) | set(cm.prevs) | set(cm.noises))
    dynamic_set: set[str] = set()
    for item in order:
        n = item[1]
        if n in sources or deps[n] & (sources | dynamic_set):
            dynamic_set.add(n)
    cm.static = [it for it in order if it[1] not in dynamic_set]
    cm.dynamic = [it for it in order if it[1] in dynamic_set]
    cm.deps = deps

    # initialisation: stocks take their initial equations; auxiliaries their equations
    init_deps: dict[str, set[str]] = {n: deps[n] for n in auxes}
    for s in stocks:
        c = comps[s]
        d0 = _call_deps(c.initial_node) if c.initial is not None else set()
        for _, node in c.element_nodes:
            d0 |= _call_deps(node)
        init_deps[s] = d0
    for p in cm.pipes + cm.prevs:
        init_deps[p] = {comps[p].init}
    for p in cm.noises:
        init_deps[p] = set()
    all_pieces = dict(cm.pieces)
    all_pieces.update(cm.init_pieces)
    cm.init_order = order_with_elements(init_deps, all_pieces, dims, model, label, elem_label, splitter(all_pieces))
    for n, p in all_pieces.items():
        if isinstance(comps[n], Stock):
            cm.init_pieces[n] = p
        elif n not in cm.pieces or p is not cm.pieces[n]:
            cm.pieces[n] = p

    cm.vector = programs.VectorProgram(cm)
    cm.scalar_ok = programs.scalar_possible(cm)
    return cm
