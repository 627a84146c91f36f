"""How the 2007 coefficients carry over to the model's 2018 base (post-census GDP basis).

Coefficients are ratios (A = Z/x, v = VA/x), so the 2018 GDP revision (a level change of about
-21% for HLJ) does not enter them directly. What changes between 2007 and 2018 is (i) relative
prices and technology inside sectors and (ii) the sector mix. This script
  1. scales the 2007 HLJ ratios to the model's 2018 value added (params/production.toml va_2018):
     x_2018 = va_2018 / v, intermediate inputs = A x_2018;
  2. gives an adjusted variant where each sector's VA ratio and compensation share move by the
     national 2007 -> 2018 change (evidence/national_io_9sector.csv), intermediate coefficients
     rescaled proportionally so that columns still sum to 1;
  3. reports the implied 2018 gross output, output/GDP, intermediate demand by commodity and the
     labour share, next to the 2007 structure.
Output: io/hlj_io_2018_carryover.csv. Run: python scripts/io/io_2018_carryover.py
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parents[2] / "data"  # the repository's data/ (tables in data/io/)
SECTORS = ("agri_food", "energy_petrochem", "mining_materials", "equipment_mfg", "construction",
           "logistics_trade", "finance_services", "tourism_consumer", "digital_economy")


def main() -> None:
    coef = pd.read_csv(HERE / "io" / "hlj_io_2007_9sector_coefficients.csv", index_col=0)
    tab = pd.read_csv(HERE / "io" / "hlj_io_2007_9sector_table.csv", index_col=0)
    A = coef.loc[list(SECTORS), list(SECTORS)].to_numpy(float)
    v = coef.loc["ratio_value_added", list(SECTORS)].to_numpy(float)
    cs = coef.loc["share_of_va_compensation", list(SECTORS)].to_numpy(float)
    va07 = tab.loc["value_added", list(SECTORS)].to_numpy(float)
    prod = tomllib.loads(Path(__file__).resolve().parents[2] / "params" / "production.toml".read_text())
    va18 = np.asarray(prod["va_2018"]["value"], float)
    nat = pd.read_csv(HERE / "evidence" / "national_io_9sector.csv")
    piv = nat.pivot_table(index=["measure", "sector"], columns="year", values="value")
    dv = (piv.loc["va_ratio"][2018] / piv.loc["va_ratio"][2007]).reindex(SECTORS).to_numpy()
    dc = (piv.loc["compensation_share_of_va"][2018] / piv.loc["compensation_share_of_va"][2007]).reindex(SECTORS).to_numpy()
    v_adj = np.clip(v * dv, 0.05, 0.95)
    A_adj = A * ((1 - v_adj) / (1 - v))[None, :]
    cs_adj = np.clip(cs * dc, 0.0, 1.0)
    out = pd.DataFrame(index=list(SECTORS))
    out["va_2007_hlj"] = va07
    out["va_share_2007_hlj"] = va07 / va07.sum()
    out["va_2018_model"] = va18
    out["va_share_2018_model"] = va18 / va18.sum()
    out["va_ratio_2007_hlj"] = v
    out["national_va_ratio_change_2018_over_2007"] = dv
    out["va_ratio_2018_adjusted"] = v_adj
    out["compensation_share_2007_hlj"] = cs
    out["national_compensation_share_change_2018_over_2007"] = dc
    out["compensation_share_2018_adjusted"] = cs_adj
    for tag, vv, AA in (("unadjusted", v, A), ("adjusted", v_adj, A_adj)):
        x = va18 / vv
        out[f"gross_output_2018_{tag}"] = x
        out[f"intermediate_demand_2018_{tag}"] = AA @ x
        out[f"net_final_demand_2018_{tag}"] = x - AA @ x
    out.index.name = "sector"
    out.round(4).to_csv(HERE / "io" / "hlj_io_2018_carryover.csv")
    tot = out.sum()
    pd.set_option("display.width", 250)
    print(out.round(3).T.to_string())
    print("output/GDP: 2007 {:.3f}; 2018 unadjusted {:.3f}; adjusted {:.3f}".format(
        tab.loc["total_input", list(SECTORS)].sum() / va07.sum(), tot.gross_output_2018_unadjusted / va18.sum(), tot.gross_output_2018_adjusted / va18.sum()))
    print(f"labour share of GDP: 2007 HLJ {(cs * va07).sum() / va07.sum():.3f}; 2018 model VA weights with 2007 shares {(cs * va18).sum() / va18.sum():.3f}; adjusted {(cs_adj * va18).sum() / va18.sum():.3f}")


if __name__ == "__main__":
    main()
