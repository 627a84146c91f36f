"""Which parameters an uncertainty or sensitivity analysis varies."""

from __future__ import annotations

#: parameter blocks that are policy settings, not uncertain quantities
POLICY_BLOCKS = frozenset({"levers"})


def uncertain_parameters(prep, exclude=()) -> tuple[list[str], dict[str, list[str]]]:
    """Parameters to vary for a prepared scenario, and those left out with the reason.

    A parameter is varied unless its distribution is ``fixed``, it is a policy
    setting (block in :data:`POLICY_BLOCKS`), the scenario (or ``exclude``) sets it,
    or it is not a constant of the model.

    Returns
    -------
    keep : list of str
    skipped : dict of str to list of str
        Reason -> names (only reasons that occur).
    """
    from ..engine import Constant

    model, ps = prep.model, prep.parameters
    skipped: dict[str, list[str]] = {"fixed": [], "policy lever": [], "set by scenario": [], "not a model constant": []}
    keep = []
    set_by = set(prep.params) | set(exclude)
    for name in ps:
        p = ps[name]
        if p.distribution == "fixed":
            skipped["fixed"].append(name)
        elif p.block in POLICY_BLOCKS:
            skipped["policy lever"].append(name)
        elif name in set_by:
            skipped["set by scenario"].append(name)
        elif name not in model or not isinstance(model[name], Constant):
            skipped["not a model constant"].append(name)
        else:
            keep.append(name)
    return keep, {k: v for k, v in skipped.items() if v}
