"""Fan charts of ensemble quantiles, and bar charts of sensitivity indices.

Both take the tables the ensemble layer writes (``quantiles.csv``,
``sobol.csv`` / ``morris.csv``), return the matplotlib ``Axes`` and never call
``plt.show()``.
"""

from __future__ import annotations


def _qvalue(label) -> float:
    if isinstance(label, str) and label.startswith("p"):
        return float(label[1:]) / 100.0
    return float(label)


def fan_chart(quantiles_df, variable: str, ax=None, history=None, *, element: str | None = None,
              color: str = "C0", label: str | None = None, unit: str | None = None):
    """Median line with shaded quantile bands for one variable.

    Parameters
    ----------
    quantiles_df : pandas.DataFrame
        Long format ``variable, dimension, year, quantile, value`` (quantile
        labels ``p5``, ``p25``, ... or numbers 0.05, ...), as in
        ``DIR/quantiles.csv`` of ``regsim uncertainty``.
    variable : str
        Variable name, or ``name[element]`` for one element of an arrayed variable
        (``name[e1,e2]`` for one cell of a variable over two dimensions).
    ax : matplotlib Axes, optional
        Where to draw (a new figure otherwise).
    history : pandas.Series or DataFrame, optional
        Observed data drawn as points: a Series indexed by year, or a frame
        with ``year`` and ``value`` columns.
    element : str, optional
        Element of an arrayed variable (alternative to ``name[element]``).
    color, label, unit : str, optional
        Colour of the fan, legend label of the median, y-axis unit.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Bands pair the outer quantiles symmetrically (p5-p95, then p25-p75), the
    inner ones darker. Quantiles without a partner are drawn as dashed lines.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from ..io.results_files import variable_cell

    name, el = variable_cell(variable)
    if el is not None:
        element = el
    elif element is not None:
        element = variable_cell(f"x[{element}]")[1]
    df = quantiles_df[quantiles_df["variable"] == name]
    if element is not None:
        df = df[df["dimension"].astype(str) == element]
    elif "dimension" in df and df["dimension"].fillna("").astype(str).ne("").any():
        els = list(dict.fromkeys(df["dimension"].astype(str)))
        shown = ", ".join(els[:8]) + (f" and {len(els) - 8} more" if len(els) > 8 else "")
        raise KeyError(f"{name} is arrayed over {shown}: ask for {name}[{els[0]}]")
    if df.empty:
        raise KeyError(f"no quantiles for {variable!r}")
    wide = df.pivot_table(index="year", columns="quantile", values="value", aggfunc="first")
    qs = sorted(wide.columns, key=_qvalue)
    levels = [_qvalue(q) for q in qs]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    years = wide.index.to_numpy(dtype=float)
    i, j = 0, len(qs) - 1
    pairs = []
    while i < j:
        if abs(levels[i] + levels[j] - 1.0) < 1e-9:
            pairs.append((qs[i], qs[j]))
            i, j = i + 1, j - 1
        elif levels[i] + levels[j] < 1.0:
            i += 1
        else:
            j -= 1
    alphas = np.linspace(0.18, 0.38, max(len(pairs), 1))
    paired = set()
    for (lo, hi), a in zip(pairs, alphas):
        ax.fill_between(years, wide[lo].to_numpy(), wide[hi].to_numpy(), color=color, alpha=float(a), lw=0,
                        label=f"{lo}–{hi}")
        paired.update((lo, hi))
    median = next((q for q, v in zip(qs, levels) if abs(v - 0.5) < 1e-9), None)
    if median is not None:
        ax.plot(years, wide[median].to_numpy(), color=color, lw=2.0, label=label or f"median ({median})")
        paired.add(median)
    for q in qs:
        if q not in paired:
            ax.plot(years, wide[q].to_numpy(), color=color, lw=0.8, ls="--", label=str(q))
    if history is not None:
        if hasattr(history, "columns"):
            hx, hy = history["year"].to_numpy(dtype=float), history["value"].to_numpy(dtype=float)
        else:
            hx, hy = history.index.to_numpy(dtype=float), history.to_numpy(dtype=float)
        ax.plot(hx, hy, "o", color="black", ms=3.5, label="data")
    ax.set_title(variable if element is None or "[" in variable else f"{name}[{element}]")
    ax.set_xlabel("year")
    if unit is None and hasattr(quantiles_df, "attrs"):
        unit = quantiles_df.attrs.get("units", {}).get(name)
    ax.set_ylabel(unit or "value")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    return ax


def sensitivity_chart(table, ax=None, *, title: str = "", top: int | None = 20):
    """Horizontal bars of sensitivity indices, most influential parameter on top.

    Parameters
    ----------
    table : pandas.DataFrame
        Sobol' (``parameter, S1, S1_conf, ST, ST_conf``) or Morris
        (``parameter, mu_star, mu_star_conf, sigma, ...``) table.
    ax : matplotlib Axes, optional
        Where to draw.
    title : str
        Title (e.g. the output ``gdp_real@2035``).
    top : int, optional
        Show only the ``top`` parameters (all if None).

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt
    import numpy as np

    sobol = "ST" in table.columns
    key = "ST" if sobol else "mu_star"
    t = table.sort_values(key, ascending=False).head(top or len(table)).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.9 + 0.32 * len(t)))
    y = np.arange(len(t))
    if sobol:
        h = 0.38
        ax.barh(y + h / 2, t["ST"], h, xerr=t["ST_conf"], color="C0", label="total (ST)", capsize=2)
        ax.barh(y - h / 2, t["S1"], h, xerr=t["S1_conf"], color="C1", label="first order (S1)", capsize=2)
        ax.set_xlabel("Sobol' index (share of output variance)")
    else:
        ax.barh(y, t["mu_star"], 0.6, xerr=t.get("mu_star_conf"), color="C0", label="μ*", capsize=2)
        if "sigma" in t:
            ax.plot(t["sigma"], y, "D", color="C3", ms=4, label="σ")
        ax.set_xlabel("Morris elementary effect (output units per step)")
    ax.set_yticks(y, t["parameter"].astype(str))
    ax.axvline(0, color="black", lw=0.6)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title)
    return ax
