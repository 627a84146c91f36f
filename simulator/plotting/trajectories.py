"""Trajectories of one or more scenarios on shared axes."""

from __future__ import annotations

from ..io.results_files import variable_cell


def plot_trajectories(frames: dict, variables: list[str], *, axes=None, units: dict | None = None, title: str = ""):
    """Plot scalar variables of several scenarios, one panel per variable.

    Parameters
    ----------
    frames : dict of str to DataFrame
        Scenario name -> long DataFrame with ``variable, dimension, year, value``
        (as written by ``regsim run``). Arrayed variables are summed over their
        cells unless a ``variable[element]`` is asked for.
    variables : list of str
        Variables to plot; ``name[element]`` selects one element,
        ``name[e1,e2]`` one cell of a variable over two dimensions (the
        ``dimension`` label of the long format).
    axes : sequence of Axes, optional
        Where to draw (one per variable); a new figure otherwise.
    units : dict, optional
        Variable -> unit for the y-axis labels (else the frame's ``unit`` column).

    Returns
    -------
    list of Axes
    """
    import matplotlib.pyplot as plt

    if axes is None:
        n = len(variables)
        cols = min(n, 2)
        rows = (n + cols - 1) // cols
        fig, ax = plt.subplots(rows, cols, figsize=(6.4 * cols, 3.8 * rows), squeeze=False)
        axes = list(ax.ravel())
        for extra in axes[n:]:
            extra.set_visible(False)
    for ax, var in zip(axes, variables):
        name, element = variable_cell(var)
        unit = (units or {}).get(name, "")
        for scen, df in frames.items():
            sub = df[df["variable"] == name]
            if element is not None:
                sub = sub[sub["dimension"] == element]
            if sub.empty:
                raise KeyError(f"scenario {scen!r} has no variable {var!r}")
            if not unit and "unit" in sub:
                unit = str(sub["unit"].iloc[0])
            series = sub.groupby("year")["value"].sum()
            ax.plot(series.index, series.values, label=scen, lw=1.8)
        ax.set_title(var)
        ax.set_xlabel("year")
        ax.set_ylabel(unit or "value")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title and axes:
        axes[0].figure.suptitle(title)
    return axes
