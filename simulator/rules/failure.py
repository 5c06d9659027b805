"""Firm failure: partners that fail or exit, SMBs that run out of cash.

- Each partner fails with probability ``partner.failure_hazard`` per step. Its alliances end
  (event ``partner_failed``, reason ``partner_exit``) and, with ``partner.replace_failed``, a new
  firm of the same role takes its slot with a fresh id.
- An SMB whose cash plus credit lines stays below zero for more than ``smb.grace_steps``
  consecutive steps fails (cash flow is the top SMB challenge in the sources). Its alliances
  end (event ``smb_failed``, reason ``cash_flow``) and its agent leaves the model
  (:func:`close_smbs`, which the exogenous exits of :mod:`simulator.rules.demography` share).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.core.sets import among
from simulator.core.vocabulary import CASH_FLOW_EXIT, EXIT_CAUSES, PLATFORM_KIND
from simulator.rules.review import end_alliances

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


def fail_partners(model: EcosystemModel) -> np.ndarray:
    """Refill slots whose entrants arrive now, then draw this step's partner failures.

    Returns the failed slots.
    """
    partners = model.partners
    arriving = np.flatnonzero(~partners.alive & (partners.return_step == model.steps))
    if len(arriving):
        model.refill_partners(arriving)
    hazard = model.config.partner.failure_hazard
    if partners.n == 0 or hazard <= 0:
        return np.zeros(0, dtype=np.int64)
    failed = np.flatnonzero(partners.alive & (model.rng.random(partners.n) < hazard))
    fail_partner_slots(model, failed, "partner_exit")
    return failed


def fail_partner_slots(model: EcosystemModel, slots: np.ndarray, reason: str, return_step: int | None = None) -> None:
    """End the partners in ``slots``: their alliances end (event ``partner_failed``) and their
    agents leave. With ``partner.replace_failed`` an entrant takes each slot at ``return_step``
    (at once when None); otherwise the slots stay empty."""
    if len(slots) == 0:
        return
    ledger = model.ledger
    ids = ledger.active_ids
    partner_ids = ids[ledger.kind[ids] != PLATFORM_KIND]
    hit = partner_ids[among(ledger.counterpart[partner_ids], slots, model.partners.n)]
    model.events.record(model.steps, "partner_failed", hit, reason)
    end_alliances(model, hit, reason)
    model.remove_partners(slots)
    if model.config.partner.replace_failed:
        if return_step is None:
            model.refill_partners(slots)
        else:
            model.partners.return_step[slots] = return_step


def fail_smbs(model: EcosystemModel) -> np.ndarray:
    """Fail SMBs that stayed below their liquidity floor too long; return their indices."""
    smbs = model.smbs
    below = smbs.alive & (smbs.cash + smbs.credit_line < 0)
    smbs.below_floor_steps = np.where(below, smbs.below_floor_steps + 1, 0)
    failed = np.flatnonzero(smbs.alive & (smbs.below_floor_steps > model.config.smb.grace_steps))
    close_smbs(model, failed, CASH_FLOW_EXIT)
    return failed


def close_smbs(model: EcosystemModel, indices: np.ndarray, cause: int) -> None:
    """Take SMBs ``indices`` out of the ecosystem for ``cause`` (a code of ``EXIT_CAUSES``).

    They are marked exited at this step, their alliances end (event ``smb_failed`` with the
    cause's name as reason, no exit cost) and their agents leave the model; their rows stay.
    """
    if len(indices) == 0:
        return
    smbs = model.smbs
    smbs.alive[indices] = False
    smbs.failed_step[indices] = model.steps
    smbs.exit_cause[indices] = cause
    reason = EXIT_CAUSES[cause]
    ledger = model.ledger
    ids = ledger.active_ids
    hit = ids[among(ledger.smb[ids], indices, smbs.n)]
    model.events.record(model.steps, "smb_failed", hit, reason)
    end_alliances(model, hit, reason)
    model.remove_smbs(indices)
