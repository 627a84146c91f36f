"""Running an ensemble: chunks of members simulated at once, in-process or on Dask.

:func:`run_ensemble` splits the sample table into chunks of ``chunk_size``
members, simulates each chunk vectorised (one :func:`~simulator.simulate` call
over an ensemble axis of the chunk's size), keeps only the selected variables
at the save period and assembles them per member -- in memory, or as an
on-disk Parquet dataset for very large ensembles. Every member's trajectory is
computed by the same element-wise operations whatever chunk it falls in, so
the results are bit-identical for any ``chunk_size`` and either executor
(tests check this). This relies on every parameter block handed to the engine
being C-ordered (one row per member): numpy picks the evaluation order of some
expressions (e.g. ``sum(p ** 0.5 * k ** 0.5)``) from the memory layout of its
operands, and a Fortran-ordered block gave last-bit differences between
chunkings.

Quantiles are exact (``numpy.quantile``, linear interpolation) over all
members, computed one variable at a time: memory is ``N x T x n_elements x 8``
bytes per selected variable (100,000 members x 33 years x 10 scalars ~ 264 MB),
or only the largest variable's share when the members are on disk.
"""

from __future__ import annotations

import json
import math
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..engine import Constant, Model, NonFiniteError, SimSettings, simulate

#: Default quantiles of the ensemble summaries and their labels.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
EXECUTORS = ("auto", "inprocess", "processes", "dask")


class EnsembleError(ValueError):
    """A malformed ensemble request (unknown parameter column, bad output spec, ...)."""


def quantile_label(q: float) -> str:
    """``0.05 -> "p5"``, ``0.5 -> "p50"``, ``0.975 -> "p97.5"``."""
    return "p" + f"{q * 100:.6g}"


def label_quantile(label) -> float:
    """Inverse of :func:`quantile_label` (also accepts numbers)."""
    if isinstance(label, str) and label.startswith("p"):
        return float(label[1:]) / 100.0
    return float(label)


# -- output specifications ------------------------------------------------------

_SPEC = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*([^\]]+?)\s*\])?\s*@\s*([-+0-9.eE]+)\s*$")


@dataclass(frozen=True)
class OutputSpec:
    """One scalar output of a run: ``variable[element]@year``."""

    variable: str
    year: float
    element: str | None = None

    def __str__(self) -> str:
        el = f"[{self.element}]" if self.element is not None else ""
        return f"{self.variable}{el}@{self.year:g}"


def parse_output(spec: str) -> OutputSpec:
    """Parse ``"gdp_real@2035"``, ``"value_added[agri]@2035"`` or ``"io[construction, equipment_mfg]@2035"``.

    The element of a variable over several dimensions is its cell label: the
    element names in dims order, joined by ``","`` (spaces around them dropped).
    """
    m = _SPEC.match(spec or "")
    if not m:
        raise EnsembleError(f"bad output {spec!r}: expected variable@year or variable[element]@year, e.g. gdp_real@2035")
    try:
        year = float(m.group(3))
    except ValueError:
        raise EnsembleError(f"bad output {spec!r}: year {m.group(3)!r} is not a number") from None
    el = m.group(2)
    if el is not None:
        el = ",".join(e.strip() for e in el.split(","))
    return OutputSpec(m.group(1), year, el)


# -- the result object ----------------------------------------------------------

@dataclass
class EnsembleResult:
    """Selected trajectories of every ensemble member, plus the sample and provenance.

    Attributes
    ----------
    samples : pandas.DataFrame
        The parameter table, one row per member (index ``member``).
    times : ndarray
        Saved times [yr].
    variables : list of str
        Kept variables.
    units, dims, coords, docs : dict
        As in :class:`~simulator.engine.Results`.
    metadata : dict
        Provenance: model, settings, n_members, chunk_size, executor, seed,
        regsim version, elapsed seconds, plus what the caller adds.
    path : Path or None
        Parquet dataset directory when members are kept on disk.
    """

    samples: object
    times: np.ndarray
    variables: list[str]
    units: dict
    dims: dict
    coords: dict
    docs: dict
    metadata: dict = field(default_factory=dict)
    data: dict | None = None
    path: Path | None = None

    @property
    def n_members(self) -> int:
        """Number of members."""
        return int(self.metadata.get("n_members", len(self.samples)))

    def elements(self, variable: str) -> tuple[str, ...]:
        """Element names of an arrayed variable (``()`` for scalars); cell labels ``"e1,e2"`` for several dims."""
        from ..engine.results import cell_labels

        d = self.dims.get(variable, ())
        return tuple(cell_labels(self.coords[x] for x in d)) if d else ()

    def values(self, variable: str) -> np.ndarray:
        """All members of one variable: ``(N, T)``, ``(N, T, n)`` or ``(N, T, n1, n2, ...)`` (read from disk if needed)."""
        if variable not in self.variables:
            raise EnsembleError(f"variable {variable!r} was not kept (kept: {', '.join(self.variables)})")
        if self.data is not None:
            return self.data[variable]
        shape = tuple(len(self.coords[d]) for d in self.dims.get(variable, ()))
        return _read_variable(self.path, variable, self.elements(variable), self.n_members, self.times.size, shape)

    def at(self, output: OutputSpec | str) -> np.ndarray:
        """One value per member for ``variable[element]@year``, shape ``(N,)``."""
        spec = parse_output(output) if isinstance(output, str) else output
        arr = self.values(spec.variable)
        idx = np.flatnonzero(np.isclose(self.times, spec.year))
        if idx.size == 0:
            raise EnsembleError(f"{spec}: year {spec.year:g} is not a saved time "
                                f"({self.times[0]:g}..{self.times[-1]:g})")
        els = self.elements(spec.variable)
        if els:
            shown = ", ".join(els[:12]) + (f" and {len(els) - 12} more" if len(els) > 12 else "")
            if spec.element is None:
                raise EnsembleError(f"{spec}: {spec.variable} is arrayed over {shown}: name one element, e.g. "
                                    f"{spec.variable}[{els[0]}]@{spec.year:g}")
            if spec.element not in els:
                raise EnsembleError(f"{spec}: unknown element {spec.element!r} (have {shown})")
            a = arr[:, idx[0]]
            return a.reshape(a.shape[0], -1)[:, els.index(spec.element)]
        if spec.element is not None:
            raise EnsembleError(f"{spec}: {spec.variable} is a scalar: drop [{spec.element}]")
        return arr[:, idx[0]]

    def quantiles(self, q: Iterable[float] = QUANTILES, variables: Iterable[str] | None = None):
        """Long DataFrame ``variable, dimension, year, quantile, value`` (quantile labels ``p5``...).

        ``dimension`` is the element name for arrayed variables (the cell label
        ``"e1,e2"`` for several dimensions), ``""`` for scalars.
        """
        return quantile_frame({v: self.values(v) for v in (variables or self.variables)}, self, q)


def quantile_frame(arrays: Mapping[str, np.ndarray], like: EnsembleResult, q: Iterable[float] = QUANTILES):
    """Quantiles over members (axis 0) of ``{variable: (N, T[, n1, ...])}`` as a long DataFrame (cell labels)."""
    import pandas as pd

    qs = np.asarray(list(q), dtype=float)
    labels = np.asarray([quantile_label(x) for x in qs], dtype=object)
    frames = []
    T = like.times.size
    for name, arr in arrays.items():
        els = like.elements(name) or ("",)
        k = len(els)
        a = np.asarray(arr).reshape(arr.shape[0], T, k)
        qv = np.nanquantile(a, qs, axis=0) if np.isnan(a).any() else np.quantile(a, qs, axis=0)  # (Q, T, k)
        frames.append(pd.DataFrame({
            "variable": name,
            "dimension": np.tile(np.asarray(els, dtype=object), T * len(qs)),
            "year": np.tile(np.repeat(like.times, k), len(qs)),
            "quantile": np.repeat(labels, T * k),
            "value": qv.reshape(-1),
        }))
    cols = ["variable", "dimension", "year", "quantile", "value"]
    if not frames:
        return pd.DataFrame(columns=cols)
    df = pd.concat(frames, ignore_index=True)
    order = {lab: i for i, lab in enumerate(labels)}
    df["_q"] = df["quantile"].map(order)
    df = df.sort_values(["variable", "dimension", "year", "_q"], kind="stable").drop(columns="_q").reset_index(drop=True)
    df.attrs["units"] = {n: like.units.get(n, "") for n in arrays}
    return df[cols]


# -- assembling parameters --------------------------------------------------------

@dataclass(frozen=True)
class _Column:
    column: str
    constant: str
    index: int | None  # element index (one dimension) or flat C-order cell index (several)


def _column_map(model: Model, columns: Iterable[str]) -> list[_Column]:
    out = []
    for col in columns:
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]+)\])?$", str(col))
        if not m:
            raise EnsembleError(f"sample column {col!r}: expected name, name[element] or name[element,element]")
        name, el = m.group(1), m.group(2)
        if name not in model or not isinstance(model[name], Constant):
            raise EnsembleError(f"sample column {col!r}: the model has no constant {name!r}")
        c = model[name]
        if el is None:
            if c.dims:
                raise EnsembleError(f"sample column {col!r}: {name} is arrayed over {' x '.join(c.dims)}: use "
                                    f"{name}[{','.join(['element'] * len(c.dims))}]")
            out.append(_Column(col, name, None))
            continue
        if not c.dims:
            raise EnsembleError(f"sample column {col!r}: {name} is a scalar constant")
        parts = [e.strip() for e in el.split(",")] if len(c.dims) > 1 else [el]
        if len(parts) != len(c.dims):
            raise EnsembleError(f"sample column {col!r}: {name} is arrayed over {' x '.join(c.dims)}: give "
                                f"{len(c.dims)} element names separated by commas")
        ix = []
        for d, e in zip(c.dims, parts):
            els = list(model.dimensions[d])
            if e in els:
                ix.append(els.index(e))
            elif e.isdigit() and int(e) < len(els):
                ix.append(int(e))
            else:
                raise EnsembleError(f"sample column {col!r}: {d} has no element {e!r} (have {', '.join(els)})")
        j = ix[0] if len(ix) == 1 else int(np.ravel_multi_index(ix, [len(model.dimensions[d]) for d in c.dims]))
        out.append(_Column(col, name, j))
    return out


def _constant_shape(model: Model, name: str) -> tuple[int, ...]:
    """Shape of an arrayed constant: one length per dimension."""
    return tuple(len(model.dimensions[d]) for d in model[name].dims)


def _chunk_params(model: Model, colmap: list[_Column], block: np.ndarray, base: Mapping[str, object]) -> dict:
    """Parameter overrides for one chunk: base values, then sampled columns (``block`` is (m, n_cols))."""
    m = block.shape[0]
    params: dict[str, object] = dict(base)
    arrayed: dict[str, np.ndarray] = {}
    for j, c in enumerate(colmap):
        if c.index is None:
            params[c.constant] = np.ascontiguousarray(block[:, j])
        else:
            if c.constant not in arrayed:
                shape = _constant_shape(model, c.constant)
                if c.constant in base:
                    default = np.asarray(base[c.constant], dtype=float)
                elif len(shape) == 1:
                    default = model[c.constant].array(shape[0])
                else:
                    default = np.asarray(model[c.constant].value, dtype=float)
                full = np.empty((m,) + shape)  # C order: row-major layouts keep each member's arithmetic
                full[...] = default            # independent of the chunk size (see module docs)
                arrayed[c.constant] = full
            a = arrayed[c.constant]
            (a if a.ndim == 2 else a.reshape(m, -1))[:, c.index] = block[:, j]  # reshape of a C array: a view
    params.update(arrayed)
    return params


def _run_chunk(model: Model, colmap, block, base, settings, variables, start: int):
    """Simulate one chunk; return kept arrays and the result's coordinates (module-level: Dask pickles it)."""
    params = _chunk_params(model, colmap, block, base)
    try:
        res = simulate(model, params, settings, n_runs=block.shape[0], save=variables, first_member=start)
    except NonFiniteError as exc:
        raise NonFiniteError(exc.variable, exc.time, exc.run + start) from None
    meta = {"times": res.times, "units": dict(res.units), "dims": dict(res.dims), "coords": dict(res.coords),
            "docs": dict(res.docs), "variables": res.variables}
    return start, {v: res[v] for v in res.variables}, meta


# -- storage ------------------------------------------------------------------------

class _MemoryStore:
    def __init__(self, n):
        self.n, self.data = n, None

    def put(self, start, arrays):
        if self.data is None:
            self.data = {k: np.empty((self.n,) + v.shape[1:], dtype=v.dtype) for k, v in arrays.items()}
        for k, v in arrays.items():
            self.data[k][start:start + v.shape[0]] = v


class _ParquetStore:
    """One Parquet file per chunk: columns ``member, year`` then one per variable or ``variable[element]``."""

    def __init__(self, path: Path, n: int):
        self.path, self.n = Path(path), n
        self.path.mkdir(parents=True, exist_ok=True)
        self.width = len(str(max(n - 1, 0)))
        self.coords = None

    def put(self, start, arrays, meta):
        import pyarrow as pa
        import pyarrow.parquet as pq

        m = next(iter(arrays.values())).shape[0]
        T = meta["times"].size
        cols = {"member": np.repeat(np.arange(start, start + m, dtype=np.int64), T),
                "year": np.tile(meta["times"], m)}
        from ..engine.results import cell_labels

        for name, a in arrays.items():
            if a.ndim == 2:
                cols[name] = a.reshape(-1)
            else:
                els = cell_labels(meta["coords"][d] for d in meta["dims"][name])
                a = a.reshape(a.shape[0], a.shape[1], -1)
                for j, el in enumerate(els):
                    cols[f"{name}[{el}]"] = np.ascontiguousarray(a[:, :, j]).reshape(-1)
        pq.write_table(pa.table(cols), self.path / f"part-{start:0{self.width}d}.parquet")


def _read_variable(path: Path, variable: str, elements, n: int, T: int, shape: tuple[int, ...] = ()) -> np.ndarray:
    import pyarrow.parquet as pq

    cols = [f"{variable}[{el}]" for el in elements] if elements else [variable]
    parts = sorted(Path(path).glob("part-*.parquet"))
    tables = [pq.read_table(p, columns=cols) for p in parts]
    arrs = [np.concatenate([t.column(c).to_numpy() for t in tables]) for c in cols]
    if elements:
        return np.stack(arrs, axis=-1).reshape((n, T) + (tuple(shape) or (len(elements),)))
    return arrs[0].reshape(n, T)


# -- the runner -----------------------------------------------------------------------

def run_ensemble(
    model: Model,
    samples,
    base_params: Mapping[str, object] | None = None,
    settings: SimSettings | None = None,
    *,
    variables: Iterable[str] | None = None,
    chunk_size: int | None = None,
    executor: str = "auto",
    scheduler=None,
    n_workers: int | None = None,
    processes: bool = True,
    parquet: str | Path | None = None,
    seed=None,
    metadata: Mapping[str, object] | None = None,
    progress: Callable[[float], None] | None = None,
) -> EnsembleResult:
    """Simulate every row of ``samples`` as one ensemble member.

    Parameters
    ----------
    model : Model
        The model (never modified).
    samples : pandas.DataFrame
        One row per member, one column per constant (scalar) or
        ``constant[element]`` (one element of an arrayed constant), e.g. from
        :func:`~simulator.ensemble.sample`. Zero columns is allowed (all
        members identical); the number of rows is the ensemble size.
    base_params : mapping, optional
        Constant overrides common to all members (e.g. a scenario's levers);
        sampled columns take precedence over them.
    settings : SimSettings, optional
        Time settings.
    variables : iterable of str, optional
        Variables to keep (default: every visible variable -- choose a few for
        large ensembles).
    chunk_size : int, optional
        Members simulated at once (memory of one chunk ~ chunk_size x all
        model variables). Does not change the results. Default: chosen from
        the model's array widths (:func:`simulator.engine.default_chunk_size`,
        1,000-4,000), with worker processes shrunk so that every worker gets
        the same number of equal chunks (:func:`.processes.plan_chunks`).
    executor : {"auto", "inprocess", "processes", "dask"}
        Where chunks run. ``"inprocess"``: one after the other in this process.
        ``"processes"``: on ``n_workers`` worker processes of this machine
        (default: every core this process may use; :mod:`.processes`), the
        members split into equal chunks, a multiple of the workers in number.
        ``"auto"`` (default): ``"processes"`` when the machine has more than one
        core and the ensemble is larger than one chunk, else ``"inprocess"``
        (the metadata records what ran). ``"dask"`` uses ``dask.distributed``: ``scheduler``
        may be an address (``"tcp://host:8786"``), an existing ``Client``, or
        ``None`` to start a ``LocalCluster`` of ``n_workers`` single-threaded
        workers (default 2; worker processes, or threads of this process if
        ``processes`` is false) for the duration of the call. Workers of a
        remote cluster should be started without Dask's default
        ``MALLOC_TRIM_THRESHOLD_=65536`` (it makes the engine ~3x slower): set
        ``distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_: null``
        in their Dask config, or start them with ``dask worker --no-nanny``.
    parquet : path, optional
        Keep members on disk as a Parquet dataset in this directory (one
        file per chunk) instead of in memory.
    seed : int, optional
        Seed of the sample, recorded in the metadata (the engine itself is
        deterministic: all randomness is in the sample).
    metadata : mapping, optional
        Extra provenance.
    progress : callable, optional
        Called with the fraction of members done (0..1) (with worker processes: as
        chunks come back).

    Returns
    -------
    EnsembleResult

    Raises
    ------
    EnsembleError
        A sample column names no constant of the model; bad options.
    NonFiniteError
        A member produced NaN/inf (``run`` is the member index).
    """
    import pandas as pd

    from .._version import __version__

    if executor not in EXECUTORS:
        raise EnsembleError(f"unknown executor {executor!r} (choose from {', '.join(EXECUTORS)})")
    if chunk_size is not None and int(chunk_size) < 1:
        raise EnsembleError(f"chunk size must be >= 1, got {chunk_size}")
    if not isinstance(samples, pd.DataFrame):
        samples = pd.DataFrame(samples)
    settings = settings or SimSettings()
    n = len(samples)
    if n < 1:
        raise EnsembleError("the sample has no rows: nothing to run")
    colmap = _column_map(model, samples.columns)
    values = samples.to_numpy(dtype=float, copy=False).reshape(n, len(colmap))
    if not np.all(np.isfinite(values)):
        raise EnsembleError("the sample contains NaN or infinite values")
    base = dict(base_params or {})
    for name in base:
        if name not in model or not isinstance(model[name], Constant):
            raise EnsembleError(f"base parameter {name!r}: the model has no such constant")
    vars_ = list(variables) if variables is not None else None
    balance = chunk_size is None   # the default chunk may be shrunk to even out the workers' shares
    if chunk_size is None:
        from ..engine import default_chunk_size

        chunk_size = default_chunk_size(model, vars_)
    chunk_size = int(chunk_size)
    if n_workers is not None and int(n_workers) < 1:
        raise EnsembleError(f"workers must be >= 1, got {n_workers}")
    from .processes import available_workers, plan_chunks, process_chunks

    if executor == "auto":
        executor = "processes" if (n_workers or available_workers()) > 1 and n > chunk_size else "inprocess"
    workers = None
    if executor == "processes":
        workers = int(n_workers or available_workers())
        if balance:
            ranges = plan_chunks(n, chunk_size, workers)
            chunk_size = max(b - a for a, b in ranges)
        else:
            ranges = [(a, min(a + chunk_size, n)) for a in range(0, n, chunk_size)]
        workers = min(workers, len(ranges))
    starts = list(range(0, n, chunk_size))
    t0 = time.perf_counter()
    mem = _MemoryStore(n) if parquet is None else None
    disk = _ParquetStore(Path(parquet), n) if parquet is not None else None
    meta_out: dict = {}
    done = 0

    def accept(start, arrays, meta):
        nonlocal done, meta_out
        if not meta_out:
            meta_out = meta
        if mem is not None:
            mem.put(start, arrays)
        else:
            disk.put(start, arrays, meta)
        done += next(iter(arrays.values())).shape[0] if arrays else 0

    if executor == "inprocess":
        for s in starts:
            block = values[s:s + chunk_size]
            m = block.shape[0]
            params = _chunk_params(model, colmap, block, base)
            inner = None
            if progress is not None:
                def inner(f, _d=done, _m=m):
                    progress(min(1.0, (_d + f * _m) / n))
            try:
                res = simulate(model, params, settings, n_runs=m, save=vars_, progress=inner, first_member=s)
            except NonFiniteError as exc:
                raise NonFiniteError(exc.variable, exc.time, exc.run + s) from None
            meta = {"times": res.times, "units": dict(res.units), "dims": dict(res.dims),
                    "coords": dict(res.coords), "docs": dict(res.docs), "variables": res.variables}
            accept(s, {v: res[v] for v in res.variables}, meta)
    elif executor == "processes":
        # generate the step program here, once, so that the forked workers inherit it (two members:
        # the variant for ensembles, see engine.programs.VectorProgram.factory)
        from dataclasses import replace

        warm = replace(settings, stop=settings.start + settings.save_every)
        simulate(model, _chunk_params(model, colmap, values[:2], base), warm, n_runs=min(2, n), save=vars_)
        for start, arrays, meta in process_chunks(model, colmap, values, ranges, base, settings, vars_, workers):
            accept(start, arrays, meta)
            if progress is not None:
                progress(done / n)
    else:
        for start, arrays, meta in _dask_chunks(model, colmap, values, starts, chunk_size, base, settings, vars_,
                                                scheduler, n_workers, processes):
            accept(start, arrays, meta)
            if progress is not None:
                progress(done / n)
    if progress is not None:
        progress(1.0)
    md = {"model": model.name, "settings": asdict(settings), "n_members": n, "chunk_size": chunk_size,
          "executor": executor, "workers": workers, "seed": seed, "regsim_version": __version__,
          "elapsed_s": round(time.perf_counter() - t0, 6), "sampled": list(samples.columns),
          "base_params": {k: (np.asarray(v).tolist()) for k, v in base.items()}}
    if disk is not None:
        md["parquet"] = str(disk.path)
    md.update(dict(metadata or {}))
    result = EnsembleResult(samples=samples, times=np.asarray(meta_out["times"]), variables=list(meta_out["variables"]),
                            units=meta_out["units"], dims=meta_out["dims"], coords=meta_out["coords"],
                            docs=meta_out["docs"], metadata=md, data=mem.data if mem is not None else None,
                            path=disk.path if disk is not None else None)
    if disk is not None:
        info = {k: md[k] for k in ("model", "n_members", "chunk_size", "seed", "regsim_version")}
        info.update({"variables": result.variables, "units": result.units, "times": result.times.tolist(),
                     "layout": "one row per (member, year); columns variable or variable[element]"})
        (disk.path / "_ensemble.json").write_text(json.dumps(info, indent=2, default=str))
    return result


def _dask_chunks(model, colmap, values, starts, chunk_size, base, settings, variables, scheduler, n_workers,
                 processes):
    """Yield ``(start, arrays, meta)`` for every chunk, computed on a Dask cluster (any completion order)."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - depends on the environment
        raise EnsembleError("--executor dask needs dask[distributed] (pip install 'regsim[dask]')") from None
    cluster = client = None
    own = not isinstance(scheduler, Client)
    try:
        if isinstance(scheduler, Client):
            client = scheduler
        elif scheduler:
            client = Client(scheduler)
        else:
            import dask

            # Dask's nannies set MALLOC_TRIM_THRESHOLD_=65536 in worker processes, which pins glibc's
            # mmap threshold: every array over 128 kB is then mmap'ed and freed page by page, and the
            # engine (many short-lived (chunk, n) temporaries) runs ~3x slower. Unset it for our workers.
            with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
                cluster = LocalCluster(n_workers=n_workers or 2, threads_per_worker=1, processes=processes,
                                       dashboard_address=None)
            client = Client(cluster)
        token = uuid.uuid4().hex[:8]
        model_f = client.scatter(model, broadcast=True)
        futures = [client.submit(_run_chunk, model_f, colmap, values[s:s + chunk_size], base, settings, variables, s,
                                 key=f"regsim-chunk-{token}-{s}", pure=False)
                   for s in starts]
        for fut in as_completed(futures):
            yield fut.result()
            fut.release()
    finally:
        if own and client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def chunk_count(n: int, chunk_size: int) -> int:
    """Number of chunks for ``n`` members."""
    return math.ceil(n / chunk_size)
