"""XMILE interoperability: read, run and write standard system-dynamics models.

XMILE (OASIS standard, 2015) is the file format shared by Stella, Vensim,
PySD and other system-dynamics tools.

- :func:`load` / :func:`read` -- an XMILE file -> a regsim :class:`~simulator.engine.Model`
  (equations are parsed into expression trees, never evaluated as code);
- :func:`run_xmile` -- read and simulate with the file's own time settings;
- :func:`write` -- a regsim model -> an XMILE file (arrays as XMILE dimensions);
- :func:`check_units` -- dimensional consistency of a model's equations.

See ``docs/xmile.md`` for what is supported and the conformance results.
"""

from .errors import XmileError
from .reader import SimSpecs, XmileModel, load, read, read_string
from .run import run_xmile
from .units import UnitIssue, check_units, parse_units
from .writer import to_string, write

__all__ = ["SimSpecs", "UnitIssue", "XmileError", "XmileModel", "check_units", "load", "parse_units", "read",
           "read_string", "run_xmile", "to_string", "write"]
