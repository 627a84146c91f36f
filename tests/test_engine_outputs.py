"""What a step computes and how outputs are stored.

- Output-only auxiliaries (reachable from no flow, stock, history or other needed variable)
  are computed at save steps only, auxiliaries nobody saved or needs not at all; saved values are
  identical to a run that computes them at every step.
- The state is one flat buffer (scalar stocks as contiguous rows, arrayed stocks as columns):
  non-negative stocks in both parts, non-finite members found in both.
- Outputs with few elements are time-major buffers handed over as ``(N, T, ...)`` views; their
  memory is reused only once no array of a result views it.
"""

import numpy as np
import pytest

from simulator import Aux, Constant, Flow, Model, NonFiniteError, SimSettings, Stock, simulate
from simulator.engine.buffers import OutputPool
from simulator.engine.simulate import compiled

DIMS = {"r": ("r1", "r2", "r3")}


def chain(anchor: bool):
    """Stocks and flows plus output-only auxiliaries; ``anchor`` feeds them into a flow (times 0)
    so that they are computed at every step instead: the reference run."""
    comps = [
        Constant("g", value=0.05),
        Constant("w", value=[1.0, 2.0, 3.0], dims=("r",)),
        Stock("x", initial=1.0, inflows=("gx",)),
        Flow("gx", equation="g * x" + (" + 0 * (sum(share) + report)" if anchor else "")),
        Stock("y", initial="w", inflows=("gy",), dims=("r",), non_negative=True),
        Flow("gy", equation="g * y - 0.01 * time", dims=("r",)),
        Aux("total", equation="sum(y) + x"),                     # output-only
        Aux("share", equation="y / total", dims=("r",)),          # output-only, arrayed
        Aux("report", equation="if_then_else(time > 3, sum(share * w), exp(x))"),   # output-only
        Aux("unsaved", equation="total * 2"),                    # needed by nobody, not saved
    ]
    return Model("outputs", comps, dimensions=DIMS)


@pytest.mark.parametrize("method", ["euler", "rk4"])
@pytest.mark.parametrize("n_runs", [1, 3])
def test_output_only_auxiliaries_are_computed_at_save_steps_with_identical_values(method, n_runs):
    st = SimSettings(0, 6, 0.25, save_every=1.0, method=method)
    params = {"g": np.linspace(0.03, 0.07, n_runs)} if n_runs > 1 else {}
    save = ["x", "y", "gx", "total", "share", "report"]
    lazy = simulate(chain(False), params, st, save=save)
    ref = simulate(chain(True), params, st, save=save)
    for v in save:
        np.testing.assert_array_equal(lazy[v], ref[v], err_msg=v)
    src = compiled(chain(False)).vector.source(tuple(save))
    body = src.split("def evaluate(")[1].split("def save_static(")[0]
    every, at_save, dbg = body.split("if k >= 0 or dbg:")[0], body.split("if k >= 0 or dbg:")[1], body.split("if dbg:")[1]
    names = compiled(chain(False)).vector.names
    assert f"{names['gx']} = " in every and f"{names['total']} = " not in every
    for v in ("total", "share", "report"):
        assert f"{names[v]} = " in at_save.split("if dbg:")[0], v
    assert f"{names['unsaved']} = " in dbg and f"{names['unsaved']} = " not in every + at_save.split("if dbg:")[0]


def test_everything_visible_is_saved_by_default_and_unsaved_ones_still_diagnose_nonfinite():
    m = Model("nf", [Stock("s", initial=1.0, inflows=("f",)), Flow("f", equation="0.1 * s"),
                     Aux("only_out", equation="1 / (time - 2)")])
    res = simulate(m, n_runs=2, settings=SimSettings(0, 4, 1, on_nonfinite="ignore"))
    assert set(res.variables) == {"s", "f", "only_out"} and np.isinf(res["only_out"][0, 2])
    with pytest.raises(NonFiniteError) as exc:
        simulate(m, n_runs=2, settings=SimSettings(0, 4, 1))
    assert exc.value.variable == "only_out" and exc.value.time == 2.0
    # not saved and needed by nothing: not computed, so it cannot make the run fail
    ok = simulate(m, n_runs=2, settings=SimSettings(0, 4, 1), save=["s"])
    np.testing.assert_allclose(ok["s"][0], 1.1 ** np.arange(5), rtol=1e-12)


def test_flat_state_with_scalar_and_arrayed_non_negative_stocks_and_nonfinite_members():
    m = Model("mixed", [
        Constant("k", value=1.0),
        Stock("a", initial=1.0, outflows=("da",), non_negative=True),
        Flow("da", equation="0.7"),
        Constant("b0", value=[1.0, 0.2, 3.0], dims=("r",)),
        Stock("b", initial="b0", outflows=("db",), dims=("r",), non_negative=True),
        Flow("db", equation="0.5", dims=("r",)),
        Stock("c", initial=2.0, inflows=("dc",)),
        Flow("dc", equation="c * k"),
    ], dimensions=DIMS)
    res = simulate(m, params={"k": [0.1, 0.2]}, settings=SimSettings(0, 3, 1))
    np.testing.assert_allclose(res["a"][0], [1.0, 0.3, 0.0, 0.0])
    np.testing.assert_allclose(res["b"][1, :, 1], [0.2, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(res["b"][1, :, 2], [3.0, 2.5, 2.0, 1.5])
    np.testing.assert_allclose(res["c"][1], 2.0 * 1.2 ** np.arange(4), rtol=1e-12)
    # a blow-up in member 1 only, in a scalar stock and in an arrayed one
    for eq, dims in (("c * k * 1e300", ()), ("b * k * 1e300", ("r",))):
        name = "dc" if not dims else "db"
        comps = [c for c in m.components if c.name != name]
        comps.append(Flow(name, equation=eq if not dims else "-" + eq, dims=dims))
        with pytest.raises(NonFiniteError) as exc:
            simulate(Model("blow", comps, dimensions=DIMS), params={"k": [0.0, 1e10]}, settings=SimSettings(0, 3, 1))
        assert exc.value.run == 1


def test_time_major_outputs_are_member_views_and_equal_single_runs():
    m = chain(False)
    st = SimSettings(0, 6, 0.5, save_every=0.5)
    g = np.array([0.02, 0.05, 0.08, 0.04])
    res = simulate(m, {"g": g}, st)
    assert res["x"].shape == (4, 13) and res["share"].shape == (4, 13, 3)
    for i, gi in enumerate(g):
        one = simulate(m, {"g": gi}, st)
        for v in res.variables:
            np.testing.assert_array_equal(res[v][i], one[v][0], err_msg=v)


def test_output_pool_reuses_memory_only_when_no_result_array_is_alive():
    pool = OutputPool(min_bytes=0)
    a = pool.arrays({"x": (2, 3), "y": (4,)})
    base = id(a["x"].base)
    a["x"][...] = 1.0
    b = pool.arrays({"x": (2, 3), "y": (4,)})        # a is alive: fresh memory
    assert not np.shares_memory(a["x"], b["x"]) and np.all(a["x"] == 1.0)
    keep = a["y"]
    del a
    c = pool.arrays({"x": (2, 3), "y": (4,)})        # a's y is still held: not reused
    assert not np.shares_memory(c["x"], keep) and not np.shares_memory(c["x"], b["x"])
    del keep, c
    d = pool.arrays({"x": (2, 3), "y": (4,)})        # nothing of a is left: its memory is reused
    assert id(d["x"].base) == base
    assert not np.shares_memory(d["x"], b["x"])


def test_large_results_held_by_the_caller_are_never_overwritten():
    # outputs of ~6 MB come from the pool: a second run must not write into the first's arrays
    m = chain(False)
    st = SimSettings(0, 100, 0.05, save_every=0.05)
    first = simulate(m, {"g": np.full(300, 0.01)}, st, save=["x", "report"])
    copy = {v: first[v].copy() for v in first.variables}
    second = simulate(m, {"g": np.full(300, 0.02)}, st, save=["x", "report"])
    for v in first.variables:
        np.testing.assert_array_equal(first[v], copy[v])
        assert not np.shares_memory(first[v], second[v])
    del first, copy
    third = simulate(m, {"g": np.full(300, 0.02)}, st, save=["x", "report"])
    for v in third.variables:
        np.testing.assert_array_equal(third[v], second[v])
