"""Platforms as actors: availability, data capture and own-offer entry, fee governance.

- Availability: a platform is down during a scheduled outage shock or, with
  ``platform.outage_rate``, a random outage of ``platform.outage_steps`` steps; a platform that
  is down sells nothing.
- Data capture: every membership's ``data_held`` grows by
  ``data_capture x info_sharing x (1 - data_held)`` per step (information-sharing terms limit
  it). Data held raises the member's switching cost by ``data_lock_in`` months at most. When
  the mean data held on a sector's members passes ``entry_threshold`` the platform enters the
  sector with its own offer (``entry`` ramps from 0 to 1 as data rises to 1) and members there
  lose ``commoditization x entry`` of their reach through it (margin erosion).
- Governance: every ``governance_interval`` steps a platform sets its fee by its policy:
  ``fixed`` never changes it; ``lock_in_responsive`` raises it by ``fee_step`` while its members'
  mean switching cost exceeds ``lock_in_threshold`` months of platform revenue (and lowers it
  otherwise), each member's counted at ``max(0, 1 - influence_voice x influence)`` of its
  switching cost (voice: influential members can organize exit and shape standards, so they are
  less captive); ``competitive`` lowers it while a rival has more members and raises it when it
  leads. Fees stay within [``fee_min``, ``fee_max``]; every change reprices the members' terms
  (event ``renegotiated``, reason ``governance``, or ``voice`` where members' influence turned a
  hike into a cut).
- Membership terms: a member pays the posted fee bargained down by its influence,
  ``fee x (1 - fee_bargaining x influence)`` (:func:`simulator.rules.value.member_fee`), set when it
  joins and at every repricing; with ``fee_bargaining`` > 0 every fee decision (due every
  ``governance_interval`` steps, whatever the policy) that leaves the fee unchanged reprices the
  members whose bargained fee moved with their influence (reason ``influence``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.core.sets import among
from simulator.core.vocabulary import PLATFORM_KIND
from simulator.rules import value

if TYPE_CHECKING:
    from simulator.config import PlatformConfig
    from simulator.model import EcosystemModel


def update_availability(model: EcosystemModel) -> None:
    """Start random outages and set which platforms are up this step."""
    platforms = model.platforms
    if platforms.n == 0:
        return
    step = model.steps
    if (platforms.outage_rate > 0).any():
        starting = (platforms.down_until <= step) & (model.rng.random(platforms.n) < platforms.outage_rate)
        for p in np.flatnonzero(starting):
            platforms.down_until[p] = step + platforms.settings[p].outage_steps
            model.events.record_market_event(
                step, "platform_outage", f"platform {p} down for {platforms.settings[p].outage_steps} steps"
            )
    platforms.up = ~platforms.shock_down & (platforms.down_until <= step)


def capture_data(model: EcosystemModel) -> None:
    """Grow the data platforms hold on members; update their entry into members' sectors."""
    platforms, ledger, smbs = model.platforms, model.ledger, model.smbs
    if platforms.n == 0 or not (platforms.data_capture > 0).any():
        return
    ids = ledger.active_ids
    membership_ids = ids[ledger.kind[ids] == PLATFORM_KIND]
    p = ledger.counterpart[membership_ids]
    held = ledger.data_held[membership_ids]
    sharing = ledger.info_sharing[membership_ids]
    ledger.data_held[membership_ids] = held + platforms.data_capture[p] * sharing * (1.0 - held)
    sectors = platforms.entry.shape[1]
    cell = p.astype(np.int64) * sectors + smbs.sector[ledger.smb[membership_ids]]
    total = np.bincount(cell, weights=ledger.data_held[membership_ids], minlength=platforms.n * sectors)
    count = np.bincount(cell, minlength=platforms.n * sectors)
    mean_data = (total / np.maximum(count, 1)).reshape(platforms.n, sectors)
    threshold = platforms.entry_threshold[:, None]
    target = np.clip((mean_data - threshold) / (1.0 - threshold), 0.0, 1.0)
    entering = (platforms.entry == 0) & (target > 0)
    platforms.entry = np.maximum(platforms.entry, target)  # a platform does not leave a market
    for q, s in zip(*np.nonzero(entering), strict=True):
        model.events.record_market_event(model.steps, "platform_entry", f"platform {q} entered sector {s}")


def govern_fees(model: EcosystemModel) -> None:
    """Let platforms whose decision is due set their fees by their governance policy.

    A fee change reprices the platform's members with reason ``governance``, or ``voice`` where
    the members' influence turned a hike into a cut (``influence_voice``). Where members bargain
    their fees (``fee_bargaining``) and the fee did not change, the members whose bargained fee
    moved with their influence are repriced with reason ``influence``.
    """
    platforms = model.platforms
    step = model.steps
    changed: dict[str, list[int]] = {"governance": [], "voice": []}
    bargaining = []
    for p, settings in enumerate(platforms.settings):
        if step % settings.governance_interval != 0:
            continue
        if settings.governance != "fixed":
            direction, voiced = _direction(model, p, settings)
            new = float(np.clip(platforms.fee[p] + direction * settings.fee_step, settings.fee_min, settings.fee_max))
            if new != platforms.fee[p]:
                platforms.fee[p] = new
                changed["voice" if voiced else "governance"].append(p)
                continue
        if settings.fee_bargaining > 0:
            bargaining.append(p)
    for reason, repriced in changed.items():
        if repriced:
            reprice_memberships(model, memberships(model, repriced), reason)
    if bargaining:
        ids = memberships(model, bargaining)
        bargained = member_fees(model, model.ledger.counterpart[ids], model.ledger.smb[ids])
        moved = ids[model.ledger.share[ids] != bargained]
        if len(moved):
            reprice_memberships(model, moved, "influence")


def _direction(model: EcosystemModel, p: int, settings: PlatformConfig) -> tuple[float, bool]:
    """Platform ``p``'s fee decision, +1 (raise) or -1 (lower), and whether its members' voice
    turned a raise into a cut."""
    platforms = model.platforms
    if settings.governance == "competitive":
        rivals = np.delete(platforms.members, p)
        return (-1.0 if len(rivals) and rivals.max() > platforms.members[p] else 1.0), False
    threshold = settings.lock_in_threshold
    raise_fee = _member_lock_in(model, p, settings.influence_voice) > threshold
    voiced = settings.influence_voice > 0 and not raise_fee and _member_lock_in(model, p, 0.0) > threshold
    return (1.0 if raise_fee else -1.0), voiced


def memberships(model: EcosystemModel, platform_ids: np.ndarray | list[int]) -> np.ndarray:
    """Active memberships of the platforms ``platform_ids``, in ledger order."""
    ledger = model.ledger
    ids = ledger.active_ids
    ids = ids[ledger.kind[ids] == PLATFORM_KIND]
    return ids[among(ledger.counterpart[ids], platform_ids, model.platforms.n)]


def reprice_memberships(model: EcosystemModel, ids: np.ndarray, reason: str) -> None:
    """Apply the platforms' current fees to the memberships ``ids``, logging each change."""
    ledger = model.ledger
    ledger.share[ids] = member_fees(model, ledger.counterpart[ids], ledger.smb[ids])
    model.events.record(model.steps, "renegotiated", ids, reason)


def member_fees(model: EcosystemModel, platform: np.ndarray, smb: np.ndarray) -> np.ndarray:
    """The fee SMB ``smb`` pays (or would pay) on platform ``platform`` (arrays that broadcast):
    the posted fee bargained down by the SMB's influence (:func:`simulator.rules.value.member_fee`)."""
    platforms = model.platforms
    return value.member_fee(platforms.fee[platform], platforms.fee_bargaining[platform], model.smbs.influence[smb])


def membership_weight(model: EcosystemModel, platform: np.ndarray, smb: np.ndarray) -> np.ndarray:
    """The channel weight SMB ``smb`` gets (or would get) from a membership of platform ``platform``
    (arrays that broadcast): the platform's channel weight less the margin erosion of its own offer
    in the SMB's sector, ``commoditization x entry``."""
    platforms = model.platforms
    weights = platforms.channel_weight()[:, None] * (1.0 - platforms.commoditization[:, None] * platforms.entry)
    # read from the small (platform, sector) table through a flat index: numpy's 2-D fancy indexing
    # and per-membership products took ten times as long (78,000 memberships: 4.4 -> 0.5 ms)
    return weights.ravel()[platform * weights.shape[1] + model.smbs.sector[smb]]


def switching_months(model: EcosystemModel, ids: np.ndarray) -> np.ndarray:
    """Cost of leaving each membership, in months of its platform revenue.

    ``(switching_cost_base + switching_cost_growth x tenure + data_lock_in x data_held)``, scaled
    by the SMB's ``switching_factor`` (modular systems switch cheaply).
    """
    platforms, ledger = model.platforms, model.ledger
    p = ledger.counterpart[ids]
    tenure = model.steps - ledger.formed_step[ids]
    months = (
        platforms.switching_cost_base[p]
        + platforms.switching_cost_growth[p] * tenure
        + platforms.data_lock_in[p] * ledger.data_held[ids]
    )
    return months * model.smbs.switching_factor[ledger.smb[ids]]


def _member_lock_in(model: EcosystemModel, p: int, voice: float) -> float:
    """Platform ``p``'s members' mean switching months as the platform weighs them: each member's
    scaled by ``max(0, 1 - voice x influence)`` (its voice, ``platform.influence_voice``)."""
    ledger = model.ledger
    ids = ledger.active_ids
    membership_ids = ids[(ledger.kind[ids] == PLATFORM_KIND) & (ledger.counterpart[ids] == p)]
    if len(membership_ids) == 0:
        return 0.0
    months = switching_months(model, membership_ids)
    if voice > 0:
        months = months * np.maximum(1.0 - voice * model.smbs.influence[ledger.smb[membership_ids]], 0.0)
    return float(months.mean())
