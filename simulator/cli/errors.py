"""One-line errors with exit code 2 for every bad input the CLI can meet.

Errors are mapped where they happen, so the message names the file and the
key (the readers, :mod:`simulator.scenarios`, :mod:`simulator.io.outdir`).
:func:`friendly` turns the package's error types into one line on stderr and
exit code 2; :func:`last_resort` is the CLI's final guard (installed on the
command group): whatever escapes still becomes one line, never a traceback
(``REGSIM_DEBUG=1`` shows the traceback for developers).
"""

from __future__ import annotations

import functools
import os
import sys

import click

EXIT_BAD_INPUT = 2


class BadInput(click.ClickException):
    """A user-facing error: printed as one line, exit code 2."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str):
        super().__init__(one_line(message))

    def show(self, file=None):
        click.echo(f"regsim: error: {self.format_message()}", err=True)


def one_line(msg) -> str:
    """``msg`` with every run of whitespace (newlines included) collapsed to one space."""
    return " ".join(str(msg).split())


def _known_errors() -> tuple[type[BaseException], ...]:
    from ..engine import ModelError, SettingsError, SimulationError
    from ..engine.expr import ExpressionError
    from ..inputfiles import InputFileError
    from ..io.outdir import OutputError
    from ..limits import LimitError
    from ..params import ParameterError
    from ..scenarios import ScenarioError

    return (ScenarioError, ParameterError, ModelError, ExpressionError, SimulationError, SettingsError,
            InputFileError, OutputError, LimitError)


def os_error_message(exc: OSError) -> str:
    """``path: problem`` for an OS error (disk full, permission denied, not a directory, name too long, ...)."""
    from ..inputfiles import os_problem

    names = [n for n in (getattr(exc, "filename", None), getattr(exc, "filename2", None)) if n]
    problem = os_problem(exc)
    if not names:
        return problem
    return f"{os.fsdecode(names[0]) if isinstance(names[0], bytes) else names[0]}: {problem}"


def message_of(exc: BaseException) -> str:
    """The one-line message for an exception escaping a command."""
    from ..io.outdir import OutputExistsError

    if isinstance(exc, OutputExistsError):
        return one_line(exc)
    if isinstance(exc, KeyError):
        return one_line(exc.args[0] if exc.args else "missing key")
    if isinstance(exc, OSError):
        s = str(exc)
        if getattr(exc, "errno", None) is None and s:  # raised with our own message
            return one_line(s)
        return one_line(os_error_message(exc))
    if isinstance(exc, MemoryError):
        return "out of memory: the input asks for more than this machine has (fewer members or steps?)"
    if isinstance(exc, RecursionError):
        return "input nested too deeply to process (see the limits in docs/reliability.md)"
    if isinstance(exc, ValueError) and "null byte" in str(exc):
        return "a path on the command line contains a NUL character"
    return one_line(exc)


def friendly(func):
    """Decorator: turn known input errors into one line on stderr and exit code 2 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except _known_errors() as exc:
            raise BadInput(message_of(exc)) from None
        except (OSError, KeyError, MemoryError, RecursionError) as exc:
            raise BadInput(message_of(exc)) from None
        except ValueError as exc:  # settings and other validation
            raise BadInput(message_of(exc)) from None
        except Exception as exc:
            raise last_resort(exc) from None

    return wrapper


def last_resort(exc: BaseException) -> click.ClickException:
    """The final guard: any exception as one line (a bug in regsim if it gets here)."""
    if os.environ.get("REGSIM_DEBUG"):
        raise exc
    if isinstance(exc, (OSError, MemoryError, RecursionError, KeyError)) or (
            isinstance(exc, ValueError) and "null byte" in str(exc)):
        return BadInput(message_of(exc))
    return BadInput(f"internal error ({type(exc).__name__}: {one_line(exc)[:300]}); this is a bug in regsim, please "
                    "report it with the command (REGSIM_DEBUG=1 shows the traceback)")


def echo_err(msg: str) -> None:
    """Print to stderr."""
    click.echo(msg, err=True)


def warn(msg: str) -> None:
    """A loud one-line warning on stderr."""
    click.echo(f"regsim: WARNING: {one_line(msg)}", err=True)


def note(msg: str) -> None:
    """A one-line note on stderr."""
    click.echo(f"regsim: note: {one_line(msg)}", err=True)


def fail(msg: str):
    """Raise a one-line bad-input error."""
    raise BadInput(msg)


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
