"""Apply one point of a sensitivity design (``design.json``) to a configuration.

The design file is written by ``ecosim-sensitivity sample``; a run names it with ``design=`` and
picks its row with ``design_point=``. Only JSON and dataclasses here, so the model can apply a
design without importing the analysis libraries. Every problem with the file (missing,
unreadable, not a design, naming a parameter the schema does not have) is a
:class:`~simulator.errors.ConfigError` on ``design``.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from simulator.config.schema import ModelConfig, schema_keys
from simulator.errors import ConfigError, did_you_mean


def apply_design(config: ModelConfig) -> ModelConfig:
    """Set the parameters of design point ``config.design_point`` from ``config.design``.

    Raises
    ------
    ConfigError
        For ``design_point`` without a design, a design file that cannot be read or is not a
        design, a point outside it, or a parameter the schema does not have.
    """
    if not config.design:
        if config.design_point != -1:
            raise ConfigError(
                "design_point",
                f"needs design=<design.json> (written by ecosim-sensitivity sample), got {config.design_point}",
            )
        return config
    names, samples = read_design(config.design)
    if not 0 <= config.design_point < len(samples):
        raise ConfigError(
            "design_point", f"must be in [0, {len(samples) - 1}] for {config.design}, got {config.design_point}"
        )
    row = samples[config.design_point]
    if not isinstance(row, list) or len(row) != len(names):
        raise ConfigError("design", f"{config.design}: sample {config.design_point} does not have {len(names)} values")
    for key, value in zip(names, row, strict=True):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(
                "design", f"{config.design}: {key} = {value!r} in sample {config.design_point} is not a number"
            )
        config = set_parameter(config, key.split("."), value)
    return config


def read_design(path: str) -> tuple[list[str], list[Any]]:
    """The parameter names and the sample rows of a design file."""
    try:
        design = json.loads(Path(path).read_text())
        names, samples = design["problem"]["names"], design["samples"]
    except OSError as err:
        raise ConfigError("design", f"cannot read {path}: {err.strerror or err}") from err
    except (ValueError, TypeError, KeyError) as err:
        raise ConfigError("design", f"{path} is not a design file (JSON with problem.names and samples)") from err
    if not isinstance(names, list) or not isinstance(samples, list):
        raise ConfigError("design", f"{path} is not a design file (JSON with problem.names and samples)")
    for name in names:
        if not isinstance(name, str) or not is_numeric_parameter(name):
            raise ConfigError(
                "design", f"{path} names {name!r}, not a numeric parameter{did_you_mean(str(name), schema_keys())}"
            )
    return names, samples


def is_numeric_parameter(key: str) -> bool:
    """Whether a dotted key names a numeric parameter of the schema (``platform.fee``)."""
    obj: Any = ModelConfig()
    for part in key.split("."):
        if not is_dataclass(obj) or part not in {f.name for f in fields(obj)}:
            return False
        obj = getattr(obj, part)
    return isinstance(obj, int | float) and not isinstance(obj, bool)


def set_parameter(obj: Any, path: list[str], value: float) -> Any:
    """A copy of a (nested) config with the parameter at ``path`` set (integers rounded)."""
    head, *rest = path
    current = getattr(obj, head)
    if rest:
        return replace(obj, **{head: set_parameter(current, rest, value)})
    return replace(obj, **{head: round(value) if isinstance(current, int) else float(value)})
