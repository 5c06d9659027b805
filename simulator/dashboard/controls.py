"""The dashboard's parameter sliders: which parameters, their labels, units, ranges and steps.

Meaning, type and declared range come from the schema (:func:`simulator.config.parameters.parameter`);
this table only adds what a slider needs besides: a short label, the unit, the step and the
ends where the declared range is unbounded (or far wider than a class needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import Any

from simulator.config import ModelConfig
from simulator.config.parameters import parameter


@dataclass(frozen=True)
class Lever:
    """A slider for one parameter of :class:`ModelConfig`.

    Parameters
    ----------
    key
        Dotted key of the parameter.
    label
        Short label on the slider.
    unit
        Unit shown after the value ("" for a plain number).
    step
        Slider step.
    low, high
        Slider ends; the declared bounds where None.
    """

    key: str
    label: str
    unit: str
    step: float
    low: float | None = None
    high: float | None = None

    @property
    def doc(self) -> str:
        """The parameter's meaning, as the schema declares it."""
        return parameter(self.key).doc

    @property
    def integer(self) -> bool:
        """Whether the parameter takes whole numbers."""
        return parameter(self.key).type_name == "int"

    @property
    def bounds(self) -> tuple[float, float]:
        """The slider's ends."""
        declared = parameter(self.key)
        low = declared.low if self.low is None else self.low
        high = declared.high if self.high is None else self.high
        if low is None or high is None:
            raise ValueError(f"{self.key} has no declared bound on one side; give the slider's end")
        return low, high

    def value_in(self, config: ModelConfig) -> Any:
        """The parameter's value in a configuration."""
        return reduce(getattr, self.key.split("."), config)

    def text(self, value: float) -> str:
        """The value with its unit, e.g. ``0.15 (share of sales)`` or ``300 SMBs``."""
        shown = f"{int(value)}" if self.integer else f"{value:g}"
        return f"{shown} {self.unit}" if self.unit else shown

    def override(self, value: float) -> str:
        """The Hydra override that sets the value (``platform.fee=0.2``)."""
        return f"{self.key}={int(value) if self.integer else float(value)!r}"


LEVERS: tuple[Lever, ...] = (
    Lever("n_smbs", "SMBs at the start", "SMBs", 10, low=10, high=2000),
    Lever("n_partners", "Partner firms", "firms", 1, high=300),
    Lever("n_platforms", "Platforms", "platforms", 1, high=4),
    Lever("platform.fee", "Platform fee", "(share of sales through the platform)", 0.01),
    Lever("platform.network_effect", "Network effect", "(reach added per participant share)", 0.1, high=4.0),
    # declared [0, 1]; beyond 0.1 per step alliances last under ten months, so the slider stops there
    Lever("alliance.base_hazard", "Alliance dissolution hazard", "(probability per month)", 0.001, high=0.1),
    Lever("steps", "Run length", "months", 12, low=12, high=240),
    Lever("seed", "Seed", "", 1, high=999),
)
"""The sidebar's sliders, in order."""

LEVER = {lever.key: lever for lever in LEVERS}


def overrides_for(values: dict[str, float], config: ModelConfig) -> tuple[str, ...]:
    """Hydra overrides for the slider values that differ from a scenario's configuration."""
    return tuple(LEVER[key].override(v) for key, v in values.items() if v != LEVER[key].value_in(config))


def values_of(config: ModelConfig) -> dict[str, float]:
    """Every slider's value in a configuration."""
    return {lever.key: lever.value_in(config) for lever in LEVERS}
