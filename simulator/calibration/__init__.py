"""Calibration of free model parameters to observed history (penalised weighted least squares).

Modules:

- :mod:`.targets` -- the target config (which series, years, weights, unit conversions)
  and selection of the data rows;
- :mod:`.core` -- :func:`calibrate` (scipy.optimize.least_squares, imported lazily) with a
  prior residual per parameter (MAP-style), posterior sd and identifiability diagnostics;
- :mod:`.pipeline` -- :func:`run_calibration`: config + parameter files + history scenario;
- :mod:`.writer` -- ``params/calibrated.toml`` with provenance.

Importing this package does not import scipy.optimize or matplotlib.
"""

from .core import (
    DEFAULT_PRIOR_WEIGHT,
    CalibrationError,
    CalibrationOptions,
    CalibrationResult,
    FreeParameter,
    Identifiability,
    calibrate,
    free_parameters,
    prior_sd,
    simulated_values,
)
from .pipeline import prepare_history, prior_parameters, run_calibration
from .targets import CalibrationConfig, ConfigError, ObservedSeries, TargetSpec, load_config, load_history, observe
from .writer import calibration_date, format_calibrated_toml, write_calibrated

__all__ = [
    "DEFAULT_PRIOR_WEIGHT", "CalibrationConfig",
    "CalibrationError", "CalibrationOptions", "CalibrationResult", "ConfigError", "FreeParameter",
    "Identifiability", "ObservedSeries", "TargetSpec", "calibrate", "calibration_date", "format_calibrated_toml",
    "free_parameters", "load_config", "load_history", "observe", "prepare_history", "prior_parameters", "prior_sd",
    "run_calibration", "simulated_values", "write_calibrated",
]
