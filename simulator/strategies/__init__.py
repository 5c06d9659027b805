"""Alliance strategies: the interface, the registry and the strategies themselves.

Adding a strategy means adding one module here that defines a :class:`Strategy` subclass
decorated with :func:`register`, importing it below, and adding its YAML to
``configs/strategy/``; the model needs no change.
"""

from simulator.strategies import (
    capability_building,
    complementary_competence,
    contractual_clarity,
    diversification,
    ecosystem_influence,
    equity_alliance,
    go_it_alone,
    knowledge_absorption,
    modular,
    multi_homing,
    opportunistic,
    phased,
    platform_first,
    portfolio_review,
    strategic_ambiguity,
)
from simulator.strategies.base import (
    AllianceSeeker,
    PartnerOffers,
    PlatformOffers,
    ReviewDecision,
    SeekerParams,
    Strategy,
    StrategyParams,
    TermsRequest,
)
from simulator.strategies.registry import MIX, STRATEGIES, build_population, make_strategy, register

__all__ = [
    "MIX",
    "STRATEGIES",
    "AllianceSeeker",
    "PartnerOffers",
    "PlatformOffers",
    "ReviewDecision",
    "SeekerParams",
    "Strategy",
    "StrategyParams",
    "TermsRequest",
    "build_population",
    "capability_building",
    "complementary_competence",
    "contractual_clarity",
    "diversification",
    "ecosystem_influence",
    "equity_alliance",
    "go_it_alone",
    "knowledge_absorption",
    "make_strategy",
    "modular",
    "multi_homing",
    "opportunistic",
    "phased",
    "platform_first",
    "portfolio_review",
    "register",
    "strategic_ambiguity",
]
