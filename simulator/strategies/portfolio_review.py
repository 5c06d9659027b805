"""Dynamic portfolio review: prune, renegotiate and replace on a tight cycle."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config import param
from simulator.core.codes import shared_texts
from simulator.core.vocabulary import PLATFORM_KIND
from simulator.rules.review import expected_now
from simulator.strategies.base import AllianceSeeker, ReviewDecision, SeekerParams, TermsRequest
from simulator.strategies.registry import register


@dataclass
class PortfolioReviewParams(SeekerParams):
    """Parameters of :class:`PortfolioReview`."""

    partners: int = param(3, "Partner alliances kept in the portfolio (the pruned are replaced).", ge=0)
    review_interval: int = param(6, "Steps between reviews of each alliance.", ge=1)
    performance_threshold: float = param(
        0.8, "Dissolve an alliance delivering less than this share of its expected value.", ge=0.0
    )
    max_dependence: float = param(
        0.5, "Dissolve a partner alliance carrying more than this share of the SMB's revenue.", ge=0.0, le=1.0
    )


@register
class PortfolioReview(AllianceSeeker):
    """Review every alliance often against performance and dependence; prune and replace.

    Source 003, "Dynamic Alliance Portfolio Management": "regularly review their alliance
    portfolio, assessing the performance of each partnership, evaluating the level of dependence
    incurred ... terminating underperforming alliances, renegotiating terms to reduce
    dependence, or actively seeking out new partnerships". Alliances are reviewed every
    ``review_interval`` steps (and renegotiated then); those below ``performance_threshold`` of
    their expected value end (reason ``underperforming``), partner alliances carrying more than
    ``max_dependence`` of revenue end (reason ``over_dependent``), and the SMB searches to refill
    its portfolio.
    """

    name = "portfolio_review"
    summary = "Frequent reviews with a strict bar on performance and dependence; prune and replace."
    Params = PortfolioReviewParams

    def terms(self, model, members) -> TermsRequest:
        request = super().terms(model, members)
        request.review_interval[:] = self.params.review_interval
        return request

    def review(self, model, alliances, underperforming) -> ReviewDecision:
        p = self.params
        ledger = model.ledger
        weak = ledger.value_ema[alliances] < p.performance_threshold * expected_now(model, alliances)
        partner = ledger.kind[alliances] != PLATFORM_KIND
        dependent = partner & ~weak & (ledger.smb_dependence[alliances] > p.max_dependence)
        reason = shared_texts(["underperforming", "over_dependent"], dependent.astype(np.intp))
        return ReviewDecision(dissolve=weak | dependent, reason=reason)
