"""Platform first: concentrate on the single biggest platform."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config import param
from simulator.core.vocabulary import PLATFORM_KIND
from simulator.strategies.base import (
    PlatformOffers,
    ReviewDecision,
    Strategy,
    StrategyParams,
    TermsRequest,
)
from simulator.strategies.registry import register


@dataclass
class PlatformFirstParams(StrategyParams):
    """Parameters of :class:`PlatformFirst`."""

    partners: int = param(0, "Partner alliances wanted besides the platform.", ge=0)
    loyalty: float = param(
        0.75,
        "Share of the platform re-evaluations (platform.revisit_rate) the SMB skips out of loyalty; "
        "1 never revisits its platform.",
        ge=0.0,
        le=1.0,
    )


@register
class PlatformFirst(Strategy):
    """Join the largest platform and put the business's reach through it.

    The "concentrate" pole of source 003's dependence spectrum and the DPN source's platform
    ecosystems: one big channel gives reach and lower transaction costs in exchange for fees and
    dependence. The SMB joins the platform with the most participants, accepts exclusive terms
    and never leaves its platform at review whatever it delivers; out of loyalty it re-evaluates
    its platform choice only ``1 - loyalty`` as often as others (and then moves to the biggest
    platform if that pays more than its own after the switching cost).
    """

    name = "platform_first"
    summary = "Join the biggest platform, accept exclusivity, stay loyal (one big channel)."
    Params = PlatformFirstParams
    needs_platforms = True

    def alliance_targets(self, model, members):
        n = len(members)
        return np.full(n, self.params.partners), np.ones(n, dtype=np.int64)

    def score_platforms(self, model, members, offers: PlatformOffers) -> np.ndarray:
        # the biggest platform by participants, whatever its fee
        size_rank = offers.member_share + 1e-9 * offers.expected_value
        return np.where(offers.feasible, size_rank, -np.inf)

    def terms(self, model, members) -> TermsRequest:
        request = super().terms(model, members)
        request.accept_exclusivity[:] = True
        return request

    def review(self, model, alliances, underperforming) -> ReviewDecision:
        decision = super().review(model, alliances, underperforming)
        decision.dissolve &= model.ledger.kind[alliances] != PLATFORM_KIND
        return decision

    def platform_revisit_rate(self, model, members) -> np.ndarray:
        return (1.0 - self.params.loyalty) * super().platform_revisit_rate(model, members)
