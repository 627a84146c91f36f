"""The CLI's boundary with the XMILE layer: every error names the model file (issue 11).

The XMILE reader and writer (``simulator/xmile/``) raise their own errors,
and the engine raises its own while compiling or running a model read from a
file; none of them knows the file. This module reads, checks and runs a model
file for the commands and turns anything they raise into one line
``FILE: [variable 'x': ]problem``. Kept apart from ``xmile_cmds.py`` so the
XMILE commands can grow without touching it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .errors import BadInput, one_line

#: what the engine's settings fields are called in an XMILE file
_SPEC_KEYS = {"start": "sim_specs start", "stop": "sim_specs stop", "dt": "sim_specs dt",
              "save_every": "sim_specs save_per", "method": "sim_specs method", "max_steps": "--max-steps"}


def _errors():
    from ..engine import ModelError, SimulationError
    from ..engine.expr import ExpressionError
    from ..inputfiles import InputFileError
    from ..xmile import XmileError

    return (XmileError, ModelError, ExpressionError, SimulationError, InputFileError, ValueError, KeyError,
            IndexError, TypeError, AttributeError, RecursionError, MemoryError, OSError)


def problem(path, exc: BaseException) -> str:
    """``path: message`` (the path only once, if the message already starts with it)."""
    from .errors import message_of

    msg = message_of(exc)
    p = str(path)
    if msg.startswith(p + ":"):
        return msg
    if msg.startswith(f"cannot read {p}:"):
        return f"{p}: {msg[len(f'cannot read {p}:'):].strip()}"
    return f"{p}: {msg}"


def read_model(path: Path):
    """The :class:`~simulator.xmile.XmileModel` of ``path``, or one line naming the file."""
    from ..limits import limit
    from ..xmile import read

    try:
        xm = read(path, max_bytes=limit("MAX_XMILE_BYTES"))
    except _errors() as exc:
        raise BadInput(problem(path, exc)) from None
    _check_finite(xm, path)
    return xm


def _check_finite(xm, path: Path) -> None:
    """Refuse constants and graphical functions holding NaN or infinity (``1e400`` overflows to inf)."""
    import numpy as np

    for c in xm.model.components:
        values = []
        if c.kind == "constant":
            try:
                values = [("value", np.asarray(c.array(xm.model.size(c.name)), dtype=float))]
            except (TypeError, ValueError):
                continue
        elif c.kind in ("lookup", "timeseries"):
            values = [("x points", np.asarray(c.x, dtype=float)), ("y points", np.asarray(c.y, dtype=float))]
        for what, a in values:
            if a.size and not np.all(np.isfinite(a)):
                shown = xm.names.get(c.name, c.name)
                raise BadInput(f"{path}: variable {shown!r}: {what} not finite ({a[~np.isfinite(a)].ravel()[0]}); "
                               "values must be finite (a literal like 1e400 overflows to infinity)")


def settings(xm, path: Path, *, max_steps: int | None = None):
    """The file's time settings, with the step cap checked (messages name the ``sim_specs`` key)."""
    from ..engine import SettingsError
    from ..xmile import XmileError

    try:
        st = xm.settings()
        if max_steps is not None:
            st = replace(st, max_steps=max_steps)
        st.check_steps()
    except SettingsError as exc:
        raise BadInput(f"{path}: {_SPEC_KEYS.get(exc.field, exc.field)}: {exc.problem}") from None
    except (XmileError, ValueError) as exc:
        raise BadInput(problem(path, exc)) from None
    return st


def compile_checked(model, path: Path):
    """Compile ``model`` (read from ``path``): compile-time errors name the file."""
    from ..engine import compiled

    try:
        return compiled(model)
    except _errors() as exc:
        raise BadInput(problem(path, exc)) from None


def run_model(path: Path, params: dict, *, max_steps: int | None = None):
    """Read, check and run the model file; ``Results`` named as in the file."""
    from ..engine import NonFiniteError
    from ..xmile import run_xmile

    xm = read_model(path)
    st = settings(xm, path, max_steps=max_steps)
    for k in params:
        try:
            xm.resolve(k)
        except KeyError:
            raise BadInput(f"--param {k}: {path} has no variable {k!r}") from None
    compile_checked(xm.model, path)
    try:
        return run_xmile(path, params, settings=st)
    except NonFiniteError as exc:
        shown = xm.names.get(exc.variable, exc.variable)
        hint = ""
        set_by_cli = [k for k in params if _feeds(xm, k, exc.variable)]
        if set_by_cli:
            hint = f"; it depends on --param {', '.join(set_by_cli)}"
        raise BadInput(f"{path}: variable {shown!r}: non-finite value (NaN or infinity) at time {exc.time:g}"
                       f"{hint}") from None
    except _errors() as exc:
        raise BadInput(problem(path, exc)) from None


def _feeds(xm, param: str, variable: str) -> bool:
    from ..engine import compiled
    from ..scenarios.diagnose import ancestors

    try:
        return xm.resolve(param) in ancestors(compiled(xm.model).components, variable)
    except Exception:
        return False


def load_model(path: Path):
    """The regsim :class:`~simulator.engine.Model` of an XMILE file (for ``check-units``)."""
    return read_model(path).model


def check_units_checked(model, where: str):
    """``check_units(model)``; errors name ``where``."""
    from ..xmile import check_units

    try:
        return check_units(model)
    except _errors() as exc:
        raise BadInput(f"{where}: {one_line(exc)}") from None
