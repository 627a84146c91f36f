"""``if_then_else`` whose condition depends on time (and constants, time series) only evaluates
the branch taken, and auxiliaries used only in one branch are computed only when it is taken.

The reference of every check is the same model with the condition made to depend on a stock
(``+ 0 * anchor``), which keeps it on the ordinary ``numpy.where`` path: results must be identical.
"""

import numpy as np
import pytest

from simulator import Aux, Constant, Flow, Model, SimSettings, Stock, TimeSeries, simulate
from simulator.engine.simulate import compiled

DIMS = {"r": ("r1", "r2", "r3"), "q": ("q1", "q2")}


def model(lazy: bool):
    z = "" if lazy else " + 0 * anchor"
    comps = [
        Constant("t_switch", value=2.5),
        Constant("w", value=[1.0, 2.0, 3.0], dims=("r",)),
        Constant("m", value=[[1.0, 0.5], [0.2, 2.0], [3.0, 1.0]], dims=("r", "q")),
        TimeSeries("policy", x=(0.0, 3.0, 6.0), y=(0.0, 1.0, 0.0)),
        Stock("anchor", initial=1.0, inflows=("ga",)),
        Flow("ga", equation="0.1 * anchor"),
        Stock("x", initial="w", inflows=("gx",), dims=("r",)),
        Aux("phase", equation=f"if_then_else(time < t_switch{z}, 1, 0)"),       # time-only
        # used only in the then / else branch: guarded
        Aux("early_rate", equation="0.2 * sum(x) / (1 + x)", dims=("r",)),
        Aux("late_rate", equation="-0.1 * m * x", dims=("r", "q")),
        Aux("late_total", equation="sum(late_rate, 'q')", dims=("r",)),
        Flow("gx", equation=f"if_then_else(phase > 0{z}, early_rate * x, late_total * x)", dims=("r",)),
        # branches of different dimensions: the scalar one must be broadcast as numpy.where does
        Aux("mixed", equation=f"if_then_else(time >= 1{z}, anchor, m * 2)", dims=("r", "q")),
        Aux("mixed_sum", equation="sum(mixed)"),
        # nested lazy conditionals, a time series in the condition, a literal branch
        Aux("nested", equation=f"if_then_else(policy > 0.5{z}, if_then_else(time < 4{z}, sum(x), 7), -1)"),
    ]
    return Model("lazy", comps, dimensions=DIMS)


SAVE = ["x", "gx", "mixed", "mixed_sum", "nested", "phase"]


@pytest.mark.parametrize("method", ["euler", "rk4"])
@pytest.mark.parametrize("params", [{}, {"t_switch": [1.0, 2.5, 4.0]}, {"w": [[1, 2, 3], [3, 2, 1]]}],
                         ids=["one", "per-member-condition", "per-member-values"])
def test_lazy_branches_give_identical_results(method, params):
    st = SimSettings(0, 6, 0.25, save_every=0.25, method=method)
    lazy = simulate(model(True), params, st, save=SAVE)
    ref = simulate(model(False), params, st, save=SAVE)
    for v in SAVE:
        np.testing.assert_array_equal(lazy[v], ref[v], err_msg=v)
    # the run covers both branches of every conditional
    assert set(np.unique(lazy["phase"])) == {0.0, 1.0} and len(np.unique(lazy["nested"][0])) > 2


def test_the_time_only_conditionals_are_lazy_and_branch_only_auxiliaries_guarded():
    cm = compiled(model(True))
    src = cm.vector.source(tuple(SAVE))
    body = src.split("def evaluate(")[1].split("        if dbg:\n            return")[0]
    assert body.count("_is0(") >= 4          # phase, gx, mixed and both of nested
    names = cm.vector.names
    lines = body.splitlines()

    def block_of(var):
        j = next(i for i, x in enumerate(lines) if x.strip().startswith(f"{names[var]} = "))
        head = next(x for x in reversed(lines[:j]) if len(x) - len(x.lstrip()) < len(lines[j]) - len(lines[j].lstrip()))
        return head.strip()

    assert block_of("early_rate").startswith("if dbg or _need(") and block_of("early_rate").endswith(", True):")
    assert block_of("late_rate").endswith(", False):") and block_of("late_total").endswith(", False):")
    assert not block_of("gx").startswith("if dbg or _need(")       # a flow: needed at every step
    # without lazy conditions nothing is guarded
    ref = compiled(model(False)).vector.source(tuple(SAVE))
    assert "_need(" not in ref


@pytest.mark.parametrize("lazy", [True, False])
def test_untaken_branch_and_branch_only_auxiliaries_are_not_evaluated(lazy, monkeypatch):
    from simulator.engine import codegen

    calls = []
    log = codegen.NAMESPACE["_log"]
    monkeypatch.setitem(codegen.NAMESPACE, "_log", lambda x: calls.append(1) or log(x))
    z = "" if lazy else " + 0 * s"
    m = Model("skip", [
        Stock("s", initial=1.0, inflows=("f",)),
        Flow("f", equation=f"if_then_else(time < 3{z}, 0.1 * s, guarded)"),
        Aux("guarded", equation="ln(time + 1) * 0 + 0.2 * s"),
    ])
    res = simulate(m, n_runs=2, settings=SimSettings(0, 5, 0.5, save_every=0.5), save=["s", "f"])
    # evaluations at t = 0, 0.5, ..., 5 and one at initialisation; the else branch from t = 3 on
    assert len(calls) == (1 + 5 if lazy else 1 + 11)
    ref_s = [1.0]
    for t in np.arange(0, 5, 0.5):
        ref_s.append(ref_s[-1] * (1 + 0.5 * (0.1 if t < 3 else 0.2)))
    np.testing.assert_allclose(res["s"][0], ref_s, rtol=1e-12)
