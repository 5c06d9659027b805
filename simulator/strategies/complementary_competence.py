"""Complementary competences: partner for strengths the SMB lacks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config import param
from simulator.strategies.base import AllianceSeeker, PartnerOffers, SeekerParams
from simulator.strategies.registry import register


@dataclass
class ComplementaryCompetenceParams(SeekerParams):
    """Parameters of :class:`ComplementaryCompetence`."""

    min_complementarity: float = param(0.12, "Refuse partners whose complementarity is below this.", ge=0.0, le=1.0)
    weight: float = param(2.0, "Exponent on complementarity in the partner score (0 = value only).", ge=0.0)


@register
class ComplementaryCompetence(AllianceSeeker):
    """Choose partners whose capabilities augment the SMB's rather than substitute for them.

    Source 003, "Cultivating Complementary Core Competencies": seek "partners who possess
    capabilities that genuinely augment, rather than substitute, their own", as the design firm
    that partners with a manufacturer. The SMB refuses partners below ``min_complementarity`` and
    ranks the rest by ``expected value x (complementarity / 0.25) ** weight``.
    """

    name = "complementary_competence"
    summary = "Partner only where the partner is strong and the SMB weak; rank by complementarity."
    Params = ComplementaryCompetenceParams

    def score_partners(self, model, members, offers: PartnerOffers) -> np.ndarray:
        p = self.params
        score = super().score_partners(model, members, offers)
        keep = np.isfinite(score) & (offers.complementarity >= p.min_complementarity)
        boost = (offers.complementarity / 0.25) ** p.weight
        return np.where(keep, np.where(keep, score, 0.0) * boost, -np.inf)
