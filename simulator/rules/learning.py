"""What firms and relationships learn each step: knowledge, automation and trust.

- Knowledge transfer runs both ways in every partner alliance (the learning race): the SMB
  absorbs ``learning_rate x info_sharing x absorptive capacity x gap`` of each capability the
  partner is better at, and the partner absorbs from the SMB at ``partner.absorptive_capacity``.
  Innovation alliances transfer ``alliance.innovation_learning_factor`` times as much; pilots
  transfer at pilot scope.
- Automation rises toward the best vendor's technology level while a technology alliance is
  active, and decays without one at ``alliance.automation_decay`` of the adoption rate (the
  vendor dependence of automation).
- Imitation under rivalry (``alliance.imitation_rivalry`` > 0): what partners learn of an SMB's
  capability edge adds up in its imitated edge, which erodes its direct channel (ODD 7.29).
- Trust grows when an alliance delivers at least what was expected and decays otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.core.grouped import rows_at
from simulator.core.population import TECHNOLOGY_DIM
from simulator.core.roles import DELIVERS_AUTOMATION
from simulator.core.rowwise import last_axis_sum
from simulator.core.vocabulary import INNOVATION, PLATFORM_KIND
from simulator.rules import value
from simulator.rules.review import expected_now

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


def transfer_knowledge(model: EcosystemModel) -> None:
    """Move knowledge across every active partner alliance, both ways."""
    cfg = model.config.alliance
    smbs, partners, ledger = model.smbs, model.partners, model.ledger
    ids = ledger.active_ids
    partner_ids = ids[ledger.kind[ids] != PLATFORM_KIND]
    if len(partner_ids) == 0:
        return
    smb_idx = ledger.smb[partner_ids]
    counterpart = ledger.counterpart[partner_ids]
    intensity = cfg.learning_rate * ledger.info_sharing[partner_ids] * value.scope(cfg, ledger.phase[partner_ids])
    intensity *= np.where(ledger.type[partner_ids] == INNOVATION, cfg.innovation_learning_factor, 1.0)
    intensity *= 1.0 + cfg.equity_learning_bonus * ledger.equity_stake[partner_ids]

    smb_cap = np.take(smbs.capability, smb_idx, axis=0)  # rows; take is faster than [] for these
    partner_cap = np.take(partners.capability, counterpart, axis=0)
    absorb = smbs.absorptive_capacity()[smb_idx]
    # each side learns its gap where the other is ahead, ``rate x max(0, other - own)``; computed in
    # place (the (alliances x dimensions) temporaries dominate the cost at 100,000 SMBs)
    inflow = partner_cap - smb_cap
    np.maximum(inflow, 0.0, out=inflow)
    inflow *= (intensity * absorb)[:, None]
    outflow = np.subtract(smb_cap, partner_cap, out=partner_cap)  # the partner's copy is not needed again
    np.maximum(outflow, 0.0, out=outflow)
    outflow *= (intensity * model.config.partner.absorptive_capacity)[:, None]

    rows_at(np.add, smbs.capability, smb_idx, inflow)
    rows_at(np.add, partners.capability, counterpart, outflow)
    np.clip(smbs.capability, 0.0, 1.0, out=smbs.capability)
    np.clip(partners.capability, 0.0, 1.0, out=partners.capability)
    gained = last_axis_sum(inflow)
    smbs.knowledge += np.bincount(smb_idx, weights=gained, minlength=smbs.n)
    ledger.knowledge_gained[partner_ids] += gained
    leaked = last_axis_sum(outflow)
    if cfg.imitation_rivalry > 0:
        _record_imitation(model, partner_ids, smb_idx, leaked)
    ledger.knowledge_leaked[partner_ids] += leaked


def _record_imitation(model: EcosystemModel, ids: np.ndarray, smb_idx: np.ndarray, leaked: np.ndarray) -> None:
    """Add what partners learned of each SMB's edge this step to its imitated edge (ODD 7.29).

    The rise of each alliance's appropriation (:func:`simulator.rules.value.appropriation`) from
    ``leaked`` more knowledge is summed per SMB, ended alliances' past rises staying in the sum,
    which is capped at 1 (the whole edge imitated).
    """
    ledger, smbs = model.ledger, model.smbs
    before = ledger.knowledge_leaked[ids]
    edge = ledger.smb_edge[ids]
    rise = value.appropriation(before + leaked, edge) - value.appropriation(before, edge)
    smbs.imitated += np.bincount(smb_idx, weights=rise, minlength=smbs.n)
    np.minimum(smbs.imitated, 1.0, out=smbs.imitated)


def adopt_automation(model: EcosystemModel) -> None:
    """Raise automation toward the vendors' level, or let it decay without a vendor."""
    cfg = model.config.alliance
    rate = cfg.adoption_rate
    smbs, ledger = model.smbs, model.ledger
    ids = ledger.active_ids
    vendor_ids = ids[DELIVERS_AUTOMATION[ledger.kind[ids]]]
    level = model.partners.capability[ledger.counterpart[vendor_ids], TECHNOLOGY_DIM]
    target = ledger.max_by_smb(vendor_ids, level, smbs.n)
    has_vendor = np.bincount(ledger.smb[vendor_ids], minlength=smbs.n) > 0
    rising = has_vendor & (target > smbs.automation)
    # updated in place where the mask holds (selecting by a mask over every SMB cost more)
    np.add(smbs.automation, rate * (target - smbs.automation), out=smbs.automation, where=rising)
    # without a vendor automation decays; interoperable (modular) systems keep more of it
    decay = cfg.automation_decay * rate * smbs.switching_factor
    np.multiply(smbs.automation, 1.0 - decay, out=smbs.automation, where=~has_vendor)


def update_trust(model: EcosystemModel) -> None:
    """Grow trust where this step's value met expectations, decay it where it did not."""
    cfg = model.config.alliance
    ledger = model.ledger
    ids = ledger.active_ids
    met = ledger.value_to_smb[ids] >= expected_now(model, ids)
    trust = ledger.trust[ids]
    ledger.trust[ids] = np.where(met, trust + cfg.trust_growth * (1.0 - trust), trust * (1.0 - cfg.trust_decay))
