"""The focal firm: one business described by the ``focal`` block, placed into the ecosystem.

``ecosim-plan`` asks what one business should do; the model answers by putting that business
into the ordinary ecosystem as one more SMB row, after the background population has been drawn,
and letting it follow the candidate strategy of the run. Everything here is deterministic (no
draw from the model's stream), so that the background population is drawn exactly as without
the focal firm; the focal firm's own demand noise comes from its own stream (the market's
``focal`` stream, :data:`simulator.core.seeds.STREAMS`).

The firm's state is set from the block (docs/ODD.md 7.26):

- sector, capabilities (0.5 where not given), automation, age (``birth_step = -age``);
- its current alliances: platform memberships (fee of the platform, formed ``tenure`` months
  ago, data held ``1 - (1 - data_capture x sharing)^tenure``) and partner alliances (the role's
  DPN type, the middle of the negotiated share range, trust grown for ``tenure`` months of met
  expectations); a sales partner's channel weight is set so that it sells ``share`` of the
  firm's revenue now;
- its market potential so that its revenue now is ``revenue`` through its direct channel and
  these alliances, its fixed cost ``fixed_cost x revenue`` and its cash ``cash_months`` of it.

Reviews follow each alliance's calendar from its formation (``review_interval`` months apart).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.config import AllianceConfig
from simulator.core.roles import ROLES
from simulator.core.vocabulary import (
    ALLIANCE_TYPES,
    CAPABILITIES,
    COMMITTED,
    CONTRACTUAL,
    PLATFORM_KIND,
    PLATFORM_MEMBERSHIP,
)
from simulator.errors import ConfigError
from simulator.rules import value

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


def place_focal(model: EcosystemModel, i: int, strategy_id: int) -> None:
    """Set the state and alliances of the focal firm, SMB row ``i`` (just added, with its Mesa
    agent), which follows strategy ``strategy_id``. The caller runs the strategy's ``setup``."""
    cfg = model.config
    focal = cfg.focal
    smbs, platforms, ledger = model.smbs, model.platforms, model.ledger
    smbs.sector[i] = focal.sector
    smbs.capability[i] = [float(focal.capabilities.get(name, 0.5)) for name in CAPABILITIES]
    smbs.automation[i] = focal.automation
    smbs.birth_step[i] = -focal.age
    smbs.base_absorptive[i] = cfg.smb.base_absorptive_capacity
    smbs.strategy_id[i] = strategy_id
    quality = float(smbs.quality(slice(i, i + 1))[0])
    direct = float(smbs.direct_weight(cfg.smb.direct_reach, slice(i, i + 1))[0])

    platform_rows = [a for a in focal.alliances if a.counterpart == "platform"]
    partner_rows = [a for a in focal.alliances if a.counterpart != "platform"]
    reach = platforms.channel_weight() if platforms.n else np.zeros(0)
    platform_weight = sum(float(reach[max(a.index, 0)]) for a in platform_rows)
    sold = sum(a.share for a in partner_rows)
    total = (direct + platform_weight) / (1.0 - sold)
    captured = float(value.captured_share(np.array([total]))[0])
    revenue = focal.revenue
    smbs.potential[i] = revenue / (quality * captured)
    smbs.market_size[i] = smbs.potential[i] * quality
    smbs.channel_weight[i] = total
    smbs.revenue[i] = revenue
    smbs.fixed_cost[i] = focal.fixed_cost * revenue
    smbs.cash[i] = focal.cash_months * smbs.fixed_cost[i]
    margin = 1.0 - float(value.variable_cost_rate(cfg.smb, smbs.automation[i : i + 1])[0])

    a_cfg = cfg.alliance
    for alliance in platform_rows:
        p = max(alliance.index, 0)
        channel = revenue * float(reach[p]) / total
        flow = channel * (margin - platforms.fee[p])
        sharing = a_cfg.information_sharing
        ids = ledger.add(
            smb=np.array([i]),
            smb_uid=smbs.uid[i],
            kind=PLATFORM_KIND,
            counterpart=p,
            counterpart_uid=platforms.uid[p],
            type=PLATFORM_MEMBERSHIP,
            form=CONTRACTUAL,
            phase=COMMITTED,
            share=platforms.fee[p],
            exclusive=alliance.exclusive,
            info_sharing=sharing,
            review_interval=a_cfg.review_interval,
            next_review=_next_review(alliance.tenure, a_cfg.review_interval),
            formed_step=-alliance.tenure,
            trust=_trust(a_cfg, alliance.tenure),
            expected_value=flow,
            value_ema=flow,
            revenue=channel,
            data_held=1.0 - (1.0 - platforms.data_capture[p] * sharing) ** alliance.tenure,
        )
        platforms.members[p] += 1
        model.events.record(model.steps, "formed", ids, "focal")

    for alliance in partner_rows:
        key = f"focal.alliances[{focal.alliances.index(alliance)}]"
        role_code = next(code for code, role in enumerate(ROLES) if role.name == alliance.counterpart)
        role = ROLES[role_code]
        slot = _partner_slot(model, role_code, alliance.index, key)
        share = 0.5 * (a_cfg.share_min + a_cfg.share_max)
        premium = 1.0 + a_cfg.exclusivity_premium * alliance.exclusive
        channel = revenue * alliance.share
        flow = channel * (margin - share)
        ids = ledger.add(
            smb=np.array([i]),
            smb_uid=smbs.uid[i],
            kind=role_code,
            counterpart=slot,
            counterpart_uid=model.partners.uid[slot],
            type=ALLIANCE_TYPES.index(role.alliance_type),
            form=CONTRACTUAL,
            phase=COMMITTED,
            share=share,
            exclusive=alliance.exclusive,
            exit_cost=a_cfg.exit_months * max(flow, 0.0),
            info_sharing=a_cfg.information_sharing,
            review_interval=a_cfg.review_interval,
            next_review=_next_review(alliance.tenure, a_cfg.review_interval),
            formed_step=-alliance.tenure,
            base_weight=alliance.share * total / premium,
            complementarity=float(
                value.complementarity(model.partners.capability[slot : slot + 1], smbs.capability[i : i + 1])[0]
            ),
            smb_edge=float(value.capability_edge(smbs.capability[i], model.partners.capability[slot])),
            trust=_trust(a_cfg, alliance.tenure),
            expected_value=flow,
            value_ema=flow,
            revenue=channel,
        )
        model.events.record(model.steps, "formed", ids, "focal")


def _next_review(tenure: int, interval: int) -> int:
    """The first review after step 0 on an alliance's calendar (every ``interval`` months from its formation)."""
    interval = max(interval, 1)
    return -tenure + (tenure // interval + 1) * interval


def _trust(config: AllianceConfig, tenure: int) -> float:
    """Trust after ``tenure`` months in which the alliance met expectations."""
    start = config.initial_trust
    return 1.0 - (1.0 - start) * (1.0 - config.trust_growth) ** tenure


def _partner_slot(model: EcosystemModel, role_code: int, index: int, key: str) -> int:
    """The partner slot of an alliance: ``index`` (which must hold a partner of the role), or the
    partner of the role that is strongest in the role's strengths."""
    partners = model.partners
    if index >= 0:
        if partners.role[index] != role_code:
            raise ConfigError(
                f"{key}.index",
                f"partner {index} is a {ROLES[partners.role[index]].name}, not a {ROLES[role_code].name}",
            )
        return index
    slots = np.flatnonzero(partners.alive & (partners.role == role_code))
    if len(slots) == 0:
        raise ConfigError(f"{key}.counterpart", f"the ecosystem has no {ROLES[role_code].name} partner")
    dims = [CAPABILITIES.index(d) for d in ROLES[role_code].strengths]
    strength = partners.capability[slots][:, dims].mean(axis=1)
    return int(slots[np.argmax(strength)])
