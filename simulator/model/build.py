"""Assemble the Heilongjiang model from parameter files and block modules."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..engine import Constant, Model, SimSettings, simulate
from ..levers.financing import parameter_problems as financing_problems
from ..params import ParameterError, ParameterSet, load_parameters
from . import (
    competitiveness,
    demand,
    digital,
    energy_carbon,
    external,
    finance,
    fiscal,
    innovation,
    labour_market,
    levers,
    population,
    production,
    trade,
)
from ._base import DIMENSIONS, params_dir

#: Block name -> module (documentation order).
BLOCKS = {
    "production": production,
    "demand": demand,
    "competitiveness": competitiveness,
    "labour_market": labour_market,
    "population": population,
    "trade": trade,
    "energy_carbon": energy_carbon,
    "digital": digital,
    "finance": finance,
    "innovation": innovation,
    "levers": levers,
    "fiscal": fiscal,
    "external": external,
}

#: Stable headline variable names (CLI, notebooks and reports depend on them).
HEADLINE = (
    "gdp_nominal", "gdp_real", "value_added", "exports", "imports", "trade_total", "exports_by_partner",
    "imports_by_partner", "port_capacity", "port_utilization", "employment", "employment_total",
    "unemployment_rate", "population", "net_migration", "labour_force", "capital", "tfp",
    "digital_coverage", "credit_to_gdp", "lever_spending",
    "capacity_utilization", "wage_relative", "unit_cost_relative", "co2_emissions", "household_income",
)

MODEL_DOC = (
    "Heilongjiang regional economy: nine sectors (capacity, utilisation and factor demands), demand "
    "through the input-output table, wages and competitiveness against the rest of China, three trade "
    "partners, population and labour, energy and carbon, digital, finance and innovation channels, the "
    "provincial budget and its debt, and the policy brief's levers and how they are financed. "
    "Money in 100m yuan at 2018 prices unless a variable says current prices; persons in 10k."
)


def load_model_parameters(path, *, overlays: bool = False) -> ParameterSet:
    """Load parameter files for this model, checking arrayed parameters against its dimensions.

    Parameters
    ----------
    path : path or iterable of paths
        A directory, a file or a list of files (as :func:`simulator.params.load_parameters`).
    overlays : bool
        Apply overlay files such as ``calibrated.toml`` on top of the block files.
    """
    return load_parameters(path, overlays=overlays, dimensions=DIMENSIONS)


@lru_cache(maxsize=1)
def default_parameters() -> ParameterSet:
    """The parameters shipped in the repository's ``params/`` (cached; immutable)."""
    return load_model_parameters(params_dir())


def model_constants(params: ParameterSet) -> list[Constant]:
    """One :class:`Constant` per parameter (group = the parameter's block)."""
    out = []
    for name, p in params.items():
        value = p.array() if p.dims else float(p.value)
        doc = p.doc + f" [params: {p.block}; source: {p.source.splitlines()[0] if p.source else ''}]"
        out.append(Constant(name, units=p.unit, doc=doc, dims=p.dims, group=p.block, value=value))
    return out


def build_model(params: ParameterSet | str | Path | None = None) -> Model:
    """Build the Heilongjiang model.

    Parameters
    ----------
    params : ParameterSet, path or None
        Parameters (a loaded set, or a file/directory to load). Default: the
        repository's ``params/``.

    Returns
    -------
    Model
        Immutable; simulate it with :func:`simulator.engine.simulate`. Any
        constant (every parameter) can be overridden per run there.

    Raises
    ------
    ParameterError
        A lever's financing shares (``<id>_financing_central/_bonds/_reallocation``) do not sum to 1.
    """
    if params is None:
        return _default_model()
    if not isinstance(params, ParameterSet):
        params = load_model_parameters(params)
    return _assemble(params)


@lru_cache(maxsize=1)
def _default_model() -> Model:
    return _assemble(default_parameters())


def _assemble(params: ParameterSet) -> Model:
    problems = financing_problems(params)
    if problems:
        raise ParameterError(problems[0] + (f" (and {len(problems) - 1} more lever(s))" if len(problems) > 1 else ""))
    comps = model_constants(params)
    for mod in BLOCKS.values():
        comps.extend(mod.components())
    return Model("heilongjiang", components=tuple(comps), dimensions=DIMENSIONS, doc=MODEL_DOC)


def run_baseline(params: ParameterSet | str | Path | None = None, **settings):
    """Build the model and simulate the no-policy baseline in one call.

    Parameters
    ----------
    params : ParameterSet, path or None
        As in :func:`build_model`.
    **settings
        Fields of :class:`~simulator.engine.SimSettings` (``start``, ``stop``, ``dt``,
        ``save_every``, ``method``); defaults 2018..2050, dt 0.25, yearly output, Euler.

    Returns
    -------
    Results
        Every variable, including all :data:`HEADLINE` names, yearly.
    """
    if params is None:
        ps = default_parameters()
    else:
        ps = params if isinstance(params, ParameterSet) else load_model_parameters(params)
    model = build_model(ps)
    return simulate(model, settings=SimSettings(**settings), metadata={"parameter_hash": ps.hash()})
