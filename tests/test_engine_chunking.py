"""Ensemble chunks: the default size follows the width of the model's arrays, and results do not
depend on the chunking (arrayed model with per-member parameters and stochastic draws)."""

import numpy as np
import pandas as pd
import pytest

from simulator import Aux, Constant, Flow, Model, SimSettings, Stock
from simulator.engine import default_chunk_size
from simulator.engine.simulate import CHUNK_RANGE
from simulator.ensemble import run_ensemble


def wide_model(width: int):
    """A cohort-like block: stocks over (sex, age) of ``width`` cells per member, plus scalars."""
    ages = tuple(f"a{j}" for j in range(width // 2))
    dims = {"sex": ("f", "m"), "age": ages}
    return Model(f"wide{width}", [
        Constant("birth", value=0.02), Constant("death", value=[[0.01] * len(ages)] * 2, dims=("sex", "age")),
        Stock("pop", initial=1.0, inflows=("ageing_in", "births"), outflows=("deaths", "ageing_out"), dims=("sex", "age")),
        Flow("ageing_out", equation="0.2 * pop", dims=("sex", "age")),
        Flow("ageing_in", equation="shift(ageing_out, 'age', 1)", dims=("sex", "age")),
        Flow("deaths", equation="death * pop * (1 + 0.1 * normal(0, 1))", dims=("sex", "age")),
        Flow("births", equation="if_then_else(age_is_0 > 0, birth * sum(pop, 'age'), 0)", dims=("sex", "age")),
        Constant("age_is_0", value=[1.0] + [0.0] * (len(ages) - 1), dims=("age",)),
        Aux("total", equation="sum(pop)"),
    ], dimensions=dims)


def scalar_model():
    return Model("scalars", [Constant("g", value=0.03), Stock("x", initial=1.0, inflows=("f",)),
                             Flow("f", equation="g * x"), Aux("y", equation="2 * x")])


def test_default_chunk_is_smaller_for_wider_arrays_and_within_its_range():
    sizes = [default_chunk_size(scalar_model())] + [default_chunk_size(wide_model(w)) for w in (4, 16, 36, 72, 400)]
    assert sizes[0] == CHUNK_RANGE[1]
    assert all(CHUNK_RANGE[0] <= s <= CHUNK_RANGE[1] and s % 250 == 0 for s in sizes)
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] == CHUNK_RANGE[0] and sizes[3] < sizes[0]


@pytest.mark.parametrize("chunk", [None, 1, 7, 64])
def test_results_do_not_depend_on_the_chunking(chunk):
    m = wide_model(8)
    rng = np.random.default_rng(5)
    n = 70
    samples = pd.DataFrame({"birth": rng.uniform(0.01, 0.03, n), "death[f,a1]": rng.uniform(0.0, 0.02, n)})
    st = SimSettings(0, 5, 0.5, save_every=0.5, seed=3)
    ref = run_ensemble(m, samples, settings=st, chunk_size=n, variables=["pop", "total", "deaths"])
    got = run_ensemble(m, samples, settings=st, chunk_size=chunk, variables=["pop", "total", "deaths"])
    assert got.metadata["chunk_size"] == (chunk or default_chunk_size(m, ["pop", "total", "deaths"]))
    for v in ("pop", "total", "deaths"):
        np.testing.assert_array_equal(got.values(v), ref.values(v), err_msg=v)
    assert np.ptp(ref.values("total")[:, -1]) > 0
