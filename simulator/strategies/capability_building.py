"""Capability building: invest to internalize what partners provide."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config import param
from simulator.core.grouped import rows_at
from simulator.core.sets import among
from simulator.core.vocabulary import PLATFORM_KIND
from simulator.rules import value
from simulator.strategies.base import (
    AllianceSeeker,
    PartnerOffers,
    ReviewDecision,
    SeekerParams,
    invest_from_revenue,
)
from simulator.strategies.registry import register


@dataclass
class CapabilityBuildingParams(SeekerParams):
    """Parameters of :class:`CapabilityBuilding`."""

    invest_rate: float = param(0.03, "Share of revenue invested in own capabilities each step.", ge=0.0, le=1.0)
    efficiency: float = param(
        0.5,
        "Capability gap to 1 closed per step = efficiency x invest_rate x (0.5 + best partner's advantage).",
        ge=0.0,
        le=10.0,
    )
    cash_buffer_months: float = param(1.0, "Months of fixed cost kept in cash before investing.", ge=0.0)
    internalize_below: float = param(
        0.05,
        "At review, leave a partner whose complementarity has fallen below this (its skills are internalized).",
        ge=0.0,
        le=1.0,
    )


@register
class CapabilityBuilding(AllianceSeeker):
    """Use alliances while investing in the firm's own capabilities, to need them less over time.

    Source 003, "Internal Capability Building": "reliance on external alliances should not come at
    the expense of developing internal capabilities ... to strategically reduce reliance over
    time", like the manufacturer that builds its own sales team alongside its distributor. Each
    step the SMB invests ``invest_rate`` of its revenue (if its cash allows) and closes
    ``efficiency x invest_rate`` of each capability's gap to 1, weighted toward the dimensions in
    which its partners are stronger; a stronger marketing capability strengthens its own direct
    channel. At review it leaves partners it no longer needs (reason ``internalized``), and it
    does not take partners below ``internalize_below`` complementarity again.
    """

    name = "capability_building"
    summary = "Invest revenue in own capabilities; drop partners whose skills are internalized."
    Params = CapabilityBuildingParams

    def invest(self, model, members) -> None:
        p = self.params
        who = invest_from_revenue(model, members, p.invest_rate, p.cash_buffer_months)
        if len(who) == 0:
            return
        smbs = model.smbs
        gap = 1.0 - smbs.capability[who]
        focus = 0.5 + _partner_advantage(model, who)  # (m, dims): where partners are stronger
        step = np.clip(p.efficiency * p.invest_rate * focus, 0.0, 1.0)
        smbs.capability[who] += step * gap

    def score_partners(self, model, members, offers: PartnerOffers) -> np.ndarray:
        score = super().score_partners(model, members, offers)
        return np.where(offers.complementarity >= self.params.internalize_below, score, -np.inf)

    def review(self, model, alliances, underperforming) -> ReviewDecision:
        decision = super().review(model, alliances, underperforming)
        ledger = model.ledger
        partner_rows = ledger.kind[alliances] != PLATFORM_KIND
        current = np.zeros(len(alliances))
        ids = alliances[partner_rows]
        current[partner_rows] = value.complementarity(
            model.partners.capability[ledger.counterpart[ids]], model.smbs.capability[ledger.smb[ids]]
        )
        internalized = partner_rows & ~decision.dissolve & (current < self.params.internalize_below)
        decision.dissolve |= internalized
        decision.reason[internalized] = "internalized"
        return decision


def _partner_advantage(model, who: np.ndarray) -> np.ndarray:
    """Per member and capability, how much its best current partner is stronger (0 if none)."""
    ledger = model.ledger
    ids = ledger.active_ids
    ids = ids[(ledger.kind[ids] != PLATFORM_KIND) & among(ledger.smb[ids], who, model.smbs.n)]
    position = np.searchsorted(np.sort(who), ledger.smb[ids])
    order = np.argsort(who)
    best = np.zeros((len(who), model.smbs.capability.shape[1]))
    gap = np.clip(model.partners.capability[ledger.counterpart[ids]] - model.smbs.capability[ledger.smb[ids]], 0, None)
    rows_at(np.maximum, best, order[position], gap)
    return best
