"""Which parameters an uncertainty or sensitivity analysis varies, and a table saying so.

Lever *policy settings* (budget, timing, financing shares, target shares) are chosen by the planner
and never sampled; lever *accounting* (commodity vectors) is fixed; lever *mechanism* parameters
(:func:`simulator.levers.mechanisms.lever_mechanism_parameters`) are uncertain and sampled with every
other parameter that has a distribution, unless ``lever_mechanisms=False`` fixes them at their
central values (the policy "as designed").
"""

from __future__ import annotations

#: reason given for lever-mechanism parameters left out with ``lever_mechanisms=False``
AS_DESIGNED = "lever mechanism (policy as designed)"


def uncertain_parameters(prep, exclude=(), *, lever_mechanisms: bool = True) -> tuple[list[str], dict[str, list[str]]]:
    """Parameters to vary for a prepared scenario, and those left out with the reason.

    A parameter is varied unless its distribution is ``fixed``, it is a lever's policy setting
    (budget, start, end, ramp, financing shares, target shares), the scenario (or ``exclude``)
    sets it, it is not a constant of the model, or it is a lever-mechanism parameter and
    ``lever_mechanisms`` is False.

    Parameters
    ----------
    prep : Prepared
        A prepared scenario (:func:`simulator.scenarios.prepare`).
    exclude : iterable of str
        More names to leave out (e.g. those a comparison scenario sets).
    lever_mechanisms : bool
        Sample the lever-mechanism parameters (default). False: the policy as designed.

    Returns
    -------
    keep : list of str
    skipped : dict of str to list of str
        Reason -> names (only reasons that occur).
    """
    from ..engine import Constant
    from ..levers.mechanisms import is_policy_setting, lever_mechanism_parameters

    model, ps = prep.model, prep.parameters
    mech = lever_mechanism_parameters()
    skipped: dict[str, list[str]] = {"fixed": [], "policy setting": [], AS_DESIGNED: [], "set by scenario": [],
                                     "not a model constant": []}
    keep = []
    set_by = set(prep.params) | set(exclude)
    for name in ps:
        p = ps[name]
        if is_policy_setting(name):
            skipped["policy setting"].append(name)
        elif p.distribution == "fixed":
            skipped["fixed"].append(name)
        elif not lever_mechanisms and name in mech:
            skipped[AS_DESIGNED].append(name)
        elif name in set_by:
            skipped["set by scenario"].append(name)
        elif name not in model or not isinstance(model[name], Constant):
            skipped["not a model constant"].append(name)
        else:
            keep.append(name)
    return keep, {k: v for k, v in skipped.items() if v}


def sampling_table(prep, exclude=(), *, lever_mechanisms: bool = True):
    """One row per parameter: what it is and whether the ensemble samples it.

    Columns ``parameter, block, role, distribution, lo, hi, sampled, reason``: ``role`` is
    ``lever mechanism``, ``policy setting``, ``lever accounting`` or ``economy``
    (:func:`simulator.levers.mechanisms.role`); ``lo``/``hi`` the range (the envelope of the
    cells for an arrayed parameter); ``reason`` why a parameter is not sampled. Lever-mechanism
    rows come first.
    """
    import numpy as np
    import pandas as pd

    from ..levers.mechanisms import role

    keep, skipped = uncertain_parameters(prep, exclude, lever_mechanisms=lever_mechanisms)
    why = {n: r for r, names in skipped.items() for n in names}
    rows = []
    for name in prep.parameters:
        p = prep.parameters[name]
        lo, hi = (np.min(np.asarray(b, float)) if i == 0 else np.max(np.asarray(b, float)) for i, b in enumerate(p.range))
        rows.append({"parameter": name, "block": p.block, "role": role(name), "distribution": p.distribution,
                     "lo": float(lo), "hi": float(hi), "sampled": name in keep, "reason": why.get(name, "")})
    df = pd.DataFrame(rows, columns=["parameter", "block", "role", "distribution", "lo", "hi", "sampled", "reason"])
    order = {"lever mechanism": 0, "economy": 1, "policy setting": 2, "lever accounting": 3}
    df = df.sort_values(["role", "parameter"], key=lambda s: s.map(order) if s.name == "role" else s, kind="stable")
    return df.reset_index(drop=True)
