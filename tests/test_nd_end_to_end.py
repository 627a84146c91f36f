"""End to end: a small model over commodity x sector whose 2-D parameter comes from a TOML file, run alone and as
an ensemble, sampled per cell and analysed as one factor, written to CSV/Parquet and read back.

The model (Euler, dt = 0.25, exact closed forms)::

    activity[s]            stock, initial activity0[s], inflow growth * activity[s]
    use[c, s]              flow  io[c, s] * activity[s]            (broadcast by dimension name)
    cumulative_use[c, s]   stock, initial 0, inflow use[c, s]
    demand[c]              aux   sum(use, 'sector')

After K steps ``activity = a0 (1 + g dt)^K`` and ``cumulative_use = io a0 ((1 + g dt)^K - 1) / g``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from simulator.engine import Aux, Flow, Model, SimSettings, Stock, simulate
from simulator.ensemble import run_ensemble, sample
from simulator.io import dimension_columns, read_results_dir, write_results
from simulator.params import load_parameters

DIMS = {"commodity": ("agri", "industry", "services"), "sector": ("agri", "industry", "services")}
SETTINGS = SimSettings(start=0.0, stop=4.0, dt=0.25, save_every=1.0, method="euler")
PARAMS = """[meta]
block = "io_demo"
description = "a 3x3 input-output demo"

[growth]
value = 0.03
unit = "1/yr"
range = [0.01, 0.05]
source = "assumption: demo"

[activity0]
dims = "sector"
unit = "yuan/yr"
range = [5.0, 40.0]
distribution = "fixed"
source = "assumption: demo"
[activity0.value]
agri = 10.0
industry = 20.0
services = 30.0

[io]
dims = ["commodity", "sector"]
unit = "1"
range = [0.0, 0.5]
distribution = "triangular"
mode = "value"
default = 0.0
source = "assumption: demo table"
doc = "commodity c used per unit of activity of sector s"
[io.value]
agri = {agri = 0.10, services = 0.02}
industry = {agri = 0.15, industry = 0.30}
services = {industry = 0.12, services = 0.20}
"""
LISTED = [(0, 0), (0, 2), (1, 0), (1, 1), (2, 1), (2, 2)]


def build(tmp_path):
    from simulator.model import model_constants

    f = tmp_path / "io_demo.toml"
    f.write_text(PARAMS, encoding="utf-8")
    ps = load_parameters(f, dimensions=DIMS)
    cs = model_constants(ps)
    comps = (*cs,
             Stock("activity", units="yuan/yr", dims=("sector",), initial="activity0", inflows=("activity_growth",)),
             Flow("activity_growth", units="yuan/yr/yr", dims=("sector",), equation="growth * activity"),
             Flow("use", units="yuan/yr", dims=("commodity", "sector"), equation="io * activity"),
             Stock("cumulative_use", units="yuan", dims=("commodity", "sector"), initial=0.0, inflows=("use",)),
             Aux("demand", units="yuan/yr", dims=("commodity",), equation="sum(use, 'sector')"))
    return ps, Model("io_demo", components=comps, dimensions=DIMS)


def expected(io, g, years):
    """Closed forms: (activity (T, 3), cumulative_use (T, 3, 3)) for one member."""
    a0 = np.array([10.0, 20.0, 30.0])
    k = np.asarray(years) / SETTINGS.dt
    f = (1.0 + g * SETTINGS.dt) ** k
    act = a0[None, :] * f[:, None]
    cum = io[None, :, :] * a0[None, None, :] * ((f - 1.0) / g)[:, None, None]
    return act, cum


def test_single_run_from_the_toml_table(tmp_path):
    ps, model = build(tmp_path)
    res = simulate(model, settings=SETTINGS, metadata={"parameter_hash": ps.hash()})
    assert res["cumulative_use"].shape == (1, 5, 3, 3) and res.dims["cumulative_use"] == ("commodity", "sector")
    act, cum = expected(ps["io"].array(), 0.03, res.times)
    np.testing.assert_allclose(res["activity"][0], act, rtol=1e-12)
    np.testing.assert_allclose(res["cumulative_use"][0], cum, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res["demand"][0], (ps["io"].array()[None] * act[:, None, :]).sum(axis=2), rtol=1e-12)
    assert np.all(res["cumulative_use"][0, :, 0, 1] == 0.0)  # an unlisted cell stays at its default 0


def test_ensemble_each_member_gets_its_own_table(tmp_path):
    ps, model = build(tmp_path)
    s = sample(ps, 40, seed=11, dimensions=model.dimensions)
    assert list(s.columns) == ["growth"] + [f"io[{DIMS['commodity'][i]},{DIMS['sector'][j]}]" for i, j in LISTED]
    ens = run_ensemble(model, s, settings=SETTINGS, variables=["activity", "cumulative_use", "demand"], chunk_size=16)
    cum = ens.values("cumulative_use")
    assert cum.shape == (40, 5, 3, 3)
    for m in (0, 17, 39):
        io = np.zeros((3, 3))
        for i, j in LISTED:
            io[i, j] = s.iloc[m][f"io[{DIMS['commodity'][i]},{DIMS['sector'][j]}]"]
        _, want = expected(io, s.iloc[m]["growth"], ens.times)
        np.testing.assert_allclose(cum[m], want, rtol=1e-12, atol=1e-12)
    # N members together = each alone, and any chunking gives the same bits
    again = run_ensemble(model, s, settings=SETTINGS, variables=["cumulative_use"], chunk_size=40)
    np.testing.assert_array_equal(again.values("cumulative_use"), cum)
    alone = run_ensemble(model, s.iloc[[17]], settings=SETTINGS, variables=["cumulative_use"])
    np.testing.assert_allclose(alone.values("cumulative_use")[0], cum[17], rtol=1e-12, atol=0)
    # one output value per member, by cell label
    np.testing.assert_array_equal(ens.at("cumulative_use[industry, agri]@3"), cum[:, 3, 1, 0])
    q = ens.quantiles(variables=["cumulative_use"])
    med = q[(q["dimension"] == "industry,agri") & (q["year"] == 3.0) & (q["quantile"] == "p50")]["value"].item()
    assert med == np.quantile(cum[:, 3, 1, 0], 0.5)


def test_ensemble_on_disk_parquet(tmp_path):
    pytest.importorskip("pyarrow")
    ps, model = build(tmp_path)
    s = sample(ps, 12, seed=2, dimensions=model.dimensions)
    mem = run_ensemble(model, s, settings=SETTINGS, variables=["cumulative_use", "demand"], chunk_size=5)
    disk = run_ensemble(model, s, settings=SETTINGS, variables=["cumulative_use", "demand"], chunk_size=5,
                        parquet=tmp_path / "ds")
    np.testing.assert_array_equal(disk.values("cumulative_use"), mem.values("cumulative_use"))
    assert json.loads((tmp_path / "ds" / "_ensemble.json").read_text())["variables"] == ["cumulative_use", "demand"]


def test_sensitivity_treats_the_table_as_one_factor(tmp_path):
    pytest.importorskip("SALib")
    from simulator.ensemble import sensitivity

    ps, model = build(tmp_path)
    res = sensitivity(model, ps, "cumulative_use[industry,industry]@4", method="sobol", n=64, seed=5,
                      settings=SETTINGS)
    t = res.table.set_index("parameter")
    assert list(res.metadata["parameters"]) == ["growth", "io"] and res.metadata["runs"] == 64 * 4
    assert len(res.metadata["groups"]["io"]) == len(LISTED)
    # only io[industry,industry] and growth move this output; io carries most of its variance
    assert t.loc["io", "ST"] > t.loc["growth", "ST"] > 0
    per_cell = sensitivity(model, ps, "cumulative_use[industry,industry]@4", method="sobol", n=64, seed=5,
                           settings=SETTINGS, group_by="element").table.set_index("parameter")
    assert len(per_cell) == 1 + len(LISTED)
    assert per_cell["ST"].idxmax() == "io[industry,industry]"
    assert abs(per_cell.loc["io[agri,agri]", "ST"]) < 0.05


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_results_written_and_read_back(tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    ps, model = build(tmp_path)
    res = simulate(model, settings=SETTINGS, metadata={"parameter_hash": ps.hash()})
    out = tmp_path / "res"
    out.mkdir()
    write_results(res, out, scenario="io_demo", fmt=fmt)
    df, meta = read_results_dir(out)
    assert meta["dims"]["cumulative_use"] == ["commodity", "sector"] and meta["parameter_hash"] == ps.hash()
    back = df[(df["variable"] == "cumulative_use") & (df["year"] == 4.0)]
    assert len(back) == 9
    cols = dimension_columns(back, meta).pivot(index="commodity", columns="sector", values="value")
    got = cols.loc[list(DIMS["commodity"]), list(DIMS["sector"])].to_numpy()
    np.testing.assert_allclose(got, res["cumulative_use"][0, 4], rtol=1e-9)
    assert set(df[df["variable"] == "demand"]["dimension"]) == set(DIMS["commodity"])


def test_plot_and_xarray_of_the_2d_run(tmp_path):
    pytest.importorskip("matplotlib")
    from click.testing import CliRunner

    from simulator.cli import main

    ps, model = build(tmp_path)
    res = simulate(model, settings=SETTINGS)
    out = tmp_path / "res"
    out.mkdir()
    write_results(res, out, scenario="io_demo")
    png = tmp_path / "p.png"
    r = CliRunner().invoke(main, ["plot", str(out), "--variables", "cumulative_use[industry,agri],demand", "-o",
                                  str(png)])
    assert r.exit_code == 0, r.output
    xr = pytest.importorskip("xarray")
    ds = res.to_xarray()
    assert isinstance(ds, xr.Dataset)
    np.testing.assert_allclose(ds["use"].sum("sector").values, res["demand"], rtol=1e-12)
    assert ds["cumulative_use"].sel(commodity="services", sector="industry", year=4.0).item() == \
        res["cumulative_use"][0, 4, 2, 1]
    pd.testing.assert_index_equal(ds.indexes["sector"], pd.Index(list(DIMS["sector"]), name="sector"))


def test_calibration_estimates_cells_and_writes_the_table(tmp_path, monkeypatch):
    from simulator.calibration import ObservedSeries, simulated_values
    from simulator.calibration.core import CalibrationOptions, calibrate, free_parameters
    from simulator.calibration.targets import TargetSpec
    from simulator.calibration.writer import format_calibrated_toml

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    ps, model = build(tmp_path)
    truth = ps["io"].array().copy()
    for k, (i, j) in enumerate(LISTED):
        truth[i, j] *= 1.0 + 0.1 * (k + 1) / len(LISTED)
    res = simulate(model, {"io": truth}, SETTINGS)
    years = np.array([1.0, 2.0, 3.0, 4.0])
    obs = []
    for i, j in LISTED:
        label = f"{DIMS['commodity'][i]},{DIMS['sector'][j]}"
        spec = TargetSpec(label, (label,), ("use",), ("u",), tuple(years), elements=(label,))
        o = ObservedSeries(spec, years, np.zeros(4), np.ones(4), ("synthetic",) * 4)
        obs.append(ObservedSeries(spec, years, simulated_values(res, o)[0], o.weights, o.sources))
    free = free_parameters([ps["io"]], elements=model.dimensions)
    assert [f.label for f in free] == [f"io[{DIMS['commodity'][i]},{DIMS['sector'][j]}]" for i, j in LISTED]
    cal = calibrate(model, obs, free, settings=SETTINGS, options=CalibrationOptions(prior_weight=0.0))
    assert cal.success
    np.testing.assert_allclose(cal.values["io"], truth, rtol=1e-6, atol=1e-12)
    text = format_calibrated_toml(cal, ps, data_files=["synthetic"])
    f = tmp_path / "calibrated.toml"
    f.write_text(text, encoding="utf-8")
    back = load_parameters(f, dimensions=DIMS)["io"]
    np.testing.assert_array_equal(back.array(), cal.values["io"])
    assert back.default == 0.0 and back.given_mask().sum() == len(LISTED)


def test_three_dimensional_parameter_runs_through_the_engine(tmp_path):
    dims = {"region": ("north", "south"), "age": ("young", "old"), "sex": ("male", "female")}
    f = tmp_path / "rates.toml"
    f.write_text("""[meta]
block = "demo3"
description = "a 2 x 2 x 2 table"

[rate]
dims = ["region", "age", "sex"]
unit = "1/yr"
range = [0.0, 0.2]
source = "assumption: demo"
[rate.value.north]
young = {male = 0.01, female = 0.02}
old = {male = 0.03, female = 0.04}
[rate.value.south]
young = {male = 0.05, female = 0.06}
old = {male = 0.07, female = 0.08}
""", encoding="utf-8")
    from simulator.model import model_constants

    ps = load_parameters(f, dimensions=dims)
    model = Model("demo3", components=(*model_constants(ps),
                                       Stock("pop", dims=("region", "age", "sex"), initial=100.0, inflows=("births",)),
                                       Flow("births", dims=("region", "age", "sex"), equation="rate * pop")),
                  dimensions=dims)
    s = sample(ps, 8, seed=3, dimensions=model.dimensions)
    assert s.shape == (8, 8) and s.columns[-1] == "rate[south,old,female]"
    ens = run_ensemble(model, s, settings=SETTINGS, variables=["pop"], chunk_size=3)
    pop = ens.values("pop")
    assert pop.shape == (8, 5, 2, 2, 2)
    rates = s.to_numpy().reshape(8, 2, 2, 2)  # columns in C order of the cells
    want = 100.0 * (1.0 + rates[:, None] * SETTINGS.dt) ** (ens.times[None, :, None, None, None] / SETTINGS.dt)
    np.testing.assert_allclose(pop, want, rtol=1e-12)
