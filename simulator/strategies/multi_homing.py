"""Multi-homing across platform ecosystems (hedging)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config import param
from simulator.strategies.base import AllianceSeeker, SeekerParams
from simulator.strategies.registry import register


@dataclass
class MultiHomingParams(SeekerParams):
    """Parameters of :class:`MultiHoming`."""

    partners: int = param(1, "Partner alliances wanted at once.", ge=0)
    platforms: int = param(0, "Platforms to join; 0 means every platform in the ecosystem.", ge=0)


@register
class MultiHoming(AllianceSeeker):
    """Participate in several competing platform ecosystems at once.

    Source 003, "Strategic Hedging and Alliance Portfolio Diversification Across Ecosystems":
    "participating in multiple, potentially competing ecosystems simultaneously ... reduce their
    vulnerability to the fortunes or strategic shifts of any single ecosystem". The SMB joins
    ``platforms`` platforms (all of them by default), so no single platform carries most of its
    sales.
    """

    name = "multi_homing"
    summary = "Join every platform (or several): hedge against any one ecosystem."
    Params = MultiHomingParams
    needs_platforms = True

    def alliance_targets(self, model, members):
        partners, _ = super().alliance_targets(model, members)
        wanted = self.params.platforms or model.platforms.n
        return partners, np.full(len(members), wanted)
