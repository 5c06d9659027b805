"""Build a configuration from plain keyword arguments, as Mesa models take their parameters.

``EcosystemModel(n_smbs=100, strategy="diversification", platform_fee=0.2, seed=3)`` and
``mesa.batch_run(EcosystemModel, parameters={"platform.fee": [0.1, 0.2], ...})`` pass their
parameters here. A keyword names a schema key in any of these spellings:

- a top-level key: ``n_smbs=100``, ``seed=3``, ``steps=60``;
- a dotted key: ``**{"platform.fee": 0.2}``, ``**{"strategy.max_partners": 3}``;
- a section and key joined by an underscore: ``platform_fee=0.2``, ``smb_demand_median=80``;
- a whole section as a mapping: ``platform={"fee": 0.2}`` (merged into the section's values);
- ``strategy="diversification"`` (a strategy's name) or ``strategy={"name": ..., ...}``.

Values start from a base configuration (the defaults unless given); the result goes through
:func:`~simulator.config.schema.from_dict`, so the same checks apply as to a Hydra config, and
an unknown keyword is one :class:`~simulator.errors.ConfigError` naming it and the closest key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, fields, is_dataclass
from typing import Any

from simulator.config.schema import ModelConfig, from_dict, schema_keys
from simulator.errors import ConfigError, closest

STRATEGY = "strategy"
"""The free-form section: its keys are the chosen strategy's parameters, checked by the validator."""


def sections() -> tuple[str, ...]:
    """Names of the nested sections of :class:`ModelConfig` (``market``, ``smb``, ``platform``...)."""
    defaults = ModelConfig()
    return tuple(f.name for f in fields(ModelConfig) if is_dataclass(getattr(defaults, f.name)))


def config_from_keywords(base: ModelConfig | None = None, **keywords: Any) -> ModelConfig:
    """A copy of ``base`` (default: :class:`ModelConfig()`) with the keyword parameters set.

    Parameters
    ----------
    base
        The configuration the keywords change.
    **keywords
        Parameters in any spelling of the module docstring.

    Returns
    -------
    ModelConfig
        Not yet validated (the model validates on construction).

    Raises
    ------
    ConfigError
        For a keyword that names no schema key (with the closest key), or a section given a
        value that is not a mapping.
    """
    data = asdict(base if base is not None else ModelConfig())
    # a strategy's name first, so that strategy parameters given beside it are kept
    ordered = sorted(keywords.items(), key=lambda item: item[0] != STRATEGY)
    for name, value in ordered:
        path = resolve_key(name)
        _assign(data, path, value, name)
    return from_dict(data)


def resolve_key(name: str) -> tuple[str, ...]:
    """The path in the configuration that a keyword names.

    Raises
    ------
    ConfigError
        If the keyword names no key of the schema.
    """
    top = {f.name for f in fields(ModelConfig)}
    if name in top:
        return (name,)
    head, dot, rest = name.partition(".")
    if dot:
        if head == STRATEGY and rest and "." not in rest:
            return (STRATEGY, rest)
        if head in sections() and _is_section_key(head, rest):
            return (head, rest)
        _unknown(name)
    for section in (*sections(), STRATEGY):
        prefix = f"{section}_"
        if name.startswith(prefix):
            rest = name.removeprefix(prefix)
            if section == STRATEGY or _is_section_key(section, rest):
                return (section, rest)
    _unknown(name)
    raise AssertionError  # unreachable: _unknown raises


def _is_section_key(section: str, key: str) -> bool:
    return key in {f.name for f in fields(getattr(ModelConfig(), section))}


def _unknown(name: str) -> None:
    keys = [k for k in schema_keys() if not k.startswith("shocks.")]
    dotted = name if "." in name else _dotted_guess(name)
    match = closest(dotted, keys)
    hint = f"; did you mean {match}?" if match else ""
    raise ConfigError(name, f"not a configuration key{hint}")


def _dotted_guess(name: str) -> str:
    """``platform_fe`` -> ``platform.fe`` (to find the closest key of the right section)."""
    for section in sections():
        if name.startswith(f"{section}_"):
            return f"{section}.{name.removeprefix(section + '_')}"
    return name


def _assign(data: dict[str, Any], path: tuple[str, ...], value: Any, name: str) -> None:
    head = path[0]
    if len(path) == 2:
        section = data.get(head)
        if head == STRATEGY and not isinstance(section, dict):
            section = data[head] = {"name": section} if isinstance(section, str) else {}
        section[path[1]] = value
        return
    if head == STRATEGY and isinstance(value, str):
        data[head] = {"name": value}
    elif head in sections():
        if not isinstance(value, Mapping):
            if is_dataclass(value) and not isinstance(value, type):
                data[head] = asdict(value)
                return
            raise ConfigError(name, f"must be a mapping of {head}.* keys, got {value!r}")
        data[head] = {**data[head], **value}
    elif head == "shocks" and isinstance(value, list | tuple):
        data[head] = [asdict(v) if is_dataclass(v) and not isinstance(v, type) else v for v in value]
    else:
        data[head] = dict(value) if head == STRATEGY and isinstance(value, Mapping) else value
