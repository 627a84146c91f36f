"""Generate ``docs/model.md`` from the model's own structure and parameter files.

Usage::

    python -m simulator.model.document > docs/model.md

Everything in the document (equations, units, parameter values, ranges and
sources, driver sources) is read from :func:`~simulator.model.build_model`,
``params/*.toml`` and ``data/drivers/*.csv``, so it cannot drift from the model;
``tests/test_model_structure.py`` checks the committed file is up to date.
"""

from __future__ import annotations

import inspect
import sys

from ..engine import Aux, Constant, Stock, TimeSeries
from ..engine.expr import to_text
from . import _base
from ._base import DIMENSIONS, read_driver
from .build import BLOCKS, HEADLINE, build_model, default_parameters


def _cell(text: object) -> str:
    s = " ".join(str(text).split())
    return s.replace("|", "\\|")


def _fmt(v) -> str:
    if isinstance(v, (tuple, list)) and v and isinstance(v[0], (tuple, list)):
        import numpy as np

        a = np.asarray(v, dtype=float)    # a table over two or more dimensions: too big for a cell
        if a.min() == a.max():
            return f"{a.min():g} ({' x '.join(map(str, a.shape))} cells)"
        return f"{a.min():g} .. {a.max():g} ({' x '.join(map(str, a.shape))} cells; the parameter file lists them)"
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _mode(p) -> str:
    """A triangular mode for the table: a number, ``= value`` (per element) or the per-element list."""
    if isinstance(p.mode, tuple):
        return "= value" if p.mode == p.value else _fmt(p.mode)
    return f"{p.mode:g}"


def _doc(mod) -> str:
    return inspect.cleandoc(mod.__doc__ or "")


#: The reading guide for an economist (kept here so docs/model.md cannot lose it); the numbers in
#: the tables below it are computed from a baseline run by :func:`_diagnostics` when the file is made.
PLAUSIBILITY = """\
## Reading guide: how output, jobs and trade are determined (economic core v2)

**Supply meets demand.** Each sector's value added is Cobb-Douglas in capital *services* (installed
capital x utilisation) and employment. TFP is one trend per sector (`tfp_growth`, sourced from China's
post-2008 record: 0-1.5%/yr; China's own public capital, R&D and digital deepening are in that record,
so the model's explicit channels only count what *levers* add) times a national productivity factor
that every region shares (next paragraph but two). Output is demand for HLJ's products, delivered up
to capacity: utilisation is what demand asks of the installed capital and employment, and bends
smoothly to its maximum of 1 above 0.95. Firms plan for expected demand at normal utilisation (0.85)
with the cost-minimising technique for their wage/user-cost ratio: jobs adjust within about a year
and capital over `capital_adjustment_time` (5 yr; Chinese firms close about 0.2 of the gap a year).
Where demand runs ahead of what capital and labour deliver at normal utilisation, the effective price
of buying from HLJ rises against the rest of China and buyers turn to other suppliers: a proportional
part (the current output gap, elasticity `delivery_pressure_elasticity`) and an integral part, the
stock `delivery_pressure`, which keeps building up while the excess lasts
(`delivery_pressure_adjustment_time`, 2 yr) and eases while demand falls short, so excess demand cannot
persist (`test_excess_demand_is_not_permanent`). What remains is the investment swing of the late
2020s: after the 2023-24 trough, private investment rises about 30% in 2025-2027 and construction,
whose demand is mostly investment, is capacity-bound for about four years
(`test_demand_stays_within_capacity_2025_2050` is a known failure; tables below).

**Prices.** HLJ's value-added prices are the national price level times its cost-based price relative
to the rest of China (the Cobb-Douglas dual by double deflation, intermediate inputs at common prices)
and the oil pass-through; delivery delays steer buyers but are nobody's income, so they are not in the
GDP deflator. Household incomes (wages and non-wage income alike) are deflated by the consumer price
level. The national price level is the CPI; China's GDP deflator ran below it in 2019-2020, so the
model's HLJ deflator runs 1.3-2.5% above the data in 2019-2022 (the limit of
`test_history_deflator_follows_the_data` is 2.5%) and, for a matched nominal GDP, real growth below
the official figures. Daqing's depletion lowers the energy sector's capacity and output, not its
price: crude sells at the world price (the oil pass-through).

**Labour binds.** Employment cannot exceed the labour force less frictional unemployment; positions
beyond it stay vacant. The regional wage relative to the national one follows a wage curve in the
unemployment rate (elasticity -0.07, Nijkamp & Poot 2005; at the frictional floor it adds at most about
3%: the estimates cover unemployment, not unfilled positions), HLJ's potential labour productivity
(TFP x capital per worker^a) relative to China's labour productivity, and a labour-scarcity premium: a
stock that grows while positions outnumber workers, shrinks while workers outnumber positions
(`wage_premium_adjustment_time`, 10 yr) and erodes toward 1 at `wage_premium_decay_rate` (0.1/yr, prior
0-0.3): provincial relative wages in China revert to each province's own level after shocks (Zhong
2005), as US states' do (Blanchard & Katz 1992, where migration rather than the wage carries the
long-run adjustment), and HLJ's own record (relative wage 0.825 in 2012, 0.756 in 2019, while it kept
losing people) shows no lasting scarcity premium. A persistent excess of positions therefore holds the
premium at a finite level instead of raising the wage without bound. Participation follows the job gap,
so hidden unemployment is drawn into work when positions are plentiful. Wages feed unit costs,
household income and, through expected earnings (relative wage x employment rate), migration. Because
HLJ's labour force shrinks fast (ageing, out-migration) the baseline labour market is tight from the
mid-2020s: unemployment reaches its frictional floor, growth follows labour supply, and the excess of
positions is closed mostly by quantities (delivery pressure turns buyers to other suppliers, capital
substitutes for labour) and only in part by the wage (table below). What is still missing: firms keep
posting positions they cannot fill for years (vacancies reach several per cent of positions), and
migration does not respond to vacancies, only to the wage and unemployment. The nominal labour share
stays near its 2018 level (`test_labour_share_stays_near_its_2018_level`).

**Competitiveness against the rest of China.** HLJ's unit cost relative to a rest-of-China index is
the Cobb-Douglas dual (TFP, wage and user cost), plus delivery pressure and any regional carbon cost.
The rest of China's TFP is the one that yields the national labour-productivity projection on a
balanced growth path (`LP^(1-a)`, times China's sector pattern around its aggregate,
`tfp_growth_sector_pattern`): China's TFP record (about 0.7%/yr) and
its labour-productivity projections (3-5%/yr) only add up with an ever-rising capital-output ratio,
so the model takes the projection as the anchor and lets HLJ share the part of it beyond the record
(`national_productivity_factor`). HLJ's TFP relative to the rest of China's is then the record ratio:
it gains or loses ground only through its own sectors, levers, wages and capital. Market shares in
HLJ itself (regional purchase coefficients), in the rest of China and abroad respond with Armington
elasticities (1.5-4 domestic by commodity, 2 abroad) and to the range of products HLJ offers (its
output at normal utilisation: `extensive_margin_elasticity`, 0.6, Hummels & Klenow 2005), so a
shrinking economy sells less through fewer varieties as well as through prices. Nothing compares HLJ
with its own trend.

**Demand through the input-output table.** Household consumption (from disposable income: wages,
budget transfers, other income), government consumption and budget-financed public investment (fiscal
block), private investment by sector, and each lever's spending (its own commodity vector) are final
demands by commodity; the HLJ 2007 table (aggregated to nine sectors, coefficients carried to 2018
value-added ratios) turns them into HLJ output through the regional Leontief inverse, with leakage to
other provinces and abroad given by the regional purchase coefficients (evidence-based ranges: the 2007
table records trade net by sector, so its local shares are upper bounds). Foreign exports count only
with their local content (much of HLJ's exports to Russia are goods from other provinces in transit).

**Physical limits.** Daqing crude holds its 30 Mt/yr plateau to `daqing_plateau_end_year`, then
declines at `daqing_decline_rate`; the energy sector's capacity carries it as a resource factor
(depletion is not TFP). Pipeline crude cannot exceed the pipeline's capacity (30 Mt/yr since 2018,
full in 2018). CO2 by sector is the CEADs 2019 inventory scaled by value added with falling intensity;
a regional carbon price or cap (scenario shocks `carbon_price`, `carbon_cap`) raises HLJ's relative
costs.

**People.** Residents are followed by sex and single year of age (classes 0..88 and 89+, grouped in
the 5-year groups of the parameters): births from age-specific fertility (Fuzhou 2020 census shape)
scaled to a TFR path, deaths from Brass-logit mortality (China 2000 census standard fitted to HLJ's life
expectancy) improving by `mortality_improvement_scale`, and net migration on a Rogers-Castro age schedule
whose level is fitted year by year in 2019-2022 (history conditions, with the TFR and a death-rate
multiplier, so that the sourced population and crude rates are reproduced); from 2023 its base
(`net_outmigration_level_base`, 0.008/yr) is the level that reproduces the sourced 2023 population, about a
third of the 2019-2020 levels (0.022-0.023) and half their 2019-2022 mean: one post-restriction year is
thin evidence, so the prior runs from 0.003 to 0.025 (ensembles sample it; its range ends move the 2050
population by roughly -30% and +10%). Around that base the level responds to HLJ's relative wage and
unemployment. The age schedule
carries a flat component for ages 55+ (0.8-0.9 of the mean rate at 15-64; `migration_age_schedule`) set so that
the reconstructed cohorts match the 2020 census 60+ count: a fit of the reconstruction, not an observed
pattern of old-age moves, and it keeps the elderly leaving at that rate in every projection year.
Everyone moves up one year of age at the turn of each year, so the
large cohorts born in the 1960s reach retirement and old age on schedule. The labour force is
participation by sex and age group (statutory retirement ages with the 2025 reform, scenario parameter
`retirement_reform_scale`) times residents, scaled so that 2018 matches the core's employment; it is
the only way demography reaches the economy, and migration the only way the economy reaches demography.
The initial age structure is reconstructed (no published HLJ 5-year table was found): see the block's
parameter sources and `docs/validation.md` for its fit to the 2020 census and the 2022 sample survey.

**What the model still leaves out.** One regional wage (no sector wage structure); no sector prices
beyond the relative-cost index and oil pass-through; no inventories; the input-output coefficients are
2007's; foreign imports are modelled by partner in the trade block and are not reconciled cell by
cell with the input-output leakage; migration is one net flow by age (no separate in- and out-migrants,
no return migration by cohort) and participation by age is an anchored assumption, not a sourced table;
capital is not vintaged (the technique of the whole stock adjusts); the rest of China is exogenous
(no feedback from HLJ to national growth) and its drivers are not checked against one another (the
national labour-productivity path needs the capital deepening shown below at the national TFP path);
no regional consumer price (households' real income uses the national CPI) and no price of investment
goods in the user cost; no savings or financing constraint on investment beyond credit availability;
commuting and in-migration do not respond to vacancies (only to the relative wage and unemployment);
the TFR is held at its 2020-2022 level (`tfr_future`, unless a scenario sets it): no income, housing
or policy response of fertility. HLJ shares the national productivity factor in full (no parameter lets it
share less, although its own record lags the nation's): that factor, not the sourced `tfp_growth`, supplies
most of the TFP column of the decomposition below, and with it most of the baseline's growth after 2025.
"""


def _diagnostics() -> str:
    """Tables computed from a baseline run: growth decomposition by period, utilisation, labour shock."""
    from dataclasses import replace as _replace

    import numpy as np

    from ..engine import simulate
    from ..scenarios import prepare
    from ._base import repo_root

    p = prepare(repo_root() / "scenarios" / "baseline.toml")
    r = simulate(p.model, settings=p.settings)
    years = list(r.years)
    out = ["## Baseline growth decomposed (computed from the baseline run when this file is made)", "",
           "Per sector, ln(VA / VA_2018) = ln(TFP) + ln(resource) + a ln(capital services) + (1 - a) ln(employment)",
           "exactly (outputs `tfp_contribution`, `resource_contribution`, `capital_contribution`,",
           "`labour_contribution`). Aggregated with each period's average value-added shares (Tornqvist),",
           "average annual rates in per cent:", "",
           "| period | real GDP growth | TFP | resource (Daqing) | capital services | labour | residual (share shifts) |",
           "|---|---|---|---|---|---|---|"]
    va = r["value_added"][0]
    parts = {k: r[f"{k}_contribution"][0] for k in ("tfp", "resource", "capital", "labour")}
    for a, b in ((2018, 2025), (2025, 2035), (2035, 2050), (2018, 2050)):
        i, j = years.index(a), years.index(b)
        n = b - a
        w = 0.5 * (va[i] / va[i].sum() + va[j] / va[j].sum())
        g = np.log(r["gdp_real"][0, j] / r["gdp_real"][0, i]) / n
        c = {k: float((w * (v[j] - v[i])).sum()) / n for k, v in parts.items()}
        res = g - sum(c.values())
        out.append(f"| {a}-{b} | {100 * g:.2f} | {100 * c['tfp']:.2f} | {100 * c['resource']:.2f} | "
                   f"{100 * c['capital']:.2f} | {100 * c['labour']:.2f} | {100 * res:.2f} |")
    u = r["capacity_utilization"][0]
    sel = [k for k, y in enumerate(years) if 2025 <= y <= 2050]
    out += ["", "Capacity utilisation of each sector in the baseline, 2025-2050 (min - max):", "",
            "| sector | min | max |", "|---|---|---|"]
    for s_i, sname in enumerate(DIMENSIONS["sector"]):
        out.append(f"| `{sname}` | {u[sel, s_i].min():.3f} | {u[sel, s_i].max():.3f} |")
    out += ["", "What the baseline economy looks like (computed; the points an economist will check):", "",
            "| year | real GDP growth (5-yr avg, %) | investment / GDP | capital / GDP | job gap | vacancies / positions"
            " | HLJ / national wage | of which scarcity premium | nominal labour share | GDP deflator / CPI"
            " | max utilisation demanded | unmet demand / GDP |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    g = r["gdp_real"][0]
    for y in (2018, 2025, 2030, 2035, 2050):
        k = years.index(y)
        growth = f"{100 * np.log(g[k] / g[k - 5]) / 5:.2f}" if k >= 5 else "–"
        ls = r["wage_bill"][0, k] * r["price_level"][0, k] / r["gdp_nominal"][0, k]
        out.append(f"| {y} | {growth} | {r['investment_to_gdp'][0, k]:.2f} | {r['capital'][0, k].sum() / g[k]:.2f} | "
                   f"{r['job_gap'][0, k]:.3f} | {r['vacancies'][0, k] / r['jobs'][0, k].sum():.3f} | "
                   f"{r['wage_relative'][0, k]:.3f} | {r['labour_scarcity_premium'][0, k]:.3f} | {ls:.3f} | "
                   f"{r['gdp_deflator'][0, k] / r['price_level'][0, k]:.3f} | "
                   f"{r['utilization_demanded'][0, k].max():.2f} | {r['unmet_demand'][0, k].sum() / g[k]:.3f} |")
    k25, k50 = years.index(2025), years.index(2050)
    g_lp = float(np.log(r["china_labour_productivity_index"][0, k50] / r["china_labour_productivity_index"][0, k25])) / 25
    g_tfp = float(np.log(r["tfp_rest_of_china"][0, k50] / r["tfp_rest_of_china"][0, k25])) / 25
    bg = r["national_productivity_factor"][0][:, 0] * r["tfp_rest_of_china"][0]     # LP^(1-a), agri_food's a
    g_own = float(np.log(bg[k50] / bg[k25])) / 25
    out += ["", f"National drivers, 2025-2050: China's labour productivity grows {100 * g_lp:.2f}%/yr and its measured "
            f"TFP record {100 * g_tfp:.2f}%/yr. On a balanced growth path (constant capital-output ratio) the "
            f"labour productivity projection needs TFP growth of (1 - a) x {100 * g_lp:.2f}%/yr "
            f"({100 * g_own:.2f}%/yr for agri_food's a); the model's rest of China has that TFP path and HLJ shares "
            "the part beyond the record (`national_productivity_factor`).", ""]
    ts = p.model["labour_supply_multiplier"]
    shocked = p.model.replace(_replace(ts, x=(1900.0, 2024.999, 2025.0, 2200.0), y=(1.0, 1.0, 0.9, 0.9)))
    rs = simulate(shocked, settings=p.settings)
    k35 = years.index(2035)
    loss = 1 - rs["gdp_real"][0, k35] / r["gdp_real"][0, k35]
    lf = 1 - rs["labour_force"][0, k35] / r["labour_force"][0, k35]
    out += ["", f"A 10% cut in labour supply from 2025 (shock `labour_supply`, multiplier 0.9) lowers real GDP in 2035 by "
            f"{100 * loss:.1f}% against the baseline; the labour force is then {100 * lf:.1f}% lower (higher relative "
            "wages draw some migrants back).", ""]
    out += _population_diagnostics(r)
    return "\n".join(out)


def _population_diagnostics(r) -> list[str]:
    """The baseline's population and labour force by broad age group at key years."""
    from ..validation.age_structure import broad_shares

    years = [y for y in (2018, 2022, 2025, 2030, 2035, 2040, 2050) if y in list(r.years)]
    out = ["## Baseline population and labour force (computed from the baseline run when this file is made)", "",
           "| year | population (10k) | 0-14 % | 15-64 % | 65+ % | median age | old-age dependency | "
           "births | deaths | net migration | labour force (10k) |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for y in years:
        sh = broad_shares(r.at("population_by_age", y))
        flows = [f"{float(r.at(v, y) - r.at(v, y - 1)):.1f}" if y > r.years[0] else "-"
                 for v in ("births_cumulative", "deaths_cumulative", "net_migration_cumulative")]
        out.append(f"| {y} | {float(r.at('population', y)):.0f} | {sh['0-14']:.1f} | {sh['15-64']:.1f} | "
                   f"{sh['65+']:.1f} | {float(r.at('median_age', y)):.1f} | {float(r.at('old_age_dependency_ratio', y)):.3f} | "
                   + " | ".join(flows) + f" | {float(r.at('labour_force', y)):.0f} |")
    out += ["", "Births, deaths and net migration: the flows of the calendar year [10k persons] (differences of "
            "`births_cumulative`, `deaths_cumulative`, `net_migration_cumulative`).", ""]
    return out


def _equation_text(c) -> str:
    """The equation cell: the apply-to-all equation, or the first per-element ones (``elements``)."""
    if c.node is not None and not c.elements:
        return f"`{_cell(to_text(c.node))}`"
    items = list(c.element_nodes) if hasattr(c, "element_nodes") else []
    if not items:
        items = [(k, v) for k, v in c.elements]
    shown = "; ".join(f"`[{','.join(k)}] = {_cell(to_text(v) if not isinstance(v, str) else v)}`" for k, v in items[:2])
    head = f"`{_cell(to_text(c.node))}`, " if c.node is not None else ""
    return f"{head}per element ({len(items)} equations): {shown}; ..."


def render() -> str:
    """The full Markdown text of ``docs/model.md``."""
    model = build_model()
    ps = default_parameters()
    out: list[str] = []
    w = out.append
    w("# The Heilongjiang model")
    w("")
    w("<!-- generated by `python -m simulator.model.document > docs/model.md`; do not edit by hand -->")
    w("")
    w(model.doc)
    w("")
    w(f"{len(model.components)} components: "
      + ", ".join(f"{sum(1 for c in model.components if c.kind == k)} {label}"
                  for k, label in (("stock", "stocks"), ("flow", "flows"), ("aux", "auxiliaries"),
                                   ("constant", "constants"), ("timeseries", "time series"))) + ".")
    w("Public entry points: `simulator.model.build_model(params=None) -> Model` and "
      "`simulator.model.run_baseline(**settings) -> Results` (2018-2050, dt 0.25, yearly output).")
    w("")
    w("## Dimensions")
    w("")
    for d, els in DIMENSIONS.items():
        w(f"- `{d}`: " + ", ".join(f"`{e}`" for e in els))
    w("")
    intro, table = _doc(_base).split("\n", 1)[1].strip().split("\n\n", 1)
    w(intro)
    w("")
    w("```text")
    w(table.strip())
    w("```")
    w("")
    w("## Headline variables")
    w("")
    w("| name | units | dims | meaning |")
    w("|---|---|---|---|")
    for n in HEADLINE:
        c = model[n]
        w(f"| `{n}` | {_cell(c.units)} | {','.join(c.dims)} | {_cell(c.doc)} |")
    w("")
    w(PLAUSIBILITY)
    w(_diagnostics())
    for block, mod in BLOCKS.items():
        comps = [c for c in model.components if c.group == block and not isinstance(c, Constant)]
        params = ps.in_block(block)
        w(f"## Block `{block}`")
        w("")
        if block in ps.blocks:
            w(_cell(ps.blocks[block]))
            w("")
        w(_doc(mod))
        w("")
        stocks = [c for c in comps if isinstance(c, Stock)]
        if stocks:
            w("### Stocks")
            w("")
            w("| stock | units | dims | initial | inflows | outflows | meaning |")
            w("|---|---|---|---|---|---|---|")
            for c in stocks:
                w(f"| `{c.name}` | {_cell(c.units)} | {','.join(c.dims)} | `{_cell(to_text(c.initial_node))}` | "
                  f"{', '.join(f'`{x}`' for x in c.inflows) or '-'} | {', '.join(f'`{x}`' for x in c.outflows) or '-'} | "
                  f"{_cell(c.doc)} |")
            w("")
        eqs = [c for c in comps if isinstance(c, Aux)]
        if eqs:
            w("### Flows and auxiliaries")
            w("")
            w("| name | kind | units | dims | equation | meaning |")
            w("|---|---|---|---|---|---|")
            for c in eqs:
                w(f"| `{c.name}` | {c.kind} | {_cell(c.units)} | {','.join(c.dims)} | {_equation_text(c)} |"
                     f" {_cell(c.doc)} |")
            w("")
        series = [c for c in comps if isinstance(c, TimeSeries)]
        if series:
            w("### Exogenous time series (scenario-replaceable)")
            w("")
            w("| name | units | years | values | meaning |")
            w("|---|---|---|---|---|")
            for c in series:
                w(f"| `{c.name}` | {_cell(c.units)} | {c.x[0]:g}..{c.x[-1]:g} ({len(c.x)} points) | "
                  f"{_fmt(c.y[0])} .. {_fmt(c.y[-1])} | {_cell(c.doc)} |")
            w("")
        if params:
            w("### Parameters")
            w("")
            w("| parameter | value | unit | range | distribution | free | source | meaning |")
            w("|---|---|---|---|---|---|---|---|")
            for p in params:
                dist = p.distribution + (f" (mode {_mode(p)})" if p.mode is not None else "")
                w(f"| `{p.name}` | {_fmt(p.value)} | {_cell(p.unit)} | {_fmt(p.range[0])} .. {_fmt(p.range[1])} | "
                  f"{dist} | {'yes' if p.free else ''} | {_cell(p.source)} | {_cell(p.doc)} |")
            w("")
    w("## Driver data sources")
    w("")
    w("Each driver CSV row names its source; projections are `assumption:` rows.")
    w("")
    for c in model.components:
        if isinstance(c, TimeSeries) and "[data/drivers/" in c.doc:
            stem = c.doc.rsplit("[data/drivers/", 1)[1].split(".csv", 1)[0]
            xs, ys, unit, sources = read_driver(stem)
            w(f"### `{stem}` ({_cell(unit)})")
            w("")
            for x, y, s in zip(xs, ys, sources):
                w(f"- {x:g}: {y:g} -- {_cell(s)}")
            w("")
    return "\n".join(out).rstrip() + "\n"


def main() -> None:
    """Write the document to standard output."""
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
