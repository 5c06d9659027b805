"""The registry of strategies by name, and building a strategy from its configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from simulator.errors import ConfigError
from simulator.strategies.base import Strategy

STRATEGIES: dict[str, type[Strategy]] = {}
"""Every registered strategy class, keyed by its name."""


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator that adds a strategy to :data:`STRATEGIES` under ``cls.name``."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    if cls.name in STRATEGIES and STRATEGIES[cls.name] is not cls:
        raise ValueError(f"strategy name {cls.name!r} is taken by {STRATEGIES[cls.name].__name__}")
    STRATEGIES[cls.name] = cls
    return cls


def make_strategy(spec: Mapping[str, Any], key: str = "strategy") -> Strategy:
    """Build a strategy from ``{"name": ..., <param>: <value>, ...}``.

    Parameters
    ----------
    spec
        The strategy's configuration: its registered name and any of its parameters.
    key
        Dotted config key of ``spec``, used in error messages.

    Returns
    -------
    Strategy

    Raises
    ------
    ConfigError
        For an unknown name, an unknown parameter or a value outside its range.
    """
    from simulator.validation import check_dataclass_values

    if not isinstance(spec, Mapping) or "name" not in spec:
        raise ConfigError(key, "must be a mapping with a 'name' key")
    name = spec["name"]
    if name not in STRATEGIES:
        raise ConfigError(f"{key}.name", f"unknown strategy {name!r}; allowed: {', '.join(sorted(STRATEGIES))}")
    cls = STRATEGIES[name]
    allowed = [f.name for f in fields(cls.Params)]
    values = {k: v for k, v in spec.items() if k != "name"}
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        listed = ", ".join(allowed) if allowed else "none"
        raise ConfigError(f"{key}.{unknown[0]}", f"not a parameter of strategy {name!r}; allowed: {listed}")
    params = cls.Params(**values)
    check_dataclass_values(params, key)
    return cls(params)
