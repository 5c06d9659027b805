"""Modular / interoperable systems: pay for open interfaces, switch cheaply."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.config import param
from simulator.strategies.base import AllianceSeeker, SeekerParams
from simulator.strategies.registry import register


@dataclass
class ModularParams(SeekerParams):
    """Parameters of :class:`Modular`."""

    switching_factor: float = param(
        0.3, "Exit and switching costs relative to a tightly coupled firm's.", ge=0.0, le=1.0
    )
    interface_cost: float = param(
        0.01,
        "Cost of keeping open interfaces and standard data formats, as a share of revenue per step.",
        ge=0.0,
        le=1.0,
    )


@register
class Modular(AllianceSeeker):
    """Build on open interfaces and standard data formats so partners can be swapped.

    Source 003, "Modularization and Interoperability": systems "designed to interface seamlessly
    with diverse partners without creating deep, inextricable entanglements" let the SMB "switch
    partners or operate independently without significant disruption" (and, for automation,
    "prioritize open and interoperable systems that avoid vendor lock-in"). The SMB pays
    ``interface_cost`` of its revenue every step; in exchange its exit costs, platform switching
    costs and the decay of its automation after leaving a vendor are ``switching_factor`` of
    what they would be.
    """

    name = "modular"
    summary = "Pay for open interfaces; exit, switching and vendor lock-in costs fall."
    Params = ModularParams

    def setup(self, model, members) -> None:
        model.smbs.switching_factor[members] = self.params.switching_factor

    def invest(self, model, members) -> None:
        alive = members[model.smbs.alive[members]]
        model.spend(alive, self.params.interface_cost * model.smbs.revenue[alive])
