"""XMILE commands: run-xmile, export-xmile, check-units."""

from __future__ import annotations

from pathlib import Path

import click

from .errors import BadInput, friendly


def _parse_params(items: tuple[str, ...]) -> dict[str, float]:
    out = {}
    for it in items:
        if "=" not in it:
            raise BadInput(f"--param {it!r}: expected NAME=VALUE")
        k, v = it.split("=", 1)
        try:
            val = float(v)
        except ValueError:
            raise BadInput(f"--param {k}: {v!r} is not a number") from None
        if val != val or val in (float("inf"), float("-inf")):
            raise BadInput(f"--param {k}: value must be finite")
        out[k.strip()] = val
    return out


def _in_file(path: Path, exc: Exception) -> str:
    """The error's message on one line, starting with the file name (unless it names it already)."""
    msg = " ".join(str(exc).split())
    return msg if str(path) in msg else f"{path}: {msg}"


@click.command("run-xmile")
@click.argument("model_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Override a constant (repeatable).")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory for timeseries.csv + metadata.json (default: results/<model-file-stem>).")
@click.option("--force", is_flag=True, help="Replace an existing output directory (atomically).")
@friendly
def run_xmile_cmd(model_file: Path, params: tuple[str, ...], outdir: Path | None, force: bool) -> None:
    """Run an XMILE model file (Stella, Vensim or PySD export) with its own time settings."""
    from .._version import __version__
    from ..io import atomic_output_dir, write_results
    from ..io.results_files import OutputExistsError
    from ..xmile import XmileError, run_xmile

    target = outdir or Path("results") / model_file.stem
    if target.exists() and not force:
        raise OutputExistsError(f"{target}: output directory exists (use --force to replace it)")
    from ..engine import ModelError, SimulationError

    try:
        res = run_xmile(model_file, _parse_params(params))
    except (XmileError, ModelError, SimulationError) as exc:
        raise BadInput(_in_file(model_file, exc)) from None
    if not res.variables or res.times.size == 0:
        raise BadInput(f"{model_file}: the model has nothing to save (no variables or no saved times)")
    meta = {"regsim_version": __version__, "model_file": str(model_file), "model_contents":
            model_file.read_text(encoding="utf-8", errors="replace"), "params": _parse_params(params)}
    with atomic_output_dir(target, force=force) as tmp:
        write_results(res, tmp, scenario=model_file.stem, metadata=meta)
    click.echo(f"wrote {target / 'timeseries.csv'} ({len(res.variables)} variables, {res.times.size} saved times)")


@click.command("export-xmile")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="XMILE file to write.")
@click.option("--scenario", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Apply this scenario's levers, shocks and parameters (default: the baseline model).")
@click.option("--pysd-compat", is_flag=True, help="Work around PySD reader limits (element names, STARTTIME).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@friendly
def export_xmile(out: Path, scenario: Path | None, pysd_compat: bool, force: bool) -> None:
    """Write the Heilongjiang model as an XMILE file (arrays as XMILE dimensions)."""
    from ..scenarios import prepare
    from ..xmile import write

    if out.exists() and not force:
        raise BadInput(f"{out}: file exists (use --force to overwrite)")
    prep = prepare(scenario if scenario is not None else Path("scenarios/baseline.toml"))
    write(prep.model, out, prep.settings, pysd_compat=pysd_compat)
    click.echo(f"wrote {out} (model {prep.model.name}, scenario {prep.name})")


@click.command("check-units")
@click.argument("model_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--scenario", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Check the Heilongjiang model with this scenario applied.")
@friendly
def check_units_cmd(model_file: Path | None, scenario: Path | None) -> None:
    """Check dimensional consistency of every equation (the Heilongjiang model, or MODEL_FILE in XMILE).

    Reports each mismatch as `variable: expected ... found ...`; exit code 2 if any.
    """
    from ..xmile import XmileError, check_units, load

    if model_file is not None:
        try:
            model = load(model_file)
        except XmileError as exc:
            raise BadInput(_in_file(model_file, exc)) from None
        where = str(model_file)
    else:
        from ..scenarios import prepare

        model = prepare(scenario if scenario is not None else Path("scenarios/baseline.toml")).model
        where = f"model {model.name}"
    issues = check_units(model)
    for it in issues:
        click.echo(f"{where}: {it}", err=True)
    if issues:
        raise BadInput(f"{len(issues)} unit mismatch(es) in {where}")
    n = len([c for c in model.components if not getattr(c, "hidden", False)])
    click.echo(f"ok: {n} components of {where} are dimensionally consistent")
