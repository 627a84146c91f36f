"""Run an XMILE file with its own simulation settings."""

from __future__ import annotations

from collections.abc import Mapping

from simulator.engine import Results, simulate

from .errors import XmileError
from .reader import MAX_BYTES, XmileModel, read


def with_constants(res: Results, model, params: Mapping[str, object] | None = None) -> Results:
    """A copy of ``res`` that also holds the model's visible constants, held over time.

    The engine saves stocks, flows and auxiliaries; XMILE tools also report
    constants, so the XMILE layer adds them (``(N, T)`` or ``(N, T, n1, n2, ...)``).
    """
    import numpy as np

    params = dict(params or {})
    data, units, dims, docs = dict(res.data), dict(res.units), dict(res.dims), dict(res.docs)
    # a model whose variables are all constants has no saved data: the run count is in the metadata
    N, T = int(res.metadata.get("n_runs") or res.n_runs or 1), res.times.size
    for c in model.components:
        if c.kind != "constant" or c.name in data or c.name.startswith("_"):
            continue
        shape = tuple(len(model.dimensions[d]) for d in c.dims)
        v = np.asarray(params[c.name] if c.name in params else c.value, dtype=float)
        if not shape:
            v = np.broadcast_to(v.reshape(-1, 1) if v.ndim == 1 else v, (N, T))
        else:
            if v.ndim == 0:
                v = np.full(shape, float(v))
            v = np.broadcast_to(v.reshape((-1, 1) + shape), (N, T) + shape)
        data[c.name] = np.array(v, dtype=float)
        units[c.name], dims[c.name], docs[c.name] = c.units, c.dims, c.doc
    return Results(data, res.times, units, dims, res.coords, dict(res.metadata), docs)


def rename_results(res: Results, names: Mapping[str, str]) -> Results:
    """A copy of ``res`` whose variables carry the names used in the model file."""
    ren = {k: names.get(k, k) for k in res.data}
    return Results(
        {ren[k]: v for k, v in res.data.items()}, res.times,
        {ren[k]: v for k, v in res.units.items() if k in ren},
        {ren[k]: v for k, v in res.dims.items() if k in ren},
        res.coords, dict(res.metadata), {ren[k]: v for k, v in res.docs.items() if k in ren},
    )


def simulate_read(xm: XmileModel, params: Mapping[str, object] | None = None, settings=None,
                  metadata: Mapping[str, object] | None = None) -> Results:
    """Simulate a model read from XMILE; what the engine refuses at run time becomes an
    :class:`XmileError` naming the file and the construct (e.g. a DELAY shorter than one step)."""
    from simulator.engine import ModelError

    st = settings if settings is not None else xm.settings()
    # the file's own variables only (not the reader's hidden helpers: per-element scalars, indices)
    save = [n for n in xm.names if n in xm.model and xm.model[n].kind in ("stock", "flow", "aux")]
    try:
        return simulate(xm.model, params, st, save=save, metadata=dict(metadata or {}))
    except ModelError as exc:
        msg = " ".join(str(exc).split())
        ident, _, rest = msg.partition(": ")
        construct = "DELAY with a delay time shorter than one step" if "DELAY time" in msg else "run-time check"
        variable = xm.names.get(ident) if rest else None
        raise XmileError(f"{xm.source}: {rest if variable else msg}", variable=variable,
                         construct=construct) from None


def run_xmile(path, params: Mapping[str, object] | None = None, *, settings=None,
              file_names: bool = True, max_bytes: int = MAX_BYTES) -> Results:
    """Read an XMILE model and simulate it.

    Parameters
    ----------
    path : str or Path
        The XMILE file.
    params : mapping of str to float or array, optional
        Overrides of the model's constants, keyed by the name in the file
        (``"Contact Rate"``, ``contact_rate``: case and spaces/underscores do
        not matter) or by the regsim name. Arrays of shape ``(N,)`` run an
        ensemble of ``N`` members.
    settings : SimSettings, optional
        Time settings; default: the file's ``sim_specs``, saving every ``dt``.
    file_names : bool
        Name the results' variables as in the file (default) rather than by
        their regsim names.

    Returns
    -------
    Results
        One row per saved time; ``metadata['source']`` is the file path.

    Raises
    ------
    XmileError
        Unreadable or unsupported file, unknown parameter, unsupported method.
    """
    xm: XmileModel = read(path, max_bytes=max_bytes)
    overrides = {}
    for k, v in (params or {}).items():
        try:
            ident = xm.resolve(k)
        except KeyError:
            raise XmileError(f"unknown parameter {k!r}: the model has no such variable") from None
        if xm.model[ident].kind != "constant":
            raise XmileError(f"{k!r} is computed by an equation, not a constant: it cannot be set", variable=k)
        overrides[ident] = v
    res = simulate_read(xm, overrides, settings, metadata={"source": str(path)})
    res = with_constants(res, xm.model, overrides)
    return rename_results(res, xm.names) if file_names else res
