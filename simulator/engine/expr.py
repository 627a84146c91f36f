"""Expression trees for model equations.

Equations are data, never code: a string such as
``"capital * tfp ** 0.5 + smooth(demand, 2)"`` is parsed into a small tree of
frozen nodes (:class:`Num`, :class:`Var`, :class:`Str`, :class:`Unary`,
:class:`Bin`, :class:`Call`, :class:`Index`, :class:`IfElse`). The tree is
what the compiler turns into numpy closures, what the unit checker walks and
what the XMILE writer prints. Nothing here calls ``eval`` or ``exec``: the
Python-like syntax is read with :func:`ast.parse` and every node type outside a
small whitelist is refused.

Syntax of regsim's own equations (the XMILE reader has its own front end that
produces the same nodes):

- numbers, names (``snake_case`` identifiers), ``'element'`` string literals;
- ``+ - * / **`` and unary ``-``; comparisons ``< <= > >= == !=``;
  ``and``, ``or``, ``not`` (element-wise, giving 1.0/0.0);
- ``a if cond else b`` or ``if_then_else(cond, a, b)``;
- ``x['energy']`` selects one element of an arrayed variable (looked up among its
  dimensions); ``x['energy', 'russia']``, ``x[:, 'russia']`` and ``x[north, :]`` subscript
  positionally, one item per dimension of ``x``: an element name in quotes, ``:`` for the
  whole dimension, or a bare dimension/subrange name (see :class:`Subscript`);
- function calls ``f(a, b, ...)``: the builtins listed in
  :mod:`simulator.engine.builtins` and lookup tables called by name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass


class ExpressionError(ValueError):
    """An equation that cannot be parsed or is not allowed."""


@dataclass(frozen=True)
class Num:
    """A numeric literal."""

    value: float


@dataclass(frozen=True)
class Str:
    """A string literal (an element name or a dimension name)."""

    value: str


@dataclass(frozen=True)
class Var:
    """A reference to another model component (or ``time``/``dt``)."""

    name: str


@dataclass(frozen=True)
class Unary:
    """A unary operation: ``op`` is ``'-'``, ``'+'`` or ``'not'``."""

    op: str
    operand: Node


@dataclass(frozen=True)
class Bin:
    """A binary operation.

    ``op`` is one of ``+ - * / ** < <= > >= == != and or``.
    """

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    """A call of a builtin function or a lookup table (by name, lower case)."""

    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Index:
    """Selection of one element of an arrayed expression: ``x['energy']``."""

    operand: Node
    element: str


@dataclass(frozen=True)
class Sub:
    """One item of a positional :class:`Subscript`.

    ``kind`` is ``"element"`` (``name`` is an element name), ``"dim"`` (``name`` is a
    dimension or subrange name: the whole dimension, a subrange slice or a positional
    relabelling) or ``"all"`` (``:``, the whole dimension; ``name`` is empty).
    """

    kind: str
    name: str = ""


@dataclass(frozen=True)
class Subscript:
    """Positional subscript ``x[i1, i2, ...]``: one :class:`Sub` per dimension of ``x``, in
    order (trailing dimensions left out are kept whole)."""

    operand: Node
    items: tuple[Sub, ...]


@dataclass(frozen=True)
class IfElse:
    """Element-wise conditional: ``then`` where ``cond`` is non-zero, else ``orelse``."""

    cond: Node
    then: Node
    orelse: Node


Node = Num | Str | Var | Unary | Bin | Call | Index | Subscript | IfElse

_BINOPS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.Mod: "%",
}
_CMPOPS = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_MAX_EQUATION_CHARS = 20_000


def parse(text: str | float | int) -> Node:
    """Parse an equation string into an expression tree.

    Parameters
    ----------
    text : str or float
        The equation. A bare number is accepted and becomes :class:`Num`.

    Returns
    -------
    Node
        The root of the tree.

    Raises
    ------
    ExpressionError
        On a syntax error or any construct outside the whitelist (attribute
        access, lambdas, comprehensions, keyword arguments, ...).
    """
    if isinstance(text, bool):
        raise ExpressionError(f"equation must be a number or a string, not {text!r}")
    if isinstance(text, (int, float)):
        return Num(float(text))
    if not isinstance(text, str):
        raise ExpressionError(f"equation must be a number or a string, not {type(text).__name__}")
    if len(text) > _MAX_EQUATION_CHARS:
        raise ExpressionError(f"equation longer than {_MAX_EQUATION_CHARS} characters")
    src = " ".join(text.split())  # allow line breaks inside equations
    if not src:
        raise ExpressionError("empty equation")
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error in {text!r}: {exc.msg}") from None
    return _convert(tree.body, text)


def _convert(node: ast.AST, text: str) -> Node:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return Num(1.0 if node.value else 0.0)
        if isinstance(node.value, (int, float)):
            return Num(float(node.value))
        if isinstance(node.value, str):
            return Str(node.value)
        raise ExpressionError(f"literal {node.value!r} not allowed in {text!r}")
    if isinstance(node, ast.Name):
        return Var(node.id)
    if isinstance(node, ast.UnaryOp):
        operand = _convert(node.operand, text)
        if isinstance(node.op, ast.USub):
            if isinstance(operand, Num):
                return Num(-operand.value)
            return Unary("-", operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(node.op, ast.Not):
            return Unary("not", operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return Bin(_BINOPS[type(node.op)], _convert(node.left, text), _convert(node.right, text))
    if isinstance(node, ast.BoolOp):
        op = "and" if isinstance(node.op, ast.And) else "or"
        values = [_convert(v, text) for v in node.values]
        out = values[0]
        for v in values[1:]:
            out = Bin(op, out, v)
        return out
    if isinstance(node, ast.Compare):
        parts = []
        left = _convert(node.left, text)
        for op, comp in zip(node.ops, node.comparators):
            if type(op) not in _CMPOPS:
                raise ExpressionError(f"comparison {type(op).__name__} not allowed in {text!r}")
            right = _convert(comp, text)
            parts.append(Bin(_CMPOPS[type(op)], left, right))
            left = right
        out = parts[0]
        for p in parts[1:]:
            out = Bin("and", out, p)
        return out
    if isinstance(node, ast.IfExp):
        return IfElse(_convert(node.test, text), _convert(node.body, text), _convert(node.orelse, text))
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ExpressionError(f"only plain function names may be called in {text!r}")
        if node.keywords:
            raise ExpressionError(f"keyword arguments are not allowed in {text!r}")
        args = tuple(_convert(a, text) for a in node.args)
        name = node.func.id.lower()
        if name == "if_then_else":
            if len(args) != 3:
                raise ExpressionError(f"if_then_else takes 3 arguments in {text!r}")
            return IfElse(*args)
        return Call(name, args)
    if isinstance(node, ast.Subscript):
        sl = node.slice
        if isinstance(sl, ast.Constant) and isinstance(sl.value, str):
            return Index(_convert(node.value, text), sl.value)
        elts = sl.elts if isinstance(sl, ast.Tuple) else [sl]
        return Subscript(_convert(node.value, text), tuple(_sub_item(e, text) for e in elts))
    raise ExpressionError(f"construct {type(node).__name__} not allowed in {text!r}")


def _sub_item(e: ast.AST, text: str) -> Sub:
    if isinstance(e, ast.Constant) and isinstance(e.value, str):
        return Sub("element", e.value)
    if isinstance(e, ast.Name):
        return Sub("dim", e.id)
    if isinstance(e, ast.Slice) and e.lower is None and e.upper is None and e.step is None:
        return Sub("all")
    raise ExpressionError(f"subscripts must be element names in quotes, dimension names or ':' in {text!r}")


def walk(node: Node) -> Iterator[Node]:
    """Yield ``node`` and all its descendants, depth first."""
    yield node
    for child in children(node):
        yield from walk(child)


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of ``node``."""
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Bin):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, (Index, Subscript)):
        return (node.operand,)
    if isinstance(node, IfElse):
        return (node.cond, node.then, node.orelse)
    return ()


def names(node: Node) -> set[str]:
    """Names of all variables referenced by ``node`` (not function names)."""
    return {n.name for n in walk(node) if isinstance(n, Var)}


_PREC = {"or": 1, "and": 2, "<": 4, "<=": 4, ">": 4, ">=": 4, "==": 4, "!=": 4,
         "+": 5, "-": 5, "*": 6, "/": 6, "%": 6, "**": 8}


def to_text(node: Node) -> str:
    """Render a tree back into regsim's equation syntax (round-trips with :func:`parse`)."""
    return _text(node, 0)


def _text(node: Node, parent_prec: int) -> str:
    if isinstance(node, Num):
        v = node.value
        s = repr(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(v)
        return f"({s})" if v < 0 and parent_prec > 0 else s
    if isinstance(node, Str):
        return repr(node.value)
    if isinstance(node, Var):
        return node.name
    if isinstance(node, Unary):
        if node.op == "not":
            s = f"not {_text(node.operand, 3)}"
            return f"({s})" if parent_prec > 3 else s
        s = f"{node.op}{_text(node.operand, 7)}"
        return f"({s})" if parent_prec > 7 else s
    if isinstance(node, Bin):
        p = _PREC[node.op]
        if node.op == "**":  # right-associative
            s = f"{_text(node.left, p + 1)} ** {_text(node.right, p)}"
        else:
            s = f"{_text(node.left, p)} {node.op} {_text(node.right, p + 1)}"
        return f"({s})" if p < parent_prec or (p == 4 and parent_prec == 4) else s
    if isinstance(node, Call):
        return f"{node.func}({', '.join(_text(a, 0) for a in node.args)})"
    if isinstance(node, Index):
        return f"{_text(node.operand, 9)}[{node.element!r}]"
    if isinstance(node, Subscript):
        items = ", ".join(repr(i.name) if i.kind == "element" else (i.name if i.kind == "dim" else ":")
                          for i in node.items)
        return f"{_text(node.operand, 9)}[{items}]"
    if isinstance(node, IfElse):
        return f"if_then_else({_text(node.cond, 0)}, {_text(node.then, 0)}, {_text(node.orelse, 0)})"
    raise TypeError(f"not an expression node: {node!r}")
