"""Typed, validated model parameters loaded from TOML files (``params/*.toml``).

Public names: :func:`load_parameters`, :class:`Parameter`, :class:`ParameterSet`,
:class:`ParameterError`, :data:`DISTRIBUTIONS`. See :mod:`.loader` for the file
format and :mod:`.arrays` for parameters over two or more dimensions (tables keyed
by element names; ``load_parameters(..., dimensions=model.dimensions)``).
"""

from .loader import (
    ALLOWED_FIELDS,
    DISTRIBUTIONS,
    OVERLAY_FILES,
    Parameter,
    ParameterError,
    ParameterSet,
    load_parameters,
)

__all__ = ["ALLOWED_FIELDS", "DISTRIBUTIONS", "OVERLAY_FILES", "Parameter", "ParameterError", "ParameterSet", "load_parameters"]
