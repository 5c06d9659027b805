"""Knowledge absorption: invest in absorptive capacity, seek learning alliances."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config import param
from simulator.core.vocabulary import INNOVATION
from simulator.strategies.base import AllianceSeeker, PartnerOffers, SeekerParams, TermsRequest, invest_from_revenue
from simulator.strategies.registry import register


@dataclass
class KnowledgeAbsorptionParams(SeekerParams):
    """Parameters of :class:`KnowledgeAbsorption`."""

    invest_rate: float = param(
        0.02, "Share of revenue invested in absorptive capacity (R&D, training).", ge=0.0, le=1.0
    )
    efficiency: float = param(
        1.0,
        "Absorptive-capacity gap to 1 closed per step = efficiency x invest_rate.",
        ge=0.0,
        le=10.0,
    )
    cash_buffer_months: float = param(1.0, "Months of fixed cost kept in cash before investing.", ge=0.0)
    info_sharing: float = param(0.7, "Information-sharing level (openness to learn).", ge=0.0, le=1.0)
    innovation_bonus: float = param(1.0, "Score bonus for innovation alliances.", ge=0.0)


@register
class KnowledgeAbsorption(AllianceSeeker):
    """Build absorptive capacity and turn partners' knowledge into own capability.

    Source 003, "Knowledge Absorption and Innovation Independence": "actively cultivate the
    capacity to absorb knowledge and insights from their ecosystem partners, transforming
    external learning into internal innovation capabilities ... investing in R&D". The SMB
    invests ``invest_rate`` of revenue in absorptive capacity, shares information openly to
    learn, and prefers innovation alliances.
    """

    name = "knowledge_absorption"
    summary = "Invest in absorptive capacity; open, innovation-oriented alliances to learn fast."
    Params = KnowledgeAbsorptionParams

    def terms(self, model, members) -> TermsRequest:
        request = super().terms(model, members)
        request.info_sharing[:] = self.params.info_sharing
        return request

    def score_partners(self, model, members, offers: PartnerOffers) -> np.ndarray:
        score = super().score_partners(model, members, offers)
        return score * (1.0 + self.params.innovation_bonus * (offers.alliance_type == INNOVATION))

    def invest(self, model, members) -> None:
        p = self.params
        who = invest_from_revenue(model, members, p.invest_rate, p.cash_buffer_months)
        base = model.smbs.base_absorptive
        base[who] += min(p.efficiency * p.invest_rate, 1.0) * (1.0 - base[who])
