"""Diversification: spread revenue over many channels with a cap on any one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config import param
from simulator.strategies.base import PartnerOffers, Strategy, StrategyParams
from simulator.strategies.registry import register


@dataclass
class DiversificationParams(StrategyParams):
    """Parameters of :class:`Diversification`."""

    max_share: float = param(0.35, "Cap on the share of revenue through any one platform or partner.", ge=0.0, le=1.0)
    partners: int = param(3, "Partner alliances wanted while no channel exceeds the cap.", ge=0)
    platforms: int = param(2, "Platforms to multi-home on.", ge=0)
    max_partners: int = param(6, "Most partner alliances held while a channel exceeds the cap.", ge=0)
    role_overlap_penalty: float = param(
        0.5, "Score discount for a partner whose role the SMB already has an alliance in.", ge=0.0, le=1.0
    )


@register
class Diversification(Strategy):
    """Hold several partners of different roles and multi-home on platforms, capping any one.

    Source 003's first strategy, "Diversification of Partnerships": cultivate "a range of
    alliances rather than relying heavily on a single" partner, here with a ceiling on any one
    partner's share of revenue. While the
    largest channel's share of revenue is above ``max_share`` the SMB keeps searching (up to
    ``max_partners``); it prefers partners in roles it lacks, joins several platforms and never
    accepts exclusivity.
    """

    name = "diversification"
    summary = "Many partners in different roles, multi-home, no exclusivity, cap on any one share."
    Params = DiversificationParams

    def alliance_targets(self, model, members):
        p = self.params
        over_cap = model.smbs.largest_channel_share[members] > p.max_share
        partners = np.where(over_cap, max(p.max_partners, p.partners), p.partners)
        return partners, np.full(len(members), p.platforms)

    def score_partners(self, model, members, offers: PartnerOffers) -> np.ndarray:
        held = model.ledger.role_holdings(model.smbs.n)[members]  # (m, roles)
        overlap = np.take_along_axis(held, offers.role.astype(np.int64), axis=1) > 0
        score = super().score_partners(model, members, offers)
        discounted = score * (1.0 - self.params.role_overlap_penalty * overlap)
        return np.where(np.isfinite(score), discounted, -np.inf)
