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
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path), default=None,
              help="Result directory to write (timeseries.csv + metadata.json) [default: results/<model-file-stem>]. "
                   "-o names the result directory itself; an existing one regsim wrote is replaced only with --force.")
@click.option("--force", is_flag=True, help="Replace an existing result directory that regsim wrote (atomically).")
@click.option("--max-steps", type=click.IntRange(min=1), default=None,
              help="Cap on integration steps (default 200000, or REGSIM_MAX_STEPS).")
@friendly
def run_xmile_cmd(model_file: Path, params: tuple[str, ...], outdir: Path | None, force: bool,
                  max_steps: int | None) -> None:
    """Run an XMILE model file (Stella, Vensim or PySD export) with its own time settings."""
    from .._version import __version__
    from ..inputfiles import read_bytes
    from ..io import atomic_output_dir, prepare_output_dir, write_results
    from ..limits import limit
    from .errors import note
    from .xmile_boundary import run_model

    target = outdir or Path("results") / model_file.stem
    overrides = _parse_params(params)
    prepare_output_dir(target, force=force, notes=note, suggest=model_file.stem)
    res = run_model(model_file, overrides, max_steps=max_steps)
    if not res.variables or res.times.size == 0:
        raise BadInput(f"{model_file}: the model has nothing to save (no variables or no saved times)")
    text = read_bytes(model_file, what="model file", max_bytes=limit("MAX_XMILE_BYTES")).decode("utf-8", "replace")
    meta = {"regsim_version": __version__, "model_file": str(model_file), "model_contents": text,
            "params": overrides}
    with atomic_output_dir(target, force=force, command="run-xmile", notes=note) as tmp:
        write_results(res, tmp, scenario=model_file.stem, metadata=meta)
    click.echo(f"wrote {target / 'timeseries.csv'} ({len(res.variables)} variables, {res.times.size} saved times)")


@click.command("export-xmile")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True,
              help="XMILE file to write (-o names the file; replaced only with --force).")
@click.option("--scenario", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Apply this scenario's levers, shocks and parameters (default: the baseline model).")
@click.option("--pysd-compat", is_flag=True, help="Work around PySD reader limits (element names, STARTTIME).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@friendly
def export_xmile(out: Path, scenario: Path | None, pysd_compat: bool, force: bool) -> None:
    """Write the Heilongjiang model as an XMILE file (arrays as XMILE dimensions)."""
    from ..io import atomic_output_file, check_output_file
    from ..scenarios import prepare
    from ..xmile import write

    check_output_file(out, kind="XMILE model", force=force)
    prep = prepare(scenario if scenario is not None else Path("scenarios/baseline.toml"))
    with atomic_output_file(out, kind="XMILE model", force=force) as tmp:
        write(prep.model, tmp, prep.settings, pysd_compat=pysd_compat)
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
    from .xmile_boundary import check_units_checked, load_model

    if model_file is not None:
        model = load_model(model_file)
        where = str(model_file)
    else:
        from ..scenarios import prepare

        model = prepare(scenario if scenario is not None else Path("scenarios/baseline.toml")).model
        where = f"model {model.name}"
    issues = check_units_checked(model, where)
    for it in issues:
        click.echo(f"{where}: {it}", err=True)
    if issues:
        raise BadInput(f"{len(issues)} unit mismatch(es) in {where}")
    n = len([c for c in model.components if not getattr(c, "hidden", False)])
    click.echo(f"ok: {n} components of {where} are dimensionally consistent")
