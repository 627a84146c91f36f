"""The report's figures, drawn from a :class:`~.data.ReportData` with :mod:`simulator.plotting`.

Figures are built with :class:`matplotlib.figure.Figure` (no pyplot, no GUI
backend) inside ``matplotlib.rc_context`` with a font that renders the
labels' language (:mod:`simulator.plotting.fonts`).
"""

from __future__ import annotations

import base64
import io

TRAJECTORY_VARIABLES = ("gdp_real", "trade_total", "employment_total", "population", "unemployment_rate",
                        "net_migration")


def _grid(n: int, cols: int = 2, w: float = 5.6, h: float = 3.5):
    from matplotlib.figure import Figure

    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    fig = Figure(figsize=(w * cols, h * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, list(axes[:n])


def _pair(scen, base, L):
    res = {f"{L['scenario_label']}: {scen.metadata.get('scenario', '')}": scen}
    styles = {next(iter(res)): {"color": "C0"}}
    if base is not None:
        k = f"{L['baseline_label']}: {base.metadata.get('scenario', '')}"
        res[k] = base
        styles[k] = {"color": "0.35", "ls": "--"}
    return res, styles


def make_figures(data, L) -> dict:
    """Figures of the report, by section key: ``spending``, ``trajectories``, ``trade``, ``employment``,
    ``population`` (pyramids at the first and last year), ``fans`` (with uncertainty) and ``tornado``
    (with sensitivity). Values are matplotlib Figures."""
    from ..plotting.charts import (
        plot_element_change,
        plot_employment_by_sector,
        plot_scenarios,
        plot_tornado,
        plot_trade_by_partner,
    )

    r, b = data.results, data.base
    pair, styles = _pair(r, b, L)
    figs = {}
    if "lever_spending" in r:
        fig, (ax,) = _grid(1, 1, 7.0, 3.2)
        plot_scenarios(pair, "lever_spending", ax=ax, labels=L, styles=styles, title=L["spending_chart"])
        figs["spending"] = fig
    tv = [v for v in TRAJECTORY_VARIABLES if v in r and r[v].ndim == 2]
    if tv:
        fig, axes = _grid(len(tv), 2)
        for ax, v in zip(axes, tv):
            plot_scenarios(pair, v, ax=ax, labels=L, styles=styles)
        figs["trajectories"] = fig
    years = data.years[1:] or data.years
    if "exports_by_partner" in r and "imports_by_partner" in r:
        fig, axes = _grid(2 if b is not None else 1, 2)
        plot_trade_by_partner(r, ax=axes[0], labels=L)
        if b is not None:
            plot_element_change(r, b, "trade_by_partner", years, ax=axes[1], labels=L)
        figs["trade"] = fig
    if "employment" in r:
        fig, axes = _grid(2 if b is not None else 1, 2, 6.2, 4.2)
        plot_employment_by_sector(r, ax=axes[0], labels=L)
        if b is not None:
            plot_element_change(r, b, "employment", years, ax=axes[1], labels=L)
        figs["employment"] = fig
    if "population_by_age" in r and len(r.times) > 1:
        from ..plotting.pyramid import plot_pyramid

        years = [float(r.times[0]), float(r.times[-1])]
        fig, axes = _grid(2, 2, 5.2, 5.0)
        plot_pyramid(pair, years, axes=axes, labels=L)
        figs["population"] = fig
    if data.uncertainty is not None:
        figs["fans"] = _fans(data, L)
    if data.sensitivity is not None and len(data.sensitivity["table"]):
        s = data.sensitivity
        t = s["table"].head(12).copy()
        t["parameter"] = t["column"]
        fig, (ax,) = _grid(1, 1, 8.0, 0.9 + 0.34 * len(t))
        xlabel = f"{s['output']} [{L.unit(s['unit'])}]"
        if s["method"] == "morris":
            from ..plotting.fan import sensitivity_chart

            sensitivity_chart(t, ax=ax, top=12)
            ax.set_xlabel(f"{L['mu_star']}, {L['sigma']}: {xlabel}")
        else:
            plot_tornado(t, ax=ax, labels=L, xlabel=xlabel)
        figs["tornado"] = fig
    return figs


def _fans(data, L):
    from ..plotting.fan import fan_chart

    u = data.uncertainty
    vs = u["variables"]
    rows = 2 if u["effect"] is not None else 1
    fig, axes = _grid(len(vs) * rows, len(vs), 4.4, 3.3)
    units = data.results.units
    for j, v in enumerate(vs):
        ax = axes[j]
        fan_chart(u["quantiles"], v, ax=ax, color="C0", label=L.get("value"), unit=L.unit(units.get(v, "")))
        ax.set_title(f"{L.var(v)}\n{L['fan_level']}", fontsize=9)
        ax.set_xlabel(L.get("year_axis"))
        if data.base is not None:
            ax.plot(data.base.times, data.base[v][0], color="0.35", ls="--", lw=1, label=L.get("base_value"))
            ax.legend(fontsize=7)
        if u["effect"] is not None:
            ax2 = axes[len(vs) + j]
            fan_chart(u["effect"], v, ax=ax2, color="C2", label=L.get("diff"),
                      unit=L.unit(units.get(v, "")))
            ax2.axhline(0, color="black", lw=0.6)
            ax2.set_title(f"{L.var(v)}\n{L['fan_effect']}", fontsize=9)
            ax2.set_xlabel(L.get("year_axis"))
    return fig


def figure_png(fig, dpi: int = 100) -> bytes:
    """PNG bytes of a Figure (no metadata that could leak local details)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def data_uri(png: bytes) -> str:
    """``data:image/png;base64,...`` for an ``<img src>``."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_figures(data, L, style: dict, dpi: int = 100) -> dict:
    """``{key: png bytes}`` of :func:`make_figures`, drawn under the rc ``style``."""
    import matplotlib

    with matplotlib.rc_context(style):
        figs = make_figures(data, L)
        return {k: figure_png(f, dpi) for k, f in figs.items()}


