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
(``v12``, ``c3``, ``h4``: indices into the compiler's tables, never component names),
integer literals (array positions and sizes), ``repr`` of finite Python floats (which
round-trips exactly), operators, and a fixed set of helper names bound in the module's
namespace. Element names, dimension names, units, documentation and every other string of
the model stay in Python data (tables passed in as arguments); they never reach the source.
Equations reach this module only as the validated expression trees of
:mod:`simulator.engine.expr` (parsed with :func:`ast.parse` and a whitelist).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from . import builtins as B
from .components import RESERVED_NAMES, Lookup, Model, ModelError
from .expr import Bin, Call, IfElse, Index, Node, Num, Str, Sub, Subscript, Unary, Var, to_text

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
        return self.get(("lit", repr(float(v))), np.float64(v))


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
    #: names whose value is fixed for the whole run (constants, static auxiliaries)
    static_names: frozenset = frozenset()
    #: in the dynamic phase: ``hoist(code) -> name`` moves a static sub-expression to the static phase
    hoist: object = None
    #: source names holding static values (for hoisting their broadcast forms)
    static_codes: set = field(default_factory=set)
    #: ``spill(code) -> name`` assigns a deeply nested sub-expression to a local first
    spill: object = None
    #: dynamic names whose value depends on time, constants and time series only (no ensemble axis
    #: unless a constant is set per member); None: no lazy conditionals
    time_only: frozenset | None = None
    #: conditions of the conditionals emitted lazily: condition node -> its code (shared by a program)
    lazy_conds: dict | None = None
    #: counter of the names of lazily evaluated conditions
    counter: list = field(default_factory=lambda: [0])


def too_deep(code: str, limit: int = 30) -> bool:
    """True if ``code`` nests brackets more than ``limit`` deep (Python's parser stops at 200)."""
    if len(code) < 2 * limit:
        return False
    depth = top = 0
    for ch in code:
        if ch in "([{":
            depth += 1
            if depth > top:
                top = depth
        elif ch in ")]}":
            depth -= 1
    return top > limit


def _err(ctx: Ctx, msg: str) -> ModelError:
    return ModelError(f"{ctx.where}: {msg}" if ctx.where else msg)


# ---------------------------------------------------------------------------
# vector emitter
# ---------------------------------------------------------------------------
_VBIN = {"+": "({a} + {b})", "-": "({a} - {b})", "*": "({a} * {b})", "/": "({a} / {b})",
         "**": "_power({a}, {b})", "%": "_mod({a}, {b})",
         "<": "_lt({a}, {b})", "<=": "_le({a}, {b})", ">": "_gt({a}, {b})", ">=": "_ge({a}, {b})",
         "==": "_eq({a}, {b})", "!=": "_ne({a}, {b})", "and": "_land({a}, {b})", "or": "_lor({a}, {b})"}
#: binary operators with a result that has dimensions (see _F_UFUNCS)
_FBIN = {"+": "_fadd({a}, {b})", "-": "_fsub({a}, {b})", "*": "_fmul({a}, {b})", "/": "_fdiv({a}, {b})",
         "**": "_fpower({a}, {b})", "%": "_fmod({a}, {b})"}
#: element-wise helpers of the vector code and their members-innermost variants: a result with
#: dimensions is allocated with the ensemble axis fastest in memory (``order="F"``), whatever
#: the layout of the operands (numpy's default, ``order="K"``, falls back to C order when no
#: operand decides it, e.g. a member's scalar times an unsampled constant). See docs/architecture.md.
_F_UFUNCS = {"_fadd": np.add, "_fsub": np.subtract, "_fmul": np.multiply, "_fdiv": np.divide,
             "_fpower": np.power, "_fmod": np.mod, "_fminimum": np.minimum, "_fmaximum": np.maximum,
             "_fabs": np.abs, "_fexp": np.exp, "_flog": np.log, "_flog10": np.log10, "_fsqrt": np.sqrt,
             "_fsin": np.sin, "_fcos": np.cos, "_ftan": np.tan, "_farcsin": np.arcsin, "_farccos": np.arccos,
             "_farctan": np.arctan, "_ffloor": np.floor, "_fsign": np.sign}
#: the helpers an element-wise call emits -> their variant (binary operators go through _FBIN; the
#: ``_add``/``_subtract`` of derivative assembly, with ``out=``, are never renamed)
_F_NAME = {"_power": "_fpower", "_mod": "_fmod", "_minimum": "_fminimum", "_maximum": "_fmaximum", "_abs": "_fabs",
           "_exp": "_fexp", "_log": "_flog", "_log10": "_flog10", "_sqrt": "_fsqrt", "_sin": "_fsin", "_cos": "_fcos",
           "_tan": "_ftan", "_arcsin": "_farcsin", "_arccos": "_farccos", "_arctan": "_farctan", "_floor": "_ffloor",
           "_sign": "_fsign"}
_F_CALL = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted(map(re.escape, _F_NAME), key=len, reverse=True))
                     + r")\(")


def _members_innermost(fmt: str) -> str:
    """``fmt`` with every helper of :data:`_F_UFUNCS` replaced by its ``order="F"`` variant."""
    return _F_CALL.sub(lambda m: _F_NAME[m.group(1)] + "(", fmt)


def _f_ufunc(u):
    def f(*args):
        return u(*args, order="F")
    f.__name__ = f"{u.__name__}_members_innermost"
    return f


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


def _order(dims: list[Layout]) -> Layout:
    """Dimension order of an element-wise result: that of the operand with the most
    dimensions (the first such), then the others' remaining dimensions in order."""
    if not dims:
        return ()
    widest = max(range(len(dims)), key=lambda j: (len(dims[j]), -j))
    out = dims[widest]
    for d in dims:
        out = merge(out, d)
    return out


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
        """True if ``node`` depends on nothing that changes during a run (memoised per node)."""
        from .expr import children

        memo = self.__dict__.setdefault("_static_memo", {})
        key = id(node)
        hit = memo.get(key)
        if hit is not None:
            return hit[0]
        if isinstance(node, Var):
            ok = (node.name in self.ctx.static_names or node.name in ("dt", "initial_time", "final_time")
                  or isinstance(self.ctx.comps.get(node.name), Lookup))
        elif isinstance(node, Call) and (node.func in B.TIME_DEPENDENT or node.func.startswith("_")):
            ok = False
        else:
            ok = all(self.is_static(c) for c in children(node))
        memo[key] = (ok, node)   # keep the node alive so its id is not reused
        return ok

    def expr(self, node: Node) -> Val:
        v = self._expr(node)
        if (self.ctx.hoist is not None and v.lit is None and not isinstance(node, (Var, Num, Str))
                and self.is_static(node)):
            v = Val(self.ctx.hoist(v.code), v.layout, v.logical)
        elif self.ctx.spill is not None and v.lit is None and too_deep(v.code):
            v = Val(self.ctx.spill(v.code), v.layout, v.logical)
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
                with np.errstate(all="ignore"):
                    return self.lit(float(_FOLD[node.op](np.float64(a.lit), np.float64(b.lit))))
            log = _order([a.logical, b.logical])
            lay = tuple(d for d in log if d in a.layout or d in b.layout)
            fmt = _FBIN.get(node.op, _VBIN[node.op]) if lay else _VBIN[node.op]
            code = fmt.format(a=self.align(a, lay), b=self.align(b, lay))
            return Val(code, lay, log)
        if isinstance(node, IfElse):
            parts = [self.expr(n) for n in (node.cond, node.then, node.orelse)]
            if self.lazy(node.cond, parts[0]):
                return self.lazy_if(node.cond, parts)
            return self.elementwise("_where({}, {}, {})", parts, as_values=True)
        if isinstance(node, Index):
            return self.index(node)
        if isinstance(node, Subscript):
            return self.subscript(node)
        if isinstance(node, Call):
            return self.call(node)
        raise _err(ctx, f"unsupported expression {node!r}")

    def lazy(self, cond: Node, c: Val) -> bool:
        """Whether ``if_then_else(cond, ...)`` evaluates only the branch taken: ``cond`` is a scalar
        that depends on time, constants and time series only (so it has no ensemble axis, unless a
        constant of it is set per member: checked when the step runs)."""
        from .expr import walk

        ctx = self.ctx
        if ctx.time_only is None or c.lit is not None or c.layout or c.logical:
            return False
        ok = ctx.time_only | ctx.static_names | RESERVED_NAMES
        for x in walk(cond):
            if isinstance(x, Var) and x.name not in ok:
                return False
            if isinstance(x, Call) and x.func.startswith("_"):
                return False
        return True

    def lazy_if(self, cond: Node, parts: list[Val]) -> Val:
        """``if_then_else`` with a time-only condition: the branch taken when the condition is a
        scalar at run time (``numpy.where`` otherwise, as for any condition). The branch is
        broadcast to the dimensions ``where`` would have given it, so values and layouts agree."""
        c, a, b = parts
        log = _order([p.logical for p in parts])
        lay = tuple(d for d in log if any(d in p.layout for p in parts))
        sizes = tuple(self.size(d) for d in lay)

        def branch(p: Val) -> str:
            if p.lit is not None:
                return self.as_value(p)
            code = self.align(p, lay)
            return code if p.layout == lay or not lay else f"_bfull({code}, {sizes})"

        ctx = self.ctx
        ctx.counter[0] += 1
        q = f"q{ctx.counter[0]}"
        ccode = c.code
        ctx.lazy_conds.setdefault(cond, ccode)
        ta, tb = branch(a), branch(b)
        wa, wb = (self.as_value(p) if p.lit is not None else self.align(p, lay) for p in (a, b))
        wc = self._align(Val(q, (), ()), lay)
        code = f"(({ta}) if {q} else ({tb})) if _is0({q} := {ccode}) else _where({wc}, {wa}, {wb})"
        return Val(f"({code})", lay, log)

    def elementwise(self, fmt: str, parts: list[Val], as_values: bool = False) -> Val:
        log = _order([p.logical for p in parts])
        lay = tuple(d for d in log if any(d in p.layout for p in parts))
        if lay:
            fmt = _members_innermost(fmt)
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
        if f == "shift":
            return self.shift(node)
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

    def shift(self, node: Call) -> Val:
        """``shift(x, 'dim', k)``: the value ``k`` positions earlier along ``dim`` (0 for the first ``k``)."""
        ctx = self.ctx
        x, d, k = node.args
        usage = "shift() takes a value, a dimension name in quotes and a number of positions, e.g. shift(x, 'age', 1)"
        if not isinstance(d, Str):
            raise _err(ctx, usage)
        if not isinstance(k, Num) or not float(k.value).is_integer() or k.value < 1:
            raise _err(ctx, f"shift(): the number of positions must be a whole number >= 1 written in the equation, "
                            f"got {to_text(k)}")
        v = self.expr(x)
        dim = self.dim_args(node, [d], v)[0]
        n, k = self.size(dim), int(k.value)
        if k >= n:
            raise _err(ctx, f"shift(): {k} positions is not fewer than the {n} elements of {dim!r} (the result would be 0)")
        return Val(f"_shift({self.full(v)}, {1 + v.logical.index(dim)}, {k})", v.logical, v.logical)

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
        if f == "_solve":   # matmul(inverse(M), b) without the inverse (compiler._solve_inverses)
            m, b = self.expr(node.args[0]), self.expr(node.args[1])
            out = m.logical[1:] + b.logical[1:]
            return Val(f"_solve({self.full(m)}, {self.full(b)})", out, out)
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

    def expr(self, node: Node) -> str:
        code = self._expr(node)
        if self.ctx.spill is not None and too_deep(code):
            code = self.ctx.spill(code)
        return code

    def _expr(self, node: Node) -> str:  # noqa: C901 - one branch per node type / builtin
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
                with np.errstate(all="ignore"):
                    v = float(_FOLD[node.op](np.float64(node.left.value), np.float64(node.right.value)))
                return self.num(v)
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


def _dview(d, a: int, b: int, shape):
    """Columns ``a:b`` of the C-contiguous ``(N, n_state)`` array ``d`` as an ``(N, *shape)`` view."""
    v = d[:, a:b].view()
    v.shape = (d.shape[0],) + tuple(shape)   # raises rather than copying if no view is possible
    return v


def _is0(x) -> bool:
    """Whether ``x`` is a scalar (no ensemble axis): a lazily evaluated condition."""
    return getattr(x, "ndim", 0) == 0


def _need(cond, branch: bool) -> bool:
    """Whether a value used only in one branch of a lazy conditional is needed this step."""
    return getattr(cond, "ndim", 0) != 0 or bool(cond) == branch


def _fill_static(out, value):
    """Write a value fixed for the run into every saved time of its ``(N, T, ...)`` output."""
    v = np.asarray(value)
    out[...] = v if v.ndim == 0 else v[:, None]


def _s_safediv(a, b, alt):
    return a / b if b != 0 else alt


NAMESPACE = {
    "_np": np, "_asarray": np.asarray, "_transpose": np.transpose, "_take": np.take,
    "_where": np.where, "_power": np.power, "_mod": np.mod, "_add": np.add, "_subtract": np.subtract,
    "_lt": _cmp(np.less), "_le": _cmp(np.less_equal), "_gt": _cmp(np.greater), "_ge": _cmp(np.greater_equal),
    "_eq": _cmp(np.equal), "_ne": _cmp(np.not_equal),
    "_land": lambda a, b: np.logical_and(a, b).astype(float),
    "_lor": lambda a, b: np.logical_or(a, b).astype(float),
    "_lnot": lambda a: np.logical_not(a).astype(float),
    "_abs": np.abs, "_exp": np.exp, "_log": np.log, "_log10": np.log10, "_sqrt": np.sqrt, "_sin": np.sin,
    "_cos": np.cos, "_tan": np.tan, "_arcsin": np.arcsin, "_arccos": np.arccos, "_arctan": np.arctan,
    "_floor": np.floor, "_sign": np.sign, "_round": B.round_half_away,
    "_minimum": np.minimum, "_maximum": np.maximum,
    "_sum": B.sum_axes, "_mean": B.c_order(np.mean), "_amin": np.min, "_amax": np.max,
    "_prod": B.c_order(np.prod), "_std": B.c_order(np.std),
    "_interp": np.interp, "_interp_el": B.interp_elements, "_dview": _dview, "_lookup_mode": B.lookup_mode,
    "_s_lookup_mode": B.s_lookup_mode, "_bfull": _bfull, "_matmul": B.matmul, "_shift": B.shift,
    "_inverse": B.inverse, "_solve": B.solve, "_rootn": B.rootn, "_safediv": B.safediv, "_step": B.step, "_ramp": B.ramp,
    "_pulse": B.pulse, "_poisson_ppf": B.poisson_ppf, "_tri_ppf": B.triangular_ppf,
    "_lognormal": B.lognormal_from_moments, "_copyto": np.copyto, "_empty": np.empty,
    "_broadcast_to": np.broadcast_to, "_fill_static": _fill_static, "_is0": _is0, "_need": _need,
    # scalar variant
    "_mpow": math.pow, "_mexp": math.exp, "_mlog": math.log, "_mlog10": math.log10, "_msqrt": math.sqrt,
    "_msin": math.sin, "_mcos": math.cos, "_mtan": math.tan, "_masin": math.asin, "_macos": math.acos,
    "_matan": math.atan, "_mfloor": math.floor, "_s_sign": B.s_sign, "_s_round": B.s_round,
    "_s_min": B.s_min, "_s_max": B.s_max, "_s_rootn": B.s_rootn, "_s_interp": B.s_interp,
    "_s_step": B.s_step, "_s_ramp": B.s_ramp, "_s_pulse": B.s_pulse, "_s_safediv": _s_safediv,
    "_pipe_out": B.pipe_out, "_pipe_static": B.pipe_static, "_s_pipe": B.s_pipe, "_prev_out": B.prev_out,
}
NAMESPACE.update({k: _f_ufunc(u) for k, u in _F_UFUNCS.items()})

_CODE_CACHE: dict[str, object] = {}


def build(source: str, entry: str, plain: bool = False):
    """Compile generated ``source`` (cached by its text) and return its function ``entry``
    (``plain``: the element-wise helpers of :data:`_F_UFUNCS` bound to numpy's ufuncs themselves,
    default layout, for one-member runs)."""
    code = _CODE_CACHE.get(source)
    if code is None:
        code = compile(source, "<regsim generated model>", "exec")
        if len(_CODE_CACHE) > 256:
            _CODE_CACHE.clear()
        _CODE_CACHE[source] = code
    ns = dict(NAMESPACE)
    if plain:
        ns.update(_F_UFUNCS)
    exec(code, ns)  # noqa: S102 - generated from validated trees only (module docstring)
    return ns[entry]
