"""regsim: a vectorised system-dynamics simulator for regional economic scenarios.

The public API is what ``__all__`` lists; everything else is internal.

Quick start::

    from simulator import run_baseline, prepare, simulate, compare, returns_table

    base = run_baseline()                       # Heilongjiang, 2018-2050, prior parameters
    base.series("gdp_real")                     # pandas Series by year
    p = prepare("scenarios/port_investment.toml")
    alt = simulate(p.model, settings=p.settings, metadata=p.metadata)
    compare(base, {"port": alt})                # differences of headline variables
    returns_table(base, {"port": alt})          # appraisal metrics with units (PV at 8%, multipliers, paybacks)

Importing this package stays light: it does not import matplotlib, scipy.optimize,
SALib or dask (those load only in the commands that need them).
"""

from ._version import __version__
from .analysis import HEADLINE as HEADLINE_SUMMARY
from .analysis import AppraisalSettings, compare, headline_table, member_returns, metric_bands, returns_table, summary_metrics
from .engine import (
    AlgebraicLoopError,
    Aux,
    Constant,
    Flow,
    Lookup,
    Model,
    ModelError,
    NonFiniteError,
    Results,
    SimSettings,
    Stock,
    TimeSeries,
    simulate,
)
from .model import HEADLINE, build_model, run_baseline
from .params import ParameterError, ParameterSet, load_parameters
from .scenarios import Prepared, ScenarioError, default_parameters, load_scenario, prepare

__all__ = [
    "__version__",
    # engine
    "AlgebraicLoopError", "Aux", "Constant", "Flow", "Lookup", "Model", "ModelError", "NonFiniteError",
    "Results", "SimSettings", "Stock", "TimeSeries", "simulate",
    # the Heilongjiang model, parameters and scenarios
    "HEADLINE", "build_model", "run_baseline", "ParameterError", "ParameterSet", "load_parameters",
    "Prepared", "ScenarioError", "default_parameters", "load_scenario", "prepare",
    # comparison and appraisal (present values, multipliers, paybacks, national view)
    "HEADLINE_SUMMARY", "compare", "headline_table", "summary_metrics",
    "AppraisalSettings", "member_returns", "metric_bands", "returns_table",
]
