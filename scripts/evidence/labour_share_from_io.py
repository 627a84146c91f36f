"""Labour share of value added by model sector from the HLJ 2007 input-output table,
aggregated to nine sectors by helper D (data/io/hlj_io_2007_9sector_table.csv,
built from data/io/hlj_io_2007_42sectors.csv with D's documented 42->9 mapping).

Two definitions, both written:
- share of VA at basic prices incl. net production taxes: compensation / value added
- share at factor cost: compensation / (compensation + depreciation + operating surplus)
Compensation in Chinese IO tables includes the mixed income of self-employed farmers, so the
agri_food share is high; energy_petrochem's low share reflects resource rent (Daqing).

Run: python3 scripts/labour_share_from_io.py > data/hlj_labour_share_io2007_DERIVED.csv
"""
import csv
import sys

SRC = "data/io/hlj_io_2007_9sector_table.csv"
SECTORS = ["agri_food", "energy_petrochem", "mining_materials", "equipment_mfg", "construction",
           "logistics_trade", "finance_services", "tourism_consumer", "digital_economy"]

rows = {r["row"]: r for r in csv.DictReader(open(SRC))}
w = csv.writer(sys.stdout)
w.writerow(["year", "series", "value", "unit", "source"])
tot = {k: 0.0 for k in ("comp", "va", "dep", "surp")}
for s in SECTORS:
    comp = float(rows["compensation_of_employees"][s])
    va = float(rows["value_added"][s])
    dep = float(rows["depreciation"][s])
    surp = float(rows["operating_surplus"][s])
    for k, v in zip(("comp", "va", "dep", "surp"), (comp, va, dep, surp)):
        tot[k] += v
    src = ("DERIVED from HLJ 2007 IO table (HLJ Statistics Bureau, old GDP basis) aggregated to nine "
           f"sectors by helper D ({SRC}); compensation {comp:.2f}, VA {va:.2f}, depreciation {dep:.2f}, "
           f"operating surplus {surp:.2f} (100m yuan)")
    w.writerow([2007, f"io_hlj_labour_share_va_{s}_DERIVED", round(comp / va, 4),
                "ratio (compensation of employees / value added)", src])
    w.writerow([2007, f"io_hlj_labour_share_factor_cost_{s}_DERIVED", round(comp / (comp + dep + surp), 4),
                "ratio (compensation / (compensation + depreciation + operating surplus))", src])
w.writerow([2007, "io_hlj_labour_share_va_total_DERIVED", round(tot["comp"] / tot["va"], 4),
            "ratio (compensation / value added, all sectors)", f"DERIVED from {SRC} (sum over nine sectors)"])
w.writerow([2007, "io_hlj_labour_share_factor_cost_total_DERIVED",
            round(tot["comp"] / (tot["comp"] + tot["dep"] + tot["surp"]), 4),
            "ratio (compensation / (compensation + depreciation + operating surplus), all sectors)",
            f"DERIVED from {SRC} (sum over nine sectors)"])
