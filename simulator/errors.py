"""Errors the simulator reports to users."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value is invalid.

    Parameters
    ----------
    key
        Dotted name of the offending key, e.g. ``platform.fee``.
    message
        What is wrong and what is allowed, in one line.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message
