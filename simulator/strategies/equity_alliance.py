"""Equity alliances and joint ventures: shared ownership, deeper commitment."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.config import param
from simulator.core.vocabulary import ALLIANCE_FORMS
from simulator.rules.review import expected_now
from simulator.strategies.base import AllianceSeeker, ReviewDecision, SeekerParams, TermsRequest
from simulator.strategies.registry import register


@dataclass
class EquityAllianceParams(SeekerParams):
    """Parameters of :class:`EquityAlliance`."""

    form: str = param("equity_alliance", "Form of the SMB's partner alliances.", choices=ALLIANCE_FORMS[1:])
    equity_stake: float = param(0.25, "Share of each alliance the SMB owns.", gt=0.0, le=1.0)
    patience: float = param(
        0.25, "Dissolve only an alliance delivering less than this share of its expected value.", ge=0.0
    )


@register
class EquityAlliance(AllianceSeeker):
    """Take equity in partner alliances (or form joint ventures) for shared control.

    Source 003, "Equity Alliances and Joint Ventures for Shared Control": "mutual ownership and
    incentivizing long-term commitment", "pooling resources and sharing risks and rewards", at
    the price of careful negotiation and harder exits. The SMB puts
    ``alliance.equity_capital_months x equity_stake`` months of expected value into each alliance
    at commitment, gets ``equity_stake`` of the partner's take back, learns more
    (``alliance.equity_learning_bonus``), its terms are not renegotiated, exits cost
    ``alliance.equity_exit_multiplier`` times more, and it stays in alliances unless they fall
    below ``patience`` of their expected value.
    """

    name = "equity_alliance"
    summary = "Equity stakes or joint ventures: shared returns and learning, patient, costly to exit."
    Params = EquityAllianceParams

    def terms(self, model, members) -> TermsRequest:
        request = super().terms(model, members)
        request.form[:] = ALLIANCE_FORMS.index(self.params.form)
        request.equity_stake[:] = self.params.equity_stake
        return request

    def review(self, model, alliances, underperforming) -> ReviewDecision:
        ledger = model.ledger
        failing = ledger.value_ema[alliances] < self.params.patience * expected_now(model, alliances)
        return super().review(model, alliances, failing)
