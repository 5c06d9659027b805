"""Ecosystem influence: build centrality and bargaining power."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config import param
from simulator.strategies.base import AllianceSeeker, PartnerOffers, SeekerParams, invest_from_revenue
from simulator.strategies.registry import register


@dataclass
class EcosystemInfluenceParams(SeekerParams):
    """Parameters of :class:`EcosystemInfluence`."""

    partners: int = param(3, "Partner alliances wanted at once (a wider network).", ge=0)
    invest_rate: float = param(
        0.02, "Share of revenue spent on influence (associations, standards, visibility).", ge=0.0, le=1.0
    )
    efficiency: float = param(0.5, "Gap to max_influence closed per step = efficiency x invest_rate.", ge=0.0, le=10.0)
    max_influence: float = param(
        0.5, "Most a firm's influence can cut a counterpart's bargaining power.", ge=0.0, le=0.99
    )
    cash_buffer_months: float = param(1.0, "Months of fixed cost kept in cash before investing.", ge=0.0)
    centrality_weight: float = param(1.0, "Score bonus for well-connected partners (central brokers).", ge=0.0)


@register
class EcosystemInfluence(AllianceSeeker):
    """Position the firm as a well-connected, indispensable contributor to gain bargaining power.

    Source 003, "Power Dynamics and Ecosystem Influence Strategies": "building strategic alliances
    with influential ecosystem players", positioning "as indispensable contributors, SMBs can
    enhance their negotiating power". The SMB spends ``invest_rate`` of revenue on influence,
    which scales its counterparts' bargaining power by ``(1 - influence)`` in negotiations and
    renegotiations, prefers central partners, and keeps a wider network.
    """

    name = "ecosystem_influence"
    summary = "Spend on influence and connect to central partners: more bargaining power."
    Params = EcosystemInfluenceParams

    def score_partners(self, model, members, offers: PartnerOffers) -> np.ndarray:
        score = super().score_partners(model, members, offers)
        return score * (1.0 + self.params.centrality_weight * offers.centrality)

    def invest(self, model, members) -> None:
        p = self.params
        who = invest_from_revenue(model, members, p.invest_rate, p.cash_buffer_months)
        influence = model.smbs.influence
        influence[who] += min(p.efficiency * p.invest_rate, 1.0) * (p.max_influence - influence[who])
