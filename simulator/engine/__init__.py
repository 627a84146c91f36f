"""The system-dynamics engine: model representation, compiler, integrators, results.

Public names are re-exported here; modules:

- :mod:`.expr` -- equation syntax and expression trees;
- :mod:`.components` -- stocks, flows, auxiliaries, constants, lookups, time series, :class:`Model`;
- :mod:`.builtins` -- builtin functions (pure and stateful);
- :mod:`.compiler` -- expansion, dependency ordering, closures;
- :mod:`.simulate` -- :func:`simulate` and :class:`SimSettings`;
- :mod:`.results` -- :class:`Results`.
"""

from .components import (
    AlgebraicLoopError,
    Aux,
    Constant,
    Flow,
    Lookup,
    Model,
    ModelError,
    Stock,
    TimeSeries,
)
from .expr import ExpressionError, parse
from .results import Results
from .simulate import NonFiniteError, SettingsError, SimSettings, SimulationError, compiled, simulate

__all__ = [
    "AlgebraicLoopError", "Aux", "Constant", "ExpressionError", "Flow", "Lookup", "Model",
    "ModelError", "NonFiniteError", "Results", "SettingsError", "SimSettings", "SimulationError", "Stock",
    "TimeSeries", "compiled", "parse", "simulate",
]
