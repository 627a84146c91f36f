"""Entry point of the ``regsim`` command group."""

from __future__ import annotations

import click

from .._version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="regsim")
def main() -> None:
    """regsim -- regional economic scenario simulator (system dynamics).

    Run what-if scenarios for Heilongjiang's trade, output and employment,
    compare them, and explore uncertainty.
    """
