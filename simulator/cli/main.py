"""Entry point of the ``regsim`` command group.

Commands live in small modules of this package and are imported only when
invoked (``regsim --help`` lists them from :data:`COMMANDS` without importing
numpy, pandas or matplotlib), so the help answers fast.
"""

from __future__ import annotations

import importlib

import click

from .._version import __version__

#: command name -> ("module", "attribute", "one-line help"); modules are relative to simulator.cli
COMMANDS: dict[str, tuple[str, str, str]] = {}


def register(name: str, module: str, attr: str, help: str) -> None:
    """Register a lazily imported command."""
    COMMANDS[name] = (module, attr, help)


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use.

    It is also the CLI's last line of defence: an exception no command mapped
    to a message still ends as one line and exit code 2, never a traceback
    (:func:`simulator.cli.errors.last_resort`).
    """

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise _one_line_usage(exc) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _one_line_usage(exc) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # `regsim list | head`: the reader went away
            import os
            import sys

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(1) from None
        except Exception as exc:
            from .errors import last_resort

            raise last_resort(exc) from None

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx, name):
        cmd = super().get_command(ctx, name)
        if cmd is not None or name not in COMMANDS:
            return cmd
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(f"simulator.cli.{module}"), attr)

    def format_commands(self, ctx, formatter):
        rows = [(n, COMMANDS[n][2]) for n in sorted(COMMANDS)]
        rows += [(n, self.commands[n].get_short_help_str()) for n in sorted(self.commands) if n not in COMMANDS]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(sorted(rows))


def _one_line_usage(exc: click.UsageError) -> click.ClickException:
    """A usage error (bad option, missing argument) as one line naming the command and the option."""
    from .errors import BadInput

    cmd = exc.ctx.command_path if exc.ctx is not None else "regsim"
    return BadInput(f"{cmd}: {exc.format_message()} (see `{cmd} --help`)")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="regsim")
def main() -> None:
    """regsim -- regional economic scenario simulator (system dynamics).

    Run what-if scenarios for Heilongjiang's trade, output and employment,
    compare them, and explore uncertainty.

    Every -o names exactly what the command writes: a result directory (run,
    run-xmile, uncertainty, sensitivity) or a file (compare, plot, report,
    export-xmile, calibrate, validate-model), never a parent folder. An
    existing output is replaced only with --force, and --force replaces only
    what regsim wrote. Bad input: one line naming the file and key, exit code
    2. See docs/reliability.md.
    """


# name, module, function, help -- one line per command keeps merges easy
register("run", "run_cmds", "run", "Run a scenario file and write its results.")
register("compare", "run_cmds", "compare_cmd", "Compare alternative scenarios against a base scenario.")
register("plot", "run_cmds", "plot", "Plot trajectories of scenarios or results directories.")
register("list", "run_cmds", "list_cmd", "List the scenarios with their descriptions.")
register("levers", "run_cmds", "levers", "List the policy levers; `levers show NAME` for details.")
register("validate", "run_cmds", "validate", "Check parameter and scenario files; report every problem.")
register("run-xmile", "xmile_cmds", "run_xmile_cmd", "Run an XMILE model file (Stella/Vensim/PySD).")
register("export-xmile", "xmile_cmds", "export_xmile", "Write the Heilongjiang model as XMILE.")
register("check-units", "xmile_cmds", "check_units_cmd", "Check dimensional consistency of the model's equations.")
register("uncertainty", "ensemble_cmds", "uncertainty", "Sample uncertain parameters and run the ensemble (quantiles).")
register("sensitivity", "ensemble_cmds", "sensitivity", "Sobol'/Morris sensitivity of one output to the parameters.")
register("calibrate", "calibrate_cmds", "calibrate", "Fit free parameters to Heilongjiang history.")
register("validate-model", "calibrate_cmds", "validate_model", "Behaviour-reproduction and structural validation report.")
register("report", "report_cmds", "report", "Write a self-contained HTML scenario report.")
