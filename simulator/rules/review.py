"""The alliance lifecycle after formation: pilot to commit, review, renegotiation, dissolution.

- A pilot that has run its ``pilot_steps`` commits (event ``pilot_committed``) when its
  smoothed realized value reaches ``commit_threshold`` of what the SMB expected; the SMB then
  pays the relation-specific investment. Otherwise it dissolves (reason ``pilot_failed``) at
  the pilot's reduced exit cost.
- Each alliance keeps its own review calendar (:func:`schedule_reviews`): its first review
  falls at an age drawn from 1 to ``review_interval`` (``alliance.review_schedule=staggered``)
  or at ``review_interval`` (``periodic``), then every ``review_interval`` steps. At a review a
  committed alliance is reviewed: partner alliances' revenue
  shares move toward the share the current bargaining power implies (event ``renegotiated``),
  and the SMB's strategy decides which to dissolve, by default those delivering less than
  ``dissolve_threshold`` of their expected value (reason ``underperforming``). The SMB pays
  the exit cost the terms set (to partners) or the switching cost (leaving a platform).
- Each step every active alliance also dissolves with probability ``alliance.base_hazard``
  (reason ``base_hazard``, no exit cost: the exogenous hazard stands for causes outside the
  model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.config import AllianceConfig
from simulator.core.codes import shared_texts
from simulator.core.population import N_CAPABILITIES
from simulator.core.powers import whole_powers
from simulator.core.roles import DELIVERS_AUTOMATION, SELLS
from simulator.core.vocabulary import COMMITTED, CONTRACTUAL, PILOT, PLATFORM_KIND
from simulator.rules import value

if TYPE_CHECKING:
    from simulator.model import EcosystemModel

RENEGOTIATION_REASONS = ("smb_power", "partner_power", "appropriation")
"""Why a renegotiation moved a share (the event's reason), by code: the SMB's or the partner's
bargaining power, or what the partner learned (the learning race)."""
SMB_POWER, PARTNER_POWER, APPROPRIATION = range(len(RENEGOTIATION_REASONS))


def review_alliances(model: EcosystemModel) -> None:
    """Run pilot decisions, periodic reviews and the base hazard for this step."""
    _decide_pilots(model)
    _review_committed(model)
    _apply_base_hazard(model)


def dissolve(model: EcosystemModel, ids: np.ndarray, reason: str | np.ndarray, pay_exit_cost: bool = True) -> None:
    """End alliances by the SMB's (or fate's) decision, settling the exit cost.

    Parameters
    ----------
    model
        The model.
    ids
        Alliances to end.
    reason
        Reason written to the event log (one for all, or one per alliance).
    pay_exit_cost
        Whether the SMB pays the terms' exit cost: to the partner for partner alliances, as a
        switching cost lost for platforms. A pilot costs ``pilot_exit_fraction`` of it.
    """
    if len(ids) == 0:
        return
    ledger, smbs = model.ledger, model.smbs
    if pay_exit_cost:
        fraction = np.where(ledger.phase[ids] == PILOT, model.config.alliance.pilot_exit_fraction, 1.0)
        cost = ledger.exit_cost[ids] * fraction
        ledger.exit_cost_paid[ids] = cost
        smb_idx = ledger.smb[ids]
        smbs.cash -= np.bincount(smb_idx, weights=cost, minlength=smbs.n)
        on_platform = ledger.kind[ids] == PLATFORM_KIND
        model.flows["switching_costs"] += cost[on_platform].sum()
        model.flows["exit_costs"] += cost[~on_platform].sum()
        partner_rows = ~on_platform
        model.partners.income += np.bincount(
            ledger.counterpart[ids][partner_rows], weights=cost[partner_rows], minlength=model.partners.n
        )
    model.events.record(model.steps, "dissolved", ids, reason)
    end_alliances(model, ids, reason)


def end_alliances(model: EcosystemModel, ids: np.ndarray, reason: str | np.ndarray) -> None:
    """Close alliances in the ledger and update platform membership counts (no event)."""
    ledger = model.ledger
    on_platform = ledger.kind[ids] == PLATFORM_KIND
    if model.platforms.n and on_platform.any():
        model.platforms.members -= np.bincount(ledger.counterpart[ids][on_platform], minlength=model.platforms.n)
    ledger.end(ids, model.steps, reason)


def commit(model: EcosystemModel, ids: np.ndarray) -> None:
    """Make alliances committed; the SMB pays the relation-specific investment.

    The investment is ``specific_investment_months + equity_capital_months x equity_stake``
    months of the expected value; it is sunk (it leaves the ecosystem) and raises the
    alliance's relational rent.
    """
    ledger = model.ledger
    ledger.phase[ids] = COMMITTED
    ledger.touch()
    cfg = model.config.alliance
    months = cfg.specific_investment_months + cfg.equity_capital_months * ledger.equity_stake[ids]
    investment = months * np.maximum(ledger.expected_value[ids], 0.0)
    ledger.specific_investment[ids] = investment
    model.smbs.cash -= np.bincount(ledger.smb[ids], weights=investment, minlength=model.smbs.n)
    model.flows["specific_investment"] += investment.sum()


def expected_now(model: EcosystemModel, ids: np.ndarray) -> np.ndarray:
    """The value the SMB expects from each alliance this step.

    Its forecast, scaled by what the alliance can deliver at its age: a sales-partner pilot
    runs at ``pilot_scope``; a technology alliance delivers its savings as automation is
    adopted, ``1 - (1 - adoption_rate) ** age`` of them after ``age`` steps.
    """
    cfg = model.config.alliance
    ledger = model.ledger
    kind = ledger.kind[ids]
    scoped = (ledger.phase[ids] == PILOT) & SELLS[kind]
    automating = DELIVERS_AUTOMATION[kind]
    ramp = np.ones(len(ids))
    ramp[automating] = 1.0 - whole_powers(1.0 - cfg.adoption_rate, model.steps - ledger.formed_step[ids[automating]])
    return ledger.expected_value[ids] * np.where(scoped, cfg.pilot_scope, 1.0) * ramp


def _decide_pilots(model: EcosystemModel) -> None:
    cfg = model.config.alliance
    ledger = model.ledger
    ids = ledger.active_ids
    due_ids = ids[(ledger.phase[ids] == PILOT) & (model.steps - ledger.formed_step[ids] >= ledger.pilot_steps[ids])]
    if len(due_ids) == 0:
        return
    paid_off = ledger.value_ema[due_ids] >= cfg.commit_threshold * expected_now(model, due_ids)
    commit(model, due_ids[paid_off])
    model.events.record(model.steps, "pilot_committed", due_ids[paid_off], "pilot_paid_off")
    _count_reviews(model, due_ids, paid_off)
    dissolve(model, due_ids[~paid_off], "pilot_failed")


def schedule_reviews(model: EcosystemModel, ids: np.ndarray) -> None:
    """Set the first review of new alliances by ``alliance.review_schedule``.

    ``periodic``: at age ``review_interval``; ``staggered``: at an age drawn uniformly from
    1 to ``review_interval`` (the model's stream), so that alliances formed together are not all
    reviewed together. Later reviews follow every ``review_interval`` steps.
    """
    if len(ids) == 0:
        return
    ledger = model.ledger
    interval = np.maximum(ledger.review_interval[ids], 1)
    if model.config.alliance.review_schedule == "staggered":
        first = model.rng.integers(1, interval + 1)
    else:
        first = interval
    ledger.next_review[ids] = ledger.formed_step[ids] + first


def _review_committed(model: EcosystemModel) -> None:
    cfg = model.config.alliance
    ledger = model.ledger
    ids = ledger.active_ids
    on_calendar = ids[ledger.next_review[ids] <= model.steps]
    if len(on_calendar) == 0:
        return
    # the calendar moves on whether or not the alliance is committed yet (pilots are decided apart)
    ledger.next_review[on_calendar] += np.maximum(ledger.review_interval[on_calendar], 1)
    due_ids = on_calendar[ledger.phase[on_calendar] == COMMITTED]
    if len(due_ids) == 0:
        return
    met = ledger.value_ema[due_ids] >= expected_now(model, due_ids)
    _count_reviews(model, due_ids, met)
    # platform fees are the platform's to set; equity terms are fixed by ownership
    _renegotiate(model, due_ids[(ledger.kind[due_ids] != PLATFORM_KIND) & (ledger.form[due_ids] == CONTRACTUAL)])

    underperforming = ledger.value_ema[due_ids] < cfg.dissolve_threshold * expected_now(model, due_ids)
    strategy_of = model.smbs.strategy_id[ledger.smb[due_ids]]
    leaving: list[np.ndarray] = []
    reasons: list[np.ndarray] = []
    for sid, strategy in enumerate(model.strategies):
        group = strategy_of == sid
        if not group.any():
            continue
        decision = strategy.review(model, due_ids[group], underperforming[group])
        leaving.append(due_ids[group][decision.dissolve])
        reasons.append(np.asarray(decision.reason, dtype=object)[decision.dissolve])
    if leaving:
        dissolve(model, np.concatenate(leaving), np.concatenate(reasons))


def _renegotiate(model: EcosystemModel, ids: np.ndarray) -> None:
    """Move revenue shares toward what today's bargaining power implies."""
    if len(ids) == 0:
        return
    cfg = model.config.alliance
    ledger, smbs, partners = model.ledger, model.smbs, model.partners
    counterpart = ledger.counterpart[ids]
    power = value.bargaining_power(
        partners.size[counterpart],
        smbs.revenue[ledger.smb[ids]],
        ledger.smb_dependence[ids],
        ledger.partner_dependence[ids],
        smbs.influence[ledger.smb[ids]],
    )
    current = ledger.share[ids]
    new = _renegotiated_share(cfg, current, power)
    moved = np.abs(new - current) >= cfg.renegotiation_tolerance
    reason = np.where(new > current, PARTNER_POWER, SMB_POWER)  # codes of RENEGOTIATION_REASONS
    if cfg.appropriation_leverage > 0:
        appropriated = value.appropriated_power(
            power, appropriation(model, ids), cfg.appropriation_leverage, absorption(model, ids)
        )
        with_learning = _renegotiated_share(cfg, current, appropriated)
        # a rise that only what the partner learned brings about is the appropriation's
        by_learning = (with_learning - current >= cfg.renegotiation_tolerance) & ~(moved & (new > current))
        reason[by_learning] = APPROPRIATION
        new = with_learning
        moved = np.abs(new - current) >= cfg.renegotiation_tolerance
        reason[moved & (new < current)] = SMB_POWER
    changed_ids = ids[moved]
    ledger.share[changed_ids] = new[moved]
    model.events.record(model.steps, "renegotiated", changed_ids, shared_texts(RENEGOTIATION_REASONS, reason[moved]))


def _renegotiated_share(cfg: AllianceConfig, current: np.ndarray, power: np.ndarray) -> np.ndarray:
    """The share after one renegotiation toward what the partner's bargaining ``power`` implies."""
    return current + cfg.renegotiation_speed * (value.negotiated_share(cfg, power) - current)


def appropriation(model: EcosystemModel, ids: np.ndarray) -> np.ndarray:
    """Share of the SMB's capability edge each partner alliance's partner has learned through it
    (:func:`simulator.rules.value.appropriation`, ODD 7.28)."""
    ledger = model.ledger
    return value.appropriation(ledger.knowledge_leaked[ids], ledger.smb_edge[ids])


def absorption(model: EcosystemModel, ids: np.ndarray) -> np.ndarray:
    """Share of each partner alliance's partner's capability edge over the SMB the SMB has learned
    through it: the mirror of :func:`appropriation` (ODD 7.28), ``min(knowledge_gained / E_p, 1)``
    with ``E_p = sum_d max(0, c_partner,d - c_smb,d)`` at formation, the number of competence
    dimensions times the alliance's complementarity (7.3)."""
    ledger = model.ledger
    return value.appropriation(ledger.knowledge_gained[ids], N_CAPABILITIES * ledger.complementarity[ids])


def _count_reviews(model: EcosystemModel, ids: np.ndarray, met: np.ndarray) -> None:
    """Feed review outcomes into partner reputations."""
    ledger, partners = model.ledger, model.partners
    with_partner = ledger.kind[ids] != PLATFORM_KIND
    counterpart = ledger.counterpart[ids][with_partner]
    partners.reviews += np.bincount(counterpart, minlength=partners.n)
    partners.successes += np.bincount(counterpart, weights=met[with_partner].astype(float), minlength=partners.n)


def _apply_base_hazard(model: EcosystemModel) -> None:
    hazard = model.config.alliance.base_hazard
    if hazard <= 0:
        return
    ids = model.ledger.active_ids
    hit_ids = ids[model.rng.random(len(ids)) < hazard]
    dissolve(model, hit_ids, "base_hazard", pay_exit_cost=False)
