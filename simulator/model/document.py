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


#: Design notes an economist checks first (kept here so docs/model.md cannot lose them).
PLAUSIBILITY = """\
## Plausibility: policy returns, long-run growth, trade, population

**Policy returns (tests/test_model_levers_returns.py).** A yuan of lever money adds demand while
it is spent (a regional multiplier of ~0.5-1.5, less import leakage; only ~0.26 yuan of HLJ
value added per yuan of investment; what the province pays itself cuts government demand one for
one: reallocated money at once, bond-financed money later as debt service (fiscal block), while an
additional central transfer costs the province nothing) and supply from what it builds: capital with an output
elasticity of public capital of 0.03-0.20 (Bom & Ligthart 2014) over a depreciating life,
productivity, or trade capacity while capacity binds. Summed over 2018-2050 that is roughly
1-10 yuan of real GDP per yuan spent; every single-lever scenario file must land in
[0.5, 10] (0.5 because capacity that does not bind, such as ports while utilisation is low,
honestly returns little), with the calibration applied and with the priors, and the full
package may not exceed 1.3x the sum of its parts. Three mechanisms used to be money machines
and were removed: the finance cluster's 'lendable funds' plus a credit-depth gain of up to 30%
(28.5 bn yuan of support moved the whole 2 trillion loan book; ~100 yuan per yuan); credit
beyond the 2018 depth raising investment everywhere (now only rationing relief:
`min(credit_availability, 1)`); and the producer-services 'demand gain' that created demand
out of nothing (now a productivity gain). Lever reach is scaled to money through the
half-saturation stocks (see each parameter's source).

**Jobs (tests/test_model_levers_returns.py, tests/test_model_baseline.py).** Employment is
demand-determined: positions follow labour demand (output elasticity `employment_elasticity`
at a trend of labour shedding) with a delay and are filled from the labour force; unemployment
is the job gap, bent smoothly toward the frictional rate when positions approach the labour force
(a soft floor, never a kink). The labour force responds to job availability (participation) and
so does migration; relative income carries a wage curve. Baseline unemployment starts at the
registered 3.99% (2018) and stays within 1.5 pp of the registered rate (3.18% in 2021). Each
core lever creates 100-600 job-years per 100m yuan over 2018-2050 (with the calibration and with
the priors): construction employs ~230 persons per 100m yuan of gross output in China [m], HLJ
~1,190 per 100m yuan of value added in 2018, and a lever's cumulative GDP gain of ~1-5 yuan per
yuan at a job content of ~0.3 x 1,190 gives that order. Supply-side levers raise output in
demand-bound sectors through cost competitiveness in the rest of China
(`cost_competitiveness_elasticity`). A closed border (port capacity x0.3) cuts jobs and raises
unemployment, and both recover after reopening.

**Trade (tests/test_model_plausibility.py).** Exports are partner demand x HLJ's market share;
the share follows HLJ's exportable *capacity* (potential output, not value added, so exports
cannot feed themselves through demand) relative to China's output (competing Chinese
suppliers; gravity with multilateral resistance, Anderson & van Wincoop 2003). A yuan of
exports adds ~0.9 yuan of regional value-added demand (domestic value added + border logistics),
not 1.8. Exports therefore grow with partner demand, and exports/GDP stays far below 40% for
every parameter value in range.

**Long-run growth.** GDP growth 2035-2050 lies in [-1%, +5%] a year and is not more than 1 pp
above 2018-2035 growth for a 200-member Latin hypercube over all free parameters plus the
calibration's former 'explosive' corner; halving dt moves every 2050 headline by < 1% for all
of them. Pure-vertex combinations of the most pessimistic demand, ageing and migration
settings can still fall to about -2.6%/yr in 2035-2050 (a cumulative-causation spiral of
out-migration and shrinking demand).

**Population.** Births and deaths are drivers (death rate rising to 13 per mille by 2050, ~1.1x
China's UN WPP 2022 medium path); net migration responds to the income gap (relative income
includes the transfer-funded share of local income, which follows China's per-capita GDP) and
to unemployment, scaled by the shrinking young-adult cohorts (`migration_cohort_decline`), and
a positive pull is damped (`in_migration_response`): out-migration slows as the mobile cohorts
shrink but does not turn into a rebound without policy. With the priors the population falls
from 3,327 (2018) to ~2,200 (2050, about -34%).
"""


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
                w(f"| `{c.name}` | {c.kind} | {_cell(c.units)} | {','.join(c.dims)} | `{_cell(to_text(c.node))}` |"
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
