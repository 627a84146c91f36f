"""Write the analyst notebooks (01_quickstart, 02_policy_mix, 03_uncertainty) with outputs cleared.

Run from anywhere: ``python notebooks/make_notebooks.py``. The notebooks are
generated, not edited by hand, so that they stay reproducible and reviewable;
change this script and rerun it. ``tests/test_notebooks.py`` executes them.

Notebooks only call the package (no model equations in cells) and find the
repository from their working directory (no absolute paths).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = '''\
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

# the repository root: the first parent of the working directory that has scenarios/ (no absolute paths)
ROOT = Path(os.path.relpath(next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "scenarios").is_dir())))
SCEN = ROOT / "scenarios"
pd.set_option("display.precision", 2)
pd.set_option("display.width", 140)'''


def nb(name, cells):
    for i, c in enumerate(cells):
        c.id = f"{name.split('_')[0]}-{i:02d}"  # stable ids: regenerating gives the same files
    book = new_notebook(cells=cells)
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    book.metadata["language_info"] = {"name": "python"}
    return book


def md(text):
    return new_markdown_cell(text.strip("\n"))


def code(text):
    return new_code_cell(text.strip("\n"))


# ---------------------------------------------------------------------------------------------------
QUICKSTART = [
    md("""
# 01 · Quickstart: run a scenario, compare it with the baseline, plot and read provenance

This notebook loads the **baseline** and one **lever scenario** (border ports and corridors), runs both
through the public Python API, compares them, plots the headline trajectories and reads the metadata that
travels with every result. Everything is computed by the `simulator` package; the cells only call it.
"""),
    code(SETUP),
    md("""
## Load and run

`prepare(path)` validates a scenario file against the parameter files and returns the model with the
scenario applied, its time settings and its provenance. `simulate` is pure: the same inputs give the same
`Results`, and the inputs are never modified.
"""),
    code('''
from simulator import simulate
from simulator.scenarios import prepare

base_prep = prepare(SCEN / "baseline.toml")
port_prep = prepare(SCEN / "port_investment.toml")
base = simulate(base_prep.model, settings=base_prep.settings, metadata=base_prep.metadata)
port = simulate(port_prep.model, settings=port_prep.settings, metadata=port_prep.metadata)
print(port_prep.scenario.description.strip())
print(f"{len(port.variables)} variables, {port.times[0]:.0f}-{port.times[-1]:.0f}, {port.n_runs} run")'''),
    md("""
## Tidy data

`Results.to_dataframe()` gives the long (tidy) frame, `to_wide()` a year × variable frame, and
`simulator.analysis.frames` stacks several scenarios into one frame.
"""),
    code('''
from simulator.analysis.frames import key_year_table, long_frame

long = long_frame({"baseline": base, "port_investment": port}, ["gdp_real", "employment_total", "exports_by_partner"])
long.head()'''),
    code('''
port.to_wide(["gdp_real", "trade_total", "population"]).loc[[2018, 2025, 2030, 2035, 2050]]'''),
    md("""
## Compare with the baseline

`compare` returns a long DataFrame of differences at key years; `returns_table` the appraisal metrics, one
row per metric with its unit (present value of GDP gained over present value of spending at 8%, 6% and 3%,
impact multipliers beside the Chinese evidence, GDP and fiscal payback, the national view, job-years per
100m yuan; `summary_metrics` gives the same as one row per scenario). Metrics the model cannot give yet are
NaN, with the reason in `.attrs["unavailable"]`.
"""),
    code('''
from simulator.analysis import compare, returns_table

diff = compare(base, {"port_investment": port}, variables=["gdp_real", "trade_total", "exports", "employment_total"])
diff.pivot_table(index="variable", columns="year", values="diff")'''),
    code('''
key_year_table(port, base, ["gdp_real", "trade_total", "employment_total", "population"], years=[2030, 2035, 2050])'''),
    code('''
rt = returns_table(base, {"port_investment": port})
for why in dict.fromkeys(rt.attrs["unavailable"].values()):  # grouped by reason
    print("unavailable:", ", ".join(n for n, w in rt.attrs["unavailable"].items() if w == why))
    print("   ", why)
rt[["unit", "port_investment"]]'''),
    md("""
## Headline trajectories

The plotting helpers take results, return matplotlib `Axes` and accept `ax=`, so they compose into any
figure layout.
"""),
    code('''
from simulator.plotting.charts import (plot_element_change, plot_employment_by_sector, plot_scenarios,
                                       plot_trade_by_partner)

fig, axes = plt.subplots(2, 2, figsize=(12, 7.5), layout="constrained")
pair = {"port_investment": port, "baseline": base}
styles = {"baseline": {"color": "0.4", "ls": "--"}}
plot_scenarios(pair, "gdp_real", ax=axes[0, 0], styles=styles)
plot_scenarios(pair, "population", ax=axes[0, 1], styles=styles)
plot_trade_by_partner(port, ax=axes[1, 0])
plot_element_change(port, base, "trade_by_partner", years=(2030, 2035, 2050), ax=axes[1, 1]);'''),
    code('''
from simulator.analysis.frames import element_frame

d = compare(base, {"port": port}, variables=["gdp_real", "population"], years=[2025, 2030, 2035, 2050])
d = d.set_index(["variable", "year"])["pct"]
extra = element_frame(port, "exports_by_partner", base=base) + element_frame(port, "imports_by_partner", base=base)
print("GDP vs baseline: " + ", ".join(f"{y}: {d['gdp_real', y]:+.2f}%" for y in (2025, 2030, 2035, 2050)))
for y in (2035, 2050):
    print(f"extra trade in {y}: {extra.loc[y].sum():,.0f} (100m yuan/yr), by partner: "
          + ", ".join(f"{k} {v / extra.loc[y].sum():.0%}" for k, v in extra.loc[y].items()))
print(f"population in 2050: {d['population', 2050]:+.2f}% vs the baseline")'''),
    md("""
*Reading the figure.* Port spending first works only as construction demand, so the GDP gap stays small
while capacity is being built: new crossings add capacity after the construction delay. The gap then widens
as congestion at the crossings with Russia, the region's dominant and capacity-constrained trade partner,
is relieved; the partner split of the extra trade (printed above) shows where the new capacity is used
first, and how the gain spreads to other partners later as trade costs fall for all routes. Population
responds only through migration, slowly and weakly: its path is set by demographics and the income gap
with the rest of China, which one lever narrows only a little.
"""),
    code('''
fig, axes = plt.subplots(1, 2, figsize=(13, 4.6), layout="constrained")
plot_employment_by_sector(port, ax=axes[0])
plot_element_change(port, base, "employment", years=(2030, 2035, 2050), ax=axes[1]);'''),
    code('''
jobs = element_frame(port, "employment", base=base)
print(f"jobs added in 2035: {jobs.loc[2035].sum():,.1f} (10k persons) on a total of "
      f"{port.at('employment_total', 2035):,.0f}; largest gains: "
      + ", ".join(f"{k} {v:+.2f}" for k, v in jobs.loc[2035].nlargest(3).items()))'''),
    md("""
*Reading the figure.* The stacked areas show the sector structure, which the lever hardly changes: the
employment path is driven by the shrinking working-age population, and agriculture and food stays a
leading employer. The job effects on the right are tiny next to the total (printed above): a border-port
programme changes *where* people work more than *how many* work. Jobs appear where the money is spent
during construction and in the sectors whose sales rise with cheaper trade and higher incomes (the largest
gains are printed above).
"""),
    md("""
## Provenance

Every result carries its scenario, files, parameter hash, seed and version, and the units of each
variable, so a number can always be traced back to its inputs.
"""),
    code('''
{k: v for k, v in port.metadata.items() if k != "scenario_contents"}'''),
    code('''
{v: port.units[v] for v in ["gdp_real", "trade_total", "employment_total", "unemployment_rate", "lever_spending"]}'''),
]

# ---------------------------------------------------------------------------------------------------
POLICY_MIX = [
    md("""
# 02 · Policy mix: how to split one budget across the four core levers

A fixed annual budget is split across the four core levers of the design card (border ports, digital
infrastructure, taking over relocating industries, finance clustering) on a grid of shares. Every mix is
**one member of a single vectorised ensemble**: the budgets are passed to `simulate` as arrays, one value
per member, so the whole grid runs in one call (no Python loop over runs).
"""),
    code(SETUP),
    code('''
from simulator import simulate
from simulator.analysis.frames import member_metrics
from simulator.analysis.returns import REQUIRED_VARIABLES
from simulator.levers import LEVERS
from simulator.scenarios import prepare

CORE = [lid for lid, lever in LEVERS.items() if lever.core]
TOTAL = 200.0   # 100m yuan/yr: 20 bn yuan a year at full ramp
STEP = 0.2      # shares in steps of 20%
CORE'''),
    md("""
## The grid of splits

All splits of the budget into the four levers with shares that are multiples of 20% (56 mixes, from
"everything on one lever" to even splits).
"""),
    code('''
k = round(1 / STEP)
shares = np.array([(a, b, c, k - a - b - c) for a in range(k + 1) for b in range(k + 1 - a)
                   for c in range(k + 1 - a - b)], dtype=float) / k
grid = pd.DataFrame(shares, columns=CORE)
budgets = {f"{lid}_budget": TOTAL * grid[lid].to_numpy() for lid in CORE}
print(f"{len(grid)} mixes")
grid.head()'''),
    md("""
## One vectorised run

The baseline scenario's model, with the four `<lever>_budget` constants given as arrays of length N: member
*i* is mix *i*. Start, end and ramp keep the defaults of `params/levers.toml` (2025 to 2035, two-year
ramp-up).
"""),
    code('''
import time

prep = prepare(SCEN / "baseline.toml")
base = simulate(prep.model, settings=prep.settings)
keep = ["gdp_real", "employment_total", "trade_total", "lever_spending", "population"]
keep += [v for v in REQUIRED_VARIABLES if v in prep.model and v not in keep]  # what the appraisal metrics read
t0 = time.perf_counter()
mixes = simulate(prep.model, budgets, prep.settings, save=keep)
print(f"{mixes.n_runs} members in {time.perf_counter() - t0:.2f} s; gdp_real array {mixes['gdp_real'].shape}")'''),
    md("""
## Jobs and GDP per 100m yuan

`member_metrics` computes, for every member at once, the same appraisal metrics as `summary_metrics`
(`simulator.analysis.returns`, units in `m.attrs["units"]`). Every mix spends the same budget on the same
schedule, so ranking the mixes by the real GDP and the job-years they add over 2018-2050 ranks them by GDP
and jobs per yuan too. The present-value ratios (`gdp_pv_ratio_8pct`: PV of GDP gained over PV of spending
at 8%) need the model's exact spending integral; a metric the model cannot give yet is NaN and
`m.attrs["unavailable"]` says why.
"""),
    code('''
m = member_metrics(base, mixes, samples=grid)
GDP, JOBS = "gdp_gain_total", "job_years_total"
cols = CORE + [GDP, JOBS, "jobs_added_2035", "trade_added_2035", "gdp_pv_ratio_8pct", "job_years_pv_per_100m"]
for c in cols[len(CORE):]:
    print(f"{c}: {m.attrs['units'][c]}" + (f" -- unavailable: {m.attrs['unavailable'][c]}" if c in m.attrs["unavailable"]
                                           else ""))
m[cols].sort_values(GDP, ascending=False).head(8)'''),
    code('''
m[cols].sort_values(JOBS, ascending=False).head(8)'''),
    md("""
## The trade-off

Each point is one split. The dashed line is the Pareto frontier: the splits that no other split beats on
both GDP and jobs added (for the same budget).
"""),
    code('''
from simulator.plotting.charts import pareto_front, plot_tradeoff

fig, axes = plt.subplots(1, 2, figsize=(13, 5), layout="constrained")
best = {"best GDP": int(m[GDP].idxmax()), "best jobs": int(m[JOBS].idxmax()),
        "even split": int(((grid - 0.25).abs().sum(axis=1)).idxmin())}
plot_tradeoff(m, x=GDP, y=JOBS, color="port_investment", ax=axes[0],
              highlight=best, xlabel="GDP added 2018-2050 [100m yuan, 2018 prices]", ylabel="job-years added 2018-2050",
              clabel="share of ports and corridors")
plot_tradeoff(m, x=GDP, y="trade_added_2035", color="port_investment", ax=axes[1], frontier=False,
              xlabel="GDP added 2018-2050 [100m yuan, 2018 prices]", ylabel="trade added in 2035 [100m yuan/yr]",
              clabel="share of ports and corridors");'''),
    code('''
front = pareto_front(m[GDP].to_numpy(), m[JOBS].to_numpy())
m.loc[front, cols]'''),
    code('''
def mix(i):
    return ", ".join(f"{lid} {grid.loc[i, lid]:.0%}" for lid in CORE if grid.loc[i, lid] > 0)

g, j = best["best GDP"], best["best jobs"]
print(f"best for GDP:  {mix(g)} -> {m.loc[g, GDP]:,.0f} (100m yuan) of GDP added, {m.loc[g, JOBS]:,.0f} job-years")
print(f"best for jobs: {mix(j)} -> {m.loc[j, GDP]:,.0f} (100m yuan) of GDP added, {m.loc[j, JOBS]:,.0f} job-years")
e = best["even split"]
print(f"even split:    {m.loc[e, GDP]:,.0f} (100m yuan) of GDP added, {m.loc[e, JOBS]:,.0f} job-years")
print(f"{len(front)} split(s) on the frontier" + (" -- one split dominates on both counts" if len(front) == 1 else ""))
t = int(m["trade_added_2035"].idxmax())
print(f"most trade added in 2035: {mix(t)} -> {m.loc[t, 'trade_added_2035']:,.0f} (100m yuan/yr); correlation of "
      f"the ports share with trade added: {m['port_investment'].corr(m['trade_added_2035']):+.2f}")'''),
    md("""
*Reading the figure.* If the frontier holds several splits, the levers that add most GDP for the budget are not
the ones that create the most job-years for it, and the choice of split is a choice of objective; if it is
one point (printed above), a single split beats all others on both counts within this grid, and the
question becomes how robust that ranking is. Splits inside the frontier, like the even split, can be
improved on both counts by tilting the budget towards the frontier's levers. Trade (right panel) is a third
objective: the printed correlation shows how much of the extra trade comes with the share of ports and
corridors, whatever the split's GDP return. These are
deterministic runs at the central parameter values; notebook 03 shows how wide the uncertainty is, and
small differences between neighbouring splits should not be over-read.
"""),
    md("""
## Effect of a share: marginal view

Average indicator by share of each lever (averaged over the other levers' shares): a quick reading of which
lever carries the returns.
"""),
    code('''
fig, axes = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
for lid in CORE:
    g = m.groupby(lid)[[GDP, JOBS]].mean()
    axes[0].plot(g.index * 100, g[GDP], marker="o", label=lid)
    axes[1].plot(g.index * 100, g[JOBS], marker="o", label=lid)
axes[0].set(xlabel="share of the budget [%]", ylabel="GDP added 2018-2050 [100m yuan] (mean over mixes)")
axes[1].set(xlabel="share of the budget [%]", ylabel="job-years added 2018-2050 (mean over mixes)")
for ax in axes:
    ax.grid(alpha=0.3)
axes[0].legend(fontsize=8);'''),
    md("""
*Reading the figure.* A rising line means that moving budget towards that lever raises the average return
of the mix. Lines that cross between the two panels are the source of the trade-off above. Returns are
close to linear in the shares here because each lever's effect is small relative to the regional economy;
strongly curved lines would signal saturation (e.g. digital coverage approaching its ceiling, or finance
above the credit/GDP threshold where more credit stops helping).
"""),
]

# ---------------------------------------------------------------------------------------------------
UNCERTAINTY = [
    md("""
# 03 · Uncertainty: fan charts and a Sobol' ranking for the full package

The parameters in `params/*.toml` carry distributions (with their sources). This notebook draws a
Latin-hypercube sample of every uncertain parameter, runs the **full package** and the **baseline** on the
*same* draws (a paired comparison, so the uncertainty they share cancels in the effect), draws fan charts,
and ranks the parameters with Morris screening followed by Sobol' indices.
"""),
    code(SETUP),
    code('''
from simulator.ensemble import paired_comparison, run_ensemble, sample, sensitivity
from simulator.scenarios import prepare

prep = prepare(SCEN / "full_package.toml")
base_prep = prepare(SCEN / "baseline.toml")
ps = prep.parameters
# uncertain parameters: not fixed, not policy settings (levers), not set by the scenario
uncertain = [n for n in ps if ps[n].distribution != "fixed" and ps[n].block != "levers"
             and n in prep.model and n not in prep.params]
N, SEED = 300, 20240501
draws = sample(ps, N, SEED, "lhs", dimensions=prep.model.dimensions, include=uncertain)
print(f"{len(uncertain)} parameters, {draws.shape[1]} sampled columns, {N} members")'''),
    code('''
keep = ["gdp_real", "employment_total", "trade_total", "population"]
ens = run_ensemble(prep.model, draws, prep.params, prep.settings, variables=keep, seed=SEED)
bens = run_ensemble(base_prep.model, draws, base_prep.params, base_prep.settings, variables=keep, seed=SEED)
q = ens.quantiles()
effect = paired_comparison(ens, bens)
print(f"{ens.metadata['elapsed_s']:.1f} s + {bens.metadata['elapsed_s']:.1f} s")'''),
    md("""
## Fan charts

Median and 50% / 90% bands of the scenario's levels (top) and of its effect against the baseline on the
same draws (bottom).
"""),
    code('''
from simulator.plotting.fan import fan_chart

fig, axes = plt.subplots(2, 3, figsize=(15, 7.5), layout="constrained")
for j, v in enumerate(["gdp_real", "employment_total", "trade_total"]):
    fan_chart(q, v, ax=axes[0, j], label="full package")
    axes[0, j].plot(bens.times, np.median(bens.values(v), axis=0), "k--", lw=1, label="baseline median")
    axes[0, j].legend(fontsize=7)
    fan_chart(effect.effect, v, ax=axes[1, j], color="C2", label="effect (median)")
    axes[1, j].axhline(0, color="black", lw=0.6)
    axes[1, j].set_title(f"{v}: full package - baseline")'''),
    code('''
def spread(frame, v, y=2050):
    row = frame[(frame["variable"] == v) & (frame["year"] == y)].set_index("quantile")["value"]
    return row["p5"], row["p50"], row["p95"]

for v in ["gdp_real", "employment_total", "trade_total"]:
    lo, mid, hi = spread(q, v)
    elo, emid, ehi = spread(effect.effect, v)
    print(f"{v} 2050: level {lo:,.0f} .. {hi:,.0f} (median {mid:,.0f}); "
          f"effect {elo:,.0f} .. {ehi:,.0f} (median {emid:,.0f}), 90% band")'''),
    md("""
*Reading the figure.* The level fans widen quickly after 2030: what the region's economy will be in 2050
is far more uncertain than anything the policy package does, because the trends (market-share drift,
productivity, demand) compound over
three decades. The effect fans are much narrower than the level fans, since both runs of a pair share the
same draw and most of that uncertainty cancels. Where the lower edge of an effect band (p5, printed above)
stays above zero, the package helps under nearly all parameter combinations the sources allow, even
though the size of the gain is uncertain; the effect on employment is small next to the demographic
decline.
"""),
    code('''
prob = effect.probability
prob[prob["year"].isin([2030, 2035, 2050])].pivot_table(index="variable", columns="year", values="p_higher")'''),
    md("""
*Reading the table.* `p_higher` is the share of draws in which the package beats the baseline: the
probability, under the declared parameter distributions, that the policy helps. Values near 1 mean the
sign of the effect is robust even where its size is not.
"""),
    md("""
## Which parameters matter? Morris screening, then Sobol' indices

Sobol' indices need many runs per parameter, so the parameters are first screened with Morris elementary
effects (cheap, all parameters), and Sobol' first-order (S1) and total (ST) indices are then estimated for
the parameters that pass the screen. Output: real GDP in 2035 under the full package.
"""),
    code('''
morris = sensitivity(prep.model, ps, "gdp_real@2035", method="morris", n=12, seed=SEED, include=uncertain,
                     base_params=prep.params, settings=prep.settings)
print(f"Morris: {morris.metadata['runs']} runs")
morris.table.head(10)'''),
    code('''
top_columns = morris.table["parameter"].head(8)
top = list(dict.fromkeys(c.split("[")[0] for c in top_columns))
sobol = sensitivity(prep.model, ps, "gdp_real@2035", method="sobol", n=256, seed=SEED, include=top,
                    base_params=prep.params, settings=prep.settings)
print(f"Sobol': {sobol.metadata['runs']} runs over {len(sobol.table)} parameters (arrayed ones as one factor each)")
sobol.table.head(10)'''),
    code('''
from simulator.plotting.fan import sensitivity_chart

fig, axes = plt.subplots(1, 2, figsize=(14, 5), layout="constrained")
sensitivity_chart(morris.table, ax=axes[0], top=12, title="Morris screening: gdp_real@2035")
sensitivity_chart(sobol.table, ax=axes[1], top=12, title="Sobol' indices: gdp_real@2035");'''),
    code('''
st = sobol.table.set_index("parameter")["ST"]
print(f"sum of ST = {st.sum():.2f} (above 1 means interactions)")'''),
    md("""
*Reading the figure.* The ranking printed above is the one to read; at the time of writing, the
parameters that matter most for GDP in 2035 were on the demand side: how fast Heilongjiang keeps losing
market share in the rest of China (`regional_competitiveness_drift`), how strongly cheaper production wins
demand back (`cost_competitiveness_elasticity`) and how much local and rest-of-China spending rise with
income. With spare labour, output in most sectors is limited by demand, so the common productivity
trend ranks low. Where ST is clearly above S1 a parameter acts through interactions (its effect depends
on the others' values). Two consequences for planners: the ranking says where better data would narrow
the fan the most, and since these parameters move the baseline and the package together, they matter
much less for the *effect* of the policy than for its level, as the narrow effect fans above show.
"""),
    code('''
src = pd.DataFrame({"parameter": top, "unit": [ps[n].unit for n in top], "range": [ps[n].range for n in top],
                    "source": [ps[n].source for n in top]})
src.style.set_properties(**{"text-align": "left", "white-space": "pre-wrap"})'''),
]


def main() -> None:
    for name, cells in (("01_quickstart", QUICKSTART), ("02_policy_mix", POLICY_MIX),
                        ("03_uncertainty", UNCERTAINTY)):
        book = nb(name, cells)
        nbformat.validate(book)
        path = HERE / f"{name}.ipynb"
        with open(path, "w", encoding="utf-8") as f:
            nbformat.write(book, f)
        print(path.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
