"""Phased: pilot before committing."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.config import param
from simulator.strategies.base import AllianceSeeker, SeekerParams, TermsRequest
from simulator.strategies.registry import register


@dataclass
class PhasedParams(SeekerParams):
    """Parameters of :class:`Phased`."""

    pilot_steps: int = param(6, "Length of every alliance's pilot, in steps.", ge=1)


@register
class Phased(AllianceSeeker):
    """Start every partner alliance as a pilot at reduced scope and commit only if it pays.

    Source 003, "Phased Alliance Approach": "starting with pilot projects or short-term
    collaborations allows for testing the waters ... before committing to more extensive
    arrangements". Pilots run ``pilot_steps`` steps at ``alliance.pilot_scope``; one that
    delivers at least ``alliance.commit_threshold`` of its expected value commits (and only then
    does the SMB make its relation-specific investment); one that does not ends at the pilot's
    reduced exit cost (reason ``pilot_failed``).
    """

    name = "phased"
    summary = "Pilot every partner alliance; commit (and invest) only if the pilot pays."
    Params = PhasedParams

    def terms(self, model, members) -> TermsRequest:
        request = super().terms(model, members)
        request.pilot[:] = True
        request.pilot_steps[:] = self.params.pilot_steps
        return request
