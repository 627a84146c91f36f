"""How each lever's spending is paid for: the financing shares and their check.

Every lever ``<id>`` has three settings (``params/levers.toml``, scenario keys under
``[levers.<id>]``), each a share of the lever's spending [1]:

- ``financing_central``: an additional central transfer (free to the province);
- ``financing_bonds``: local government bonds (special-purpose or general), which the
  province services and repays (``simulator/model/fiscal.py``);
- ``financing_reallocation``: reallocation within the provincial budget, which cuts other
  government demand one for one.

The three shares of a lever must sum to 1. :func:`parameter_problems` checks a parameter
set (the shipped defaults and any overlay) and :func:`scenario_problems` the mix a scenario
file sets; both return one line per problem naming the file and the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: Financing sources, in the order they are reported.
SOURCES = ("central", "bonds", "reallocation")

#: Largest accepted |sum of shares - 1| (shares are typed as decimals in TOML files).
TOLERANCE = 1e-9


#: Scenario keys of the shares (``[levers.<id>] financing_central = ...``).
KEYS = tuple(f"financing_{s}" for s in SOURCES)


def financing_names(lever_id: str) -> tuple[str, ...]:
    """The model constants holding the lever's financing shares (``<id>_financing_<source>``)."""
    return tuple(f"{lever_id}_{k}" for k in KEYS)


def _total(shares: Iterable[float]) -> float:
    return float(sum(float(s) for s in shares))


def _terms(shares) -> str:
    return " + ".join(f"{s} {float(v):g}" for s, v in zip(SOURCES, shares))


def parameter_problems(parameters, levers: Iterable[str] | None = None) -> list[str]:
    """Financing shares in a parameter set that do not sum to 1.

    Parameters
    ----------
    parameters : ParameterSet
        Loaded parameters (``simulator.params``).
    levers : iterable of str, optional
        Lever ids to check (default: every lever with all three financing parameters).

    Returns
    -------
    list of str
        ``file: <id>_financing_central/_bonds/_reallocation: shares ... = s, must sum to 1``.
    """
    from .registry import LEVERS

    out = []
    for lid in levers if levers is not None else LEVERS:
        names = financing_names(lid)
        if not all(n in parameters for n in names):
            continue
        shares = [float(parameters[n].value) for n in names]
        total = _total(shares)
        if abs(total - 1.0) > TOLERANCE:
            f = parameters[names[0]].file or "<parameters>"
            out.append(f"{f}: {lid}_financing_central/_bonds/_reallocation: shares {_terms(shares)} = {total:g},"
                       " must sum to 1")
    return out


def scenario_problems(path, levers: Mapping[str, Mapping[str, object]], values: Mapping[str, float]) -> list[str]:
    """Financing mixes of a scenario's levers that do not sum to 1.

    Parameters
    ----------
    path : path-like
        The scenario file (for the message).
    levers : mapping
        The scenario's ``[levers.<id>]`` tables.
    values : mapping of str to float
        The value in force of every ``<id>_financing_<source>`` constant (defaults with
        the scenario's settings applied).
    """
    out = []
    for lid in levers:
        names = financing_names(lid)
        if not all(n in values for n in names):
            continue
        shares = [float(values[n]) for n in names]
        total = _total(shares)
        if abs(total - 1.0) > TOLERANCE:
            stated = [k for k in KEYS if k in levers[lid]]
            hint = (f" (the file sets {', '.join(stated)}; state all three)" if 0 < len(stated) < len(SOURCES)
                    else "")
            out.append(f"{path}: levers.{lid}: financing shares {_terms(shares)} = {total:g}, must sum to 1{hint}")
    return out
