"""Rewrite engine functions XMILE has no word for into equations it has, before writing.

XMILE 1.0 has no matrix inverse and no identity matrix. Before a model is written,
:func:`lower_for_xmile` returns an equivalent regsim model in which:

- ``identity('a', 'b')`` is a reference to a constant array ``identity_a_b`` over ``(a, b)``
  (1 where the two positions agree, else 0);
- ``inverse(M)`` of an ``n x n`` matrix over ``(d1, d2)`` is Gauss-Jordan elimination without
  pivoting on the augmented matrix ``[M | I]``, written as ``2n`` auxiliaries over ``(d1, d2)``
  (``<owner>_inverse_matrix`` holds ``M``; step ``k`` = 1..n pivots on position ``k``)::

      f_k[i, :] = L_{k-1}[i, s_k] - I[i, s_k]                  (column k, minus the unit column)
      L_k = L_{k-1} - f_k * L_{k-1}[c_k, :] / L_{k-1}[c_k, s_k]   (``<owner>_inverse_left<k>``, k < n)
      R_k = R_{k-1} - f_k * R_{k-1}[c_k, :] / L_{k-1}[c_k, s_k]   (``<owner>_inverse_right<k>``, R_0 = I)

  After ``n`` steps ``L_n = I`` and ``R_n`` holds the inverse by position: ``inverse(M)[s_i, c_j]
  = R_n[c_i, s_j]``, a positional relabelling the writer spells out element by element.
  This is a direct method (no truncation): for every matrix whose pivots stay away from zero
  (any diagonally dominant matrix, e.g. ``I - diag(rpc) A`` with column sums of ``A`` below 1)
  it gives the inverse to rounding error.

Because the elimination does not pivot, :func:`check_inverses` runs the lowered model with the
engine at the settings being written (saving every ``dt``) and compares ``R_n`` with
``numpy.linalg.inv(M)`` at every saved step; it refuses (an :class:`XmileError` naming the
variable and ``inverse``) when the largest difference exceeds :data:`INVERSE_RTOL` times the
largest element of the inverse, or when a value is not finite.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace

import numpy as np

from simulator.engine.components import Aux, Constant, Model, Stock
from simulator.engine.expr import Bin, Call, Node, Str, Sub, Subscript, Var, children

from .equations import canonical
from .errors import XmileError

#: Largest accepted difference between the written elimination and the engine's inverse, relative
#: to the largest element of the inverse, at every saved step of the checked run.
INVERSE_RTOL = 1e-10


@dataclass(frozen=True)
class InverseSite:
    """One ``inverse(M)`` rewritten as Gauss-Jordan elimination.

    Attributes
    ----------
    owner : str
        The variable whose equation holds the call.
    matrix : str
        Name of the auxiliary holding ``M`` (dims ``(d1, d2)``).
    result : str
        Name of the last elimination step ``R_n`` (dims ``(d1, d2)``; the inverse by position).
    dims : tuple of str
        ``(d1, d2)``.
    """

    owner: str
    matrix: str
    result: str
    dims: tuple[str, str]


@dataclass(frozen=True)
class Lowered:
    """A model ready to write and what was rewritten (:func:`lower_for_xmile`)."""

    model: Model
    inverses: tuple[InverseSite, ...] = ()
    identities: tuple[str, ...] = ()


def _map(node: Node, fn) -> Node:
    """Rebuild ``node`` bottom-up, replacing each sub-tree ``n`` by ``fn(n)`` (``None``: keep)."""
    kids = children(node)
    if kids:
        new = tuple(_map(k, fn) for k in kids)
        if new != kids:
            node = _rebuild(node, new)
    out = fn(node)
    return node if out is None else out


def _rebuild(node: Node, kids: tuple[Node, ...]) -> Node:
    f = [x.name for x in dataclasses.fields(node)]
    if "args" in f:
        return replace(node, args=kids)
    if "operand" in f and len(kids) == 1:
        return replace(node, operand=kids[0])
    if "left" in f:
        return replace(node, left=kids[0], right=kids[1])
    return replace(node, cond=kids[0], then=kids[1], orelse=kids[2])


def _uses(node: Node, funcs: set[str]) -> bool:
    return (isinstance(node, Call) and node.func in funcs) or any(_uses(k, funcs) for k in children(node))


def _equations(c) -> list[tuple[str, object, Node]]:
    """(field, key, tree) of every equation of a component (``key`` is an element key or None)."""
    out = []
    if isinstance(c, Stock):
        if c.initial is not None:
            out.append(("initial", None, c.initial_node))
        out += [("elements", k, n) for k, n in c.element_nodes]
    elif isinstance(c, Aux):
        if c.equation is not None:
            out.append(("equation", None, c.node))
        out += [("elements", k, n) for k, n in c.element_nodes]
    return out


def lower_for_xmile(model: Model) -> Lowered:
    """The model with ``identity`` and ``inverse`` rewritten (see the module docstring).

    Parameters
    ----------
    model : Model
        Any regsim model (not modified).

    Returns
    -------
    Lowered
        The rewritten model (the same object when nothing needed rewriting) and the sites.
    """
    funcs = {"identity", "inverse"}
    if not any(_uses(n, funcs) for c in model.components for _, _, n in _equations(c)):
        return Lowered(model)
    from simulator.engine.compiler import infer_dims

    taken = {canonical(c.name) for c in model.components}

    def fresh(base: str) -> str:
        return _fresh(base, taken)

    identities: dict[tuple[str, str], Constant] = {}
    dims_of = {c.name: c.dims for c in model.components}

    def identity(a: str, b: str, where: str) -> str:
        for d in (a, b):
            if d not in model.dimensions:
                raise XmileError(f"identity(): unknown dimension {d!r}", variable=where, construct="identity")
        if len(model.dimensions[a]) != len(model.dimensions[b]):
            raise XmileError(f"identity({a!r}, {b!r}): the dimensions have different lengths",
                             variable=where, construct="identity")
        if (a, b) not in identities:
            n = len(model.dimensions[a])
            identities[(a, b)] = Constant(fresh(f"identity_{a}_{b}"), units="1", dims=(a, b), value=np.eye(n),
                                          doc=f"Identity matrix over ({a}, {b}): 1 where the positions agree "
                                              "(written by regsim for identity())")
            dims_of[identities[(a, b)].name] = (a, b)
        return identities[(a, b)].name

    def sub(var: str, *items: Sub) -> Subscript:
        return Subscript(Var(var), tuple(items))

    helpers: dict[str, list] = {}  # owner -> helper components (written before it)
    sites: list[InverseSite] = []

    def lower_inverse(arg: Node, owner: str) -> Node:
        try:
            d = infer_dims(arg, dims_of, model, owner)
        except Exception as exc:  # the engine's own message names the problem
            raise XmileError(f"inverse(): {exc}", variable=owner, construct="inverse") from None
        if len(d) != 2 or len(model.dimensions[d[0]]) != len(model.dimensions[d[1]]):
            raise XmileError(f"inverse() of an array over {d}: a square two-dimensional matrix is needed",
                             variable=owner, construct="inverse")
        d1, d2 = d
        rows, cols = model.dimensions[d1], model.dimensions[d2]
        n = len(rows)
        j = sum(s.owner == owner for s in sites)
        base = f"{owner}_inverse" + (str(j + 1) if j else "")
        unit = identity(d1, d2, owner)
        what = f"of inverse() in {owner} (Gauss-Jordan elimination; XMILE has no matrix inverse)"
        mat = fresh(f"{base}_matrix")
        out = [Aux(mat, units="", dims=(d1, d2), equation=arg, doc=f"The matrix {what}")]
        left, right = mat, unit
        for k in range(n):
            ck, sk = Sub("element", rows[k]), Sub("element", cols[k])
            col = Bin("-", sub(left, Sub("all"), sk), sub(unit, Sub("all"), sk))
            pivot = sub(left, ck, sk)
            r_name = fresh(f"{base}_right{k + 1}")
            out.append(Aux(r_name, units="", dims=(d1, d2),
                           equation=Bin("-", Var(right), Bin("/", Bin("*", col, sub(right, ck)), pivot)),
                           doc=f"Step {k + 1} of {n}, right-hand block, {what}"))
            if k < n - 1:
                l_name = fresh(f"{base}_left{k + 1}")
                out.append(Aux(l_name, units="", dims=(d1, d2),
                               equation=Bin("-", Var(left), Bin("/", Bin("*", col, sub(left, ck)), pivot)),
                               doc=f"Step {k + 1} of {n}, left-hand block, {what}"))
                left = l_name
            right = r_name
        helpers.setdefault(owner, []).extend(out)
        sites.append(InverseSite(owner, mat, right, (d1, d2)))
        return sub(right, Sub("dim", d2), Sub("dim", d1))

    def rewrite(node: Node, owner: str) -> Node:
        def fn(n):
            if isinstance(n, Call) and n.func == "identity":
                if len(n.args) != 2 or not all(isinstance(a, Str) for a in n.args):
                    raise XmileError("identity() takes two dimension names in quotes", variable=owner,
                                     construct="identity")
                return Var(identity(n.args[0].value, n.args[1].value, owner))
            if isinstance(n, Call) and n.func == "inverse":
                if len(n.args) != 1:
                    raise XmileError("inverse() takes one matrix", variable=owner, construct="inverse")
                return lower_inverse(n.args[0], owner)
            return None

        return _map(node, fn)

    comps = []
    for c in model.components:
        eqs = _equations(c)
        if not any(_uses(n, funcs) for _, _, n in eqs):
            comps.append(c)
            continue
        changes: dict = {}
        elements = []
        for fld, key, node in eqs:
            new = rewrite(node, c.name)
            if fld == "elements":
                elements.append((key, new))
            else:
                changes[fld] = new
        if elements:
            changes["elements"] = tuple(elements)
        comps.extend(helpers.pop(c.name, []))
        comps.append(replace(c, **changes))
    comps = list(identities.values()) + comps
    return Lowered(replace(model, components=tuple(comps)), tuple(sites), tuple(c.name for c in identities.values()))


def check_inverses(lowered: Lowered, settings, *, rtol: float = INVERSE_RTOL) -> dict[str, float]:
    """Run the lowered model and compare each written elimination with ``numpy.linalg.inv``.

    Parameters
    ----------
    lowered : Lowered
        From :func:`lower_for_xmile` (constants already set to the values being written).
    settings : SimSettings
        The run being written; the check saves every ``dt`` of it.
    rtol : float
        Largest accepted ``max |R_n - inv(M)| / max |inv(M)|`` at any saved step.

    Returns
    -------
    dict of str to float
        Largest relative difference per owner variable (empty without inverses).

    Raises
    ------
    XmileError
        The model does not run, a matrix is singular or not finite, or the elimination differs
        from the inverse by more than ``rtol`` (naming the variable and ``inverse``).
    """
    if not lowered.inverses:
        return {}
    from simulator.engine import simulate

    st = replace(settings, save_every=settings.dt, on_nonfinite="ignore")
    try:
        res = simulate(lowered.model, settings=st)
    except Exception as exc:  # any engine error: the check cannot be made
        owner = lowered.inverses[0].owner
        raise XmileError(f"inverse() cannot be checked: the model does not run ({exc})", variable=owner,
                         construct="inverse") from None
    worst: dict[str, float] = {}
    for s in lowered.inverses:
        m, r = np.asarray(res[s.matrix], float), np.asarray(res[s.result], float)
        if not (np.isfinite(m).all() and np.isfinite(r).all()):
            t = res.times[np.flatnonzero(~(np.isfinite(m).all(axis=(0, 2, 3)) & np.isfinite(r).all(axis=(0, 2, 3))))[0]]
            raise XmileError(f"inverse(): the matrix or its Gauss-Jordan elimination is not finite at time {t:g} "
                             "(a zero pivot: elimination without pivoting cannot be written for this matrix)",
                             variable=s.owner, construct="inverse")
        try:
            inv = np.linalg.inv(m)
        except np.linalg.LinAlgError:
            raise XmileError("inverse(): the matrix is singular during the run", variable=s.owner,
                             construct="inverse") from None
        scale = np.abs(inv).max(axis=(-2, -1))
        err = np.abs(r - inv).max(axis=(-2, -1)) / np.where(scale > 0, scale, 1.0)
        worst[s.owner] = max(worst.get(s.owner, 0.0), float(err.max()))
        if err.max() > rtol:
            i = np.unravel_index(int(np.argmax(err)), err.shape)
            raise XmileError(f"inverse(): Gauss-Jordan elimination without pivoting (the only way to write a "
                             f"matrix inverse in XMILE) differs from the inverse by {err.max():.2e} relative at "
                             f"time {res.times[i[1]]:g} (limit {rtol:g}): the matrix is too close to needing "
                             "pivoting", variable=s.owner, construct="inverse")
    return worst


def _relabels(node: Node, model: Model) -> bool:
    """Whether ``node`` relabels a dimension by position (``rename`` or a positional subscript)."""
    for n in _walk(node):
        if isinstance(n, Call) and n.func == "rename":
            return True
        if isinstance(n, Subscript) and isinstance(n.operand, Var) and n.operand.name in model:
            dims = model[n.operand.name].dims
            for d, it in zip(dims, n.items):
                if (it.kind == "dim" and it.name != d and it.name in model.dimensions
                        and model.subranges.get(it.name) != d):
                    return True
    return False


def _walk(node: Node):
    yield node
    for k in children(node):
        yield from _walk(k)


def _fresh(base: str, taken: set[str]) -> str:
    name, i = base, 1
    while canonical(name) in taken:
        i += 1
        name = f"{base}{i}"
    taken.add(canonical(name))
    return name


def _initials_as_auxiliaries(model: Model, taken: set[str]) -> Model:
    """Stocks whose initial value is written element by element get it from an auxiliary
    ``<stock>_initial`` (PySD 3.14 reads only a stock's apply-to-all ``<eqn>``)."""
    out, changed = [], False
    for c in model.components:
        if isinstance(c, Stock) and c.dims and (c.elements or (c.initial is not None
                                                                and _relabels(c.initial_node, model))):
            name = _fresh(f"{c.name}_initial", taken)
            out.append(Aux(name, units=c.units, dims=c.dims, doc=f"Initial value of {c.name} (for PySD)",
                           equation=c.initial_node if c.initial is not None else None, elements=c.elements))
            out.append(replace(c, initial=Var(name), elements=()))
            changed = True
        else:
            out.append(c)
    return replace(model, components=tuple(out)) if changed else model


def hoist_stateful_for_pysd(model: Model) -> Model:
    """Stateful calls PySD 3.14 cannot build in place, moved into auxiliaries of their own.

    Also: a stock whose initial value must be written element by element takes it from an
    auxiliary ``<stock>_initial`` (PySD reads only a stock's apply-to-all ``<eqn>``).

    PySD gives the state of ``INIT``, ``SMTH1``, ``DELAY``... the dimensions of the variable whose
    equation holds the call, so ``INIT(scalar)`` in an arrayed equation fails (``xr.DataArray`` of
    a scalar over a dimension), as does a call in an equation written element by element. Each
    such call becomes an auxiliary ``<owner>_<function>`` with the call's own dimensions (same
    values: a stateful function does not depend on where it is written). Other calls stay inline.
    """
    from simulator.engine.builtins import STATEFUL_ARITY
    from simulator.engine.compiler import infer_dims

    stateful = set(STATEFUL_ARITY)
    taken = {canonical(c.name) for c in model.components}
    model = _initials_as_auxiliaries(model, taken)
    if not any(_uses(n, stateful) for c in model.components for _, _, n in _equations(c)):
        return model
    dims_of = {c.name: c.dims for c in model.components}
    comps_by = {c.name: c for c in model.components}
    out = []
    for c in model.components:
        eqs = _equations(c)
        if not any(_uses(n, stateful) for _, _, n in eqs):
            out.append(c)
            continue
        spelled_out = bool(getattr(c, "elements", ())) or any(_relabels(n, model) for _, _, n in eqs)
        new_helpers: list = []

        def fn(n, c=c, spelled_out=spelled_out, new_helpers=new_helpers):
            if not (isinstance(n, Call) and n.func in stateful):
                return None
            # the state has the dimensions of all arguments together (inner calls are hoisted already)
            both = n.args[0]
            for a in n.args[1:]:
                both = Bin("+", both, a)
            try:
                found = set(infer_dims(both, dims_of, model, c.name, comps=comps_by))
            except Exception:  # leave it: the writer reports what it cannot write
                return None
            d = tuple(x for x in c.dims if x in found) + tuple(x for x in model.dimensions
                                                               if x in found and x not in c.dims)
            if d == tuple(c.dims) and not spelled_out:
                return None
            name = _fresh(f"{c.name}_{n.func}", taken)
            new_helpers.append(Aux(name, units=c.units if n.func != "trend" else "", dims=d, equation=n,
                                   doc=f"{n.func}() of {c.name}, as its own variable (for PySD)"))
            dims_of[name] = d
            return Var(name)

        changes: dict = {}
        elements = []
        for fld, key, node in eqs:
            new = _map(node, fn)
            if fld == "elements":
                elements.append((key, new))
            else:
                changes[fld] = new
        if elements:
            changes["elements"] = tuple(elements)
        out.extend(new_helpers)
        out.append(replace(c, **changes) if new_helpers else c)
    return replace(model, components=tuple(out))
