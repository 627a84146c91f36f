"""``timeseries.csv`` is written without pandas, byte for byte as pandas writes it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator import Aux, Constant, Model, SimSettings, Stock, simulate
from simulator.io.results_files import results_columns, results_frame, write_csv


def test_write_csv_is_byte_identical_to_pandas(tmp_path):
    cols = ["scenario", "variable", "dimension", "year", "value", "run", "unit"]
    arrays = {
        "scenario": np.array(["base", "base", "基线", "a \"quoted\" one", "x", "y"], dtype=object),
        "variable": np.array(["gdp", "io", "io", "p", "p", "p"], dtype=object),
        "dimension": np.array(["", "construction,equipment_mfg", "a\nb", "", "", ""], dtype=object),
        "year": np.array([2018.0, 2018.5, 2019.0, 2020.0, 1e21, -0.0]),
        "value": np.array([1.0 / 3.0, np.nan, np.inf, -np.inf, -0.0, 123456789012.5]),
        "run": np.array([0, 1, 2, 3, 4, 5]),
        "unit": np.array(["100M CNY", "", "persons, 10k", "1/yr", "%", "CNY/(yr)"], dtype=object),
    }
    ours, theirs = tmp_path / "ours.csv", tmp_path / "pandas.csv"
    write_csv(ours, cols, arrays)
    pd.DataFrame({c: arrays[c] for c in cols}).to_csv(theirs, index=False, float_format="%.10g")
    assert ours.read_bytes() == theirs.read_bytes()


def test_results_columns_are_the_columns_of_results_frame(tmp_path):
    m = Model("m", [Stock("k", initial=1.0, inflows=()), Constant("g", value=(1.0, 2.0), dims=("s",)),
                    Aux("y", equation="g * k", dims=("s",), units="u"), Aux("z", equation="k / 3")],
              dimensions={"s": ("a,b", "c")})
    res = simulate(m, settings=SimSettings(0, 2, 0.5))
    cols, arrays = results_columns(res, "sc")
    df = results_frame(res, "sc")
    assert list(df.columns) == cols
    for c in cols:
        assert list(df[c]) == list(arrays[c])
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_csv(a, cols, arrays)
    df.to_csv(b, index=False, float_format="%.10g")
    assert a.read_bytes() == b.read_bytes()
