"""Render a :class:`~.data.ReportData` as one self-contained HTML page.

The page has no external resources: styles are inline, figures are embedded
as base64 PNG, and no local absolute path is written. Every text from files
(scenario descriptions, parameter sources, the validation summary) is
HTML-escaped.
"""

from __future__ import annotations

import html
import json
import math
import re

import numpy as np

from .._version import __version__
from ..analysis.returns import MULTIPLIER_EVIDENCE_RANGE as MULTIPLIER_RANGE
from .i18n import labels

#: section ids, in page order
SECTIONS = ("levers", "headline", "trajectories", "trade", "employment", "population", "uncertainty", "returns",
            "assumptions", "validation", "metadata")
_TITLES = {"levers": "sec_levers", "headline": "sec_headline", "trajectories": "sec_trajectories",
           "trade": "sec_trade", "employment": "sec_employment", "population": "sec_population",
           "uncertainty": "sec_uncertainty",
           "returns": "sec_returns", "assumptions": "sec_assumptions", "validation": "sec_validation",
           "metadata": "sec_metadata"}

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",-apple-system,
"Segoe UI",Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1b1b1b;line-height:1.45}
h1{margin-bottom:.1em}h2{border-bottom:2px solid #2c5d8a;padding-bottom:.15em;margin-top:1.8em;color:#2c5d8a}
.sub{color:#555;margin-top:0}table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.3em .55em;vertical-align:top}th{background:#eef3f8;text-align:left}
td.num{text-align:right;white-space:nowrap}small,.note{color:#555}.note{font-size:.9em}
img{max-width:100%;height:auto;display:block;margin:.6em 0}nav ol{columns:2}
.pos{color:#1a7f37}.neg{color:#b42318}code{background:#f4f4f4;padding:0 .2em}
.desc{white-space:pre-wrap;background:#f8f8f8;padding:.6em;border-left:3px solid #2c5d8a}
"""


def esc(x) -> str:
    """HTML-escaped text."""
    return html.escape(str(x), quote=True)


def fmt(v, digits: int | None = None) -> str:
    """A number for a table: thousands separators, sensible precision, empty for NaN/None."""
    if v is None:
        return ""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not math.isfinite(x):
        return ""
    if digits is not None:
        return f"{x:,.{digits}f}"
    a = abs(x)
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 1:
        return f"{x:,.1f}"
    if a == 0:
        return "0"
    return f"{x:.3g}"


def _signed(v, digits=None, suffix="") -> str:
    s = fmt(v, digits)
    if not s:
        return ""
    if float(v) > 0:
        s = "+" + s
    cls = "pos" if float(v) > 0 else "neg" if float(v) < 0 else ""
    return f'<span class="{cls}">{esc(s)}{esc(suffix)}</span>'


def _table(head: list[str], rows: list[list[str]], num_cols=()) -> str:
    """A table from already-escaped cells."""
    out = ["<table><thead><tr>", "".join(f"<th>{h}</th>" for h in head), "</tr></thead><tbody>"]
    for r in rows:
        out.append("<tr>" + "".join(f'<td class="num">{c}</td>' if i in num_cols else f"<td>{c}</td>"
                                    for i, c in enumerate(r)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _img(key, figs, alt) -> str:
    from .figures import data_uri

    if key not in figs:
        return ""
    return f'<img src="{data_uri(figs[key])}" alt="{esc(alt)}">'


# -- sections ---------------------------------------------------------------------

def _levers(d, L, figs) -> str:
    sc = d.prep.scenario
    parts = []
    if sc.levers:
        rows = []
        for lid, spec in sc.levers.items():
            other = {k: v for k, v in spec.items() if k not in ("budget", "start", "end", "ramp")}
            rows.append([esc(L.lever(lid)) + f"<br><small><code>{esc(lid)}</code></small>",
                         esc(fmt(spec.get("budget"))), esc(_year(spec.get("start"))), esc(_year(spec.get("end"))),
                         esc(fmt(spec.get("ramp"))),
                         esc(", ".join(f"{k} = {v}" for k, v in other.items()))])
        parts.append(_table([esc(L[k]) for k in ("lever", "budget", "start", "end", "ramp", "other_settings")],
                            rows, num_cols=(1, 2, 3, 4)))
        parts.append(f'<p class="note">{esc(L["budget"])}: '
                     f'{esc(fmt(sum(float(s.get("budget", 0)) for s in sc.levers.values())))}; '
                     f'{esc(L["total_spending"])}: <b>{esc(fmt(_total(d.results, "lever_spending")))}</b> '
                     f'{esc(L.unit("100m yuan (2018 prices)"))}</p>')
    else:
        parts.append(f"<p>{esc(L['no_levers'])}</p>")
    if sc.shocks:
        parts.append(f"<h3>{esc(L['shocks'])}</h3><ul>" + "".join(
            f"<li><code>{esc(k)}</code>: {esc(json.dumps(v, ensure_ascii=False))}</li>" for k, v in sc.shocks.items())
            + "</ul>")
    if sc.parameters:
        parts.append(f"<h3>{esc(L['overrides'])}</h3><ul>" + "".join(
            f"<li><code>{esc(k)}</code> = {esc(v)}</li>" for k, v in sc.parameters.items()) + "</ul>")
    parts.append(_img("spending", figs, L["spending_chart"]))
    return "".join(parts)


def _year(v) -> str:
    return "" if v is None else f"{float(v):g}"


#: variables that are shares [1], shown in percent
PERCENT_VARS = frozenset({"unemployment_rate", "port_utilization", "digital_coverage", "credit_to_gdp"})


def _decimals(ref: float) -> int:
    a = abs(ref)
    return 0 if a >= 100 else 1 if a >= 1 else 2 if a >= 0.1 else 3


def _total(res, v) -> float:
    """Spending over the horizon: the integrating stock if the model has one, else the yearly values summed."""
    stock = f"{v}_cumulative"
    if stock in res:
        return float(res[stock][0][-1] - res[stock][0][0])
    return float(np.sum(res[v][0])) if v in res else float("nan")


def _headline(d, L, figs) -> str:
    r, b = d.results, d.base
    years = d.years
    head = [esc(L["variable"]), esc(L["unit"])] + [esc(y) for y in years]
    rows = []
    for v in d.headline:
        scale, unit = (100.0, "%") if v in PERCENT_VARS and r.units.get(v, "1") in ("1", "") else \
            (1.0, r.units.get(v, ""))
        cells = [esc(L.var(v)), esc(L.unit(unit))]
        for y in years:
            a = float(r.at(v, y)) * scale
            k = _decimals(a)
            cell = f"<b>{esc(fmt(a, k))}</b>"
            if b is not None and v in b:
                bb = float(b.at(v, y)) * scale
                dd = round(a - bb, k) + 0.0
                pct = 100.0 * (a - bb) / abs(bb) if bb != 0 else float("nan")
                cell += (f"<br><small>{esc(L['base_value'])} {esc(fmt(bb, k))}<br>Δ {_signed(dd, k)}"
                         + (f" ({_signed(round(pct, 1) + 0.0, 1, '%')})" if math.isfinite(pct) and unit != "%" else "")
                         + "</small>")
            cells.append(cell)
        rows.append(cells)
    note = L["headline_note"] if b is not None else L["headline_note_nobase"]
    return f'<p class="note">{esc(note)}</p>' + _table(head, rows, num_cols=tuple(range(2, 2 + len(years))))


def _fig_section(key, note_key):
    def render(d, L, figs):
        if d.base is None and note_key in ("trade_note", "employment_note"):
            note = ""
        elif note_key == "traj_note" and d.base is None:
            note = ""
        else:
            note = f'<p class="note">{esc(L[note_key])}</p>'
        return note + _img(key, figs, L[_TITLES[key]])
    return render


def _population(d, L, figs) -> str:
    """Pyramids at the first and last year, and the age structure at the key years."""
    r = d.results
    if "population" not in figs or "population_by_age" not in r:
        return ""
    from ..validation.age_structure import broad_shares

    years = d.years
    rows = []
    for v in ("population", "working_age_population", "old_age_dependency_ratio", "median_age", "labour_force"):
        if v in r and r[v].ndim == 2:
            vals = [r.at(v, y)[()] for y in years]
            fmt = "{:,.3f}" if v == "old_age_dependency_ratio" else "{:,.1f}"
            rows.append([esc(L.var(v)), esc(L.unit(r.units.get(v, "")))] + [fmt.format(float(x)) for x in vals])
    shares = [broad_shares(r.at("population_by_age", y))["65+"] for y in years]
    rows.append([esc(L["share_65"]), "%"] + [f"{x:.1f}" for x in shares])
    head = [esc(L["variable"]), esc(L["unit"])] + [str(y) for y in years]
    return (f'<p class="note">{esc(L["population_note"])}</p>' + _img("population", figs, L["sec_population"])
            + f'<p class="note">{esc(L["population_table_note"])}</p>'
            + _table(head, rows, num_cols=tuple(range(2, 2 + len(years)))))


def _uncertainty(d, L, figs) -> str:
    u = d.uncertainty
    if u is None:
        return f'<p class="note">{esc(L["no_uncertainty"])}</p>'
    parts = [f'<p class="note">{esc(L.get("fan_note", n=u["n"], seed=u["seed"]))}</p>',
             _img("fans", figs, L["sec_uncertainty"])]
    tab = u.get("sampling")
    if tab is not None and len(tab):
        smp = tab[tab["sampled"]]
        lev = tab[tab["role"] == "lever mechanism"]
        rows = [[f"<code>{esc(r.parameter)}</code>", esc(r.distribution), esc(f"{fmt(r.lo)} – {fmt(r.hi)}"),
                 esc(L["yes"] if r.sampled else L["no"] + (f" ({r.reason})" if r.reason else ""))]
                for r in lev.itertuples()]
        parts.append(f"<h3>{esc(L['sampled_title'])}</h3><p class=\"note\">"
                     + esc(L.get("sampled_note", n=len(smp), lev=int((smp['role'] == 'lever mechanism').sum()),
                                 other=int((smp['role'] != 'lever mechanism').sum()),
                                 fixed=int((tab['role'] == 'policy setting').sum())))
                     + "</p>" + _table([esc(L["parameter"]), esc(L["distribution"]), esc(L["range"]),
                                        esc(L["sampled"])], rows))
    if u["probability"] is not None:
        prob = u["probability"]
        years = d.years
        rows = []
        for v in u["variables"]:
            row = [esc(L.var(v))]
            for y in years:
                hit = prob[(prob["variable"] == v) & np.isclose(prob["year"].astype(float), y)]
                row.append(esc(f"{100 * float(hit['p_higher'].iloc[0]):.0f}%") if len(hit) else "")
            rows.append(row)
        parts.append(f"<h3>{esc(L['prob_table'])}</h3>"
                     + _table([esc(L["variable"])] + [esc(y) for y in years], rows,
                              num_cols=tuple(range(1, 1 + len(years)))))
    return "".join(parts)


_PAYBACKS = {"gdp_payback_year": "gdp_payback_status", "fiscal_payback_year": "fiscal_payback_status"}


def _returns_settings(L, st) -> str:
    """The appraisal settings (rates, window, terminal treatment) in words."""
    pct = [f"{100 * r:g}%" for r in st.discount_rates]
    term = L["terminal_none"] if st.terminal == "none" else L.get("terminal_decay", d=f"{st.terminal_decay:.0%}")
    return L.get("returns_settings", rates=", ".join(pct), rate=pct[0], after=st.years_after_spending, terminal=term,
                 m=f"{st.national_multiplier:.2f}")


def _metric_cell(L, v, unit: str) -> str:
    if isinstance(v, str):
        return esc(L.get(v))
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if unit == "true/false":
        return esc(L["yes"] if bool(v) else L["no"])
    if unit in ("year", "yr"):
        return esc(f"{float(v):.0f}")
    if unit.startswith("yuan per yuan"):
        return _signed(float(v), 2)
    return _signed(float(v))


#: the province's fiscal position shown under the appraisal table (issue 15 fiscal block outputs)
FISCAL_POSITION = ("debt_to_revenue", "debt_to_gdp", "government_debt", "fiscal_revenue", "central_transfers",
                   "government_deficit", "interest_payments")


def _fiscal_position(d, L) -> str:
    """Debt and revenue path at key years (scenario, comparison below), or the variables the model lacks."""
    r, b = d.results, d.base
    have = [v for v in FISCAL_POSITION if v in r]
    if not have:
        return (f"<h3>{esc(L['fiscal_position'])}</h3><p class=\"note\">{esc(L['fiscal_unavailable'])}"
                f"<code>{esc(', '.join(FISCAL_POSITION))}</code></p>")
    years = d.years
    rows = []
    for v in have:
        share = r.units.get(v, "") == "1"
        scale, unit = (100.0, "%") if share else (1.0, r.units.get(v, ""))
        cells = [esc(L.var(v)), esc(L.unit(unit))]
        for y in years:
            a = float(r.at(v, y)) * scale
            cell = f"<b>{esc(fmt(a))}</b>"
            if b is not None and v in b:
                cell += f"<br><small>{esc(L['base_value'])} {esc(fmt(float(b.at(v, y)) * scale))}</small>"
            cells.append(cell)
        rows.append(cells)
    head = [esc(L["variable"]), esc(L["unit"])] + [esc(y) for y in years]
    return (f"<h3>{esc(L['fiscal_position'])}</h3><p class=\"note\">{esc(L['fiscal_position_note'])}</p>"
            + _table(head, rows, num_cols=tuple(range(2, 2 + len(years)))))


def _returns(d, L, figs) -> str:
    """The appraisal table (:func:`simulator.analysis.returns_table`): one row per metric, with units."""
    t = d.metrics
    if t is None or not len(t.columns) > 2:
        return f'<p class="note">{esc(L["no_returns"])}</p>'
    col = [c for c in t.columns if c not in ("unit", "evidence")][0]
    why = t.attrs.get("unavailable", {})
    no_spending = (not float(t.loc["spending_total", col]) > 0) if "spending_total" not in why \
        else not d.prep.scenario.levers
    if no_spending:
        return f'<p class="note">{esc(L["no_returns"])}</p>'
    bands = _band_cells(getattr(d, "return_bands", None))
    lit = _literature(d)
    rows = []
    for ind, r in t.iterrows():
        if ind in why or ind in _PAYBACKS.values():
            continue
        v = r[col]
        if ind in _PAYBACKS and t.loc[_PAYBACKS[ind], col] != "paid back":
            v = t.loc[_PAYBACKS[ind], col]
        ev = f"{MULTIPLIER_RANGE[0]:g}–{MULTIPLIER_RANGE[1]:g}" if r["evidence"] else ""
        if ind == "gdp_pv_ratio_8pct" and lit:
            ev = L.get("literature_range", lo=f"{lit.lo:g}", hi=f"{lit.hi:g}")
        row = [esc(L.metric(ind)) + f"<br><small><code>{esc(ind)}</code></small>"]
        if bands is not None:
            row.append(esc(bands.get(ind, "")))
        rows.append(row + [_metric_cell(L, v, r["unit"]), esc(L.unit(r["unit"])), esc(ev)])
    if bands is not None:
        for ind in ("gdp_payback_share", "fiscal_payback_share"):
            if ind in bands:
                rows.append([esc(L.metric(ind)) + f"<br><small><code>{esc(ind)}</code></small>", esc(bands[ind]), "",
                             esc(L.unit("share of members")), ""])
    st = t.attrs.get("settings")
    parts = [f'<p class="note">{esc(L.get("returns_note", settings=_returns_settings(L, st)))}</p>' if st else ""]
    rb = getattr(d, "return_bands", None)
    if rb is not None:
        mech = L["mech_sampled"] if rb.get("lever_mechanisms", True) else L["mech_as_designed"]
        parts.append(f'<p class="note">{esc(L.get("bands_note", n=rb["n"], seed=rb["seed"], mech=mech))}</p>')
    has_ev = any(r[-1] for r in rows)
    vcols = ([esc(L["band"])] if bands is not None else []) + [esc(L["central_run"] if bands is not None else L["value"])]
    head = [esc(L["variable"]), *vcols, esc(L["unit"])] + ([esc(L["evidence"])] if has_ev else [])
    parts.append(_table(head, [r if has_ev else r[:-1] for r in rows], num_cols=tuple(range(1, 1 + len(vcols)))))
    if lit:
        parts.append(f'<p class="note">{esc(L.get("literature_note", basis=lit.basis))}</p>')
    if has_ev:
        from ..analysis.returns import MULTIPLIER_EVIDENCE

        refs = "; ".join(f"{src}: {val}" for src, val in MULTIPLIER_EVIDENCE)
        parts.append(f'<p class="note">{esc(L.get("returns_evidence", refs=refs))}</p>')
    if why:
        missing = t.attrs.get("missing", {})
        groups: dict[tuple, list[str]] = {}
        for ind in why:
            groups.setdefault(tuple(missing.get(ind, [])) or (why[ind],), []).append(ind)
        items = "".join(f"<li>{esc(', '.join(L.metric(i) for i in inds))}: <code>{esc(', '.join(key))}</code></li>"
                        for key, inds in groups.items())
        parts.append(f'<p class="note">{esc(L["returns_unavailable"])}</p><ul class="note">{items}</ul>')
    parts.append(_fiscal_position(d, L))
    return "".join(parts)


def _band_cells(rb) -> dict | None:
    """Metric -> "median [p5, p95]" text of the report's return bands (``None`` without them)."""
    if rb is None:
        return None
    from ..ensemble.appraisal import format_band

    return {r.metric: format_band(r.p5, r.p50, r.p95, r.unit) if r.n_valid > 0 else "n/a"
            for r in rb["table"].itertuples()}


def _literature(d):
    """The literature range of the scenario's lever when it sets exactly one (else None)."""
    from ..levers.mechanisms import LITERATURE

    try:
        levers = [k for k, v in d.prep.scenario.levers.items() if float(v.get("budget", 0) or 0) > 0]
    except (AttributeError, TypeError, ValueError):
        return None
    return LITERATURE.get(levers[0]) if len(levers) == 1 else None


def _assumptions(d, L, figs) -> str:
    s = d.sensitivity
    if s is None or not len(s["table"]):
        return f'<p class="note">{esc(L["no_sensitivity"])}</p>'
    out = s["output"] + (f" − {d.base_prep.name}" if s.get("effect") else "")
    morris = s["method"] == "morris"
    note = "assumptions_morris_note" if morris else "assumptions_note"
    parts = [f'<p class="note">{esc(L.get(note, output=out, runs=s["runs"]))}</p>',
             _img("tornado", figs, L["sec_assumptions"])]
    rows = []
    for _, t in s["table"].head(12).iterrows():
        effect = [_signed(t["mu_star"]), esc(fmt(t["sigma"]))] if morris else \
            [_signed(t["swing"]), esc(fmt(t["elasticity"], 2))]
        rows.append([f"<code>{esc(t['column'])}</code>", esc(fmt(t["value"])),
                     esc(f"[{fmt(t['lo'])}, {fmt(t['hi'])}] {t['unit']}")] + effect + [esc(t["source"])])
    keys = ("parameter", "value_param", "range") + (("mu_star", "sigma") if morris else ("swing", "elasticity")) \
        + ("source",)
    parts.append(_table([esc(L[k]) for k in keys], rows, num_cols=(1, 3, 4)))
    return "".join(parts)


def _validation(d, L, figs) -> str:
    v = d.validation
    if v is None:
        return f'<p class="note">{esc(L["validation_none"])}</p>'
    head = f'<p class="note">{esc(L.get("validation_note", source=v["source"]))}</p>'
    if "table" in v and v["table"] is not None:
        t = v["table"]
        return head + _table([esc(c) for c in t.columns],
                             [[esc(fmt(x) if isinstance(x, float) else x) for x in row] for row in t.itertuples(index=False)])
    return head + markdown_to_html(v.get("markdown", ""))


def _metadata(d, L, figs) -> str:
    rows = []
    for k, v in d.metadata.items():
        if v is None:
            continue
        if isinstance(v, dict):
            v = ", ".join(f"{a}={b}" for a, b in v.items())
        elif isinstance(v, (list, tuple)):
            v = ", ".join(str(x) for x in v)
        rows.append([f"<code>{esc(k)}</code>", esc(v)])
    return _table([esc(L["meta_key"]), esc(L["meta_value"])], rows)


_RENDER = {"levers": _levers, "headline": _headline, "trajectories": _fig_section("trajectories", "traj_note"),
           "trade": _fig_section("trade", "trade_note"), "employment": _fig_section("employment", "employment_note"),
           "population": _population,
           "uncertainty": _uncertainty, "returns": _returns, "assumptions": _assumptions, "validation": _validation,
           "metadata": _metadata}


# -- markdown (the subset docs/validation.md uses for its summary) ----------------

def _inline(text: str) -> str:
    t = esc(text)
    t = re.sub(r"`([^`]+)`", r"<code>\1</code>", t)
    t = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", t)
    t = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", t)  # links: keep the text only (no local targets)
    return t


def markdown_to_html(md: str) -> str:
    """Paragraphs, bullet lists and pipe tables; everything escaped; links reduced to their text."""
    out, para, lst, table = [], [], [], []

    def flush():
        if para:
            out.append("<p>" + _inline(" ".join(para)) + "</p>")
            para.clear()
        if lst:
            out.append("<ul>" + "".join(f"<li>{_inline(x)}</li>" for x in lst) + "</ul>")
            lst.clear()
        if table:
            cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in table
                     if not re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", r)]
            if cells:
                out.append(_table([_inline(c) for c in cells[0]], [[_inline(c) for c in r] for r in cells[1:]]))
            table.clear()

    for ln in md.splitlines():
        s = ln.strip()
        if not s:
            flush()
        elif s.startswith("|"):
            if para or lst:
                flush()
            table.append(s)
        elif re.match(r"^[-*] ", s):
            if para or table:
                flush()
            lst.append(s[2:])
        elif s.startswith("#"):
            flush()
            out.append(f"<h4>{_inline(s.lstrip('#').strip())}</h4>")
        else:
            if table:
                flush()
            if lst and ln.startswith(" "):
                lst[-1] += " " + s
            else:
                para.append(s)
    flush()
    return "".join(out)


# -- the page -----------------------------------------------------------------------

def render(data, lang: str = "en", *, dpi: int = 100, figures: dict | None = None, fallback: bool = False) -> str:
    """The HTML page of ``data`` in ``lang`` (``"en"`` or ``"zh"``).

    Parameters
    ----------
    figures : dict, optional
        Pre-rendered ``{key: png bytes}`` (else drawn here). See :func:`report_figures`.
    fallback : bool
        With ``figures``: they were drawn with English labels for want of a Chinese font (noted on the page).
    """
    L = labels(lang)
    figs = figures
    if figs is None:
        figs, fallback = report_figures(data, lang, dpi=dpi)
    d = data
    title = f"{L['title']}: {d.prep.name}"
    nav = "".join(f'<li><a href="#{s}">{esc(L[_TITLES[s]])}</a></li>' for s in SECTIONS)
    head_info = [f"<b>{esc(L['scenario'])}</b>: {esc(d.prep.name)}"]
    if d.base_prep is not None:
        head_info.append(f"<b>{esc(L['base'])}</b>: {esc(d.base_prep.name)}")
    body = [f"<h1>{esc(title)}</h1>", f'<p class="sub">{esc(L["subtitle"])}</p>',
            "<p>" + " · ".join(head_info) + "</p>"]
    if d.prep.scenario.description:
        body.append(f'<div class="desc">{esc(d.prep.scenario.description.strip())}</div>')
    if fallback:
        body.append(f'<p class="note">{esc(L["figure_lang_fallback"])}</p>')
    body.append(f"<nav><h2>{esc(L['contents'])}</h2><ol>{nav}</ol></nav>")
    for s in SECTIONS:
        body.append(f'<section id="{s}"><h2>{esc(L[_TITLES[s]])}</h2>{_RENDER[s](d, L, figs)}</section>')
    body.append(f'<footer><p class="note">{esc(L.get("generated_by", version=__version__))}</p></footer>')
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{esc(title)}</title>\n'
            f"<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def report_figures(data, lang: str = "en", *, dpi: int = 100) -> tuple[dict, bool]:
    """``({key: png bytes}, fell_back_to_english)`` for ``data`` with labels in ``lang``.

    With ``lang="zh"`` and no font that renders Chinese, the figures are drawn
    with English labels (a :class:`~simulator.plotting.fonts.CJKFontWarning` is issued).
    """
    from ..plotting.fonts import figure_style
    from .figures import render_figures

    style = figure_style(lang)
    fallback = style is None
    if fallback:
        style, lang = figure_style("en"), "en"
    return render_figures(data, labels(lang), style, dpi=dpi), fallback
