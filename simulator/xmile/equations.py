"""XMILE equation syntax -> regsim expression trees.

A small hand-written tokenizer and recursive-descent parser for the XMILE
1.0 expression language (OASIS standard, section 3.3). It produces the same
frozen nodes as :func:`simulator.engine.expr.parse` (:class:`Num`,
:class:`Var`, :class:`Call`, ...), so an imported model is an ordinary regsim
model. Nothing here calls ``eval`` or ``exec``: text that is not an XMILE
expression is refused with :class:`~simulator.xmile.errors.XmileError`.

Precedence, loosest first (XMILE 1.0, 3.3.1)::

    IF c THEN a ELSE b
    OR
    AND
    =  <>
    <  <=  >  >=
    +  -
    *  /  MOD
    unary  -  +  NOT
    ^                      (right-associative: 2^3^2 = 2^9; -2^2 = -4)
    f(...)  x[...]  (...)

Names are case-insensitive and spaces and underscores are equivalent
(``Stock_1`` = ``"Stock 1"`` = ``STOCK 1``); see :func:`canonical`.
Comments in braces ``{...}`` are ignored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from simulator.engine.expr import Bin, Call, IfElse, Index, Node, Num, Unary, Var

from .errors import XmileError

_MAX_EQUATION_CHARS = 100_000
_MAX_DEPTH = 60

# -- names ---------------------------------------------------------------------

_SEP = re.compile(r"(?:\\n|\\r|[\s_])+")


def canonical(name: str) -> str:
    """The XMILE canonical form of a name: case-folded, spaces = underscores.

    >>> canonical('Stock  1') == canonical('stock_1') == 'stock_1'
    True
    """
    name = name.strip()
    if '"' in name and not (len(name) >= 2 and name[0] == name[-1] == '"' and '"' not in name[1:-1]):
        parts = _split_dotted(name)
        if len(parts) > 1:  # a module-qualified name with quoted parts: Staff."Head count"
            return ".".join(canonical(p) for p in parts)
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].replace('\\"', '"')
    return _SEP.sub("_", name.casefold()).strip("_")


def _split_dotted(name: str) -> list[str]:
    """Split ``a."b.c".d`` at the dots outside quotes."""
    parts, cur, quoted, i = [], [], False, 0
    while i < len(name):
        ch = name[i]
        if ch == "\\" and quoted and i + 1 < len(name):
            cur.append(name[i:i + 2])
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        if ch == "." and not quoted:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


# -- symbols -------------------------------------------------------------------


@dataclass(frozen=True)
class Symbol:
    """What a name in an equation refers to.

    Parameters
    ----------
    ident : str
        The regsim component name.
    kind : str
        ``'stock'``, ``'flow'``, ``'aux'``, ``'gf'`` (a standalone graphical
        function, callable only) or ``'aux_gf'`` (an auxiliary with an
        embedded graphical function: a value, and callable as a function).
    gf : str or None
        For ``'gf'`` and ``'aux_gf'``: the name of the regsim :class:`Lookup`.
    dims : tuple of str
        Dimensions the variable is arrayed over.
    """

    ident: str
    kind: str = "aux"
    gf: str | None = None
    dims: tuple[str, ...] = ()
    element_gfs: tuple[tuple[str, str], ...] = ()  # (canonical element, Lookup name): one table per element


#: names with a fixed meaning in XMILE equations -> regsim names
SPECIAL_NAMES = {
    "time": "time",
    "dt": "dt",
    "starttime": "initial_time",
    "stoptime": "final_time",
}


#: names that stand for a number when the model defines no variable of that name
CONSTANT_NAMES = {"pi": math.pi, "inf": math.inf}


# -- tokens --------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<qname>"(?:\\.|[^"\\])*")
  | (?P<name>[^\W\d][\w$']*)
  | (?P<op><=|>=|<>|[-+*/^(),\[\]<>=:!.])
    """,
    re.VERBOSE | re.UNICODE,
)
_KEYWORDS = {"if", "then", "else", "and", "or", "not", "mod"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # num, name, qname, op, kw, end
    text: str
    pos: int


def _strip_comments(text: str, variable: str | None) -> str:
    out, depth, in_quote = [], 0, False
    for ch in text:
        if ch == '"' and depth == 0:
            in_quote = not in_quote
        if not in_quote:
            if ch == "{":
                depth += 1
                continue
            if ch == "}":
                if depth == 0:
                    raise XmileError(f"unmatched '}}' in equation {text!r}", variable=variable)
                depth -= 1
                continue
        if depth == 0:
            out.append(ch)
    if depth:
        raise XmileError(f"unterminated comment in equation {text!r}", variable=variable)
    return "".join(out)


def tokenize(text: str, variable: str | None = None) -> list[_Tok]:
    """Split an equation into tokens (raises :class:`XmileError` on stray characters)."""
    text = _strip_comments(text, variable)
    toks: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise XmileError(f"unexpected character {text[pos]!r} at position {pos} in equation {text!r}",
                             variable=variable)
        kind = m.lastgroup
        tok = m.group()
        if kind == "name" and tok.casefold() in _KEYWORDS:
            toks.append(_Tok("kw", tok.casefold(), pos))
        elif kind != "ws":
            toks.append(_Tok(kind, tok, pos))
        pos = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


# -- builtins ------------------------------------------------------------------

Builder = Callable[[Sequence[Node]], Node]


def _same(name: str) -> Builder:
    return lambda args: Call(name, tuple(args))


def _trunc(x: Node) -> Node:
    # XMILE INT (standard, Stella, simlin): the largest integer not above x, INT(-0.875) = -1.
    # (Vensim's INTEGER truncates toward zero; files converted from Vensim keep that meaning only
    # in Vensim: see docs/xmile.md.)
    return Call("int", (x,))


def _mod(a: Node, b: Node) -> Node:
    # a MOD b = a - b*INT(a/b) with INT the floor: the remainder takes the sign of b (-10 MOD 3 = 2).
    return Call("mod", (a, b))


def _safediv(args: Sequence[Node]) -> Node:
    a, b = args[0], args[1]
    alt = args[2] if len(args) == 3 else Num(0.0)
    return IfElse(Bin("==", b, Num(0.0)), alt, Bin("/", a, b))


def _rootn(args: Sequence[Node]) -> Node:
    return Bin("**", args[0], Bin("/", Num(1.0), args[1]))


def _hyperbolic(kind: str) -> Builder:
    def build(args: Sequence[Node]) -> Node:
        x = args[0]
        ep, em = Call("exp", (x,)), Call("exp", (Unary("-", x),))
        if kind == "sinh":
            return Bin("/", Bin("-", ep, em), Num(2.0))
        if kind == "cosh":
            return Bin("/", Bin("+", ep, em), Num(2.0))
        return Bin("/", Bin("-", ep, em), Bin("+", ep, em))
    return build


def _trend(args: Sequence[Node]) -> Node:
    # TREND(x, T[, g0]): fractional change rate of x per time unit, against a first-order
    # smooth of x over T that starts where a trend of g0 would have put it:
    #   avg = SMTH1(x, T, x / (1 + T*g0)),  TREND = (x - avg) / (|avg| * T)  (0 if that is 0/0)
    x, T = args[0], args[1]
    g0 = args[2] if len(args) > 2 else Num(0.0)
    avg = Call("smooth", (x, T, Bin("/", x, Bin("+", Num(1.0), Bin("*", T, g0)))))
    den = Bin("*", Call("abs", (avg,)), T)
    return IfElse(Bin("==", den, Num(0.0)), Num(0.0), Bin("/", Bin("-", x, avg), den))


#: XMILE builtin (canonical name) -> (min args, max args, builder)
BUILTINS: dict[str, tuple[int, int, Builder]] = {
    **{f: (1, 1, _same(f)) for f in ("abs", "exp", "ln", "log10", "sqrt", "sin", "cos", "tan",
                                      "arcsin", "arccos", "arctan")},
    "int": (1, 1, lambda a: _trunc(a[0])),
    "mod": (2, 2, lambda a: _mod(a[0], a[1])),
    "modulo": (2, 2, lambda a: _mod(a[0], a[1])),
    "rootn": (2, 2, _rootn),
    "sinh": (1, 1, _hyperbolic("sinh")),
    "cosh": (1, 1, _hyperbolic("cosh")),
    "tanh": (1, 1, _hyperbolic("tanh")),
    "trend": (2, 3, _trend),
    "min": (1, 99, _same("min")),
    "max": (1, 99, _same("max")),
    "sum": (1, 1, _same("sum")),
    "mean": (1, 99, lambda a: Call("mean", tuple(a)) if len(a) == 1
             else Bin("/", _sum_nodes(a), Num(float(len(a))))),
    "pi": (0, 0, lambda a: Num(math.pi)),
    "inf": (0, 0, lambda a: Num(math.inf)),
    "step": (2, 2, _same("step")),
    "ramp": (2, 3, _same("ramp")),
    "pulse": (2, 3, _same("pulse")),
    "smth1": (2, 3, _same("smooth")),
    "smth3": (2, 3, _same("smooth3")),
    "smthn": (3, 4, _same("smoothn")),
    "delay": (2, 3, _same("delay")),
    "delay1": (2, 3, _same("delay1")),
    "delay3": (2, 3, _same("delay3")),
    "delayn": (3, 4, _same("delayn")),
    "init": (1, 1, _same("init")),
    "safediv": (2, 3, _safediv),
    "time": (0, 0, lambda a: Var("time")),
    "dt": (0, 0, lambda a: Var("dt")),
    "starttime": (0, 0, lambda a: Var("initial_time")),
    "stoptime": (0, 0, lambda a: Var("final_time")),
}

#: XMILE builtins that map one to one onto an engine builtin *when the engine has it*
#: (XMILE name -> (engine name, min args, max args)); until then each is refused by name.
ENGINE_BUILTINS: dict[str, tuple[str, int, int]] = {
    "previous": ("previous", 1, 2), "npv": ("npv", 2, 4), "forcst": ("forcst", 3, 4),
    "normal": ("normal", 2, 3), "uniform": ("uniform", 2, 3), "random": ("uniform", 2, 3),
    "exprnd": ("exprnd", 1, 2), "lognormal": ("lognormal", 2, 3), "poisson": ("poisson", 1, 2),
    "triangular": ("triangular", 3, 4), "percent": ("percent", 1, 1), "round": ("round", 1, 1),
    "stddev": ("stddev", 1, 1), "prod": ("prod", 1, 1),
}


def engine_has(name: str) -> bool:
    """Whether the engine implements builtin ``name`` (pure or stateful)."""
    from simulator.engine import builtins as B

    known = set(B.PURE_ARITY) | set(B.STATEFUL_ARITY) | set(getattr(B, "STOCHASTIC_ARITY", {}))
    return name in known


#: XMILE builtins regsim refuses (stateful or stochastic ones it does not implement)
UNSUPPORTED_BUILTINS = {
    "forcst", "previous", "self", "history", "exprnd", "lognormal", "normal",
    "poisson", "random", "binomial", "uniform", "triangular", "weibull", "gamma", "beta",
    "negbinomial", "geometric", "logistic", "pareto", "montecarlo",
    "stddev", "npv", "delay_fixed", "counter", "interpolate", "percent", "lookup_forward",
    "lookup_backward", "lookupmean", "lookup_function_table", "get_data_between_times", "get_direct_data",
    "get_direct_constants", "ismoduleinput", "rank", "prod",
}


def _sum_nodes(nodes: Sequence[Node]) -> Node:
    out = nodes[0]
    for n in nodes[1:]:
        out = Bin("+", out, n)
    return out


# -- parser --------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, symbols: Mapping[str, Symbol] | None,
                 dimensions: Mapping[str, Sequence[str]] | None, variable: str | None,
                 target_dims: Sequence[str] = (), reindex: Callable | None = None,
                 self_ident: str | None = None):
        self.self_ident = self_ident
        self.target = tuple(canonical(d) for d in target_dims)
        self.reindex = reindex
        self.in_reduction = 0
        self.starred: dict[int, list[str]] = {}  # id(Subscript node) -> dims written as * in it
        self.keep_alive: list[Node] = []
        self.text = text
        self.symbols = symbols
        self.dimensions = {canonical(k): tuple(v) for k, v in (dimensions or {}).items()}
        self.variable = variable
        self.toks = tokenize(text, variable)
        self.i = 0
        self.depth = 0

    # helpers
    def error(self, msg: str, tok: _Tok | None = None) -> XmileError:
        tok = tok or self.peek()
        where = f"at position {tok.pos}" if tok.kind != "end" else "at end"
        return XmileError(f"{msg} {where} in equation {self.text!r}", variable=self.variable)

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def next(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def accept(self, kind: str, text: str | None = None) -> _Tok | None:
        tok = self.peek()
        if tok.kind == kind and (text is None or tok.text == text):
            self.i += 1
            return tok
        return None

    def expect(self, kind: str, text: str) -> _Tok:
        tok = self.accept(kind, text)
        if tok is None:
            got = self.peek().text or "end of equation"
            raise self.error(f"expected {text.upper() if kind == 'kw' else repr(text)}, found {got!r}")
        return tok

    # grammar
    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise XmileError(f"empty equation {self.text!r}", variable=self.variable)
        node = self.expr()
        if self.peek().kind != "end":
            raise self.error(f"unexpected {self.peek().text!r}")
        return node

    def expr(self) -> Node:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise XmileError(f"equation nested deeper than {_MAX_DEPTH} levels", variable=self.variable)
        try:
            if self.accept("kw", "if"):
                cond = self.expr()
                self.expect("kw", "then")
                then = self.expr()
                self.expect("kw", "else")
                orelse = self.expr()
                return IfElse(cond, then, orelse)
            return self.or_expr()
        finally:
            self.depth -= 1

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.accept("kw", "or"):
            node = Bin("or", node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.eq_expr()
        while self.accept("kw", "and"):
            node = Bin("and", node, self.eq_expr())
        return node

    def eq_expr(self) -> Node:
        node = self.rel_expr()
        while True:
            if self.accept("op", "="):
                node = Bin("==", node, self.rel_expr())
            elif self.accept("op", "<>"):
                node = Bin("!=", node, self.rel_expr())
            else:
                return node

    def rel_expr(self) -> Node:
        node = self.add_expr()
        while self.peek().kind == "op" and self.peek().text in ("<", "<=", ">", ">="):
            op = self.next().text
            node = Bin(op, node, self.add_expr())
        return node

    def add_expr(self) -> Node:
        node = self.mul_expr()
        while self.peek().kind == "op" and self.peek().text in ("+", "-"):
            op = self.next().text
            node = Bin(op, node, self.mul_expr())
        return node

    def mul_expr(self) -> Node:
        node = self.unary()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.text in ("*", "/"):
                self.next()
                node = Bin(tok.text, node, self.unary())
            elif tok.kind == "kw" and tok.text == "mod":
                self.next()
                node = _mod(node, self.unary())
            else:
                return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.text in ("-", "+"):
            self.next()
            operand = self.unary()
            if tok.text == "+":
                return operand
            return Num(-operand.value) if isinstance(operand, Num) else Unary("-", operand)
        if tok.kind == "kw" and tok.text == "not":
            self.next()
            return Unary("not", self.unary())
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.accept("op", "^"):
            return Bin("**", base, self.unary())  # right-associative, exponent may be signed
        return base

    def postfix(self) -> Node:
        return self.primary()

    def primary(self) -> Node:
        tok = self.next()
        if tok.kind == "num":
            return Num(float(tok.text))
        if tok.kind == "op" and tok.text == "(":
            node = self.expr()
            self.expect("op", ")")
            return node
        if tok.kind == "kw" and tok.text == "if":
            self.i -= 1
            return self.expr()
        if tok.kind in ("name", "qname"):
            if self.peek().kind == "op" and self.peek().text == "." and \
                    self.toks[self.i + 1].kind in ("name", "qname"):
                tok = self.dotted(tok)
            if canonical(tok.text) == "size" and self.peek().text == "(":
                return self.size_of(tok)
            if canonical(tok.text) == "lookup" and self.accept("op", "("):
                gf_tok = self.next()
                if gf_tok.kind in ("name", "qname") and self.peek().text == "." and \
                        self.toks[self.i + 1].kind in ("name", "qname"):
                    gf_tok = self.dotted(gf_tok)
                sub = None
                if self.accept("op", "["):
                    sub = self.next()
                    self.expect("op", "]")
                self.expect("op", ",")
                arg = self.expr()
                self.expect("op", ")")
                if sub is not None:
                    return self.element_lookup(gf_tok, sub, arg)
                return self.call(gf_tok, [arg])
            if self.accept("op", "("):
                args = []
                red = int(canonical(tok.text) in ("sum", "mean", "min", "max", "prod", "stddev"))
                self.in_reduction += red
                if not self.accept("op", ")"):
                    while True:
                        args.append(self.expr())
                        if self.accept("op", ")"):
                            break
                        self.expect("op", ",")
                self.in_reduction -= red
                return self.call(tok, args)
            node = self.reference(tok)
            if self.accept("op", "["):
                node = self.subscript(node, tok)
            return node
        if tok.kind == "end":
            raise self.error("unexpected end of equation", tok)
        raise self.error(f"unexpected {tok.text!r}", tok)

    def subscript_nd(self, node: Node, name_tok: _Tok, subs: list[str]) -> Node:
        """``x[a, B, *]`` of a variable over several dimensions: the engine's positional
        ``Subscript`` (an element, the dimension itself or a subrange of it, or ``*``)."""
        from simulator.engine.expr import Sub, Subscript

        sym = self.symbols.get(canonical(name_tok.text)) if self.symbols is not None else None
        dims = tuple(sym.dims) if sym is not None else ()
        if len(subs) != len(dims):
            raise XmileError(f"{name_tok.text}[{', '.join(subs)}]: {len(subs)} subscripts for a variable over "
                             f"{len(dims)} dimension(s)", variable=self.variable, construct="array")
        items, starred = [], []
        for sub, d in zip(subs, dims):
            own = canonical(d)
            key = canonical(sub)
            if sub == "*":
                items.append(Sub("all"))
                starred.append(d)
            elif sub.startswith("*:"):
                rng = canonical(sub[2:])
                if rng == own:
                    items.append(Sub("all"))
                    starred.append(d)
                elif self.is_subrange(rng, own):
                    items.append(Sub("dim", self.dim_ident(rng)))
                    starred.append(self.dim_ident(rng))
                else:
                    raise XmileError(f"{name_tok.text}[{', '.join(subs)}]: {sub[2:]!r} is not a subrange of {d!r}",
                                     variable=self.variable, construct="subrange")
            elif key in self.dimensions:
                if key != own and not self.is_subrange(key, own):
                    raise XmileError(f"{name_tok.text}[{', '.join(subs)}]: dimension {sub!r} stands for {d!r} but "
                                     f"its elements are not {d!r}'s and the file does not say which element maps to "
                                     "which", variable=self.variable, construct="subscript mapping")
                items.append(Sub("all") if key == own else Sub("dim", self.dim_ident(key)))
            else:
                hit = [e for e in self.dimensions.get(own, ()) if canonical(e) == key]
                if not hit:
                    raise XmileError(f"{name_tok.text}[{', '.join(subs)}]: {sub!r} is not an element of dimension "
                                     f"{d!r}", variable=self.variable)
                items.append(Sub("element", hit[0]))
        out = Subscript(node, tuple(items))
        if starred:
            self.starred.setdefault(id(out), []).extend(starred)
            self.keep_alive.append(out)
        return out

    def is_subrange(self, sub: str, parent: str) -> bool:
        es, ep = self.dimensions.get(sub, ()), self.dimensions.get(parent, ())
        keys = {canonical(e) for e in ep}
        return len(es) < len(ep) and all(canonical(e) in keys for e in es)

    def dim_ident(self, key: str) -> str:
        return identifier(key)

    def computed_index(self, node: Node, name_tok: _Tok, k: Node) -> Node:
        """``x[k]`` with k an expression: element number k (1-based, rounded down); NaN outside."""
        self.expect("op", "]")
        sym = self.symbols.get(canonical(name_tok.text)) if self.symbols is not None else None
        if sym is None or len(sym.dims) != 1:
            raise XmileError(f"{name_tok.text}[...]: a computed index needs a one-dimensional variable",
                             variable=self.variable, construct="computed subscript")
        elems = self.dimensions.get(canonical(sym.dims[0]), ())
        kk = Call("int", (k,))
        out: Node = Num(math.nan)
        for i in range(len(elems) - 1, -1, -1):
            out = IfElse(Bin("==", kk, Num(float(i + 1))), Index(node, elems[i]), out)
        return out

    def element_lookup(self, gf_tok: _Tok, sub: _Tok, arg: Node) -> Node:
        """``LOOKUP(tables[e], x)`` (element e's table) or ``LOOKUP(tables[Dim], x)`` (each element's)."""
        sym = self.symbols.get(canonical(gf_tok.text)) if self.symbols is not None else None
        tables = dict(sym.element_gfs) if sym is not None else {}
        key = canonical(sub.text)
        if not tables and sym is not None and sym.gf is not None:
            return Call(sym.gf, (arg,))  # one table shared by every element
        if not tables:
            raise XmileError(f"LOOKUP({gf_tok.text}[{sub.text}], ...): {gf_tok.text!r} has no graphical function "
                             "per element", variable=self.variable, construct="arrayed graphical function")
        if key in tables:
            return Call(tables[key], (arg,))
        own = canonical(sym.dims[0]) if sym.dims else None
        if key == own and self.reindex is not None:
            return self.reindex(own, [Call(tables[canonical(e)], (arg,)) for e in self.dimensions[own]])
        raise XmileError(f"LOOKUP({gf_tok.text}[{sub.text}], ...): {sub.text!r} is not an element of "
                         f"{gf_tok.text!r}", variable=self.variable)

    def remap(self, node: Node, name: str, own: str, to: str) -> Node:
        """``x`` (over ``own``) seen over dimension ``to``, element by element by name: ``to`` must be a
        subrange of ``own`` (its elements are among own's) or have the same elements."""
        eo, et = self.dimensions[own], self.dimensions[to]
        by_key = {canonical(e): e for e in eo}
        if not all(canonical(e) in by_key for e in et):
            # Vensim's mappings (DimB -> DimA) do not survive conversion to XMILE (xmutil drops them)
            # and XMILE 1.0 has no syntax for them: matching by position would silently give wrong
            # numbers for any other mapping (SDEverywhere's multimap maps B1..B3 to A3..A1)
            raise XmileError(f"{name}[...] over {own!r} used over {to!r}: the elements of {to!r} are not "
                             f"elements of {own!r} and the file does not say which element maps to which",
                             variable=self.variable, construct="subscript mapping")
        pairs = [by_key[canonical(e)] for e in et]
        return self.reindex(to, [Index(node, e) for e in pairs])

    def size_of(self, tok: _Tok) -> Node:
        """``SIZE(Dim)``, ``SIZE(x)``, ``SIZE(x[*])``: the number of elements (1 for a scalar), a number."""
        self.expect("op", "(")
        arg = self.next()
        if arg.kind not in ("name", "qname"):
            raise self.error("SIZE expects a dimension or an arrayed variable", arg)
        key = canonical(arg.text)
        if key in self.dimensions and self.accept("op", ")"):
            return Num(float(len(self.dimensions[key])))
        sym = self.symbols.get(key) if self.symbols is not None else None
        if sym is None:
            raise XmileError(f"SIZE({arg.text}): {arg.text!r} is neither a dimension nor a variable",
                             variable=self.variable)
        if self.accept("op", "["):
            while not self.accept("op", "]"):
                t = self.next()
                if t.kind == "end":
                    raise self.error("expected ']'")
                if t.kind == "name" and canonical(t.text) not in self.dimensions or t.kind == "num":
                    raise XmileError(f"SIZE of a selection ({arg.text}[...]) is not supported",
                                     variable=self.variable, construct="SIZE")
        self.expect("op", ")")
        n = 1
        for d in sym.dims:
            n *= len(self.dimensions.get(canonical(d), ()))
        return Num(float(n))

    def dotted(self, first: _Tok) -> _Tok:
        """``module.var`` (or ``a.b.c``): one name token holding the qualified name."""
        parts = [canonical(first.text)]
        while self.peek().kind == "op" and self.peek().text == "." and \
                self.toks[self.i + 1].kind in ("name", "qname"):
            self.i += 1
            parts.append(canonical(self.next().text))
        return _Tok("name", ".".join(parts), first.pos)

    # name resolution
    def reference(self, tok: _Tok) -> Node:
        key = canonical(tok.text)
        if self.symbols is None:
            if key in SPECIAL_NAMES:
                return Var(SPECIAL_NAMES[key])
            if key in CONSTANT_NAMES:
                return Num(CONSTANT_NAMES[key])
            return Var(identifier(key))
        sym = self.symbols.get(key)
        if sym is None and "." in key:
            dim, _, elem = key.partition(".")
            if dim in self.dimensions:
                els = [canonical(e) for e in self.dimensions[dim]]
                if elem in els:
                    return Num(float(els.index(elem) + 1))  # Dim.element: its position, 1-based
        if sym is None:
            if key in SPECIAL_NAMES:
                return Var(SPECIAL_NAMES[key])
            if key in self.dimensions and self.reindex is not None and key in self.target:
                # a dimension's name in an equation over it: the position of the element (1-based)
                return self.reindex(key, [Num(float(i + 1)) for i in range(len(self.dimensions[key]))])
            if key == "self" and self.self_ident:
                return Var(self.self_ident)  # Stella's SELF: the variable being defined (in PREVIOUS)
            if key in CONSTANT_NAMES:
                return Num(CONSTANT_NAMES[key])
            words = [tok.text]
            j = self.i
            while self.toks[j].kind == "name":
                words.append(self.toks[j].text)
                j += 1
            if len(words) > 1 and self.toks[j].kind == "op" and self.toks[j].text == "(":
                fname = " ".join(words)
                raise XmileError(f"unknown function {fname!r} in equation {self.text!r} (not an XMILE builtin "
                                 "regsim knows, nor a graphical function or macro defined in the file)",
                                 variable=self.variable, construct=fname)
            raise XmileError(f"unknown name {tok.text!r} in equation {self.text!r}", variable=self.variable)
        if sym.kind == "gf":
            raise XmileError(f"graphical function {tok.text!r} used as a value (call it: {tok.text}(x))",
                             variable=self.variable)
        return Var(sym.ident)

    def subscript(self, node: Node, name_tok: _Tok) -> Node:
        subs = []
        while True:
            tok = self.next()
            nxt = self.peek()
            if not (tok.kind in ("name", "qname", "num") and nxt.kind == "op" and nxt.text in ("]", ",")) \
                    and not (tok.kind == "op" and tok.text == "*"):
                # a computed (1-based) index: x[INT(TIME MOD 5) + 1]
                self.i -= 1
                if subs:
                    raise self.error(f"computed index in a multi-dimensional subscript of {name_tok.text!r}")
                return self.computed_index(node, name_tok, self.expr())
            if tok.kind in ("name", "qname", "num"):
                subs.append(tok.text)
            elif tok.kind == "op" and tok.text == "*" and self.accept("op", ":"):
                rng = self.next()  # *:SubA -- every element of the subrange SubA
                if rng.kind not in ("name", "qname") or canonical(rng.text) not in self.dimensions:
                    raise self.error(f"expected a dimension after '*:' in a subscript of {name_tok.text!r}", rng)
                subs.append("*:" + rng.text)
            elif tok.kind == "op" and tok.text == "*":
                subs.append("*")
            else:
                raise self.error(f"expected a subscript of {name_tok.text!r}", tok)
            if self.accept("op", "]"):
                break
            if self.accept("op", ","):
                continue
            raise self.error("expected ']'")
        if len(subs) > 1 or (self.symbols is not None and len(getattr(self.symbols.get(canonical(name_tok.text)),
                                                                        "dims", ())) > 1):
            return self.subscript_nd(node, name_tok, subs)
        sub = subs[0]
        key = canonical(sub)
        dims = None
        if self.symbols is not None:
            sym = self.symbols.get(canonical(name_tok.text))
            dims = sym.dims if sym else None
        if sub == "*":
            return node  # the whole (single) dimension
        if sub.startswith("*:"):
            own = canonical(dims[0]) if dims else None
            rng = canonical(sub[2:])
            if own is None or self.reindex is None or own not in self.dimensions:
                raise XmileError(f"{name_tok.text}[{sub}]: a subrange of a variable that is not arrayed",
                                 variable=self.variable, construct="subrange")
            return node if rng == own else self.remap(node, name_tok.text, own, rng)
        if key in self.dimensions:
            own = canonical(dims[0]) if dims else None
            if own is None or self.reindex is None or own not in self.dimensions:
                return node
            if key != own:
                to = key  # x[Sub]: x over its subrange Sub, or over a dimension it maps to
            elif len(self.target) == 1 and own not in self.target and not self.in_reduction:
                to = self.target[0]  # x[Dim] in a variable over another dimension
            else:
                return node
            return self.remap(node, name_tok.text, own, to)
        if dims:
            elems = self.dimensions.get(canonical(dims[0]), ())
            match = [e for e in elems if canonical(e) == key]
            if not match:
                raise XmileError(f"{name_tok.text}[{sub}]: {sub!r} is not an element of dimension "
                                 f"{dims[0]!r}", variable=self.variable)
            return Index(node, match[0])
        if self.symbols is not None:
            raise XmileError(f"{name_tok.text}[{sub}]: {name_tok.text!r} is not arrayed",
                             variable=self.variable)
        return Index(node, sub)

    def call(self, tok: _Tok, args: list[Node]) -> Node:
        node = self._call(tok, args)
        # SUM(x[a, *]): reduce over the dimensions written as * (the others stay, aligned by name)
        if isinstance(node, Call) and node.func in ("sum", "mean", "min", "max", "prod", "stddev") \
                and len(node.args) == 1 and self.starred:
            from simulator.engine.expr import Str, walk

            dims: list[str] = []
            for n in walk(node.args[0]):
                for d in self.starred.get(id(n), ()):
                    if d not in dims:
                        dims.append(d)
            if dims:
                return Call(node.func, (node.args[0], *(Str(d) for d in dims)))
        return node

    def _call(self, tok: _Tok, args: list[Node]) -> Node:
        key = canonical(tok.text)
        sym = self.symbols.get(key) if self.symbols is not None else None
        if sym is not None and sym.gf is not None:
            if len(args) != 1:
                raise XmileError(f"graphical function {tok.text!r} takes 1 argument, got {len(args)}",
                                 variable=self.variable)
            return Call(sym.gf, (args[0],))
        if key in BUILTINS:
            lo, hi, build = BUILTINS[key]
            if not lo <= len(args) <= hi:
                want = f"{lo}" if lo == hi else f"{lo} to {hi}"
                raise XmileError(f"{tok.text.upper()} takes {want} arguments, got {len(args)} in equation "
                                 f"{self.text!r}", variable=self.variable)
            if key in ("smthn", "delayn") and not isinstance(args[2], Num):
                raise XmileError(f"{tok.text.upper()}: the order n must be a number in equation {self.text!r}",
                                 variable=self.variable, construct=tok.text.upper())
            return build(args)
        if key in ENGINE_BUILTINS and engine_has(ENGINE_BUILTINS[key][0]):
            name, lo, hi = ENGINE_BUILTINS[key]
            if not lo <= len(args) <= hi:
                want = f"{lo}" if lo == hi else f"{lo} to {hi}"
                raise XmileError(f"{tok.text.upper()} takes {want} arguments, got {len(args)} in equation "
                                 f"{self.text!r}", variable=self.variable, construct=tok.text.upper())
            return Call(name, tuple(args))
        if key in UNSUPPORTED_BUILTINS or key in ENGINE_BUILTINS:
            raise XmileError(f"builtin {tok.text.upper()} is not supported", variable=self.variable,
                             construct=tok.text.upper())
        if sym is not None:
            raise XmileError(f"{tok.text!r} is not a graphical function and cannot be called",
                             variable=self.variable)
        raise XmileError(f"unknown function {tok.text!r} in equation {self.text!r} (not an XMILE builtin regsim "
                         "knows, nor a graphical function or macro defined in the file)",
                         variable=self.variable, construct=tok.text)


_IDENT_BAD = re.compile(r"\W", re.UNICODE)


def identifier(key: str) -> str:
    """A regsim identifier for a canonical XMILE name (``'stock_1'`` -> ``'stock_1'``).

    Characters outside ``[A-Za-z0-9_]`` (and Unicode letters) become ``_``; a
    leading digit gets a ``v_`` prefix. Uniqueness and reserved names are the
    reader's business.
    """
    ident = _IDENT_BAD.sub("_", key) or "v"
    if ident[0].isdigit():
        ident = "v_" + ident
    return ident


def parse_equation(text: str, symbols: Mapping[str, Symbol] | None = None, *,
                   dimensions: Mapping[str, Sequence[str]] | None = None,
                   variable: str | None = None, target_dims: Sequence[str] = (),
                   reindex: Callable | None = None, self_ident: str | None = None) -> Node:
    """Parse one XMILE equation into a regsim expression tree.

    Parameters
    ----------
    text : str
        The equation, as in an ``<eqn>`` element (XML entities already decoded).
    symbols : mapping of str to Symbol, optional
        The model's names, keyed by :func:`canonical` name. Without it every
        name becomes ``Var(identifier(canonical(name)))`` (for tests and tools).
    dimensions : mapping, optional
        Dimension name -> element names, to resolve subscripts.
    variable : str, optional
        The variable being parsed, named in error messages.
    target_dims : sequence of str
        Dimensions of the variable being defined (to read ``x[Dim]`` of an x over another dimension).
    reindex : callable, optional
        ``reindex(dim, nodes)`` -> an expression over dimension ``dim`` whose element i is
        ``nodes[i]``; enables subranges (the reader supplies it).
    self_ident : str, optional
        The regsim name of the variable being defined (Stella's ``SELF``).

    Raises
    ------
    XmileError
        On syntax errors, unknown names or functions, unsupported builtins.
    """
    if not isinstance(text, str):
        raise XmileError(f"equation must be text, not {type(text).__name__}", variable=variable)
    if len(text) > _MAX_EQUATION_CHARS:
        raise XmileError(f"equation longer than {_MAX_EQUATION_CHARS} characters", variable=variable)
    if text.strip() and not text.strip().strip("?"):
        raise XmileError(f"the equation is the placeholder {text.strip()!r}: the converter that wrote the file could "
                         "not translate this variable", variable=variable, construct="placeholder equation '???'")
    try:
        node = _Parser(text, symbols, dimensions, variable, target_dims, reindex, self_ident).parse()
    except RecursionError:
        raise XmileError("equation nested too deeply", variable=variable) from None
    from ..limits import _node_children, limit, tree_depth

    depth, cap = tree_depth(node, _node_children), limit("MAX_EXPRESSION_DEPTH")
    if depth > cap:  # refuse before any recursive walk (issue 11: bounded recursion everywhere)
        raise XmileError(f"equation nested {depth} levels deep (a chain of {depth} operations); regsim handles at "
                         f"most {cap}: split it into several auxiliaries", variable=variable)
    return node


def parse_number_list(text: str) -> list[float] | None:
    """``'1, 2, 3'`` -> ``[1.0, 2.0, 3.0]``; ``None`` if ``text`` is not a plain list of numbers."""
    parts = [p.strip() for p in re.split(r"[,;]", text)]
    while parts and not parts[-1]:  # "0.1, 0.2;\n 0.3, 0.4;" (rows ended by ';')
        parts.pop()
    if len(parts) < 2:
        return None
    try:
        return [float(p) for p in parts]
    except ValueError:
        return None
