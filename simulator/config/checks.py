"""Check configuration values against the ranges their parameters declare.

Each :func:`~simulator.config.schema.param` carries its bounds (``ge``, ``le``, ``gt``, ``lt``) or
its ``choices``; these checks read them, so a range is written once, next to the parameter.
"""

from __future__ import annotations

import math
from dataclasses import fields, is_dataclass
from typing import Any

from simulator.errors import ConfigError


def check_dataclass_values(obj: Any, prefix: str) -> None:
    """Check each field of a dataclass (recursively) against its type and declared bounds.

    Parameters
    ----------
    obj
        A dataclass instance whose fields may carry ``ge``/``le``/``gt`` metadata.
    prefix
        Dotted key of ``obj`` in the whole configuration ("" at the top).
    """
    for f in fields(obj):
        value = getattr(obj, f.name)
        key = f"{prefix}.{f.name}" if prefix else f.name
        if is_dataclass(value):
            check_dataclass_values(value, key)
            continue
        if "doc" not in f.metadata:
            continue
        _check_type(key, value, type(f.default))
        _check_bounds(key, value, f.metadata)


def _check_type(key: str, value: Any, expected: type) -> None:
    if expected is bool:
        if not isinstance(value, bool):
            raise ConfigError(key, f"must be true or false, got {value!r}")
    elif expected is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(key, f"must be a whole number, got {value!r}")
    elif expected is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(key, f"must be a number, got {value!r}")
    elif expected is str and not isinstance(value, str):
        raise ConfigError(key, f"must be text, got {value!r}")


def _check_bounds(key: str, value: Any, meta: Any) -> None:
    choices = meta.get("choices")
    if choices is not None:
        if value not in choices:
            raise ConfigError(key, f"must be one of {', '.join(choices)}, got {value!r}")
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        return  # text, true/false, and structured settings (checked where they are read)
    ge, le, gt, lt = meta.get("ge"), meta.get("le"), meta.get("gt"), meta.get("lt")
    if not math.isfinite(value):  # NaN or infinite: no parameter means anything there
        raise ConfigError(key, f"must be a finite number, got {value!r}")
    low_bad = (ge is not None and value < ge) or (gt is not None and value <= gt)
    high_bad = (le is not None and value > le) or (lt is not None and value >= lt)
    if low_bad or high_bad:
        raise ConfigError(key, f"must be in {describe_range(ge, le, gt, lt)}, got {value!r}")


def describe_range(ge: float | None, le: float | None, gt: float | None, lt: float | None) -> str:
    """A range as errors and docs write it: ``[0, 1]``, ``(0, inf)``, ``[1, inf)``."""
    low = f"[{ge:g}" if ge is not None else (f"({gt:g}" if gt is not None else "(-inf")
    high = f"{le:g}]" if le is not None else (f"{lt:g})" if lt is not None else "inf)")
    return f"{low}, {high}"
