"""Generate ``docs/levers.md``: each lever's mechanism, its parameters with their evidence, and its returns with bands.

Usage::

    python scripts/gen_levers_doc.py                # run the ensembles, write docs/levers_returns.csv and docs/levers.md
    python scripts/gen_levers_doc.py --from-csv     # re-render docs/levers.md from the committed CSV (no runs)

The returns come from paired ensembles of every shipped lever scenario (and the full package)
against ``scenarios/baseline.toml`` (:func:`simulator.ensemble.appraisal.paired_returns`), twice:
with every uncertain parameter sampled, lever mechanisms included, and with the lever mechanisms
fixed at their central values (the policy as designed), plus deterministic central runs with and
without each lever's own channel (:data:`simulator.levers.mechanisms.CHANNEL_OFF`). The numbers are
written to ``docs/levers_returns.csv`` (the table the page is rendered from), so
``tests/test_levers_doc.py`` can check that the page matches the parameter files and the CSV
without rerunning the ensembles, and a slow test that the CSV is what the command reproduces.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

#: default ensemble size and seed of the committed docs/levers_returns.csv
MEMBERS = 300
SEED = 20240516
#: metrics of the per-lever returns tables
DOC_METRICS = ("gdp_pv_ratio_8pct", "gdp_pv_ratio_3pct", "impact_multiplier_y1", "national_pv_ratio_8pct",
               "job_years_pv_per_100m", "trade_added_2035_pct", "fiscal_payback_share", "gdp_pv_gain_8pct")
#: ensemble modes: name -> sample the lever mechanisms
MODES = {"all uncertain": True, "as designed": False}
CSV_COLUMNS = ["scenario", "mode", "metric", "unit", "p5", "p50", "p95", "n_valid", "n_members", "seed"]


def _root() -> Path:
    return Path(__file__).resolve().parents[2]


def scenario_names() -> list[str]:
    from ..levers import LEVERS

    return [*LEVERS, "full_package"]


def compute(n: int = MEMBERS, seed: int = SEED, *, progress=None):
    """Run the ensembles and central runs behind docs/levers.md.

    Returns
    -------
    DataFrame
        Columns :data:`CSV_COLUMNS`; ``mode`` is ``all uncertain``, ``as designed``, ``central``
        (every parameter at its value: ``p5 = p50 = p95``) or ``channel off`` (central, with the
        lever's own channel switched off).
    """
    import pandas as pd

    from ..analysis.returns import member_returns
    from ..engine import simulate
    from ..ensemble.appraisal import paired_returns, return_bands
    from ..levers.mechanisms import CHANNEL_OFF
    from ..scenarios import prepare

    scen = _root() / "scenarios"
    base = prepare(scen / "baseline.toml")
    alts = {name: prepare(scen / f"{name}.toml") for name in scenario_names()}
    frames = []
    for mode, mech in MODES.items():
        pr = paired_returns(base, alts, n, seed, lever_mechanisms=mech, progress=progress)
        b = return_bands(pr, DOC_METRICS)
        b.insert(1, "mode", mode)
        frames.append(b)
    rb = simulate(base.model, settings=base.settings)
    rows = []
    for name, p in alts.items():
        for mode, extra in (("central", {}), ("channel off", CHANNEL_OFF.get(name, {}))):
            if mode == "channel off" and not extra:
                continue
            r = simulate(p.model, params={**p.params, **extra}, settings=p.settings)
            m = member_returns(rb, r)
            for metric in ("gdp_pv_ratio_8pct", "gdp_pv_gain_8pct", "job_years_pv_per_100m"):
                v = float(m[metric].iloc[0])
                rows.append({"scenario": name, "mode": mode, "metric": metric, "unit": m.attrs["units"][metric],
                             "p5": v, "p50": v, "p95": v, "n_valid": 1})
    frames.append(pd.DataFrame(rows))
    out = pd.concat(frames, ignore_index=True)
    out["n_members"], out["seed"] = int(n), int(seed)
    return out[CSV_COLUMNS]


# -- rendering ------------------------------------------------------------------------------------------------

def _one_line(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _num(v) -> str:
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(_num(x) for x in v) + "]"
    v = float(v)
    return f"{v:g}"


def _prior(p) -> str:
    if p.distribution == "fixed":
        return "fixed"
    lo, hi = p.range
    text = f"{p.distribution} [{_num(lo)}, {_num(hi)}]"
    if p.distribution == "triangular" and p.mode is not None and not isinstance(p.mode, tuple):
        text += f", mode {_num(p.mode)}"
    return text


def _get(t, scenario, mode, metric):
    hit = t[(t["scenario"] == scenario) & (t["mode"] == mode) & (t["metric"] == metric)]
    return hit.iloc[0] if len(hit) else None


def _band(row) -> str:
    from ..ensemble.appraisal import format_band

    if row is None or not row["n_valid"] > 0:
        return "n/a"
    return format_band(row["p5"], row["p50"], row["p95"], str(row["unit"]))


def _where(median: float, lo: float, hi: float) -> str:
    if not np.isfinite(median):
        return "undefined"
    return "below" if median < lo else ("above" if median > hi else "inside")


#: levers whose outlay builds physical works (cost overruns, construction escalation)
PHYSICAL = ("port_investment", "digital_infrastructure")


def _param_table(names, ps) -> list[str]:
    out = ["| parameter | value | unit | prior (sampled) | source |", "|---|---|---|---|---|"]
    for name in names:
        p = ps[name]
        where = "" if p.block == "levers" else f" (`params/{p.block}.toml`)"
        out.append(f"| `{name}`{where} | {_num(p.value)} | {_one_line(p.unit)} | {_prior(p)} | {_one_line(p.source)} |")
    return out + [""]


def _shared_section(ps) -> list[str]:
    from ..levers.mechanisms import SHARED_MECHANISM

    return ["## Shared limits", "",
            "Parameters of the limits all programmes compete for (levers block of `docs/model.md`), sampled like the "
            "levers' own mechanisms. The labour market has no lever parameter: it is the core's (`labour_market`).",
            ""] + _param_table(SHARED_MECHANISM, ps)


def _lever_section(lid: str, t, ps) -> list[str]:
    from ..analysis.returns import MULTIPLIER_EVIDENCE_SHORT
    from ..levers import LEVERS
    from ..levers.mechanisms import (
        CHANNEL_OFF,
        GENERIC_RANGE,
        JOBS_EVIDENCE,
        LITERATURE,
        MECHANISM,
        OUTSIDE_RANGE,
        POSITION,
        TRADE_EVIDENCE,
    )

    lv = LEVERS[lid]
    lit = LITERATURE[lid]
    out = [f"## {lv.title} (`{lid}`, brief {lv.brief_section})", "", f"**Mechanism.** {lv.mechanism}", ""]
    vec = ps[f"{lid}_commodity_share"].array()
    sectors = ps[f"{lid}_commodity_share"].coords[0] if ps[f"{lid}_commodity_share"].coords else ()
    parts = [f"{s} {100 * v:.0f}%" for s, v in zip(sectors, vec) if v > 0.005]
    dva = float(ps[f"{lid}_direct_va_share"].value)
    nc = float(ps[f"{lid}_non_commodity_share"].value)
    if dva > 0.005:
        parts.append(f"own staff (value added) {100 * dva:.0f}%")
    if nc > 0.005:
        parts.append(f"transfers, land and fund capital (no demand) {100 * nc:.0f}%")
    fin = "/".join(f"{100 * float(ps[f'{lid}_financing_{k}'].value):.0f}" for k in ("central", "bonds", "reallocation"))
    out += [f"**What a yuan buys** (commodity vector, `params/levers.toml`, fixed accounting): {', '.join(parts)}. "
            f"**Default financing** (policy setting): central / bonds / reallocation = {fin}%.", ""]
    out += _param_table(MECHANISM[lid], ps)
    out += ["What this lever builds is also subject to the shared limits: the cost-overrun prior, construction cost "
            "escalation and administrative capacity (section *Shared limits*)." if lid in PHYSICAL else
            "The administrative limit applies to what this lever builds, and construction cost escalation to any "
            "civil works it buys (section *Shared limits*).", ""]
    cols = list(MODES)
    out += [f"**Returns** (against the baseline; median [5%, 95%] over {int(t['n_members'].iloc[0])} paired runs, seed "
            f"{int(t['seed'].iloc[0])}; *all uncertain*: every uncertain parameter sampled, lever mechanisms included; "
            "*as designed*: lever mechanisms at their central values, only the economy sampled):", "",
            "| metric | " + " | ".join(cols) + " | literature |", "|---|" + "---|" * len(cols) + "---|"]
    lit_cell = {
        "gdp_pv_ratio_8pct": f"{lit.lo:g}-{lit.hi:g} (generic band for spending levers {GENERIC_RANGE[0]:g}-"
                             f"{GENERIC_RANGE[1]:g})",
        "impact_multiplier_y1": MULTIPLIER_EVIDENCE_SHORT,
        "job_years_pv_per_100m": JOBS_EVIDENCE.get(lid, ""),
        "trade_added_2035_pct": TRADE_EVIDENCE.get(lid, "no trade effect evaluated"),
    }
    labels = {
        "gdp_pv_ratio_8pct": "PV of GDP per yuan at 8% [yuan per yuan]",
        "gdp_pv_ratio_3pct": "PV of GDP per yuan at 3%",
        "impact_multiplier_y1": "impact multiplier, first year of spending",
        "national_pv_ratio_8pct": "national view at 8% (less displaced value added and central money's opportunity cost)",
        "job_years_pv_per_100m": "job-years per 100m yuan (PV at 8%)",
        "trade_added_2035_pct": "trade effect in 2035 [% of the baseline's trade]",
        "fiscal_payback_share": "runs with fiscal payback by 2050",
    }
    for metric, label in labels.items():
        cells = [_band(_get(t, lid, m, metric)) for m in cols]
        out.append(f"| {label} | " + " | ".join(cells) + f" | {_one_line(lit_cell.get(metric, ''))} |")
    central = _get(t, lid, "central", "gdp_pv_ratio_8pct")
    off = _get(t, lid, "channel off", "gdp_pv_ratio_8pct")
    med = _get(t, lid, "all uncertain", "gdp_pv_ratio_8pct")
    out.append("")
    if central is not None:
        switched = ", ".join(f"`{k}` = 0" for k in CHANNEL_OFF.get(lid, {}))
        text = f"Central run (every parameter at its value): {central['p50']:.2f} yuan per yuan at 8%"
        if off is not None:
            text += (f"; with the lever's own channel switched off ({switched}) {off['p50']:.2f}: that part is the "
                     "spending itself, its demand through the commodity vector net of what its financing takes away "
                     "from other government demand")
        out += [text + ".", ""]
    if med is not None:
        m = float(med["p50"])
        pos = (f"**Where the model sits.** The median return at 8% ({m:.2f}) is {_where(m, lit.lo, lit.hi)} the range "
               f"the literature supports for this lever ({lit.lo:g}-{lit.hi:g}: {lit.basis}) and "
               f"{_where(m, *GENERIC_RANGE)} the generic band for spending levers ({GENERIC_RANGE[0]:g}-"
               f"{GENERIC_RANGE[1]:g}).")
        if lid in POSITION:
            pos += " " + POSITION[lid]
        if lid in OUTSIDE_RANGE:
            o = OUTSIDE_RANGE[lid]
            pos += f" **Outside the band ({o.side}):** {o.reason}"
        out += [pos, ""]
    return out


HEADER = """# Policy levers: mechanisms, evidence and returns

Generated by `python scripts/gen_levers_doc.py` from `params/*.toml`, the lever registry
(`simulator/levers/`) and paired ensembles against `scenarios/baseline.toml` (numbers in
`docs/levers_returns.csv`; do not edit by hand). The model's equations are in `docs/model.md`
(block `levers` and the blocks it feeds); the issue behind this page is issue 16.

## How to read this page

- **One expenditure, one asset.** Each yuan of a lever buys the commodities of its own vector (what
  it buys enters demand through the Heilongjiang input-output table) and builds one thing: crossing
  capacity or feeder roads, digital capital, knowledge, an institutional stock, or nothing when it is a
  transfer to firms, whose induced investment is counted where it happens.
- **Mechanism parameters are uncertain.** Every parameter in the tables below has a sourced prior
  with a range that includes zero where the effect is uncertain in sign or existence. Tags in the
  sources say how a number was read: [A] abstract or summary, [N] news or official release, [D]
  derived from cited numbers, [T] thin (no evaluation found: a stated assumption with a wide range),
  [M] from memory. No source justifies a value by what the model produces with it (a test checks
  the wording). `regsim uncertainty`, `regsim sensitivity`, `regsim compare --uncertainty N` and
  `regsim report --uncertainty N` sample them unless `--policy-as-designed` is given.
- **Policy settings are fixed**: budgets, timing, financing shares and target shares are the
  planner's choice; the commodity vectors are fixed accounting (`scripts/io/io_lever_vectors.py`).
- **Returns** are those of `simulator/analysis/returns.py`: present value of real GDP gained over
  present value of real spending, discounted at 8% (NDRC's social discount rate) from the first
  spending year over the spending years plus 15 years; the national view also subtracts value added
  relocated from other provinces and the GDP the additional central transfer would have produced
  elsewhere (multiplier 1). Each is shown as median and 90% band, beside what the literature supports.
- **Shared limits.** Programmes compete for the same workers (the labour market binds: employment
  cannot exceed the labour force less frictional unemployment, vacancies raise the wage), for
  construction capacity (the unit cost of lever civil works rises once public investment passes a
  threshold share of GDP, Gurara et al. 2021) and for administrative capacity (implementation quality
  falls once lever spending passes a share of the provincial budget); physical works carry a
  cost-overrun prior (Ansar et al. 2016: +30.6% on average for Chinese road and rail projects).

## What shapes every lever's return

Three features of the economic core and the fiscal block, not of the levers, set the floor under
all the returns below. (1) The spending itself adds little GDP: Heilongjiang's labour market is at
its frictional floor from the mid-2020s in the baseline, so extra demand mostly raises wages and
draws in purchases from other provinces rather than employment. (2) The money is not free: shares
financed by reallocation cut other government demand one for one, and the province's debt is above
the warning line in the baseline, so bond-financed spending triggers fiscal consolidation that cuts
other spending within a few years; government demand has more local value added per yuan than
construction or equipment. (3) Local value added per yuan of a lever's purchases is 0.3-0.9
(input-output table; equipment is largely bought from other provinces). The impact multipliers are
therefore below the 0.6-1.0 of county evidence (Guo, Liu & Ma 2016), which comes from counties with
slack; what a lever *builds* decides whether its return is above the spending's own.
"""


def _package_section(t) -> list[str]:
    from ..levers import LEVERS

    full = _get(t, "full_package", "central", "gdp_pv_gain_8pct")
    parts = [_get(t, lid, "central", "gdp_pv_gain_8pct") for lid in LEVERS]
    out = ["## The full package", ""]
    band = _band(_get(t, "full_package", "all uncertain", "gdp_pv_ratio_8pct"))
    des = _band(_get(t, "full_package", "as designed", "gdp_pv_ratio_8pct"))
    out.append(f"All eight levers at their single-lever budgets together (`scenarios/full_package.toml`): PV of GDP per "
               f"yuan at 8% {band} (all uncertain), {des} (as designed).")
    if full is not None and all(p is not None for p in parts):
        s = sum(float(p["p50"]) for p in parts)
        out[-1] += (f" In the central run the package's PV of GDP gained is {float(full['p50']):,.0f} (100m yuan, 8%), "
                   f"against {s:,.0f} for the eight levers run one at a time: the package is "
                   f"{abs(100 * (float(full['p50']) / s - 1)):.1f}% "
                   f"{'below' if float(full['p50']) < s else 'above'} the sum of its parts, because the programmes "
                   "share the labour market, the administrative capacity and, where public investment passes the "
                   "threshold, construction capacity (tests/test_lever_returns.py checks it with scarce labour).")
    return out + [""]


def render(table, params=None) -> str:
    """The markdown page from the returns table (:func:`compute` or the committed CSV) and the parameters."""
    from ..levers import LEVERS
    from ..levers.mechanisms import GENERIC_RANGE, LITERATURE
    from ..model import default_parameters

    ps = params or default_parameters()
    t = table
    out = [HEADER, "## Summary", "",
           f"PV of GDP per yuan at 8%, median [5%, 95%] over {int(t['n_members'].iloc[0])} paired runs "
           "(all uncertain), beside the literature:", "",
           "| lever | PV of GDP per yuan at 8% | job-years per 100m yuan | trade effect 2035 | fiscal payback by 2050 "
           "| literature (PV at 8%) | model median vs literature |",
           "|---|---|---|---|---|---|---|"]
    for lid in LEVERS:
        lit = LITERATURE[lid]
        med = _get(t, lid, "all uncertain", "gdp_pv_ratio_8pct")
        m = float(med["p50"]) if med is not None else float("nan")
        cells = [_band(_get(t, lid, "all uncertain", k)) for k in
                 ("gdp_pv_ratio_8pct", "job_years_pv_per_100m", "trade_added_2035_pct", "fiscal_payback_share")]
        out.append(f"| {LEVERS[lid].title} | " + " | ".join(cells) + f" | {lit.lo:g}-{lit.hi:g} | "
                   f"{_where(m, lit.lo, lit.hi)} (generic {GENERIC_RANGE[0]:g}-{GENERIC_RANGE[1]:g}: "
                   f"{_where(m, *GENERIC_RANGE)}) |")
    out.append("")
    out += _shared_section(ps)
    out += _package_section(t)
    for lid in LEVERS:
        out += _lever_section(lid, t, ps)
    return "\n".join(out).rstrip() + "\n"


def read_table(path: Path | None = None):
    import pandas as pd

    return pd.read_csv(path or _root() / "docs" / "levers_returns.csv")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write docs/levers.md (and docs/levers_returns.csv).")
    ap.add_argument("--members", type=int, default=MEMBERS, help=f"ensemble size (default {MEMBERS})")
    ap.add_argument("--seed", type=int, default=SEED, help=f"seed (default {SEED})")
    ap.add_argument("--from-csv", action="store_true", help="render from the committed docs/levers_returns.csv")
    ap.add_argument("--csv", type=Path, default=_root() / "docs" / "levers_returns.csv")
    ap.add_argument("-o", "--output", type=Path, default=_root() / "docs" / "levers.md")
    a = ap.parse_args(argv)
    if a.from_csv:
        t = read_table(a.csv)
    else:
        t = compute(a.members, a.seed)
        t.to_csv(a.csv, index=False, float_format="%.6g")
        t = read_table(a.csv)  # render from the file exactly as committed
    a.output.write_text(render(t), encoding="utf-8")
    print(f"wrote {a.output}" + ("" if a.from_csv else f" and {a.csv}"), file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
