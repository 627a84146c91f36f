"""Aggregate the Heilongjiang 2007 42-sector input-output table to the model's nine sectors.

Inputs (all read-only):
  data/io/hlj_io_2007_42sectors.csv   HLJ 2007 table (HLJ Statistics Bureau; 10k yuan)
  io/mapping_42_to_9.csv                        42 -> 9 mapping with split shares
  evidence/io_netting_gap_summary_2007.csv      netting gap measured on 23 gross provincial tables
                                                (scripts/io_rpc_evidence.py); optional
Outputs (100m yuan = 亿元, current 2007 prices, old GDP basis):
  io/hlj_io_2007_9sector_table.csv              the aggregated table (flows)
  io/hlj_io_2007_9sector_coefficients.csv       A (commodity x sector), VA ratios by component
  io/hlj_io_2007_9sector_regional.csv           per commodity: absorption, trade, RPC bounds,
                                                Leontief multipliers, local VA per yuan
  io/hlj_io_2007_9sector_bundles.csv            final-demand commodity vectors and their local VA
  io/hlj_io_2007_9sector_checks.txt             row/column identities and residuals
Run: python scripts/io/io_aggregate.py
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parents[2] / "data"  # the repository's data/ (tables in data/io/)
SRC = HERE / "io" / "hlj_io_2007_42sectors.csv"
SECTORS = ("agri_food", "energy_petrochem", "mining_materials", "equipment_mfg", "construction",
           "logistics_trade", "finance_services", "tourism_consumer", "digital_economy")
TO_100M = 1e-4  # 10k yuan -> 100m yuan
FD = ["household_consumption_rural", "household_consumption_urban", "household_consumption_total",
      "government_consumption", "gross_fixed_capital_formation", "inventory_change",
      "exports", "outflows_to_other_provinces", "imports", "inflows_from_other_provinces",
      "final_use_total", "other"]
VA_ROWS = {44: "compensation_of_employees", 45: "net_production_taxes", 46: "depreciation",
           47: "operating_surplus", 48: "value_added"}
SOURCE_TAG = ("HLJ 2007 42-sector IO table (黑龙江省2007年投入产出表, HLJ Statistics Bureau; "
              "data/io/hlj_io_2007_42sectors.csv), aggregated by io/mapping_42_to_9.csv")


def load42():
    d = pd.read_csv(SRC).set_index("code")
    sec = d.loc[1:42]
    Z = sec[[f"s{j}" for j in range(1, 43)]].to_numpy(float)
    F = sec[FD].to_numpy(float)
    x = sec["total_output"].to_numpy(float)
    V = d.loc[44:48, [f"s{j}" for j in range(1, 43)]].to_numpy(float)
    tin = d.loc[49, [f"s{j}" for j in range(1, 43)]].to_numpy(float)
    return d, Z, F, x, V, tin


def mapping_matrix():
    m = pd.read_csv(HERE / "io" / "mapping_42_to_9.csv")
    S = np.zeros((42, 9))
    for _, r in m.iterrows():
        S[int(r.code) - 1, SECTORS.index(r.model_sector)] += float(r.share)
    assert np.allclose(S.sum(axis=1), 1.0), "mapping shares must sum to 1 per 42-sector code"
    return S


def leontief_local_va(A, v, r, f, first_round=True):
    """HLJ value added per yuan of a bundle f (shares) bought in HLJ: v'(I - diag(r)A)^-1 diag(r) f."""
    n = len(v)
    L = np.linalg.inv(np.eye(n) - r[:, None] * A)
    y = r * f if first_round else f
    return float(v @ L @ y), L


def main() -> None:
    d, Z, F, x, V, tin = load42()
    lines = []
    # ---- 42-sector identities (the source) ----
    fd = pd.DataFrame(F, columns=FD)
    row_res42 = x - (Z.sum(1) + fd.final_use_total + fd.other)
    fu_res42 = fd.final_use_total - (fd.household_consumption_total + fd.government_consumption + fd.gross_fixed_capital_formation
                                     + fd.inventory_change + fd.exports + fd.outflows_to_other_provinces - fd.imports - fd.inflows_from_other_provinces)
    col_res42 = tin - (Z.sum(0) + V[-1])
    va_res42 = V[-1] - V[:4].sum(0)
    lines.append(f"42-sector source (10k yuan): max |row residual| {abs(row_res42).max():.2f}, max |final-use residual| {abs(fu_res42).max():.2f}, "
                 f"max |column residual| {abs(col_res42).max():.2f}, max |VA components residual| {abs(va_res42).max():.2f}, max |output - input| {abs(x - tin).max():.2f}")
    lines.append("two-way trade in the source: %d sectors with both inflows and outflows (0 = netted by sector)"
                 % int(((fd.inflows_from_other_provinces > 0) & (fd.outflows_to_other_provinces > 0)).sum()))

    S = mapping_matrix()
    Z9 = S.T @ Z @ S * TO_100M
    F9 = S.T @ F * TO_100M
    x9 = S.T @ x * TO_100M
    V9 = V @ S * TO_100M
    tin9 = tin @ S * TO_100M
    fd9 = pd.DataFrame(F9, columns=FD, index=SECTORS)
    # net outflow per model sector after aggregation (netting *within* a model sector too)
    fd9["net_outflow"] = fd9.outflows_to_other_provinces + fd9.exports - fd9.inflows_from_other_provinces - fd9.imports

    # ---- identities at 9 sectors ----
    row_res = x9 - (Z9.sum(1) + fd9.final_use_total + fd9.other)
    col_res = tin9 - (Z9.sum(0) + V9[-1])
    fu_res = fd9.final_use_total - (fd9.household_consumption_total + fd9.government_consumption + fd9.gross_fixed_capital_formation
                                    + fd9.inventory_change + fd9.net_outflow)
    hh_res = fd9.household_consumption_total - fd9.household_consumption_rural - fd9.household_consumption_urban
    gdp_exp = (fd9.household_consumption_total + fd9.government_consumption + fd9.gross_fixed_capital_formation
               + fd9.inventory_change + fd9.net_outflow).sum()
    lines.append(f"9-sector table (100m yuan): max |row residual x - (Z1 + final use)| = {abs(row_res).max():.2e}; max |column residual "
                 f"x - (1'Z + VA)| = {abs(col_res).max():.2e}; max |final use - (C + G + GFCF + inv + net outflow)| = {abs(fu_res).max():.2e}; "
                 f"max |household rural+urban - total| = {abs(hh_res).max():.2e}")
    lines.append(f"GDP identity: value added {V9[-1].sum():.2f} = expenditure (C+G+GFCF+inv+net outflow) {gdp_exp:.2f}; residual {V9[-1].sum() - gdp_exp:.2e}")
    lines.append(f"totals: total output {x9.sum():.1f}, intermediate {Z9.sum():.1f}, value added {V9[-1].sum():.1f} (source 70707666.4 10k yuan = 7070.8)")

    # ---- table ----
    cols = list(SECTORS) + ["intermediate_use_total", "household_consumption_rural", "household_consumption_urban",
                            "household_consumption_total", "government_consumption", "gross_fixed_capital_formation",
                            "inventory_change", "outflows_to_other_provinces", "inflows_from_other_provinces", "net_outflow",
                            "final_use_total", "total_output"]
    tab = pd.DataFrame(index=list(SECTORS) + ["intermediate_input_total"] + list(VA_ROWS.values()) + ["total_input"], columns=cols, dtype=float)
    tab.loc[list(SECTORS), list(SECTORS)] = Z9
    tab.loc[list(SECTORS), "intermediate_use_total"] = Z9.sum(1)
    for c in cols[10:-1]:
        tab.loc[list(SECTORS), c] = fd9[c].to_numpy()
    tab.loc[list(SECTORS), "total_output"] = x9
    tab.loc["intermediate_input_total", list(SECTORS)] = Z9.sum(0)
    for k, (_code, name) in enumerate(VA_ROWS.items()):
        tab.loc[name, list(SECTORS)] = V9[k]
    tab.loc["total_input", list(SECTORS)] = tin9
    # totals column for input rows
    tab.loc["intermediate_input_total", "intermediate_use_total"] = Z9.sum()
    tab.loc["total_input", "total_output"] = tin9.sum()
    tab.index.name = "row"
    tab.round(2).to_csv(HERE / "io" / "hlj_io_2007_9sector_table.csv")

    # ---- coefficients ----
    A = Z9 / x9[None, :]
    v = V9[-1] / x9
    coef = pd.DataFrame(A, index=SECTORS, columns=SECTORS)
    for k, name in enumerate(VA_ROWS.values()):
        coef.loc[f"ratio_{name}"] = V9[k] / x9
    coef.loc["ratio_intermediate_input_total"] = A.sum(0)
    coef.loc["share_of_va_compensation"] = V9[0] / V9[-1]
    coef.loc["share_of_va_net_taxes"] = V9[1] / V9[-1]
    coef.loc["share_of_va_depreciation"] = V9[2] / V9[-1]
    coef.loc["share_of_va_operating_surplus"] = V9[3] / V9[-1]
    coef.index.name = "row (commodity, or ratio to the column sector's total output)"
    coef.round(6).to_csv(HERE / "io" / "hlj_io_2007_9sector_coefficients.csv")
    lines.append(f"column check: intermediate-input ratio + VA ratio - 1, max |.| = {abs(A.sum(0) + v - 1).max():.2e}")

    # ---- regional content ----
    fd42 = fd
    u42 = Z.sum(1) + fd42.household_consumption_total + fd42.government_consumption + fd42.gross_fixed_capital_formation + fd42.inventory_change
    M42 = (fd42.inflows_from_other_provinces + fd42.imports).to_numpy()
    E42 = (fd42.outflows_to_other_provinces + fd42.exports).to_numpy()
    u9 = S.T @ u42.to_numpy() * TO_100M
    M9 = S.T @ M42 * TO_100M       # sum of 42-sector (net) inflows
    E9 = S.T @ E42 * TO_100M
    Mnet9 = np.maximum(0.0, -fd9.net_outflow.to_numpy())  # after netting inside the model sector
    r_upper = 1 - M9 / u9          # local share of absorption, trade netted only within 42 sectors
    r_net9 = 1 - Mnet9 / u9        # what a 9-sector netting would give (looser bound)
    reg = pd.DataFrame(index=SECTORS)
    reg["absorption_local_use"] = u9
    reg["inflows_42sector_net_sum"] = M9
    reg["outflows_42sector_net_sum"] = E9
    reg["net_outflow_9sector"] = fd9.net_outflow.to_numpy()
    reg["rpc_upper_42netting"] = r_upper
    reg["rpc_9netting"] = r_net9
    ev_path = HERE / "evidence" / "io_netting_gap_summary_2007.csv"
    if ev_path.exists():
        ev = pd.read_csv(ev_path).set_index("sector").reindex(SECTORS)
        reg["netting_gap_median_23prov"] = ev.gap_median.to_numpy()
        reg["netting_gap_p75_23prov"] = ev.gap_p75.to_numpy()
        reg["rpc_central"] = np.clip(r_upper - ev.gap_median.to_numpy(), 0.05, 1)
        reg["rpc_low"] = np.clip(r_upper - ev.gap_p75.to_numpy(), 0.05, 1)
        reg["foreign_import_share_of_use_median_prov"] = ev.leak_foreign_median.to_numpy()
    # multipliers and local VA per yuan under each RPC variant
    L_closed = np.linalg.inv(np.eye(9) - A)
    reg["output_multiplier_no_leakage"] = L_closed.sum(0)
    reg["va_ratio"] = v
    variants = [("upper", r_upper)] + ([("central", reg.rpc_central.to_numpy()), ("low", reg.rpc_low.to_numpy())] if ev_path.exists() else [])
    for name, r in variants:
        Lr = np.linalg.inv(np.eye(9) - r[:, None] * A)
        reg[f"output_multiplier_{name}"] = Lr.sum(0)
        reg[f"local_va_per_yuan_spent_{name}"] = (v @ Lr) * r          # spending in HLJ on commodity j
        reg[f"local_va_per_yuan_of_outflow_{name}"] = v @ Lr           # HLJ output sold outside
    reg.index.name = "commodity"
    out = HERE / "io" / "hlj_io_2007_9sector_regional.csv"
    if out.exists():  # keep the evidence columns (rpc_central, rpc_low, ...) computed from the 23 gross
        old = pd.read_csv(out, index_col=0)  # provincial tables, which are not in the repository
        for col in old.columns.difference(reg.columns):
            reg[col] = old[col]
    reg.round(4).to_csv(out)

    # ---- final-demand bundles ----
    bundles = pd.DataFrame(index=SECTORS)
    for c, lab in [("household_consumption_total", "household"), ("household_consumption_rural", "household_rural"),
                   ("household_consumption_urban", "household_urban"), ("government_consumption", "government"),
                   ("gross_fixed_capital_formation", "gfcf"), ("outflows_to_other_provinces", "outflows")]:
        col = fd9[c].to_numpy()
        bundles[lab] = col / col.sum()
    bundles.index.name = "commodity"
    summ = {}
    for lab in bundles.columns:
        f = bundles[lab].to_numpy()
        for name, r in variants:
            first = lab != "outflows"
            summ[(lab, name)] = leontief_local_va(A, v, r, f, first_round=first)[0]
    bt = bundles.copy()
    for (lab, name), val in summ.items():
        bt.loc[f"local_va_per_yuan_{name}", lab] = val
    bt.round(4).to_csv(HERE / "io" / "hlj_io_2007_9sector_bundles.csv")

    # ---- 42-sector reference for the same quantities (aggregation bias) ----
    x42 = x
    A42 = Z / x42[None, :]
    v42 = V[-1] / x42
    r42 = 1 - M42 / u42.to_numpy()
    L42 = np.linalg.inv(np.eye(42) - r42[:, None] * A42)
    ref = {}
    for c, lab in [("household_consumption_total", "household"), ("government_consumption", "government"),
                   ("gross_fixed_capital_formation", "gfcf"), ("outflows_to_other_provinces", "outflows")]:
        f = fd42[c].to_numpy() / fd42[c].sum()
        y = f if lab == "outflows" else r42 * f
        ref[lab] = float(v42 @ L42 @ y)
    ref["construction"] = float((v42 @ L42)[25] * r42[25])
    w = x42[15:20] / x42[15:20].sum()
    ref["equipment_16_20"] = float(((v42 @ L42)[15:20] * r42[15:20] * w).sum())
    w = x42[26:42] / x42[26:42].sum()
    ref["services_27_42"] = float(((v42 @ L42)[26:42] * r42[26:42] * w).sum())
    lines.append("42-sector reference, local VA per yuan (upper bound; the v2 sources file lists construction 0.5669, "
                 "equipment 16-20 0.4514, services 27-42 0.8698, household 0.8310, government 0.7256, GFCF 0.5398, outflows 0.9493):")
    lines.append("  " + ", ".join(f"{k} {val:.4f}" for k, val in ref.items()))
    lines.append("9-sector, same upper-bound method: household {:.4f}, government {:.4f}, GFCF {:.4f}, outflows {:.4f}, construction {:.4f}".format(summ[("household", "upper")], summ[("government", "upper")], summ[("gfcf", "upper")], summ[("outflows", "upper")],
                    reg.loc["construction", "local_va_per_yuan_spent_upper"]))
    lines.append("aggregation bias 9 vs 42 (upper bound): household {:+.4f}, government {:+.4f}, GFCF {:+.4f}, outflows {:+.4f}".format(*tuple(summ[(k, "upper")] - ref[k] for k in ("household", "government", "gfcf", "outflows"))))
    if ev_path.exists():
        lines.append("local VA per yuan, central / low RPC: household {:.3f} / {:.3f}, government {:.3f} / {:.3f}, GFCF {:.3f} / {:.3f}, outflows {:.3f} / {:.3f}".format(summ[("household", "central")], summ[("household", "low")], summ[("government", "central")], summ[("government", "low")],
                        summ[("gfcf", "central")], summ[("gfcf", "low")], summ[("outflows", "central")], summ[("outflows", "low")]))
    text = "\n".join(lines) + "\n"
    (HERE / "io" / "hlj_io_2007_9sector_checks.txt").write_text(text)
    print(text)
    pd.set_option("display.width", 250)
    print(reg.round(3).T.to_string())
    print(bt.round(3).to_string())


if __name__ == "__main__":
    main()
