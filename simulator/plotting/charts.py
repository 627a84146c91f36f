"""Charts of scenario results for notebooks and the report.

Every function takes results (or tables computed from them), draws on ``ax``
(a new figure if ``ax`` is None), returns the matplotlib ``Axes`` and never
calls ``plt.show()``. None of them computes the model.

``labels`` is any object with ``var(name)``, ``element(name)``, ``unit(text)``
methods and ``get(key)`` (e.g. :func:`simulator.report.i18n.labels`); by default
identifiers are shown as they are.

The pseudo-variable ``trade_by_partner`` is ``exports_by_partner + imports_by_partner``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np


class _Plain:
    """Default labels: identifiers unchanged, English axis words."""

    _words = {"year_axis": "year", "change_vs_base": "change vs comparison", "pareto": "Pareto frontier",
              "low_end": "low end of range", "high_end": "high end of range"}

    def var(self, name):
        return name

    def element(self, name):
        return name

    def unit(self, unit):
        return unit

    def get(self, key, **fmt):
        return self._words.get(key, key).format(**fmt)


def _labels(labels):
    return labels if labels is not None else _Plain()


def _new_ax(ax, figsize=(7.0, 4.0)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def element_values(results, variable: str, run: int = 0) -> tuple[np.ndarray, tuple[str, ...], str]:
    """``(values (T, n), elements, unit)`` of an arrayed variable (or ``trade_by_partner``) for one run.

    A variable over several dimensions gives one column per cell, labelled ``"e1,e2"`` (C order).
    """
    if variable == "trade_by_partner":
        v = np.asarray(results["exports_by_partner"][run]) + np.asarray(results["imports_by_partner"][run])
        return v, tuple(results.elements("exports_by_partner")), results.units.get("exports_by_partner", "")
    arr = np.asarray(results[variable][run])
    if arr.ndim < 2:
        raise ValueError(f"{variable} is not an arrayed variable")
    if arr.ndim > 2:
        arr = arr.reshape(arr.shape[0], -1)
    return arr, tuple(results.elements(variable)), results.units.get(variable, "")


def _scalar(results, variable: str, run: int = 0) -> np.ndarray:
    from ..io.results_files import variable_cell

    name, el = variable_cell(variable)
    if el is not None:
        vals, els, _ = element_values(results, name, run)
        if el not in els:
            raise KeyError(f"{name} has no element {el!r} (have {', '.join(els[:8])}{' ...' if len(els) > 8 else ''})")
        return vals[:, list(els).index(el)]
    arr = np.asarray(results[variable][run])
    if arr.ndim > 2:
        return arr.reshape(arr.shape[0], -1).sum(axis=-1)
    return arr if arr.ndim == 1 else arr.sum(axis=-1)


def plot_scenarios(results: Mapping[str, object], variable: str, *, ax=None, labels=None, run: int = 0,
                   styles: Mapping[str, dict] | None = None, title: str | None = None, scale: float = 1.0,
                   unit: str | None = None):
    """One line per scenario for a scalar variable (``name[element]`` for one element; arrays are summed).

    Parameters
    ----------
    results : mapping of str to Results
        Legend label -> results.
    variable : str
        Variable to draw.
    styles : mapping of str to dict, optional
        Legend label -> keyword arguments of ``ax.plot`` (colour, linestyle ...).
    scale : float
        Values are multiplied by ``scale`` (e.g. 100 for a share in %); give ``unit`` to match.
    """
    L = _labels(labels)
    ax = _new_ax(ax)
    first = None
    for name, res in results.items():
        first = first or res
        kw = {"lw": 1.8, **(styles or {}).get(name, {})}
        ax.plot(res.times, _scalar(res, variable, run) * scale, label=name, **kw)
    base = variable.split("[", 1)[0]
    ax.set_title(title if title is not None else L.var(variable))
    ax.set_xlabel(L.get("year_axis"))
    ax.set_ylabel(L.unit(unit if unit is not None else (first.units.get(base, "") if first is not None else "")))
    ax.grid(alpha=0.3)
    if len(results) > 1:
        ax.legend(fontsize=8)
    return ax


def plot_stacked(results, variable: str, *, ax=None, labels=None, run: int = 0, title: str | None = None,
                 colors=None):
    """Stacked area of an arrayed variable by element (sector or partner) over time.

    ``variable`` may be ``"trade_by_partner"`` (exports + imports by partner).
    """
    L = _labels(labels)
    ax = _new_ax(ax)
    vals, els, unit = element_values(results, variable, run)
    order = np.argsort(-vals[-1])  # largest at the bottom
    ax.stackplot(results.times, *[vals[:, j] for j in order], labels=[L.element(els[j]) for j in order],
                 colors=None if colors is None else [colors[j] for j in order], alpha=0.85)
    ax.set_title(title if title is not None else L.var(variable))
    ax.set_xlabel(L.get("year_axis"))
    ax.set_ylabel(L.unit(unit))
    ax.set_xlim(results.times[0], results.times[-1])
    ax.grid(alpha=0.3)
    handles, labs = ax.get_legend_handles_labels()
    if len(els) <= 4:
        ax.legend(handles[::-1], labs[::-1], fontsize=7, loc="upper left")
    else:  # many elements: below the axes, so the legend hides no data
        ax.legend(handles[::-1], labs[::-1], fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3,
                  frameon=False)
    return ax


def plot_trade_by_partner(results, *, ax=None, labels=None, run: int = 0, title: str | None = None):
    """Stacked area of exports + imports by partner (Russia, other Belt & Road, rest of world)."""
    return plot_stacked(results, "trade_by_partner", ax=ax, labels=labels, run=run, title=title)


def plot_employment_by_sector(results, *, ax=None, labels=None, run: int = 0, title: str | None = None):
    """Stacked area of employment by sector."""
    return plot_stacked(results, "employment", ax=ax, labels=labels, run=run, title=title)


def plot_element_change(results, base, variable: str, years: Iterable[float] = (2030, 2035, 2050), *, ax=None,
                        labels=None, title: str | None = None):
    """Horizontal bars: ``results - base`` of an arrayed variable by element, one bar per year.

    ``variable`` may be ``"trade_by_partner"``.
    """
    L = _labels(labels)
    vals, els, unit = element_values(results, variable)
    bvals, _, _ = element_values(base, variable)
    t = np.asarray(results.times, dtype=float)
    ys = [y for y in years if np.any(np.isclose(t, y))]
    ax = _new_ax(ax, figsize=(7.0, 0.8 + 0.45 * len(els)))
    y0 = np.arange(len(els))
    h = 0.8 / max(len(ys), 1)
    for k, yr in enumerate(ys):
        i = int(np.flatnonzero(np.isclose(t, yr))[0])
        ax.barh(y0 + (k - (len(ys) - 1) / 2) * h, vals[i] - bvals[i], h, label=f"{yr:g}", color=f"C{k}")
    ax.set_yticks(y0, [L.element(e) for e in els])
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.6)
    ax.set_xlabel(L.unit(unit))
    ax.set_title(title if title is not None else f"{L.var(variable)}: {L.get('change_vs_base')}")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_tradeoff(metrics, *, x: str = "gdp_pv_ratio_8pct", y: str = "job_years_pv_per_100m", color: str | None = None,
                  ax=None, labels=None, frontier: bool = True, highlight: Mapping[str, int] | None = None,
                  xlabel: str | None = None, ylabel: str | None = None, clabel: str | None = None):
    """Scatter of policy mixes on two indicators, optionally coloured by a third column.

    Parameters
    ----------
    metrics : DataFrame
        One row per mix (e.g. :func:`simulator.analysis.frames.member_metrics`).
    x, y : str
        Columns on the axes (more is better on both for the frontier).
    color : str, optional
        Column mapped to colour (with a colour bar).
    frontier : bool
        Draw the Pareto frontier (mixes no other mix beats on both x and y).
    highlight : mapping of str to int, optional
        Label -> row position of mixes to annotate.
    """
    L = _labels(labels)
    ax = _new_ax(ax, figsize=(7.0, 5.0))
    xs, ys = metrics[x].to_numpy(dtype=float), metrics[y].to_numpy(dtype=float)
    kw = {"s": 28, "edgecolor": "black", "linewidth": 0.3}
    if color is not None:
        sc = ax.scatter(xs, ys, c=metrics[color].to_numpy(dtype=float), cmap="viridis", **kw)
        cb = ax.figure.colorbar(sc, ax=ax)
        cb.set_label(clabel if clabel is not None else L.get(color))
    else:
        ax.scatter(xs, ys, color="C0", **kw)
    if frontier:
        idx = pareto_front(xs, ys)
        ax.plot(xs[idx], ys[idx], color="C3", lw=1.2, ls="--", label=L.get("pareto"))
        ax.legend(fontsize=8, loc="best")
    for name, i in (highlight or {}).items():
        ax.annotate(name, (xs[i], ys[i]), xytext=(6, 6), textcoords="offset points", fontsize=8,
                    arrowprops={"arrowstyle": "-", "lw": 0.6})
    ax.set_xlabel(xlabel if xlabel is not None else L.get(x))
    ax.set_ylabel(ylabel if ylabel is not None else L.get(y))
    ax.grid(alpha=0.3)
    return ax


def pareto_front(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Indices of the points not dominated on (x, y) (more is better), sorted by x."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    order = ok[np.lexsort((-y[ok], -x[ok]))]  # x descending, then y descending
    keep, best = [], -np.inf
    for i in order:
        if y[i] > best:
            keep.append(i)
            best = y[i]
    return np.asarray(keep[::-1], dtype=int)


def plot_tornado(table, *, ax=None, labels=None, top: int = 12, title: str = "", xlabel: str = ""):
    """Tornado chart of one-at-a-time sensitivities.

    Parameters
    ----------
    table : DataFrame
        Columns ``parameter``, ``low_effect`` and ``high_effect`` (result at the
        low / high end of the range minus the result at the central value).
    """
    L = _labels(labels)
    ax = _new_ax(ax, figsize=(7.0, 0.9 + 0.34 * min(top, len(table))))
    t = table.head(top).iloc[::-1]
    y0 = np.arange(len(t))
    ax.barh(y0, t["low_effect"], 0.6, color="C0", label=L.get("low_end"))
    ax.barh(y0, t["high_effect"], 0.6, color="C3", label=L.get("high_end"))
    ax.set_yticks(y0, t["parameter"].astype(str))
    ax.axvline(0, color="black", lw=0.6)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    return ax
