"""Global sensitivity analysis with SALib: Sobol' indices and Morris screening.

Sample -> evaluate -> analyse, as separate steps (SALib's own structure):

1. the design is drawn by SALib in the unit hypercube (``bounds = [0, 1]``
   for every column): Saltelli's scheme via ``SALib.sample.sobol`` (scrambled
   Sobol' sequence; ``N (D + 2)`` runs without second-order indices) or Morris
   trajectories (``N (D + 1)`` runs);
2. each column is mapped through the inverse CDF of its parameter's declared
   distribution (:meth:`~simulator.ensemble.sampling.Marginal.ppf`) -- so the
   indices refer to the distributions in the parameter files, not to uniform
   boxes, and SALib's overloaded ``bounds`` (its issue #501) never carry
   distribution parameters -- and the model is run as one vectorised ensemble;
3. SALib analyses the output ``variable[element]@year``.

Factors and groups
------------------
An arrayed parameter (``tfp_growth[energy_petrochem]``, ...)
gives one sampled column per element. With ``group_by="parameter"`` (the
default) the columns of one parameter form one SALib *group* (``problem["groups"]``):
the design moves them together -- in the Saltelli scheme all of a group's
columns are taken from the second matrix at once; in a Morris trajectory they
all step in the same move -- while each column keeps its own draw and is still
mapped through its own element's distribution. The indices then answer
"which parameters matter": Sobol' ``S1``/``ST`` are the closed first-order and
total indices of the group (``ST`` of a group is at least the ``ST`` of any of
its elements analysed alone), Morris ``mu_star`` is the mean absolute effect of
moving the group one step. SALib averages the elements' signed effects for a
group's ``mu`` (less meaningful: the elements step up or down independently)
and does not define ``sigma`` for a group of several elements (NaN). Scalars
are groups of one, so a problem without arrayed parameters is analysed exactly
as without grouping. ``group_by="element"`` makes every column its own factor
(one row per element). Designs have ``N (G + 2)`` (Sobol') or ``N (G + 1)``
(Morris) rows for ``G`` factors.

Sobol' indices are invariant to this monotone per-column transform. Morris
``mu_star`` and ``sigma`` are in output units per Morris step in the unit cube
(a fraction ``num_levels / (2 (num_levels - 1))`` of each parameter's
probability range), so they rank parameters on a common scale.

SALib is imported only inside these functions (``import simulator`` stays light).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .runner import EnsembleError, OutputSpec, parse_output, run_ensemble
from .sampling import Marginal, _entropy_words, _root, marginals, transform

SA_METHODS = ("sobol", "morris")
#: what one factor of the analysis is: a whole (arrayed) parameter, or one element of it
GROUP_BY = ("parameter", "element")


@dataclass
class SensitivityResult:
    """Ranked sensitivity indices of one output.

    Attributes
    ----------
    method : str
        ``"sobol"`` or ``"morris"``.
    output : str
        The analysed output (``variable[element]@year``) or a label.
    table : pandas.DataFrame
        Sobol': ``parameter, S1, S1_conf, ST, ST_conf`` sorted by ``ST``
        (descending). Morris: ``parameter, mu, mu_star, mu_star_conf, sigma``
        sorted by ``mu_star``.
    X : pandas.DataFrame
        The evaluated parameter values (one row per run).
    Y : ndarray
        The output of each run.
    metadata : dict
        Method options, seed, number of runs.
    """

    method: str
    output: str
    table: object
    X: object
    Y: np.ndarray
    metadata: dict = field(default_factory=dict)


def factor_groups(margs: list[Marginal], group_by: str = "parameter") -> list[str]:
    """The factor (group) name of each column: its parameter (``group_by="parameter"``) or the column itself."""
    if group_by not in GROUP_BY:
        raise EnsembleError(f"unknown --group-by {group_by!r} (choose from {', '.join(GROUP_BY)})")
    return [m.parameter if group_by == "parameter" else m.column for m in margs]


def factors(margs: list[Marginal], group_by: str = "parameter") -> dict[str, list[str]]:
    """Factor name -> its columns, in column order (the rows of the ranking before sorting)."""
    out: dict[str, list[str]] = {}
    for g, m in zip(factor_groups(margs, group_by), margs):
        out.setdefault(g, []).append(m.column)
    return out


def _problem(margs: list[Marginal], group_by: str = "parameter") -> dict:
    problem = {"num_vars": len(margs), "names": [m.column for m in margs], "bounds": [[0.0, 1.0]] * len(margs)}
    groups = factor_groups(margs, group_by)
    if len(set(groups)) < len(groups):  # only real groups: all-singleton problems stay exactly as ungrouped
        problem["groups"] = groups
    return problem


def sa_design(margs: list[Marginal], method: str = "sobol", n: int = 512, seed=None, *,
              calc_second_order: bool = False, num_levels: int = 4, group_by: str = "parameter"):
    """The SALib design for ``margs``: ``(unit design (R, D), parameter DataFrame)``.

    ``n`` is the base sample size: Sobol' needs a power of two and gives
    ``n (G + 2)`` rows (``n (2G + 2)`` with second-order indices); Morris gives
    ``n`` trajectories of ``G + 1`` rows, for ``G`` factors (see ``group_by``
    in the module docs; ``G = D`` columns with ``group_by="element"``).
    """
    if method not in SA_METHODS:
        raise EnsembleError(f"unknown sensitivity method {method!r} (choose from {', '.join(SA_METHODS)})")
    if not margs:
        raise EnsembleError("no uncertain parameters to analyse (all are fixed or set by the scenario)")
    if n < 2:
        raise EnsembleError(f"sample size must be >= 2, got {n}")
    problem = _problem(margs, group_by)
    rng = np.random.default_rng(np.random.SeedSequence([*_entropy_words(_root(seed)), 2]))
    if method == "sobol":
        if n & (n - 1):
            lo = 1 << (n.bit_length() - 1)
            raise EnsembleError(f"Sobol' sample size must be a power of two (Saltelli scheme): "
                                f"got {n}, try {lo} or {lo * 2}")
        from SALib.sample import sobol as sobol_sample

        U = sobol_sample.sample(problem, n, calc_second_order=calc_second_order, scramble=True, seed=rng)
    else:
        from SALib.sample import morris as morris_sample

        U = morris_sample.sample(problem, n, num_levels=num_levels, seed=rng)
    return U, transform(U, margs)


def sa_analyze(margs: list[Marginal], method: str, U: np.ndarray, Y: np.ndarray, seed=None, *,
               calc_second_order: bool = False, num_levels: int = 4, conf_level: float = 0.95,
               num_resamples: int = 100, group_by: str = "parameter"):
    """Analyse outputs ``Y`` of the design ``U``; returns the ranked table (see :class:`SensitivityResult`).

    One row per factor (``group_by``, as in :func:`sa_design`, which must match).
    """
    import pandas as pd

    Y = np.asarray(Y, dtype=float).reshape(-1)
    if not np.all(np.isfinite(Y)):
        raise EnsembleError("the output is NaN or infinite for some runs: cannot compute sensitivity indices")
    problem = _problem(margs, group_by)
    rng_seed = int(np.random.SeedSequence([*_entropy_words(_root(seed)), 3]).generate_state(1)[0])
    names = list(factors(margs, group_by))
    if method == "sobol":
        from SALib.analyze import sobol as sobol_analyze

        if np.ptp(Y) == 0:  # constant output: every index is 0 (SALib would divide by a zero variance)
            z = np.zeros(len(names))
            si = {"S1": z, "S1_conf": z, "ST": z, "ST_conf": z}
        else:
            with np.errstate(all="ignore"):
                si = sobol_analyze.analyze(problem, Y, calc_second_order=calc_second_order, conf_level=conf_level,
                                           num_resamples=num_resamples, seed=rng_seed)
        df = pd.DataFrame({"parameter": names, "S1": _floats(si["S1"]), "S1_conf": _floats(si["S1_conf"]),
                           "ST": _floats(si["ST"]), "ST_conf": _floats(si["ST_conf"])})
        return df.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)
    from SALib.analyze import morris as morris_analyze

    si = morris_analyze.analyze(problem, U, Y, num_resamples=num_resamples, conf_level=conf_level,
                                num_levels=num_levels, seed=rng_seed)
    df = pd.DataFrame({"parameter": names, "mu": _floats(si["mu"]), "mu_star": _floats(si["mu_star"]),
                       "mu_star_conf": _floats(si["mu_star_conf"]), "sigma": _floats(si["sigma"])})
    return df.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)


def _floats(v) -> np.ndarray:
    """SALib's (possibly masked) index array as plain floats (masked -> NaN)."""
    return np.ma.filled(np.ma.asarray(v, dtype=float), np.nan)


def analyze_function(func: Callable[[object], np.ndarray], margs: list[Marginal], *, method: str = "sobol",
                     n: int = 512, seed=None, label: str = "f", group_by: str = "parameter",
                     **options) -> SensitivityResult:
    """Sensitivity of any vectorised function ``func(X: DataFrame) -> (R,)`` of the marginals' columns.

    ``group_by="parameter"`` (default) analyses each parameter (all elements of
    an arrayed one together) as one factor; ``"element"`` each column.
    """
    kw = {k: options[k] for k in ("calc_second_order", "num_levels") if k in options}
    U, X = sa_design(margs, method, n, seed, group_by=group_by, **kw)
    Y = np.asarray(func(X), dtype=float)
    table = sa_analyze(margs, method, U, Y, seed, group_by=group_by, **options)
    md = {"method": method, "n": n, "runs": int(U.shape[0]), "seed": seed, **_factor_metadata(margs, group_by),
          **options}
    return SensitivityResult(method, label, table, X, Y, md)


def _factor_metadata(margs: list[Marginal], group_by: str) -> dict:
    fs = factors(margs, group_by)
    return {"group_by": group_by, "parameters": list(fs), "columns": [m.column for m in margs],
            "groups": {g: cols for g, cols in fs.items() if len(cols) > 1}}


def sensitivity(model, parameters, output: str | OutputSpec, *, method: str = "sobol", n: int = 512, seed=None,
                base_params: Mapping[str, object] | None = None, settings=None, include: Iterable[str] | None = None,
                exclude: Iterable[str] = (), calc_second_order: bool = False, num_levels: int = 4,
                conf_level: float = 0.95, num_resamples: int = 100, group_by: str = "parameter",
                chunk_size: int | None = None, executor: str = "auto", scheduler=None,
                n_workers: int | None = None, progress=None) -> SensitivityResult:
    """Sobol' indices or Morris screening of one model output.

    Parameters
    ----------
    model : Model
        The model (scenario applied).
    parameters : ParameterSet
        Parameters with distributions; ``fixed`` ones (and ``exclude``) are not varied.
    output : str or OutputSpec
        ``"gdp_real@2035"`` or ``"value_added[agri]@2035"``.
    method : {"sobol", "morris"}
        Variance-based indices (S1, ST with bootstrap confidence intervals) or
        elementary effects (mu, mu_star, sigma).
    n : int
        Base sample size (Sobol': power of two, ``n (G + 2)`` runs; Morris:
        trajectories, ``n (G + 1)`` runs; ``G`` factors).
    seed : int, optional
        Seed of the design and of the bootstrap.
    group_by : {"parameter", "element"}
        One factor per parameter (the elements of an arrayed parameter move
        together as a SALib group; one row per parameter) or one per element
        (one row per ``name[element]`` column). See the module docs.
    base_params, settings, chunk_size, executor, scheduler, n_workers, progress
        As in :func:`~simulator.ensemble.run_ensemble`.

    Returns
    -------
    SensitivityResult
    """
    spec = parse_output(output) if isinstance(output, str) else output
    dims = getattr(model, "dimensions", None)
    margs = [m for m in marginals(parameters, dims, include=include, exclude=exclude) if m.parameter in model]
    U, X = sa_design(margs, method, n, seed, calc_second_order=calc_second_order, num_levels=num_levels,
                     group_by=group_by)
    ens = run_ensemble(model, X, base_params, settings, variables=[spec.variable], chunk_size=chunk_size,
                       executor=executor, scheduler=scheduler, n_workers=n_workers, seed=seed, progress=progress)
    Y = ens.at(spec)
    table = sa_analyze(margs, method, U, Y, seed, calc_second_order=calc_second_order, num_levels=num_levels,
                       conf_level=conf_level, num_resamples=num_resamples, group_by=group_by)
    md = {"method": method, "output": str(spec), "n": n, "runs": int(U.shape[0]), "seed": seed,
          **_factor_metadata(margs, group_by), "calc_second_order": calc_second_order,
          "num_levels": num_levels if method == "morris" else None, "conf_level": conf_level,
          "num_resamples": num_resamples, "units": ens.units.get(spec.variable, ""),
          "elapsed_s": ens.metadata.get("elapsed_s"), "executor": ens.metadata.get("executor"),
          "chunk_size": ens.metadata.get("chunk_size"),
          "workers": ens.metadata.get("workers")}
    return SensitivityResult(method, str(spec), table, X, Y, md)
