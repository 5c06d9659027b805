"""Opportunistic: take the best offer, and leave for a better one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config import param
from simulator.rules.formation import best_fresh_offer
from simulator.strategies.base import AllianceSeeker, ReviewDecision, SeekerParams, TermsRequest
from simulator.strategies.registry import register


@dataclass
class OpportunisticParams(SeekerParams):
    """Parameters of :class:`Opportunistic`."""

    switch_margin: float = param(
        0.3,
        "At review, leave an alliance when a fresh offer is worth this much more (relative) "
        "than what it delivers, after the exit cost.",
        ge=0.0,
    )
    accept_exclusivity: bool = param(
        True,
        "Accept exclusive terms whenever exclusivity raises the offer (false: never exclusive, a "
        "baseline whose exit clauses and specific investments carry no exclusivity premium).",
    )


@register
class Opportunistic(AllianceSeeker):
    """Take whichever offer promises the most now, and switch when a better one appears.

    Tactical, transactional alliances (source 003's "tactical" end of the dependence spectrum):
    no loyalty and no long-term investment. At each review the SMB samples fresh offers and
    dissolves the alliance (reason ``better_alternative``) when the best beats what the alliance
    delivers by ``switch_margin`` after paying the exit cost over one review interval. It accepts
    exclusivity whenever that raises the offer (``accept_exclusivity``; false gives a baseline
    without exclusive terms, against which a strategy's own advantage can be told from the
    baseline's larger exclusive exit clauses, ODD 7.18).
    """

    name = "opportunistic"
    summary = "Take the best offer now; switch partners when a clearly better one appears."
    Params = OpportunisticParams

    def terms(self, model, members) -> TermsRequest:
        request = super().terms(model, members)
        request.accept_exclusivity[:] = self.params.accept_exclusivity
        return request

    def review(self, model, alliances, underperforming) -> ReviewDecision:
        decision = super().review(model, alliances, underperforming)
        ledger = model.ledger
        candidates = np.flatnonzero(~decision.dissolve)
        ids = alliances[candidates]
        best = best_fresh_offer(model, ledger.smb[ids], ledger.kind[ids])
        interval = np.maximum(ledger.review_interval[ids], 1)
        hurdle = (1.0 + self.params.switch_margin) * ledger.value_ema[ids] + ledger.exit_cost[ids] / interval
        better = best > np.maximum(hurdle, 0.0)
        decision.dissolve[candidates[better]] = True
        decision.reason[candidates[better]] = "better_alternative"
        return decision
