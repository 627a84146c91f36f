"""Results with variables over two or more dimensions (built directly: no engine needed)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from simulator.engine import Results
from simulator.engine.results import cell_labels
from simulator.io import read_results_dir, write_results
from simulator.io.results_files import dimension_columns

COORDS = {"commodity": ("agri", "industry", "services"), "sector": ("agri", "industry", "services"),
          "age": ("young", "old"), "sex": ("male", "female"), "region": ("north", "south")}
TIMES = np.array([2020.0, 2021.0, 2022.0, 2023.0])


def make(n_runs=1, seed=0) -> Results:
    rng = np.random.default_rng(seed)
    T = TIMES.size
    data = {
        "gdp": rng.random((n_runs, T)),
        "output": rng.random((n_runs, T, 3)),
        "flows": rng.random((n_runs, T, 3, 3)),        # commodity x sector
        "pop": rng.random((n_runs, T, 2, 2)),          # age x sex
        "rate": rng.random((n_runs, T, 2, 2, 2)),      # region x age x sex
    }
    dims = {"gdp": (), "output": ("sector",), "flows": ("commodity", "sector"), "pop": ("age", "sex"),
            "rate": ("region", "age", "sex")}
    units = {"gdp": "yuan/yr", "output": "yuan/yr", "flows": "yuan/yr", "pop": "persons", "rate": "1/yr"}
    return Results(data, TIMES, units, dims, COORDS, {"model": "nd-test", "seed": 7},
                   {k: f"doc of {k}" for k in data})


def test_cell_labels_are_c_order():
    assert cell_labels([("a", "b"), ("x", "y", "z")]) == ("a,x", "a,y", "a,z", "b,x", "b,y", "b,z")
    assert cell_labels([("a", "b")]) == ("a", "b") and cell_labels([]) == ()


def test_elements_and_coords():
    r = make()
    assert r.elements("output") == COORDS["sector"]
    assert r.elements("flows")[1] == "agri,industry" and len(r.elements("flows")) == 9
    assert r.element_coords("pop") == (("young", "old"), ("male", "female"))
    assert r.elements("gdp") == () and r.element_coords("gdp") == ()


def test_long_frame_has_one_row_per_cell_with_labels():
    r = make()
    df = r.to_dataframe()
    assert list(df.columns) == ["variable", "dimension", "year", "value"]
    f = df[df["variable"] == "flows"]
    assert len(f) == TIMES.size * 9
    # commodity industry (i=1) used by sector services (j=2) in 2022 (t=2)
    row = f[(f["dimension"] == "industry,services") & (f["year"] == 2022.0)]
    assert row["value"].item() == r["flows"][0, 2, 1, 2]
    g = df[df["variable"] == "rate"]
    assert g[(g["dimension"] == "south,old,female") & (g["year"] == 2023.0)]["value"].item() == r["rate"][0, 3, 1, 1, 1]
    # scalars and 1-D rows are exactly today's format
    assert set(df[df["variable"] == "gdp"]["dimension"]) == {""}
    assert set(df[df["variable"] == "output"]["dimension"]) == set(COORDS["sector"])
    assert df.attrs["dims"] == {"output": ("sector",), "flows": ("commodity", "sector"), "pop": ("age", "sex"),
                                "rate": ("region", "age", "sex")}


def test_long_frame_with_dimension_columns_and_runs():
    r = make(n_runs=3)
    df = r.to_dataframe(["gdp", "flows", "pop"], dimension_columns=True, with_units=True)
    assert list(df.columns) == ["variable", "dimension", "commodity", "sector", "age", "sex", "year", "value",
                                "run", "unit"]
    f = df[df["variable"] == "flows"]
    assert (f["dimension"] == f["commodity"] + "," + f["sector"]).all()
    assert set(f["age"]) == {""}
    sel = f[(f["commodity"] == "services") & (f["sector"] == "agri") & (f["year"] == 2021.0) & (f["run"] == 2)]
    assert sel["value"].item() == r["flows"][2, 1, 2, 0]
    # a pivot of the per-dimension columns gives back the matrix
    m = f[(f["run"] == 0) & (f["year"] == 2020.0)].pivot(index="commodity", columns="sector", values="value")
    np.testing.assert_array_equal(m.loc[list(COORDS["commodity"]), list(COORDS["sector"])].to_numpy(),
                                  r["flows"][0, 0])


def test_dimension_named_like_a_column_is_refused_for_dimension_columns():
    r = Results({"x": np.zeros((1, 2, 2))}, TIMES[:2], {"x": "1"}, {"x": ("year",)}, {"year": ("a", "b")})
    with pytest.raises(ValueError, match="year"):
        r.to_dataframe(dimension_columns=True)
    assert len(r.to_dataframe()) == 4  # the combined column still works


def test_wide_and_series():
    r = make()
    w = r.to_wide(["flows", "gdp"])
    assert "flows[industry,services]" in w.columns and w.shape == (TIMES.size, 10)
    np.testing.assert_array_equal(w["flows[industry,services]"].to_numpy(), r["flows"][0, :, 1, 2])
    s = r.series("pop")
    assert s.columns.names == ["age", "sex"]
    np.testing.assert_array_equal(s[("old", "male")].to_numpy(), r["pop"][0, :, 1, 0])
    assert list(r.series("output").columns) == list(COORDS["sector"])


def test_select_runs_keeps_shapes():
    r = make(n_runs=4)
    s = r.select_runs([1, 3])
    assert s["rate"].shape == (2, TIMES.size, 2, 2, 2)
    np.testing.assert_array_equal(s["flows"][1], r["flows"][3])


def test_to_xarray_labels_every_axis(tmp_path):
    xr = pytest.importorskip("xarray")
    r = make(n_runs=2)
    ds = r.to_xarray()
    assert isinstance(ds, xr.Dataset)
    assert ds["flows"].dims == ("run", "year", "commodity", "sector")
    assert ds["rate"].dims == ("run", "year", "region", "age", "sex")
    assert ds["gdp"].dims == ("run", "year")
    v = ds["flows"].sel(run=1, year=2022.0, commodity="industry", sector="services").item()
    assert v == r["flows"][1, 2, 1, 2]
    assert ds["pop"].attrs["units"] == "persons" and ds["pop"].attrs["doc"] == "doc of pop"
    assert json.loads(ds.attrs["metadata"]) == {"model": "nd-test", "seed": 7}
    # a sum over a named dimension matches numpy
    np.testing.assert_allclose(ds["flows"].sum("commodity").values, r["flows"].sum(axis=2))
    # the same elements on two dimensions stay two dimensions
    assert list(ds["commodity"].values) == list(ds["sector"].values)
    # metadata as JSON text: the dataset writes to netCDF and reads back
    ds.to_netcdf(tmp_path / "r.nc")
    with xr.open_dataset(tmp_path / "r.nc") as back:
        np.testing.assert_array_equal(back["rate"].values, r["rate"])
        assert json.loads(back.attrs["metadata"])["seed"] == 7 and back["pop"].attrs["units"] == "persons"


def test_import_simulator_does_not_import_xarray():
    code = "import simulator, sys; print('xarray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_result_files_round_trip_nd(tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    r = make()
    write_results(r, tmp_path, scenario="nd", fmt=fmt)
    df, meta = read_results_dir(tmp_path)
    assert list(df.columns) == ["scenario", "variable", "dimension", "year", "value", "unit"]
    assert meta["dims"]["flows"] == ["commodity", "sector"] and meta["coords"]["sex"] == ["male", "female"]
    f = df[(df["variable"] == "flows") & (df["dimension"] == "services,agri") & (df["year"] == 2023.0)]
    assert f["value"].item() == pytest.approx(r["flows"][0, 3, 2, 0], rel=1e-9)
    assert set(df[df["variable"] == "gdp"]["dimension"]) == {""}
    wide = dimension_columns(df, meta)
    assert {"commodity", "sector", "age", "sex", "region"} <= set(wide.columns)
    g = wide[(wide["variable"] == "rate") & (wide["year"] == 2020.0)]
    assert (g["region"] + "," + g["age"] + "," + g["sex"] == g["dimension"]).all()
    assert (wide[wide["variable"] == "output"]["sector"] == wide[wide["variable"] == "output"]["dimension"]).all()


def test_one_dimensional_files_of_today_stay_readable(tmp_path):
    """A results directory written before multi-dimensional support (no dims in metadata.json) still reads."""
    d = tmp_path / "old"
    d.mkdir()
    pd.DataFrame({"scenario": "baseline", "variable": ["gdp", "output", "output"], "dimension": ["", "agri", "industry"],
                  "year": 2020.0, "value": [1.0, 2.0, 3.0], "unit": "yuan"}).to_csv(d / "timeseries.csv", index=False)
    (d / "metadata.json").write_text(json.dumps({"scenario": "baseline", "units": {"gdp": "yuan"}}))
    df, meta = read_results_dir(d)
    assert list(df["dimension"]) == ["", "agri", "industry"]
    wide = dimension_columns(df, meta)  # without dims in the metadata: nothing to split, the frame is unchanged
    pd.testing.assert_frame_equal(wide, df)


def test_split_variables_keeps_cells_together():
    from simulator.io.results_files import split_variables, variable_cell

    assert split_variables("gdp, flows[industry, services],pop[old,male] ,") == [
        "gdp", "flows[industry,services]", "pop[old,male]"]
    assert variable_cell(" rate[ south , old,female ] ") == ("rate", "south,old,female")
    assert variable_cell("gdp") == ("gdp", None)


def test_plot_cli_draws_cells_of_2d_results(tmp_path):
    """`regsim plot` on a results directory with variables over two and three dimensions."""
    pytest.importorskip("matplotlib")
    from click.testing import CliRunner

    from simulator.cli import main

    d = tmp_path / "nd"
    d.mkdir()
    write_results(make(), d, scenario="nd")
    png = tmp_path / "p.png"
    res = CliRunner().invoke(main, ["plot", str(d), "--variables", "flows[industry, services],gdp,rate[south,old,male]",
                                    "-o", str(png)])
    assert res.exit_code == 0, res.output
    assert png.stat().st_size > 1000


def test_trajectories_select_a_cell_or_sum_all_cells():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from simulator.plotting import plot_trajectories

    r = make()
    frames = {"nd": r.to_dataframe(with_units=True)}
    axes = plot_trajectories(frames, ["flows[industry,services]", "pop"])
    y_cell = axes[0].lines[0].get_ydata()
    np.testing.assert_allclose(y_cell, r["flows"][0, :, 1, 2])
    np.testing.assert_allclose(axes[1].lines[0].get_ydata(), r["pop"][0].sum(axis=(1, 2)))
    with pytest.raises(KeyError):
        plot_trajectories(frames, ["flows[industry,nowhere]"])


def test_fan_chart_of_a_2d_cell():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from simulator.plotting.fan import fan_chart

    r = make(n_runs=20, seed=3)
    q = r.to_dataframe(["flows"])
    qs = q.groupby(["variable", "dimension", "year"])["value"].quantile([0.05, 0.5, 0.95]).rename("value").reset_index()
    qs = qs.rename(columns={"level_3": "quantile"})
    ax = fan_chart(qs, "flows[agri, services]")
    med = np.quantile(r["flows"][:, :, 0, 2], 0.5, axis=0)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), med)
    with pytest.raises(KeyError, match=r"ask for flows\[agri,agri\]"):
        fan_chart(qs, "flows")


def test_report_charts_take_2d_variables():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from simulator.plotting.charts import element_values, plot_scenarios, plot_stacked
    from simulator.report.i18n import Labels

    r = make()
    vals, els, unit = element_values(r, "pop")
    assert vals.shape == (TIMES.size, 4) and els == ("young,male", "young,female", "old,male", "old,female")
    np.testing.assert_array_equal(vals[:, 2], r["pop"][0, :, 1, 0])
    ax = plot_scenarios({"a": r}, "flows[services, agri]")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), r["flows"][0, :, 2, 0])
    ax = plot_scenarios({"a": r}, "flows")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), r["flows"][0].sum(axis=(1, 2)))
    plot_stacked(r, "pop", labels=Labels("en"))
    assert Labels("en").element("young,male") == "young, male"


def _ensemble(data, path=None):
    from simulator.ensemble.runner import EnsembleResult

    dims = {"gdp": (), "flows": ("commodity", "sector"), "rate": ("region", "age", "sex")}
    n = next(iter(data.values())).shape[0] if data else 0
    return EnsembleResult(samples=pd.DataFrame(index=range(n)), times=TIMES, variables=list(dims),
                          units={"gdp": "y", "flows": "y", "rate": "1/yr"}, dims=dims, coords=COORDS,
                          docs={}, metadata={"n_members": n}, data=None if path else data, path=path)


def test_ensemble_result_of_2d_variables_in_memory_and_on_disk(tmp_path):
    pytest.importorskip("pyarrow")
    from simulator.ensemble.compare import paired_comparison
    from simulator.ensemble.runner import EnsembleError, _ParquetStore

    rng = np.random.default_rng(5)
    N, T = 30, TIMES.size
    data = {"gdp": rng.random((N, T)), "flows": rng.random((N, T, 3, 3)), "rate": rng.random((N, T, 2, 2, 2))}
    mem = _ensemble(data)
    store = _ParquetStore(tmp_path / "ds", N)
    meta = {"times": TIMES, "dims": mem.dims, "coords": COORDS}
    for s in (0, 16):  # two chunks
        store.put(s, {k: v[s:s + 16] for k, v in data.items()}, meta)
    disk = _ensemble(data, path=tmp_path / "ds")
    for ens in (mem, disk):
        np.testing.assert_array_equal(ens.values("flows"), data["flows"])
        np.testing.assert_array_equal(ens.values("rate"), data["rate"])
        np.testing.assert_array_equal(ens.at("flows[industry, services]@2022"), data["flows"][:, 2, 1, 2])
        np.testing.assert_array_equal(ens.at("rate[south,old,male]@2020"), data["rate"][:, 0, 1, 1, 0])
    with pytest.raises(EnsembleError, match=r"name one element, e.g. flows\[agri,agri\]@2022"):
        mem.at("flows@2022")
    with pytest.raises(EnsembleError, match="unknown element 'industry'"):
        mem.at("flows[industry]@2022")
    q = mem.quantiles(q=(0.5,), variables=["flows"])
    row = q[(q["dimension"] == "services,agri") & (q["year"] == 2021.0)]
    assert row["value"].item() == np.quantile(data["flows"][:, 1, 2, 0], 0.5)
    assert len(q) == 9 * T
    # paired comparison of two 2-D ensembles
    alt = _ensemble({k: v + 1.0 for k, v in data.items()})
    cmp = paired_comparison(alt, mem, variables=["flows"])
    assert set(cmp.probability["dimension"]) == set(cell_labels([COORDS["commodity"], COORDS["sector"]]))
    assert (cmp.probability["p_higher"] == 1.0).all()
