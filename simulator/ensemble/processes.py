"""Running ensemble chunks on worker processes of this machine (the ``processes`` executor).

One vectorised chunk keeps one core busy: numpy takes the GIL back at every call, so threads
do not help, but processes do. The executor forks ``n_workers`` processes
(:class:`concurrent.futures.ProcessPoolExecutor` with the ``fork`` start method) after the
parent has generated the model's step program, so the workers start at once with the
compiled model, the sample and the parameters in their inherited memory; each task is a pair
of row indices, and only the chunk's kept arrays travel back (pickled through a pipe).

Where ``fork`` is not available (Windows, macOS's default), the executor falls back to
``spawn``: each worker then receives the model once and compiles it itself (a few tenths of
a second each, in parallel).

Results are bit-identical to the in-process executor: every member's trajectory is computed
by the same element-wise operations whatever chunk it falls in (see :mod:`.runner`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

import numpy as np

#: State of the current ensemble in a worker: set in the parent before forking (inherited), or
#: by :func:`_init_worker` under ``spawn``.
_JOB: dict | None = None


def available_workers() -> int:
    """Cores this process may run on (its CPU affinity where the platform tells it, else ``os.cpu_count()``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - platform without sched_getaffinity
        return max(1, os.cpu_count() or 1)


def _context():
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


def plan_chunks(n: int, chunk_size: int, n_workers: int) -> list[tuple[int, int]]:
    """Row ranges ``(start, stop)`` covering ``n`` members for ``n_workers`` processes.

    The number of chunks is ``ceil(n / chunk_size)`` rounded up to a multiple of the number of
    workers, and the chunks are of (nearly) equal size, so that no worker idles while another
    runs a last chunk: 10,000 members in chunks of 2,000 on 2 workers become 6 chunks of
    1,667 (3 per worker) instead of 5 of 2,000 (3 on one worker, 2 on the other).

    Parameters
    ----------
    n : int
        Members.
    chunk_size : int
        Largest chunk wanted [members].
    n_workers : int
        Worker processes.

    Returns
    -------
    list of (int, int)
        Consecutive ranges, first start 0, last stop ``n``.
    """
    k = max(1, -(-n // max(1, chunk_size)))
    k = -(-k // n_workers) * n_workers
    k = min(k, n)
    edges = np.linspace(0, n, k + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _init_worker(job):  # pragma: no cover - runs in a spawned worker only
    global _JOB
    _JOB = job


def _work(start: int, stop: int):
    """Run rows ``start:stop`` of the current job in a worker: ``(start, arrays, meta)`` or an error tuple."""
    from ..engine import NonFiniteError
    from .runner import _run_chunk

    job = _JOB
    try:
        return ("ok",) + _run_chunk(job["model"], job["colmap"], job["values"][start:stop], job["base"],
                                    job["settings"], job["variables"], start)
    except NonFiniteError as exc:  # its constructor takes three arguments: send them, not the object
        return ("nonfinite", exc.variable, exc.time, exc.run)


def process_chunks(model, colmap, values: np.ndarray, ranges: list[tuple[int, int]], base, settings, variables,
                   n_workers: int) -> Iterator[tuple[int, dict, dict]]:
    """Yield ``(start, arrays, meta)`` for every row range, computed on ``n_workers`` forked processes.

    Chunks come back in completion order. A member that produced NaN or infinity raises
    :class:`~simulator.engine.NonFiniteError` (with its global index) once the chunk that
    holds it is back; a worker that dies (killed, out of memory) raises
    :class:`~simulator.ensemble.EnsembleError`.
    """
    global _JOB
    from ..engine import NonFiniteError
    from .runner import EnsembleError

    ctx = _context()
    job = {"model": model, "colmap": colmap, "values": values, "base": base, "settings": settings,
           "variables": variables}
    forked = ctx.get_start_method() == "fork"
    _JOB = job if forked else None
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx,
                               **({} if forked else {"initializer": _init_worker, "initargs": (job,)}))
    try:
        pending = {pool.submit(_work, a, b) for a, b in ranges}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                out = fut.result()
                if out[0] == "nonfinite":
                    raise NonFiniteError(out[1], out[2], out[3])
                yield out[1:]
    except BrokenProcessPool:
        raise EnsembleError("a worker process of the ensemble died (killed, or out of memory?): run again with "
                            "--executor inprocess or a smaller --chunk-size") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _JOB = None
