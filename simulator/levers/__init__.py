"""Policy levers: the brief's recommendations as settable model inputs.

Each lever is a documented mapping from money and settings to model constants.
The model (``simulator.model``) holds, for every lever ``<id>``, constants
``<id>_budget`` [100m yuan/yr], ``<id>_start`` [yr], ``<id>_end`` [yr],
``<id>_ramp`` [yr] and lever-specific ``<id>_<setting>`` constants; their units,
ranges and sources live in ``params/levers.toml``. This registry adds what the
files cannot say: the mechanism in words and the brief section it comes from.
What a lever touches in the model is *derived* from the model graph
(:func:`touched_by`), so the description cannot drift from the equations.
:mod:`.mechanisms` says which parameters are policy settings (fixed), accounting (fixed) and
uncertain mechanism parameters (sampled by the ensemble commands), and holds the literature's
ranges of each lever's return that ``docs/levers.md`` compares the model with.
"""

from .registry import COMMON_SETTINGS, LEVERS, Lever, get_lever, lever_settings, touched_by

__all__ = ["COMMON_SETTINGS", "LEVERS", "Lever", "get_lever", "lever_settings", "touched_by"]
