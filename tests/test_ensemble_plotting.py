"""Fan charts and sensitivity bar charts (Agg backend; functions return Axes, never show)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from simulator.plotting.fan import fan_chart, sensitivity_chart  # noqa: E402


def qframe():
    years = np.arange(2018, 2031, dtype=float)
    rows = []
    for var, dim, scale in (("gdp_real", "", 1.0), ("va", "agri", 0.3), ("va", "other", 0.7)):
        for q, z in (("p5", -1.64), ("p25", -0.67), ("p50", 0.0), ("p75", 0.67), ("p95", 1.64)):
            for y in years:
                rows.append((var, dim, y, q, scale * (100 + 5 * (y - 2018)) * (1 + 0.01 * z * (y - 2018))))
    return pd.DataFrame(rows, columns=["variable", "dimension", "year", "quantile", "value"])


def test_fan_chart_draws_bands_median_and_history():
    hist = pd.Series([100.0, 104.0, 111.0], index=[2018.0, 2019.0, 2020.0])
    ax = fan_chart(qframe(), "gdp_real", history=hist)
    assert len(ax.collections) == 2  # p5-p95 and p25-p75 bands
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert "median (p50)" in labels and "data" in labels
    med = ax.get_lines()[0].get_ydata()
    assert med[0] == pytest.approx(100.0)
    plt.close(ax.figure)


def test_fan_chart_arrayed_and_errors():
    df = qframe()
    ax = fan_chart(df, "va[agri]")
    assert ax.get_title() == "va[agri]"
    plt.close(ax.figure)
    _, ax2 = plt.subplots()
    assert fan_chart(df, "va", ax=ax2, element="other") is ax2
    plt.close(ax2.figure)
    with pytest.raises(KeyError, match="arrayed"):
        fan_chart(df, "va")
    with pytest.raises(KeyError, match="no quantiles"):
        fan_chart(df, "nope")


def test_fan_chart_reads_the_csv_written_by_uncertainty(tmp_path):
    f = tmp_path / "quantiles.csv"
    qframe().to_csv(f, index=False)
    for df in (pd.read_csv(f, keep_default_na=False), pd.read_csv(f)):  # "" scalar dimension may read as NaN
        ax = fan_chart(df, "gdp_real")
        assert len(ax.collections) == 2
        plt.close(ax.figure)
        ax = fan_chart(df, "va[other]")
        plt.close(ax.figure)


def test_sensitivity_chart():
    sob = pd.DataFrame({"parameter": ["a", "b"], "S1": [0.5, 0.1], "S1_conf": [0.05, 0.02], "ST": [0.6, 0.2],
                        "ST_conf": [0.05, 0.03]})
    ax = sensitivity_chart(sob, title="gdp_real@2035")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "a"]  # most influential on top
    plt.close(ax.figure)
    mor = pd.DataFrame({"parameter": ["a", "b"], "mu": [1.0, -2.0], "mu_star": [1.0, 2.0], "mu_star_conf": [0.1, 0.2],
                        "sigma": [0.5, 0.1]})
    ax = sensitivity_chart(mor)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    plt.close(ax.figure)
