"""The system-dynamics engine: model representation, compiler, integrators, results.

Public names are re-exported here; modules:

- :mod:`.expr` -- equation syntax and expression trees;
- :mod:`.components` -- stocks, flows, auxiliaries, constants, lookups, time series, :class:`Model`;
- :mod:`.builtins` -- builtin functions (pure, stateful, stochastic) and their runtime helpers;
- :mod:`.compiler` -- expansion of stateful builtins, checks, dependency ordering (per element
  where a cycle needs it);
- :mod:`.codegen` -- expression trees to Python source (numpy for ensembles and arrays, Python
  floats for single runs of models without arrays) and the namespace generated code runs in;
- :mod:`.programs` -- the whole generated programs of a model;
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
from .simulate import (
    NonFiniteError,
    SettingsError,
    SimSettings,
    SimulationError,
    compiled,
    default_chunk_size,
    simulate,
)

__all__ = [
    "AlgebraicLoopError", "Aux", "Constant", "ExpressionError", "Flow", "Lookup", "Model",
    "ModelError", "NonFiniteError", "Results", "SettingsError", "SimSettings", "SimulationError", "Stock",
    "TimeSeries", "compiled", "default_chunk_size", "parse", "simulate",
]
