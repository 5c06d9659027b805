"""The registry of strategies by name, and building a strategy from its configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from simulator.config import check_dataclass_values
from simulator.errors import ConfigError, did_you_mean
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

    if not isinstance(spec, Mapping) or "name" not in spec:
        raise ConfigError(key, "must be a mapping with a 'name' key")
    name = spec["name"]
    if not isinstance(name, str) or name not in STRATEGIES:
        hint = did_you_mean(str(name), STRATEGIES)
        raise ConfigError(f"{key}.name", f"unknown strategy {name!r}{hint}; allowed: {', '.join(sorted(STRATEGIES))}")
    cls = STRATEGIES[name]
    allowed = [f.name for f in fields(cls.Params)]
    values = {k: v for k, v in spec.items() if k != "name"}
    unknown = sorted(map(str, set(values) - set(allowed)))
    if unknown and unknown[0] in ("shares", "params"):
        raise ConfigError(f"{key}.{unknown[0]}", f"only a mix ({key}=mix) has shares and params, not {name!r}")
    if unknown:
        listed = ", ".join(allowed) if allowed else "none"
        hint = did_you_mean(f"{key}.{unknown[0]}", [f"{key}.{a}" for a in allowed])
        raise ConfigError(f"{key}.{unknown[0]}", f"not a parameter of strategy {name!r}{hint}; allowed: {listed}")
    params = cls.Params(**values)
    check_dataclass_values(params, key)
    return cls(params)


MIX = "mix"
SHARE_TOLERANCE = 1e-6


def build_population(spec: Mapping[str, Any], key: str = "strategy") -> list[tuple[Strategy, float]]:
    """The strategies of an SMB population with their shares.

    Either one strategy (``{"name": "diversification", ...}``, share 1), or a mix::

        {"name": "mix",
         "shares": {"diversification": 0.3, "platform_first": 0.5, "phased": 0.2},
         "params": {"phased": {"pilot_steps": 4}}}

    Strategies with share 0 are left out.

    Raises
    ------
    ConfigError
        For unknown names or parameters, negative shares or shares that do not sum to 1.
    """
    if not isinstance(spec, Mapping) or "name" not in spec:
        raise ConfigError(key, "must be a mapping with a 'name' key")
    if spec["name"] != MIX:
        return [(make_strategy(spec, key), 1.0)]
    unknown = sorted(map(str, set(spec) - {"name", "shares", "params"}))
    if unknown:
        hint = did_you_mean(f"{key}.{unknown[0]}", [f"{key}.{k}" for k in ("name", "shares", "params")])
        raise ConfigError(f"{key}.{unknown[0]}", f"not a key of a mix{hint}; allowed: name, shares, params")
    for part in ("shares", "params"):
        if not isinstance(spec.get(part) or {}, Mapping):
            raise ConfigError(f"{key}.{part}", f"must be a mapping keyed by strategy name, got {spec[part]!r}")
    shares = dict(spec.get("shares") or {})
    params = dict(spec.get("params") or {})
    for part, names in (("shares", shares), ("params", params)):
        for name in names:
            if name not in STRATEGIES:
                hint = did_you_mean(f"{key}.{part}.{name}", [f"{key}.{part}.{s}" for s in STRATEGIES])
                allowed = ", ".join(sorted(STRATEGIES))
                raise ConfigError(f"{key}.{part}.{name}", f"unknown strategy{hint}; allowed: {allowed}")
    for name, given in params.items():
        if not isinstance(given or {}, Mapping):
            raise ConfigError(f"{key}.params.{name}", f"must be a mapping of {name}'s parameters, got {given!r}")
    for name, share in shares.items():
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0.0 <= share <= 1.0:
            raise ConfigError(f"{key}.shares.{name}", f"must be a share in [0, 1], got {share!r}")
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        listed = ", ".join(f"{n}={v:g}" for n, v in shares.items() if v)
        raise ConfigError(f"{key}.shares", f"proportions must sum to 1, got {total:g} ({listed})")
    # every parameter given is validated, also for strategies with share 0
    built = {name: make_strategy({"name": name, **(params.get(name) or {})}, f"{key}.params.{name}") for name in params}
    return [
        (built.get(name) or make_strategy({"name": name}, f"{key}.params.{name}"), float(share))
        for name, share in shares.items()
        if share > 0
    ]
