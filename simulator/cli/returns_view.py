"""Plain-text view of the appraisal table (:func:`simulator.analysis.returns_table`) for `regsim compare`."""

from __future__ import annotations

import math

#: rows shown as a status instead of a number when the payback did not happen
_PAYBACKS = {"gdp_payback_year": "gdp_payback_status", "fiscal_payback_year": "fiscal_payback_status"}


def _cell(v, unit: str) -> str:
    if isinstance(v, str):
        return v
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if unit == "true/false":
        return "yes" if bool(v) else "no"
    x = float(v)
    if unit in ("year", "yr"):
        return f"{x:.0f}"
    if unit.startswith("yuan per yuan"):
        return f"{x:,.2f}"
    if unit in ("persons", "person-years") or unit.startswith("person-years"):
        return f"{x:,.0f}"
    return f"{x:,.1f}"


def format_returns(table) -> str:
    """The appraisal table as text: indicator, unit, one column per scenario, evidence; then notes.

    Metrics that could not be computed are left out of the table and listed below
    it with the reason (the variables the results lack).
    """
    scen = [c for c in table.columns if c not in ("unit", "evidence")]
    why = table.attrs.get("unavailable", {})
    has_ev = bool(table["evidence"].astype(bool)[[i for i in table.index if i not in why]].any())
    head = ["indicator", "unit", *scen] + (["evidence"] if has_ev else [])
    rows = []
    for ind, r in table.iterrows():
        if ind in why or ind in _PAYBACKS.values():
            continue
        cells = []
        for c in scen:
            v = r[c]
            if ind in _PAYBACKS and table.loc[_PAYBACKS[ind], c] != "paid back":
                v = table.loc[_PAYBACKS[ind], c]
            cells.append(_cell(v, r["unit"]))
        rows.append([str(ind), r["unit"], *cells] + (["0.6-1.0 [1]" if r["evidence"] else ""] if has_ev else []))
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    num = range(2, 2 + len(scen))

    def line(cells):
        return "  ".join(x.rjust(w) if i in num else x.ljust(w) for i, (x, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line(head), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]
    note = table.attrs.get("note")
    if note:
        out.append(f"\nDifferences from the comparison scenario; {note}.")
    if has_ev:
        from ..analysis.returns import MULTIPLIER_EVIDENCE

        out.append("[1] local fiscal multipliers in China: " + "; ".join(f"{src}: {v}" for src, v in MULTIPLIER_EVIDENCE))
    by_reason: dict[str, list[str]] = {}
    for ind, text in why.items():
        by_reason.setdefault(text, []).append(ind)
    for text, names in by_reason.items():
        out.append(f"unavailable: {', '.join(names)}\n  reason: {text}")
    return "\n".join(out)


def returns_long(table):
    """Long rows ``scenario, variable, diff, unit`` of the appraisal table (for the comparison CSV)."""
    import pandas as pd

    scen = [c for c in table.columns if c not in ("unit", "evidence")]
    rows = [{"scenario": c, "variable": ind, "diff": r[c], "unit": r["unit"]}
            for c in scen for ind, r in table.iterrows()]
    return pd.DataFrame(rows, columns=["scenario", "variable", "diff", "unit"])
