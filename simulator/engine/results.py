"""The :class:`Results` of a simulation: arrays plus units, coordinates and metadata.

Results are the documented object every layer above the engine consumes (the
CLI, reports, notebooks). Arrays keep the ensemble axis first:
``results["gdp_real"]`` has shape ``(n_runs, n_times)`` and an arrayed
variable ``results["value_added"]`` has shape ``(n_runs, n_times, n_sectors)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np


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
        Dimension name of each arrayed variable (empty tuple for scalars).
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
        """Element names of an arrayed variable (empty for scalars)."""
        d = self.dims.get(name, ())
        return self.coords[d[0]] if d else ()

    def at(self, name: str, year: float, run: int | None = 0) -> np.ndarray:
        """Value of ``name`` at saved time ``year`` for one run (or all runs if ``run`` is None)."""
        idx = np.flatnonzero(np.isclose(self.times, year))
        if idx.size == 0:
            raise KeyError(f"year {year} not among saved times {self.times[0]}..{self.times[-1]}")
        arr = self[name][:, idx[0]]
        return arr if run is None else arr[run]

    def series(self, name: str, run: int = 0):
        """One run of one variable as a pandas Series (scalar) or DataFrame (arrayed), indexed by year."""
        import pandas as pd

        arr = self[name][run]
        if arr.ndim == 1:
            return pd.Series(arr, index=pd.Index(self.times, name="year"), name=name)
        return pd.DataFrame(arr, index=pd.Index(self.times, name="year"), columns=list(self.elements(name)))

    def select_runs(self, runs) -> Results:
        """A Results with only the given ensemble members (index, slice or boolean mask)."""
        data = {k: np.asarray(v)[runs] for k, v in self.data.items()}
        data = {k: (v[None] if v.ndim == self.data[k].ndim - 1 else v) for k, v in data.items()}
        return Results(data, self.times, self.units, self.dims, self.coords, dict(self.metadata), self.docs)

    # -- tidy frames ----------------------------------------------------------
    def to_dataframe(self, variables: Iterable[str] | None = None, *, with_units: bool = False):
        """Long (tidy) DataFrame: ``variable, dimension, year, value`` (+ ``run`` if several runs).

        ``dimension`` is the element name for arrayed variables and ``""`` for scalars.
        Units are in ``df.attrs["units"]`` (and a ``unit`` column if ``with_units``).
        """
        import pandas as pd

        names = list(self.data) if variables is None else list(variables)
        frames = []
        n_runs = self.n_runs
        T = self.times.size
        for name in names:
            arr = self[name]
            els = self.elements(name) or ("",)
            k = len(els)
            arr3 = arr.reshape(n_runs, T, k)
            run = np.repeat(np.arange(n_runs), T * k)
            year = np.tile(np.repeat(self.times, k), n_runs)
            dim = np.tile(np.asarray(els, dtype=object), n_runs * T)
            cols = {"variable": name, "dimension": dim, "year": year, "value": arr3.reshape(-1)}
            if n_runs > 1:
                cols["run"] = run
            if with_units:
                cols["unit"] = self.units.get(name, "")
            frames.append(pd.DataFrame(cols))
        cols = ["variable", "dimension", "year", "value"] + (["run"] if n_runs > 1 else []) + (["unit"] if with_units else [])
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
        df = df[cols]
        df.attrs["units"] = {n: self.units.get(n, "") for n in names}
        df.attrs["metadata"] = dict(self.metadata)
        return df

    def to_wide(self, variables: Iterable[str] | None = None, run: int = 0):
        """Wide DataFrame of one run: index ``year``, one column per scalar or ``variable[element]``."""
        import pandas as pd

        names = list(self.data) if variables is None else list(variables)
        cols = {}
        for name in names:
            arr = self[name][run]
            if arr.ndim == 1:
                cols[name] = arr
            else:
                for j, el in enumerate(self.elements(name)):
                    cols[f"{name}[{el}]"] = arr[:, j]
        df = pd.DataFrame(cols, index=pd.Index(self.times, name="year"))
        df.attrs["units"] = {n: self.units.get(n, "") for n in names}
        return df
