"""What a shock is, and the registry of shock kinds.

A shock has a kind, a start step, a duration (0: permanent), a size and a target
(:class:`~simulator.config.ShockConfig`). It acts through the state the mechanisms already read
(platform fees and reach, the market's sector factors, support services' credit factor, partner
slots). A new kind is one small class in a module of this package, decorated with
:func:`register`; :data:`SHOCKS` is the only list of kinds (validation, the dashboard and the
docs read it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from simulator.config import ModelConfig, ShockConfig
from simulator.errors import ConfigError

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


class Shock:
    """Base class: one scheduled shock. Subclasses set ``kind``, implement start/stop and are
    registered with :func:`register`."""

    kind: ClassVar[str] = ""
    targets: ClassVar[str] = ""
    """What ``target`` may name, for error messages."""

    def __init__(self, config: ShockConfig, index: int) -> None:
        self.config = config
        self.index = index

    @property
    def stop_step(self) -> int | None:
        """Step at which the shock's effect is undone (None: permanent)."""
        return self.config.start + self.config.duration if self.config.duration > 0 else None

    def check(self, config: ModelConfig) -> None:
        """Raise :class:`ConfigError` if the target does not fit the configured ecosystem."""

    def start(self, model: EcosystemModel) -> str:
        """Apply the shock; return a description of what it hit for the event log."""
        raise NotImplementedError

    def stop(self, model: EcosystemModel) -> None:
        """Undo the shock's effect (not called for permanent shocks)."""

    def _error(self, message: str) -> ConfigError:
        return ConfigError(f"shocks[{self.index}].target", message)


def parse_index(text: str) -> int | None:
    """The non-negative whole number ``text`` spells in ASCII digits (``"2"``), else None
    (``"²"`` passes ``str.isdigit`` but is no index)."""
    return int(text) if text.isascii() and text.isdigit() else None


SHOCKS: dict[str, type[Shock]] = {}
"""Shock classes by kind, in registration order."""


def register(cls: type[Shock]) -> type[Shock]:
    """Class decorator: add a shock kind to :data:`SHOCKS`."""
    if not cls.kind or cls.kind in SHOCKS:
        raise ValueError(f"shock kind {cls.kind!r} is empty or registered twice")
    SHOCKS[cls.kind] = cls
    return cls
