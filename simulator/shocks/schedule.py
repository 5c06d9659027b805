"""The shocks of a run, started and stopped at their steps.

Targets are drawn with the run's own shock stream (a child of the run's SeedSequence), so a run
and its no-shock twin draw identical numbers until the first shock. Every start and end is a
``shock`` event in the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.config import ModelConfig
from simulator.errors import ConfigError
from simulator.shocks.base import SHOCKS, Shock

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


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
