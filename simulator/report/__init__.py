"""Self-contained HTML scenario reports (English or Chinese) for planners.

:func:`build_report` runs a scenario (and a comparison scenario) through the
package and returns one HTML page with every figure embedded: levers and
spending, headline results at key years, trajectories, trade by partner,
employment by sector, fan charts (with ``uncertainty``), returns on spending,
the key assumptions (parameters the result is most sensitive to, with sources),
the model's validation summary and the run's metadata.

Layer: above the ensemble and analysis layers, beside plotting; no click.
matplotlib is imported only while figures are drawn.
"""

from __future__ import annotations

from .data import ReportData, collect
from .i18n import LANGS, labels
from .render import SECTIONS, render, report_figures


def build_report(scenario_path, compare=None, uncertainty: int | None = None, lang: str = "en", *,
                 seed: int | None = None, sensitivity: str | None = "morris", validation: bool = True,
                 dpi: int = 100) -> str:
    """HTML report of a scenario.

    Parameters
    ----------
    scenario_path : path
        Scenario file (TOML).
    compare : path, optional
        Comparison scenario (usually ``scenarios/baseline.toml``); differences,
        returns on spending and paired uncertainty are against it.
    uncertainty : int, optional
        Ensemble size for fan charts (Latin hypercube over the uncertain parameters).
    lang : {"en", "zh"}
        Language of the labels and figures.
    seed : int, optional
        Seed of the uncertainty sample.
    sensitivity : {"morris", "oat", None}
        Key-assumptions method: Morris screening (sensitivity layer, SALib), one-at-a-time
        swings over each parameter's range, or skip.
    validation : bool
        Include the validation summary.
    dpi : int
        Resolution of the embedded figures.

    Returns
    -------
    str
        The HTML document.
    """
    labels(lang)  # validate early
    data = collect(scenario_path, compare, uncertainty=uncertainty, seed=seed, sensitivity=sensitivity,
                   validation=validation)
    return render(data, lang, dpi=dpi)


__all__ = ["LANGS", "SECTIONS", "ReportData", "build_report", "collect", "labels", "render", "report_figures"]
