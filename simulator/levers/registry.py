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
          "Spending builds Chinese-side crossing capacity after a construction delay (at a unit cost raised by "
          "the cost-overrun prior and by construction escalation when public investment is high); the Russian "
          "side matches only part of it with its own checkpoints. Usable capacity lowers trade costs only through "
          "congestion: border waiting time rises with utilisation (a queue) and each day costs about 1% of border "
          "trade (Djankov, Freund & Pham), so at low utilisation new capacity saves little time. A share of the "
          "money builds feeder roads and rail (general public capital, Bom & Ligthart elasticity). Construction "
          "demand and jobs while building.",
          core=True),
    Lever("digital_infrastructure", "Digital infrastructure", "(二)二",
          "The additional part of the spending (operators would build part of it anyway) becomes digital capital "
          "after a build delay; it raises available coverage, of which users take up only a share and pay for it "
          "themselves (Whitacre et al.); the adoption the lever adds raises the TFP level, with diminishing returns "
          "toward the coverage ceiling (Czernich et al. at introduction as an upper bound; Broadband China).",
          core=True),
    Lever("industry_transfer", "Taking over relocating industries", "(三)",
          "Incentives (land discounts, rebates, grants) are transfers, counted once: they tip the 'but-for' share "
          "of incented relocations (Bartik), so relocated investment = spending x but-for share / subsidy rate, "
          "into target manufacturing sectors after negotiation; the plants bring their markets; part of the "
          "relocated capacity is displaced from other provinces (netted in the national view); small supplier "
          "spillovers (Havranek & Irsova).",
          core=True),
    Lever("finance_clustering", "Finance clustering", "(四)四",
          "Support for financial institutions builds a cluster stock that closes part of the credit gap only where "
          "credit is rationed against the model's credit target, and cuts the regional risk premium a little; no "
          "intermediation margin is counted as output; above about 100% credit/GDP more credit does not raise "
          "productivity (Arcand, Berkes & Panizza).",
          core=True),
    Lever("ftz_opening", "Free-trade-zone opening", "(一)二",
          "A reform, paid as administration: the outlay builds an implementation stock (saturating: the effect does "
          "not scale with money beyond the administrative need), implemented after a lag of years; it raises "
          "exports by the effect inland and border FTZ evaluations find, and hardly imports."),
    Lever("innovation_chain", "Innovation chain", "(四)三",
          "R&D spending, net of the business R&D it displaces (Boeing), builds a knowledge stock that raises GDP "
          "at a regional rate of return after a lag (meta-analyses of R&D returns; a rate, not an elasticity, "
          "because HLJ's R&D stock is small)."),
    Lever("industrial_chains", "Industrial chains", "(四)一",
          "Subsidies to leading firms' projects in target chains (agri-food processing, graphite, petrochemicals, "
          "equipment) are transfers; only the additional projects add capital (capex = spending x additionality / "
          "subsidy rate); no TFP from the same yuan (Criscuolo et al.; Barwick et al.: idle capacity)."),
    Lever("producer_services", "Producer services", "(四)二",
          "Spending buys business, IT and logistics services for manufacturers; a services stock raises goods "
          "makers' TFP (cheaper, better inputs) and the service sectors' own productivity, saturating and after a "
          "lag, with small maxima (producer services help manufacturing only above a city-size threshold)."),
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
