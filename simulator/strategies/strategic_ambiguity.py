"""Strategic ambiguity: share little information with partners."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.config import param
from simulator.strategies.base import AllianceSeeker, SeekerParams, TermsRequest
from simulator.strategies.registry import register


@dataclass
class StrategicAmbiguityParams(SeekerParams):
    """Parameters of :class:`StrategicAmbiguity`."""

    info_sharing: float = param(0.15, "Information-sharing level written into the SMB's alliances.", ge=0.0, le=1.0)


@register
class StrategicAmbiguity(AllianceSeeker):
    """Calibrate information sharing low to protect core competencies.

    Source 003, "Strategic Ambiguity and Controlled Information Sharing": a "deliberate approach
    to information sharing ... to protect core competencies", which "prevents partners from
    gaining undue leverage or replicating core capabilities". Knowledge flows both ways in
    proportion to the information-sharing level, so the SMB leaks less to its partners and also
    learns less from them (the learning race).
    """

    name = "strategic_ambiguity"
    summary = "Low information sharing: less knowledge leaks to partners, less is learned."
    Params = StrategicAmbiguityParams

    def terms(self, model, members) -> TermsRequest:
        request = super().terms(model, members)
        request.info_sharing[:] = self.params.info_sharing
        request.data_sharing[:] = self.params.info_sharing
        return request
