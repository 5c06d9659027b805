"""Apply one point of a sensitivity design (``design.json``) to a configuration.

The design file is written by ``ecosim-sensitivity sample``; a run names it with ``design=`` and
picks its row with ``design_point=``. Only JSON and dataclasses here, so the model can apply a
design without importing the analysis libraries.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from simulator.config.schema import ModelConfig
from simulator.errors import ConfigError


def apply_design(config: ModelConfig) -> ModelConfig:
    """Set the parameters of design point ``config.design_point`` from ``config.design``."""
    if not config.design:
        return config
    design = json.loads(Path(config.design).read_text())
    samples = design["samples"]
    if not 0 <= config.design_point < len(samples):
        raise ConfigError(
            "design_point", f"must be in [0, {len(samples) - 1}] for {config.design}, got {config.design_point}"
        )
    for key, value in zip(design["problem"]["names"], samples[config.design_point], strict=True):
        config = set_parameter(config, key.split("."), value)
    return config


def set_parameter(obj: Any, path: list[str], value: float) -> Any:
    """A copy of a (nested) config with the parameter at ``path`` set (integers rounded)."""
    head, *rest = path
    current = getattr(obj, head)
    if rest:
        return replace(obj, **{head: set_parameter(current, rest, value)})
    return replace(obj, **{head: round(value) if isinstance(current, int) else float(value)})
