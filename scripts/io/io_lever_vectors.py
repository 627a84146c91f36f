"""Commodity vectors for final-demand categories and lever spending types, with their HLJ content.

Each vector splits one yuan of spending into
  - purchases of the nine model commodities (shares c_j; leakage to other provinces/abroad is
    applied later through the regional purchase coefficients, not here),
  - direct_value_added: wages and other value added paid by the spending unit itself
    (researchers' salaries, FTZ staff), local by construction,
  - non_commodity: transfers and asset purchases that create no direct demand for current
    output (land acquisition and resettlement, construction-period interest, interest
    subsidies, fund capital, subsidies paid to firms).
Shares sum to 1. Components are built from sourced recipes (RECIPES below: every component
names its source, or says `assumption:` and why).

Inputs: data/io/hlj_io_2007_42sectors.csv, io/mapping_42_to_9.csv,
        io/hlj_io_2007_9sector_regional.csv (run scripts/io_aggregate.py first).
Outputs: io/commodity_vectors.csv (one row per vector) and io/commodity_vector_components.csv
        (one row per recipe component with its source).
Run: python scripts/io/io_lever_vectors.py
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parents[2] / "data"  # the repository's data/ (tables in data/io/)
SRC42 = HERE / "io" / "hlj_io_2007_42sectors.csv"
SECTORS = ("agri_food", "energy_petrochem", "mining_materials", "equipment_mfg", "construction",
           "logistics_trade", "finance_services", "tourism_consumer", "digital_economy")
IO_SRC = "HLJ 2007 IO table (data/io/hlj_io_2007_42sectors.csv) via io/mapping_42_to_9.csv"


def mapping():
    m = pd.read_csv(HERE / "io" / "mapping_42_to_9.csv")
    S = np.zeros((42, 9))
    for _, r in m.iterrows():
        S[int(r.code) - 1, SECTORS.index(r.model_sector)] += float(r.share)
    return S


def io_column(code: int):
    """Input structure of one HLJ 42-sector column: 9-commodity shares of its intermediate inputs,
    intermediate/output, compensation/output, other VA/output."""
    d = pd.read_csv(SRC42).set_index("code")
    col = d.loc[1:42, f"s{code}"].to_numpy(float)
    x = float(d.loc[49, f"s{code}"])
    comp = float(d.loc[44, f"s{code}"])
    other = float(d.loc[45:47, f"s{code}"].sum())
    return mapping().T @ col / col.sum(), col.sum() / x, comp / x, other / x


def fd_column(name: str):
    t = pd.read_csv(HERE / "io" / "hlj_io_2007_9sector_table.csv", index_col=0)
    v = t.loc[list(SECTORS), name].to_numpy(float)
    return v / v.sum()


def unit(sector: str):
    v = np.zeros(9)
    v[SECTORS.index(sector)] = 1.0
    return v


def recipes():
    """(vector, component, weight, commodity split or 'direct_value_added'/'non_commodity', source)."""
    R = []
    # ---- final-demand categories straight from the IO columns ----
    for name, col in [("household_consumption", "household_consumption_total"),
                      ("government_consumption", "government_consumption"),
                      ("gfcf", "gross_fixed_capital_formation")]:
        R.append((name, f"HLJ IO column {col}", 1.0, fd_column(col),
                  f"{IO_SRC}: commodity composition of the {col} column (producer prices; trade and transport margins appear as logistics_trade)"))
    # ---- port / transport infrastructure ----
    fai = "Guangzhou Statistical Yearbook table 4-13 'Composition of Total Investment in Fixed Assets' 2015: construction 56.67%, installation 8.01%, equipment 15.35%, other 19.97% (http://tjj.gz.gov.cn/attachment/6/6996/6996103/7875741.zip)"
    gfcf = fd_column("gross_fixed_capital_formation")
    margin = gfcf[SECTORS.index("logistics_trade")] / gfcf[SECTORS.index("equipment_mfg")]
    R += [
        ("port_infrastructure", "construction and installation works", 0.5667 + 0.0801, unit("construction"), fai + " (56.67 + 8.01)"),
        ("port_infrastructure", "equipment (cranes, inspection, handling)", 0.1535 / (1 + margin), 0.85 * unit("equipment_mfg") + 0.15 * unit("digital_economy"),
         fai + "; assumption: 15% of equipment is IT/inspection electronics (smart-port, customs scanners); equipment net of trade margins"),
        ("port_infrastructure", "trade and transport margins on equipment", 0.1535 * margin / (1 + margin), unit("logistics_trade"),
         f"{IO_SRC}: margin ratio logistics/equipment in the GFCF column = {margin:.3f}"),
        ("port_infrastructure", "design, supervision, surveying (other costs, services part)", 0.06, unit("finance_services"),
         "assumption: about 0.3 of 'other costs' (19.97%) are engineering services (design, supervision, testing: codes 36/34 = finance_services); the rest is land and interest"),
        ("port_infrastructure", "land acquisition, resettlement, construction-period interest", 0.1997 - 0.06, "non_commodity",
         "assumption: remainder of 'other costs' (19.97% - 6%): transfers for land use rights and resettlement and financing costs, not purchases of current output (excluded from GFCF in IO tables)"),
    ]
    # ---- digital infrastructure (fibre, 5G, data centres) ----
    R += [
        ("digital_infrastructure", "ICT equipment (base-station main equipment, servers, optical and network gear)", 0.55, unit("digital_economy"),
         "sourced ranges: 5G tower-site build cost ~70% equipment, ~20% construction (mifoxo.com explainer, low confidence); data-centre cost 69% IT equipment (fxbaogao.com/detail/3029786 industry report, low confidence); assumption: 0.55 for a mixed fibre/5G/data-centre programme because fibre roll-out is mostly civil works"),
        ("digital_infrastructure", "power, cooling, electrical, cables", 0.12, unit("equipment_mfg"),
         "assumption: power supply, UPS, cooling and cables (optical cable is in IO code 18, electrical machinery) of base stations and data centres"),
        ("digital_infrastructure", "civil works, towers, trenching, buildings", 0.25, unit("construction"),
         "sourced: ~20% construction for 5G sites (same low-confidence source); assumption: 0.25 with fibre trenching and machine-room buildings"),
        ("digital_infrastructure", "trade and transport margins", 0.02, unit("logistics_trade"), "assumption: margins on equipment (GFCF column margin ratio applied to ~0.15 of non-ICT equipment)"),
        ("digital_infrastructure", "design, planning, system integration services", 0.04, unit("finance_services"), "assumption: engineering services"),
        ("digital_infrastructure", "land and site rights", 0.02, "non_commodity", "assumption: site acquisition/rents capitalised"),
    ]
    # ---- R&D / innovation spending ----
    rd = "NBS China Statistical Yearbook 2011 table 20-77 'R&D Expenditure by Use (2009)' (https://www.stats.gov.cn/sj/ndsj/2011/html/U2077e.htm): total 58,021,068; routine 48,687,893 of which labour 14,314,605; assets 9,333,177 of which equipment 7,483,827 (10k yuan)"
    c35, ii35, comp35, oth35 = io_column(35)
    routine_other = (48687893 - 14314605) / 58021068
    R += [
        ("rd_innovation", "R&D personnel labour cost", 14314605 / 58021068, "direct_value_added", rd + f" (labour 24.7 percent; HLJ IO code 35 compensation/output = {comp35:.3f} agrees)"),
        ("rd_innovation", "other routine expenses: purchases", routine_other * ii35 / (ii35 + oth35), c35,
         rd + f"; split by the intermediate-input structure of HLJ IO code 35 (R&D), purchases = II/(II + non-wage VA) = {ii35 / (ii35 + oth35):.3f} of routine non-labour spending"),
        ("rd_innovation", "other routine expenses: overhead value added of the institution", routine_other * oth35 / (ii35 + oth35), "direct_value_added",
         f"{IO_SRC}: non-wage value added (depreciation, taxes, surplus) of code 35 = {oth35:.3f} of output"),
        ("rd_innovation", "equipment purchases", 7483827 / 58021068, 0.6 * unit("equipment_mfg") + 0.4 * unit("digital_economy"),
         rd + "; assumption: 60% instruments/machinery, 40% computers and electronics"),
        ("rd_innovation", "other asset spending (buildings)", (9333177 - 7483827) / 58021068, unit("construction"), rd),
    ]
    # ---- FTZ administration ----
    c42, ii42, comp42, oth42 = io_column(42)
    R += [
        ("ftz_administration", "staff compensation", comp42, "direct_value_added", f"{IO_SRC}: code 42 public administration, compensation/output = {comp42:.3f}"),
        ("ftz_administration", "depreciation and other value added", oth42, "direct_value_added", f"{IO_SRC}: code 42 non-wage value added/output = {oth42:.3f}"),
        ("ftz_administration", "purchases of goods and services", ii42, c42, f"{IO_SRC}: code 42 intermediate inputs/output = {ii42:.3f}, split by its commodity structure"),
    ]
    # ---- industrial subsidies / incentives ----
    R += [
        ("industrial_subsidy", "cash subsidy, tax rebate or land-price discount to firms", 1.0, "non_commodity",
         "assumption: a subsidy is a transfer to firms, not a purchase; whatever demand it causes comes from what recipients do with it (investment, wages, profits), which the model must route through its own investment and income blocks (see proposals/io.toml subsidy_spent_on_investment_share)"),
    ]
    # ---- producer-services programmes ----
    c34, *_ = io_column(34)
    R += [
        ("producer_services_programme", "purchased business, technical and consulting services", 0.55, unit("finance_services"),
         "assumption: programmes of this type (service vouchers, platform subsidies, design/testing centres) buy business and technical services (IO codes 34-36)"),
        ("producer_services_programme", "IT services and platforms", 0.20, unit("digital_economy"), "assumption: digital platforms, software services (IO code 29)"),
        ("producer_services_programme", "logistics services and platforms", 0.15, unit("logistics_trade"), "assumption: logistics platforms and services (IO code 27)"),
        ("producer_services_programme", "training", 0.05, unit("tourism_consumer"), "assumption: vocational training (IO code 39 education)"),
        ("producer_services_programme", "programme staff", 0.05, "direct_value_added", "assumption: administration of the programme"),
    ]
    # ---- finance-cluster programmes ----
    R += [
        ("finance_cluster_programme", "guidance-fund capital, interest subsidies, risk compensation", 0.60, "non_commodity",
         "assumption: the bulk of finance-cluster budgets in Chinese provinces is capital for government guidance funds, interest and guarantee subsidies and risk-compensation pools: financial transfers/assets, no direct demand"),
        ("finance_cluster_programme", "finance-district buildings and fit-out", 0.20, unit("construction"), "assumption: office buildings of a finance district"),
        ("finance_cluster_programme", "business and financial services bought", 0.10, unit("finance_services"), "assumption: consulting, listing services, events"),
        ("finance_cluster_programme", "fintech systems", 0.05, unit("digital_economy"), "assumption"),
        ("finance_cluster_programme", "talent subsidies to staff", 0.05, "direct_value_added", "assumption: cash to households (local income)"),
    ]
    return R


def main() -> None:
    reg = pd.read_csv(HERE / "io" / "hlj_io_2007_9sector_regional.csv", index_col=0).reindex(SECTORS)
    comps, vecs = [], {}
    for name, comp, w, split, src in recipes():
        row = dict(vector=name, component=comp, weight=round(w, 6), source=src)
        v = vecs.setdefault(name, {**{s: 0.0 for s in SECTORS}, "direct_value_added": 0.0, "non_commodity": 0.0})
        if isinstance(split, str):
            v[split] += w
            row["allocated_to"] = split
        else:
            split = np.asarray(split, float)
            for s, x in zip(SECTORS, split):
                v[s] += w * x
            row["allocated_to"] = "; ".join(f"{s} {x:.3f}" for s, x in zip(SECTORS, split) if x > 0.0005)
        comps.append(row)
    out = pd.DataFrame(vecs).T
    out.index.name = "vector"
    out["sum"] = out.sum(axis=1)
    assert np.allclose(out["sum"], 1.0, atol=1e-6), out["sum"]
    for k in ("upper", "central", "low"):
        lv = reg[f"local_va_per_yuan_spent_{k}"].to_numpy()
        out[f"hlj_va_per_yuan_{k}"] = out[list(SECTORS)].to_numpy() @ lv + out["direct_value_added"]
    out.round(4).to_csv(HERE / "io" / "commodity_vectors.csv")
    pd.DataFrame(comps)[["vector", "component", "weight", "allocated_to", "source"]].to_csv(HERE / "io" / "commodity_vector_components.csv", index=False)
    pd.set_option("display.width", 250)
    print(out.round(3).to_string())


if __name__ == "__main__":
    main()
