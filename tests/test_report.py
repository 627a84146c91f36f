"""The HTML scenario report: valid, complete, self-contained, bilingual; the `report` command."""

from __future__ import annotations

import base64
import html
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

from simulator.report import SECTIONS, collect, render
from simulator.report.i18n import ELEMENTS, LEVERS, PHRASES, VARIABLES, labels
from simulator.report.render import markdown_to_html

ROOT = Path(__file__).resolve().parents[1]
SCEN = ROOT / "scenarios"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Checker(HTMLParser):
    """Collects structure problems, ids, images, links and text of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.ids, self.imgs, self.refs, self.text = [], [], set(), [], [], []
        self.doctype = False

    def handle_decl(self, decl):
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        for k in ("href", "src"):
            if k in a and tag != "img":
                self.refs.append(a[k])
        if tag in ("script", "link", "iframe", "object"):
            self.problems.append(f"external-capable tag <{tag}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def check_page(page: str) -> Checker:
    c = Checker()
    c.feed(page)
    c.close()
    assert c.doctype, "no <!DOCTYPE html>"
    assert not c.problems, c.problems[:5]
    assert not c.stack, f"unclosed tags {c.stack}"
    return c


def no_local_paths(page: str) -> None:
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    for bad in (str(ROOT), str(Path.home()), "/tmp/", "/work/", "/home/", "/root/", "file://", "C:\\"):
        assert bad not in text, f"local path {bad!r} in the report"
    assert not re.search(r"https?://", text), "network reference in the report"


@pytest.fixture(scope="module")
def data():
    return collect(SCEN / "full_package.toml", SCEN / "baseline.toml", uncertainty=24, seed=7)


@pytest.fixture(scope="module")
def page_en(data):
    return render(data, "en", dpi=50)


@pytest.fixture(scope="module")
def page_zh(data):
    from simulator.plotting.fonts import CJKFontWarning, cjk_font

    if cjk_font() is None:  # no CJK font on this machine: English figure labels, with a warning
        with pytest.warns(CJKFontWarning):
            return render(data, "zh", dpi=50)
    return render(data, "zh", dpi=50)


def test_report_is_valid_html_with_every_section(page_en):
    c = check_page(page_en)
    for s in SECTIONS:
        assert s in c.ids, f"section {s} missing"
    text = " ".join(c.text)
    for phrase in ("Levers and spending", "Headline results", "Trade by partner", "Employment by sector",
                   "Population by age and sex", "Old-age dependency ratio (65+ / 15-64)", "Returns on spending",
                   "Key assumptions", "Model validation", "Run metadata",
                   "Border ports and corridors", "Fiscal payback year", "parameter_hash"):
        assert phrase in text
    for y in ("2025", "2030", "2035", "2050"):
        assert y in text


def test_images_are_embedded_pngs(page_en):
    c = check_page(page_en)
    assert len(c.imgs) >= 7  # spending, trajectories, trade, employment, population pyramids, fans, tornado
    for src in c.imgs:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert all(r.startswith("#") for r in c.refs), c.refs  # only in-page links


def test_no_absolute_local_paths(page_en, page_zh):
    no_local_paths(page_en)
    no_local_paths(page_zh)


def test_chinese_labels(page_zh, data):
    c = check_page(page_zh)
    assert '<html lang="zh-CN">' in page_zh
    text = " ".join(c.text)
    for phrase in ("情景分析报告", "政策工具与投入", "主要结果", "分国别（地区）贸易", "分行业就业", "政策投入回报",
                   "关键假设", "模型检验", "运行信息", "口岸与通道建设", "地区生产总值（2018年不变价）"):
        assert phrase in text, phrase
    assert "Levers and spending" not in text


def test_headline_numbers_match_the_analysis_layer(data, page_en):
    from simulator.analysis import returns_table
    from simulator.report.render import fmt

    t = returns_table(data.base, {"x": data.results})
    sec = page_en[page_en.index('id="returns"'):page_en.index('id="assumptions"')]
    assert f"+{fmt(t.loc['gdp_gain_total', 'x'])}" in sec and "person-years" in sec
    assert "Returns on spending" in page_en and "persons" in sec
    L = labels("en")
    for ind, unit in t["unit"].items():  # every metric is shown with its unit, or listed as unavailable
        if ind.endswith("_status"):
            continue  # shown in its payback row
        if ind in t.attrs["unavailable"]:
            assert html.escape(L.metric(ind)) in sec, ind
        else:
            assert f"<code>{ind}</code>" in sec and html.escape(unit) in sec, (ind, unit)
    if "gdp_pv_ratio_8pct" in t.attrs["unavailable"]:
        assert "Not available" in sec and "lever_spending_cumulative" in sec
    else:
        assert fmt(t.loc["gdp_pv_ratio_8pct", "x"], 2) in sec and "Guo, Liu &amp; Ma (2016)" in sec
    if "government_debt" not in data.results:
        assert "Fiscal position not available" in sec and "debt_to_revenue" in sec
    else:
        assert "Debt / own revenue" in sec
    gdp35 = float(data.results.at("gdp_real", 2035))
    assert f"{gdp35:,.0f}" in page_en


def test_sensitivity_table_has_sources(data):
    s = data.sensitivity
    t = s["table"]
    D = len(t)
    assert s["runs"] == 2 * (16 * (D + 1) if s["method"] == "morris" else 2 * D + 1)  # scenario and base
    assert list(t.columns[:3]) == ["parameter", "column", "value"]
    assert t["source"].str.len().gt(0).all()
    sw = (t["mu_star"] if s["method"] == "morris" else t["swing"].abs()).dropna().to_numpy()
    assert (sw[:-1] >= sw[1:]).all()  # sorted, most influential first


def test_without_comparison_or_uncertainty():
    d = collect(SCEN / "port_investment.toml", sensitivity="oat", validation=False)
    assert d.sensitivity["method"] == "oat" and not d.sensitivity["effect"]
    page = render(d, "en", dpi=40)
    c = check_page(page)
    assert set(SECTIONS) <= c.ids
    assert "Not computed: run with --uncertainty N" in page
    assert "Not applicable" in page


def test_label_tables_complete():
    for table in (VARIABLES, ELEMENTS, LEVERS, PHRASES):
        for k, v in table.items():
            assert len(v) == 2 and all(isinstance(x, str) and x for x in v), k
    from simulator.model import LEVERS as MODEL_LEVERS
    from simulator.model import PARTNERS, SECTORS

    assert set(MODEL_LEVERS) <= set(LEVERS)
    assert set(SECTORS) | set(PARTNERS) <= set(ELEMENTS)
    L = labels("zh")
    assert L.unit("100m yuan/yr (2018 prices)") == "亿元/年（2018年价格）"
    assert L.var("value_added[agri_food]") == "增加值: 农业与食品加工"
    with pytest.raises(ValueError):
        labels("fr")


def test_markdown_subset_is_escaped():
    out = markdown_to_html("Para with `code` and <script>x</script> [link](/abs/path).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "/abs/path" not in out and "link" in out
    assert "<table>" in out and "<td>1</td>" in out


def test_missing_cjk_font_falls_back_to_english_with_a_warning(data, monkeypatch):
    from simulator.plotting import fonts
    from simulator.report import report_figures

    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    with pytest.warns(fonts.CJKFontWarning):
        figs, fallback = report_figures(data, "zh", dpi=30)
    assert fallback and figs
    page = render(data, "zh", figures=figs, fallback=True)
    assert "图中标注为英文" in page


def test_cjk_font_found():
    from simulator.plotting.fonts import cjk_font

    if cjk_font() is None:
        pytest.skip("no CJK font installed (regsim's set-up installs mplfonts)")
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=cjk_font()), fallback_to_default=False)
    f = FT2Font(path)
    assert all(f.get_char_index(ord(ch)) for ch in "黑龙江就业")


# -- the command ------------------------------------------------------------------

def _invoke(args):
    from click.testing import CliRunner

    from simulator.cli.report_cmds import report

    with warnings.catch_warnings():
        return CliRunner().invoke(report, args, catch_exceptions=False)


def test_report_command_writes_file(tmp_path):
    out = tmp_path / "r.html"
    figs = tmp_path / "figs"
    r = _invoke([str(SCEN / "ftz_opening.toml"), "--compare", str(SCEN / "baseline.toml"), "--sensitivity", "none",
                 "-o", str(out), "--figures-dir", str(figs)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    check_page(page)
    no_local_paths(page)
    assert sorted(p.name for p in figs.glob("*.png"))
    assert not list(tmp_path.glob(".r.html.*"))  # no temporary file left behind
    r2 = _invoke([str(SCEN / "ftz_opening.toml"), "-o", str(out)])
    assert r2.exit_code == 2 and "exists" in r2.output and "--force" in r2.output


@pytest.mark.parametrize("args, msg", [
    (["missing.toml"], "missing.toml"),
    ([str(SCEN / "baseline.toml"), "--lang", "fr"], "fr"),
    ([str(SCEN / "baseline.toml"), "--uncertainty", "-3"], "-3"),
])
def test_report_command_bad_input(tmp_path, args, msg):
    r = _invoke(args + ["-o", str(tmp_path / "x.html")])
    assert r.exit_code == 2
    assert msg in r.output
    assert "Traceback" not in r.output
    assert not (tmp_path / "x.html").exists()


def test_returns_section_with_every_input_present():
    """Constructed results that have the spending stock and fiscal outputs: numbers, units, evidence, statuses."""
    from types import SimpleNamespace

    import numpy as np

    from simulator.analysis import AppraisalSettings, returns_table
    from simulator.engine import Results
    from simulator.report.render import _returns

    t = np.arange(2020, 2031, dtype=float)
    z = np.zeros_like(t)

    def res(**v):
        return Results({k: np.broadcast_to(np.asarray(x, float), t.shape)[None].copy() for k, x in v.items()}, t,
                       {"trade_total": "100m yuan/yr"}, {}, {}, {})

    common = {"gdp_deflator": 1.0, "lever_debt_service": z, "employment_total": 150.0, "trade_total": 10.0}
    base = res(gdp_real=1000.0, lever_spending_cumulative=z, fiscal_revenue=0.0, lever_reallocation=z,
               lever_central_funding=z, **common)
    alt = res(gdp_real=1000.0 + 40.0 * (t >= 2022), lever_spending_cumulative=np.clip(t - 2022, 0, 3) * 100.0,
              fiscal_revenue=1.0 * (t >= 2022), lever_reallocation=100.0 * ((t >= 2022) & (t <= 2024)),
              lever_central_funding=z, **common)
    table = returns_table(base, {"demo": alt}, settings=AppraisalSettings(key_years=(2025,)))
    fiscal_alt = res(government_debt=3885.0 + 10 * (t - 2020), debt_to_revenue=np.linspace(2.0, 2.5, t.size))
    fiscal_base = res(government_debt=3885.0 + 0 * t, debt_to_revenue=2.0 + 0 * t)
    for v in ("government_debt", "debt_to_revenue"):
        fiscal_alt.units[v] = fiscal_base.units[v] = "100m yuan" if v == "government_debt" else "1"
    d = SimpleNamespace(metrics=table, prep=SimpleNamespace(scenario=SimpleNamespace(levers={"x": {}})),
                        results=fiscal_alt, base=fiscal_base, years=[2025, 2030])
    for lang, status, unit in (("en", "not within the horizon", "yuan per yuan"), ("zh", "模拟期内未回收", "元/元")):
        sec = _returns(d, labels(lang), {})
        assert status in sec and unit in sec and "0.6–1" in sec and "Guo, Liu &amp; Ma (2016)" in sec
        assert "<code>gdp_pv_ratio_8pct</code>" in sec and "<code>national_pv_ratio_8pct</code>" in sec
    en = _returns(d, labels("en"), {})
    assert f"+{table.loc['gdp_pv_ratio_8pct', 'demo']:.2f}" in en
    assert "Not available" not in en
    # fiscal position: debt / own revenue in % at key years, scenario then comparison
    assert "Fiscal position of the province" in en and "Debt / own revenue" in en
    assert "<b>225</b><br><small>Comparison 200</small>" in en  # 2025: 2.0 + 0.5 * 5/10 = 2.25 -> 225%
    assert "<b>3,935</b>" in en  # government debt 2025: 3885 + 50


def test_population_section_numbers_come_from_the_run(data, page_en):
    from simulator.validation.age_structure import broad_shares

    r = data.results
    assert f"{float(r.at('median_age', 2035)):,.1f}" in page_en
    assert f"{broad_shares(r.at('population_by_age', 2050))['65+']:.1f}" in page_en

