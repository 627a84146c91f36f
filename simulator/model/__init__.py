"""The Heilongjiang regional economy model (system dynamics), one module per block.

Public entry points:

- :func:`build_model` -- the :class:`~simulator.engine.Model` built from ``params/``
  (or a given :class:`~simulator.params.ParameterSet`) and ``data/drivers/``;
- :func:`run_baseline` -- build and simulate in one call;
- :data:`HEADLINE` -- the stable headline variable names;
- :data:`SECTORS`, :data:`PARTNERS`, :data:`LEVERS`, :data:`BLOCKS`.

Example
-------
>>> from simulator.model import run_baseline
>>> res = run_baseline()
>>> res["gdp_real"].shape          # (runs, years 2018..2050)
(1, 33)
"""

from ._base import DIMENSIONS, LEVERS, PARTNERS, SECTORS, data_dir, params_dir
from .build import (
    BLOCKS,
    HEADLINE,
    build_model,
    default_parameters,
    load_model_parameters,
    model_constants,
    run_baseline,
)

__all__ = [
    "BLOCKS", "DIMENSIONS", "HEADLINE", "LEVERS", "PARTNERS", "SECTORS", "build_model", "data_dir",
    "default_parameters", "load_model_parameters", "model_constants", "params_dir", "run_baseline",
]
