"""Uncertainty and sensitivity commands: ``regsim uncertainty`` and ``regsim sensitivity``.

Both sample every parameter with a distribution (not ``fixed``, not a lever's policy setting,
not set by the scenario) -- the lever-mechanism parameters included, unless
``--policy-as-designed`` fixes them at their central values -- run the ensemble vectorised
(in-process or on Dask) and write their tables atomically: output goes to a temporary directory
renamed to ``DIR`` only when everything is written. ``DIR/parameters.csv`` says, for every
parameter, whether it was sampled, its role (lever mechanism, economy, policy setting, lever
accounting) and why it was left out.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from .._version import __version__
from .errors import BadInput, echo_err, friendly, note

# -- helpers ---------------------------------------------------------------------------

def _progress_bar(total: float, desc: str, quiet: bool):
    """A tqdm bar on stderr fed with fractions (0..1), or ``(None, no-op)`` when silent."""
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit="member", file=sys.stderr, leave=False, dynamic_ncols=True)
    state = {"last": 0.0}

    def update(frac: float) -> None:
        target = frac * total
        if target > state["last"]:
            bar.update(target - state["last"])
            state["last"] = target

    return update, bar.close


def _prepare(path: Path):
    from ..scenarios import prepare

    return prepare(path)


def _print_warnings(*preps) -> None:
    from .run_cmds import _print_warnings as pw

    pw(*preps)


def _check_members(n: int, option: str = "-n") -> None:
    from ..limits import limit

    cap = limit("MAX_MEMBERS")
    if n > cap:
        raise BadInput(f"{option}: {n} members is more than the limit of {cap} (raise it with REGSIM_MAX_MEMBERS "
                       "if this machine has the memory)")


def _member_problem(prep, samples, exc, seed) -> str:
    """One line for a non-finite ensemble member: the sampled parameter that causes it, when one alone does."""
    import numpy as np

    from ..engine import simulate
    from ..ensemble.runner import _chunk_params, _column_map

    k = int(exc.run)
    head = f"ensemble member {k} (seed {seed}): non-finite value in {exc.variable!r} at year {exc.time:g}"
    try:
        cols = list(samples.columns)
        colmap = _column_map(prep.model, cols)
        row = samples.to_numpy(dtype=float)[k]
        block = np.repeat(row[None, :], len(cols), axis=0)
        for j, c in enumerate(colmap):
            comp = prep.model[c.constant]
            base = np.asarray(prep.params.get(c.constant, comp.array(prep.model.size(c.constant))), dtype=float)
            block[j, j] = base if c.index is None else base[c.index]
        from dataclasses import replace as dc_replace

        params = _chunk_params(prep.model, colmap, block, prep.params)
        res = simulate(prep.model, params, dc_replace(prep.settings, on_nonfinite="ignore"), n_runs=len(cols))
        ok = np.ones(len(cols), dtype=bool)
        for v in res.variables:
            a = np.asarray(res[v], dtype=float).reshape(len(cols), -1)
            ok &= np.isfinite(a).all(axis=1)
        hits = [cols[j] for j in np.flatnonzero(ok)]
        if hits:
            name = colmap[cols.index(hits[0])].constant
            src = prep.parameters[name].file if name in prep.parameters else "the model"
            return (f"{src}: {name}: the value sampled for {head.split(' (')[0]}, {row[cols.index(hits[0])]:.6g} "
                    f"(column {hits[0]} of samples), makes the run blow up: {head}; with the scenario's value it "
                    "stays finite (narrow the parameter's range or distribution)")
    except Exception:  # the diagnosis must never hide the original error
        pass
    return f"{prep.scenario.path}: {head}"


def _uncertain_columns(prep, exclude=(), as_designed: bool = False):
    """(names to sample, {reason: [names]} of parameters left out)."""
    from ..ensemble import uncertain_parameters

    return uncertain_parameters(prep, exclude, lever_mechanisms=not as_designed)


def _as_designed_option(f):
    return click.option("--policy-as-designed", "as_designed", is_flag=True,
                        help="Fix the lever-mechanism parameters at their central values (the policy as designed); "
                             "by default they are sampled with the economy's parameters.")(f)


def _sampled_line(table) -> str:
    s = table[table["sampled"]]
    lev = int((s["role"] == "lever mechanism").sum())
    fixed = int(((table["role"] == "lever mechanism") & ~table["sampled"]).sum())
    return (f"sampled {len(s)} parameters ({lev} lever mechanisms"
            + (f"; {fixed} lever mechanisms not sampled" if fixed else "") + "): DIR/parameters.csv lists them")


def _correlations(path: Path | None, prep):
    """Rank-correlation pairs from a ``--correlations`` file (every table and name checked)."""
    from ..ensemble import parse_correlations
    from ..inputfiles import InputFileError, load_toml

    if path is None:
        table = prep.metadata.get("correlations") if isinstance(prep.metadata, dict) else None
        return parse_correlations(table, f"{prep.name}: correlations") if table else []
    doc, _ = load_toml(path, what="correlations file")
    unknown = sorted(set(doc) - {"correlations"})
    if unknown:
        import difflib

        near = difflib.get_close_matches(unknown[0], ["correlations"], n=1)
        raise InputFileError(path, "unknown table (the file holds only [correlations] pairs = [[a, b, rho], ...])"
                             + (f"; did you mean [{near[0]}]?" if near else ""), key=unknown[0])
    if "correlations" not in doc:
        raise InputFileError(path, "no [correlations] table (pairs = [[a, b, rho], ...])")
    pairs = parse_correlations(doc["correlations"], str(path))
    if not pairs:
        raise InputFileError(path, "no pairs given (pairs = [[a, b, rho], ...])", key="correlations.pairs")
    for i, (a, b, rho) in enumerate(pairs):
        key = f"correlations.pairs[{i}]"
        for nm in (a, b):
            base = nm.split("[")[0]
            if base not in prep.parameters:
                import difflib

                near = difflib.get_close_matches(base, list(prep.parameters), n=1)
                raise InputFileError(path, f"unknown parameter {nm!r}" + (f" (did you mean {near[0]}?)" if near else ""),
                                     key=key)
        if a == b:
            raise InputFileError(path, f"a parameter cannot be correlated with itself ({a!r})", key=key)
        if not -1.0 < rho < 1.0:
            raise InputFileError(path, f"rho = {rho:g}: a rank correlation must lie strictly between -1 and 1", key=key)
    return pairs


def _default_variables(model):
    from ..analysis import HEADLINE

    vs = [v for v in HEADLINE if v in model]
    return vs or [n for n in model.names() if model[n].kind in ("stock", "flow", "aux") and not model[n].dims]


def _variables(opt: str | None, model) -> list[str]:
    if not opt:
        return _default_variables(model)
    vs = [v.strip() for v in opt.split(",") if v.strip()]
    unknown = [v for v in vs if v not in model or model[v].kind not in ("stock", "flow", "aux", "timeseries")]
    if unknown:
        raise BadInput(f"--variables: unknown variable(s) {', '.join(unknown)}")
    return vs


def _seed(seed, prep) -> int:
    if seed is not None:
        return int(seed)
    s = prep.metadata.get("seed") if isinstance(prep.metadata, dict) else None
    if s is not None:
        return int(s)
    import numpy as np

    return int(np.random.SeedSequence().entropy)  # fresh, but recorded in metadata.json


def _atomic(target: Path, force: bool, command: str):
    from ..io import atomic_output_dir

    return atomic_output_dir(target, force=force, command=command, notes=note)


def _check_target(target: Path, force: bool, suggest: str) -> None:
    from ..io import prepare_output_dir

    prepare_output_dir(target, force=force, notes=note, suggest=suggest)


def _write_table(df, path: Path, index_label: str | None = None) -> None:
    """CSV writer: pyarrow's (5x faster for wide sample tables, exact float round trip) if installed, else pandas."""
    df = df.rename_axis(index_label).reset_index() if index_label is not None else df.copy(deep=False)
    df.attrs = {}
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        df.to_csv(path, index=False)
        return
    pacsv.write_csv(pa.Table.from_pandas(df, preserve_index=False), path,
                    write_options=pacsv.WriteOptions(quoting_style="needed"))


def _json(obj) -> str:
    import numpy as np

    def default(o):
        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
        if isinstance(o, Path):
            return str(o)
        return str(o)

    return json.dumps(obj, indent=2, default=default, allow_nan=True)


def _executor_options(f):
    f = click.option("--executor", type=click.Choice(["auto", "inprocess", "processes", "dask"]), default="auto",
                     show_default=True,
                     help="Where the vectorised chunks run: in this process, on worker processes of this machine "
                          "(one per core), or on a Dask cluster; auto: processes when the machine has more than one "
                          "core and the ensemble is larger than one chunk. Results do not depend on it.")(f)
    f = click.option("--scheduler", default=None, metavar="ADDR",
                     help="Dask scheduler address, e.g. tcp://host:8786 (default: start a LocalCluster).")(f)
    f = click.option("--workers", type=click.IntRange(min=1), default=None,
                     help="Worker processes (--executor processes or auto) [default: one per core], or workers of "
                          "the LocalCluster started when --executor dask has no --scheduler [default: 2].")(f)
    f = click.option("--chunk-size", type=click.IntRange(min=1), default=None,
                     help="Members simulated at once (memory vs speed; results do not depend on it) "
                          "[default: from the model's array widths, 1000-4000].")(f)
    return f


def _check_dask(executor: str, scheduler: str | None):
    if scheduler and executor != "dask":
        raise BadInput("--scheduler needs --executor dask")
    if executor == "dask":
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            raise BadInput("--executor dask needs dask[distributed]: pip install 'regsim[dask]'") from None


# -- uncertainty -----------------------------------------------------------------------

@click.command("uncertainty")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-n", "--members", "n", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Ensemble size.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed (default: the scenario's seed, else fresh and recorded in metadata.json).")
@click.option("--sampler", type=click.Choice(["lhs", "sobol", "random"]), default="lhs", show_default=True,
              help="Latin hypercube, scrambled Sobol' sequence, or independent draws.")
@click.option("--compare", "compare_to", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="BASE.toml", help="Also run BASE on the same sample: distribution of the effect.")
@click.option("--variables", default=None, metavar="A,B,...",
              help="Variables to keep (default: the headline variables).")
@click.option("--correlations", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="TOML file with [correlations] pairs = [[a, b, rho], ...] (rank correlations).")
@_executor_options
@_as_designed_option
@click.option("--parquet", is_flag=True, help="Also keep every member in DIR/members/ (Parquet dataset).")
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path), default=None,
              help="Result directory to write [default: results/<scenario>-uncertainty]. -o names exactly what is "
                   "written: the result directory itself. It must not exist, be empty, or be a result directory "
                   "regsim wrote (replaced only with --force).")
@click.option("--force", is_flag=True, help="Replace an existing result directory that regsim wrote (atomically).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; print only the output path.")
@friendly
def uncertainty(scenario, n, seed, sampler, compare_to, variables, correlations, executor, scheduler, workers,
                chunk_size, as_designed, parquet, outdir, force, quiet):
    """Run SCENARIO with every uncertain parameter sampled, and summarise the spread.

    The lever-mechanism parameters (cost overruns, but-for shares, rates of
    return, ...) are sampled with the economy's unless --policy-as-designed.
    Writes DIR/quantiles.csv (variable, dimension, year, quantile, value for
    p5, p25, p50, p75, p95), DIR/samples.csv (the parameter table, one row per
    member), DIR/parameters.csv (every parameter: role, distribution, range,
    sampled or why not) and DIR/metadata.json (scenario, seed, sampler,
    parameter hash, version, timings). With --compare BASE.toml the baseline runs on the very
    same sample, and DIR/effect_quantiles.csv (scenario - baseline, per member)
    and DIR/effect_probability.csv (p_higher: share of members where the
    scenario is above the baseline) are added.
    """
    from ..ensemble import paired_comparison, run_ensemble, sample

    _check_dask(executor, scheduler)
    _check_members(n)
    t_start = time.perf_counter()
    prep = _prepare(scenario)
    base = _prepare(compare_to) if compare_to is not None else None
    if base is not None and base.settings != prep.settings:
        raise BadInput(f"--compare: {compare_to} has a different horizon/dt than {scenario}: paired runs need the same")
    target = outdir if outdir is not None else Path("results") / f"{prep.name}-uncertainty"
    _check_target(target, force, f"{prep.name}-uncertainty")
    seed = _seed(seed, prep)
    vars_ = _variables(variables, prep.model)
    exclude = set(base.params) if base is not None else set()
    names, skipped = _uncertain_columns(prep, exclude, as_designed)
    if not names:
        raise BadInput(f"{scenario}: no uncertain parameters to sample (all fixed, policy settings or set by the "
                       "scenario)")
    from ..ensemble import sampling_table

    table = sampling_table(prep, exclude, lever_mechanisms=not as_designed)
    corr = _correlations(correlations, prep)
    s = sample(prep.parameters, n, seed, sampler, correlations=corr,
               dimensions=prep.model.dimensions, include=names)
    if not quiet and skipped.get("not a model constant"):
        echo_err(f"regsim: note: {len(skipped['not a model constant'])} parameter(s) are not model constants and "
                 f"were not sampled: {', '.join(skipped['not a model constant'][:8])}"
                 + (" ..." if len(skipped["not a model constant"]) > 8 else ""))
    runs = [("scenario", prep)] + ([("baseline", base)] if base is not None else [])
    results = {}
    from ..engine import NonFiniteError

    with _atomic(target, force, "uncertainty") as tmp:
        for label, p in runs:
            update, close = _progress_bar(n, f"{p.name}", quiet)
            try:
                results[label] = run_ensemble(
                    p.model, s, p.params, p.settings, variables=vars_, chunk_size=chunk_size, executor=executor,
                    scheduler=scheduler, n_workers=workers, seed=seed, progress=update,
                    parquet=(tmp / ("members" if label == "scenario" else "baseline_members")) if parquet else None)
            except NonFiniteError as exc:
                raise BadInput(_member_problem(p, s, exc, seed)) from None
            finally:
                close()
        _print_warnings(prep, base)
        ens = results["scenario"]
        q = ens.quantiles()
        q.to_csv(tmp / "quantiles.csv", index=False)
        _write_table(s, tmp / "samples.csv", index_label="member")
        table.to_csv(tmp / "parameters.csv", index=False)
        files = ["quantiles.csv", "samples.csv", "parameters.csv"]
        if base is not None:
            results["baseline"].quantiles().to_csv(tmp / "baseline_quantiles.csv", index=False)
            cmp = paired_comparison(ens, results["baseline"])
            cmp.effect.to_csv(tmp / "effect_quantiles.csv", index=False)
            cmp.probability.to_csv(tmp / "effect_probability.csv", index=False)
            files += ["baseline_quantiles.csv", "effect_quantiles.csv", "effect_probability.csv"]
        meta = {
            "command": "uncertainty", "regsim_version": __version__, "scenario": prep.name,
            "scenario_metadata": prep.metadata, "parameter_hash": prep.metadata.get("parameter_hash"),
            "n_members": n, "seed": seed, "sampler": sampler, "chunk_size": ens.metadata["chunk_size"],
            "executor": ens.metadata["executor"], "workers": ens.metadata["workers"], "scheduler": scheduler,
            "settings": ens.metadata["settings"], "variables": ens.variables,
            "units": ens.units, "quantiles": ["p5", "p25", "p50", "p75", "p95"],
            "sampled_parameters": names, "sampled_columns": list(s.columns), "not_sampled": skipped,
            "lever_mechanisms_sampled": not as_designed,
            "sampled_lever_mechanisms": table[table["sampled"] & (table["role"] == "lever mechanism")]["parameter"].tolist(),
            "correlations": [list(c) for c in corr],
            "run_seconds": {k: r.metadata["elapsed_s"] for k, r in results.items()},
            "total_seconds": round(time.perf_counter() - t_start, 3),
            "run_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "files": files,
        }
        if base is not None:
            meta["baseline"] = {"scenario": base.name, "metadata": base.metadata,
                                "note": "paired: the same sample rows for both runs; effect = scenario - baseline"}
        (tmp / "metadata.json").write_text(_json(meta), encoding="utf-8")
    if quiet:
        click.echo(str(target))
        return
    click.echo(f"{prep.name}: {n} members ({sampler}, seed {seed}) in {meta['total_seconds']:.2f} s -> {target}")
    click.echo(_sampled_line(table).replace("DIR", str(target)))
    _print_summary(q, ens, cmp.probability if base is not None else None)


def _print_summary(q, ens, prob):
    years = ens.times
    key = [y for y in (2025.0, 2035.0, 2050.0) if y in set(years)] or [float(years[-1])]
    sub = q[(q["dimension"] == "") & q["year"].isin(key) & q["quantile"].isin(["p5", "p50", "p95"])]
    if sub.empty:
        return
    wide = sub.pivot_table(index=["variable", "year"], columns="quantile", values="value")[["p5", "p50", "p95"]]
    if prob is not None:
        pr = prob[(prob["dimension"] == "")].set_index(["variable", "year"])["p_higher"]
        wide["P(>base)"] = pr.reindex(wide.index)
    click.echo(wide.to_string(float_format=lambda v: f"{v:,.3g}"))


# -- sensitivity ------------------------------------------------------------------------

@click.command("sensitivity")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--method", type=click.Choice(["sobol", "morris"]), default="sobol", show_default=True,
              help="Sobol' variance indices (S1, ST) or Morris screening (mu*, sigma).")
@click.option("--output", "output_spec", required=True, metavar="VAR@YEAR",
              help="Output analysed: variable@year or variable[element]@year, e.g. gdp_real@2035.")
@click.option("-n", "n", type=click.IntRange(min=2), default=None,
              help="Base sample: Sobol' N (a power of two; N(G+2) runs for G factors) [512]; Morris trajectories "
                   "(N(G+1) runs) [50].")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed (default: the scenario's seed).")
@click.option("--levels", "num_levels", type=click.IntRange(min=2), default=4, show_default=True,
              help="Morris grid levels.")
@click.option("--group-by", "group_by", type=click.Choice(["parameter", "element"]), default="parameter",
              show_default=True,
              help="One factor per parameter (the elements of an arrayed parameter move together; one row per "
                   "parameter) or one per element (one row per name[element]).")
@_executor_options
@_as_designed_option
@click.option("-o", "--output-dir", "outdir", type=click.Path(path_type=Path), default=None,
              help="Result directory to write [default: results/<scenario>-sensitivity]. -o names exactly what is "
                   "written: the result directory itself. It must not exist, be empty, or be a result directory "
                   "regsim wrote (replaced only with --force).")
@click.option("--force", is_flag=True, help="Replace an existing result directory that regsim wrote (atomically).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; print only the output path.")
@friendly
def sensitivity(scenario, method, output_spec, n, seed, num_levels, group_by, executor, scheduler, workers, chunk_size,
                as_designed, outdir, force, quiet):
    """Which uncertain parameters drive one result of SCENARIO (SALib).

    Writes DIR/sobol.csv (parameter, S1, S1_conf, ST, ST_conf; ranked by ST)
    or DIR/morris.csv (parameter, mu, mu_star, mu_star_conf, sigma; ranked by
    mu_star), a bar chart DIR/sensitivity.png, DIR/samples.csv (the design,
    one column per element) and DIR/metadata.json.

    With --group-by parameter (the default) each parameter is one factor: the
    elements of an arrayed parameter (e.g. tfp_growth[...]) move
    together in the design as a SALib group, each drawn from its own element's
    distribution, and the table has one row per parameter (Sobol': the group's
    S1 and ST; Morris: the group's mu_star, with sigma left empty for groups of
    several elements, which SALib does not define). --group-by element makes
    every element its own factor (one row per name[element]; more runs).
    The lever-mechanism parameters are factors too unless --policy-as-designed;
    DIR/parameters.csv lists every parameter, its role and whether it was a factor.
    """
    from ..ensemble import parse_output
    from ..ensemble import sensitivity as run_sa

    _check_dask(executor, scheduler)
    try:
        import SALib  # noqa: F401
    except ImportError:
        raise BadInput("sensitivity needs SALib: pip install 'regsim[sensitivity]'") from None
    spec = parse_output(output_spec)
    t_start = time.perf_counter()
    prep = _prepare(scenario)
    if spec.variable not in prep.model or prep.model[spec.variable].kind not in ("stock", "flow", "aux", "timeseries"):
        raise BadInput(f"--output {output_spec}: the model has no variable {spec.variable!r}")
    target = outdir if outdir is not None else Path("results") / f"{prep.name}-sensitivity"
    _check_target(target, force, f"{prep.name}-sensitivity")
    n = n if n is not None else (512 if method == "sobol" else 50)
    seed = _seed(seed, prep)
    names, skipped = _uncertain_columns(prep, (), as_designed)
    if not names:
        raise BadInput(f"{scenario}: no uncertain parameters to analyse")
    from ..ensemble import sampling_table

    table = sampling_table(prep, lever_mechanisms=not as_designed)
    from ..ensemble import factors, marginals

    d = len(factors(marginals(prep.parameters, prep.model.dimensions, include=names), group_by))
    total = n * (d + 2) if method == "sobol" else n * (d + 1)
    _check_members(total, f"-n {n} x {d} factors: the design's")
    update, close = _progress_bar(total, f"{method} {spec}", quiet)
    from ..engine import NonFiniteError

    try:
        res = run_sa(prep.model, prep.parameters, spec, method=method, n=n, seed=seed, base_params=prep.params,
                     settings=prep.settings, include=names, num_levels=num_levels, group_by=group_by,
                     chunk_size=chunk_size,
                     executor=executor, scheduler=scheduler, n_workers=workers, progress=update)
    except NonFiniteError as exc:
        raise BadInput(f"{scenario}: design run {exc.run} of the {method} sample: non-finite value in "
                       f"{exc.variable!r} at year {exc.time:g}; a parameter's range reaches values the model cannot "
                       f"take (check the ranges of: {', '.join(names[:6])}{' ...' if len(names) > 6 else ''})") \
            from None
    finally:
        close()
    _print_warnings(prep)
    with _atomic(target, force, "sensitivity") as tmp:
        table_name = "sobol.csv" if method == "sobol" else "morris.csv"
        res.table.to_csv(tmp / table_name, index=False)
        _write_table(res.X.assign(**{str(spec): res.Y}), tmp / "samples.csv", index_label="run")
        _bar_chart(res, tmp / "sensitivity.png", prep.name)
        table.to_csv(tmp / "parameters.csv", index=False)
        meta = {"command": "sensitivity", "regsim_version": __version__, "scenario": prep.name,
                "scenario_metadata": prep.metadata, "parameter_hash": prep.metadata.get("parameter_hash"),
                **res.metadata, "not_sampled": skipped,
                "lever_mechanisms_sampled": not as_designed,
                "total_seconds": round(time.perf_counter() - t_start, 3),
                "run_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "files": [table_name, "sensitivity.png", "samples.csv", "parameters.csv"]}
        (tmp / "metadata.json").write_text(_json(meta), encoding="utf-8")
    if quiet:
        click.echo(str(target))
        return
    click.echo(f"{prep.name}: {method} sensitivity of {spec} ({len(res.table)} factors by {group_by}, "
               f"{res.metadata['runs']} runs, seed {seed}, {meta['total_seconds']:.2f} s) -> {target}")
    click.echo(res.table.head(10).to_string(index=False, float_format=lambda v: f"{v:.3g}"))


def _bar_chart(res, path: Path, scenario: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plotting.fan import sensitivity_chart

    by = res.metadata.get("group_by", "element")
    title = f"{scenario}: {res.method} sensitivity of {res.output}"
    if by == "parameter" and res.metadata.get("groups"):
        title += "\n(arrayed parameters as one factor each)"
    ax = sensitivity_chart(res.table, title=title)
    fig = ax.figure
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
