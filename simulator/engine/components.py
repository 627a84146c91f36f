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

Components may be arrayed over any number of named dimensions of the model (for
example ``("sector",)`` or ``("commodity", "sector")``); see :class:`Model`. An arrayed
stock, flow or auxiliary may give one equation for every element (apply-to-all) and
override it for some elements (``elements={...}``, XMILE non-apply-to-all arrays).

The runtime (compiler and integrators) lives elsewhere: a model never changes
when it is simulated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .expr import Node, names, parse

#: An element key: one element name per dimension of the component, in ``dims`` order.
ElementKey = tuple[str, ...]


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


def _key(k) -> ElementKey:
    return (k,) if isinstance(k, str) else tuple(str(x) for x in k)


def _element_items(elements) -> tuple:
    """Normalise ``{key: value}`` (or pairs) to a hashable tuple of ``(key tuple, value)``."""
    if not elements:
        return ()
    items = elements.items() if isinstance(elements, Mapping) else elements
    return tuple((_key(k), v) for k, v in items)


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
        Dimension names the component is arrayed over (empty for scalars), in the order
        of the value's axes.
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
    elements : mapping of element key to equation, optional
        Per-element initial values overriding ``initial`` (key: element name, or a tuple of
        element names in ``dims`` order). ``initial`` may be ``None`` when every element
        has its own.
    """

    initial: object = 0.0
    inflows: tuple[str, ...] = ()
    outflows: tuple[str, ...] = ()
    non_negative: bool = False
    hidden: bool = False
    elements: tuple = ()

    kind = "stock"

    def __post_init__(self):
        object.__setattr__(self, "elements", _element_items(self.elements))
        object.__setattr__(self, "inflows", tuple(self.inflows))
        object.__setattr__(self, "outflows", tuple(self.outflows))

    @property
    def initial_node(self) -> Node | None:
        return None if self.initial is None else _as_node(self.initial)

    @property
    def element_nodes(self) -> tuple[tuple[ElementKey, Node], ...]:
        """Per-element initial values as ``(key, tree)`` pairs."""
        return tuple((k, _as_node(v)) for k, v in self.elements)

    def dependencies(self) -> set[str]:
        out = set(self.inflows) | set(self.outflows)
        if self.initial is not None:
            out |= names(self.initial_node)
        for _, n in self.element_nodes:
            out |= names(n)
        return out


@dataclass(frozen=True)
class Aux(Component):
    """An auxiliary variable defined by an equation.

    Parameters
    ----------
    equation : str, float or Node
        The equation (for every element of an arrayed variable). May be ``None`` when
        ``elements`` gives every element its own.
    elements : mapping of element key to equation, optional
        Per-element equations overriding ``equation`` (key: element name, or a tuple of
        element names in ``dims`` order). An element equation may be scalar, or arrayed
        over some of the variable's dimensions (the element's own value is then taken).
    """

    equation: object = 0.0
    hidden: bool = False
    elements: tuple = ()

    kind = "aux"

    def __post_init__(self):
        object.__setattr__(self, "elements", _element_items(self.elements))

    @property
    def node(self) -> Node | None:
        return None if self.equation is None else _as_node(self.equation)

    @property
    def element_nodes(self) -> tuple[tuple[ElementKey, Node], ...]:
        """Per-element equations as ``(key, tree)`` pairs."""
        return tuple((k, _as_node(v)) for k, v in self.elements)

    def dependencies(self) -> set[str]:
        out = set() if self.equation is None else names(self.node)
        for _, n in self.element_nodes:
            out |= names(n)
        return out


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

    def array(self, size: int | tuple[int, ...] | None) -> np.ndarray:
        """The value as a float array.

        Parameters
        ----------
        size : int, tuple of int or None
            ``None`` for a scalar (shape ``()``); the shape ``(n1, n2, ...)`` of an arrayed
            constant; or its total number of elements (the values are then returned flat, in
            C order, for one-dimensional use).
        """
        v = np.asarray(self.value, dtype=float)
        if size is None:
            if v.ndim != 0:
                raise ModelError(f"constant {self.name!r}: scalar expected, got shape {v.shape}")
            return v
        shape = (size,) if isinstance(size, (int, np.integer)) else tuple(size)
        if v.ndim == 0:
            return np.full(shape, float(v))
        if v.shape != shape:
            if len(shape) == 1 and v.size == shape[0]:
                return v.reshape(-1)
            want = f"{shape[0]} values for dimension {self.dims[0]!r}" if len(self.dims) == 1 and len(shape) == 1 \
                else f"shape {shape} for dimensions {self.dims}"
            raise ModelError(f"constant {self.name!r}: expected {want}, got {v.shape}")
        return v


@dataclass(frozen=True)
class Lookup(Component):
    """A graphical function: piecewise-linear in ``x``, clamped beyond the ends.

    Called in equations by name: ``effect = my_lookup(utilisation)`` (or
    ``lookup(my_lookup, utilisation)``). An arrayed lookup (``dims`` given) has one table
    per element: the shared ``x``/``y``, overridden per element by ``elements``; calling
    it gives a value over the lookup's dims (and the argument's).

    Parameters
    ----------
    x, y : tuple of float
        Points, ``x`` increasing (may be empty when ``elements`` covers every element).
    elements : mapping of element key to (x, y), optional
        Per-element tables.
    mode : {"interpolate", "extrapolate", "backward", "forward"}
        Between and beyond the points: linear interpolation with the end values held
        (default, XMILE ``continuous``); the same with linear extrapolation beyond the ends
        (XMILE ``extrapolate``); the value of the last point at or before ``x`` (XMILE
        ``discrete``, Vensim ``LOOKUP BACKWARD``); the value of the first point at or after
        ``x`` (Vensim ``LOOKUP FORWARD``).
    """

    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    elements: tuple = ()
    mode: str = "interpolate"

    kind = "lookup"

    def __post_init__(self):
        if self.mode not in ("interpolate", "extrapolate", "backward", "forward"):
            raise ModelError(f"lookup {self.name!r}: mode must be interpolate, extrapolate, backward or forward, "
                             f"not {self.mode!r}")
        object.__setattr__(self, "x", tuple(float(v) for v in np.asarray(self.x, dtype=float).ravel()))
        object.__setattr__(self, "y", tuple(float(v) for v in np.asarray(self.y, dtype=float).ravel()))
        items = _element_items(self.elements)
        items = tuple((k, (tuple(float(v) for v in xy[0]), tuple(float(v) for v in xy[1]))) for k, xy in items)
        object.__setattr__(self, "elements", items)
        tables = ([(self.x, self.y)] if (self.x or not items) else []) + [xy for _, xy in items]
        for x, y in tables:
            _check_table(self.name, x, y)

    def tables(self) -> tuple[tuple[ElementKey, tuple, tuple], ...]:
        """``(key, x, y)`` of every per-element table (the shared one has key ``()``)."""
        out = [((), self.x, self.y)] if self.x else []
        return tuple(out + [(k, x, y) for k, (x, y) in self.elements])


@dataclass(frozen=True)
class TimeSeries(Component):
    """An exogenous input: ``(year, value)`` points, linearly interpolated in time.

    Before the first and after the last point the end values are held.
    """

    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()

    kind = "timeseries"

    def __post_init__(self):
        object.__setattr__(self, "x", tuple(float(v) for v in np.asarray(self.x, dtype=float).ravel()))
        object.__setattr__(self, "y", tuple(float(v) for v in np.asarray(self.y, dtype=float).ravel()))
        _check_table(self.name, self.x, self.y)


def _check_table(name: str, x, y) -> None:
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    if xs.ndim != 1 or xs.size < 1 or xs.shape != ys.shape:
        raise ModelError(f"lookup {name!r}: x and y must be equal-length non-empty lists")
    if np.any(np.diff(xs) < 0):
        raise ModelError(f"lookup {name!r}: x must be increasing")
    if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
        raise ModelError(f"lookup {name!r}: points must be finite")


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
        ``{"sector": ("agri", "energy", ...)}``. Two dimensions with the same elements are
        still different dimensions.
    doc : str
        Description.
    subranges : mapping of str to str
        Subrange name -> parent dimension (both listed in ``dimensions``; the subrange's
        elements are some of the parent's).
    """

    name: str
    components: tuple[Component, ...]
    dimensions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    doc: str = ""
    time_units: str = "yr"
    subranges: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "components", tuple(self.components))
        object.__setattr__(self, "dimensions", {k: tuple(str(e) for e in v) for k, v in dict(self.dimensions).items()})
        object.__setattr__(self, "subranges", dict(self.subranges or {}))
        for d, els in self.dimensions.items():
            if not els:
                raise ModelError(f"dimension {d!r} has no elements")
            if len(set(els)) != len(els):
                raise ModelError(f"dimension {d!r} lists an element twice")
        for sub, parent in self.subranges.items():
            if sub not in self.dimensions or parent not in self.dimensions:
                raise ModelError(f"subrange {sub!r} of {parent!r}: both must be declared dimensions")
            extra = [e for e in self.dimensions[sub] if e not in self.dimensions[parent]]
            if extra:
                raise ModelError(f"subrange {sub!r}: {', '.join(map(repr, extra))} not an element of {parent!r}")
        seen: dict[str, Component] = {}
        for c in self.components:
            if not isinstance(c, Component):
                raise ModelError(f"not a component: {c!r}")
            if c.name in seen:
                raise ModelError(f"duplicate component name {c.name!r}")
            if c.name in RESERVED_NAMES:
                raise ModelError(f"component name {c.name!r} is reserved")
            if len(set(c.dims)) != len(c.dims):
                raise ModelError(f"{c.name!r}: a dimension is listed twice in {c.dims}")
            for d in c.dims:
                if d not in self.dimensions:
                    raise ModelError(f"{c.name!r}: unknown dimension {d!r}")
            seen[c.name] = c
        object.__setattr__(self, "_by_name", seen)

    def __getstate__(self):
        # the compiled form (generated code, kept on the object by the engine) is not pickled
        state = dict(self.__dict__)
        state.pop("_compiled", None)
        return state

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
        """Number of elements of ``name`` (``None`` for a scalar; the product over its dims)."""
        c = self[name]
        return int(np.prod([len(self.dimensions[d]) for d in c.dims])) if c.dims else None

    def shape(self, name: str) -> tuple[int, ...]:
        """Shape ``(n1, n2, ...)`` of one member's value of ``name`` (``()`` for a scalar)."""
        return tuple(len(self.dimensions[d]) for d in self[name].dims)

    def table(self):
        """A pandas DataFrame listing every component: name, kind, units, dims, equation, doc."""
        import pandas as pd

        from .expr import to_text

        rows = []
        for c in self.components:
            if getattr(c, "hidden", False):
                continue
            if isinstance(c, Stock):
                init = to_text(c.initial_node) if c.initial is not None else "per element"
                eq = f"init {init}; + {' + '.join(c.inflows) or '0'} - {' - '.join(c.outflows) or '0'}"
            elif isinstance(c, Aux):
                eq = to_text(c.node) if c.equation is not None else ""
                if c.elements:
                    eq = "; ".join(([eq] if eq else []) + [f"[{','.join(k)}] {to_text(n)}" for k, n in c.element_nodes])
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
