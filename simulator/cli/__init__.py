"""The ``regsim`` command line (click). Only this layer imports click.

Commands import their heavy dependencies lazily so ``regsim --help`` answers fast.
"""

from .main import main

__all__ = ["main"]
