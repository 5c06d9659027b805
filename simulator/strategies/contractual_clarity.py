"""Contractual clarity: clear terms, cheap exits, no exclusivity."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.config import param
from simulator.strategies.base import AllianceSeeker, SeekerParams, TermsRequest
from simulator.strategies.registry import register


@dataclass
class ContractualClarityParams(SeekerParams):
    """Parameters of :class:`ContractualClarity`."""

    exit_months: float = param(
        0.5, "Termination cost written into the exit clause, in months of expected flow.", ge=0.0
    )
    data_sharing: float = param(
        0.1, "Share of its data a platform may use under the SMB's clear data-ownership terms.", ge=0.0, le=1.0
    )
    share_premium: float = param(
        0.02, "Extra revenue share partners ask in exchange for the flexible exit clause.", ge=0.0, le=1.0
    )


@register
class ContractualClarity(AllianceSeeker):
    """Sign well-defined contracts with explicit exit clauses and no exclusivity.

    Source 003, "Contractual Clarity and Exit Clauses": agreements should spell out scope,
    responsibilities and, crucially, exit clauses, because "ambiguity in contracts breeds
    dependence" (and clear data ownership). The SMB's alliances cost ``exit_months`` of expected
    flow to leave instead of the market's ``alliance.exit_months``, it never accepts exclusivity,
    platforms may use only ``data_sharing`` of its data, and partners charge a small
    ``share_premium`` for that flexibility when the alliance is formed (renegotiations then move
    the share toward what bargaining power implies, as for any contract).
    """

    name = "contractual_clarity"
    summary = "Explicit exit clauses (cheap exits), no exclusivity, own data; at a small share premium."
    Params = ContractualClarityParams

    def terms(self, model, members) -> TermsRequest:
        request = super().terms(model, members)
        request.accept_exclusivity[:] = False
        request.exit_months[:] = self.params.exit_months * model.smbs.switching_factor[members]
        request.share_premium[:] = self.params.share_premium
        request.data_sharing[:] = self.params.data_sharing
        return request
