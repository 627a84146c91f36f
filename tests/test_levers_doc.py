"""docs/levers.md is generated from the parameter files and the committed returns table, and that table is
what the generating command reproduces (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from simulator.levers import LEVERS
from simulator.levers.mechanisms import LITERATURE, MECHANISM, OUTSIDE_RANGE, SHARED_MECHANISM
from simulator.model import default_parameters
from simulator.report import levers_doc

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "levers.md"


@pytest.fixture(scope="module")
def table():
    return levers_doc.read_table()


def test_page_is_rendered_from_the_parameter_files_and_the_committed_table(table):
    assert DOC.read_text(encoding="utf-8") == levers_doc.render(table), \
        "docs/levers.md is stale: run .venv/bin/python scripts/gen_levers_doc.py --from-csv (or without --from-csv)"


def test_page_lists_every_mechanism_parameter_with_value_range_and_source(table):
    page = DOC.read_text(encoding="utf-8")
    ps = default_parameters()
    for name in {*SHARED_MECHANISM, *(n for lid in LEVERS for n in MECHANISM[lid])}:
        p = ps[name]
        row = next(ln for ln in page.splitlines() if ln.startswith(f"| `{name}`"))
        assert levers_doc._prior(p) in row and " ".join(p.source.split())[:60] in row, name
    for lid in LEVERS:
        assert f"(`{lid}`, brief {LEVERS[lid].brief_section})" in page
        assert f"{LITERATURE[lid].lo:g}-{LITERATURE[lid].hi:g}" in page
    for lid, o in OUTSIDE_RANGE.items():
        assert f"**Outside the band ({o.side}):**" in page, lid


def test_table_has_every_scenario_mode_and_metric(table):
    assert set(table.columns) == set(levers_doc.CSV_COLUMNS)
    for name in levers_doc.scenario_names():
        for mode in levers_doc.MODES:
            sub = table[(table["scenario"] == name) & (table["mode"] == mode)]
            assert set(sub["metric"]) == set(levers_doc.DOC_METRICS), (name, mode)
            r = sub.set_index("metric").loc["gdp_pv_ratio_8pct"]
            assert r["p5"] <= r["p50"] <= r["p95"] and r["n_valid"] == r["n_members"], (name, mode)
        assert len(table[(table["scenario"] == name) & (table["mode"] == "central")]) == 3
    assert table["n_members"].nunique() == 1 and int(table["n_members"].iloc[0]) >= 200


@pytest.mark.slow
def test_committed_table_is_what_the_command_reproduces(table):
    """Rerun the ensembles behind docs/levers.md (same size and seed): the committed numbers come out (CSV written
    with 6 significant digits)."""
    n, seed = int(table["n_members"].iloc[0]), int(table["seed"].iloc[0])
    fresh = levers_doc.compute(n, seed)
    key = ["scenario", "mode", "metric"]
    a = table.set_index(key).sort_index()
    b = fresh.set_index(key).sort_index()
    assert list(a.index) == list(b.index)
    for col in ("p5", "p50", "p95"):
        np.testing.assert_allclose(a[col].to_numpy(float), b[col].to_numpy(float), rtol=2e-5, atol=1e-6, err_msg=col)


def test_compare_uncertainty_prints_and_writes_bands(tmp_path):
    from simulator.cli.run_cmds import compare_cmd

    scen = ROOT / "scenarios"
    out = tmp_path / "c.csv"
    r = CliRunner().invoke(compare_cmd, [str(scen / "baseline.toml"), str(scen / "innovation_chain.toml"),
                                         "--uncertainty", "12", "--seed", "5", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "Appraisal over 12 paired members (seed 5, lhs; lever mechanisms sampled): median [5%, 95%]" in r.output
    assert "gdp_pv_ratio_8pct" in r.output and "innovation_chain: 0.3-1.5" in r.output
    bands = pd.read_csv(tmp_path / "c_bands.csv")
    row = bands[(bands["metric"] == "gdp_pv_ratio_8pct")].iloc[0]
    assert row["p5"] < row["p50"] < row["p95"] and row["n_valid"] == 12
    sampled = pd.read_csv(tmp_path / "c_sampled.csv")
    mech = sampled[sampled["role"] == "lever mechanism"]
    assert mech["sampled"].all() and "rd_regional_rate_of_return" in set(mech["parameter"])
    r2 = CliRunner().invoke(compare_cmd, [str(scen / "baseline.toml"), str(scen / "innovation_chain.toml"),
                                          "--uncertainty", "12", "--seed", "5", "--policy-as-designed",
                                          "-o", str(tmp_path / "d.csv")])
    assert r2.exit_code == 0, r2.output
    assert "lever mechanisms fixed at their central values (policy as designed)" in r2.output
    fixed = pd.read_csv(tmp_path / "d_sampled.csv")
    assert not fixed[fixed["role"] == "lever mechanism"]["sampled"].any()
    b2 = pd.read_csv(tmp_path / "d_bands.csv")
    narrow = b2[b2["metric"] == "gdp_pv_ratio_8pct"].iloc[0]
    assert narrow["p95"] - narrow["p5"] < row["p95"] - row["p5"]  # fixing the mechanism narrows the band


def test_compare_refuses_policy_as_designed_without_an_ensemble(tmp_path):
    from simulator.cli.run_cmds import compare_cmd

    scen = ROOT / "scenarios"
    r = CliRunner().invoke(compare_cmd, [str(scen / "baseline.toml"), str(scen / "ftz_opening.toml"),
                                         "--policy-as-designed", "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and "needs --uncertainty N" in r.output and "Traceback" not in r.output


def test_uncertainty_samples_lever_mechanisms_unless_as_designed(tmp_path):
    from simulator.cli.ensemble_cmds import uncertainty

    scen = ROOT / "scenarios"
    for flag, expect in (([], True), (["--policy-as-designed"], False)):
        out = tmp_path / f"u{len(flag)}"
        r = CliRunner().invoke(uncertainty, [str(scen / "port_investment.toml"), "-n", "8", "--seed", "1", "-o",
                                             str(out), "--variables", "gdp_real", *flag])
        assert r.exit_code == 0, r.output
        meta = json.loads((out / "metadata.json").read_text())
        assert meta["lever_mechanisms_sampled"] is expect
        assert ("port_russia_matching_share" in meta["sampled_parameters"]) is expect
        table = pd.read_csv(out / "parameters.csv")
        row = table.set_index("parameter").loc["port_russia_matching_share"]
        assert row["role"] == "lever mechanism" and bool(row["sampled"]) is expect
        assert "lever mechanisms" in r.output


@pytest.mark.parametrize("uncertainty", [0, 16])
def test_report_shows_lever_returns_with_bands(uncertainty):
    """The report's returns table has the median and 90% band (from the --uncertainty ensemble, else its own
    paired ensemble), the lever's literature range, and lists the sampled lever-mechanism parameters."""
    from simulator.report import collect, render

    scen = ROOT / "scenarios"
    d = collect(scen / "ftz_opening.toml", scen / "baseline.toml", uncertainty=uncertainty or None, seed=3,
                sensitivity=None, validation=False, returns_members=16)
    assert d.return_bands is not None and d.return_bands["n"] == 16
    page = render(d, "en", figures={})
    sec = page[page.index('id="returns"'):page.index('id="assumptions"')]
    assert "Median [90% band]" in sec and "Central run" in sec
    assert "literature 0–1 (docs/levers.md)" in sec or "literature 0-1 (docs/levers.md)" in sec
    band = d.return_bands["table"].set_index("metric").loc["gdp_pv_ratio_8pct"]
    from simulator.ensemble.appraisal import format_band

    assert format_band(band["p5"], band["p50"], band["p95"], band["unit"]) in sec
    if uncertainty:
        assert "Lever-mechanism parameters in the ensemble" in page and "ftz_export_gain_max" in page
    zh = render(d, "zh", figures={})
    assert "中位数［90%区间］" in zh


def test_readme_shows_the_lever_returns_with_their_bands(table):
    """README's lever-returns table is docs/levers.md's summary (medians with 90% bands, never single numbers),
    and its prose matches the table: how many levers sit below the generic band, and that none pays back."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    page = DOC.read_text(encoding="utf-8")
    start = page.index("| lever | PV of GDP per yuan at 8%")
    summary = page[start:page.index("\n\n", start)]
    assert summary in readme
    rows = [ln for ln in summary.splitlines()[2:]]
    assert len(rows) == len(LEVERS) and all(" [" in ln.split("|")[2] for ln in rows)  # every return has its band
    words = {1: "One lever sits", 2: "Two levers sit", 3: "Three levers sit", 4: "Four levers sit",
             5: "Five levers sit", 6: "Six levers sit", 7: "Seven levers sit", 8: "Eight levers sit"}
    assert words[len(OUTSIDE_RANGE)] in readme
    paid = table[(table["metric"] == "fiscal_payback_share") & (table["mode"] == "all uncertain")]
    if "No lever pays back its fiscal cost by 2050" in readme:
        assert (paid[paid["scenario"].isin(list(LEVERS))]["p50"] == 0).all()


def test_sensitivity_ranks_lever_mechanisms_unless_as_designed(tmp_path):
    pytest.importorskip("SALib")
    from simulator.cli.ensemble_cmds import sensitivity

    scen = ROOT / "scenarios"
    rows = {}
    for flag in ([], ["--policy-as-designed"]):
        out = tmp_path / f"s{len(flag)}"
        r = CliRunner().invoke(sensitivity, [str(scen / "innovation_chain.toml"), "--method", "morris", "-n", "2",
                                             "--output", "gdp_real@2035", "--seed", "1", "-o", str(out), "-q", *flag])
        assert r.exit_code == 0, r.output
        rows[bool(flag)] = set(pd.read_csv(out / "morris.csv")["parameter"])
        table = pd.read_csv(out / "parameters.csv")
        assert bool(table.set_index("parameter").loc["rd_regional_rate_of_return", "sampled"]) is not bool(flag)
    assert "rd_regional_rate_of_return" in rows[False] and "rd_regional_rate_of_return" not in rows[True]
    assert rows[False] - rows[True] <= set(table[table["role"] == "lever mechanism"]["parameter"])
