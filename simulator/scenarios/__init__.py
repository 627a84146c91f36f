"""Scenario files: levers, shocks and parameter overrides, applied to the model.

See :mod:`.schema` for the file format and :func:`prepare` for applying a scenario.
"""

from .apply import (
    Prepared,
    check_scenario,
    default_parameters,
    default_params_dir,
    prepare,
    shock_path,
    validate_scenario,
)
from .schema import SHOCK_SERIES, Scenario, ScenarioError, load_scenario

__all__ = ["SHOCK_SERIES", "Prepared", "Scenario", "ScenarioError", "check_scenario", "default_parameters",
           "default_params_dir", "load_scenario", "prepare", "shock_path", "validate_scenario"]
