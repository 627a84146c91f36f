"""The :class:`Results` of a simulation: arrays plus units, coordinates and metadata.

Results are the documented object every layer above the engine consumes (the
CLI, reports, notebooks). Arrays keep the ensemble axis first:
``results["gdp_real"]`` has shape ``(n_runs, n_times)``, an arrayed
variable ``results["value_added"]`` has shape ``(n_runs, n_times, n_sectors)``
and one over several dimensions ``(n_runs, n_times, n1, n2, ...)`` in the order
of ``results.dims[name]``.

Cells and labels
----------------
One number of an arrayed variable at one time is a *cell*. Its label is the
element name (one dimension) or the element names joined by ``","`` in dims
order (``"construction,equipment_mfg"``, no spaces): the ``dimension`` column of
the long frame and of result files, the ``variable[label]`` columns of
:meth:`Results.to_wide` and of ensemble sample tables. Labels run in C order
(the last dimension fastest). :meth:`Results.to_dataframe` can also give one
column per dimension (``dimension_columns=True``), and :meth:`Results.to_xarray`
a labelled N-d ``xarray.Dataset`` (optional dependency, imported on use).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

#: Separator of element names in the label of a cell of a multi-dimensional variable.
LABEL_SEP = ","
#: Column names of the long frame, which a dimension may not take (``dimension_columns=True``).
RESERVED_COLUMNS = frozenset({"scenario", "variable", "dimension", "year", "value", "run", "unit", "quantile"})


def cell_labels(coords: Iterable[Iterable[str]]) -> tuple[str, ...]:
    """Labels of every cell of an array over dimensions with these element names, in C order.

    ``(("a", "b"), ("x", "y", "z"))`` -> ``("a,x", "a,y", "a,z", "b,x", "b,y", "b,z")``;
    one dimension gives its element names; no dimension gives ``()``.
    """
    import itertools

    coords = [tuple(str(e) for e in c) for c in coords]
    if not coords:
        return ()
    if len(coords) == 1:
        return coords[0]
    return tuple(LABEL_SEP.join(t) for t in itertools.product(*coords))


@dataclass(frozen=True)
class Results:
    """Saved trajectories of one simulation (one or many ensemble members).

    Attributes
    ----------
    data : dict of str to ndarray
        ``(n_runs, n_times)`` for scalars, ``(n_runs, n_times, n)`` for arrayed variables.
    times : ndarray
        Saved times [yr], shape ``(n_times,)``.
    units : dict of str to str
        Units of each variable.
    dims : dict of str to tuple of str
        Dimension names of each arrayed variable, in axis order (empty tuple for scalars).
    coords : dict of str to tuple of str
        Element names of each dimension.
    metadata : dict
        Provenance: model name, settings, and whatever the caller adds
        (scenario, parameter hash, seed, regsim version).
    docs : dict of str to str
        One-line documentation of each variable.
    """

    data: Mapping[str, np.ndarray]
    times: np.ndarray
    units: Mapping[str, str]
    dims: Mapping[str, tuple[str, ...]]
    coords: Mapping[str, tuple[str, ...]]
    metadata: dict = field(default_factory=dict)
    docs: Mapping[str, str] = field(default_factory=dict)

    # -- access ---------------------------------------------------------------
    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.data[name]
        except KeyError:
            raise KeyError(f"no variable {name!r} in results (have {len(self.data)} variables)") from None

    def __contains__(self, name: str) -> bool:
        return name in self.data

    @property
    def variables(self) -> list[str]:
        """Names of the saved variables."""
        return list(self.data)

    @property
    def n_runs(self) -> int:
        """Number of ensemble members."""
        return next(iter(self.data.values())).shape[0] if self.data else 0

    @property
    def years(self) -> np.ndarray:
        """Saved times [yr] (alias of :attr:`times`)."""
        return self.times

    def elements(self, name: str) -> tuple[str, ...]:
        """Element names of an arrayed variable (empty for scalars).

        For a variable over several dimensions: the cell labels (``"a,x"``, C order),
        one per cell of ``results[name][run, time]`` flattened; see :meth:`element_coords`
        for the element names of each dimension.
        """
        d = self.dims.get(name, ())
        if not d:
            return ()
        if len(d) == 1:
            return self.coords[d[0]]
        return cell_labels(self.coords[x] for x in d)

    def element_coords(self, name: str) -> tuple[tuple[str, ...], ...]:
        """Element names of each dimension of ``name``, in axis order (``()`` for scalars)."""
        return tuple(tuple(self.coords[d]) for d in self.dims.get(name, ()))

    def at(self, name: str, year: float, run: int | None = 0) -> np.ndarray:
        """Value of ``name`` at saved time ``year`` for one run (or all runs if ``run`` is None)."""
        idx = np.flatnonzero(np.isclose(self.times, year))
        if idx.size == 0:
            raise KeyError(f"year {year} not among saved times {self.times[0]}..{self.times[-1]}")
        arr = self[name][:, idx[0]]
        return arr if run is None else arr[run]

    def series(self, name: str, run: int = 0):
        """One run of one variable as a pandas Series (scalar) or DataFrame (arrayed), indexed by year.

        A variable over several dimensions gets one column per cell, with a column
        MultiIndex whose levels are its dimensions.
        """
        import pandas as pd

        arr = self[name][run]
        if arr.ndim == 1:
            return pd.Series(arr, index=pd.Index(self.times, name="year"), name=name)
        if arr.ndim == 2:
            return pd.DataFrame(arr, index=pd.Index(self.times, name="year"), columns=list(self.elements(name)))
        cols = pd.MultiIndex.from_product(self.element_coords(name), names=list(self.dims[name]))
        return pd.DataFrame(arr.reshape(arr.shape[0], -1), index=pd.Index(self.times, name="year"), columns=cols)

    def select_runs(self, runs) -> Results:
        """A Results with only the given ensemble members (index, slice or boolean mask)."""
        data = {k: np.asarray(v)[runs] for k, v in self.data.items()}
        data = {k: (v[None] if v.ndim == self.data[k].ndim - 1 else v) for k, v in data.items()}
        return Results(data, self.times, self.units, self.dims, self.coords, dict(self.metadata), self.docs)

    # -- tidy frames ----------------------------------------------------------
    def long_columns(self, variables: Iterable[str] | None = None, *, with_units: bool = False,
                     dimension_columns: bool = False) -> tuple[list[str], dict[str, np.ndarray]]:
        """The columns of :meth:`to_dataframe` as numpy arrays, without pandas: ``(names, arrays)``
        (the same arguments, rows and order; writers that need no DataFrame use it).
        """
        names = list(self.data) if variables is None else list(variables)
        n_runs = self.n_runs
        T = self.times.size
        all_dims: list[str] = []
        for name in names:
            for d in self.dims.get(name, ()):
                if d not in all_dims:
                    all_dims.append(d)
        if dimension_columns:
            clash = sorted(set(all_dims) & RESERVED_COLUMNS)
            if clash:
                raise ValueError(f"dimension(s) {', '.join(clash)} have the name of a column of the long frame: "
                                 f"use dimension_columns=False (the dimension column holds the labels)")
        # one array per column over all variables (a DataFrame per variable and a concat cost more
        # than the run itself for the 500 variables of the HLJ model)
        parts: dict[str, list] = {c: [] for c in ("variable", "dimension", *(all_dims if dimension_columns else ()),
                                                   "year", "value", "run", "unit")}
        for name in names:
            arr = self[name]
            els = self.elements(name) or ("",)
            k = len(els)
            m = n_runs * T * k
            parts["variable"].append(np.full(m, name, dtype=object))
            parts["dimension"].append(np.tile(np.asarray(els, dtype=object), n_runs * T))
            if dimension_columns:
                own = self.dims.get(name, ())
                grid = _element_grid(self.element_coords(name)) if own else ()
                for d in all_dims:
                    parts[d].append(np.tile(np.asarray(grid[own.index(d)], dtype=object), n_runs * T) if d in own
                                    else np.full(m, "", dtype=object))
            parts["year"].append(np.tile(np.repeat(self.times, k), n_runs))
            parts["value"].append(np.asarray(arr).reshape(-1))
            if n_runs > 1:
                parts["run"].append(np.repeat(np.arange(n_runs), T * k))
            if with_units:
                parts["unit"].append(np.full(m, self.units.get(name, ""), dtype=object))
        cols = (["variable", "dimension"] + (all_dims if dimension_columns else []) + ["year", "value"]
                + (["run"] if n_runs > 1 else []) + (["unit"] if with_units else []))
        return cols, ({c: np.concatenate(parts[c]) for c in cols} if names else {c: np.empty(0) for c in cols})

    def to_dataframe(self, variables: Iterable[str] | None = None, *, with_units: bool = False,
                     dimension_columns: bool = False):
        """Long (tidy) DataFrame: ``variable, dimension, year, value`` (+ ``run`` if several runs).

        ``dimension`` is the cell label: ``""`` for scalars, the element name for one
        dimension, the element names joined by ``","`` in dims order for several
        (``"construction,equipment_mfg"``). Rows of one variable run over runs,
        then years, then cells in C order.

        Parameters
        ----------
        variables : iterable of str, optional
            Variables to include (default: all).
        with_units : bool
            Add a ``unit`` column (units are always in ``df.attrs["units"]``).
        dimension_columns : bool
            Also add one column per dimension of the selected variables, named after
            the dimension and holding the cell's element (``""`` where a variable does
            not have that dimension), after ``dimension``. ``df.attrs["dims"]`` always
            maps each arrayed variable to its dimensions.
        """
        import pandas as pd

        names = list(self.data) if variables is None else list(variables)
        cols, arrays = self.long_columns(names, with_units=with_units, dimension_columns=dimension_columns)
        df = pd.DataFrame(arrays) if names else pd.DataFrame(columns=cols)
        df = df[cols]
        df.attrs["units"] = {n: self.units.get(n, "") for n in names}
        df.attrs["dims"] = {n: tuple(self.dims[n]) for n in names if self.dims.get(n)}
        df.attrs["metadata"] = dict(self.metadata)
        return df

    def to_xarray(self, variables: Iterable[str] | None = None):
        """The results as an ``xarray.Dataset``: one data variable per model variable.

        Each variable has dims ``("run", "year", *results.dims[name])`` with
        coordinates ``run`` (0..n_runs-1), ``year`` (saved times) and the element
        names of each dimension; ``attrs`` carry ``units`` and ``doc``, and the
        dataset's ``attrs["metadata"]`` the provenance as JSON text (so the dataset
        can be written with ``to_netcdf``). Two dimensions with the same elements
        (commodity x sector) stay two xarray dimensions.

        Needs xarray (``pip install 'regsim[xarray]'``), imported here only.

        Raises
        ------
        ImportError
            xarray is not installed.
        ValueError
            A model dimension is called ``run`` or ``year``.
        """
        try:
            import xarray as xr
        except ImportError:
            raise ImportError("Results.to_xarray() needs xarray: pip install 'regsim[xarray]'") from None

        names = list(self.data) if variables is None else list(variables)
        coords: dict[str, object] = {"run": np.arange(self.n_runs), "year": np.asarray(self.times, dtype=float)}
        data_vars = {}
        for name in names:
            dims = tuple(self.dims.get(name, ()))
            for d in dims:
                if d in ("run", "year"):
                    raise ValueError(f"{name}: a dimension named {d!r} clashes with the run/year axes of to_xarray()")
                coords.setdefault(d, list(self.coords[d]))
            data_vars[name] = xr.Variable(("run", "year", *dims), np.asarray(self[name]),
                                          attrs={"units": self.units.get(name, ""), "doc": self.docs.get(name, "")})
        ds = xr.Dataset(data_vars, coords=coords)
        ds.attrs["metadata"] = json.dumps(dict(self.metadata), default=_json_default, ensure_ascii=False)
        return ds

    def to_wide(self, variables: Iterable[str] | None = None, run: int = 0):
        """Wide DataFrame of one run: index ``year``, one column per scalar or ``variable[label]`` (cell labels)."""
        import pandas as pd

        names = list(self.data) if variables is None else list(variables)
        cols = {}
        for name in names:
            arr = self[name][run]
            if arr.ndim == 1:
                cols[name] = arr
            else:
                arr = arr.reshape(arr.shape[0], -1)
                for j, el in enumerate(self.elements(name)):
                    cols[f"{name}[{el}]"] = arr[:, j]
        df = pd.DataFrame(cols, index=pd.Index(self.times, name="year"))
        df.attrs["units"] = {n: self.units.get(n, "") for n in names}
        return df


def _element_grid(coords: tuple[tuple[str, ...], ...]) -> list[np.ndarray]:
    """For each dimension, the element of every cell in C order (object arrays of equal length)."""
    if not coords:
        return []
    grids = np.meshgrid(*[np.arange(len(c)) for c in coords], indexing="ij")
    return [np.asarray(c, dtype=object)[g.reshape(-1)] for c, g in zip(coords, grids)]


def _json_default(o):
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)
