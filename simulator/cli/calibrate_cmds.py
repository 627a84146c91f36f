"""Commands ``regsim calibrate`` and ``regsim validate-model``.

Both read the target config ``calibration/targets.toml`` (which series, years,
weights and unit conversions); ``validate-model`` also reads
``calibration/validation.toml`` (what the structural tests run).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from .errors import BadInput, friendly


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def _default_config() -> Path:
    return _repo_root() / "calibration" / "targets.toml"


def _default_structural() -> Path:
    return _repo_root() / "calibration" / "validation.toml"


def _rel(p: Path) -> str:
    """A path as it should appear in provenance: relative to the repository when inside it."""
    try:
        return str(Path(p).resolve().relative_to(_repo_root()))
    except ValueError:
        return str(p)


class _Progress:
    """One-line progress on stderr, only on a terminal and without --quiet."""

    def __init__(self, quiet: bool, label: str):
        self.on = not quiet and sys.stderr.isatty()
        self.label = label

    def __call__(self, *args):
        if not self.on:
            return
        if len(args) == 2:
            n, cost = args
            msg = f"{self.label}: evaluation {n}, objective {cost:.6g}"
        else:
            msg = f"{self.label}: {args[0]}"
        click.echo("\r\033[K" + msg, err=True, nl=False)

    def done(self):
        if self.on:
            click.echo("\r\033[K", err=True, nl=False)


def _calibration_errors():
    from ..calibration import CalibrationError, ConfigError

    return (CalibrationError, ConfigError)


def _fmt_result(result) -> str:
    from ..validation.report import backtest_rows, behaviour_table, text_table

    specs = [o.spec for o in result.observations]
    lines = []
    df = result.table()
    post = "post. sd" if result.prior_weight > 0 else "s.e."
    rows = [["parameter", "prior", "prior sd", "range", "estimate", post, "shift", "sd ratio", "|J|", "flags"]]
    for r in df.itertuples(index=False):
        se = "–" if r.std_error != r.std_error else f"{r.std_error:.2g}"
        rows.append([r.parameter, f"{r.prior:.4g}", f"{r.prior_sd:.2g}", f"[{r.lo:.4g}, {r.hi:.4g}]", f"{r.estimate:.4g}",
                     se, f"{r.shift:+.2f}", f"{r.sd_ratio:.2f}", f"{r.jac_norm:.3g}", r.flags or ""])
    est = ("penalised weighted least squares, prior weight lambda = " f"{result.prior_weight:g}"
           if result.prior_weight > 0 else "weighted least squares (no prior)")
    lines += [f"Estimates ({est}; shift = (estimate - prior) / prior sd):", text_table(rows), ""]
    lines += [f"Fit (years <= {result.until})" if result.until is not None else "Fit (all years):",
              text_table(behaviour_table(result.fit, specs, result.series, limits=False)), ""]
    if result.until is not None:
        lines += [f"Back-test (fit on years <= {result.until}, errors after):", text_table(backtest_rows(result)), ""]
    lines.append(f"Objective (data part) {result.initial_cost:.6g} (prior) -> {result.cost:.6g}"
                 + (f", prior part {result.prior_cost:.3g}" if result.prior_weight > 0 else "")
                 + f"; {result.nfev} evaluations; {result.message}")
    unid = result.identifiability.unidentified
    if unid:
        lines.append("Not pinned down by the data (flat, at a bound of the prior range, correlated, or resting on the "
                     "prior): " + ", ".join(unid))
    return "\n".join(lines)


@click.command("calibrate")
@click.option("--params", "params_dir", type=click.Path(path_type=Path), default=None,
              help="Directory of prior parameter files [default: params/]. calibrated.toml in it is ignored.")
@click.option("--data", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="History CSV file(s) (repeatable) [default: those named in the config].")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Target config: series, years, weights, unit conversions [default: calibration/targets.toml].")
@click.option("--until", type=int, default=None,
              help="Fit on data up to YEAR only and report the errors after it (back-test).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Parameter file to write [default: PARAMS/calibrated.toml; with --until, nothing unless given]. "
                   "A calibrated file regsim wrote is replaced (that is this command's job); any other existing "
                   "file is refused.")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no tables; print only the output path.")
@friendly
def calibrate(params_dir, data, config, until, output, quiet):
    """Estimate the parameters marked `free = true` from the historical series.

    Penalised weighted least squares (scipy.optimize.least_squares, bounded by
    each parameter's prior range, starting at its prior value: deterministic),
    with one prior residual per parameter weighted by the config's prior_weight
    (MAP-style: parameters the data cannot inform stay near their priors). The
    history scenario named in the config (the 2020-2022 border closure) is
    applied, so the pandemic years come from the shock, not from bent
    parameters. Writes a parameter file with provenance (source, fit statistics,
    prior range, posterior sd and shift from the prior) that scenarios use by
    default.
    """
    from ..calibration import format_calibrated_toml, run_calibration, write_calibrated
    from ..io import check_output_file
    from ..scenarios import default_params_dir

    cfg = config or _default_config()
    pdir = params_dir or default_params_dir()
    if output is None and until is None:
        output = Path(pdir) / "calibrated.toml"
    if output is not None:
        check_output_file(output, kind="calibrated parameter file", own=True)  # before the (long) fit
    prog = _Progress(quiet, "calibrate")
    try:
        result, ps, files = run_calibration(cfg, params_dir=pdir, data=list(data) or None, until=until, progress=prog)
    except _calibration_errors() as exc:
        raise BadInput(" ".join(str(exc).split())) from None
    finally:
        prog.done()
    if not quiet:
        click.echo(_fmt_result(result))
    if output is not None:
        argv = ["regsim", "calibrate"] + sys.argv[2:] if len(sys.argv) > 1 and sys.argv[1] == "calibrate" else \
            ["regsim", "calibrate"]
        text = format_calibrated_toml(result, ps, data_files=[_rel(f) for f in files],
                                      command=" ".join(shlex.quote(a) for a in argv))
        from ..io import atomic_output_file

        with atomic_output_file(output, kind="calibrated parameter file", own=True) as tmp:
            write_calibrated(tmp, text)
        click.echo(str(output) if quiet else f"\nWrote {output}")


def _write_validation(rep, output: Path, figure_dir: str, command: str, force: bool) -> list[Path]:
    """The report's figures, then the report file; each written atomically, replaced only with ``force``."""
    import io

    from ..io import atomic_output_file
    from ..validation.report import figures, to_markdown

    written, links = [], {}
    for key, fig in figures(rep).items():
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
        p = output.parent / figure_dir / f"{key}.png"
        with atomic_output_file(p, kind="figure", force=force) as tmp:
            tmp.write_bytes(buf.getvalue())
        written.append(p)
        links[key] = f"{figure_dir}/{key}.png"
    with atomic_output_file(output, kind="validation report", force=force) as tmp:
        tmp.write_text(to_markdown(rep, links, command), encoding="utf-8")
    return [output] + written


@click.command("validate-model")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=Path("validation/validation.md"),
              show_default=True, help="Markdown report to write (-o names the file); its figures go to "
                                      "<stem>-figures/ beside it (validation.md -> validation-figures/). An existing "
                                      "report is replaced only with --force.")
@click.option("--force", is_flag=True, help="Replace an existing report (and its figures) that regsim wrote.")
@click.option("--params", "params_dir", type=click.Path(path_type=Path), default=None,
              help="Parameter directory [default: params/, with calibrated.toml applied].")
@click.option("--data", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="History CSV file(s) [default: those named in the config].")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Target config [default: calibration/targets.toml].")
@click.option("--structural-config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Structural-test config [default: calibration/validation.toml].")
@click.option("--backtest-until", type=int, default=2019, show_default=True,
              help="Back-test: fit on years up to this, predict the rest.")
@click.option("--no-backtest", is_flag=True, help="Skip the back-test.")
@click.option("--no-structural", is_flag=True, help="Skip the structural tests.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the path of validation.md.")
@friendly
def validate_model(output, force, params_dir, data, config, structural_config, backtest_until, no_backtest,
                   no_structural, quiet):
    """Validate the model against history and write OUTPUT/validation.md with figures.

    Behaviour reproduction per series (MAPE, RMSE, R², Theil U^M/U^S/U^C) with
    the shipped parameters; an out-of-sample back-test (calibrate on years up to
    --backtest-until, predict the rest); identifiability of the calibrated
    parameters; Sterman's structural tests (extreme conditions, integration
    error, units, accounting identities). Exit code 1 if an acceptance limit or
    a structural test fails.
    """
    from ..io import check_output_file
    from ..validation.report import backtest_rows, behaviour_table, run_validation, text_table

    figure_dir = f"{output.stem}-figures"
    check_output_file(output, kind="validation report", force=force)
    fdir = output.parent / figure_dir
    if fdir.exists() and not fdir.is_dir():
        raise BadInput(f"{fdir}: the report's figure directory is a file")
    prog = _Progress(quiet, "validate-model")
    scfg = structural_config or _default_structural()
    try:
        rep = run_validation(config or _default_config(), params_dir=params_dir, data=list(data) or None,
                             structural_config=None if no_structural else scfg,
                             backtest_until=None if no_backtest else backtest_until, progress=prog)
    except _calibration_errors() as exc:
        raise BadInput(" ".join(str(exc).split())) from None
    finally:
        prog.done()
    argv = sys.argv[2:] if len(sys.argv) > 1 and sys.argv[1] == "validate-model" else []
    command = " ".join(["regsim", "validate-model", *(shlex.quote(a) for a in argv)])
    paths = _write_validation(rep, output, figure_dir, command, force)
    if quiet:
        click.echo(str(paths[0]))
    else:
        click.echo("Behaviour reproduction (shipped parameters):")
        click.echo(text_table(behaviour_table(rep.behaviour, rep.targets, rep.series)))
        for a in rep.acceptance:
            click.echo(f"  {a['target']}: MAPE {a['mape']:.2f}% (limit {a['limit']:g}%) "
                       + ("pass" if a["passed"] else "FAIL"))
        if rep.backtest is not None:
            click.echo(f"\nBack-test (fit on years <= {rep.backtest.until}):")
            click.echo(text_table(backtest_rows(rep.backtest)))
        if rep.structural:
            ok = sum(c.passed for c in rep.structural)
            click.echo(f"\nStructural tests: {ok} passed, {len(rep.structural) - ok} failed")
            for c in rep.structural:
                if not c.passed:
                    click.echo(f"  FAIL {c.test}: {c.name}: {c.detail}")
        click.echo(f"\nWrote {paths[0]} and {len(paths) - 1} figure(s)")
    if not rep.passed:
        sys.exit(1)
