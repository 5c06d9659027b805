"""Errors the simulator reports to users, and the hint that names the closest valid key."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterable


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


class RunFailed(RuntimeError):
    """A run (or a sweep job) raised; its traceback is in the run directory's ``error.txt``.

    Parameters
    ----------
    message
        One line: what failed and where the traceback is.
    """


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to a mistyped dotted ``name`` (difflib), or None if none is close.

    The last part of the name is compared with the keys of the same section first
    (``platform.fe`` finds ``platform.fee``), then with every key's last part, more strictly
    (``smb.fee`` finds ``platform.fee``).
    """
    section, _, leaf = name.rpartition(".")
    pool = sorted(set(candidates))
    siblings = {key.rpartition(".")[2]: key for key in pool if key.rpartition(".")[0] == section}
    match = difflib.get_close_matches(leaf, list(siblings), n=1, cutoff=0.6)
    if match:
        return siblings[match[0]]
    anywhere: dict[str, str] = {}
    for key in pool:
        anywhere.setdefault(key.rpartition(".")[2], key)
    match = difflib.get_close_matches(leaf, list(anywhere), n=1, cutoff=0.8)
    return anywhere[match[0]] if match else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``"; did you mean <closest>?"`` for a mistyped ``name``, or ``""`` if nothing is close."""
    match = closest(name, candidates)
    return f"; did you mean {match}?" if match else ""


EXIT_FAILED = 1
"""Exit status of a command whose run (or a job of its sweep, or its I/O) failed."""
EXIT_BAD_INPUT = 2
"""Exit status of a command refused for bad input (nothing was run or written)."""
TRACEBACK_ENV = "ECOSIM_TRACEBACK"
"""Set this environment variable to 1 to see the full traceback of any error."""


def wants_traceback() -> bool:
    """Whether the user asked for full tracebacks (``ECOSIM_TRACEBACK=1``)."""
    return os.environ.get(TRACEBACK_ENV, "").strip().lower() not in ("", "0", "false", "no")


def one_line(err: BaseException) -> str:
    """An exception as one line naming its cause (no traceback)."""
    if isinstance(err, ConfigError):
        return str(err)
    if isinstance(err, OSError) and err.strerror:
        where = err.filename if err.filename is not None else ""
        return f"{err.strerror}: {where}" if where else err.strerror
    text = next((line.strip() for line in str(err).splitlines() if line.strip()), "")
    if isinstance(err, RunFailed):
        return text
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def report(prog: str, err: BaseException, status: int, message: str | None = None, traceback: bool = False) -> int:
    """Print ``<prog>: error: <one line>`` on stderr (and the traceback if asked); return ``status``."""
    print(f"{prog}: error: {message or one_line(err)}", file=sys.stderr)
    if traceback or wants_traceback():
        import traceback as tb

        tb.print_exception(err)
    return status
