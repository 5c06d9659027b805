"""Scheduled shocks: partner failure, platform fee hike, policy change, delisting and outage,
demand shocks and credit squeezes.

A shock has a kind, a start step, a duration (0: permanent), a size and a target. It acts
through the same state the mechanisms already read (platform fees and reach, the market's
sector factors, support services' credit factor, partner slots), so a new kind is one small
class here. Targets are drawn with the run's own shock stream (a child of the run's
SeedSequence), so a run and its no-shock twin draw identical numbers until the first shock.
Every start and end is a ``shock`` event in the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from simulator.config import PARTNER_ROLES, ModelConfig, ShockConfig
from simulator.core.vocabulary import PLATFORM_KIND
from simulator.errors import ConfigError
from simulator.rules.platforms import reprice_members
from simulator.rules.review import dissolve

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


class Shock:
    """Base class: one scheduled shock. Subclasses set ``kind`` and implement start/stop."""

    kind: ClassVar[str] = ""
    targets: ClassVar[str] = ""
    """What ``target`` may name, for error messages."""

    def __init__(self, config: ShockConfig, index: int) -> None:
        self.config = config
        self.index = index

    @property
    def stop_step(self) -> int | None:
        """Step at which the shock's effect is undone (None: permanent)."""
        return self.config.start + self.config.duration if self.config.duration > 0 else None

    def check(self, config: ModelConfig) -> None:
        """Raise :class:`ConfigError` if the target does not fit the configured ecosystem."""

    def start(self, model: EcosystemModel) -> str:
        """Apply the shock; return a description of what it hit for the event log."""
        raise NotImplementedError

    def stop(self, model: EcosystemModel) -> None:
        """Undo the shock's effect (not called for permanent shocks)."""

    def _error(self, message: str) -> ConfigError:
        return ConfigError(f"shocks[{self.index}].target", message)


class _PlatformShock(Shock):
    targets = "'all', 'largest' (most members) or a platform index"

    def check(self, config: ModelConfig) -> None:
        target = self.config.target
        n = config.n_platforms
        if n == 0:
            raise ConfigError(f"shocks[{self.index}].kind", f"{self.kind} needs at least one platform (n_platforms=0)")
        if target in ("all", "largest"):
            return
        if not target.isdigit() or int(target) >= n:
            raise self._error(f"must be {self.targets} below {n}, got {target!r}")

    def platforms_hit(self, model: EcosystemModel) -> np.ndarray:
        target = self.config.target
        if target == "all":
            return np.arange(model.platforms.n)
        if target == "largest":
            return np.array([int(np.argmax(model.platforms.members))])
        return np.array([int(target)])


class PlatformFeeHike(_PlatformShock):
    """The platform raises its commission by ``size`` (absolute, capped at 1) for all members."""

    kind = "platform_fee_hike"

    def start(self, model: EcosystemModel) -> str:
        self.hit = self.platforms_hit(model)
        before = model.platforms.fee[self.hit].copy()
        model.platforms.fee[self.hit] = np.minimum(before + self.config.size, 1.0)
        self.raised = model.platforms.fee[self.hit] - before
        reprice_members(model, _members_of(model, self.hit), "platform_fee_hike")
        return f"platforms {self.hit.tolist()} fee +{self.config.size:g}"

    def stop(self, model: EcosystemModel) -> None:
        # take back this shock's increase only, never below zero (governance may have moved the fee)
        model.platforms.fee[self.hit] = np.maximum(model.platforms.fee[self.hit] - self.raised, 0.0)
        reprice_members(model, _members_of(model, self.hit), "platform_fee_restored")


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


class PlatformOutage(_PlatformShock):
    """The platform is down: it sells nothing for ``duration`` steps (``size`` is ignored)."""

    kind = "platform_outage"

    def start(self, model: EcosystemModel) -> str:
        self.hit = self.platforms_hit(model)
        model.platforms.shock_down[self.hit] = True
        return f"platforms {self.hit.tolist()} down"

    def stop(self, model: EcosystemModel) -> None:
        model.platforms.shock_down[self.hit] = False


class PlatformDelisting(_PlatformShock):
    """The platform delists a share ``share`` of its members; they may not rejoin it for
    ``duration`` steps (ever, if permanent)."""

    kind = "platform_delisting"

    def start(self, model: EcosystemModel) -> str:
        hit = self.platforms_hit(model)
        ledger = model.ledger
        ids = ledger.active_ids
        members = ids[(ledger.kind[ids] == PLATFORM_KIND) & np.isin(ledger.counterpart[ids], hit)]
        chosen = members[model.shock_rng.random(len(members)) < self.config.share]
        until = np.iinfo(np.int64).max if self.stop_step is None else self.stop_step
        model.platforms.barred_until[ledger.smb[chosen], ledger.counterpart[chosen]] = until
        dissolve(model, chosen, "delisted", pay_exit_cost=False)
        return f"platforms {hit.tolist()} delisted {len(chosen)} members"


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
            load = model.partner_load()
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
        model.fail_partner_slots(chosen, "shock", return_step=self.stop_step)
        return f"{len(chosen)} partners failed ({target})"


class DemandShock(Shock):
    """Demand falls by ``size`` (0.3 = 30% less) in the targeted sectors for ``duration`` steps."""

    kind = "demand_shock"
    targets = "'all' or 'sector:<index>'"

    def check(self, config: ModelConfig) -> None:
        target = self.config.target
        if target == "all":
            return
        n = config.market.n_sectors
        if not (target.startswith("sector:") and target[7:].isdigit() and int(target[7:]) < n):
            raise self._error(f"must be {self.targets} below {n}, got {target!r}")

    def _sectors(self, model: EcosystemModel) -> np.ndarray:
        if self.config.target == "all":
            return np.arange(model.config.market.n_sectors)
        return np.array([int(self.config.target[7:])])

    def start(self, model: EcosystemModel) -> str:
        self.factor = max(1.0 - self.config.size, 0.0)
        model.market.shock_factor[self._sectors(model)] *= self.factor
        return f"demand x{self.factor:g} in sectors {self._sectors(model).tolist()}"

    def stop(self, model: EcosystemModel) -> None:
        if self.factor > 0:
            model.market.shock_factor[self._sectors(model)] /= self.factor
        else:
            model.market.shock_factor[self._sectors(model)] = 1.0


class CreditSqueeze(Shock):
    """Support services cut credit lines by ``size`` (0.5 = half) for ``duration`` steps."""

    kind = "credit_squeeze"
    targets = "'all'"

    def check(self, config: ModelConfig) -> None:
        if self.config.target != "all":
            raise self._error(f"must be {self.targets}, got {self.config.target!r}")

    def start(self, model: EcosystemModel) -> str:
        self.factor = max(1.0 - self.config.size, 0.0)
        model.partners.credit_factor *= self.factor
        return f"credit lines x{self.factor:g}"

    def stop(self, model: EcosystemModel) -> None:
        model.partners.credit_factor = model.partners.credit_factor / self.factor if self.factor > 0 else 1.0


SHOCKS: dict[str, type[Shock]] = {
    cls.kind: cls
    for cls in (
        PartnerFailure,
        PlatformFeeHike,
        PlatformPolicyChange,
        PlatformDelisting,
        PlatformOutage,
        DemandShock,
        CreditSqueeze,
    )
}
"""Shock classes by kind."""


@dataclass
class ShockSchedule:
    """The shocks of a run, started and stopped at their steps.

    Parameters
    ----------
    shocks
        The scheduled shocks.
    """

    shocks: list[Shock]

    @classmethod
    def build(cls, config: ModelConfig) -> ShockSchedule:
        """Build and check the schedule from ``config.shocks``.

        Raises
        ------
        ConfigError
            For an unknown kind, a start outside the run or a target that does not fit.
        """
        shocks = []
        for i, shock_config in enumerate(config.shocks):
            if shock_config.kind not in SHOCKS:
                raise ConfigError(
                    f"shocks[{i}].kind", f"unknown shock {shock_config.kind!r}; allowed: {', '.join(SHOCKS)}"
                )
            if shock_config.start > config.steps:
                raise ConfigError(
                    f"shocks[{i}].start", f"must be in [1, steps={config.steps}], got {shock_config.start}"
                )
            shock = SHOCKS[shock_config.kind](shock_config, i)
            shock.check(config)
            shocks.append(shock)
        return cls(shocks)

    @property
    def first_start(self) -> int | None:
        """Step at which the first shock starts (None without shocks)."""
        return min((s.config.start for s in self.shocks), default=None)

    def advance(self, model: EcosystemModel) -> None:
        """Stop shocks that end and start shocks that begin at this step, logging each."""
        step = model.steps
        for shock in self.shocks:
            if shock.stop_step == step:
                shock.stop(model)
                model.events.record_shock(step, shock.kind, "ended")
        for shock in self.shocks:
            if shock.config.start == step:
                detail = shock.start(model)
                model.events.record_shock(step, shock.kind, detail)

    def active(self, step: int) -> int:
        """Number of shocks in effect at ``step``."""
        return sum(1 for s in self.shocks if s.config.start <= step and (s.stop_step is None or step < s.stop_step))


def _members_of(model: EcosystemModel, platforms_hit: np.ndarray) -> np.ndarray:
    """Active memberships of the given platforms."""
    ledger = model.ledger
    ids = ledger.active_ids
    return ids[(ledger.kind[ids] == PLATFORM_KIND) & np.isin(ledger.counterpart[ids], platforms_hit)]
