"""Calibration of free model parameters to observed history (weighted least squares).

Modules:

- :mod:`.targets` -- the target config (which series, years, weights, unit conversions)
  and selection of the data rows;
- :mod:`.core` -- :func:`calibrate` (scipy.optimize.least_squares, imported lazily),
  identifiability diagnostics;
- :mod:`.pipeline` -- :func:`run_calibration`: config + parameter files + history scenario;
- :mod:`.writer` -- ``params/calibrated.toml`` with provenance.

Importing this package does not import scipy.optimize or matplotlib.
"""

from .core import (
    CalibrationError,
    CalibrationOptions,
    CalibrationResult,
    FreeParameter,
    Identifiability,
    calibrate,
    free_parameters,
    simulated_values,
)
from .pipeline import prepare_history, prior_parameters, run_calibration
from .targets import CalibrationConfig, ConfigError, ObservedSeries, TargetSpec, load_config, load_history, observe
from .writer import calibration_date, format_calibrated_toml, write_calibrated

__all__ = [
    "CalibrationConfig", "CalibrationError", "CalibrationOptions", "CalibrationResult", "ConfigError", "FreeParameter",
    "Identifiability", "ObservedSeries", "TargetSpec", "calibrate", "calibration_date", "format_calibrated_toml",
    "free_parameters", "load_config", "load_history", "observe", "prepare_history", "prior_parameters",
    "run_calibration", "simulated_values", "write_calibrated",
]
