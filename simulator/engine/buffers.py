"""Memory for the outputs of runs: fresh arrays, or the memory of results nobody holds any more.

A run's outputs are written once and handed over in :class:`~simulator.engine.results.Results`.
Large ones are costly to get from the operating system: the first write to each page of fresh
memory is a page fault (about 10 ms per 25 MB on the reference machine, and 35-70 ms when numpy's
transparent-huge-page advice makes the kernel compact memory first), which is more than the run
itself for a long ensemble that saves every step. :class:`OutputPool` therefore carves the outputs
of a run out of one buffer and, once every array of an earlier run's results has been dropped,
reuses that buffer (repeated runs: calibration loops, ensemble chunks, benchmarks). Results are
never shared: a buffer is reused only when no array viewing it is alive.

:func:`tune_allocator` does the same for the many small temporaries of a step: it asks glibc's
``malloc`` to keep freed memory at the top of its heap instead of returning it to the system.
"""

from __future__ import annotations

import math
import sys
import threading

import numpy as np

#: outputs smaller than this (bytes) are plain ``numpy.empty`` arrays
POOL_MIN_BYTES = 4 << 20
#: most bytes of buffers the pool keeps (in use or waiting for reuse)
POOL_MAX_BYTES = 768 << 20


def _empty_plain_pages(n: int) -> np.ndarray:
    """``numpy.empty(n)`` without numpy's transparent-huge-page advice (see the module docstring)."""
    toggle = getattr(getattr(np, "_core", np).multiarray, "_set_madvise_hugepage", None)
    previous = toggle(False) if toggle is not None else None
    try:
        return np.empty(n)
    finally:
        if toggle is not None:
            toggle(previous)


class OutputPool:
    """Buffers for run outputs, reused once no array of theirs is referenced any more."""

    def __init__(self, min_bytes: int = POOL_MIN_BYTES, max_bytes: int = POOL_MAX_BYTES):
        self.min_bytes, self.max_bytes = min_bytes, max_bytes
        self._buffers: list[np.ndarray] = []
        self._lock = threading.Lock()

    def arrays(self, shapes: dict[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
        """Uninitialised float arrays of the given shapes (views of one buffer when large)."""
        sizes = {n: math.prod(s) for n, s in shapes.items()}
        total = sum(sizes.values())
        if 8 * total < self.min_bytes:
            return {n: np.empty(s) for n, s in shapes.items()}
        with self._lock:
            buf = self._claim(total)
            out, off = {}, 0
            for n, s in shapes.items():
                out[n] = buf[off:off + sizes[n]].reshape(s)
                off += sizes[n]
            return out

    @staticmethod
    def _free(buf: np.ndarray) -> bool:
        # referenced only by the pool's list, the caller's loop name, this parameter and
        # getrefcount's argument: no array of a result views it (views reference their base)
        return sys.getrefcount(buf) <= 4

    def _claim(self, total: int) -> np.ndarray:
        for buf in self._buffers:
            if total <= buf.size <= 2 * total and self._free(buf):
                return buf[:total]
        held = sum(b.size for b in self._buffers) * 8
        if held + 8 * total > self.max_bytes:   # make room: forget buffers nobody uses
            self._buffers = [b for b in self._buffers if not self._free(b)]
            held = sum(b.size for b in self._buffers) * 8
        buf = _empty_plain_pages(total)
        if held + 8 * total <= self.max_bytes:
            self._buffers.append(buf)
        return buf

    def clear(self) -> None:
        """Forget every buffer (those still in use stay alive with their arrays)."""
        with self._lock:
            self._buffers = []


#: the pool :func:`simulator.engine.simulate` takes outputs from
POOL = OutputPool()

#: bytes of freed memory glibc keeps at the top of the heap (``M_TOP_PAD``) once the engine runs
HEAP_TOP_PAD = 64 << 20
#: blocks from this size (bytes) on are mapped from the system directly (glibc's dynamic maximum)
HEAP_MMAP_THRESHOLD = 32 << 20
#: set in the environment (any value) to leave glibc's ``malloc`` settings alone
OPT_OUT_ENV = "REGSIM_MALLOC_DEFAULTS"
_M_TOP_PAD, _M_MMAP_THRESHOLD = -2, -3   # glibc's mallopt parameter numbers (malloc.h)
_TUNED = [False]


def tune_allocator() -> bool:
    """Ask glibc's ``malloc`` to keep 64 MiB of freed memory instead of returning it at once.

    An ensemble step makes many temporary arrays of ``N x cells`` numbers (0.1-1 MB for 2,000
    members). With glibc's defaults the heap can shrink after they are freed and grow again at
    the next one, and every page it grows by is a page fault: element-wise operations on
    (2000, 2, 18) arrays ran 2x slower, and a 2,000-member ensemble of a model with a
    (sex, age) cohort block 1.8x slower (about 690,000 page faults per run; docs/performance.md).
    ``mallopt(M_TOP_PAD)`` keeps the top of the heap instead (the process may hold up to 64 MiB
    more memory than it uses). ``M_MMAP_THRESHOLD`` is fixed at 32 MiB at the same time: setting
    either stops glibc's own adjustment of the threshold (128 KiB at first, raised as large
    blocks are freed), so it is fixed at glibc's own upper bound.

    Done once per process, by the first simulation. Nothing is changed where glibc is absent,
    when ``MALLOC_TOP_PAD_`` or ``MALLOC_MMAP_THRESHOLD_`` is set in the environment (the user's
    choice wins) or when ``REGSIM_MALLOC_DEFAULTS`` is (to measure without it). The numbers a
    run computes do not depend on it.

    Returns
    -------
    bool
        True if this call changed the settings; False if an earlier call already did (or
        decided not to), or if nothing was changed for one of the reasons above.
    """
    if _TUNED[0]:
        return False
    _TUNED[0] = True
    import os

    if (not sys.platform.startswith("linux") or os.environ.get(OPT_OUT_ENV) is not None
            or any(k in os.environ for k in ("MALLOC_TOP_PAD_", "MALLOC_MMAP_THRESHOLD_"))):
        return False
    try:
        import ctypes

        mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
        if mallopt is None:
            return False
        # glibc's mallopt returns 1 on success (musl's stub returns 0: nothing changed)
        ok = mallopt(_M_MMAP_THRESHOLD, HEAP_MMAP_THRESHOLD) == 1
        return mallopt(_M_TOP_PAD, HEAP_TOP_PAD) == 1 and ok
    except (OSError, AttributeError, TypeError):   # not glibc: leave the allocator alone
        return False
