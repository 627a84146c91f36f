"""Ensembles: samplers, chunked runs, quantiles, executors, paired comparison.

Tolerance regimes (as in SALib's own suite): seeded reproducibility is exact
(bit-identical arrays); statistical checks on sample moments and imposed
correlations use ``atol`` of a few standard errors at the sample size used.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from simulator import Aux, Constant, Flow, Model, NonFiniteError, SimSettings, Stock, simulate
from simulator.ensemble import (
    EnsembleError,
    SamplingError,
    load_correlations,
    marginals,
    member_seeds,
    paired_comparison,
    parse_output,
    run_ensemble,
    sample,
)
from simulator.params import Parameter, ParameterSet

SETTINGS = SimSettings(0, 30, 0.25)
QCOLS = ["p5", "p25", "p50", "p75", "p95"]


def P(name, value, lo, hi, **kw):
    return Parameter(name=name, value=value, unit="1", range=(lo, hi), source="test", **kw)


def logistic_model():
    return Model("logistic", [
        Stock("p", initial="p0", inflows=("growth",), units="u"),
        Flow("growth", equation="r * p * (1 - p / k)", units="u/yr"),
        Constant("r", value=0.3, units="1/yr"), Constant("k", value=1000.0, units="u"),
        Constant("p0", value=10.0, units="u"),
        Aux("share", equation="p / k"),
    ])


def logistic_params(r_range=(0.2, 0.4)):
    return ParameterSet([
        P("r", 0.3, *r_range),
        P("k", 1000.0, 700.0, 1300.0, distribution="normal", mean=1000.0, sd=150.0),
        P("p0", 10.0, 10.0, 10.0, distribution="fixed"),
    ])


def sector_model():
    """Arrayed stocks and transcendental functions, to exercise vectorised kernels."""
    return Model("sectors", [
        Stock("cap", initial="cap0", inflows=("inv",), outflows=("dep",), dims=("sector",)),
        Flow("inv", equation="s * out * (1 + 0.1 * sin(time / 3))", dims=("sector",)),
        Flow("dep", equation="delta * cap", dims=("sector",)),
        Aux("out", equation="a * cap ** alpha * exp(g * time)", dims=("sector",)),
        Aux("total", equation="sum(out)"),
        Aux("smooth_total", equation="smooth(total, 3)"),
        Constant("cap0", value=[100.0, 200.0, 50.0], dims=("sector",)),
        Constant("s", value=[0.2, 0.25, 0.3], dims=("sector",)),
        Constant("a", value=1.0), Constant("alpha", value=0.4), Constant("delta", value=0.05),
        Constant("g", value=0.01),
    ], dimensions={"sector": ("agri", "industry", "services")})


def sector_params():
    return ParameterSet([
        P("s", (0.2, 0.25, 0.3), 0.1, 0.4, dims=("sector",)),
        P("alpha", 0.4, 0.3, 0.5, distribution="triangular", mode=0.4),
        P("delta", 0.05, 0.02, 0.1, distribution="lognormal", median=0.05, sigma=0.3),
        P("g", 0.01, 0.0, 0.02),
    ])


# -- sampling -------------------------------------------------------------------

@pytest.mark.parametrize("method", ["lhs", "sobol", "random"])
def test_sample_is_deterministic_for_a_seed(method):
    a = sample(sector_params(), 64, seed=7, method=method, dimensions=sector_model().dimensions)
    b = sample(sector_params(), 64, seed=7, method=method, dimensions=sector_model().dimensions)
    c = sample(sector_params(), 64, seed=8, method=method, dimensions=sector_model().dimensions)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert not np.allclose(a.to_numpy(), c.to_numpy())
    assert list(a.columns) == ["s[agri]", "s[industry]", "s[services]", "alpha", "delta", "g"]


def test_fixed_parameters_are_not_sampled_and_values_stay_in_range():
    s = sample(logistic_params(), 500, seed=1)
    assert list(s.columns) == ["r", "k"]
    assert s["r"].between(0.2, 0.4).all() and s["k"].between(700, 1300).all()


def test_lhs_is_stratified():
    n = 200
    s = sample(ParameterSet([P("x", 0.5, 0.0, 1.0)]), n, seed=3)
    strata = np.floor(s["x"].to_numpy() * n).astype(int)
    assert sorted(strata) == list(range(n))


def test_random_sampler_member_does_not_depend_on_n():
    a = sample(logistic_params(), 5, seed=11, method="random")
    b = sample(logistic_params(), 50, seed=11, method="random")
    pd.testing.assert_frame_equal(a, b.iloc[:5], check_exact=True)
    np.testing.assert_array_equal(member_seeds(11, 3), member_seeds(11, 10)[:3])


def test_marginal_moments():
    n = 20000
    s = sample(sector_params(), n, seed=5)
    # triangular(0.3, 0.4, 0.5): mean 0.4, sd sqrt((0.1^2*3 - 0.01*... )) = 0.1/sqrt(6)
    assert s["alpha"].mean() == pytest.approx(0.4, abs=2e-3)
    assert s["alpha"].std() == pytest.approx(0.1 / np.sqrt(6), rel=0.02)
    # lognormal truncated far in the tails (range covers +-2.3 sigma): median ~ 0.05
    assert s["delta"].median() == pytest.approx(0.05, rel=0.01)
    assert s["g"].mean() == pytest.approx(0.01, abs=2e-4)


def test_degenerate_range_gives_constant_column():
    s = sample(ParameterSet([P("x", 2.0, 2.0, 2.0)]), 10, seed=0)
    assert (s["x"] == 2.0).all()


def test_unknown_sampler_is_an_error():
    with pytest.raises(SamplingError, match="unknown sampler"):
        sample(logistic_params(), 10, seed=0, method="halton")


def test_correlations_are_imposed_and_marginals_kept():
    ps = ParameterSet([P("a", 0.5, 0.0, 1.0), P("b", 0.5, 0.0, 1.0), P("c", 0.5, 0.0, 1.0)])
    plain = sample(ps, 2000, seed=4)
    corr = sample(ps, 2000, seed=4, correlations=[("a", "b", 0.7), ("b", "c", -0.3)])
    rho = corr.corr(method="spearman")
    assert rho.loc["a", "b"] == pytest.approx(0.7, abs=0.05)
    assert rho.loc["b", "c"] == pytest.approx(-0.3, abs=0.05)
    for col in "abc":  # Iman-Conover only re-pairs: each column keeps exactly its values
        np.testing.assert_array_equal(np.sort(corr[col]), np.sort(plain[col]))
    pd.testing.assert_frame_equal(corr, sample(ps, 2000, seed=4, correlations={("a", "b"): 0.7, ("b", "c"): -0.3}))


def test_bad_correlations():
    ps = ParameterSet([P("a", 0.5, 0.0, 1.0), P("b", 0.5, 0.0, 1.0), P("c", 0.5, 0.0, 1.0)])
    with pytest.raises(SamplingError, match="positive-definite"):
        sample(ps, 100, seed=0, correlations=[("a", "b", 0.95), ("b", "c", 0.95), ("a", "c", -0.95)])
    with pytest.raises(SamplingError, match="not a sampled parameter"):
        sample(ps, 100, seed=0, correlations=[("a", "zz", 0.5)])
    with pytest.raises(SamplingError, match="between -1 and 1"):
        sample(ps, 100, seed=0, correlations=[("a", "b", 1.0)])


def test_load_correlations(tmp_path):
    f = tmp_path / "corr.toml"
    f.write_text('[correlations]\npairs = [["a", "b", 0.5], ["s[agri]", "g", -0.2]]\n')
    assert load_correlations(f) == [("a", "b", 0.5), ("s[agri]", "g", -0.2)]
    f.write_text('[correlations]\npairs = [["a", 0.5]]\n')
    with pytest.raises(SamplingError, match="each entry"):
        load_correlations(f)


def test_marginals_name_elements():
    ms = marginals(sector_params(), {"sector": ("agri", "industry", "services")})
    assert [m.column for m in ms][:3] == ["s[agri]", "s[industry]", "s[services]"]
    assert [m.column for m in marginals(sector_params())][:3] == ["s[0]", "s[1]", "s[2]"]


# -- running ----------------------------------------------------------------------

def test_quantiles_are_ordered_and_long_format():
    m = sector_model()
    s = sample(sector_params(), 300, seed=2, dimensions=m.dimensions)
    e = run_ensemble(m, s, settings=SETTINGS, variables=["total", "out"], chunk_size=128)
    q = e.quantiles()
    assert list(q.columns) == ["variable", "dimension", "year", "quantile", "value"]
    assert set(q["dimension"][q.variable == "out"]) == {"agri", "industry", "services"}
    wide = q.pivot_table(index=["variable", "dimension", "year"], columns="quantile", values="value")[QCOLS]
    assert (np.diff(wide.to_numpy(), axis=1) >= 0).all()
    assert len(q) == (1 + 3) * 31 * 5


def test_results_identical_across_chunk_sizes():
    m = sector_model()
    s = sample(sector_params(), 257, seed=9, dimensions=m.dimensions)
    ref = run_ensemble(m, s, settings=SETTINGS, variables=["total", "out", "smooth_total"], chunk_size=257)
    for cs in (1, 16, 100):
        e = run_ensemble(m, s, settings=SETTINGS, variables=["total", "out", "smooth_total"], chunk_size=cs)
        for v in ref.variables:
            np.testing.assert_array_equal(e.values(v), ref.values(v))
        pd.testing.assert_frame_equal(e.quantiles(), ref.quantiles(), check_exact=True)


def test_large_chunks_with_arrayed_parameters_and_reductions_are_identical():
    """Regression: arrayed parameter blocks once came out in Fortran order; numpy then evaluated
    ``sum(p ** 0.5 * cap ** 0.5)`` in a size-dependent order (last-bit differences between chunkings)."""
    els = tuple(f"e{i}" for i in range(9))
    m = Model("layout", [
        Constant("w", value=[0.1 * i + 0.3 for i in range(9)], dims=("s",)),
        Constant("p", value=[0.5] * 9, dims=("s",)),
        Stock("cap", initial="w * 100", inflows=("inv",), dims=("s",)),
        Flow("inv", equation="p * cap * 0.01", dims=("s",)),
        Aux("f", equation="sum(p ** 0.5 * cap ** 0.5)"),
        Aux("g", equation="sum(max(p, 0.2) * cap)"),
    ], dimensions={"s": els})
    ps = ParameterSet([P("p", (0.5,) * 9, 0.2, 0.8, dims=("s",))])
    s = sample(ps, 10_000, seed=2, dimensions=m.dimensions)
    st = SimSettings(0, 2, 1.0)
    ref = run_ensemble(m, s, settings=st, variables=["f", "g"], chunk_size=10_000)
    for cs in (500, 4097):
        e = run_ensemble(m, s, settings=st, variables=["f", "g"], chunk_size=cs)
        for v in ref.variables:
            np.testing.assert_array_equal(e.values(v), ref.values(v))


def test_member_equals_single_run():
    m = sector_model()
    s = sample(sector_params(), 40, seed=9, dimensions=m.dimensions)
    e = run_ensemble(m, s, settings=SETTINGS, variables=["total"], chunk_size=16)
    i = 23
    row = s.iloc[i]
    single = simulate(m, {"s": row[["s[agri]", "s[industry]", "s[services]"]].to_numpy(float), "alpha": row["alpha"],
                          "delta": row["delta"], "g": row["g"]}, SETTINGS)
    np.testing.assert_allclose(e.values("total")[i], single["total"][0], rtol=1e-12)


def test_zero_variance_parameter_gives_zero_width_bands():
    m = logistic_model()
    ps = ParameterSet([P("r", 0.3, 0.3, 0.3), P("k", 1000.0, 1000.0, 1000.0, distribution="triangular", mode=1000.0)])
    e = run_ensemble(m, sample(ps, 50, seed=1), settings=SETTINGS, variables=["p"])
    wide = e.quantiles().pivot_table(index="year", columns="quantile", values="value")
    assert (wide.max(axis=1) - wide.min(axis=1)).max() == 0.0
    np.testing.assert_allclose(wide["p50"].to_numpy(), simulate(m, settings=SETTINGS)["p"][0])


def test_base_params_apply_and_samples_take_precedence():
    m = logistic_model()
    s = pd.DataFrame({"r": [0.1, 0.2]})
    e = run_ensemble(m, s, {"k": 500.0, "r": 9.0}, SETTINGS, variables=["p"])
    ref = simulate(m, {"r": np.array([0.1, 0.2]), "k": 500.0}, SETTINGS)
    np.testing.assert_array_equal(e.values("p"), ref["p"])


def test_bad_columns_and_options():
    m = logistic_model()
    with pytest.raises(EnsembleError, match="no constant 'nope'"):
        run_ensemble(m, pd.DataFrame({"nope": [1.0]}), settings=SETTINGS)
    with pytest.raises(EnsembleError, match="no constant 'growth'"):
        run_ensemble(m, pd.DataFrame({"growth": [1.0]}), settings=SETTINGS)
    with pytest.raises(EnsembleError, match="unknown executor"):
        run_ensemble(m, pd.DataFrame({"r": [0.1]}), settings=SETTINGS, executor="mpi")
    with pytest.raises(EnsembleError, match="NaN"):
        run_ensemble(m, pd.DataFrame({"r": [np.nan]}), settings=SETTINGS)
    ms = sector_model()
    with pytest.raises(EnsembleError, match="no element 'fish'"):
        run_ensemble(ms, pd.DataFrame({"s[fish]": [0.1]}), settings=SETTINGS)


def test_nonfinite_member_is_reported_by_member_index():
    m = Model("blow", [Stock("x", initial=1.0, inflows=("f",)), Flow("f", equation="x / (r - 0.5)"),
                       Constant("r", value=0.0)])
    s = pd.DataFrame({"r": [0.0, 0.1, 0.2, 0.5, 0.3]})
    with pytest.raises(NonFiniteError, match="member 3"):
        run_ensemble(m, s, settings=SETTINGS, chunk_size=2)


def test_parquet_store_matches_memory(tmp_path):
    m = sector_model()
    s = sample(sector_params(), 90, seed=4, dimensions=m.dimensions)
    mem = run_ensemble(m, s, settings=SETTINGS, variables=["total", "out"], chunk_size=32)
    disk = run_ensemble(m, s, settings=SETTINGS, variables=["total", "out"], chunk_size=32,
                        parquet=tmp_path / "members")
    assert disk.data is None and len(list((tmp_path / "members").glob("part-*.parquet"))) == 3
    for v in ("total", "out"):
        np.testing.assert_array_equal(disk.values(v), mem.values(v))
    pd.testing.assert_frame_equal(disk.quantiles(), mem.quantiles(), check_exact=True)
    info = json.loads((tmp_path / "members" / "_ensemble.json").read_text())
    assert info["n_members"] == 90
    frame = pd.read_parquet(tmp_path / "members")
    assert list(frame.columns[:4]) == ["member", "year", "total", "out[agri]"]


def test_output_spec_and_at():
    assert parse_output("gdp_real@2035").variable == "gdp_real"
    o = parse_output(" value_added[agri] @ 2035 ")
    assert (o.variable, o.element, o.year) == ("value_added", "agri", 2035.0)
    for bad in ("gdp_real", "gdp_real@", "@2035", "gdp real@2035"):
        with pytest.raises(EnsembleError, match="bad output"):
            parse_output(bad)
    m = sector_model()
    e = run_ensemble(m, sample(sector_params(), 8, seed=1, dimensions=m.dimensions), settings=SETTINGS,
                     variables=["out", "total"])
    np.testing.assert_array_equal(e.at("out[industry]@10"), e.values("out")[:, 10, 1])
    with pytest.raises(EnsembleError, match="name one element"):
        e.at("out@10")
    with pytest.raises(EnsembleError, match="not a saved time"):
        e.at("total@99")
    with pytest.raises(EnsembleError, match="was not kept"):
        e.at("cap[agri]@10")


# -- executors ----------------------------------------------------------------------

def test_dask_local_cluster_is_bit_identical_to_inprocess():
    pytest.importorskip("dask.distributed")
    m = sector_model()
    s = sample(sector_params(), 150, seed=21, dimensions=m.dimensions)
    ref = run_ensemble(m, s, settings=SETTINGS, variables=["total", "out"], chunk_size=150)
    e = run_ensemble(m, s, settings=SETTINGS, variables=["total", "out"], chunk_size=40, executor="dask",
                     n_workers=2, processes=False)
    assert e.metadata["executor"] == "dask"
    for v in ref.variables:
        np.testing.assert_array_equal(e.values(v), ref.values(v))


@pytest.mark.slow
def test_dask_worker_processes_are_bit_identical_to_inprocess():
    pytest.importorskip("dask.distributed")
    m = sector_model()
    s = sample(sector_params(), 100, seed=22, dimensions=m.dimensions)
    ref = run_ensemble(m, s, settings=SETTINGS, variables=["out"])
    e = run_ensemble(m, s, settings=SETTINGS, variables=["out"], chunk_size=30, executor="dask", n_workers=2,
                     processes=True)
    np.testing.assert_array_equal(e.values("out"), ref.values("out"))


def test_worker_processes_are_bit_identical_to_inprocess_and_report_progress():
    m = sector_model()
    s = sample(sector_params(), 301, seed=23, dimensions=m.dimensions)
    ref = run_ensemble(m, s, settings=SETTINGS, variables=["total", "out", "smooth_total"], executor="inprocess")
    seen = []
    e = run_ensemble(m, s, settings=SETTINGS, variables=["total", "out", "smooth_total"], chunk_size=50,
                     executor="processes", n_workers=2, progress=seen.append)
    assert e.metadata["executor"] == "processes" and e.metadata["workers"] == 2
    assert ref.metadata["executor"] == "inprocess"
    for v in ref.variables:
        np.testing.assert_array_equal(e.values(v), ref.values(v))
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 7   # 7 chunks come back one by one


def test_auto_executor_runs_small_ensembles_in_process_and_large_ones_on_workers():
    from simulator.ensemble.processes import available_workers

    m = logistic_model()
    s = sample(logistic_params(), 40, seed=5)
    assert run_ensemble(m, s, settings=SETTINGS, variables=["p"]).metadata["executor"] == "inprocess"
    one = run_ensemble(m, s, settings=SETTINGS, variables=["p"], chunk_size=10, n_workers=1)
    assert one.metadata["executor"] == "inprocess"
    big = run_ensemble(m, s, settings=SETTINGS, variables=["p"], chunk_size=10)
    assert big.metadata["executor"] == ("processes" if available_workers() > 1 else "inprocess")
    np.testing.assert_array_equal(big.values("p"), one.values("p"))


@pytest.mark.parametrize("n, chunk, workers", [(10_000, 2000, 2), (10, 3, 4), (1, 2000, 2), (7, 7, 3), (4001, 2000, 2)])
def test_plan_chunks_covers_every_member_in_equal_shares_of_the_workers(n, chunk, workers):
    from simulator.ensemble.processes import plan_chunks

    r = plan_chunks(n, chunk, workers)
    assert r[0][0] == 0 and r[-1][1] == n and all(a[1] == b[0] for a, b in zip(r, r[1:]))
    sizes = [b - a for a, b in r]
    assert max(sizes) <= chunk and max(sizes) - min(sizes) <= 1
    assert len(r) % workers == 0 or len(r) == n          # never one worker left alone with a last chunk
    if (n, chunk, workers) == (10_000, 2000, 2):
        assert len(r) == 6 and set(sizes) <= {1666, 1667}     # not 5 chunks of 2,000: 3 on one worker, 2 on the other


def test_nonfinite_member_on_a_worker_names_its_global_index():
    m = Model("blow", [Stock("x", initial=1.0, inflows=("f",)), Flow("f", equation="x / (r - 0.5)"),
                       Constant("r", value=0.0)])
    s = pd.DataFrame({"r": [0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.5, 0.3]})
    with pytest.raises(NonFiniteError, match="member 6"):
        run_ensemble(m, s, settings=SETTINGS, chunk_size=2, executor="processes", n_workers=2)


def test_worker_processes_write_the_same_parquet_dataset(tmp_path):
    m = sector_model()
    s = sample(sector_params(), 90, seed=4, dimensions=m.dimensions)
    mem = run_ensemble(m, s, settings=SETTINGS, variables=["total", "out"], chunk_size=32, executor="inprocess")
    disk = run_ensemble(m, s, settings=SETTINGS, variables=["total", "out"], chunk_size=32, executor="processes",
                        n_workers=2, parquet=tmp_path / "members")
    assert len(list((tmp_path / "members").glob("part-*.parquet"))) == 3
    for v in ("total", "out"):
        np.testing.assert_array_equal(disk.values(v), mem.values(v))


def test_bad_worker_count_is_refused():
    with pytest.raises(EnsembleError, match="workers must be >= 1"):
        run_ensemble(logistic_model(), sample(logistic_params(), 4, seed=1), settings=SETTINGS, n_workers=0)


# -- paired comparison ----------------------------------------------------------------

def test_paired_comparison():
    base = logistic_model()
    policy = base.with_constants({"p0": 12.0})  # a head start: always above baseline
    s = sample(logistic_params(), 200, seed=3)
    eb = run_ensemble(base, s, settings=SETTINGS, variables=["p"])
    es = run_ensemble(policy, s, settings=SETTINGS, variables=["p"])
    cmp = paired_comparison(es, eb)
    prob = cmp.probability.set_index("year")
    assert (prob.loc[1.0:, "p_higher"] == 1.0).all() and (prob["p_lower"] == 0.0).all()
    eff = cmp.effect.pivot_table(index="year", columns="quantile", values="value")[QCOLS]
    assert (np.diff(eff.to_numpy(), axis=1) >= 0).all()
    assert (eff.loc[0.0] == 2.0).all()
    # the paired effect is narrower than the difference of independent fans
    qb = eb.quantiles().pivot_table(index="year", columns="quantile", values="value")
    assert (eff.loc[10.0, "p95"] - eff.loc[10.0, "p5"]) < (qb.loc[10.0, "p95"] - qb.loc[10.0, "p5"])
    same = paired_comparison(eb, eb)
    assert (same.effect["value"] == 0).all() and (same.probability["p_higher"] == 0).all()
    with pytest.raises(EnsembleError, match="same members"):
        paired_comparison(es, run_ensemble(base, s.iloc[:10], settings=SETTINGS, variables=["p"]))
