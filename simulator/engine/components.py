"""Model components: a system-dynamics model declared as data.

A :class:`Model` is an immutable collection of components, each with a name,
units, documentation and an equation (a string parsed by
:func:`simulator.engine.expr.parse`, or a number):

- :class:`Stock` -- a level integrated over time from its inflows and outflows;
- :class:`Flow` -- a rate [units of the stock per year] feeding or draining stocks;
- :class:`Aux` -- an auxiliary (algebraic) variable;
- :class:`Constant` -- a parameter, overridable per ensemble member at run time;
- :class:`Lookup` -- a graphical function (piecewise-linear, clamped ends);
- :class:`TimeSeries` -- an exogenous input given as (year, value) points.

Components may be arrayed over one named dimension of the model (for example
``sector`` or ``partner``); see :class:`Model.dimensions`.

The runtime (compiler and integrators) lives elsewhere: a model never changes
when it is simulated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .expr import Node, names, parse


class ModelError(ValueError):
    """A model whose structure is inconsistent (unknown names, bad dimensions, ...)."""


class AlgebraicLoopError(ModelError):
    """Auxiliaries that depend on each other without a stock or delay in between.

    Attributes
    ----------
    loop : list of str
        The variables in the loop, in dependency order.
    """

    def __init__(self, loop: Sequence[str]):
        self.loop = list(loop)
        super().__init__("algebraic loop (no stock or delay breaks it): " + " -> ".join(self.loop + self.loop[:1]))


def _as_node(eq) -> Node:
    return eq if not isinstance(eq, (str, int, float)) else parse(eq)


@dataclass(frozen=True)
class Component:
    """Base class: fields every component has.

    Parameters
    ----------
    name : str
        Identifier used in equations (``snake_case``).
    units : str
        Units of the value, e.g. ``"100m yuan/yr"``; ``"1"`` for dimensionless.
    doc : str
        What the component means, for documentation and listings.
    dims : tuple of str
        Dimension names the component is arrayed over (empty for scalars; at most one).
    """

    name: str
    units: str = "1"
    doc: str = ""
    dims: tuple[str, ...] = ()
    group: str = ""

    kind = "component"

    def dependencies(self) -> set[str]:
        """Names this component's equation(s) refer to."""
        return set()


@dataclass(frozen=True)
class Stock(Component):
    """A level: ``d(stock)/dt = sum(inflows) - sum(outflows)``.

    Parameters
    ----------
    initial : str or float
        Equation for the value at the start time (may refer to constants and
        auxiliaries).
    inflows, outflows : tuple of str
        Names of :class:`Flow` components.
    non_negative : bool
        If true, the stock is kept at or above zero (see the engine docs).
    """

    initial: object = 0.0
    inflows: tuple[str, ...] = ()
    outflows: tuple[str, ...] = ()
    non_negative: bool = False
    hidden: bool = False

    kind = "stock"

    @property
    def initial_node(self) -> Node:
        return _as_node(self.initial)

    def dependencies(self) -> set[str]:
        return names(self.initial_node) | set(self.inflows) | set(self.outflows)


@dataclass(frozen=True)
class Aux(Component):
    """An auxiliary variable defined by an equation."""

    equation: object = 0.0
    hidden: bool = False

    kind = "aux"

    @property
    def node(self) -> Node:
        return _as_node(self.equation)

    def dependencies(self) -> set[str]:
        return names(self.node)


@dataclass(frozen=True)
class Flow(Aux):
    """A rate of change of one or more stocks.

    Parameters
    ----------
    non_negative : bool
        If true (an XMILE "uniflow"), negative values are clipped to zero.
    """

    non_negative: bool = False

    kind = "flow"


@dataclass(frozen=True)
class Constant(Component):
    """A parameter: a number (or one number per element for arrayed constants).

    Constants are the only components an ensemble can vary per member
    (``simulate(..., params={name: array})``).
    """

    value: object = 0.0

    kind = "constant"

    def array(self, size: int | None) -> np.ndarray:
        """The value as a float array: shape ``()`` for scalars, ``(size,)`` for arrayed."""
        v = np.asarray(self.value, dtype=float)
        if size is None:
            if v.ndim != 0:
                raise ModelError(f"constant {self.name!r}: scalar expected, got shape {v.shape}")
            return v
        if v.ndim == 0:
            return np.full(size, float(v))
        if v.shape != (size,):
            raise ModelError(f"constant {self.name!r}: expected {size} values for dimension {self.dims[0]!r}, got {v.shape}")
        return v


@dataclass(frozen=True)
class Lookup(Component):
    """A graphical function: piecewise-linear in ``x``, clamped beyond the ends.

    Called in equations by name: ``effect = my_lookup(utilisation)``.

    Parameters
    ----------
    x, y : tuple of float
        Points, ``x`` strictly increasing.
    """

    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()

    kind = "lookup"

    def __post_init__(self):
        xs = np.asarray(self.x, dtype=float)
        ys = np.asarray(self.y, dtype=float)
        if xs.ndim != 1 or xs.size < 1 or xs.shape != ys.shape:
            raise ModelError(f"lookup {self.name!r}: x and y must be equal-length non-empty lists")
        if np.any(np.diff(xs) < 0):
            raise ModelError(f"lookup {self.name!r}: x must be increasing")
        if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
            raise ModelError(f"lookup {self.name!r}: points must be finite")


@dataclass(frozen=True)
class TimeSeries(Component):
    """An exogenous input: ``(year, value)`` points, linearly interpolated in time.

    Before the first and after the last point the end values are held.
    """

    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()

    kind = "timeseries"

    def __post_init__(self):
        Lookup.__post_init__(self)  # same checks


@dataclass(frozen=True)
class Model:
    """An immutable system-dynamics model.

    Parameters
    ----------
    name : str
        Model name.
    components : tuple of Component
        All components; names must be unique.
    dimensions : mapping of str to tuple of str
        Named dimensions and their element names, e.g.
        ``{"sector": ("agri", "energy", ...)}``.
    doc : str
        Description.
    """

    name: str
    components: tuple[Component, ...]
    dimensions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    doc: str = ""
    time_units: str = "yr"

    def __post_init__(self):
        object.__setattr__(self, "components", tuple(self.components))
        object.__setattr__(self, "dimensions", {k: tuple(v) for k, v in dict(self.dimensions).items()})
        seen: dict[str, Component] = {}
        for c in self.components:
            if not isinstance(c, Component):
                raise ModelError(f"not a component: {c!r}")
            if c.name in seen:
                raise ModelError(f"duplicate component name {c.name!r}")
            if c.name in RESERVED_NAMES:
                raise ModelError(f"component name {c.name!r} is reserved")
            if len(c.dims) > 1:
                raise ModelError(f"{c.name!r}: at most one dimension per variable is supported")
            for d in c.dims:
                if d not in self.dimensions:
                    raise ModelError(f"{c.name!r}: unknown dimension {d!r}")
            seen[c.name] = c
        object.__setattr__(self, "_by_name", seen)

    # -- introspection -------------------------------------------------------
    def __getitem__(self, name: str) -> Component:
        try:
            return self._by_name[name]  # type: ignore[attr-defined]
        except KeyError:
            raise KeyError(f"model {self.name!r} has no component {name!r}") from None

    def __contains__(self, name: str) -> bool:
        return name in self._by_name  # type: ignore[attr-defined]

    def names(self, kind: str | None = None, *, include_hidden: bool = False) -> list[str]:
        """Component names, optionally only of one ``kind`` (``'stock'``, ``'aux'``, ...)."""
        return [c.name for c in self.components
                if (kind is None or c.kind == kind) and (include_hidden or not getattr(c, "hidden", False))]

    def dependencies(self, name: str) -> set[str]:
        """Names the component ``name`` refers to (equation, initial value, flows)."""
        return self[name].dependencies()

    def units(self) -> dict[str, str]:
        """Mapping of component name to units."""
        return {c.name: c.units for c in self.components}

    def size(self, name: str) -> int | None:
        """Number of elements of ``name`` (``None`` for a scalar)."""
        c = self[name]
        return len(self.dimensions[c.dims[0]]) if c.dims else None

    def table(self):
        """A pandas DataFrame listing every component: name, kind, units, dims, equation, doc."""
        import pandas as pd

        from .expr import to_text

        rows = []
        for c in self.components:
            if getattr(c, "hidden", False):
                continue
            if isinstance(c, Stock):
                eq = f"init {to_text(c.initial_node)}; + {' + '.join(c.inflows) or '0'} - {' - '.join(c.outflows) or '0'}"
            elif isinstance(c, Aux):
                eq = to_text(c.node)
            elif isinstance(c, Constant):
                eq = repr(c.value)
            else:
                eq = f"{len(c.x)} points"
            rows.append({"name": c.name, "kind": c.kind, "units": c.units, "dims": ",".join(c.dims),
                         "equation": eq, "doc": c.doc, "group": c.group})
        return pd.DataFrame(rows)

    # -- functional updates --------------------------------------------------
    def replace(self, *new: Component) -> Model:
        """A copy with components replaced (by name) or added."""
        by = {c.name: c for c in new}
        comps = [by.pop(c.name, c) for c in self.components] + list(by.values())
        return replace(self, components=tuple(comps))

    def with_constants(self, values: Mapping[str, object]) -> Model:
        """A copy with new values for constants (by name)."""
        out = []
        for name, v in values.items():
            c = self[name]
            if not isinstance(c, Constant):
                raise ModelError(f"{name!r} is a {c.kind}, not a constant")
            out.append(replace(c, value=v))
        return self.replace(*out)


#: Names with a fixed meaning in every equation.
RESERVED_NAMES = frozenset({"time", "dt", "initial_time", "final_time"})


def build(name: str, components: Iterable[Component], dimensions=None, doc: str = "") -> Model:
    """Convenience constructor: ``build('m', [Stock(...), ...])``."""
    return Model(name=name, components=tuple(components), dimensions=dimensions or {}, doc=doc)
