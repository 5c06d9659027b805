"""Shocks a platform deals its members: fee hike, policy change (lost reach), outage, delisting."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.config import ModelConfig
from simulator.errors import ConfigError
from simulator.rules.platforms import memberships, reprice_memberships
from simulator.rules.review import dissolve
from simulator.shocks.base import Shock, parse_index, register

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


class _PlatformShock(Shock):
    targets = "'all', 'largest' (most members) or a platform index"

    def check(self, config: ModelConfig) -> None:
        target = self.config.target
        n = config.n_platforms
        if n == 0:
            raise ConfigError(f"shocks[{self.index}].kind", f"{self.kind} needs at least one platform (n_platforms=0)")
        if target in ("all", "largest"):
            return
        index = parse_index(target)
        if index is None or index >= n:
            raise self._error(f"must be {self.targets} below {n}, got {target!r}")

    def platforms_hit(self, model: EcosystemModel) -> np.ndarray:
        target = self.config.target
        if target == "all":
            return np.arange(model.platforms.n)
        if target == "largest":
            return np.array([int(np.argmax(model.platforms.members))])
        return np.array([int(target)])


@register
class PlatformFeeHike(_PlatformShock):
    """The platform raises its commission by ``size`` (absolute, capped at 1) for all members."""

    kind = "platform_fee_hike"

    def start(self, model: EcosystemModel) -> str:
        self.hit = self.platforms_hit(model)
        before = model.platforms.fee[self.hit].copy()
        model.platforms.fee[self.hit] = np.minimum(before + self.config.size, 1.0)
        self.raised = model.platforms.fee[self.hit] - before
        reprice_memberships(model, memberships(model, self.hit), "platform_fee_hike")
        return f"platforms {self.hit.tolist()} fee +{self.config.size:g}"

    def stop(self, model: EcosystemModel) -> None:
        # take back this shock's increase only, never below zero (governance may have moved the fee)
        model.platforms.fee[self.hit] = np.maximum(model.platforms.fee[self.hit] - self.raised, 0.0)
        reprice_memberships(model, memberships(model, self.hit), "platform_fee_restored")


@register
class PlatformPolicyChange(_PlatformShock):
    """The platform changes its rules (e.g. ranking) so that it reaches ``size`` less of each
    member's customers: its reach falls to ``(1 - size)``."""

    kind = "platform_policy_change"

    def start(self, model: EcosystemModel) -> str:
        self.hit = self.platforms_hit(model)
        self.factor = max(1.0 - self.config.size, 0.0)
        self.before = model.platforms.reach[self.hit].copy()
        model.platforms.reach[self.hit] *= self.factor
        return f"platforms {self.hit.tolist()} reach x{self.factor:g}"

    def stop(self, model: EcosystemModel) -> None:
        # undo this shock's factor only, so overlapping shocks keep theirs
        if self.factor > 0:
            model.platforms.reach[self.hit] /= self.factor
        else:
            model.platforms.reach[self.hit] = self.before


@register
class PlatformOutage(_PlatformShock):
    """The platform is down: it sells nothing for ``duration`` steps (``size`` is ignored)."""

    kind = "platform_outage"

    def start(self, model: EcosystemModel) -> str:
        self.hit = self.platforms_hit(model)
        model.platforms.shock_down[self.hit] = True
        return f"platforms {self.hit.tolist()} down"

    def stop(self, model: EcosystemModel) -> None:
        model.platforms.shock_down[self.hit] = False


@register
class PlatformDelisting(_PlatformShock):
    """The platform delists a share ``share`` of its members; they may not rejoin it for
    ``duration`` steps (ever, if permanent)."""

    kind = "platform_delisting"

    def start(self, model: EcosystemModel) -> str:
        hit = self.platforms_hit(model)
        ledger = model.ledger
        members = memberships(model, hit)
        chosen = members[model.shock_rng.random(len(members)) < self.config.share]
        until = np.iinfo(np.int64).max if self.stop_step is None else self.stop_step
        model.platforms.barred_until[ledger.smb[chosen], ledger.counterpart[chosen]] = until
        dissolve(model, chosen, "delisted", pay_exit_cost=False)
        return f"platforms {hit.tolist()} delisted {len(chosen)} members"
