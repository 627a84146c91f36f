"""Independent check of a regsim model: export it as XMILE, run it in PySD, compare.

PySD (an optional dependency, in the ``dev`` extra) integrates with Euler only,
so the comparison uses Euler at the same ``dt``; both tools then compute the
same sequence of floating-point operations up to reordering, and trajectories
agree to about 1e-9 relative (default tolerance ``rtol=1e-6, atol=1e-9``).

PySD writes a translated ``.py`` file next to the model it reads, so the
export goes into a temporary folder (or ``workdir``).
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulator.engine import Model, SimSettings, simulate

from .writer import write


@dataclass(frozen=True)
class CrossCheck:
    """Outcome of :func:`pysd_crosscheck`.

    Attributes
    ----------
    max_abs : dict of str to float
        Largest absolute difference per compared column (``var`` or ``var[elem]``).
    failures : dict of str to str
        Columns outside tolerance (or missing in PySD's output), with the first bad time.
    rtol, atol : float
        Tolerance used: ``|regsim - pysd| <= atol + rtol * |pysd|``.
    xmile_path : str
        The exported file (kept only if ``workdir`` was given).
    """

    max_abs: dict = field(default_factory=dict)
    failures: dict = field(default_factory=dict)
    rtol: float = 1e-6
    atol: float = 1e-9
    xmile_path: str = ""

    @property
    def ok(self) -> bool:
        return not self.failures


def pysd_crosscheck(model: Model, settings: SimSettings, *, params: Mapping[str, object] | None = None,
                    variables: list[str] | None = None, rtol: float = 1e-6, atol: float = 1e-9,
                    workdir: str | Path | None = None) -> CrossCheck:
    """Export ``model`` to XMILE, run it in PySD and compare with :func:`simulate`.

    Parameters
    ----------
    model : Model
        Any regsim model (scalars and arrays of any rank; PySD names a cell ``x[a,b]``).
    settings : SimSettings
        Start, stop and dt of both runs; the method is forced to Euler (PySD's
        only integrator) and results are compared at every ``save_every``.
    params : mapping, optional
        Constant values (e.g. a scenario's), written into the exported file.
    variables : list of str, optional
        Variables to compare (default: every saved variable).
    rtol, atol : float
        Tolerance ``|regsim - pysd| <= atol + rtol * |pysd|``.
    workdir : path, optional
        Where to write the XMILE file (default: a temporary folder, removed after).

    Returns
    -------
    CrossCheck
    """
    from dataclasses import replace

    import pysd  # optional dependency

    st = replace(settings, method="euler")
    own = simulate(model, dict(params or {}), st)
    names = variables or own.variables

    def run(folder: Path) -> CrossCheck:
        path = folder / f"{model.name or 'model'}.xmile"
        write(model, path, st, params=params, pysd_compat=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pm = pysd.read_xmile(str(path))
            out = pm.run(return_timestamps=list(own.times), return_columns=list(names))
        times = out.index.to_numpy(dtype=float)
        max_abs, failures = {}, {}
        for n in names:
            arr = own[n][0]
            flat = arr.reshape(arr.shape[0], -1)  # cells in C order, as own.elements(n) labels them
            cols = [(n, arr)] if arr.ndim == 1 else [(f"{n}[{e.replace('_', ' ')}]", flat[:, j])
                                                      for j, e in enumerate(own.elements(n))]
            for col, x in cols:
                if col not in out.columns:
                    failures[col] = "missing in PySD output"
                    continue
                y = out[col].to_numpy(dtype=float)
                if y.shape != x.shape:
                    failures[col] = f"PySD saved {y.shape[0]} times, regsim {x.shape[0]}"
                    continue
                diff = np.abs(x - y)
                max_abs[col] = float(np.nanmax(diff)) if diff.size else 0.0
                bad = ~((diff <= atol + rtol * np.abs(y)) | (np.isnan(x) & np.isnan(y)))
                if bad.any():
                    i = int(np.flatnonzero(bad)[0])
                    failures[col] = f"at time {times[i]:g}: regsim {x[i]:.10g}, PySD {y[i]:.10g}"
        return CrossCheck(max_abs, failures, rtol, atol, str(path) if workdir else "")

    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
        return run(Path(workdir))
    with tempfile.TemporaryDirectory(prefix="regsim-xmile-") as tmp:
        return run(Path(tmp))
