"""Tidy-frame helpers and charts used by the report and notebooks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator import simulate
from simulator.analysis import summary_metrics
from simulator.analysis.frames import element_frame, key_year_table, long_frame, member_metrics, wide_frame
from simulator.scenarios import prepare

SCEN = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="module")
def runs():
    base_prep = prepare(SCEN / "baseline.toml")
    port_prep = prepare(SCEN / "port_investment.toml")
    base = simulate(base_prep.model, settings=base_prep.settings)
    port = simulate(port_prep.model, settings=port_prep.settings)
    budgets = np.array([0.0, 50.0, 100.0, 200.0])
    ens = simulate(base_prep.model, {"port_investment_budget": budgets, "port_investment_start": 2024.0},
                   base_prep.settings)
    return base, port, ens, budgets


def test_member_metrics_match_summary_metrics(runs):
    base, port, ens, budgets = runs
    mm = member_metrics(base, ens)
    assert len(mm) == len(budgets)
    ref = summary_metrics(base, {"port": port}).iloc[0]
    row = mm.iloc[2]  # budget 100 from 2024 = the port_investment scenario
    assert set(mm.columns) <= set(ref.index) and mm.attrs["units"].keys() == set(mm.columns)
    for k in mm.columns:
        if isinstance(ref[k], str):
            assert row[k] == ref[k], k
        else:
            np.testing.assert_allclose(float(row[k]), float(ref[k]), rtol=1e-9, atol=1e-9, err_msg=k)
    assert row["gdp_gain_total"] > 0 and row["jobs_added_2035"] > 0  # in persons
    assert np.isnan(mm.iloc[0]["gdp_pv_ratio_8pct"])  # no spending (or no spending stock) -> undefined return


def test_frames(runs):
    base, port, _, _ = runs
    lf = long_frame({"base": base, "port": port}, ["gdp_real", "employment"])
    assert set(lf["scenario"]) == {"base", "port"}
    assert {"variable", "dimension", "year", "value", "unit"} <= set(lf.columns)
    wf = wide_frame({"base": base, "port": port}, ["gdp_real"])
    assert wf[("port", "gdp_real")].loc[2035] == pytest.approx(float(port.at("gdp_real", 2035)))
    ef = element_frame(port, "employment", base=base)
    assert ef.shape[1] == len(port.elements("employment"))
    assert ef.loc[2035].sum() == pytest.approx(float(port.at("employment_total", 2035) - base.at("employment_total", 2035)),
                                               rel=1e-6, abs=1e-6)
    kt = key_year_table(port, base, ["gdp_real"], years=[2030, 2035])
    assert kt.loc["gdp_real", (2035, "diff")] == pytest.approx(float(port.at("gdp_real", 2035) - base.at("gdp_real", 2035)))


def test_charts_return_axes_and_accept_ax(runs):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from simulator.plotting.charts import (
        pareto_front,
        plot_element_change,
        plot_employment_by_sector,
        plot_scenarios,
        plot_trade_by_partner,
        plot_tradeoff,
    )

    base, port, ens, _ = runs
    fig = Figure()
    axes = fig.subplots(2, 3).ravel()
    assert plot_scenarios({"a": port, "b": base}, "gdp_real", ax=axes[0]) is axes[0]
    assert plot_trade_by_partner(port, ax=axes[1]) is axes[1]
    assert plot_employment_by_sector(port, ax=axes[2]) is axes[2]
    assert plot_element_change(port, base, "employment", ax=axes[3]) is axes[3]
    mm = member_metrics(base, ens).iloc[1:]
    assert plot_tradeoff(mm, ax=axes[4]) is axes[4]
    assert list(pareto_front(np.array([1, 2, 3, 2.5]), np.array([3, 2, 1, 2.5]))) == [0, 3, 2]
