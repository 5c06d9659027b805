"""A credit squeeze: support services cut the credit lines they extend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.config import ModelConfig
from simulator.shocks.base import Shock, register

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


@register
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
