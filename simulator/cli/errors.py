"""One-line errors with exit code 2 for every bad input the CLI can meet."""

from __future__ import annotations

import functools
import sys

import click

EXIT_BAD_INPUT = 2


class BadInput(click.ClickException):
    """A user-facing error: printed as one line, exit code 2."""

    exit_code = EXIT_BAD_INPUT

    def show(self, file=None):
        click.echo(f"regsim: error: {self.format_message()}", err=True)


def _known_errors() -> tuple[type[BaseException], ...]:
    from ..engine import ModelError, SimulationError
    from ..engine.expr import ExpressionError
    from ..io.results_files import OutputExistsError
    from ..params import ParameterError
    from ..scenarios import ScenarioError

    return (ScenarioError, ParameterError, ModelError, ExpressionError, SimulationError, OutputExistsError,
            FileNotFoundError, IsADirectoryError, PermissionError, KeyError)


def friendly(func):
    """Decorator: turn known input errors into one line on stderr and exit code 2 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except click.ClickException:
            raise
        except _known_errors() as exc:
            msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            raise BadInput(" ".join(str(msg).split())) from None
        except ValueError as exc:  # settings and other validation
            raise BadInput(" ".join(str(exc).split())) from None

    return wrapper


def echo_err(msg: str) -> None:
    """Print to stderr."""
    click.echo(msg, err=True)


def fail(msg: str):
    """Raise a one-line bad-input error."""
    raise BadInput(msg)


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
