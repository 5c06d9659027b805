"""The strategy interface: how an SMB population decides about alliances.

A strategy is a policy shared by a group of SMBs. Every hook works on arrays for the whole
group at once, so a strategy's decision costs one numpy call per step, not one Python call per
firm. In every hook ``members`` is the group's SMB indices (rows of the SMB arrays, what the
mechanisms call ``smb_idx``) and ``alliances`` are alliance ids (ledger rows). The model calls
:meth:`Strategy.setup` once when it is built, then these hooks each step:

1. :meth:`Strategy.alliance_targets` — how many partner alliances and platform memberships
   each member wants;
2. :meth:`Strategy.terms` — the terms it asks for (exclusivity, information sharing, pilot...);
3. :meth:`Strategy.score_partners` / :meth:`Strategy.score_platforms` — how it ranks the offers
   it found when searching under those terms (``-inf`` refuses an offer);
4. :meth:`Strategy.review` — at each alliance's review, which to dissolve and why;
5. :meth:`Strategy.invest` — strategic investments made each step after trade;
6. :meth:`Strategy.platform_revisit_rate` — how often each member re-evaluates its platform
   (:mod:`simulator.rules.platform_choice`).

Each hook has a default that a concrete strategy overrides only where its idea differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from simulator.config import param
from simulator.config.parameters import parameters
from simulator.core.codes import shared_texts
from simulator.core.decisions import PartnerOffers, PlatformOffers, ReviewDecision, TermsRequest, market_terms

if TYPE_CHECKING:
    from simulator.model import EcosystemModel

__all__ = [
    "AllianceSeeker",
    "PartnerOffers",
    "PlatformOffers",
    "ReviewDecision",
    "SeekerParams",
    "Strategy",
    "StrategyParams",
    "TermsRequest",
    "invest_from_revenue",
]


@dataclass
class StrategyParams:
    """Parameters common to every strategy (none yet); subclasses add their own."""


class Strategy:
    """Base class of alliance strategies; its defaults describe a plain, myopic SMB.

    Subclasses set ``name`` (the registry key), ``summary`` (one line for listings),
    ``Params`` (a dataclass of the strategy's parameters, declared with
    :func:`simulator.config.param`), ``needs_platforms`` if they are about platforms, and
    override the hooks where their idea differs.

    Parameters
    ----------
    params
        The strategy's parameters; defaults when omitted.
    """

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    Params: ClassVar[type] = StrategyParams
    needs_platforms: ClassVar[bool] = False
    """Whether the strategy's idea is about platforms, so that it means nothing without one
    (validation refuses it with ``n_platforms=0``)."""

    def __init__(self, params: Any | None = None) -> None:
        self.params = params if params is not None else self.Params()

    # 0 ---------------------------------------------------------------------------------
    def setup(self, model: EcosystemModel, members: np.ndarray) -> None:
        """Prepare the members once, when the model is built (e.g. their systems); default none."""

    # 1 ---------------------------------------------------------------------------------
    def alliance_targets(self, model: EcosystemModel, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the wanted number of (partner alliances, platform memberships) per member."""
        zeros = np.zeros(len(members), dtype=np.int64)
        return zeros, zeros

    # 2 ---------------------------------------------------------------------------------
    def score_partners(self, model: EcosystemModel, members: np.ndarray, offers: PartnerOffers) -> np.ndarray:
        """Score partner offers, shape (m, k); the best finite positive score is taken.

        By default the expected value weighted by the partner's reputation,
        ``expected_value x (0.5 + reputation)`` (a partner with no record counts at face value).
        """
        score = offers.expected_value * (0.5 + offers.reputation)
        return np.where(offers.feasible & (offers.expected_value > 0), score, -np.inf)

    def score_platforms(self, model: EcosystemModel, members: np.ndarray, offers: PlatformOffers) -> np.ndarray:
        """Score platforms, shape (m, n_platforms); the best finite score is joined if its
        forecast value is positive."""
        return np.where(offers.feasible & (offers.expected_value > 0), offers.expected_value, -np.inf)

    # 3 ---------------------------------------------------------------------------------
    def terms(self, model: EcosystemModel, members: np.ndarray) -> TermsRequest:
        """Return the terms each member asks for in a new partner alliance.

        By default: the market's norms from ``alliance.*`` (a pilot only where
        ``alliance.pilot_steps`` > 0), contractual, no exclusivity.
        """
        return market_terms(model.config.alliance, model.smbs.switching_factor[members])

    # 4 ---------------------------------------------------------------------------------
    def review(self, model: EcosystemModel, alliances: np.ndarray, underperforming: np.ndarray) -> ReviewDecision:
        """Decide which reviewed alliances to dissolve.

        Parameters
        ----------
        model
            The model (read-only use is expected).
        alliances
            Ids of this strategy's alliances that are up for review this step.
        underperforming
            Whether each delivers less than ``alliance.dissolve_threshold`` of its expected
            value.

        Returns
        -------
        ReviewDecision
            By default, dissolve the underperforming ones.
        """
        reason = shared_texts(["underperforming"], np.zeros(len(alliances), dtype=np.intp))
        return ReviewDecision(dissolve=underperforming.copy(), reason=reason)

    # 5 ---------------------------------------------------------------------------------
    def invest(self, model: EcosystemModel, members: np.ndarray) -> None:
        """Make this step's strategic investments (after trade); by default none.

        Spend cash with :meth:`EcosystemModel.spend` so that the money flows stay balanced.
        """

    # 6 ---------------------------------------------------------------------------------
    def platform_revisit_rate(self, model: EcosystemModel, members: np.ndarray) -> np.ndarray:
        """Per-step probability that each member re-evaluates its platform membership.

        By default ``platform.revisit_rate`` for every member. The comparison itself, and the
        choice of the platform to move to (by :meth:`score_platforms`), are the mechanism's.
        """
        return np.full(len(members), model.config.platform.revisit_rate)

    # -----------------------------------------------------------------------------------
    @classmethod
    def describe(cls) -> str:
        """One paragraph: name, summary and each parameter with its default, range and meaning."""
        lines = [f"{cls.name}: {cls.summary}"]
        for p in parameters(cls.Params):
            lines.append(f"    {p.key} = {p.default!r} {p.range_text()}  {p.doc}")
        return "\n".join(lines)


@dataclass
class SeekerParams(StrategyParams):
    """How many alliances an alliance-seeking strategy wants."""

    partners: int = param(2, "Partner alliances wanted at once.", ge=0)
    platforms: int = param(1, "Platform memberships wanted at once.", ge=0)


class AllianceSeeker(Strategy):
    """Base of strategies that hold a steady number of partner alliances and platforms.

    Most strategies of the sources differ in how they choose, contract and manage alliances,
    not in how many they want; they inherit their targets from here.
    """

    Params = SeekerParams

    def alliance_targets(self, model: EcosystemModel, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(members)
        return np.full(n, self.params.partners), np.full(n, self.params.platforms)


def invest_from_revenue(model: EcosystemModel, members: np.ndarray, rate: float, buffer_months: float) -> np.ndarray:
    """Spend ``rate`` x revenue of each member whose cash stays above ``buffer_months`` of fixed
    cost afterwards (booked as ``strategy_investment``); return the members who invested."""
    smbs = model.smbs
    budget = rate * np.maximum(smbs.revenue[members], 0.0)
    affordable = (smbs.cash[members] - budget > buffer_months * smbs.fixed_cost[members]) & smbs.alive[members]
    investing = affordable & (budget > 0)
    model.spend(members[investing], budget[investing])
    return members[investing]
