"""Sampling parameter sets for ensembles: marginals, designs, correlations.

A sample is a pandas DataFrame with one row per ensemble member and one
column per uncertain scalar (an arrayed parameter gives one column per
element, named ``name[element]``; a parameter over several dimensions one per
cell, ``name[e1,e2]`` with the element names in dims order). Three steps, kept
apart so sensitivity analysis can reuse them:

1. :func:`marginals` -- one :class:`Marginal` per column, from each
   :class:`~simulator.params.Parameter` whose distribution is not ``"fixed"``;
2. a design in the unit hypercube ``[0, 1)^d`` (:func:`unit_design`: Latin
   hypercube, scrambled Sobol' or plain random), optionally rearranged to carry
   declared rank correlations (:func:`impose_correlations`, Iman-Conover);
3. the inverse CDF of each marginal maps the design to parameter values.

Marginals
---------
``uniform``
    on ``range = [lo, hi]``.
``triangular``
    on ``[lo, hi]`` with ``mode``.

For an arrayed parameter each element ``name[i]`` is its own column, with its
own range and, where the parameter file gives shape parameters per element
(``mode = [...]`` or ``mode = "value"``), its own shape: element ``i`` uses
element ``i`` of the list; a single number applies to every element. A
parameter over several dimensions is sampled the same way, cell by cell (each
``name[e1,e2]`` through its own distribution, in C order of the cells), except
the cells a sparse table does not list (``default``): they keep the default and
get no column. Sensitivity analysis can treat all cells of a parameter as one
factor (:mod:`.sensitivity`, ``group_by="parameter"``).
``normal``
    ``mean``, ``sd``, truncated to ``[lo, hi]`` (a sample never leaves the range
    the parameter file declares plausible).
``lognormal``
    ``median``, ``sigma`` (of the log), truncated to ``[lo, hi]``.
``fixed``
    not sampled: the parameter keeps its value.

A range with ``lo == hi`` gives a constant column (zero variance).

Correlations
------------
Rank correlations between columns are accepted as a mapping
``{("a", "b"): rho}`` or, in TOML (see :func:`load_correlations`)::

    [correlations]
    pairs = [
        ["trade_cost_elasticity", "export_price_elasticity", -0.4],
        ["tfp_growth[agri]", "tfp_growth[industry]", 0.6],
    ]

They are imposed with the Iman-Conover method (1982): each column keeps
exactly its sampled values (so Latin-hypercube stratification and the
marginals are preserved) and only their pairing across columns is rearranged
so that the van der Waerden scores have the requested correlation matrix.
The matrix must be positive definite.

Reproducibility
---------------
Everything derives from ``np.random.SeedSequence(seed)``: the same seed and
``n`` give the same DataFrame, bit for bit. With ``method="random"`` each member
``i`` draws from its own child ``SeedSequence(seed).spawn(n)[i]``, so member
``i`` does not depend on ``n`` either. Latin hypercube and Sobol' designs are
joint designs: they depend on ``n``.
"""

from __future__ import annotations

import math
import tomllib
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

METHODS = ("lhs", "sobol", "random")


class SamplingError(ValueError):
    """Bad sampling request (unknown method, bad correlations, ...)."""


@dataclass(frozen=True)
class Marginal:
    """The distribution of one sampled column.

    Parameters
    ----------
    column : str
        Column name: the parameter name, or ``name[element]`` for one element
        of an arrayed parameter.
    parameter : str
        Parameter (model constant) name.
    index : int or None
        Element index for arrayed parameters (flat C-order cell index for
        parameters over several dimensions), ``None`` for scalars.
    distribution : str
        ``uniform``, ``triangular``, ``normal`` or ``lognormal``.
    lo, hi : float
        Range (support; normal and lognormal are truncated to it).
    value : float
        Default value (used where a column is not sampled).
    mode, mean, sd, median, sigma : float or None
        Shape parameters, as in the parameter file.
    """

    column: str
    parameter: str
    index: int | None
    distribution: str
    lo: float
    hi: float
    value: float
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    median: float | None = None
    sigma: float | None = None

    @property
    def degenerate(self) -> bool:
        """True when the column is a constant (``lo == hi``)."""
        return self.hi <= self.lo

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF: map ``u`` in ``[0, 1]`` to parameter values in ``[lo, hi]``."""
        u = np.asarray(u, dtype=float)
        lo, hi = self.lo, self.hi
        if self.degenerate:
            return np.full(u.shape, lo)
        d = self.distribution
        if d == "uniform":
            x = lo + u * (hi - lo)
        elif d == "triangular":
            c = (self.mode - lo) / (hi - lo)
            # closed form of the triangular inverse CDF
            x = np.where(u < c, lo + np.sqrt(u * (hi - lo) * (self.mode - lo)),
                         hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - self.mode)))
        elif d == "normal":
            from scipy.stats import truncnorm

            a, b = (lo - self.mean) / self.sd, (hi - self.mean) / self.sd
            x = truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd)
        elif d == "lognormal":
            from scipy.stats import lognorm

            dist = lognorm(s=self.sigma, scale=self.median)
            flo, fhi = dist.cdf(lo), dist.cdf(hi)
            if fhi - flo <= 0:  # the range lies far in a tail: fall back to uniform on it
                x = lo + u * (hi - lo)
            else:
                x = dist.ppf(flo + u * (fhi - flo))
        else:  # pragma: no cover - marginals() filters
            raise SamplingError(f"{self.column}: cannot sample distribution {d!r}")
        return np.clip(x, lo, hi)


def cell_names(p, dimensions: Mapping[str, Iterable[str]] | None, n: int) -> list[str]:
    """Label of every cell of ``p`` (flat C order): element names from ``dimensions``, else the parameter's own."""
    if len(p.dims) > 1:
        from ..engine.results import cell_labels

        coords = [tuple((dimensions or {}).get(d, ())) for d in p.dims]
        if tuple(len(c) for c in coords) == tuple(np.shape(p.value)):
            return list(cell_labels(coords))
        return p.cell_labels()
    els = list((dimensions or {}).get(p.dims[0], ())) if p.dims else []
    return els if len(els) == n else [str(i) for i in range(n)]


def sampled_cells(p, n: int) -> np.ndarray:
    """Flat mask of the cells ``p`` samples (a sparse table's unlisted cells are fixed at its default)."""
    m = p.given_mask() if hasattr(p, "given_mask") else None
    return np.ones(n, dtype=bool) if m is None else np.asarray(m, dtype=bool).reshape(-1)


def _shape_at(p, index: int | None) -> dict:
    """Shape parameters of element ``index`` of ``p`` (a per-element tuple gives element ``index``'s)."""
    if hasattr(p, "shape_at"):
        return p.shape_at(index)
    out = {}
    for k in ("mode", "mean", "sd", "median", "sigma"):
        v = getattr(p, k, None)
        if v is not None:
            out[k] = float(np.asarray(v, dtype=float).reshape(-1)[index or 0]) if np.ndim(v) else float(v)
    return out


def marginals(parameters, dimensions: Mapping[str, Iterable[str]] | None = None,
              *, include: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> list[Marginal]:
    """The sampled columns of a parameter set, in parameter order.

    Parameters
    ----------
    parameters : ParameterSet or iterable of Parameter
        Parameters (``distribution == "fixed"`` ones are skipped).
    dimensions : mapping, optional
        Dimension name -> element names (``model.dimensions``), used to name the
        columns of arrayed parameters ``name[element]``; without it elements are
        numbered ``name[0]``, ``name[1]``, ...
    include : iterable of str, optional
        Only these parameter names (default: all).
    exclude : iterable of str
        Parameter names not to sample (e.g. set by the scenario).
    """
    ps = [parameters[n] for n in parameters] if hasattr(parameters, "names") else list(parameters)
    keep = None if include is None else set(include)
    skip = set(exclude)
    out: list[Marginal] = []
    for p in ps:
        if p.distribution == "fixed" or p.name in skip or (keep is not None and p.name not in keep):
            continue
        lo, hi = p.bounds()
        val = p.array()
        if p.dims:
            lo, hi, val = (np.asarray(a, dtype=float).reshape(-1) for a in (lo, hi, val))
            given = sampled_cells(p, val.size)
            for j, el in enumerate(cell_names(p, dimensions, val.size)):
                if not given[j]:
                    continue
                out.append(Marginal(f"{p.name}[{el}]", p.name, j, p.distribution, float(lo[j]), float(hi[j]),
                                    float(val[j]), **_shape_at(p, j)))
        else:
            out.append(Marginal(p.name, p.name, None, p.distribution, float(lo), float(hi), float(val),
                                **_shape_at(p, None)))
    return out


def _root(seed) -> np.random.SeedSequence:
    return seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)


def unit_design(n: int, d: int, seed=None, method: str = "lhs") -> np.ndarray:
    """A design of ``n`` points in ``[0, 1)^d``.

    Parameters
    ----------
    n, d : int
        Number of points (members) and of dimensions (columns).
    seed : int or SeedSequence, optional
        Seed (``None``: fresh entropy).
    method : {"lhs", "sobol", "random"}
        Latin hypercube (``scipy.stats.qmc.LatinHypercube``), scrambled Sobol'
        (``scipy.stats.qmc.Sobol``; best with ``n`` a power of two) or
        independent uniforms, member ``i`` from ``SeedSequence(seed).spawn(n)[i]``.
    """
    if method not in METHODS:
        raise SamplingError(f"unknown sampler {method!r} (choose from {', '.join(METHODS)})")
    if n < 1:
        raise SamplingError(f"ensemble size must be >= 1, got {n}")
    root = _root(seed)
    if d == 0:
        return np.empty((n, 0))
    if method == "random":
        return np.array([np.random.default_rng(c).random(d) for c in root.spawn(n)]).reshape(n, d)
    from scipy.stats import qmc

    rng = np.random.default_rng(root)
    if method == "lhs":
        return qmc.LatinHypercube(d, rng=rng).random(n)
    with warnings.catch_warnings():  # balance warning for n not a power of two: documented above
        warnings.simplefilter("ignore", UserWarning)
        return qmc.Sobol(d, scramble=True, rng=rng).random(n)


def _normalise_correlations(correlations, columns: list[str], params: set[str]) -> dict[tuple[str, str], float]:
    if correlations is None:
        return {}
    items = correlations.items() if isinstance(correlations, Mapping) else (((a, b), r) for a, b, r in correlations)
    out: dict[tuple[str, str], float] = {}
    for (a, b), r in items:
        for c in (a, b):
            if c not in columns:
                why = " (it is fixed or set by the scenario)" if c in params else ""
                raise SamplingError(f"correlation {a} ~ {b}: {c!r} is not a sampled parameter{why}")
        if a == b:
            raise SamplingError(f"correlation {a} ~ {b}: a parameter cannot be correlated with itself")
        r = float(r)
        if not (-1.0 < r < 1.0) or not math.isfinite(r):
            raise SamplingError(f"correlation {a} ~ {b}: rho must be strictly between -1 and 1, got {r}")
        key = (a, b) if columns.index(a) < columns.index(b) else (b, a)
        if key in out:
            raise SamplingError(f"correlation {a} ~ {b}: declared twice")
        out[key] = r
    return out


def load_correlations(path: str | Path) -> list[tuple[str, str, float]]:
    """Read ``[correlations] pairs = [[a, b, rho], ...]`` from a TOML file.

    Returns an empty list when the file has no ``[correlations]`` table.
    """
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SamplingError(f"{p}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise SamplingError(f"{p}: bad TOML: {exc}") from None
    return parse_correlations(doc.get("correlations"), str(p))


def parse_correlations(table, where: str = "correlations") -> list[tuple[str, str, float]]:
    """Validate the plain-data form ``{"pairs": [[a, b, rho], ...]}`` (or ``None``)."""
    if table is None:
        return []
    if not isinstance(table, Mapping) or set(table) - {"pairs"}:
        raise SamplingError(f"{where}: [correlations] must contain only pairs = [[a, b, rho], ...]")
    pairs = table.get("pairs", [])
    out = []
    for item in pairs if isinstance(pairs, list) else [None]:
        if (not isinstance(item, list) or len(item) != 3 or not all(isinstance(x, str) for x in item[:2])
                or isinstance(item[2], bool) or not isinstance(item[2], (int, float))):
            raise SamplingError(f"{where}: correlations.pairs: each entry must be [\"a\", \"b\", rho], got {item!r}")
        out.append((item[0], item[1], float(item[2])))
    return out


def impose_correlations(u: np.ndarray, target: np.ndarray, seed=None) -> np.ndarray:
    """Rearrange the columns of ``u`` to carry the rank correlation ``target`` (Iman-Conover).

    Each column keeps exactly its values; only their order changes.

    Parameters
    ----------
    u : ndarray, shape (n, k)
        Design (any marginals).
    target : ndarray, shape (k, k)
        Desired correlation matrix of the normal scores (positive definite).
    seed : int or SeedSequence
        Seed of the random score permutations.
    """
    from scipy.special import ndtri

    n, k = u.shape
    if n < k + 2:
        return u.copy()  # too few members to impose anything meaningful
    try:
        P = np.linalg.cholesky(target)
    except np.linalg.LinAlgError:
        raise SamplingError("the declared correlations do not form a positive-definite matrix") from None
    rng = np.random.default_rng(_root(seed))
    scores = ndtri(np.arange(1, n + 1) / (n + 1.0))
    S = np.column_stack([rng.permutation(scores) for _ in range(k)])
    E = np.corrcoef(S, rowvar=False)
    Q = np.linalg.cholesky(E)
    T = S @ np.linalg.solve(Q, P).T  # S Q^{-T} P^T has correlation P P^T
    out = np.empty_like(u)
    for j in range(k):
        ranks = np.argsort(np.argsort(T[:, j], kind="stable"), kind="stable")
        out[:, j] = np.sort(u[:, j], kind="stable")[ranks]
    return out


def transform(design: np.ndarray, margs: list[Marginal]):
    """Map a unit-cube design ``(n, d)`` to a DataFrame of parameter values (one column per marginal)."""
    import pandas as pd

    design = np.asarray(design, dtype=float)
    if design.ndim != 2 or design.shape[1] != len(margs):
        raise SamplingError(f"design has shape {design.shape}, expected (n, {len(margs)})")
    return pd.DataFrame({m.column: m.ppf(design[:, j]) for j, m in enumerate(margs)},
                        index=pd.RangeIndex(design.shape[0], name="member"))


def sample(parameters, n: int, seed=None, method: str = "lhs", *, correlations=None,
           dimensions: Mapping[str, Iterable[str]] | None = None, include: Iterable[str] | None = None,
           exclude: Iterable[str] = ()):
    """Sample every uncertain parameter ``n`` times.

    Parameters
    ----------
    parameters : ParameterSet or iterable of Parameter
        Parameters with distributions (``fixed`` ones are not sampled).
    n : int
        Ensemble size.
    seed : int, optional
        Seed; the same seed gives the same DataFrame bit for bit.
    method : {"lhs", "sobol", "random"}
        Design (see :func:`unit_design`).
    correlations : mapping or list of (a, b, rho), optional
        Rank correlations between columns (see the module docs).
    dimensions : mapping, optional
        Element names per dimension, for arrayed parameters' column names.
    include, exclude : iterable of str, optional
        Restrict which parameters are sampled.

    Returns
    -------
    pandas.DataFrame
        ``n`` rows (index ``member``), one column per sampled scalar or
        element. ``df.attrs["marginals"]`` lists the :class:`Marginal` objects.
    """
    ps = [parameters[k] for k in parameters] if hasattr(parameters, "names") else list(parameters)
    margs = marginals(ps, dimensions, include=include, exclude=exclude)
    cols = [m.column for m in margs]
    root = _root(seed)
    design = unit_design(n, len(margs), root, method)
    corr = _normalise_correlations(correlations, cols, {p.name for p in ps})
    if corr:
        involved = sorted({cols.index(c) for pair in corr for c in pair})
        C = np.eye(len(involved))
        for (a, b), r in corr.items():
            i, j = involved.index(cols.index(a)), involved.index(cols.index(b))
            C[i, j] = C[j, i] = r
        corr_seed = np.random.SeedSequence([*_entropy_words(root), 1])
        design[:, involved] = impose_correlations(design[:, involved], C, corr_seed)
    df = transform(design, margs)
    df.attrs["marginals"] = margs
    df.attrs["method"] = method
    df.attrs["seed"] = _seed_repr(root)
    return df


def _entropy_words(root: np.random.SeedSequence) -> list[int]:
    e = root.entropy
    if isinstance(e, (int, np.integer)):
        e = int(e)
        words = []
        while True:
            words.append(e & 0xFFFFFFFF)
            e >>= 32
            if not e:
                break
        return words
    return [int(x) for x in np.asarray(e).ravel()]


def _seed_repr(root: np.random.SeedSequence):
    e = root.entropy
    return int(e) if isinstance(e, (int, np.integer)) else [int(x) for x in np.asarray(e).ravel()]


def member_seeds(seed, n: int) -> np.ndarray:
    """One 64-bit seed per member from ``SeedSequence(seed).spawn(n)`` (for stochastic models).

    Member ``i`` always gets the same seed whatever ``n``, the chunking or the executor.
    """
    return np.array([c.generate_state(1, np.uint64)[0] for c in _root(seed).spawn(n)], dtype=np.uint64)
