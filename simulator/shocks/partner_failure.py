"""A partner failure: some or all partners fail or exit at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.config import ModelConfig
from simulator.core.roles import PARTNER_ROLES
from simulator.errors import ConfigError
from simulator.rules.failure import fail_partner_slots
from simulator.shocks.base import Shock, register

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


@register
class PartnerFailure(Shock):
    """A share ``share`` of the targeted partners fail at once; with ``partner.replace_failed``
    entrants take their slots after ``duration`` steps (at once if 0)."""

    kind = "partner_failure"
    targets = "'all', 'largest' (most alliances), 'random' (one partner) or 'role:<role>'"

    def check(self, config: ModelConfig) -> None:
        target = self.config.target
        if config.n_partners == 0:
            raise ConfigError(f"shocks[{self.index}].kind", "partner_failure needs partners (n_partners=0)")
        if target in ("all", "largest", "random"):
            return
        if not (target.startswith("role:") and target[5:] in PARTNER_ROLES):
            raise self._error(f"must be {self.targets} with a role among {', '.join(PARTNER_ROLES)}, got {target!r}")

    def start(self, model: EcosystemModel) -> str:
        partners = model.partners
        alive = np.flatnonzero(partners.alive)
        target = self.config.target
        if target == "largest":
            load = model.ledger.partner_load()
            candidates = alive[[int(np.argmax(load[alive]))]] if len(alive) else alive
        elif target == "random":
            candidates = model.shock_rng.choice(alive, size=min(1, len(alive)), replace=False)
        elif target.startswith("role:"):
            candidates = alive[partners.role[alive] == PARTNER_ROLES.index(target[5:])]
        else:
            candidates = alive
        if target in ("largest", "random"):
            chosen = candidates
        else:
            chosen = candidates[model.shock_rng.random(len(candidates)) < self.config.share]
        fail_partner_slots(model, chosen, "shock", return_step=self.stop_step)
        return f"{len(chosen)} partners failed ({target})"
