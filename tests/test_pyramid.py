"""Population pyramids (``simulator.plotting.pyramid``, ``regsim plot --pyramid``) on constructed results."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from simulator.cli import main  # noqa: E402
from simulator.engine.results import Results  # noqa: E402
from simulator.io import write_results  # noqa: E402
from simulator.plotting.pyramid import age_label, plot_pyramid, pyramid_values  # noqa: E402

AGES = tuple(f"a{5 * i}_{5 * i + 4}" for i in range(17)) + ("a85p",)
SEXES = ("male", "female")
TIMES = np.array([2018.0, 2019.0, 2020.0])


def make(scale: float = 1.0, dims=("sex", "age")) -> Results:
    """population_by_age: male = 10 + age index + year offset, female = 20 + ..., times ``scale``."""
    a = np.arange(len(AGES), dtype=float)
    base = np.stack([10 + a, 20 + a])                      # (sex, age)
    data = np.stack([base + k for k in range(len(TIMES))])[None] * scale   # (1, T, sex, age)
    if dims == ("age", "sex"):
        data = np.swapaxes(data, -1, -2)
    return Results({"population_by_age": data, "population": data.sum(axis=(-1, -2))}, TIMES,
                   {"population_by_age": "10k persons", "population": "10k persons"},
                   {"population_by_age": dims, "population": ()}, {"sex": SEXES, "age": AGES},
                   {"scenario": "test"}, {})


def test_age_labels():
    assert age_label("a0_4") == "0-4" and age_label("a85p") == "85+" and age_label("other") == "other"


@pytest.mark.parametrize("dims", [("sex", "age"), ("age", "sex")])
def test_values_from_results_and_from_the_long_frame_agree(dims):
    r = make(dims=dims)
    ages, m, f = pyramid_values(r, 2019)
    assert ages == AGES
    assert np.array_equal(m, 11 + np.arange(18)) and np.array_equal(f, 21 + np.arange(18))
    ages2, m2, f2 = pyramid_values(r.to_dataframe(), 2019)
    assert ages2 == AGES and np.array_equal(m2, m) and np.array_equal(f2, f)


def test_missing_variable_or_year_is_a_clear_error():
    r = make()
    with pytest.raises(KeyError, match="2030"):
        pyramid_values(r, 2030)
    with pytest.raises(KeyError, match="population_by_age"):
        pyramid_values(r.to_dataframe().query("variable == 'population'"), 2019)


def test_two_years_side_by_side_with_a_second_source_outlined():
    r, b = make(), make(scale=0.5)
    axes = plot_pyramid({"scenario": r, "baseline": b}, [2018, 2020])
    assert len(axes) == 2 and [ax.get_title() for ax in axes] == ["2018", "2020"]
    ax = axes[1]
    bars = ax.patches[:36]                       # 18 male bars then 18 female bars of the first source
    widths = np.array([p.get_width() for p in bars])
    assert np.allclose(widths[:18], -(12 + np.arange(18)))       # males to the left, year 2020 = offset 2
    assert np.allclose(widths[18:], 22 + np.arange(18))
    assert len(ax.patches) > 36                  # the baseline's outlines
    assert [t.get_text() for t in axes[0].get_yticklabels()][:2] == ["0-4", "5-9"]
    lo, hi = ax.get_xlim()
    assert lo == -hi and hi >= 22 + 17           # common symmetric scale
    assert axes[0].get_xlim() == axes[1].get_xlim()
    plt.close("all")


def test_cli_plot_pyramid(tmp_path):
    d = tmp_path / "res"
    d.mkdir()
    write_results(make(), d, scenario="test")
    runner = CliRunner()
    out = tmp_path / "pyr.png"
    res = runner.invoke(main, ["plot", str(d), "--pyramid", "2018,2020", "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert out.exists() and out.stat().st_size > 10_000
    one = tmp_path / "one.png"
    assert runner.invoke(main, ["plot", str(d), "--pyramid", "2019", "-o", str(one)]).exit_code == 0
    for bad, msg in (("2018,2019,2020", "one year or two"), ("x", "one year or two"), ("2031", "2031")):
        r = runner.invoke(main, ["plot", str(d), "--pyramid", bad, "-o", str(tmp_path / "bad.png")])
        assert r.exit_code == 2 and msg in r.output and "Traceback" not in r.output
