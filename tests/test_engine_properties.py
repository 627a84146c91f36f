"""Property-based tests of the engine (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import Constant, Flow, Model, SimSettings, Stock, simulate


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 6),
    rates=st.lists(st.floats(0.0, 2.0), min_size=6, max_size=6),
    init=st.lists(st.floats(0.0, 1e3), min_size=6, max_size=6),
    method=st.sampled_from(["euler", "rk4"]),
)
def test_random_linear_chain_conserves_mass(n, rates, init, method):
    comps = []
    for i in range(n):
        ins = (f"f{i - 1}",) if i > 0 else ()
        outs = (f"f{i}",) if i < n - 1 else ()
        comps.append(Stock(f"s{i}", initial=init[i], inflows=ins, outflows=outs))
        if i < n - 1:
            comps.append(Flow(f"f{i}", equation=f"k{i} * s{i}"))
            comps.append(Constant(f"k{i}", value=rates[i]))
    res = simulate(Model("chain", comps), settings=SimSettings(0, 5, 0.1, method=method))
    total = sum(res[f"s{i}"][0] for i in range(n))
    np.testing.assert_allclose(total, sum(init[:n]), rtol=1e-9, atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(values=st.lists(st.floats(-5, 5), min_size=2, max_size=8))
def test_ensemble_members_are_independent(values):
    m = Model("g", [Stock("s", initial=1, inflows=("g",)), Flow("g", equation="r * s"), Constant("r", value=0.0)])
    ens = simulate(m, params={"r": np.asarray(values) / 10}, settings=SimSettings(0, 3, 0.25))
    for i, v in enumerate(values):
        one = simulate(m, params={"r": v / 10}, settings=SimSettings(0, 3, 0.25))
        np.testing.assert_allclose(ens["s"][i], one["s"][0], rtol=1e-12)
