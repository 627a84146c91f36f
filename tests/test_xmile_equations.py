"""XMILE equation front end: text -> regsim expression trees (exact, no simulation)."""

import math

import pytest

from simulator.engine.expr import Bin, Call, IfElse, Index, Num, Unary, Var
from simulator.xmile import XmileError
from simulator.xmile.equations import Symbol, canonical, parse_equation, parse_number_list


def p(text, **kw):
    return parse_equation(text, **kw)


def test_names_are_case_insensitive_and_spaces_equal_underscores():
    assert canonical("Stock  1") == canonical("STOCK_1") == canonical('"stock 1"') == "stock_1"
    assert p('"Stock 1" + stock_1') == Bin("+", Var("stock_1"), Var("stock_1"))


def test_arithmetic_precedence_and_left_associativity():
    assert p("a - b - c") == Bin("-", Bin("-", Var("a"), Var("b")), Var("c"))
    assert p("a + b * c / d") == Bin("+", Var("a"), Bin("/", Bin("*", Var("b"), Var("c")), Var("d")))


def test_power_is_right_associative_and_binds_tighter_than_unary_minus():
    assert p("-2^2") == Unary("-", Bin("**", Num(2), Num(2)))
    assert p("a^b^c") == Bin("**", Var("a"), Bin("**", Var("b"), Var("c")))
    assert p("30^ - 30^-c") == Bin("**", Num(30), Unary("-", Bin("**", Num(30), Unary("-", Var("c")))))


def test_numbers_with_leading_dot_and_exponent():
    assert p(".5") == Num(0.5)
    assert p("3e-05") == Num(3e-05)
    assert p("-.67") == Num(-0.67)
    assert p("+.72") == Num(0.72)


def test_if_then_else_logic_and_comparisons():
    assert p("IF a > 10 THEN a ELSE -a") == IfElse(Bin(">", Var("a"), Num(10)), Var("a"), Unary("-", Var("a")))
    assert p("a = b AND c <> d OR NOT e") == Bin(
        "or", Bin("and", Bin("==", Var("a"), Var("b")), Bin("!=", Var("c"), Var("d"))), Unary("not", Var("e")))
    assert p("1 + if x then 2 else 3") == Bin("+", Num(1), IfElse(Var("x"), Num(2), Num(3)))


def test_keywords_are_case_insensitive():
    assert p("if a and b then 1 else 0") == p("IF a AND b THEN 1 ELSE 0")


def test_special_names_and_comments():
    assert p("TIME + DT + STARTTIME + StopTime {a comment}") == Bin(
        "+", Bin("+", Bin("+", Var("time"), Var("dt")), Var("initial_time")), Var("final_time"))


def test_builtins_map_to_engine_functions():
    assert p("SMTH1(x, 3)") == Call("smooth", (Var("x"), Num(3)))
    assert p("smth3(x, 3, 1)") == Call("smooth3", (Var("x"), Num(3), Num(1)))
    assert p("SMTHN(x, 3, 4)") == Call("smoothn", (Var("x"), Num(3), Num(4)))
    assert p("DELAY(x, 2, 0)") == Call("delay", (Var("x"), Num(2), Num(0)))
    assert p("DELAYN(x, 2, 5)") == Call("delayn", (Var("x"), Num(2), Num(5)))
    assert p("PULSE(5, 3, 2)") == Call("pulse", (Num(5), Num(3), Num(2)))
    assert p("Abs(x)") == Call("abs", (Var("x"),))
    assert p("PI()") == Num(math.pi)
    assert p("SAFEDIV(a, b)") == IfElse(Bin("==", Var("b"), Num(0)), Num(0), Bin("/", Var("a"), Var("b")))


def test_int_is_the_floor_and_mod_takes_the_sign_of_the_divisor():
    """XMILE (Stella, simlin): INT(-0.875) = -1 and -10 MOD 3 = 2; regsim's int and mod are the same."""
    import numpy as np

    from simulator import Aux, Model, simulate
    from simulator.engine import SimSettings

    assert p("INT(x)") == Call("int", (Var("x"),))
    assert p("x MOD 3") == Call("mod", (Var("x"), Num(3)))
    assert p("MODULO(x, 3)") == Call("mod", (Var("x"), Num(3)))
    m = Model("m", [Aux("i", equation=p("INT(0 - 0.875)")), Aux("r", equation=p("(0 - 10) MOD 3")),
                    Aux("q", equation=p("7.5 MOD 2"))])
    res = simulate(m, settings=SimSettings(start=0, stop=1, dt=1))
    assert res["i"][0, 0] == -1 and res["r"][0, 0] == 2 and res["q"][0, 0] == 1.5
    assert np.all(res["i"][0] == -1)


def test_graphical_function_calls_and_subscripts_resolve_through_symbols():
    syms = {"g": Symbol("g", "gf", "g"), "x": Symbol("x"), "v": Symbol("v", dims=("d",))}
    dims = {"d": ("a", "b")}
    assert p("g(x)", symbols=syms, dimensions=dims) == Call("g", (Var("x"),))
    assert p("LOOKUP(g, x)", symbols=syms, dimensions=dims) == Call("g", (Var("x"),))
    assert p("v[B]", symbols=syms, dimensions=dims) == Index(Var("v"), "b")
    assert p("MAX(v[d])", symbols=syms, dimensions=dims) == Call("max", (Var("v"),))
    assert p("SUM(v[*])", symbols=syms, dimensions=dims) == Call("sum", (Var("v"),))


@pytest.mark.parametrize("text, match", [
    ("__import__('os').system('echo hacked')", "unexpected character"),
    ("foo(1)", "unknown function"),
    ("MONTECARLO(50, 1)", "MONTECARLO is not supported"),
    ("1 +", "end of equation"),
    ("a b", "unexpected 'b'"),
    ("SMTH1(x)", "takes 2 to 3 arguments"),
    ("SMTHN(x, 1, n)", "order n must be a number"),
    ("(" * 500 + "1" + ")" * 500, "nested deeper"),
    ("", "empty equation"),
    ("{ unterminated", "unterminated comment"),
])
def test_bad_equations_raise_xmile_errors(text, match):
    with pytest.raises(XmileError, match=match):
        p(text, variable="v")


def test_unknown_names_are_refused_when_symbols_are_given():
    with pytest.raises(XmileError, match="unknown name 'nope'"):
        parse_equation("nope + 1", {"x": Symbol("x")}, variable="y")


def test_number_lists():
    assert parse_number_list("1, 2, 3") == [1.0, 2.0, 3.0]
    assert parse_number_list("1; 2") == [1.0, 2.0]
    assert parse_number_list("1") is None
    assert parse_number_list("a, b") is None


def test_module_qualified_names_and_constants():
    assert parse_equation("hares.hare_density * 2") == Bin("*", Var("hares_hare_density"), Num(2.0))
    assert parse_equation("TIME * PI") == Bin("*", Var("time"), Num(math.pi))
    with pytest.raises(XmileError, match="placeholder") as info:
        parse_equation(" ??? ")
    assert info.value.construct == "placeholder equation '???'"
    with pytest.raises(XmileError, match="unknown function 'EXPRESSION MACRO'") as info:
        parse_equation("EXPRESSION MACRO(a, b)", {})
    assert info.value.construct == "EXPRESSION MACRO"
