"""The registry of policy levers (ids, brief sections, mechanisms)."""

from __future__ import annotations

from dataclasses import dataclass

#: settings every lever has; each maps to the model constant ``<id>_<setting>``
COMMON_SETTINGS = ("budget", "start", "end", "ramp")


@dataclass(frozen=True)
class Lever:
    """A policy lever.

    Attributes
    ----------
    id : str
        Identifier used in scenario files (``[levers.<id>]``) and as the prefix of
        its model constants.
    title : str
        Short name.
    brief_section : str
        Section of the Heilongjiang policy brief it comes from.
    mechanism : str
        How money and settings act in the model, in words.
    core : bool
        One of the four levers named in the design card.
    """

    id: str
    title: str
    brief_section: str
    mechanism: str
    core: bool = False


LEVERS: dict[str, Lever] = {lv.id: lv for lv in (
    Lever("port_investment", "Border ports and corridors", "(二)一",
          "Spending builds border-port and corridor capacity after a construction delay (third-order "
          "delay); capacity relieves the congestion constraint on trade with Russia and Northeast Asia and "
          "lowers trade costs (Limão & Venables elasticity); construction demand and jobs while building.",
          core=True),
    Lever("digital_infrastructure", "Digital infrastructure", "(二)二",
          "Spending accumulates digital capital; coverage/adoption follows S-shaped diffusion toward a "
          "ceiling set by that capital; TFP gains proportional to coverage growth fade as coverage "
          "saturates (Qiang & Rossotto / Czernich et al. prior); digital-economy output and digital trade.",
          core=True),
    Lever("industry_transfer", "Taking over relocating industries", "(三)",
          "Spending on parks and incentives attracts relocating capital from coastal China into target "
          "manufacturing sectors, limited by absorptive capacity (infrastructure, labour, finance); "
          "supplier (backward) spillovers raise local suppliers' productivity (Javorcik 2004).",
          core=True),
    Lever("finance_clustering", "Finance clustering", "(四)四",
          "Spending attracts financial institutions: credit supply rises and the cost of capital falls, "
          "raising the investment rate; finance-sector output and jobs; returns diminish and turn "
          "negative above about 100% credit/GDP (Arcand, Berkes & Panizza).",
          core=True),
    Lever("ftz_opening", "Free-trade-zone opening", "(一)二",
          "Spending on the Heilongjiang Pilot FTZ and trade facilitation lowers non-tariff trade costs and "
          "clearance time, raises firms' export participation and attracts FDI."),
    Lever("innovation_chain", "Innovation chain", "(四)三",
          "Spending adds to the R&D/knowledge stock, which raises TFP with a lag."),
    Lever("industrial_chains", "Industrial chains", "(四)一",
          "Sector-targeted investment and productivity in leading chains (agri-food processing, graphite, "
          "petrochemicals on Russian feedstock, equipment); links to energy imports and to exports."),
    Lever("producer_services", "Producer services", "(四)二",
          "Spending raises producer-services capacity (finance, IT, logistics, exhibitions): services output "
          "and jobs, and lower input costs for manufacturing."),
)}


def get_lever(lever_id: str) -> Lever:
    """The lever ``lever_id``; ``KeyError`` naming the known ones otherwise."""
    try:
        return LEVERS[lever_id]
    except KeyError:
        raise KeyError(f"unknown lever {lever_id!r} (known: {', '.join(LEVERS)})") from None


def lever_settings(lever_id: str, parameters) -> list:
    """Parameters (from a ParameterSet) that are settings of ``lever_id``, common ones first."""
    prefix = lever_id + "_"
    common = [parameters[prefix + s] for s in COMMON_SETTINGS if prefix + s in parameters]
    specific = [parameters[n] for n in parameters if n.startswith(prefix) and n[len(prefix):] not in COMMON_SETTINGS]
    return common + specific


def touched_by(lever_id: str, model) -> list[str]:
    """Model components whose equations refer directly to the lever's constants or spending.

    Derived from the model graph, so it is always true to the equations.
    """
    prefix = lever_id + "_"
    own = {n for n in model.names(include_hidden=True) if n.startswith(prefix) or n == f"spending_{lever_id}"}
    out = []
    for c in model.components:
        if c.name in own:
            continue
        if c.dependencies() & own:
            out.append(c.name)
    return out
