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


def format_return_bands(bands, sampled=None) -> str:
    """The appraisal as median and 90% band per scenario (``regsim compare --uncertainty``).

    Parameters
    ----------
    bands : BandTable
        :func:`simulator.ensemble.appraisal.return_bands` with the ensemble metadata.
    sampled : DataFrame, optional
        :func:`simulator.ensemble.sampling_table`: the line below the table says how many
        parameters were sampled and how many of them are lever mechanisms.
    """
    from ..ensemble.appraisal import format_band
    from ..levers.mechanisms import GENERIC_RANGE, LITERATURE

    t, meta = bands.table, bands.metadata
    scen = list(dict.fromkeys(t["scenario"]))
    metrics = list(dict.fromkeys(t["metric"]))
    head = ["indicator", "unit", *scen]
    rows = []
    for m in metrics:
        sub = t[t["metric"] == m].set_index("scenario")
        unit = str(sub["unit"].iloc[0]) if len(sub) else ""
        cells = [format_band(sub.loc[c, "p5"], sub.loc[c, "p50"], sub.loc[c, "p95"], unit)
                 if c in sub.index and sub.loc[c, "n_valid"] > 0 else "n/a" for c in scen]
        rows.append([m, unit, *cells])
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    num = range(2, 2 + len(scen))

    def line(cells):
        return "  ".join(x.rjust(w) if i in num else x.ljust(w) for i, (x, w) in enumerate(zip(cells, widths))).rstrip()

    mech = "lever mechanisms sampled" if meta.get("lever_mechanisms", True) else \
        "lever mechanisms fixed at their central values (policy as designed)"
    out = [f"Appraisal over {meta.get('n')} paired members (seed {meta.get('seed')}, {meta.get('sampler')}; {mech}): "
           "median [5%, 95%]", line(head), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]
    if meta.get("appraisal"):
        out.append(f"\nDifferences from {meta.get('base')}; {meta['appraisal']}. Payback years count only the members "
                   "that pay back; the payback shares say how many do.")
    if sampled is not None and len(sampled):
        s = sampled[sampled["sampled"]]
        lev = s[s["role"] == "lever mechanism"]["parameter"].tolist()
        out.append(f"Sampled: {len(s)} parameters, {len(lev)} of them lever mechanisms"
                   + (f" ({', '.join(lev[:6])}{' ...' if len(lev) > 6 else ''})" if lev else "")
                   + "; the full table is in the _sampled.csv file.")
    lit = [f"{c}: {LITERATURE[c].lo:g}-{LITERATURE[c].hi:g}" for c in scen if c in LITERATURE]
    if lit:
        out.append(f"Literature ranges of the PV of GDP per yuan at 8% (docs/levers.md; spending levers generally "
                   f"{GENERIC_RANGE[0]:g}-{GENERIC_RANGE[1]:g}): " + "; ".join(lit))
    return "\n".join(out)
