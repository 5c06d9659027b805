"""Alliance strategies: the interface, the registry and the strategies themselves.

Adding a strategy means adding one module here that defines a :class:`Strategy` subclass
decorated with :func:`register`, importing it below, and adding its YAML to
``configs/strategy/``; the model needs no change.
"""

from simulator.strategies import diversification, go_it_alone, opportunistic, platform_first
from simulator.strategies.base import (
    PartnerOffers,
    PlatformOffers,
    ReviewDecision,
    Strategy,
    StrategyParams,
    TermsRequest,
)
from simulator.strategies.registry import STRATEGIES, make_strategy, register

__all__ = [
    "STRATEGIES",
    "PartnerOffers",
    "PlatformOffers",
    "ReviewDecision",
    "Strategy",
    "StrategyParams",
    "TermsRequest",
    "diversification",
    "go_it_alone",
    "make_strategy",
    "opportunistic",
    "platform_first",
    "register",
]
