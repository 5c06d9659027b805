"""The declared parameters as records: dotted key, default, type, range and meaning.

Read from the field metadata that :func:`~simulator.config.schema.param` and
:func:`~simulator.config.schema.described` attach, so tools (the docs generator, the dashboard's
sliders) take defaults and ranges from the one place they are declared.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, dataclass, fields, is_dataclass
from typing import Any

from simulator.config.checks import describe_range
from simulator.config.schema import ModelConfig


@dataclass(frozen=True)
class Parameter:
    """One declared parameter (or documented setting) of a configuration dataclass."""

    key: str
    """Dotted key, e.g. ``platform.fee``."""
    default: Any
    doc: str
    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    lt: float | None = None
    choices: tuple[str, ...] | None = None
    allowed: str | None = None
    """What values are allowed, in words (overrides the range in the docs)."""

    @property
    def type_name(self) -> str:
        """``int``, ``float``, ``bool``, ``str``, ``mapping`` or ``list``."""
        if isinstance(self.default, dict):
            return "mapping"
        return type(self.default).__name__

    @property
    def low(self) -> float | None:
        """The lower bound (inclusive or not), if any."""
        return self.ge if self.ge is not None else self.gt

    @property
    def high(self) -> float | None:
        """The upper bound (inclusive or not), if any."""
        return self.le if self.le is not None else self.lt

    def range_text(self) -> str:
        """The allowed values as the docs write them: ``[0, 1]``, ``(0, inf)``, ``a / b``, ``true / false``."""
        if self.allowed:
            return self.allowed
        if self.choices:
            return " / ".join(f"`{c}`" for c in self.choices)
        if isinstance(self.default, bool):
            return "true / false"
        if isinstance(self.default, str):
            return "text"
        return describe_range(self.ge, self.le, self.gt, self.lt)


def parameters(config: Any = None, prefix: str = "") -> list[Parameter]:
    """Every documented field of a configuration dataclass, nested groups flattened, in declaration order.

    Parameters
    ----------
    config
        A dataclass instance or class (default: :class:`ModelConfig`); a class is instantiated
        with its defaults.
    prefix
        Prefix of the dotted keys (e.g. ``"strategy"`` for a strategy's ``Params``).

    Returns
    -------
    list of Parameter
        Fields without documentation (``doc`` metadata) are left out.
    """
    if config is None:
        config = ModelConfig()
    elif isinstance(config, type):
        config = config()
    out: list[Parameter] = []
    for f in fields(config):
        key = f"{prefix}.{f.name}" if prefix else f.name
        value = getattr(config, f.name)
        if is_dataclass(value):
            out += parameters(value, key)
        elif "doc" in f.metadata:
            out.append(_record(f, key))
    return out


def parameter(key: str) -> Parameter:
    """The parameter of :class:`ModelConfig` at a dotted key.

    Raises
    ------
    KeyError
        If no documented parameter has that key.
    """
    for p in parameters():
        if p.key == key:
            return p
    raise KeyError(f"{key!r} is not a parameter of ModelConfig")


def _record(f: Field[Any], key: str) -> Parameter:
    meta = f.metadata
    default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
    return Parameter(
        key=key,
        default=default,
        doc=meta["doc"],
        ge=meta.get("ge"),
        le=meta.get("le"),
        gt=meta.get("gt"),
        lt=meta.get("lt"),
        choices=meta.get("choices"),
        allowed=meta.get("allowed"),
    )
