"""One student's dashboard state: a scenario's baseline run and an optional what-if run, stepped together.

Nothing here knows about the browser: the Solara page (:mod:`simulator.dashboard.app`) keeps one
:class:`Session` per browser session and calls its methods; the tests call them directly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from simulator.config import ModelConfig, ShockConfig
from simulator.dashboard.scenarios import CONFIG_DIR, scenario_config
from simulator.errors import one_line
from simulator.model import EcosystemModel
from simulator.shocks import SHOCKS

BASELINE, WHAT_IF = "A", "B"
"""The names of the two runs of a comparison."""

STRATEGY_PRESETS = tuple(sorted(p.stem for p in (CONFIG_DIR / "strategy").glob("*.yaml")))
SHOCK_PRESETS = tuple(sorted(p.stem for p in (CONFIG_DIR / "shock").glob("*.yaml")))

WHAT_IF_LEVERS: dict[str, str] = {
    "strategy": "strategy (a preset of configs/strategy/)",
    "platform.fee": "platform fee",
    "platform.network_effect": "network effect",
    "shock": "shock (a preset of configs/shock/)",
}
"""The levers the what-if panel may change, one at a time, for run B."""

SHOCK_BUTTONS: dict[str, dict[str, object]] = {
    "demand drop (30%, 12 steps)": {"kind": "demand_shock", "size": 0.3, "duration": 12},
    "largest platform outage (3 steps)": {"kind": "platform_outage", "size": 1.0, "duration": 3, "target": "largest"},
    "fee hike on largest platform (+10 points)": {
        "kind": "platform_fee_hike",
        "size": 0.1,
        "duration": 0,
        "target": "largest",
    },
    "best-connected partner fails": {"kind": "partner_failure", "size": 1.0, "duration": 12, "target": "largest"},
}
"""Shocks a button triggers at the next step, in every run of the comparison."""


@dataclass(frozen=True)
class Settings:
    """What a comparison is built from.

    Parameters
    ----------
    scenario
        A preset of ``configs/scenario/``.
    overrides
        Hydra overrides on top of it (``n_smbs=500``), as ``ecosim`` takes them.
    lever, value
        The what-if: one lever of :data:`WHAT_IF_LEVERS` and its value for run B; no run B when
        ``lever`` is empty.
    """

    scenario: str = "default"
    overrides: tuple[str, ...] = ()
    lever: str = ""
    value: str = ""

    def what_if_override(self) -> str:
        """The Hydra override that makes run B (``platform.fee=0.3``, ``shock=none``)."""
        if self.lever not in WHAT_IF_LEVERS:
            raise ValueError(f"what-if lever must be one of {', '.join(WHAT_IF_LEVERS)}, got {self.lever!r}")
        return f"{self.lever}={self.value}"

    def what_if_label(self) -> str:
        """Run B's legend name, e.g. ``B: platform fee = 0.3``."""
        name = WHAT_IF_LEVERS[self.lever].split(" (")[0]
        return f"{WHAT_IF}: {name} = {self.value}"


def build(settings: Settings) -> dict[str, EcosystemModel]:
    """The comparison's models, run name -> model (not yet stepped), with the same seed.

    Raises
    ------
    Exception
        A :class:`~simulator.errors.ConfigError` naming the key for a refused value, or Hydra's
        error for an override that does not compose.
    """
    baseline = copy.deepcopy(scenario_config(settings.scenario, settings.overrides))
    models = {BASELINE: EcosystemModel(baseline)}
    if settings.lever:
        variant = copy.deepcopy(scenario_config(settings.scenario, (*settings.overrides, settings.what_if_override())))
        variant.seed = baseline.seed  # same seed: the difference is the lever's
        models[WHAT_IF] = EcosystemModel(variant)
    return models


@dataclass
class Session:
    """One browser session's comparison: the applied settings, their runs and the last refusal.

    A refused :meth:`apply` keeps the runs there are and records the reason in ``error``.
    """

    settings: Settings = field(default_factory=Settings)
    models: dict[str, EcosystemModel] = field(default_factory=dict)
    error: str | None = None

    def __post_init__(self) -> None:
        if not self.models:
            self.models = build(self.settings)

    @property
    def baseline(self) -> EcosystemModel:
        """Run A."""
        return self.models[BASELINE]

    @property
    def config(self) -> ModelConfig:
        """Run A's configuration."""
        return self.baseline.config

    @property
    def steps(self) -> int:
        """Steps taken (all runs advance together)."""
        return self.baseline.steps

    @property
    def finished(self) -> bool:
        """Whether the run has reached its configured length."""
        return self.steps >= self.config.steps

    def apply(self, settings: Settings) -> bool:
        """Build new runs from ``settings`` (starting again at step 0); on a refusal keep the old ones.

        Returns
        -------
        bool
            Whether the settings were applied; if not, ``error`` says why in one line.
        """
        try:
            models = build(settings)
        except Exception as err:  # any refusal: show it, keep the last valid ecosystem
            self.error = f"Not applied: {one_line(err)}. The last valid ecosystem stays."
            return False
        self.settings, self.models, self.error = settings, models, None
        return True

    def reset(self) -> None:
        """Start the applied settings again at step 0."""
        self.apply(self.settings)

    def step(self, n: int = 1) -> None:
        """Advance every run by ``n`` steps, stopping at the configured length."""
        for _ in range(min(n, self.config.steps - self.steps)):
            for model in self.models.values():
                model.step()

    def trigger_shock(self, label: str) -> None:
        """Schedule the shock of button ``label`` (:data:`SHOCK_BUTTONS`) at the next step of every run.

        Raises
        ------
        simulator.errors.ConfigError
            If the shock does not fit the ecosystem (a platform shock without platforms).
        """
        for model in self.models.values():
            spec = {"target": "all", **SHOCK_BUTTONS[label]}
            config = ShockConfig(start=model.steps + 1, share=1.0, **spec)  # type: ignore[arg-type]
            shock = SHOCKS[config.kind](config, len(model.shocks.shocks))
            shock.check(model.config)
            model.shocks.shocks.append(shock)


def shock_periods(model: EcosystemModel) -> list[tuple[int, int, str]]:
    """Scheduled shocks as ``(first step, last step, kind)``; a permanent one lasts to the run's end."""
    periods = []
    for shock in model.shocks.shocks:
        stop = shock.stop_step
        last = model.config.steps if stop is None else stop - 1
        periods.append((shock.config.start, max(last, shock.config.start), shock.kind))
    return periods
