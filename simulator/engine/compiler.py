"""Turn a :class:`~simulator.engine.components.Model` into fast numpy closures.

Steps (all pure; the model is never modified):

1. **Expand** stateful builtins (``smooth``, ``delay3``, ``init``, ...) into
   hidden stocks and flows (:mod:`simulator.engine.builtins`).
2. **Check** names, dimensions and call arity; infer each expression's
   dimension statically.
3. **Order** auxiliaries by their dependency graph (stocks, constants, lookups and
   time series break dependencies). A cycle is an algebraic loop and raises
   :class:`~simulator.engine.components.AlgebraicLoopError` naming the loop.
   Auxiliaries that depend only on constants are *static*: computed once.
4. **Compile** each equation to a closure ``f(env) -> ndarray``.

Array convention (the ensemble axis comes first): a scalar variable is an array
of shape ``()`` or ``(N,)``; a variable arrayed over a dimension of ``n``
elements has shape ``(1, n)`` or ``(N, n)``. Mixing a scalar and an arrayed
operand inserts a trailing axis on the scalar, so numpy broadcasting does the
rest.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import builtins as B
from .components import (
    RESERVED_NAMES,
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
from .expr import Bin, Call, IfElse, Index, Node, Num, Str, Unary, Var, names

Fn = Callable[[dict], object]

_BIN = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "**": np.power, "%": np.mod,
}
_CMP = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
        "==": np.equal, "!=": np.not_equal}


# ---------------------------------------------------------------------------
# 1. expansion of stateful builtins
# ---------------------------------------------------------------------------
class _Expander:
    def __init__(self, model: Model):
        self.model = model
        self.dims: dict[str, tuple[str, ...]] = {c.name: c.dims for c in model.components}
        self.new: list[Component] = []
        self.count = 0
        #: pipeline delays: (output stock, input aux, delay-time aux)
        self.pipes: list[tuple[str, str, str]] = []

    def fresh(self, stem: str, owner: str) -> str:
        self.count += 1
        return f"_{stem}{self.count}_{owner}"

    def expand(self, node: Node, owner: str) -> Node:
        if isinstance(node, Call):
            args = tuple(self.expand(a, owner) for a in node.args)
            if node.func in B.STATEFUL_ARITY:
                lo, hi = B.STATEFUL_ARITY[node.func]
                if not lo <= len(args) <= hi:
                    raise ModelError(f"{owner}: {node.func}() takes {lo}..{hi} arguments, got {len(args)}")
                return self._stateful(node.func, args, owner)
            return Call(node.func, args)
        if isinstance(node, Unary):
            return Unary(node.op, self.expand(node.operand, owner))
        if isinstance(node, Bin):
            return Bin(node.op, self.expand(node.left, owner), self.expand(node.right, owner))
        if isinstance(node, Index):
            return Index(self.expand(node.operand, owner), node.element)
        if isinstance(node, IfElse):
            return IfElse(*(self.expand(n, owner) for n in (node.cond, node.then, node.orelse)))
        return node

    def _add(self, comp: Component) -> None:
        self.new.append(comp)
        self.dims[comp.name] = comp.dims

    def _stateful(self, func: str, args: tuple[Node, ...], owner: str) -> Node:
        x = args[0]
        d = infer_dims(x, self.dims, self.model, owner)
        if func == "init":
            s = self.fresh("init", owner)
            self._add(Stock(s, initial=x, dims=d, hidden=True, doc=f"INIT in {owner}"))
            return Var(s)
        T = args[1]
        if func == "delay":
            s = self.fresh("pipe", owner)
            self._add(Aux(s + "_in", equation=x, dims=d, hidden=True))
            self._add(Aux(s + "_time", equation=T, dims=infer_dims(T, self.dims, self.model, owner), hidden=True))
            self._add(Stock(s, initial=args[2] if len(args) > 2 else x, dims=d, hidden=True,
                            doc=f"DELAY in {owner}"))
            self.pipes.append((s, s + "_in", s + "_time"))
            return Var(s)
        if func in ("smoothn", "delayn"):
            if not isinstance(args[2], Num) or args[2].value < 1 or not float(args[2].value).is_integer():
                raise ModelError(f"{owner}: {func}() order must be a literal integer >= 1")
            n = int(args[2].value)
            x0 = args[3] if len(args) > 3 else None
        else:
            n = {"smooth": 1, "smooth1": 1, "smooth3": 3, "delay1": 1, "delay3": 3}[func]
            x0 = args[2] if len(args) > 2 else None
        Tn = T if n == 1 else Bin("/", T, Num(float(n)))
        if func.startswith("smooth"):
            prev = x
            init = x0 if x0 is not None else x
            for _ in range(n):
                s = self.fresh("smooth", owner)
                f = s + "_adj"
                self._add(Flow(f, equation=Bin("/", Bin("-", prev, Var(s)), Tn), dims=d, hidden=True))
                self._add(Stock(s, initial=init, inflows=(f,), dims=d, hidden=True, doc=f"{func} in {owner}"))
                prev = Var(s)
            return prev
        # material delays
        prev = x
        init_rate = x0 if x0 is not None else x
        for _ in range(n):
            s = self.fresh("delay", owner)
            out = s + "_out"
            inflow = prev.name if isinstance(prev, Var) and prev.name.startswith("_delay") else None
            if inflow is None:
                inflow = s + "_in"
                self._add(Flow(inflow, equation=prev, dims=d, hidden=True))
            self._add(Flow(out, equation=Bin("/", Var(s), Tn), dims=d, hidden=True))
            self._add(Stock(s, initial=Bin("*", init_rate, Tn), inflows=(inflow,), outflows=(out,),
                            dims=d, hidden=True, doc=f"{func} in {owner}"))
            prev = Var(out)
        return prev


def expand_model(model: Model) -> tuple[dict[str, Component], list[str]]:
    """Return all components (with hidden ones) by name, with stateful builtins expanded.

    The second element lists the user-visible names in declaration order.
    """
    out, visible, _ = _expand(model)
    return out, visible


def _expand(model: Model):
    ex = _Expander(model)
    out: dict[str, Component] = {}
    for c in model.components:
        if isinstance(c, Stock):
            c = Stock(**{**c.__dict__, "initial": ex.expand(c.initial_node, c.name)})
        elif isinstance(c, Aux):
            c = type(c)(**{**c.__dict__, "equation": ex.expand(c.node, c.name)})
        out[c.name] = c
    # hidden components may themselves contain stateful calls (nested smooths)
    i = 0
    while i < len(ex.new):
        h = ex.new[i]
        if isinstance(h, Stock):
            h = Stock(**{**h.__dict__, "initial": ex.expand(h.initial_node, h.name)})
        elif isinstance(h, Aux):
            h = type(h)(**{**h.__dict__, "equation": ex.expand(h.node, h.name)})
        out[h.name] = h
        i += 1
    visible = [c.name for c in model.components]
    return out, visible, ex.pipes


# ---------------------------------------------------------------------------
# 2. dimension inference and checks
# ---------------------------------------------------------------------------
def _merge(a: tuple, b: tuple, where: str) -> tuple:
    if a == b or not b:
        return a
    if not a:
        return b
    raise ModelError(f"{where}: cannot combine dimensions {a[0]!r} and {b[0]!r} element-wise")


def infer_dims(node: Node, dims: dict, model: Model, where: str) -> tuple[str, ...]:
    """Dimension of an expression: ``()`` for scalar or ``(dim,)``."""
    if isinstance(node, (Num, Str)):
        return ()
    if isinstance(node, Var):
        if node.name in RESERVED_NAMES:
            return ()
        if node.name not in dims:
            raise ModelError(f"{where}: unknown name {node.name!r}")
        c = model[node.name] if node.name in model else None
        if isinstance(c, Lookup):
            raise ModelError(f"{where}: lookup {node.name!r} must be called, e.g. {node.name}(x)")
        return dims[node.name]
    if isinstance(node, Unary):
        return infer_dims(node.operand, dims, model, where)
    if isinstance(node, Bin):
        return _merge(infer_dims(node.left, dims, model, where), infer_dims(node.right, dims, model, where), where)
    if isinstance(node, IfElse):
        d = ()
        for n in (node.cond, node.then, node.orelse):
            d = _merge(d, infer_dims(n, dims, model, where), where)
        return d
    if isinstance(node, Index):
        d = infer_dims(node.operand, dims, model, where)
        if not d:
            raise ModelError(f"{where}: cannot select element {node.element!r} of a scalar")
        if node.element not in model.dimensions[d[0]]:
            raise ModelError(f"{where}: {node.element!r} is not an element of dimension {d[0]!r}")
        return ()
    if isinstance(node, Call):
        f = node.func
        if f in model and isinstance(model[f], Lookup):
            if len(node.args) != 1:
                raise ModelError(f"{where}: lookup {f}() takes one argument")
            return infer_dims(node.args[0], dims, model, where)
        if f not in B.PURE_ARITY:
            raise ModelError(f"{where}: unknown function {f!r}")
        lo, hi = B.PURE_ARITY[f]
        if not lo <= len(node.args) <= hi:
            raise ModelError(f"{where}: {f}() takes {lo}..{hi} arguments, got {len(node.args)}")
        ds = [infer_dims(a, dims, model, where) for a in node.args]
        if f in B.REDUCTIONS or (f in ("min", "max") and len(ds) == 1):
            return ()
        d = ()
        for x in ds:
            d = _merge(d, x, where)
        return d
    raise ModelError(f"{where}: unsupported expression {node!r}")


# ---------------------------------------------------------------------------
# 3. ordering
# ---------------------------------------------------------------------------
def _call_deps(node: Node) -> set[str]:
    """Variable names plus ``time`` for time-dependent builtins."""
    out = set(names(node))
    from .expr import walk

    for n in walk(node):
        if isinstance(n, Call) and n.func in B.TIME_DEPENDENT:
            out.add("time")
        if isinstance(n, Call) and n.func == "pulse":
            out.add("dt")
    return out


def toposort(deps: dict[str, set[str]], what: str = "auxiliaries") -> list[str]:
    """Order ``deps`` keys so each comes after its dependencies (restricted to the keys).

    Raises :class:`AlgebraicLoopError` naming the variables of one cycle.
    """
    order: list[str] = []
    state: dict[str, int] = {}
    for root in deps:
        if state.get(root):
            continue
        stack = [(root, iter(sorted(deps[root] & deps.keys())))]
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
                raise AlgebraicLoopError([n for n in loop])
            if s == 0:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(sorted(deps[nxt] & deps.keys()))))
    return order


# ---------------------------------------------------------------------------
# 4. closures
# ---------------------------------------------------------------------------
@dataclass
class _Const:
    value: float


def compile_expr(node: Node, dims: dict, model: Model, where: str) -> tuple[Fn | _Const, tuple]:
    """Compile ``node`` to a closure (or a folded constant) and its dimension."""
    if isinstance(node, Num):
        return _Const(node.value), ()
    if isinstance(node, Str):
        raise ModelError(f"{where}: string {node.value!r} is not a value")
    if isinstance(node, Var):
        d = infer_dims(node, dims, model, where)
        key = node.name
        return (lambda env: env[key]), d
    if isinstance(node, Unary):
        f, d = compile_expr(node.operand, dims, model, where)
        if isinstance(f, _Const):
            return _Const(-f.value if node.op == "-" else float(not f.value)), d
        if node.op == "-":
            return (lambda env: -f(env)), d
        return (lambda env: np.logical_not(f(env)).astype(float)), d
    if isinstance(node, Bin):
        lf, ld = compile_expr(node.left, dims, model, where)
        rf, rd = compile_expr(node.right, dims, model, where)
        d = _merge(ld, rd, where)
        lf, rf = _align(lf, ld, d), _align(rf, rd, d)
        op = node.op
        if op in _BIN:
            fn = _BIN[op]
            return _binary(fn, lf, rf), d
        if op in _CMP:
            fn = _CMP[op]
            return _binary(lambda a, b: np.asarray(fn(a, b), dtype=float), lf, rf), d
        if op == "and":
            return _binary(lambda a, b: np.logical_and(a, b).astype(float), lf, rf), d
        if op == "or":
            return _binary(lambda a, b: np.logical_or(a, b).astype(float), lf, rf), d
        raise ModelError(f"{where}: unknown operator {op!r}")
    if isinstance(node, IfElse):
        parts = [compile_expr(n, dims, model, where) for n in (node.cond, node.then, node.orelse)]
        d = ()
        for _, x in parts:
            d = _merge(d, x, where)
        cf, tf, ef = (_fn(_align(f, x, d)) for f, x in parts)
        return (lambda env: np.where(cf(env), tf(env), ef(env))), d
    if isinstance(node, Index):
        f, d = compile_expr(node.operand, dims, model, where)
        infer_dims(node, dims, model, where)
        idx = model.dimensions[d[0]].index(node.element)
        f = _fn(f)
        return (lambda env: _element(f(env), idx)), ()
    if isinstance(node, Call):
        return _compile_call(node, dims, model, where)
    raise ModelError(f"{where}: unsupported expression {node!r}")


def _element(v, idx: int):
    """Element ``idx`` of an arrayed value. Arrayed values are ``(1|N, n)``; an arrayed
    variable whose equation is scalar (e.g. a stock with initial value 0, before the
    first step) may still hold a ``()``/``(N,)`` value that is the same for every element."""
    v = np.asarray(v)
    return v[..., idx] if v.ndim >= 2 else v


def _reduce(red, v, k: int):
    """``sum``/``mean``/``min``/``max`` over the element axis (see :func:`_element` for scalar values)."""
    v = np.asarray(v)
    if v.ndim >= 2:
        return red(v, axis=-1)
    return v * k if red is np.sum else v


def _fn(f) -> Fn:
    if isinstance(f, _Const):
        v = np.float64(f.value)
        return lambda env: v
    return f


def _align(f, d_from: tuple, d_to: tuple):
    """Insert a trailing axis on a scalar that meets an arrayed operand."""
    if d_from == d_to or isinstance(f, _Const):
        return f
    return lambda env: np.asarray(f(env))[..., None]


def _binary(fn, lf, rf):
    if isinstance(lf, _Const) and isinstance(rf, _Const):
        return _Const(float(fn(np.float64(lf.value), np.float64(rf.value))))
    if isinstance(lf, _Const):
        a = lf.value
        return lambda env: fn(a, rf(env))
    if isinstance(rf, _Const):
        b = rf.value
        return lambda env: fn(lf(env), b)
    return lambda env: fn(lf(env), rf(env))


def _compile_call(node: Call, dims: dict, model: Model, where: str):
    d = infer_dims(node, dims, model, where)
    f = node.func
    if f in model and isinstance(model[f], Lookup):
        lk = model[f]
        xs = np.asarray(lk.x, dtype=float)
        ys = np.asarray(lk.y, dtype=float)
        a = _fn(compile_expr(node.args[0], dims, model, where)[0])
        return (lambda env: np.interp(a(env), xs, ys)), d
    compiled = [compile_expr(a, dims, model, where) for a in node.args]
    if f in B.REDUCTIONS or (f in ("min", "max") and len(compiled) == 1):
        a, ad = compiled[0]
        a = _fn(a)
        red = {"sum": np.sum, "mean": np.mean, "min": np.min, "max": np.max}[f]
        if not ad:
            return a, ()
        k = len(model.dimensions[ad[0]])
        return (lambda env: _reduce(red, a(env), k)), ()
    args = [_fn(_align(g, x, d)) for g, x in compiled]
    if f in B.UNARY_UFUNCS:
        u = B.UNARY_UFUNCS[f]
        a = args[0]
        return (lambda env: u(a(env))), d
    if f in ("min", "max"):
        u = np.minimum if f == "min" else np.maximum
        a0, rest = args[0], args[1:]

        def fold(env):
            v = a0(env)
            for g in rest:
                v = u(v, g(env))
            return v
        return fold, d
    if f == "clip":
        a, lo, hi = args
        return (lambda env: np.minimum(np.maximum(a(env), lo(env)), hi(env))), d
    if f == "mod":
        a, b = args
        return (lambda env: np.mod(a(env), b(env))), d
    if f == "step":
        h, t0 = args
        return (lambda env: B.step(env["time"], h(env), t0(env))), d
    if f == "ramp":
        if len(args) == 2:
            s, t0 = args
            return (lambda env: B.ramp(env["time"], s(env), t0(env))), d
        s, t0, t1 = args
        return (lambda env: B.ramp(env["time"], s(env), t0(env), t1(env))), d
    if f == "pulse":
        if len(args) == 2:
            m, t0 = args
            return (lambda env: B.pulse(env["time"], env["dt"], m(env), t0(env))), d
        m, t0, iv = args
        return (lambda env: B.pulse(env["time"], env["dt"], m(env), t0(env), iv(env))), d
    raise ModelError(f"{where}: unknown function {f!r}")


# ---------------------------------------------------------------------------
# the compiled model
# ---------------------------------------------------------------------------
@dataclass
class CompiledModel:
    """Everything the integrator needs, derived once from a model.

    Attributes
    ----------
    stocks : list of str
        Stock names (including hidden ones) in state-vector order.
    slices : dict of str to slice
        Columns of each stock in the flat state array ``(N, n_state)``.
    init_order : list of (str, Fn)
        Initial-value evaluation order (stocks' initial equations and auxiliaries).
    static : list of (str, Fn)
        Auxiliaries that depend only on constants: computed once per run.
    dynamic : list of (str, Fn)
        Auxiliaries and flows evaluated at every step, in dependency order.
    """

    model: Model
    components: dict[str, Component]
    visible: list[str]
    dims: dict[str, tuple[str, ...]]
    stocks: list[str] = field(default_factory=list)
    slices: dict[str, slice] = field(default_factory=dict)
    sizes: dict[str, int | None] = field(default_factory=dict)
    n_state: int = 0
    init_order: list = field(default_factory=list)
    static: list = field(default_factory=list)
    dynamic: list = field(default_factory=list)
    stock_flows: list = field(default_factory=list)
    nonneg_cols: np.ndarray | None = None
    constants: list[str] = field(default_factory=list)
    timeseries: list = field(default_factory=list)
    order_index: dict[str, int] = field(default_factory=dict)
    pipelines: list = field(default_factory=list)


def compile_model(model: Model) -> CompiledModel:
    """Expand, check, order and compile ``model`` (see module docstring)."""
    comps, visible, pipes = _expand(model)
    dims = {n: c.dims for n, c in comps.items()}
    sizes = {n: (len(model.dimensions[c.dims[0]]) if c.dims else None) for n, c in comps.items()}
    cm = CompiledModel(model=model, components=comps, visible=visible, dims=dims, sizes=sizes)

    stocks = [n for n, c in comps.items() if isinstance(c, Stock)]
    auxes = [n for n, c in comps.items() if isinstance(c, Aux)]
    cm.constants = [n for n, c in comps.items() if isinstance(c, Constant)]
    col = 0
    nonneg: list[int] = []
    for s in stocks:
        k = sizes[s] or 1
        cm.slices[s] = slice(col, col + k)
        if comps[s].non_negative:
            nonneg.extend(range(col, col + k))
        col += k
    cm.stocks, cm.n_state = stocks, col
    cm.nonneg_cols = np.asarray(nonneg, dtype=int) if nonneg else None

    # check dims of every equation against the declaration
    for n in auxes:
        c = comps[n]
        d = infer_dims(c.node, dims, model, n)
        if d and d != c.dims:
            raise ModelError(f"{n}: equation has dimension {d[0]!r} but the variable is declared {c.dims or 'scalar'}")
    for s in stocks:
        c = comps[s]
        d = infer_dims(c.initial_node, dims, model, f"{s} (initial value)")
        if d and d != c.dims:
            raise ModelError(f"{s}: initial value has dimension {d[0]!r}, stock is {c.dims or 'scalar'}")
        for f in c.inflows + c.outflows:
            if f not in comps or not isinstance(comps[f], Aux):
                raise ModelError(f"stock {s!r}: flow {f!r} is not a flow or auxiliary of the model")
            if comps[f].dims and comps[f].dims != c.dims:
                raise ModelError(f"stock {s!r}: flow {f!r} has dimension {comps[f].dims}, stock has {c.dims}")

    # dynamic ordering: dependencies among auxiliaries only
    aux_deps = {n: _call_deps(comps[n].node) for n in auxes}
    order = toposort({n: aux_deps[n] for n in auxes})
    time_vars = {"time", "dt"} | {n for n, c in comps.items() if isinstance(c, (Stock, TimeSeries))}
    dynamic_set: set[str] = set()
    for n in order:
        if aux_deps[n] & (time_vars | dynamic_set):
            dynamic_set.add(n)

    def compiled(n):
        c = comps[n]
        f, _ = compile_expr(c.node, dims, model, n)
        f = _fn(f)
        if isinstance(c, Flow) and c.non_negative:
            g = f
            f = lambda env: np.maximum(g(env), 0.0)  # noqa: E731
        return f

    funcs = {n: compiled(n) for n in order}
    cm.static = [(n, funcs[n]) for n in order if n not in dynamic_set]
    cm.dynamic = [(n, funcs[n]) for n in order if n in dynamic_set]
    cm.order_index = {n: i for i, n in enumerate(order)}

    # initialisation: stocks take their initial equations; auxiliaries their equations
    init_deps = {n: aux_deps[n] for n in auxes}
    for s in stocks:
        init_deps[s] = _call_deps(comps[s].initial_node)
    try:
        init_order = toposort(init_deps)
    except AlgebraicLoopError as exc:
        raise AlgebraicLoopError(exc.loop) from None
    cm.init_order = []
    for n in init_order:
        if n in funcs:
            cm.init_order.append((n, funcs[n]))
        else:
            f, _ = compile_expr(comps[n].initial_node, dims, model, f"{n} (initial value)")
            cm.init_order.append((n, _fn(f)))

    cm.stock_flows = [(cm.slices[s], comps[s].inflows, comps[s].outflows, sizes[s]) for s in stocks]
    cm.timeseries = [(n, np.asarray(c.x, float), np.asarray(c.y, float))
                     for n, c in comps.items() if isinstance(c, TimeSeries)]
    cm.pipelines = list(pipes)
    return cm
