"""A demand shock: demand falls in some or all sectors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.config import ModelConfig
from simulator.shocks.base import Shock, parse_index, register

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


@register
class DemandShock(Shock):
    """Demand falls by ``size`` (0.3 = 30% less) in the targeted sectors for ``duration`` steps."""

    kind = "demand_shock"
    targets = "'all' or 'sector:<index>'"

    def check(self, config: ModelConfig) -> None:
        target = self.config.target
        if target == "all":
            return
        n = config.market.n_sectors
        sector = parse_index(target.removeprefix("sector:")) if target.startswith("sector:") else None
        if sector is None or sector >= n:
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
