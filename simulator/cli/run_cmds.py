"""Planner commands: run, compare, plot, list, levers, validate."""

from __future__ import annotations

import time
from pathlib import Path

import click

from .._version import __version__
from .errors import BadInput, friendly, note, warn

DEFAULT_SCENARIO_DIR = Path("scenarios")


def _simulate_prepared(prep, seed=None):
    from ..engine import NonFiniteError, simulate

    meta = dict(prep.metadata)
    meta.update({"regsim_version": __version__, "seed": seed if seed is not None else prep.metadata.get("seed")})
    t0 = time.perf_counter()
    try:
        res = simulate(prep.model, settings=prep.settings, metadata=meta)
    except NonFiniteError as exc:
        from ..scenarios.diagnose import explain_nonfinite

        raise BadInput(explain_nonfinite(prep, exc)) from None
    res.metadata["run_seconds"] = round(time.perf_counter() - t0, 4)
    res.metadata["run_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return res


def _prepare(path, max_steps=None):
    """``prepare(path)`` (its warnings are printed by :func:`_print_warnings` once the work succeeded)."""
    from ..scenarios import prepare

    return prepare(path, max_steps=max_steps)


def _print_warnings(*preps) -> None:
    """Print every warning of the prepared scenarios, loudly, on stderr (once each).

    Commands call it after their runs succeeded: when a run fails, its one-line
    error says what matters (and names the same key when a warned setting is the cause).
    """
    seen = set()
    for prep in preps:
        for w in getattr(prep, "warnings", ()) if prep is not None else ():
            if w not in seen:
                seen.add(w)
                warn(w)


def _run_scenario(path, max_steps=None):
    prep = _prepare(path, max_steps)
    res = _simulate_prepared(prep)
    _print_warnings(prep)
    return res


OUTPUT_HELP = ("-o names exactly what is written, for every command: here the result directory itself. It must not "
               "exist, be empty, or be a result directory regsim wrote (replaced only with --force).")


def _default_baseline(scenario: Path) -> Path | None:
    cand = scenario.parent / "baseline.toml"
    return cand if cand.exists() and cand.resolve() != scenario.resolve() else None


def _fmt_table(df, floatfmt="{:,.1f}", fine_rows=()) -> str:
    """Plain-text table; rows in ``fine_rows`` (shares, unit 1) get four decimals except in % columns."""
    cols = [str(c) for c in df.columns]

    def fmt(i, c, v):
        if not isinstance(v, float):
            return str(v)
        return f"{v:.4f}" if i in fine_rows and not c.startswith("%") else floatfmt.format(v)

    rows = [[str(i)] + [fmt(i, c, v) for c, v in zip(cols, r)] for i, r in
            zip(df.index, df.itertuples(index=False))]
    head = [df.index.name or ""] + cols
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(x.ljust(w) if i == 0 else x.rjust(w) for i, (x, w) in enumerate(zip(r, widths))))
    return "\n".join(lines)


@click.command("run")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path), default=None,
              help="Result directory to write [default: results/<scenario-name>]. " + OUTPUT_HELP)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@click.option("--force", is_flag=True, help="Replace an existing result directory that regsim wrote (atomically).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Scenario to compare against in the summary (default: baseline.toml beside SCENARIO).")
@click.option("--max-steps", type=click.IntRange(min=1), default=None,
              help="Cap on integration steps (default 200000, or REGSIM_MAX_STEPS).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the output path.")
@friendly
def run(scenario: Path, outdir: Path | None, fmt: str, force: bool, baseline: Path | None, max_steps: int | None,
        quiet: bool) -> None:
    """Run SCENARIO (a TOML file) and write its trajectories.

    Writes DIR/timeseries.csv (long format: scenario, variable, dimension,
    year, value, unit) and DIR/metadata.json (scenario files, parameter hash,
    seed, regsim version, run time), DIR being -o (default
    results/<scenario-name>), then prints headline results at key years and the
    difference from the baseline. Everything (both scenarios, the output
    directory) is checked before anything is written.
    """
    from ..analysis import compare, headline_table
    from ..io import atomic_output_dir, prepare_output_dir, write_results

    prep = _prepare(scenario, max_steps)
    target = outdir if outdir is not None else Path("results") / prep.name
    prepare_output_dir(target, force=force, notes=note, suggest=prep.name)
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise BadInput("--format parquet needs pyarrow: pip install 'regsim[parquet]'") from None
    base_path = baseline if baseline is not None else (None if quiet else _default_baseline(scenario))
    base_prep = _prepare(base_path, max_steps) if base_path is not None else None
    res = _simulate_prepared(prep)
    base = _simulate_prepared(base_prep) if base_prep is not None else None
    _print_warnings(prep, base_prep)
    with atomic_output_dir(target, force=force, command="run", notes=note) as tmp:
        path = write_results(res, tmp, scenario=prep.name, fmt=fmt)
    final = target / path.name
    if quiet:
        click.echo(str(final))
        return
    import textwrap

    desc = " ".join(prep.scenario.description.split())
    click.echo(textwrap.fill(f"scenario {prep.name}: {desc}", 100) + "\n")
    shares = [v for v, u in res.units.items() if u == "1"]
    click.echo(_fmt_table(headline_table(res), fine_rows=shares))
    if base is not None:
        diff = compare(base, {prep.name: res})
        piv = diff.pivot_table(index="variable", columns="year", values="diff", sort=False)
        piv.index.name = f"vs {base.metadata.get('scenario', 'baseline')}"
        click.echo("")
        click.echo(_fmt_table(piv, fine_rows=shares))
    click.echo(f"\nwrote {final} and {target / 'metadata.json'}")


@click.command("compare")
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("alternatives", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="CSV file for the full comparison [default: results/compare_<base>.csv]. -o names the file "
                   "written; an existing one is replaced only with --force.")
@click.option("--force", is_flag=True, help="Replace an existing comparison CSV that regsim wrote.")
@click.option("--uncertainty", "n_members", type=click.IntRange(min=0), default=0, show_default=True,
              help="Ensemble size N: the appraisal metrics as median and 90%% band over N paired members "
                   "(every uncertain parameter sampled, lever mechanisms included); 0 = one run.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed of the --uncertainty sample (default: the base scenario's, else 20240501).")
@click.option("--policy-as-designed", "as_designed", is_flag=True,
              help="With --uncertainty: fix the lever-mechanism parameters at their central values (the policy as "
                   "designed); only the economy's parameters are sampled.")
@friendly
def compare_cmd(base: Path, alternatives: tuple[Path, ...], out: Path | None, force: bool, n_members: int,
                seed: int | None, as_designed: bool) -> None:
    """Compare ALTERNATIVES against BASE (scenario files).

    Prints differences of the headline variables (absolute and %) at key years and,
    per scenario, the appraisal metrics with their units (present value of GDP gained
    over present value of spending at 8%, 6% and 3%, impact multipliers beside the
    Chinese evidence, GDP and fiscal payback, the national view, job-years per 100m
    yuan; see simulator.analysis.returns); writes the comparison as CSV.
    Every scenario and the output file are checked before anything runs.

    With --uncertainty N the appraisal is a paired ensemble: BASE and every
    alternative run on the same N draws of every uncertain parameter (lever
    mechanisms included unless --policy-as-designed), and each metric is shown as
    its median and 90% band [p5, p95]; the bands are also written to
    <output stem>_bands.csv and the sampled parameters to <output stem>_sampled.csv.
    """
    import pandas as pd

    from ..analysis import compare, returns_table
    from ..io import atomic_output_file, check_output_file
    from .returns_view import format_return_bands, format_returns, returns_long

    if as_designed and not n_members:
        raise BadInput("--policy-as-designed needs --uncertainty N (it says which parameters the ensemble samples)")
    bprep = _prepare(base)
    aprep = [(p, _prepare(p)) for p in alternatives]
    out = out or Path("results") / f"compare_{bprep.name}.csv"
    extra = [out.with_name(out.stem + s + ".csv") for s in ("_bands", "_sampled")] if n_members else []
    for path in (out, *extra):
        check_output_file(path, kind="comparison table", force=force)
    if n_members:
        from .ensemble_cmds import _check_members

        _check_members(n_members, "--uncertainty")
    b = _simulate_prepared(bprep)
    alts = {}
    preps = {}
    for p, ap in aprep:
        r = _simulate_prepared(ap)
        name = r.metadata["scenario"]
        if name in alts or name == b.metadata["scenario"]:
            name = f"{name} ({p})"
        alts[name] = r
        preps[name] = ap
    _print_warnings(bprep, *(ap for _, ap in aprep))
    diff = compare(b, alts)
    metrics = returns_table(b, alts)
    for name in alts:
        sub = diff[diff.scenario == name]
        t = sub.pivot_table(index="variable", columns="year", values="diff", sort=False)
        p = sub.pivot_table(index="variable", columns="year", values="pct", sort=False)
        t.columns = [f"{c}" for c in t.columns]
        t[f"% {p.columns[-1]}"] = p[p.columns[-1]]
        t.index.name = f"{name} - {b.metadata['scenario']}"
        click.echo(_fmt_table(t, fine_rows=[v for v, u in b.units.items() if u == "1"]))
        click.echo("")
    bands = sampled = None
    if n_members:
        bands, sampled = _compare_bands(bprep, preps, n_members, seed, as_designed)
        click.echo(format_return_bands(bands, sampled))
    else:
        click.echo(format_returns(metrics))
    long_metrics = returns_long(metrics)
    full = pd.concat([diff, long_metrics], ignore_index=True)
    with atomic_output_file(out, kind="comparison table", force=force) as tmp:
        full.to_csv(tmp, index=False)
    if bands is not None:
        for path, table in zip(extra, (bands.table, sampled)):
            with atomic_output_file(path, kind="comparison table", force=force) as tmp:
                table.to_csv(tmp, index=False)
    click.echo(f"\nwrote {', '.join(str(w) for w in (out, *extra))}")


def _compare_bands(bprep, preps: dict, n: int, seed: int | None, as_designed: bool):
    """Paired appraisal ensemble of the alternatives against the base (``regsim compare --uncertainty``)."""
    from ..ensemble import sampling_table
    from ..ensemble.appraisal import COMPARE_METRICS, BandTable, paired_returns, return_bands

    s = seed if seed is not None else (bprep.metadata.get("seed") or 20240501)
    try:
        pr = paired_returns(bprep, preps, n, int(s), lever_mechanisms=not as_designed)
    except ValueError as e:
        raise BadInput(str(e)) from None
    exclude = set(bprep.params).union(*(p.params for p in preps.values()))
    table = sampling_table(bprep, exclude, lever_mechanisms=not as_designed)
    return BandTable(return_bands(pr, COMPARE_METRICS), pr.metadata), table


@click.command("plot")
@click.argument("sources", nargs=-1, required=False, type=click.Path(path_type=Path))
@click.option("--variables", "-v", default="gdp_real,trade_total,employment_total,population", show_default=True,
              help="Comma-separated variables; NAME[element] picks one element of an arrayed variable.")
@click.option("--fan", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Uncertainty results directory (from `regsim uncertainty`): draw fan charts.")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=Path("figure.png"),
              show_default=True, help="Image file to write (.png, .svg or .pdf): -o names the file itself; an existing "
                                      "one is replaced only with --force.")
@click.option("--diff", is_flag=True, help="Plot each source minus the first one (differences from a base).")
@click.option("--pyramid", "pyramid", default=None, metavar="YEAR[,YEAR]",
              help="Draw population pyramids (residents by age and sex) for one year or two years side by side "
                   "instead of trajectories; further sources are outlined over the first.")
@click.option("--force", is_flag=True, help="Replace an existing image that regsim wrote.")
@friendly
def plot(sources: tuple[Path, ...], variables: str, fan: Path | None, out: Path, diff: bool, pyramid: str | None,
         force: bool) -> None:
    """Plot trajectories of SOURCES (results directories or scenario files) on shared axes.

    With --diff the first source is the base and the others are drawn as differences from it.
    With --pyramid YEAR[,YEAR] draw the population pyramid of each year (first source filled,
    the others outlined).
    """
    import matplotlib

    matplotlib.use("Agg")
    from ..io import atomic_output_file, check_output_file, results_frame
    from ..io.readback import load_results_dir
    from ..io.results_files import split_variables

    check_output_file(out, kind="figure", force=force)
    names = split_variables(variables)  # commas inside brackets separate elements: io[construction,equipment_mfg]
    if not names:
        raise BadInput("--variables: give at least one variable")
    if pyramid is not None:
        fig = _pyramid_figure(sources, pyramid, fan=fan, diff=diff)
    elif fan is not None:
        fig = _fan_figure(fan, names)
    else:
        if not sources:
            raise BadInput("give at least one results directory or scenario file (or --fan DIR)")
        from ..io.outdir import repair_for_reading

        preps, loaded = {}, {}
        for src in sources:  # check every source before running anything
            for n in repair_for_reading(src):
                note(n)
            if src.is_dir():
                loaded[src] = load_results_dir(src)
            elif src.suffix == ".toml":
                preps[src] = _prepare(src)
            elif not src.exists():
                raise BadInput(f"{src}: no such file or directory")
            else:
                raise BadInput(f"{src}: not a results directory or a .toml scenario file")
        frames = {}
        for src in sources:
            if src in loaded:
                df, meta = loaded[src]
                frames[str(meta.get("scenario", src.name))] = df
            else:
                r = _simulate_prepared(preps[src])
                frames[r.metadata["scenario"]] = results_frame(r, r.metadata["scenario"])
        _print_warnings(*preps.values())
        from ..plotting import plot_trajectories

        for label, df in frames.items():
            have = set(df["variable"].astype(str).unique())
            for v in names:
                if v.split("[")[0] not in have:
                    raise BadInput(f"--variables: unknown variable {v!r} (not in {label})")
        if diff:
            if len(frames) < 2:
                raise BadInput("--diff needs a base and at least one other source")
            frames = _differences(frames)
        axes = plot_trajectories(frames, names, title="difference from " + next(iter(frames)).split(" - ")[-1]
                                 if diff else "")
        fig = axes[0].figure
        fig.tight_layout()
    with atomic_output_file(out, kind="figure", force=force) as tmp:
        fig.savefig(tmp, dpi=110, format=out.suffix.lstrip(".").lower())
    click.echo(f"wrote {out}")


def _pyramid_years(text: str) -> list[float]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    try:
        years = [float(p) for p in parts]
    except ValueError:
        raise BadInput(f"--pyramid: {text!r}: give one year or two years separated by a comma (e.g. 2020,2050)") from None
    if not 1 <= len(years) <= 2:
        raise BadInput(f"--pyramid: {text!r}: give one year or two years separated by a comma (e.g. 2020,2050)")
    return years


def _pyramid_figure(sources: tuple[Path, ...], text: str, *, fan, diff: bool):
    from ..io import results_frame
    from ..io.outdir import repair_for_reading
    from ..io.readback import load_results_dir
    from ..plotting.pyramid import VARIABLE, plot_pyramid

    years = _pyramid_years(text)
    if fan is not None or diff:
        raise BadInput("--pyramid: cannot be combined with --fan or --diff")
    if not sources:
        raise BadInput("--pyramid: give at least one results directory or scenario file")
    frames = {}
    for src in sources:
        for n in repair_for_reading(src):
            note(n)
        if src.is_dir():
            df, meta = load_results_dir(src)
            name = str(meta.get("scenario", src.name))
        elif src.suffix == ".toml":
            r = _run_scenario(src)
            name = r.metadata["scenario"]
            df = results_frame(r, name)
        elif not src.exists():
            raise BadInput(f"{src}: no such file or directory")
        else:
            raise BadInput(f"{src}: not a results directory or a .toml scenario file")
        if VARIABLE not in set(df["variable"].unique()):
            raise BadInput(f"{src}: no {VARIABLE} in the results (run the scenario with the cohort population block)")
        have = set(df.loc[df["variable"] == VARIABLE, "year"].astype(float))
        missing = [y for y in years if not any(abs(y - h) < 1e-9 for h in have)]
        if missing:
            raise BadInput(f"--pyramid: {src}: year {missing[0]:g} not in the results "
                           f"({min(have):g}..{max(have):g})")
        frames[name if name not in frames else f"{name} ({src})"] = df
    axes = plot_pyramid(frames, years)
    return axes[0].figure


def _differences(frames: dict) -> dict:
    """Each frame after the first minus the first (matched on variable, dimension, year)."""
    items = list(frames.items())
    base_name, base = items[0]
    keys = ["variable", "dimension", "year"]
    b = base.set_index(keys)["value"]
    out = {}
    for name, df in items[1:]:
        d = df.set_index(keys)
        d = d.assign(value=d["value"] - b.reindex(d.index)).reset_index()
        out[f"{name} - {base_name}"] = d
    return out


def _fan_figure(fan_dir: Path, names: list[str]):
    import matplotlib.pyplot as plt

    from ..inputfiles import InputFileError
    from ..io.outdir import repair_for_reading
    from ..io.readback import load_metadata, load_table
    from ..plotting.fan import fan_chart

    for n in repair_for_reading(fan_dir):
        note(n)
    if not fan_dir.is_dir():
        raise BadInput(f"{fan_dir}: no such directory (--fan takes the -o directory of `regsim uncertainty`)")
    qpath = fan_dir / "quantiles.csv"
    if not qpath.exists() and not qpath.is_symlink():
        raise BadInput(f"{fan_dir}: no quantiles.csv (run `regsim uncertainty ... -o {fan_dir}` first)")
    q = load_table(qpath, required=("variable", "year", "quantile", "value"), what="quantiles table")
    if "dimension" not in q.columns:
        q["dimension"] = ""
    meta_path = fan_dir / "metadata.json"
    units = {}
    if meta_path.exists():
        meta = load_metadata(meta_path)
        units = meta.get("units", {})
        if not isinstance(units, dict):
            raise InputFileError(meta_path, "units: must be a JSON object")
    have = set(q["variable"].astype(str))
    for v in names:
        if v.split("[")[0] not in have:
            raise BadInput(f"--variables: {v!r} is not in {qpath} (it has: {', '.join(sorted(have)[:20])})")
    history = _history_points()
    n = len(names)
    cols = min(n, 2)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(6.4 * cols, 3.8 * rows), squeeze=False)
    try:
        for ax, v in zip(axes.ravel(), names):
            fan_chart(q, v, ax=ax, history=history.get(v), unit=units.get(v.split("[")[0]))
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        raise InputFileError(qpath, f"not a quantiles table of `regsim uncertainty`: {' '.join(str(exc).split())}") \
            from None
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def _history_points() -> dict:
    """Observed series (model units) by model variable, from the calibration targets; {} if unavailable."""
    import pandas as pd

    try:
        from ..calibration import load_config, load_history, observe
        from ..scenarios import default_params_dir

        cfg = load_config(default_params_dir().parent / "calibration" / "targets.toml")
        rows = load_history(cfg.data)
        out = {}
        for spec in cfg.targets:
            obs = observe(spec, rows)
            direct = len(spec.variable) == 1 and not spec.elements and not spec.times
            if direct and len(obs.years) and spec.variable[0] not in out:
                out[spec.variable[0]] = pd.Series(obs.values, index=obs.years, name="data")
        return out
    except (OSError, ValueError, AttributeError, KeyError):
        return {}


@click.command("list")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_SCENARIO_DIR,
              show_default=True)
@friendly
def list_cmd(directory: Path) -> None:
    """List the scenarios in DIR with their descriptions."""
    from ..scenarios import ScenarioError, load_scenario

    files = sorted(directory.glob("*.toml"))
    if not files:
        raise BadInput(f"{directory}: no scenario files (*.toml)")
    width = max(len(f.name) for f in files)
    for f in files:
        try:
            sc = load_scenario(f)
            desc = " ".join(sc.description.split())
            levers = ", ".join(sc.levers) or "-"
            click.echo(f"{f.name.ljust(width)}  {sc.name}: {desc[:110]}{'...' if len(desc) > 110 else ''}")
            click.echo(f"{''.ljust(width)}  levers: {levers}")
        except ScenarioError as exc:
            click.echo(f"{f.name.ljust(width)}  INVALID: {exc}")


@click.group("levers", invoke_without_command=True)
@click.pass_context
@friendly
def levers(ctx) -> None:
    """List the policy levers (`regsim levers show NAME` for details)."""
    if ctx.invoked_subcommand is not None:
        return
    from ..levers import LEVERS

    for lv in LEVERS.values():
        star = "*" if lv.core else " "
        click.echo(f"{star} {lv.id:<24} {lv.title} [brief {lv.brief_section}]")
    click.echo("\n* core levers of the design card. Settings: budget [100m yuan/yr], start, end, ramp [yr] + specific.")


@levers.command("show")
@click.argument("name")
@friendly
def levers_show(name: str) -> None:
    """Print the mechanism, settings (units, ranges, sources) and touched model variables of lever NAME."""
    import textwrap

    from ..levers import get_lever, lever_settings, touched_by
    from ..levers.financing import SOURCES as FINANCING_SOURCES
    from ..levers.financing import financing_names
    from ..model import build_model
    from ..scenarios import default_parameters

    lv = get_lever(name)
    ps = default_parameters()
    click.echo(f"{lv.id}: {lv.title} (policy brief section {lv.brief_section})\n")
    click.echo(textwrap.fill("Mechanism: " + lv.mechanism, 100))
    click.echo("\nSettings (scenario key = value; model constant):")
    for p in lever_settings(lv.id, ps):
        key = p.name[len(lv.id) + 1:]
        rng = f"[{p.range[0]}, {p.range[1]}]"
        click.echo(f"  {key:<24} default {p.value!s:<10} {p.unit:<16} range {rng:<18} {p.name}")
        click.echo(textwrap.fill(f"source: {p.source}", 100, initial_indent=" " * 28, subsequent_indent=" " * 28))
    mix = [(src, ps[n].value) for src, n in zip(FINANCING_SOURCES, financing_names(lv.id)) if n in ps]
    if mix:
        shares = " / ".join(f"{src} {v:g}" for src, v in mix)
        click.echo("\n" + textwrap.fill(
            f"Financing (default): {shares} (shares of spending: additional central transfer / provincial bonds /"
            " reallocation within the provincial budget; a scenario sets financing_central, financing_bonds and"
            " financing_reallocation, summing to 1; sources above)", 100, break_long_words=False))
    touched = touched_by(lv.id, build_model(ps))
    click.echo("\nModel variables it acts on directly: " + (", ".join(touched) or "-"))


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Count warnings (e.g. a lever budget outside its documented range) "
                                             "as problems: exit code 2.")
@click.option("--max-steps", type=click.IntRange(min=1), default=None,
              help="Cap on integration steps, as for `regsim run` (default 200000, or REGSIM_MAX_STEPS).")
@friendly
def validate(paths: tuple[Path, ...], strict: bool, max_steps: int | None) -> None:
    """Check parameter and scenario files (or directories of them) and report every problem.

    A scenario is checked exactly as `regsim run` would use it, short of
    integrating: read with its `extends` parents, levers, shocks and
    parameters against the parameter files, the model built and compiled with
    the overrides, the time settings and the step cap. A parameter directory is
    loaded as the model would load it and the model built and compiled from it.
    Warnings (what `run` warns about) are reported too. Exit code 0 if all are
    valid, 2 otherwise.
    """
    from ..model import load_model_parameters
    from ..params import ParameterError
    from ..params.loader import OVERLAY_FILES
    from ..scenarios import ScenarioError, check_scenario, default_parameters
    from ..scenarios.apply import build_checked

    problems: list[str] = []
    warnings: list[str] = []
    n_files = 0
    param_files, scen_files = [], []
    for p in paths:
        if "\x00" in str(p):
            problems.append(f"{str(p)!r}: the path contains a NUL character")
            continue
        if not p.exists() and not p.is_symlink():
            problems.append(f"{p}: no such file or directory")
            continue
        if p.is_dir():
            files = sorted(p.glob("*.toml"))
            if not files:
                problems.append(f"{p}: no *.toml files in the directory")
        else:
            files = [p]
        for f in files:
            is_param = f.parent.name == "params" or _looks_like_params(f)
            (param_files if is_param else scen_files).append(f)

    def add(msgs, into):
        for m in msgs:
            if m not in into:
                into.append(m)

    for f in param_files:
        n_files += 1
        if f.name in OVERLAY_FILES:
            continue
        try:
            load_model_parameters([f])
        except (ParameterError, OSError) as exc:
            add([str(exc)], problems)
    for d in sorted({f.parent for f in param_files}):
        try:
            ps = default_parameters(d)
            _, w = build_checked(ps)
            add(w, warnings)
        except ScenarioError as exc:
            add(exc.problems, problems)
        except (ParameterError, OSError) as exc:
            add([str(exc)], problems)
    if scen_files:
        try:
            ps = default_parameters()
        except (ParameterError, OSError) as exc:
            problems.append(str(exc))
            ps = None
        for f in scen_files:
            n_files += 1
            if ps is not None:
                pr, w = check_scenario(f, ps, max_steps=max_steps)
                add(pr, problems)
                add(w, warnings)
    for pr in problems:
        click.echo(pr, err=True)
    for w in warnings:
        warn(w)
    if problems or (strict and warnings):
        n = len(problems) + (len(warnings) if strict else 0)
        raise BadInput(f"{n} problem(s) in {n_files} file(s)")
    extra = f"; {len(warnings)} warning(s) above" if warnings else ""
    click.echo(f"ok: {n_files} file(s) valid ({len(param_files)} parameter, {len(scen_files)} scenario){extra}")


def _looks_like_params(f: Path) -> bool:
    from ..inputfiles import InputFileError, read_text
    from ..limits import limit

    try:
        text = read_text(f, max_bytes=limit("MAX_TOML_BYTES"))
    except InputFileError:
        return False
    return "[meta]" in text and "block" in text
