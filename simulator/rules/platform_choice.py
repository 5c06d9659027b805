"""Platform choice revisited: members re-evaluate their platform and switch to a better one.

Each step, after the reviews, every alive SMB holding a platform membership re-evaluates it with
probability ``platform.revisit_rate`` (its strategy may change the rate:
:meth:`~simulator.strategies.base.Strategy.platform_revisit_rate`). An SMB with several
memberships re-evaluates its weakest one (lowest smoothed realized value). It compares

- what that membership delivers, its smoothed realized monthly value ``value_ema``, with
- the best platform it could join instead (ranked by its strategy's
  :meth:`~simulator.strategies.base.Strategy.score_platforms`), valued by
  :func:`simulator.rules.formation.evaluate_platform_offers` at the platforms' current reach,
  fee and network effect, with the SMB's forecasting noise, as a replacement: its channels
  without the membership it would leave,

and switches when the alternative's value exceeds the current one by more than the switching
cost (:func:`simulator.rules.platforms.switching_months` x its platform revenue, the membership's
``exit_cost``; tenure and data held raise it, modular systems lower it) plus the new platform's
setup cost (``alliance.setup_cost``) spread over ``platform.switch_horizon`` months. Both values
are net of the membership's management cost (``alliance.coordination_cost``, ``attention_cost``).
A switch dissolves the membership with the switching cost paid (reason ``switched_platform``)
and joins the new platform (event ``formed``, reason ``switch``). With two platforms and network
effects this is the positive feedback that lets a market tip: each switch raises the leader's
reach for everyone else's next re-evaluation.

Draws come only from the model's stream; with every rate 0 nothing is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.core.vocabulary import COMMITTED, PLATFORM_KIND
from simulator.rules import value
from simulator.rules.formation import _join_platforms, evaluate_platform_offers, offer_rows
from simulator.rules.platforms import membership_weight
from simulator.rules.review import dissolve

if TYPE_CHECKING:
    from simulator.model import EcosystemModel

SWITCH_REASON = "switched_platform"
"""End reason of a membership left for a better platform."""

JOIN_REASON = "switch"
"""Reason of the ``formed`` event of the membership joined instead."""


def revisit_platforms(model: EcosystemModel) -> None:
    """Let members re-evaluate their platform and switch where another pays more (ODD 7.25).

    Sets ``model.platform_switches`` to the number of switches this step.
    """
    model.platform_switches = 0
    platforms, ledger = model.platforms, model.ledger
    if platforms.n < 2:
        return
    rate = _revisit_rates(model)
    if not (rate > 0).any():
        return
    current = _weakest_memberships(model)
    if len(current) == 0:
        return
    revisiting = current[model.rng.random(len(current)) < rate[ledger.smb[current]]]
    if len(revisiting) == 0:
        return
    smb_idx = ledger.smb[revisiting].astype(np.int64)
    target, alt_value = _best_alternative(model, revisiting, smb_idx)
    horizon = model.config.platform.switch_horizon
    gain = alt_value - ledger.value_ema[revisiting]
    # leaving costs the switching cost, joining the new platform its setup cost
    cost = ledger.exit_cost[revisiting] + value.setup_cost(model.config.alliance, model.smbs.fixed_cost[smb_idx])
    switching = (target >= 0) & (alt_value > 0) & (gain > cost / horizon)
    if not switching.any():
        return
    leaving, movers, new_platform = revisiting[switching], smb_idx[switching], target[switching]
    dissolve(model, leaving, SWITCH_REASON)
    _join_instead(model, movers, new_platform, alt_value[switching])
    model.platform_switches = int(switching.sum())


def _revisit_rates(model: EcosystemModel) -> np.ndarray:
    """Each SMB's re-evaluation probability this step, from its strategy (0 for failed SMBs)."""
    smbs = model.smbs
    rate = np.zeros(smbs.n)
    for strategy, members in zip(model.strategies, smbs.alive_groups(len(model.strategies)), strict=True):
        if len(members):
            rate[members] = strategy.platform_revisit_rate(model, members)
    return rate


def _weakest_memberships(model: EcosystemModel) -> np.ndarray:
    """For each alive SMB with a committed platform membership, the one of lowest ``value_ema``
    (the first formed among ties), ordered by SMB."""
    ledger = model.ledger
    ids = ledger.active_ids
    ids = ids[(ledger.kind[ids] == PLATFORM_KIND) & (ledger.phase[ids] == COMMITTED)]
    ids = ids[model.smbs.alive[ledger.smb[ids]]]
    if len(ids) == 0:
        return ids
    # per SMB the lowest value, then the first id reaching it: two unbuffered minima, no sort
    n = model.smbs.n
    smb, value_ema = ledger.smb[ids], ledger.value_ema[ids]
    lowest = np.full(n, np.inf)
    np.minimum.at(lowest, smb, value_ema)
    weakest = value_ema == lowest[smb]
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, smb[weakest], ids[weakest])
    return first[first < np.iinfo(np.int64).max]


def _best_alternative(model: EcosystemModel, current: np.ndarray, smb_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The platform each SMB's strategy would move to (-1 if none) and its forecast value.

    The offers are evaluated as replacements: while they are evaluated, each SMB's channel
    weight leaves out the weight of the membership ``current`` it would give up.
    """
    smbs, ledger = model.smbs, model.ledger
    own_weight = membership_weight(model, ledger.counterpart[current], smb_idx)
    saved = smbs.channel_weight[smb_idx].copy()
    smbs.channel_weight[smb_idx] = np.maximum(saved - own_weight, 0.0)
    try:
        offers = evaluate_platform_offers(model, smb_idx, replacing=True)
    finally:
        smbs.channel_weight[smb_idx] = saved
    target = np.full(len(smb_idx), -1, dtype=np.int64)
    alt_value = np.zeros(len(smb_idx))
    strategy_of = smbs.strategy_id[smb_idx]
    for sid, strategy in enumerate(model.strategies):
        rows = np.flatnonzero(strategy_of == sid)
        if len(rows) == 0:
            continue
        scores = strategy.score_platforms(model, smb_idx[rows], offer_rows(offers, rows))
        best = np.argmax(scores, axis=1)
        ok = np.isfinite(scores[np.arange(len(rows)), best])
        target[rows[ok]] = best[ok]
        alt_value[rows[ok]] = offers.expected_value[rows[ok], best[ok]]
    return target, alt_value


def _join_instead(model: EcosystemModel, smb_idx: np.ndarray, platform: np.ndarray, expected: np.ndarray) -> None:
    """Join the chosen platforms under each SMB's strategy's data-sharing terms."""
    data_sharing = np.zeros(len(smb_idx))
    strategy_of = model.smbs.strategy_id[smb_idx]
    for sid, strategy in enumerate(model.strategies):
        rows = np.flatnonzero(strategy_of == sid)
        if len(rows):
            data_sharing[rows] = strategy.terms(model, smb_idx[rows]).data_sharing
    first_id = model.ledger.size
    _join_platforms(
        model, {"smb": smb_idx, "platform": platform, "expected_value": expected, "data_sharing": data_sharing}
    )
    model.events.amend_reason("formed", np.arange(first_id, model.ledger.size), JOIN_REASON)
