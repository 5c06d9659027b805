"""Go it alone: the baseline that forms no alliances at all."""

from __future__ import annotations

from simulator.strategies.base import Strategy
from simulator.strategies.registry import register


@register
class GoItAlone(Strategy):
    """Sell only through the firm's own direct channel and keep full independence.

    The baseline every other strategy is measured against: no platform, no partner, so no fees,
    no shared revenue, no lock-in and no outside help (source 003: independence at one end of the
    dependence spectrum). It uses the base class's hooks, whose targets are zero.
    """

    name = "go_it_alone"
    summary = "No alliances: direct channel only (the independence baseline)."
