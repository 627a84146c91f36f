"""Dimensional consistency of a model's equations.

:func:`check_units` derives the units of every equation from the declared
units of the variables it uses and reports each place where they disagree
with the declared units of the result (or where an operation is not
dimensionally meaningful, like adding yuan to persons).

Unit strings (:func:`parse_units`) are products and quotients of named units
with integer or fractional powers and an optional numeric scale written as a
number with a suffix: ``"100m yuan/yr"`` (10^8 yuan per year), ``"10k persons"``,
``"1"`` (dimensionless), ``"1/yr"``, ``"yuan/(person*yr)"``, ``"m^2"``, ``"%"``
(0.01). Suffixes: ``k`` 10^3, ``m``/``mn``/``million`` 10^6, ``bn``/``billion``
10^9; a suffix only scales when attached to a number (``m`` alone is a unit
name). A trailing annotation in parentheses after a space, like the price basis in
``"100m yuan/yr (2018 prices)"``, is ignored. Spelling variants of the same unit (``years``/``year``/``yr``/``a``...)
are merged by :data:`SYNONYMS`. An empty string means *unspecified*: such
variables are skipped, not guessed.

Rules (SD conventions):

- ``a + b``, ``a - b``, comparisons, ``min``/``max``/``clip``, both branches of
  ``IF``: equal units (dimension *and* scale). Numeric literals adapt to the
  other operand there, and are dimensionless in ``*`` and ``/``.
- ``*``, ``/`` combine; ``x ** n`` needs a literal or dimensionless ``n``.
- ``exp``, ``ln``, ``log10``, trigonometric functions: dimensionless argument.
- ``smooth*``/``delay*``/``init`` keep their input's units; their time
  argument must be in the model's time units. ``step(h, t)`` has ``h``'s units,
  ``ramp(s, t0)`` ``s * time``, ``pulse(m, t0)`` ``m / time``.
- A lookup ``f(x)`` has the lookup's declared units (its input is not checked).
- A stock's initial value has the stock's units; each of its flows has the
  stock's units per time unit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

from simulator.engine.components import Aux, Constant, Lookup, Model, Stock, TimeSeries
from simulator.engine.expr import Bin, Call, IfElse, Index, Node, Num, Str, Unary, Var

#: spelling variants merged before comparison
SYNONYMS = {
    "year": "yr", "years": "yr", "yrs": "yr", "a": "yr", "annum": "yr",
    "month": "month", "months": "month", "mo": "month",
    "day": "day", "days": "day", "week": "week", "weeks": "week",
    "hour": "hour", "hours": "hour", "minute": "minute", "minutes": "minute",
    "person": "person", "persons": "person", "people": "person",
    "dmnl": "1", "dimensionless": "1", "unitless": "1", "fraction": "1",
}
_SUFFIX = {"": 1.0, "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9,
           "b": 1e9, "billion": 1e9}


class UnitsSyntaxError(ValueError):
    """A unit string that cannot be parsed."""


@dataclass(frozen=True)
class Units:
    """A unit: ``scale * prod(name ** power)``.

    Attributes
    ----------
    scale : float
        Numeric factor (``1e8`` for ``100m yuan``).
    dims : tuple of (str, Fraction)
        Base units and powers, sorted, zero powers removed.
    """

    scale: float = 1.0
    dims: tuple = ()

    @staticmethod
    def of(scale: float = 1.0, dims: dict | None = None) -> Units:
        d = {k: Fraction(v) for k, v in (dims or {}).items() if Fraction(v) != 0}
        return Units(float(scale), tuple(sorted(d.items())))

    @property
    def dimensionless(self) -> bool:
        return not self.dims

    def __mul__(self, other: Units) -> Units:
        d = dict(self.dims)
        for k, v in other.dims:
            d[k] = d.get(k, 0) + v
        return Units.of(self.scale * other.scale, d)

    def __truediv__(self, other: Units) -> Units:
        return self * other ** -1

    def __pow__(self, p) -> Units:
        p = Fraction(p).limit_denominator(1000)
        return Units.of(self.scale ** float(p), {k: v * p for k, v in self.dims})

    def same_dims(self, other: Units) -> bool:
        return self.dims == other.dims

    def __eq__(self, other) -> bool:
        if not isinstance(other, Units):
            return NotImplemented
        return self.dims == other.dims and math.isclose(self.scale, other.scale, rel_tol=1e-9)

    def __hash__(self) -> int:
        return hash(self.dims)

    def __str__(self) -> str:
        num = [f"{k}" + (f"^{v}" if v != 1 else "") for k, v in self.dims if v > 0]
        den = [f"{k}" + (f"^{-v}" if v != -1 else "") for k, v in self.dims if v < 0]
        s = "*".join(num) or "1"
        if den:
            s += "/" + (den[0] if len(den) == 1 else "(" + "*".join(den) + ")")
        if self.scale != 1.0:
            s = f"{self.scale:g} {s}" if s != "1" else f"{self.scale:g}"
        return s


DIMENSIONLESS = Units()

_TOK = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)(?P<suf>bn|mn|k|m|b|thousand|million|billion)?"
                  r"(?![A-Za-z_])|(?P<name>[^\W\d][\w$]*)|(?P<op>[*/^()·%-]))")


#: a trailing annotation such as "(2018 prices)" or "(current prices)": words in parentheses
#: after a space, without operators. It qualifies the unit and is ignored by the check.
_ANNOTATION = re.compile(r"(?<=\s)\((?:[^()*/^]*)\)\s*$")


def parse_units(text: str) -> Units | None:
    """Parse a unit string; ``None`` for an empty (unspecified) one.

    Raises
    ------
    UnitsSyntaxError
        If the string is not a unit expression.
    """
    if text is None or not text.strip():
        return None
    text = _ANNOTATION.sub("", text)
    if not text.strip():
        raise UnitsSyntaxError("units consist of an annotation only")
    toks: list[tuple[str, str, str]] = []
    pos, s = 0, text.strip()
    while pos < len(s):
        m = _TOK.match(s, pos)
        if not m or m.end() == pos:
            raise UnitsSyntaxError(f"cannot read units {text!r} at {s[pos:]!r}")
        if m.group("num") is not None:
            toks.append(("num", m.group("num"), m.group("suf") or ""))
        elif m.group("name"):
            toks.append(("name", m.group("name"), ""))
        else:
            toks.append(("op", m.group("op"), ""))
        pos = m.end()
    p = _UnitParser(toks, text)
    u = p.product()
    if p.i != len(toks):
        raise UnitsSyntaxError(f"cannot read units {text!r}")
    return u


class _UnitParser:
    def __init__(self, toks, text):
        self.toks, self.text, self.i = toks, text, 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else ("end", "", "")

    def product(self) -> Units:
        u = self.power()
        while True:
            kind, val, _ = self.peek()
            if kind == "op" and val in ("*", "·"):
                self.i += 1
                u = u * self.power()
            elif kind == "op" and val == "/":
                self.i += 1
                u = u / self.power()
            elif kind in ("num", "name") or (kind == "op" and val in ("(", "%")):
                u = u * self.power()  # juxtaposition: "100m yuan"
            else:
                return u

    def power(self) -> Units:
        u = self.atom()
        if self.peek() == ("op", "^", ""):
            self.i += 1
            sign = 1
            if self.peek() == ("op", "-", ""):
                self.i += 1
                sign = -1
            kind, val, suf = self.peek()
            if kind != "num" or suf:
                raise UnitsSyntaxError(f"exponent must be a number in units {self.text!r}")
            self.i += 1
            u = u ** (sign * Fraction(val))
        return u

    def atom(self) -> Units:
        kind, val, suf = self.peek()
        self.i += 1
        if kind == "num":
            return Units.of(float(val) * _SUFFIX[suf])
        if kind == "name":
            base = SYNONYMS.get(val.lower(), SYNONYMS.get(val, val))
            return DIMENSIONLESS if base == "1" else Units.of(1.0, {base: 1})
        if kind == "op" and val == "%":
            return Units.of(0.01)
        if kind == "op" and val == "(":
            u = self.product()
            if self.peek() != ("op", ")", ""):
                raise UnitsSyntaxError(f"missing ')' in units {self.text!r}")
            self.i += 1
            return u
        raise UnitsSyntaxError(f"cannot read units {self.text!r}")


# -- checking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitIssue:
    """One dimensional inconsistency.

    Attributes
    ----------
    variable : str
        Component whose equation has the problem.
    expected : str
        What the units should be (declared, or required by the operation).
    found : str
        What the equation gives.
    message : str
        A sentence saying where and why.
    """

    variable: str
    expected: str
    found: str
    message: str

    def __str__(self) -> str:
        return f"{self.variable}: {self.message} (expected {self.expected}, found {self.found})"


class _Literal(Units):
    """A numeric literal: dimensionless, but adapts to the other side of + - < ...."""


_LIT = _Literal()

_DIMLESS_ARG = {"exp", "ln", "log10", "sin", "cos", "tan", "arcsin", "arccos", "arctan"}
_KEEP = {"abs", "int"}
_STATEFUL = {"smooth", "smooth1", "smooth3", "smoothn", "delay", "delay1", "delay3", "delayn"}


@dataclass
class _Checker:
    model: Model
    time: Units
    declared: dict
    issues: list = field(default_factory=list)
    owner: str = ""

    def issue(self, expected, found, message):
        self.issues.append(UnitIssue(self.owner, str(expected), str(found), message))

    def same(self, a, b, what) -> Units | None:
        """Units of an operation needing equal units (``None`` = unknown)."""
        if a is None or b is None:
            return None
        if isinstance(a, _Literal):
            return b
        if isinstance(b, _Literal):
            return a
        if a != b:
            kind = "scales" if a.same_dims(b) else "units"
            self.issue(a, b, f"{what} combines different {kind}")
        return a

    def need(self, u, want: Units, what: str) -> None:
        if u is None or isinstance(u, _Literal):
            return
        if u != want:
            self.issue(want, u, what)

    def units(self, node: Node):
        if isinstance(node, Num):
            return _LIT
        if isinstance(node, Str):
            return None
        if isinstance(node, Var):
            if node.name in ("time", "dt", "initial_time", "final_time"):
                return self.time
            return self.declared.get(node.name)
        if isinstance(node, Unary):
            u = self.units(node.operand)
            if node.op == "not":
                return DIMENSIONLESS
            return u
        if isinstance(node, Bin):
            a, b = self.units(node.left), self.units(node.right)
            op = node.op
            if op in ("+", "-"):
                return self.same(a, b, f"'{op}'")
            if op in ("<", "<=", ">", ">=", "==", "!="):
                self.same(a, b, f"comparison '{op}'")
                return DIMENSIONLESS
            if op in ("and", "or"):
                return DIMENSIONLESS
            if op in ("*", "/"):
                if a is None or b is None:
                    return None
                a = DIMENSIONLESS if isinstance(a, _Literal) else a
                b = DIMENSIONLESS if isinstance(b, _Literal) else b
                return a * b if op == "*" else a / b
            if op == "**":
                if b is not None and not isinstance(b, _Literal) and not b.dimensionless:
                    self.issue(DIMENSIONLESS, b, "exponent must be dimensionless")
                if a is None or isinstance(a, _Literal) or a.dimensionless:
                    return a if a is None else (DIMENSIONLESS if isinstance(a, _Literal) else a)
                if isinstance(node.right, Num):
                    return a ** node.right.value
                if isinstance(node.right, Unary) and node.right.op == "-" and isinstance(node.right.operand, Num):
                    return a ** -node.right.operand.value
                self.issue("a number", "an expression", f"power of a quantity in {a} needs a literal exponent")
                return None
            if op == "%":
                return self.same(a, b, "'mod'")
            return None
        if isinstance(node, IfElse):
            self.units(node.cond)
            return self.same(self.units(node.then), self.units(node.orelse), "IF branches")
        if isinstance(node, Index) or type(node).__name__ == "Subscript":  # selections keep the units
            return self.units(node.operand)
        if isinstance(node, Call):
            return self.call(node)
        return None

    def call(self, node: Call):
        f, args = node.func, node.args
        us = [self.units(a) for a in args]
        if f in self.model and isinstance(self.model[f], Lookup):
            return self.declared.get(f)
        if f in _DIMLESS_ARG:
            if us[0] is not None and not isinstance(us[0], _Literal) and not us[0].dimensionless:
                self.issue(DIMENSIONLESS, us[0], f"{f}() needs a dimensionless argument")
            return DIMENSIONLESS
        if f == "sqrt":
            u = us[0]
            return u if u is None or isinstance(u, _Literal) else u ** Fraction(1, 2)
        if f in _KEEP or f in ("sum", "mean"):
            return us[0]
        if f == "sign":
            return DIMENSIONLESS
        if f in ("min", "max", "clip", "mod"):
            out = us[0]
            for u in us[1:]:
                out = self.same(out, u, f"{f}()")
            return out
        if f in _STATEFUL:
            self.need(us[1], self.time, f"{f}() delay/smoothing time must be in {self.time}")
            if f in ("smoothn", "delayn"):
                init = us[3] if len(us) > 3 else None
            else:
                init = us[2] if len(us) > 2 else None
            if init is not None:
                self.same(us[0], init, f"{f}() initial value")
            return us[0]
        if f == "init":
            return us[0]
        if f == "step":
            self.need(us[1], self.time, "step() time must be in time units")
            return us[0]
        if f == "ramp":
            for u in us[1:]:
                self.need(u, self.time, "ramp() times must be in time units")
            return us[0] if us[0] is None or isinstance(us[0], _Literal) else us[0] * self.time
        if f == "pulse":
            for u in us[1:]:
                self.need(u, self.time, "pulse() times must be in time units")
            return us[0] if us[0] is None or isinstance(us[0], _Literal) else us[0] / self.time
        return None

    def expect(self, node: Node, want, what: str) -> None:
        got = self.units(node)  # always walk: operations inside are checked even if the result is unspecified
        if want is None or got is None or isinstance(got, _Literal):
            return
        if got != want:
            kind = "scale" if got.same_dims(want) else "units"
            self.issue(want, got, f"{what}: {kind} differ from the declaration")


def check_units(model: Model) -> list[UnitIssue]:
    """Check the dimensional consistency of every equation of ``model``.

    Parameters
    ----------
    model : Model
        Any regsim model (built in Python or read from XMILE).

    Returns
    -------
    list of UnitIssue
        Empty when consistent. Variables with unspecified units (``""``) are
        skipped; unparseable unit strings are reported.
    """
    issues: list[UnitIssue] = []
    declared: dict[str, Units | None] = {}
    for c in model.components:
        try:
            declared[c.name] = parse_units(c.units)
        except UnitsSyntaxError as exc:
            declared[c.name] = None
            issues.append(UnitIssue(c.name, "a unit expression", repr(c.units), str(exc)))
    try:
        time = parse_units(model.time_units) or Units.of(1.0, {"yr": 1})
    except UnitsSyntaxError:
        time = Units.of(1.0, {model.time_units: 1})
    ck = _Checker(model, time, declared, issues)
    for c in model.components:
        ck.owner = c.name
        want = declared.get(c.name)
        if isinstance(c, Stock):
            ck.expect(c.initial_node, want, "initial value")
            for f in c.inflows + c.outflows:
                fu = declared.get(f)
                if want is not None and fu is not None and fu != want / time:
                    ck.issue(want / time, fu, f"flow {f!r} must be in stock units per time unit")
        elif isinstance(c, Aux):
            ck.expect(c.node, want, "equation")
        elif isinstance(c, (Constant, Lookup, TimeSeries)):
            continue
    return issues
