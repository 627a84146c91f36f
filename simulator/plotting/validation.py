"""Figures of model validation: simulated vs observed history, back-tests.

Functions return a :class:`matplotlib.figure.Figure` (built without pyplot, so
no GUI backend is touched) and never call ``plt.show()``.
"""

from __future__ import annotations

import math

import numpy as np


def _grid(n: int, width: float = 5.2, height: float = 3.4):
    from matplotlib.figure import Figure

    cols = min(max(n, 1), 3)
    rows = max(1, math.ceil(n / cols))
    fig = Figure(figsize=(width * cols, height * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, list(axes[:n])


def plot_fit(series: dict, *, labels: dict | None = None, units: dict | None = None, stats: dict | None = None,
             until: float | None = None, title: str = "", show_prior: bool = False):
    """Model vs data, one panel per target.

    Parameters
    ----------
    series : dict of str to dict
        Target name -> ``{"years", "observed", "simulated"}`` (arrays of equal
        length) and optionally ``"model_years"``/``"model_values"`` (a continuous
        model trajectory) and ``"prior"`` (the run at the prior values).
    labels, units : dict, optional
        Target name -> panel title / y-axis unit.
    stats : dict of str to FitStats, optional
        Shown in each panel (MAPE and Theil shares).
    until : float, optional
        Last year of the fit window: a dashed line marks where the back-test starts.
    title : str
    show_prior : bool
        Also draw the run at the prior parameter values.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.ticker import MaxNLocator

    names = list(series)
    fig, axes = _grid(len(names))
    all_years = np.concatenate([np.asarray(series[n].get("model_years", series[n]["years"]), float) for n in names]
                               + [np.asarray(series[n]["years"], float) for n in names]) if names else np.zeros(0)
    for ax, name in zip(axes, names):
        s = series[name]
        years = np.asarray(s["years"], float)
        if "model_years" in s:
            ax.plot(s["model_years"], s["model_values"], "-", color="C0", lw=1.8, label="model")
        else:
            ax.plot(years, s["simulated"], "-o", color="C0", lw=1.8, ms=3, label="model")
        if show_prior and "prior" in s:
            ax.plot(years, s["prior"], ":", color="0.5", lw=1.2, label="prior values")
        ax.plot(years, s["observed"], "s", color="C3", ms=5, label="data", zorder=3)
        if until is not None and years.size and years.max() > until:
            ax.axvline(until + 0.5, color="0.3", ls="--", lw=1)
            ax.text(until + 0.6, 0.02, "back-test", transform=ax.get_xaxis_transform(), fontsize=8, color="0.3")
        ax.set_title((labels or {}).get(name, name), fontsize=10)
        ax.set_ylabel((units or {}).get(name, ""), fontsize=8)
        ax.tick_params(labelsize=8)
        if stats and name in stats:
            st = stats[name]
            txt = f"MAPE {st.mape:.1f}%  n={st.n}"
            if math.isfinite(st.um):
                txt += f"\nU$^M$ {st.um:.2f}  U$^S$ {st.us:.2f}  U$^C$ {st.uc:.2f}"
            ax.text(0.02, 0.97, txt, transform=ax.transAxes, va="top", fontsize=7.5,
                    bbox={"boxstyle": "round", "fc": "white", "ec": "0.8", "alpha": 0.9})
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if all_years.size:
            ax.set_xlim(all_years.min() - 0.5, all_years.max() + 0.5)
    if axes:
        axes[0].legend(fontsize=8, loc="lower right")
    if title:
        fig.suptitle(title)
    return fig
