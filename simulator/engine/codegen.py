"""Generate Python source for a compiled model: one fused evaluation function per model.

The compiler (:mod:`simulator.engine.compiler`) orders the (expanded) equations; this module
turns the ordered expression trees into the text of a Python module, compiles it once per
model and hands back plain functions. Two variants are generated from the same trees:

*vector*: every value is a numpy array with the ensemble axis first (scalars ``()`` or
``(N,)``, arrayed ``(1|N, n1, n2, ...)``); used for every ensemble and for models with
arrays. Each operation is the same numpy call the interpreter of earlier versions made,
in the same order, so results are bit-identical to them.

*scalar*: Python floats and the :mod:`math` module, the whole time loop in one function;
used for a single run (``N = 1``) of a model without arrays. It follows numpy's semantics
whenever every value stays finite; any Python arithmetic exception (division by zero,
overflow, a domain error) or a non-finite result makes :func:`simulate` rerun the model
with the vector variant, which then reports or propagates NaN/inf exactly as numpy does.

Safety of the generated code
----------------------------
No user text is ever executed. The source is assembled only from: generated identifiers
(``v12``, ``c3``, ``t_4``: indices into the compiler's tables, never component names),
integer literals (array positions and sizes), ``repr`` of finite Python floats (which
round-trips exactly), operators, and a fixed set of helper names bound in the module's
namespace. Element names, dimension names, units, documentation and every other string of
the model stay in Python data (tables passed in as arguments); they never reach the source.
Equations reach this module only as the validated expression trees of
:mod:`simulator.engine.expr` (parsed with :func:`ast.parse` and a whitelist).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from . import builtins as B
from .components import RESERVED_NAMES, Lookup, Model, ModelError
from .expr import Bin, Call, IfElse, Index, Node, Num, Str, Sub, Subscript, Unary, Var

Layout = tuple[str, ...]


# ---------------------------------------------------------------------------
# runtime slots
# ---------------------------------------------------------------------------
class Slots:
    """Objects the generated code reads: ``R[j]`` bound to the name ``c{j}``.

    Each slot is described by a key; :func:`simulator.engine.simulate` fills the values of
    run-dependent keys (constants, outputs, histories, ...), fixed ones (literals, tables,
    masks) are kept here.
    """

    def __init__(self):
        self.keys: list[tuple] = []
        self.fixed: dict[int, object] = {}
        self.index: dict[tuple, int] = {}

    def get(self, key: tuple, value=None) -> str:
        j = self.index.get(key)
        if j is None:
            j = len(self.keys)
            self.keys.append(key)
            self.index[key] = j
            if value is not None:
                self.fixed[j] = value
        return f"c{j}"

    def literal(self, v: float) -> str:
        """An ``np.float64`` constant (variables never hold Python floats in the vector code)."""
        return self.get(("lit", float(v) if not math.isnan(v) else "nan"), np.float64(v))


def num_text(v: float) -> str | None:
    """Source text of a finite float (``repr`` round-trips exactly), else None."""
    if not math.isfinite(v):
        return None
    s = repr(float(v))
    return f"({s})" if s.startswith("-") else s


@dataclass
class Val:
    """An emitted expression: source text, runtime layout, logical dims, literal value."""

    code: str
    layout: Layout
    logical: Layout
    lit: float | None = None


@dataclass
class Ctx:
    """What an equation is compiled against."""

    model: Model
    comps: Mapping
    layouts: dict[str, Layout]
    logical: dict[str, Layout]
    names: dict[str, str]
    slots: Slots
    where: str = ""
    target: Layout = ()
    sizes: dict[str, int] = field(default_factory=dict)
    #: names whose value is fixed for the whole run (constants, static auxiliaries)
    static_names: frozenset = frozenset()
    #: in the dynamic phase: ``hoist(code) -> name`` moves a static sub-expression to the static phase
    hoist: object = None
    #: source names holding static values (for hoisting their broadcast forms)
    static_codes: set = field(default_factory=set)


def _err(ctx: Ctx, msg: str) -> ModelError:
    return ModelError(f"{ctx.where}: {msg}" if ctx.where else msg)


# ---------------------------------------------------------------------------
# vector emitter
# ---------------------------------------------------------------------------
_VBIN = {"+": "({a} + {b})", "-": "({a} - {b})", "*": "({a} * {b})", "/": "({a} / {b})",
         "**": "_power({a}, {b})", "%": "_mod({a}, {b})",
         "<": "_lt({a}, {b})", "<=": "_le({a}, {b})", ">": "_gt({a}, {b})", ">=": "_ge({a}, {b})",
         "==": "_eq({a}, {b})", "!=": "_ne({a}, {b})", "and": "_land({a}, {b})", "or": "_lor({a}, {b})"}
_FOLD = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
         "/": lambda a, b: a / b, "**": np.power, "%": np.mod,
         "<": lambda a, b: float(a < b), "<=": lambda a, b: float(a <= b), ">": lambda a, b: float(a > b),
         ">=": lambda a, b: float(a >= b), "==": lambda a, b: float(a == b), "!=": lambda a, b: float(a != b),
         "and": lambda a, b: float(bool(a) and bool(b)), "or": lambda a, b: float(bool(a) or bool(b))}
_VUNARY = {"abs": "_abs", "exp": "_exp", "ln": "_log", "log10": "_log10", "sqrt": "_sqrt", "sin": "_sin",
           "cos": "_cos", "tan": "_tan", "arcsin": "_arcsin", "arccos": "_arccos", "arctan": "_arctan",
           "int": "_floor", "sign": "_sign", "round": "_round"}
_MODES = {"interpolate": 0, "extrapolate": 1, "backward": 2, "forward": 3}
_VRED = {"sum": "_sum", "mean": "_mean", "min": "_amin", "max": "_amax", "prod": "_prod", "stddev": "_std"}


def merge(a: Layout, b: Layout) -> Layout:
    """``a`` followed by the dims of ``b`` it lacks."""
    return a + tuple(d for d in b if d not in a)


class VecGen:
    """Emit numpy code for expression trees (see the module docstring)."""

    def __init__(self, ctx: Ctx):
        self.ctx = ctx

    # -- helpers -----------------------------------------------------------------
    def size(self, d: str) -> int:
        return len(self.ctx.model.dimensions[d])

    def lit(self, v: float) -> Val:
        return Val(num_text(v) or self.ctx.slots.literal(v), (), (), float(v))

    def as_value(self, v: Val) -> str:
        """Code of ``v`` usable as a variable's value (literals become np.float64 slots)."""
        return self.ctx.slots.literal(v.lit) if v.lit is not None else v.code

    def align(self, v: Val, to: Layout) -> str:
        """Code of ``v`` broadcastable against values of layout ``to`` (dims matched by name)."""
        code = self._align(v, to)
        ctx = self.ctx
        if ctx.hoist is not None and code != v.code and v.code in ctx.static_codes:
            return ctx.hoist(code)
        return code

    def _align(self, v: Val, to: Layout) -> str:
        if v.lit is not None or v.layout == to:
            return v.code
        if not v.layout:
            return f"_asarray({v.code})[...{', None' * len(to)}]"
        code, lay = v.code, v.layout
        order = sorted(lay, key=to.index)
        if tuple(order) != lay:
            perm = (0,) + tuple(1 + lay.index(d) for d in order)
            code, lay = f"_transpose({code}, {perm})", tuple(order)
        idx = [":" if d in lay else "None" for d in to]
        while idx and idx[-1] == ":":
            idx.pop()
        if not idx:
            return code
        return f"{code}[:, {', '.join(idx)}]"

    def full(self, v: Val) -> str:
        """Code of ``v`` with every logical dim materialised (shape ``(M, *sizes)``)."""
        if v.layout == v.logical and v.lit is None:
            return v.code
        sizes = tuple(self.size(d) for d in v.logical)
        code = self.align(v, v.logical) if v.lit is None else self.as_value(v)
        return f"_bfull({code}, {sizes})"

    def to_order(self, v: Val, order: Layout) -> Val:
        """Transpose ``v``'s layout into the order of ``order`` (a superset)."""
        want = tuple(sorted(v.layout, key=order.index))
        if want == v.layout or v.lit is not None:
            return Val(v.code, v.layout, tuple(sorted(v.logical, key=order.index)), v.lit)
        perm = (0,) + tuple(1 + v.layout.index(d) for d in want)
        return Val(f"_transpose({v.code}, {perm})", want, tuple(sorted(v.logical, key=order.index)))

    # -- expressions ---------------------------------------------------------------
    def is_static(self, node: Node) -> bool:
        """True if ``node`` depends on nothing that changes during a run."""
        from .expr import walk

        ok = self.ctx.static_names
        for n in walk(node):
            if isinstance(n, Var) and n.name not in ok and n.name not in ("dt", "initial_time", "final_time"):
                if not (n.name in self.ctx.comps and isinstance(self.ctx.comps[n.name], Lookup)):
                    return False
            if isinstance(n, Call) and (n.func in B.TIME_DEPENDENT or n.func.startswith("_")):
                return False
        return True

    def expr(self, node: Node) -> Val:
        v = self._expr(node)
        if (self.ctx.hoist is not None and v.lit is None and not isinstance(node, (Var, Num, Str))
                and self.is_static(node)):
            v = Val(self.ctx.hoist(v.code), v.layout, v.logical)
        return v

    def _expr(self, node: Node) -> Val:
        ctx = self.ctx
        if isinstance(node, Num):
            return self.lit(node.value)
        if isinstance(node, Str):
            raise _err(ctx, f"string {node.value!r} is not a value")
        if isinstance(node, Var):
            return self.var(node.name)
        if isinstance(node, Unary):
            a = self.expr(node.operand)
            if a.lit is not None:
                return self.lit(-a.lit if node.op == "-" else float(not a.lit))
            if node.op == "-":
                return Val(f"(-{a.code})", a.layout, a.logical)
            return Val(f"_lnot({a.code})", a.layout, a.logical)
        if isinstance(node, Bin):
            a, b = self.expr(node.left), self.expr(node.right)
            if a.lit is not None and b.lit is not None:
                return self.lit(float(_FOLD[node.op](np.float64(a.lit), np.float64(b.lit))))
            lay, log = merge(a.layout, b.layout), merge(a.logical, b.logical)
            lay = tuple(d for d in log if d in lay)
            a2 = self.to_order(a, log)
            code = _VBIN[node.op].format(a=self.align(a2, lay), b=self.align(b, lay))
            return Val(code, lay, log)
        if isinstance(node, IfElse):
            parts = [self.expr(n) for n in (node.cond, node.then, node.orelse)]
            return self.elementwise("_where({}, {}, {})", parts, as_values=True)
        if isinstance(node, Index):
            return self.index(node)
        if isinstance(node, Subscript):
            return self.subscript(node)
        if isinstance(node, Call):
            return self.call(node)
        raise _err(ctx, f"unsupported expression {node!r}")

    def elementwise(self, fmt: str, parts: list[Val], as_values: bool = False) -> Val:
        log: Layout = ()
        lay: Layout = ()
        for p in parts:
            log = merge(log, p.logical)
            lay = merge(lay, p.layout)
        lay = tuple(d for d in log if d in lay)
        codes = []
        for p in parts:
            if as_values and p.lit is not None:
                codes.append(self.as_value(p))
            else:
                codes.append(self.align(p, lay))
        return Val(fmt.format(*codes), lay, log)

    def var(self, name: str) -> Val:
        ctx = self.ctx
        if name in RESERVED_NAMES:
            return Val("time" if name == "time" else ctx.slots.get(("sys", name)), (), ())
        if name not in ctx.layouts:
            if name in ctx.comps and isinstance(ctx.comps[name], Lookup):
                raise _err(ctx, f"lookup {name!r} must be called, e.g. {name}(x)")
            raise _err(ctx, f"unknown name {name!r}")
        v = Val(ctx.names[name], ctx.layouts[name], ctx.logical[name])
        return self.restrict(v)

    def restrict(self, v: Val) -> Val:
        """Subrange rule: an operand over parent P in an equation over subrange S of P."""
        model, target = self.ctx.model, self.ctx.target
        for sub in target:
            parent = model.subranges.get(sub)
            if parent is None or parent not in v.logical or sub in v.logical or parent in target:
                continue
            idx = [model.dimensions[parent].index(e) for e in model.dimensions[sub]]
            logical = tuple(sub if d == parent else d for d in v.logical)
            if parent in v.layout:
                ax = 1 + v.layout.index(parent)
                code = f"_take({v.code}, {self.ctx.slots.get(('idx', tuple(idx)), np.asarray(idx))}, {ax})"
                v = Val(code, tuple(sub if d == parent else d for d in v.layout), logical)
            else:
                v = Val(v.code, v.layout, logical)
        return v

    def select(self, v: Val, picks: list[tuple[str, object]]) -> Val:
        """Apply one pick per logical dim of ``v``: ``("keep", name)`` (possibly relabelled),
        ``("elem", index)`` or ``("take", (subrange, indices))``."""
        items: list[tuple[int, str]] = []
        takes: list[tuple[int, list[int]]] = []
        new_layout: list[str] = []
        new_logical: list[str] = []
        for d, (kind, arg) in zip(v.logical, picks):
            if kind == "elem":
                if d in v.layout:
                    items.append((v.layout.index(d), str(arg)))
                continue
            name = arg if kind == "keep" else arg[0]
            new_logical.append(name)
            if d in v.layout:
                new_layout.append(name)
                if kind == "take":
                    takes.append((len(new_layout) - 1, list(arg[1])))
        code = v.code
        if items:
            idx = [":"] * len(v.layout)
            for pos, text in items:
                idx[pos] = text
            code = f"{code}[:, {', '.join(idx)}]"
        for pos, idxs in takes:
            code = f"_take({code}, {self.ctx.slots.get(('idx', tuple(idxs)), np.asarray(idxs))}, {1 + pos})"
        return Val(code, tuple(new_layout), tuple(new_logical))

    def index(self, node: Index) -> Val:
        ctx = self.ctx
        v = self.expr(node.operand)
        if not v.logical:
            raise _err(ctx, f"cannot select element {node.element!r} of a scalar")
        hits = [d for d in v.logical if node.element in ctx.model.dimensions[d]]
        if not hits:
            dims = ", ".join(repr(d) for d in v.logical)
            raise _err(ctx, f"{node.element!r} is not an element of dimension {dims}")
        if len(hits) > 1:
            raise _err(ctx, f"selection {node.element!r} is ambiguous: an element of {hits[0]!r} and {hits[1]!r} "
                            f"(write one subscript per dimension, e.g. x[{node.element!r}, :])")
        picks = [("elem", ctx.model.dimensions[d].index(node.element)) if d == hits[0] else ("keep", d)
                 for d in v.logical]
        return self.select(v, picks)

    def subscript(self, node: Subscript) -> Val:
        ctx, model = self.ctx, self.ctx.model
        v = self.expr(node.operand)
        if len(node.items) > len(v.logical):
            raise _err(ctx, f"{len(node.items)} subscripts for an expression with {len(v.logical)} dimensions")
        items = tuple(node.items) + (Sub("all"),) * (len(v.logical) - len(node.items))
        picks: list[tuple[str, object]] = []
        for d, it in zip(v.logical, items):
            els = model.dimensions[d]
            if it.kind == "all":
                picks.append(("keep", d))
            elif it.kind == "element":
                if it.name not in els:
                    raise _err(ctx, f"{it.name!r} is not an element of dimension {d!r}")
                picks.append(("elem", els.index(it.name)))
            else:
                e = it.name
                if e not in model.dimensions:
                    raise _err(ctx, f"{e!r} is not a dimension")
                if e == d:
                    picks.append(("keep", d))
                elif model.subranges.get(e) == d:
                    picks.append(("take", (e, [els.index(x) for x in model.dimensions[e]])))
                elif len(model.dimensions[e]) == len(els):
                    picks.append(("keep", e))
                else:
                    raise _err(ctx, f"dimension {e!r} ({len(model.dimensions[e])} elements) cannot stand for "
                                    f"{d!r} ({len(els)} elements)")
        names = [p[1] if p[0] == "keep" else p[1][0] for p in picks if p[0] != "elem"]
        if len(set(names)) != len(names):
            raise _err(ctx, f"a dimension appears twice in the subscripts of {node!r}")
        return self.select(v, picks)

    def dim_args(self, node: Call, args, v: Val) -> list[str]:
        dims = []
        for a in args:
            if not isinstance(a, Str):
                raise _err(self.ctx, f"{node.func}(): dimension names must be given in quotes, e.g. 'sector'")
            if a.value not in v.logical:
                have = ", ".join(repr(d) for d in v.logical) or "none"
                raise _err(self.ctx, f"{node.func}(): {a.value!r} is not a dimension of its argument (it has {have})")
            dims.append(a.value)
        return dims

    def call(self, node: Call) -> Val:  # noqa: C901 - one branch per builtin
        ctx = self.ctx
        f, args = node.func, node.args
        comp = ctx.comps.get(f)
        if f in ("lookup", "lookup_forward", "lookup_backward"):
            return self.lookup_call(node)
        if isinstance(comp, Lookup):
            return self.lookup(comp, args)
        if f.startswith("_"):
            return self.internal(node)
        if f in B.REFUSED:
            raise _err(ctx, f"function {f!r} is not supported: {B.REFUSED[f]}")
        if f not in B.PURE_ARITY:
            if f in B.STATEFUL_ARITY or f in B.STOCHASTIC_ARITY:
                raise _err(ctx, f"{f}() cannot be used here")
            raise _err(ctx, f"unknown function {f!r}")
        lo, hi = B.PURE_ARITY[f]
        if not lo <= len(args) <= hi:
            raise _err(ctx, f"{f}() takes {lo}..{hi} arguments, got {len(args)}")
        if f in B.REDUCTIONS and (len(args) == 1 or isinstance(args[1], Str)):
            return self.reduce(node)
        if f == "size":
            v = self.expr(args[0])
            dims = self.dim_args(node, args[1:], v) if len(args) > 1 else list(v.logical)
            return self.lit(float(np.prod([self.size(d) for d in dims])) if dims else 1.0)
        if f == "identity":
            if not all(isinstance(a, Str) for a in args):
                raise _err(ctx, "identity() takes two dimension names in quotes")
            d1, d2 = args[0].value, args[1].value
            for d in (d1, d2):
                if d not in ctx.model.dimensions:
                    raise _err(ctx, f"identity(): {d!r} is not a dimension")
            if d1 == d2 or self.size(d1) != self.size(d2):
                raise _err(ctx, "identity() needs two different dimensions with the same number of elements")
            eye = np.eye(self.size(d1))[None]
            return Val(ctx.slots.get(("eye", self.size(d1)), eye), (d1, d2), (d1, d2))
        if f == "rename":
            v = self.expr(args[0])
            if not (isinstance(args[1], Str) and isinstance(args[2], Str)):
                raise _err(ctx, "rename() takes a value and two dimension names in quotes")
            a, b = args[1].value, args[2].value
            self.dim_args(node, [args[1]], v)
            if b not in ctx.model.dimensions:
                raise _err(ctx, f"rename(): {b!r} is not a dimension")
            if b in v.logical:
                raise _err(ctx, f"rename(): the value already has dimension {b!r}")
            if self.size(a) != self.size(b):
                raise _err(ctx, f"rename(): {a!r} has {self.size(a)} elements, {b!r} {self.size(b)}")
            ren = lambda dd: tuple(b if d == a else d for d in dd)  # noqa: E731
            return Val(v.code, ren(v.layout), ren(v.logical), v.lit)
        if f == "matmul":
            a, b = self.expr(args[0]), self.expr(args[1])
            if not a.logical or not b.logical:
                raise _err(ctx, "matmul() needs two arrays")
            if self.size(a.logical[-1]) != self.size(b.logical[0]):
                raise _err(ctx, f"matmul(): {a.logical[-1]!r} ({self.size(a.logical[-1])} elements) and "
                                f"{b.logical[0]!r} ({self.size(b.logical[0])} elements) differ in length")
            out = a.logical[:-1] + b.logical[1:]
            if len(set(out)) != len(out):
                raise _err(ctx, f"matmul(): the result would have a dimension twice ({out})")
            code = f"_matmul({self.full(a)}, {self.full(b)}, {len(a.logical) - 1}, {len(b.logical) - 1})"
            return Val(code, out, out)
        if f == "inverse":
            a = self.expr(args[0])
            if len(a.logical) != 2 or self.size(a.logical[0]) != self.size(a.logical[1]):
                raise _err(ctx, "inverse() needs a square matrix over two dimensions")
            out = (a.logical[1], a.logical[0])
            return Val(f"_inverse({self.full(a)})", out, out)
        parts = [self.expr(a) for a in args]
        if any(isinstance(a, Str) for a in args):
            raise _err(ctx, f"{f}(): a string is not a value")
        if f in _VUNARY:
            return self.elementwise(_VUNARY[f] + "({})", parts)
        if f in ("min", "max"):
            u = "_minimum" if f == "min" else "_maximum"
            v = parts[0]
            for p in parts[1:]:
                v = self.elementwise(u + "({}, {})", [v, p])
            return v
        if f == "clip":
            return self.elementwise("_minimum(_maximum({}, {}), {})", parts)
        if f in ("mod", "modulo"):
            return self.elementwise("_mod({}, {})", parts)
        if f == "percent":
            return self.elementwise("({} * 100.0)", parts)
        if f == "rootn":
            return self.elementwise("_rootn({}, {})", parts)
        if f == "safediv":
            return self.elementwise("_safediv(" + ", ".join(["{}"] * len(parts)) + ")", parts)
        if f == "step":
            return self.elementwise("_step(time, {}, {})", parts)
        if f == "ramp":
            return self.elementwise("_ramp(time, " + ", ".join(["{}"] * len(parts)) + ")", parts)
        if f == "pulse":
            dt = ctx.slots.get(("sys", "dt"))
            return self.elementwise(f"_pulse(time, {dt}, " + ", ".join(["{}"] * len(parts)) + ")", parts)
        if f in B.REDUCTIONS:  # min/max with two or more value arguments handled above
            raise _err(ctx, f"{f}(): dimension names must be given in quotes")
        raise _err(ctx, f"unknown function {f!r}")

    def reduce(self, node: Call) -> Val:
        f = node.func
        v = self.expr(node.args[0])
        dims = self.dim_args(node, node.args[1:], v) if len(node.args) > 1 else list(v.logical)
        if not dims:
            if f == "stddev":
                return self.elementwise("(0.0 * {})", [v])
            return v
        present = [d for d in dims if d in v.layout]
        missing = [d for d in dims if d not in v.layout]
        code = v.code if v.lit is None else self.as_value(v)
        if present:
            if len(v.layout) == 1 and len(node.args) == 1:
                axes = "-1"
            else:
                ax = tuple(1 + v.layout.index(d) for d in present)
                axes = str(ax[0]) if len(ax) == 1 else str(ax)
            code = f"{_VRED[f]}({code}, axis={axes})"
        k = float(np.prod([self.size(d) for d in missing])) if missing else 1.0
        if missing:
            if f == "sum":
                code = f"({code} * {num_text(k)})"
            elif f == "prod":
                code = f"_power({code}, {num_text(k)})"
            elif f == "stddev" and not present:
                code = f"(0.0 * {code})"
        layout = tuple(d for d in v.layout if d not in dims)
        logical = tuple(d for d in v.logical if d not in dims)
        return Val(code, layout, logical)

    def lookup(self, lk: Lookup, args, mode: str | None = None, picks=None) -> Val:
        """Call of a graphical function; ``picks`` selects some elements of an arrayed one
        (``lookup(f['e'], x)``), ``mode`` overrides its interpolation."""
        ctx = self.ctx
        if len(args) != 1:
            raise _err(ctx, f"lookup {lk.name}() takes one argument")
        mode = mode or lk.mode
        u = self.expr(args[0])
        if not lk.dims or not lk.elements:
            x = ctx.slots.get(("lkx", lk.name), np.asarray(lk.x, float))
            y = ctx.slots.get(("lky", lk.name), np.asarray(lk.y, float))
            code = u.code if u.lit is None else self.as_value(u)
            if mode == "interpolate":
                return Val(f"_interp({code}, {x}, {y})", u.layout, u.logical)
            return Val(f"_lookup_mode({code}, {x}, {y}, {_MODES[mode]})", u.layout, u.logical)
        F = tuple(lk.dims)
        tables = _lookup_tables(lk, ctx.model, ctx.where)
        key = ("lktables", lk.name)
        if picks:
            shape = tuple(self.size(d) for d in F)
            grid = np.empty(shape, dtype=object)
            for flat, tab in enumerate(tables):
                grid[np.unravel_index(flat, shape)] = tab
            sel = tuple(picks.get(d, slice(None)) for d in F)
            sub = grid[sel]
            F = tuple(d for d in F if d not in picks)
            tables = list(np.asarray(sub, dtype=object).reshape(-1)) if F else [sub]
            key = ("lktables", lk.name, tuple(sorted(picks.items())))
            if not F:
                xs, ys = tables[0]
                x = ctx.slots.get(key + ("x",), xs)
                y = ctx.slots.get(key + ("y",), ys)
                code = u.code if u.lit is None else self.as_value(u)
                return Val(f"_lookup_mode({code}, {x}, {y}, {_MODES[mode]})", u.layout, u.logical)
        logical = F + tuple(d for d in u.logical if d not in F)
        sizes = tuple(self.size(d) for d in logical)
        ucode = self.align(u, logical) if u.lit is None else self.as_value(u)
        t = ctx.slots.get(key, tables)
        return Val(f"_interp_el(_bfull({ucode}, {sizes}), {t}, {len(F)}, {_MODES[mode]})", logical, logical)

    def lookup_call(self, node: Call) -> Val:
        """``lookup(f, x)``, ``lookup(f['e'], x)``, ``lookup_forward(f, x)``, ``lookup_backward(f, x)``."""
        ctx = self.ctx
        args = node.args
        mode = {"lookup": None, "lookup_forward": "forward", "lookup_backward": "backward"}[node.func]
        target = args[0] if args else None
        picks = {}
        if isinstance(target, (Index, Subscript)) and isinstance(target.operand, Var):
            lk = ctx.comps.get(target.operand.name)
            if isinstance(lk, Lookup) and lk.dims:
                if isinstance(target, Index):
                    hits = [d for d in lk.dims if target.element in ctx.model.dimensions[d]]
                    if len(hits) != 1:
                        raise _err(ctx, f"{target.element!r} is not (one) element of lookup {lk.name!r}'s dimensions")
                    picks[hits[0]] = ctx.model.dimensions[hits[0]].index(target.element)
                else:
                    for d, it in zip(lk.dims, target.items):
                        if it.kind == "element":
                            if it.name not in ctx.model.dimensions[d]:
                                raise _err(ctx, f"{it.name!r} is not an element of dimension {d!r}")
                            picks[d] = ctx.model.dimensions[d].index(it.name)
                        elif it.kind != "all" and it.name != d:
                            raise _err(ctx, f"lookup {lk.name!r}: only element names or ':' may select its tables")
                return self.lookup(lk, args[1:], mode, picks)
        if not (isinstance(target, Var) and isinstance(ctx.comps.get(target.name), Lookup)):
            raise _err(ctx, f"{node.func}() takes a graphical function name and a value, e.g. {node.func}(effect, x)")
        return self.lookup(ctx.comps[target.name], args[1:], mode)

    def internal(self, node: Call) -> Val:
        f = node.func
        parts = [self.expr(a) for a in node.args]
        fmt = {"_poisson": "_poisson_ppf({1}, {0})", "_triangular": "_tri_ppf({3}, {0}, {1}, {2})",
               "_lognormal": "_lognormal({0}, {1}, {2})"}.get(f)
        if fmt is None:
            raise _err(self.ctx, f"unknown function {f!r}")
        return self.elementwise(fmt, parts)


def _lookup_tables(lk: Lookup, model: Model, where: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """One ``(xs, ys)`` per element of an arrayed lookup, in C order of its dims."""
    shape = tuple(len(model.dimensions[d]) for d in lk.dims)
    index = {}
    for key, xy in lk.elements:
        if len(key) != len(lk.dims):
            raise ModelError(f"{where}: lookup {lk.name!r}: element key {key} needs {len(lk.dims)} names")
        try:
            pos = tuple(model.dimensions[d].index(e) for d, e in zip(lk.dims, key))
        except ValueError:
            raise ModelError(f"{where}: lookup {lk.name!r}: {key} is not an element of {lk.dims}") from None
        index[pos] = (np.asarray(xy[0], float), np.asarray(xy[1], float))
    out = []
    for pos in np.ndindex(*shape):
        if pos in index:
            out.append(index[pos])
        elif lk.x:
            out.append((np.asarray(lk.x, float), np.asarray(lk.y, float)))
        else:
            els = ",".join(model.dimensions[d][i] for d, i in zip(lk.dims, pos))
            raise ModelError(f"{where}: lookup {lk.name!r} has no table for element [{els}]")
    return out


# ---------------------------------------------------------------------------
# scalar emitter (Python floats)
# ---------------------------------------------------------------------------
_SBIN = {"+": "({a} + {b})", "-": "({a} - {b})", "*": "({a} * {b})", "/": "({a} / {b})",
         "**": "_mpow({a}, {b})", "%": "({a} % {b})",
         "<": "(1.0 if {a} < {b} else 0.0)", "<=": "(1.0 if {a} <= {b} else 0.0)",
         ">": "(1.0 if {a} > {b} else 0.0)", ">=": "(1.0 if {a} >= {b} else 0.0)",
         "==": "(1.0 if {a} == {b} else 0.0)", "!=": "(1.0 if {a} != {b} else 0.0)",
         "and": "(1.0 if ({a} and {b}) else 0.0)", "or": "(1.0 if ({a} or {b}) else 0.0)"}
_SUNARY = {"abs": "abs", "exp": "_mexp", "ln": "_mlog", "log10": "_mlog10", "sqrt": "_msqrt", "sin": "_msin",
           "cos": "_mcos", "tan": "_mtan", "arcsin": "_masin", "arccos": "_macos", "arctan": "_matan",
           "sign": "_s_sign", "round": "_s_round"}


class ScalarGen:
    """Emit Python-float code for a model without arrays (see the module docstring)."""

    def __init__(self, ctx: Ctx):
        self.ctx = ctx

    def num(self, v: float) -> str:
        return num_text(v) or self.ctx.slots.get(("flit", repr(v)), float(v))

    def expr(self, node: Node) -> str:  # noqa: C901 - one branch per node type / builtin
        ctx = self.ctx
        if isinstance(node, Num):
            return self.num(node.value)
        if isinstance(node, Var):
            if node.name == "time":
                return "t"
            if node.name in RESERVED_NAMES:
                return ctx.slots.get(("sys", node.name))
            return ctx.names[node.name]
        if isinstance(node, Unary):
            a = self.expr(node.operand)
            return f"(-{a})" if node.op == "-" else f"(0.0 if {a} else 1.0)"
        if isinstance(node, Bin):
            if isinstance(node.left, Num) and isinstance(node.right, Num):
                return self.num(float(_FOLD[node.op](np.float64(node.left.value), np.float64(node.right.value))))
            return _SBIN[node.op].format(a=self.expr(node.left), b=self.expr(node.right))
        if isinstance(node, IfElse):
            return f"({self.expr(node.then)} if {self.expr(node.cond)} else {self.expr(node.orelse)})"
        if not isinstance(node, Call):
            raise _err(ctx, f"unsupported expression {node!r}")
        f, args = node.func, node.args
        comp = ctx.comps.get(f)
        mode = None
        if f in ("lookup", "lookup_forward", "lookup_backward"):
            mode = {"lookup": None, "lookup_forward": "forward", "lookup_backward": "backward"}[f]
            comp, args = ctx.comps[args[0].name], args[1:]
        if isinstance(comp, Lookup):
            xs = ctx.slots.get(("slkx", comp.name), tuple(float(x) for x in comp.x))
            ys = ctx.slots.get(("slky", comp.name), tuple(float(y) for y in comp.y))
            mode = mode or comp.mode
            if mode == "interpolate":
                return f"_s_interp({self.expr(args[0])}, {xs}, {ys})"
            return f"_s_lookup_mode({self.expr(args[0])}, {xs}, {ys}, {_MODES[mode]})"
        if f in B.REDUCTIONS and (len(args) == 1 or isinstance(args[1], Str)):
            return f"(0.0 * {self.expr(args[0])})" if f == "stddev" else self.expr(args[0])
        if f == "size":
            return "1.0"
        a = [self.expr(x) for x in args]
        if f in _SUNARY:
            return f"{_SUNARY[f]}({a[0]})"
        if f == "int":
            return f"float(_mfloor({a[0]}))"
        if f in ("min", "max"):
            h = "_s_min" if f == "min" else "_s_max"
            out = a[0]
            for x in a[1:]:
                out = f"{h}({out}, {x})"
            return out
        if f == "clip":
            return f"_s_min(_s_max({a[0]}, {a[1]}), {a[2]})"
        if f in ("mod", "modulo"):
            return f"({a[0]} % {a[1]})"
        if f == "percent":
            return f"({a[0]} * 100.0)"
        if f == "rootn":
            return f"_s_rootn({a[0]}, {a[1]})"
        if f == "safediv":
            alt = a[2] if len(a) > 2 else "0.0"
            return f"_s_safediv({a[0]}, {a[1]}, {alt})"
        if f == "step":
            return f"_s_step(t, {a[0]}, {a[1]})"
        if f == "ramp":
            return f"_s_ramp(t, {', '.join(a)})"
        if f == "pulse":
            return f"_s_pulse(t, {ctx.slots.get(('sys', 'dt'))}, {', '.join(a)})"
        if f == "_poisson":
            return f"float(_poisson_ppf({a[1]}, {a[0]}))"
        if f == "_triangular":
            return f"float(_tri_ppf({a[3]}, {a[0]}, {a[1]}, {a[2]}))"
        if f == "_lognormal":
            return f"float(_lognormal({a[0]}, {a[1]}, {a[2]}))"
        raise _err(ctx, f"unknown function {f!r}")


def scalar_supported(node: Node) -> bool:
    """Whether the scalar emitter handles every construct of ``node``."""
    from .expr import walk

    for n in walk(node):
        if isinstance(n, (Index, Subscript, Str)) and not isinstance(n, Str):
            return False
        if isinstance(n, Call) and n.func in ("matmul", "inverse", "identity", "rename"):
            return False
    return True


# ---------------------------------------------------------------------------
# namespace of the generated module
# ---------------------------------------------------------------------------
def _cmp(fn):
    def f(a, b):
        return np.asarray(fn(a, b), dtype=float)
    return f


def _bfull(x, sizes):
    x = np.asarray(x)
    return np.broadcast_to(x, np.broadcast_shapes(x.shape, (1,) + tuple(sizes)))


def _s_safediv(a, b, alt):
    return a / b if b != 0 else alt


NAMESPACE = {
    "_np": np, "_asarray": np.asarray, "_transpose": np.transpose, "_take": np.take,
    "_where": np.where, "_power": np.power, "_mod": np.mod,
    "_lt": _cmp(np.less), "_le": _cmp(np.less_equal), "_gt": _cmp(np.greater), "_ge": _cmp(np.greater_equal),
    "_eq": _cmp(np.equal), "_ne": _cmp(np.not_equal),
    "_land": lambda a, b: np.logical_and(a, b).astype(float),
    "_lor": lambda a, b: np.logical_or(a, b).astype(float),
    "_lnot": lambda a: np.logical_not(a).astype(float),
    "_abs": np.abs, "_exp": np.exp, "_log": np.log, "_log10": np.log10, "_sqrt": np.sqrt, "_sin": np.sin,
    "_cos": np.cos, "_tan": np.tan, "_arcsin": np.arcsin, "_arccos": np.arccos, "_arctan": np.arctan,
    "_floor": np.floor, "_sign": np.sign, "_round": B.round_half_away,
    "_minimum": np.minimum, "_maximum": np.maximum,
    "_sum": np.sum, "_mean": np.mean, "_amin": np.min, "_amax": np.max, "_prod": np.prod, "_std": np.std,
    "_interp": np.interp, "_interp_el": B.interp_elements, "_lookup_mode": B.lookup_mode,
    "_s_lookup_mode": B.s_lookup_mode, "_bfull": _bfull, "_matmul": B.matmul,
    "_inverse": B.inverse, "_rootn": B.rootn, "_safediv": B.safediv, "_step": B.step, "_ramp": B.ramp,
    "_pulse": B.pulse, "_poisson_ppf": B.poisson_ppf, "_tri_ppf": B.triangular_ppf,
    "_lognormal": B.lognormal_from_moments, "_copyto": np.copyto, "_empty": np.empty,
    "_broadcast_to": np.broadcast_to,
    # scalar variant
    "_mpow": math.pow, "_mexp": math.exp, "_mlog": math.log, "_mlog10": math.log10, "_msqrt": math.sqrt,
    "_msin": math.sin, "_mcos": math.cos, "_mtan": math.tan, "_masin": math.asin, "_macos": math.acos,
    "_matan": math.atan, "_mfloor": math.floor, "_s_sign": B.s_sign, "_s_round": B.s_round,
    "_s_min": B.s_min, "_s_max": B.s_max, "_s_rootn": B.s_rootn, "_s_interp": B.s_interp,
    "_s_step": B.s_step, "_s_ramp": B.s_ramp, "_s_pulse": B.s_pulse, "_s_safediv": _s_safediv,
}

_CODE_CACHE: dict[str, object] = {}


def build(source: str, entry: str):
    """Compile generated ``source`` (cached by its text) and return its function ``entry``."""
    code = _CODE_CACHE.get(source)
    if code is None:
        code = compile(source, "<regsim generated model>", "exec")
        if len(_CODE_CACHE) > 256:
            _CODE_CACHE.clear()
        _CODE_CACHE[source] = code
    ns = dict(NAMESPACE)
    exec(code, ns)  # noqa: S102 - generated from validated trees only (module docstring)
    return ns[entry]


# ---------------------------------------------------------------------------
# runtime helpers of histories (pipeline delay, previous)
# ---------------------------------------------------------------------------
def _snap(p):
    pr = np.rint(p)
    return np.where(np.abs(p - pr) < 1e-9, pr, p)


def pipe_out(H, t, T, t0, dt, i, init, shape, cur=None):
    """Vector pipeline-delay output at time ``t``.

    The input's history is ``H[0 .. i-1]`` (values at the step times ``t0 + j dt``) and,
    when ``cur`` is given, its value ``cur`` at ``t`` itself; linear interpolation at
    ``t - T``; ``init`` before the start. Without ``cur`` a read after the last recorded
    step takes that step's value.
    """
    full = (H.shape[1],) + tuple(shape)
    init = np.broadcast_to(init, full)
    p = _snap(np.broadcast_to((t - T - t0) / dt, full))
    before = p < 0
    if cur is not None:
        pc = _snap(np.float64((t - t0) / dt))
        cur = np.broadcast_to(cur, full)
        if i == 0:
            return np.where(before, init, cur)
    elif i == 0:
        return init
    last = i - 1
    q = np.minimum(np.maximum(p, 0.0), last)
    j = np.floor(q)
    w = q - j
    j = j.astype(np.intp)
    j1 = np.minimum(j + 1, last)
    a = np.take_along_axis(H, j[None], 0)[0]
    b = np.take_along_axis(H, j1[None], 0)[0]
    val = np.where(w == 0, a, a + w * (b - a))
    if cur is not None:
        hl = H[last]
        wc = np.where(pc > last, (np.minimum(p, pc) - last) / np.where(pc > last, pc - last, 1.0), 0.0)
        val = np.where(p > last, np.where(wc >= 1, cur, hl + wc * (cur - hl)), val)
    return np.where(before, init, val)


def pipe_static(box, H, t, T, t0, dt, i, init, shape, cur, step):
    """:func:`pipe_out` for a delay time fixed for the run: when every ``T/dt`` is a whole
    number of steps, a step's output is the recorded row ``i - T/dt`` (the same value the
    general formula gives, without interpolation work)."""
    info = box.get(0)
    if info is None:
        full = (H.shape[1],) + tuple(shape)
        off = np.broadcast_to(np.asarray(T, dtype=float) / dt, full)
        n = np.rint(off)
        integral = bool(np.all(np.abs(off - n) < 1e-9) and np.all(n >= 0))
        uniform = integral and bool(np.all(n == n.flat[0]))
        info = box[0] = (integral, uniform, int(n.flat[0]) if uniform else (n.astype(np.intp) if integral else None))
    integral, uniform, n = info
    if not (integral and step):
        return pipe_out(H, t, T, t0, dt, i, init, shape, cur)
    full = (H.shape[1],) + tuple(shape)
    if uniform:
        if n == 0:
            if cur is not None:
                return np.broadcast_to(cur, full)
            return H[i - 1] if i > 0 else np.broadcast_to(init, full)
        return H[i - n] if i >= n else np.broadcast_to(init, full)
    src = i - n
    val = np.take_along_axis(H, np.clip(src, 0, max(i - 1, 0))[None], 0)[0]
    if cur is not None:
        val = np.where(n == 0, np.broadcast_to(cur, full), val)
    elif i == 0:
        return np.broadcast_to(init, full)
    return np.where(src < 0, np.broadcast_to(init, full), val)


def s_pipe(H, t, T, t0, dt, i, init, cur=None):
    """Scalar twin of :func:`pipe_out` (same formula)."""
    p = (t - T - t0) / dt
    pr = round(p)
    if abs(p - pr) < 1e-9:
        p = float(pr)
    if p < 0:
        return init
    if cur is not None:
        pc = (t - t0) / dt
        pr = round(pc)
        if abs(pc - pr) < 1e-9:
            pc = float(pr)
        if i == 0:
            return cur
    elif i == 0:
        return init
    last = i - 1
    if p > last:
        if cur is None:
            return H[last]
        wc = ((p if p < pc else pc) - last) / (pc - last) if pc > last else 0.0
        hl = H[last]
        return cur if wc >= 1 else hl + wc * (cur - hl)
    j = math.floor(p)
    w = p - j
    a = H[j]
    if w == 0:
        return a
    b = H[min(j + 1, last)]
    return a + w * (b - a)


def prev_out(H, i, init, shape):
    """Vector ``previous``: row ``(i - 1) % 2`` of the two-row history, ``init`` at step 0."""
    if i == 0:
        return np.broadcast_to(init, (H.shape[1],) + tuple(shape))
    return H[(i - 1) % 2]


NAMESPACE.update({"_pipe_out": pipe_out, "_pipe_static": pipe_static, "_s_pipe": s_pipe, "_prev_out": prev_out})


# ---------------------------------------------------------------------------
# whole programs
# ---------------------------------------------------------------------------
class _Lines:
    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)


def _undeclared(c, v: Val, where: str, what: str = "equation") -> None:
    extra = [d for d in v.logical if d not in c.dims]
    if extra:
        declared = ", ".join(repr(d) for d in c.dims) or "none (scalar)"
        raise ModelError(f"{where}: {what} has dimension {extra[0]!r}, which is not declared on the variable "
                         f"(declared: {declared}); sum over it (sum(..., {extra[0]!r})), select one of its elements, or "
                         f"rename it")


class VectorProgram:
    """Generated numpy code of one compiled model (see the module docstring).

    ``factory(save)`` returns ``_make(R) -> (static, init, evaluate)``; ``slot_keys`` tells
    :func:`simulate` what to put in ``R``.
    """

    def __init__(self, cm):
        from .compiler import Noise, Pipe, Prev

        self.cm = cm
        self.slots = Slots()
        comps = cm.components
        self.names: dict[str, str] = {}
        for j, n in enumerate(comps):
            if comps[n].kind == "constant":
                self.names[n] = self.slots.get(("const", n))
            else:
                self.names[n] = f"v{j}"
        self.N = self.slots.get(("N",))
        self.Pipe, self.Prev, self.Noise = Pipe, Prev, Noise
        logical = {n: tuple(c.dims) for n, c in comps.items() if c.kind != "lookup"}
        base = {n: tuple(c.dims) for n, c in comps.items() if c.kind == "constant"}
        base.update({n: () for n in cm.timeseries})
        self.logical = logical
        self.static_set = frozenset(n for n, c in comps.items() if c.kind == "constant")
        self.static_codes: set[str] = set()
        self.hoisted: dict[str, str] = {}
        self.static_names_extra: list[str] = []
        # static phase
        self.static_lines = _Lines()
        lay = dict(base)
        self.static_names = []
        for item in cm.static:
            self.emit_item(item, "static", lay, self.static_lines, 2)
            if item[1] not in self.static_names:
                self.static_names.append(item[1])
        self.after_static = dict(lay)
        self.static_set = frozenset(self.static_set | set(self.static_names))
        self.static_codes = {self.names[n] for n in self.static_set}
        # init phase
        self.init_lines = _Lines()
        lay = dict(self.after_static)
        static_set = set(self.static_names)
        for n in cm.noises:
            lay[n] = tuple(comps[n].dims)
        for item in cm.init_order:
            if item[1] in static_set:
                continue
            self.emit_item(item, "init", lay, self.init_lines, 2)
        for s in cm.stocks:
            self.fill_stock(s, lay)
        # dynamic phase
        self.dyn_lines = _Lines()
        lay = dict(self.after_static)
        for s in cm.stocks:
            lay[s] = tuple(comps[s].dims)
        for n in cm.noises + cm.pipes + cm.prevs:
            lay[n] = tuple(comps[n].dims)
        self.dyn_names = []
        for item in cm.dynamic:
            self.emit_item(item, "dynamic", lay, self.dyn_lines, 2, hoist=True)
            if item[1] not in self.dyn_names:
                self.dyn_names.append(item[1])
        self.dyn_layouts = lay
        self.deriv_lines = _Lines()
        for s in cm.stocks:
            self.derivative(s, lay)
        self.rec_lines = _Lines()
        for p in cm.pipes + cm.prevs:
            c = comps[p]
            x = self.val(c.inp, lay)
            H = self.slots.get(("hist", p))
            row = "i" if p in cm.pipes else "i % 2"
            self.rec_lines(3, f"{H}[{row}] = {self.gen(c.inp, lay).align(x, tuple(c.dims))}")
        self.debug_names = list(cm.stocks) + self.static_names + self.dyn_names
        self._factories: dict[tuple, object] = {}

    # -- emission ---------------------------------------------------------------
    def gen(self, n: str, layouts: dict, target=None, where=None, hoist=False) -> VecGen:
        cm = self.cm
        c = cm.components.get(n)
        ctx = Ctx(model=cm.model, comps=cm.components, layouts=layouts, logical=self.logical, names=self.names,
                  slots=self.slots, where=where or cm.display(n),
                  target=tuple(c.dims) if (c is not None and target is None) else (target or ()),
                  static_names=self.static_set, hoist=self.hoist if hoist else None,
                  static_codes=self.static_codes if hoist else set())
        return VecGen(ctx)

    def hoist(self, code: str) -> str:
        """Compute a static sub-expression of a dynamic equation once, in the static phase."""
        name = self.hoisted.get(code)
        if name is None:
            name = f"h{len(self.hoisted)}"
            self.hoisted[code] = name
            self.static_lines(2, f"{name} = {code}")
            self.static_names_extra.append(name)
            self.static_codes.add(name)
        return name

    def val(self, n: str, layouts: dict) -> Val:
        return Val(self.names[n], layouts[n], self.logical[n])

    def emit_item(self, item, phase: str, lay: dict, out: _Lines, depth: int, hoist: bool = False) -> None:
        cm = self.cm
        n = item[1]
        c = cm.components[n]
        name = self.names[n]
        if isinstance(c, (self.Pipe, self.Prev)):
            if phase == "init":
                out(depth, f"{name} = {self.names[c.init]}")
                lay[n] = lay[c.init]
                return
            g = self.gen(n, lay)
            init = g.align(self.val(c.init, lay), tuple(c.dims))
            H = self.slots.get(("hist", n))
            shape = cm.shapes[n]
            if isinstance(c, self.Pipe):
                T = g.align(self.val(c.time, lay), tuple(c.dims))
                t0, dt = self.slots.get(("sys", "initial_time")), self.slots.get(("sys", "dt"))
                cur = g.align(self.val(c.inp, lay), tuple(c.dims)) if n in cm.pipes_current else "None"
                if c.time in self.static_set:
                    box = self.slots.get(("box", n))
                    out(depth, f"{name} = _pipe_static({box}, {H}, time, {T}, {t0}, {dt}, i, {init}, {shape}, {cur}, rec)")
                else:
                    out(depth, f"{name} = _pipe_out({H}, time, {T}, {t0}, {dt}, i, {init}, {shape}, {cur})")
            else:
                out(depth, f"{name} = _prev_out({H}, i, {init}, {shape})")
            lay[n] = tuple(c.dims)
            return
        if isinstance(c, self.Noise):
            Z = self.slots.get(("noise", n))
            out(depth, f"{name} = {Z}[:, {'0' if phase == 'init' else 'i'}]")
            lay[n] = tuple(c.dims)
            return
        stock = c.kind == "stock"
        if stock:
            node, pieces, what = c.initial_node, cm.init_pieces.get(n), "initial value"
        else:
            node, pieces, what = c.node, cm.pieces.get(n), "equation"
        where = cm.display(n) + (" (initial value)" if stock else "")
        g = self.gen(n, lay, where=where, hoist=hoist)
        if pieces is None:
            v = g.expr(node)
            _undeclared(c, v, where, what)
            v = g.to_order(v, tuple(c.dims))
            code = g.as_value(v)
            if c.kind == "flow" and c.non_negative:
                code = f"_maximum({code}, 0.0)"
            out(depth, f"{name} = {code}")
            lay[n] = v.layout
            return
        full = tuple(c.dims)
        allocated = getattr(self, "_allocated", None)
        if allocated is None:
            allocated = self._allocated = set()
        key = (phase, n)
        if item[0] == "whole" or key not in allocated:
            out(depth, f"{name} = _empty(({self.N},) + {pieces.shape})")
            allocated.add(key)
        parts = ([("default", pieces.default)] if pieces.default is not None else []) + list(pieces.overrides)
        if item[0] == "piece":
            parts = [p for p in parts if p[0] == item[2]]
        for pid, pnode in parts:
            v = g.expr(pnode)
            _undeclared(c, v, where, what)
            if pid == "default":
                mask = self.slots.get(("mask", phase, n), pieces.mask)
                src = g.as_value(v) if v.lit is not None else g.align(g.to_order(v, full), full)
                out(depth, f"_copyto({name}, {src}, where={mask})")
            else:
                v = g.to_order(v, full)
                if v.lit is not None:
                    src = num_text(v.lit) or g.as_value(v)
                elif v.layout:
                    src = f"{v.code}[:, {', '.join(str(pid[full.index(d)]) for d in v.layout)}]"
                else:
                    src = v.code
                if c.kind == "flow" and c.non_negative:
                    src = f"_maximum({src}, 0.0)"
                out(depth, f"{name}[:, {', '.join(str(x) for x in pid)}] = {src}")
        if pieces.default is not None and c.kind == "flow" and c.non_negative and item[0] == "whole":
            out(depth, f"_maximum({name}, 0.0, out={name})")
        lay[n] = full

    def fill_stock(self, s: str, lay: dict) -> None:
        cm = self.cm
        c = cm.components[s]
        sl = cm.slices[s]
        g = self.gen(s, lay)
        code = g.align(self.val(s, lay), tuple(c.dims)) if lay[s] != tuple(c.dims) or not c.dims else self.names[s]
        if not c.dims:
            self.init_lines(2, f"S[:, {sl.start}] = _broadcast_to({code}, ({self.N},))")
        elif len(c.dims) == 1:
            self.init_lines(2, f"S[:, {sl.start}:{sl.stop}] = _broadcast_to({code}, ({self.N}, {sl.stop - sl.start}))")
        else:
            shape = cm.shapes[s]
            self.init_lines(2, f"S[:, {sl.start}:{sl.stop}] = _broadcast_to({code}, ({self.N},) + {shape})"
                               f".reshape({self.N}, {sl.stop - sl.start})")

    def derivative(self, s: str, lay: dict) -> None:
        cm = self.cm
        c = cm.components[s]
        if not c.inflows and not c.outflows:
            return
        g = self.gen(s, lay)
        full = tuple(c.dims)
        acc = "0.0"
        for f in c.inflows:
            acc += f" + {g.align(self.val(f, lay), full)}"
        for f in c.outflows:
            acc += f" - {g.align(self.val(f, lay), full)}"
        sl = cm.slices[s]
        if not c.dims:
            self.deriv_lines(2, f"d[:, {sl.start}] = {acc}")
        elif len(c.dims) == 1:
            self.deriv_lines(2, f"d[:, {sl.start}:{sl.stop}] = {acc}")
        else:
            self.deriv_lines(2, f"d[:, {sl.start}:{sl.stop}] = _broadcast_to({acc}, ({self.N},) + {cm.shapes[s]})"
                                f".reshape({self.N}, {sl.stop - sl.start})")

    # -- assembly --------------------------------------------------------------------
    def source(self, save: tuple[str, ...]) -> str:
        cm = self.cm
        L = _Lines()
        save_lines = _Lines()
        for n in save:
            slot = self.slots.get(("out", n))
            v = self.val(n, self.dyn_layouts if n in self.dyn_layouts else self.after_static)
            code = self.gen(n, self.dyn_layouts).align(v, tuple(cm.components[n].dims))
            save_lines(3, f"{slot}[:, k] = {code}")
        L(0, "def _make(R):")
        for j in range(len(self.slots.keys)):
            L(1, f"c{j} = R[{j}]")
        cells = [self.names[n] for n in self.static_names] + self.static_names_extra
        for name in cells:
            L(1, f"{name} = None")
        L(1, "def static():")
        if cells:
            L(2, "nonlocal " + ", ".join(cells))
        L.lines += self.static_lines.lines
        L(2, "return None")
        L(1, "def init(S, time, row):")
        L(2, "i = 0")
        for j, n in enumerate(cm.timeseries):
            L(2, f"{self.names[n]} = row[{j}]")
        L.lines += self.init_lines.lines
        L(2, "return None")
        L(1, "def evaluate(t, s, d, row, i, k, rec, dbg):")
        L(2, "time = t")
        for st in cm.stocks:
            sl, c = cm.slices[st], cm.components[st]
            if not c.dims:
                L(2, f"{self.names[st]} = s[:, {sl.start}]")
            elif len(c.dims) == 1:
                L(2, f"{self.names[st]} = s[:, {sl.start}:{sl.stop}]")
            else:
                L(2, f"{self.names[st]} = s[:, {sl.start}:{sl.stop}].reshape((-1,) + {cm.shapes[st]})")
        for j, n in enumerate(cm.timeseries):
            L(2, f"{self.names[n]} = row[{j}]")
        L.lines += self.dyn_lines.lines
        L.lines += self.deriv_lines.lines
        if self.rec_lines.lines:
            L(2, "if rec:")
            L.lines += self.rec_lines.lines
        if save_lines.lines:
            L(2, "if k >= 0:")
            L.lines += save_lines.lines
        L(2, "if dbg:")
        L(3, "return (" + "".join(self.names[n] + ", " for n in self.debug_names) + ")")
        L(2, "return None")
        L(1, "return static, init, evaluate")
        return "\n".join(L.lines) + "\n"

    def factory(self, save: tuple[str, ...]):
        f = self._factories.get(save)
        if f is None:
            f = build(self.source(save), "_make")
            self._factories[save] = f
        return f


def scalar_possible(cm) -> bool:
    """Whether the scalar (Python float) variant can run ``cm``: no arrays anywhere."""
    from .expr import walk

    for c in cm.components.values():
        if c.dims or getattr(c, "elements", ()):
            return False
        node = c.node if c.kind in ("aux", "flow") else (c.initial_node if c.kind == "stock" else None)
        if node is not None:
            for x in walk(node):
                if isinstance(x, (Index, Subscript)):
                    return False
                if isinstance(x, Call) and (x.func in ("matmul", "inverse", "identity", "rename")
                                            or (x.func in B.REDUCTIONS and len(x.args) > 1)):
                    return False
    return True


class ScalarProgram:
    """Generated Python-float code of a model without arrays: the whole run in one function."""

    def __init__(self, cm, method: str, save: tuple[str, ...]):
        from .compiler import Noise, Pipe, Prev

        self.cm = cm
        self.slots = Slots()
        comps = cm.components
        names: dict[str, str] = {}
        for j, n in enumerate(comps):
            c = comps[n]
            if c.kind == "constant":
                names[n] = self.slots.get(("const", n))
            elif c.kind == "stock":
                names[n] = f"s{j}"
            else:
                names[n] = f"v{j}"
        self.names = names
        ctx = Ctx(model=cm.model, comps=comps, layouts={}, logical={}, names=names, slots=self.slots)
        gen = ScalarGen(ctx)
        L = _Lines()
        L(0, "def _run(R, n_steps, stride, t0, dt):")
        body = _Lines()
        dt_slot = self.slots.get(("sys", "dt"))
        t0_slot = self.slots.get(("sys", "initial_time"))

        def item_code(n, depth, out, phase, stage_names=None):
            c = comps[n]
            nm = names[n]
            ctx.where = cm.display(n)
            if isinstance(c, Pipe):
                if phase == "init":
                    out(depth, f"{nm} = {names[c.init]}")
                else:
                    H = self.slots.get(("hist", n))
                    cur = names[c.inp] if n in cm.pipes_current else "None"
                    out(depth, f"{nm} = _s_pipe({H}, t, {names[c.time]}, {t0_slot}, {dt_slot}, i, {names[c.init]}, "
                               f"{cur})")
                return
            if isinstance(c, Prev):
                if phase == "init":
                    out(depth, f"{nm} = {names[c.init]}")
                return
            if isinstance(c, Noise):
                Z = self.slots.get(("noise", n))
                out(depth, f"{nm} = {Z}[{'0' if phase == 'init' else 'i'}]")
                return
            node = c.initial_node if c.kind == "stock" else c.node
            code = gen.expr(node)
            if c.kind == "flow" and c.non_negative:
                code = f"_s_max({code}, 0.0)"
            out(depth, f"{nm} = {code}")

        static = {it[1] for it in cm.static}
        for it in cm.static:
            item_code(it[1], 1, body, "static")
        body(1, "t = t0")
        body(1, "i = 0")
        for n in cm.timeseries:
            body(1, f"{names[n]} = {self.slots.get(('ts', 0, n))}[0]")
        for it in cm.init_order:
            if it[1] not in static:
                item_code(it[1], 1, body, "init")
        for s in cm.stocks:
            if comps[s].non_negative:
                body(1, f"{names[s]} = _s_max({names[s]}, 0.0)")
        for p in cm.prevs:
            body(1, f"r{cm.prevs.index(p)} = {names[p]}")
        outs = []
        for n in save:
            a = self.slots.get(("out", n))
            outs.append((a, names[n]))
        stocks = cm.stocks
        body(1, "h = dt")
        body(1, "h2 = h / 2")
        body(1, "h6 = h / 6")
        body(1, "k = 0")
        body(1, "chk = 0.0")
        body(1, "for i in range(n_steps + 1):")
        body(2, "ti = t0 + i * dt")
        body(2, "t = ti")

        def stage(depth, ts_key, stock_map):
            saved = {}
            for s in stocks:
                saved[s] = names[s]
                names[s] = stock_map[s]
            for n in cm.timeseries:
                body(depth, f"{names[n]} = {self.slots.get(('ts', ts_key, n))}[i]")
            for it in cm.dynamic:
                item_code(it[1], depth, body, "dynamic")
            ders = []
            for s in stocks:
                c = comps[s]
                if not c.inflows and not c.outflows:
                    ders.append("0.0")
                    continue
                acc = "0.0" + "".join(f" + {names[f]}" for f in c.inflows) + "".join(f" - {names[f]}" for f in c.outflows)
                ders.append(f"({acc})")
            for s in stocks:
                names[s] = saved[s]
            return ders

        ders = stage(2, 0, {s: names[s] for s in stocks})
        for p in cm.pipes:
            body(2, f"{self.slots.get(('hist', p))}.append({names[comps[p].inp]})")
        for p in cm.prevs:
            body(2, f"r{cm.prevs.index(p)} = {names[comps[p].inp]}")
        body(2, "if i % stride == 0:")
        for a, nm in outs:
            body(3, f"{a}({nm})")
        if not outs:
            body(3, "pass")
        body(2, "if i == n_steps:")
        body(3, "break")
        if method == "euler":
            for j in range(len(stocks)):
                body(2, f"d{j} = {ders[j]}")
            for j, s in enumerate(stocks):
                body(2, f"{names[s]} = {names[s]} + dt * d{j}")
        else:
            for j in range(len(stocks)):
                body(2, f"k1_{j} = {ders[j]}")
            for stage_no, (tcode, ts_key, scale, src) in enumerate(
                    [("ti + h2", 1, "h2", "k1_"), ("ti + h2", 1, "h2", "k2_"), ("ti + h", 2, "h", "k3_")]):
                m = {s: f"z{j}" for j, s in enumerate(stocks)}
                for j, s in enumerate(stocks):
                    body(2, f"z{j} = {names[s]} + {scale} * {src}{j}")
                body(2, f"t = {tcode}")
                d2 = stage(2, ts_key, m)
                for j in range(len(stocks)):
                    body(2, f"k{stage_no + 2}_{j} = {d2[j]}")
            for j, s in enumerate(stocks):
                body(2, f"{names[s]} = {names[s]} + h6 * (k1_{j} + 2 * k2_{j} + 2 * k3_{j} + k4_{j})")
        for s in stocks:
            if comps[s].non_negative:
                body(2, f"{names[s]} = _s_max({names[s]}, 0.0)")
        for p in cm.prevs:
            body(2, f"{names[p]} = r{cm.prevs.index(p)}")
        if stocks:
            body(2, "chk = chk + " + " + ".join(names[s] for s in stocks))
        body(1, "return chk")
        for j in range(len(self.slots.keys)):
            L(1, f"c{j} = R[{j}]")
        L.lines += body.lines
        self.source = "\n".join(L.lines) + "\n"
        self.run = build(self.source, "_run")
