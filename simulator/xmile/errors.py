"""Errors raised while reading, writing or checking XMILE models."""

from __future__ import annotations


class XmileError(ValueError):
    """A model file that cannot be read, or a construct regsim does not support.

    The message names the construct and, where there is one, the variable.

    Attributes
    ----------
    variable : str or None
        The variable (as named in the file) where the problem was found.
    construct : str or None
        The unsupported XMILE construct (``"macro"``, ``"conveyor"``, ...).
    """

    def __init__(self, message: str, *, variable: str | None = None, construct: str | None = None):
        self.variable = variable
        self.construct = construct
        prefix = f"variable {variable!r}: " if variable else ""
        super().__init__(prefix + message)
