"""Population pyramids: residents by age group and sex, one panel per year.

Reads ``population_by_age`` (dimensions ``sex`` x ``age``, the cohort block's output) from
:class:`~simulator.engine.results.Results` or from a long frame as written by ``regsim run``
(``variable, dimension, year, value``; ``dimension`` is the cell label ``"male,a0_4"``).
Males are drawn to the left, females to the right; the first source is filled, the others are
outlined on top of it (e.g. a scenario against its baseline). Functions return Axes and never
call ``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .charts import _labels

VARIABLE = "population_by_age"
_WORDS = {"male": "male", "female": "female", "age_axis": "age", "pyramid_unit": "10k persons"}


def age_label(element: str) -> str:
    """``"a0_4"`` -> ``"0-4"``, ``"a85p"`` -> ``"85+"`` (anything else unchanged)."""
    if element.startswith("a") and element.endswith("p") and element[1:-1].isdigit():
        return element[1:-1] + "+"
    if element.startswith("a") and "_" in element:
        lo, hi = element[1:].split("_", 1)
        if lo.isdigit() and hi.isdigit():
            return f"{lo}-{hi}"
    return element


def pyramid_values(source, year: float, *, variable: str = VARIABLE, run: int = 0):
    """``(ages, male, female)`` of ``variable`` in ``year``: age elements and two arrays.

    Parameters
    ----------
    source : Results or DataFrame
        Results with ``variable`` over ``("sex", "age")`` (in either order), or a long frame with
        rows ``variable, dimension, year, value`` (and optionally ``run``).
    year : float
        A saved year.
    run : int
        Ensemble member (Results, or a frame with a ``run`` column).

    Raises
    ------
    KeyError
        The variable or the year is not there.
    """
    if hasattr(source, "dims") and hasattr(source, "times"):
        if variable not in source:
            raise KeyError(f"no variable {variable!r} in the results (the population block's output)")
        dims = tuple(source.dims[variable])
        if sorted(dims) != ["age", "sex"]:
            raise KeyError(f"{variable} has dimensions {dims}, expected sex and age")
        times = np.asarray(source.times, dtype=float)
        hit = np.flatnonzero(np.isclose(times, float(year)))
        if not hit.size:
            raise KeyError(f"year {year:g} is not among the saved years {times[0]:g}..{times[-1]:g}")
        arr = np.asarray(source[variable])[run, hit[0]]
        if dims == ("age", "sex"):
            arr = arr.T
        sexes = tuple(source.coords["sex"])
        ages = tuple(source.coords["age"])
        return ages, arr[sexes.index("male")], arr[sexes.index("female")]
    df = source
    sub = df[df["variable"] == variable]
    if "run" in sub.columns:
        sub = sub[sub["run"] == run]
    if sub.empty:
        raise KeyError(f"no variable {variable!r} in the results (the population block's output)")
    sub = sub[np.isclose(sub["year"].astype(float), float(year))]
    if sub.empty:
        years = sorted(df.loc[df["variable"] == variable, "year"].unique())
        raise KeyError(f"year {year:g} is not among the saved years {years[0]:g}..{years[-1]:g}")
    male, female, ages = {}, {}, []
    for label, value in zip(sub["dimension"].astype(str), sub["value"].astype(float)):
        parts = label.split(",")
        sex, age = (parts[0], parts[1]) if parts[0] in ("male", "female") else (parts[1], parts[0])
        if age not in ages:
            ages.append(age)
        (male if sex == "male" else female)[age] = value
    return tuple(ages), np.array([male[a] for a in ages]), np.array([female[a] for a in ages])


def plot_pyramid(sources: Mapping[str, object], years: Sequence[float], *, axes=None, labels=None,
                 variable: str = VARIABLE, run: int = 0, title: str = ""):
    """Draw a population pyramid per year, side by side on a common scale.

    Parameters
    ----------
    sources : mapping of str to Results or DataFrame
        Name -> results (see :func:`pyramid_values`). The first is drawn as filled bars, the
        others as outlines over it.
    years : sequence of float
        One panel per year (one or two years side by side for ``regsim plot --pyramid``).
    axes : sequence of Axes, optional
        One per year; a new figure otherwise.
    labels : Labels, optional
        Translations (``simulator.report.i18n.labels``); English identifiers by default.

    Returns
    -------
    list of Axes
    """
    if not sources:
        raise ValueError("plot_pyramid: give at least one source")
    if not years:
        raise ValueError("plot_pyramid: give at least one year")
    L = _labels(labels)

    def word(key):
        w = L.get(key)
        return _WORDS.get(key, key) if w == key else w

    data = {(name, y): pyramid_values(src, y, variable=variable, run=run) for name, src in sources.items() for y in years}
    if axes is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(1, len(years), figsize=(5.2 * len(years), 5.0), squeeze=False, sharey=True,
                             layout="constrained")
        axes = list(ax.ravel())
    top = max(max(m.max(), f.max()) for _, m, f in data.values())
    names = list(sources)
    for ax, y in zip(axes, years):
        ages, m, f = data[(names[0], y)]
        pos = np.arange(len(ages))
        ax.barh(pos, -m, height=0.9, color="C0", alpha=0.75, label=f"{word('male')} ({names[0]})" if len(names) > 1
                else word("male"))
        ax.barh(pos, f, height=0.9, color="C3", alpha=0.75, label=f"{word('female')} ({names[0]})" if len(names) > 1
                else word("female"))
        for k, other in enumerate(names[1:]):
            _, m2, f2 = data[(other, y)]
            edges = np.concatenate([[pos[0] - 0.45], pos + 0.45])
            style = dict(color="black" if k == 0 else f"C{k + 4}", lw=1.1, ls="--")
            ax.stairs(-m2, edges, orientation="horizontal", label=other, **style)
            ax.stairs(f2, edges, orientation="horizontal", **style)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_xlim(-1.08 * top, 1.08 * top)
        ticks = ax.get_xticks()
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{abs(t):g}" for t in ticks])
        ax.set_xlim(-1.08 * top, 1.08 * top)
        ax.set_yticks(pos)
        ax.set_yticklabels([age_label(a) for a in ages], fontsize=8)
        ax.set_title(f"{y:g}")
        ax.set_xlabel(f"{word('male')}  |  {word('female')}  [{L.unit(word('pyramid_unit'))}]")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_ylabel(word("age_axis"))
    fig = axes[0].figure
    handles, names_ = axes[0].get_legend_handles_labels()
    if fig.get_layout_engine() is not None and len(axes) == len(fig.axes):
        fig.legend(handles, names_, loc="outside lower center", ncols=len(handles), fontsize=8)
    else:
        axes[0].legend(fontsize=8, loc="upper right")
    if title:
        axes[0].figure.suptitle(title)
    return list(axes)
