"""The records a strategy and the mechanisms exchange.

Formation hands a strategy the offers its members found (:class:`PartnerOffers`,
:class:`PlatformOffers`) and takes back the terms they ask for (:class:`TermsRequest`);
review takes back which alliances to end (:class:`ReviewDecision`). Each field is an array with
one row per SMB (or alliance), so a decision costs one numpy call per strategy group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config import AllianceConfig
from simulator.core.vocabulary import CONTRACTUAL


@dataclass
class PartnerOffers:
    """What an SMB found when it searched partners: one row per searcher, ``k`` candidates.

    Attributes
    ----------
    partner
        Partner array index of each candidate, shape (m, k).
    role
        Partner role code of each candidate.
    complementarity
        Mean capability gap the partner fills, in [0, 1].
    expected_value
        The SMB's forecast of the alliance's monthly value (with its forecasting error).
    expected_revenue
        The SMB's forecast of monthly revenue through the alliance (0 for non-channel roles).
    reputation
        Share of the partner's past alliances that met expectations, in [0, 1].
    centrality
        The partner's degree relative to the best-connected partner, in [0, 1].
    size
        The partner's size (monthly own income).
    alliance_type
        Alliance type code the alliance would have (see :data:`simulator.core.vocabulary.ALLIANCE_TYPES`).
    feasible
        Offers the partner would accept and the SMB may take (no duplicate, no exclusivity
        conflict).
    """

    partner: np.ndarray
    role: np.ndarray
    complementarity: np.ndarray
    expected_value: np.ndarray
    expected_revenue: np.ndarray
    reputation: np.ndarray
    centrality: np.ndarray
    size: np.ndarray
    alliance_type: np.ndarray
    feasible: np.ndarray


@dataclass
class PlatformOffers:
    """Each platform as seen by each searcher, shape (m, n_platforms).

    Attributes
    ----------
    expected_value
        Forecast monthly value of joining (sales through it net of fee and variable cost).
    member_share
        Share of alive SMBs on the platform.
    fee
        The commission rate the searcher would pay: the posted fee, bargained down by its influence
        where the platform has ``fee_bargaining`` (:func:`simulator.rules.value.member_fee`).
    feasible
        False where the SMB is already a member.
    """

    expected_value: np.ndarray
    member_share: np.ndarray
    fee: np.ndarray
    feasible: np.ndarray


@dataclass
class TermsRequest:
    """The terms a group of searchers asks for in a new partner alliance, one entry per searcher.

    Attributes
    ----------
    accept_exclusivity
        Takes exclusive terms (more reach from a sales partner, no second partner in its role).
    info_sharing
        Information-sharing level in [0, 1]: scales knowledge transfer both ways.
    pilot
        Starts with a pilot of ``pilot_steps`` steps at reduced scope before committing.
    pilot_steps
        Pilot length where ``pilot`` is set.
    exit_months
        Termination cost, in months of the alliance's expected flow.
    form
        Alliance form code (contractual, equity alliance, joint venture).
    equity_stake
        Share of the alliance the SMB owns (0 for contractual alliances).
    review_interval
        Steps between reviews.
    share_premium
        Extra revenue share the partner asks for the terms (e.g. for flexible exit clauses).
    data_sharing
        Share of its data the SMB lets a platform it joins use (limits data capture).
    """

    accept_exclusivity: np.ndarray
    info_sharing: np.ndarray
    pilot: np.ndarray
    pilot_steps: np.ndarray
    exit_months: np.ndarray
    form: np.ndarray
    equity_stake: np.ndarray
    review_interval: np.ndarray
    share_premium: np.ndarray
    data_sharing: np.ndarray


@dataclass
class ReviewDecision:
    """Which reviewed alliances to dissolve, and the reason written to the event log."""

    dissolve: np.ndarray
    reason: np.ndarray


def market_terms(cfg: AllianceConfig, switching_factor: np.ndarray) -> TermsRequest:
    """The market's norms from ``alliance.*``, one row per SMB: a pilot only where
    ``alliance.pilot_steps`` > 0, contractual, no exclusivity, exit cost scaled by each SMB's
    ``switching_factor`` (modular systems lower it)."""
    n = len(switching_factor)
    return TermsRequest(
        accept_exclusivity=np.zeros(n, dtype=bool),
        info_sharing=np.full(n, cfg.information_sharing),
        pilot=np.full(n, cfg.pilot_steps > 0),
        pilot_steps=np.full(n, cfg.pilot_steps),
        exit_months=np.full(n, cfg.exit_months) * switching_factor,
        form=np.full(n, CONTRACTUAL, dtype=np.int8),
        equity_stake=np.zeros(n),
        review_interval=np.full(n, cfg.review_interval),
        share_premium=np.zeros(n),
        data_sharing=np.full(n, cfg.information_sharing),
    )
