"""regsim: a vectorised system-dynamics simulator for regional economic scenarios.

The public API is what ``__all__`` lists; everything else is internal. Importing
this package stays light: it does not import matplotlib, scipy.optimize, SALib
or dask (those load only in the commands that need them).
"""

from ._version import __version__
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

__all__ = [
    "__version__", "AlgebraicLoopError", "Aux", "Constant", "Flow", "Lookup", "Model",
    "ModelError", "NonFiniteError", "Results", "SimSettings", "Stock", "TimeSeries", "simulate",
]
