"""``regsim report``: one self-contained HTML scenario report (English or Chinese)."""

from __future__ import annotations

import warnings
from pathlib import Path

import click

from .errors import BadInput, echo_err, friendly


def write_atomic(path: Path, text: str | bytes, *, force: bool = False, kind: str = "report") -> None:
    """Write ``path`` via a temporary file in the same directory (never half-written; see :mod:`simulator.io.outdir`)."""
    from ..io import atomic_output_file

    data = text.encode("utf-8") if isinstance(text, str) else text
    with atomic_output_file(path, kind=kind, force=force) as tmp:
        tmp.write_bytes(data)


@click.command("report")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--compare", "compare_to", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Comparison scenario (e.g. scenarios/baseline.toml): differences, returns and paired fans.")
@click.option("--uncertainty", type=click.IntRange(min=0), default=0, show_default=True,
              help="Ensemble size N for fan charts (0 = none; 200-1000 is typical).")
@click.option("--seed", type=int, default=None, help="Seed of the uncertainty sample (default: the scenario's).")
@click.option("--policy-as-designed", "as_designed", is_flag=True,
              help="Fix the lever-mechanism parameters at their central values in the ensembles (the policy as "
                   "designed); by default they are sampled with the economy's parameters.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of labels and figures.")
@click.option("--sensitivity", "sens", type=click.Choice(["morris", "oat", "none"]), default="morris", show_default=True,
              help="Key assumptions: Morris screening (SALib), one-at-a-time swings over each range, or none.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("report.html"),
              show_default=True, help="HTML file to write (-o names the file; replaced only with --force).")
@click.option("--figures-dir", type=click.Path(path_type=Path), default=None,
              help="Also write each figure as a PNG into this directory (e.g. for documentation); existing "
                   "figures of the same names are replaced only with --force.")
@click.option("--figure", "only", multiple=True,
              type=click.Choice(["spending", "trajectories", "trade", "employment", "fans", "tornado"]),
              help="With --figures-dir: write only these figures (repeatable).")
@click.option("--force", is_flag=True, help="Replace an existing report (and figures) that regsim wrote.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the output path.")
@friendly
def report(scenario: Path, compare_to: Path | None, uncertainty: int, seed: int | None, as_designed: bool, lang: str,
           sens: str, output: Path, figures_dir: Path | None, only: tuple[str, ...], force: bool, quiet: bool) -> None:
    """Write a self-contained HTML report of SCENARIO for planners.

    The page embeds every figure (no network needed to view it): levers and
    spending, headline results vs the comparison at 2025/2030/2035/2050,
    trajectories, trade by partner, employment by sector, fan charts (with
    --uncertainty N), the appraisal of the spending (GDP per yuan at 8%, jobs per
    100m yuan, trade effect, payback) as median and 90% band over a paired
    ensemble (the --uncertainty ensemble, else 100 members), the parameters the
    result is most sensitive to with their sources, the model's validation
    summary and the run's metadata. Lever-mechanism parameters are sampled in
    every ensemble unless --policy-as-designed. --lang zh labels everything in Chinese.
    """
    from ..engine import NonFiniteError
    from ..io import check_output_file
    from ..plotting.fonts import CJKFontWarning
    from ..report import collect, render, report_figures
    from ..scenarios import prepare
    from ..scenarios.diagnose import explain_nonfinite

    check_output_file(output, kind="report", force=force)
    preps = [prepare(p) for p in (scenario, compare_to) if p is not None]  # every input checked before the work
    if uncertainty:
        from .ensemble_cmds import _check_members

        _check_members(uncertainty, "--uncertainty")
    if figures_dir is not None:
        if figures_dir.exists() and not figures_dir.is_dir():
            raise BadInput(f"{figures_dir}: --figures-dir is a file, not a directory")
        keys = only or ("spending", "trajectories", "trade", "employment", "fans", "tornado")
        for key in keys:
            check_output_file(figures_dir / f"{preps[0].name}_{key}_{lang}.png", kind="figure", force=force)
    try:
        data = collect(scenario, compare_to, uncertainty=uncertainty or None, seed=seed,
                       sensitivity=None if sens == "none" else sens, lever_mechanisms=not as_designed)
    except NonFiniteError as exc:
        raise BadInput(explain_nonfinite(preps[0], exc)) from None
    from .run_cmds import _print_warnings

    _print_warnings(*preps)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CJKFontWarning)
        figs, fallback = report_figures(data, lang)
    for w in caught:
        if issubclass(w.category, CJKFontWarning):
            echo_err(f"regsim: warning: {w.message}")
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    html = render(data, lang, figures=figs, fallback=fallback)
    write_atomic(output, html, force=force)
    if figures_dir is not None:
        for key, png in figs.items():
            if only and key not in only:
                continue
            write_atomic(figures_dir / f"{data.prep.name}_{key}_{lang}.png", png, force=force, kind="figure")
    if quiet:
        click.echo(str(output))
        return
    n_written = len([k for k in figs if not only or k in only])
    extra = f", {n_written} figure(s) in {figures_dir}" if figures_dir is not None else ""
    click.echo(f"{data.prep.name}: report ({lang}, {len(figs)} figures, {len(html) / 1024:.0f} kB) -> {output}{extra}")
