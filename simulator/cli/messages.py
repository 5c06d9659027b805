"""Every error of the ``ecosim`` command as one line, with its exit status.

Hydra reports a bad override over several lines (or a traceback); these turn its exceptions,
the configuration's :class:`~simulator.errors.ConfigError` and any other failure into
``ecosim: error: <one line>``: bad input exits with status 2, a failed run or I/O error with 1.
``ECOSIM_TRACEBACK=1`` (or ``hydra.verbose=true``) adds the full traceback.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import NoReturn

from hydra.errors import HydraException
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException

from simulator.config import schema_keys
from simulator.errors import EXIT_BAD_INPUT, EXIT_FAILED, ConfigError, did_you_mean, one_line, wants_traceback
from simulator.strategies import STRATEGIES

PROG = "ecosim"


def known_keys() -> list[str]:
    """Every key a command line may set: the schema's and every strategy's parameters."""
    keys = [k for k in schema_keys() if k != "strategy"]
    for name, cls in STRATEGIES.items():
        params = list(cls.Params.__dataclass_fields__)
        keys += [f"strategy.{p}" for p in params] + [f"strategy.shares.{name}"]
        keys += [f"strategy.params.{name}.{p}" for p in params]
    return keys


def _chain(err: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_bad_input(err: BaseException) -> bool:
    """Whether an exception means the input was refused (exit status 2) rather than a failure."""
    return any(isinstance(e, ConfigError | HydraException | OmegaConfBaseException) for e in _chain(err))


def describe(err: BaseException) -> str:
    """One line naming the cause of ``err`` (the offending key where there is one)."""
    for e in _chain(err):
        if isinstance(e, ConfigError):
            return str(e)
    overridden = re.search(r"Could not override '([^']+)'", str(err))
    for e in _chain(err):
        key = getattr(e, "full_key", None)
        if isinstance(e, OmegaConfBaseException) and key:
            key = _overridden_key(overridden.group(1), str(key)) if overridden else str(key)
            if isinstance(e, ConfigKeyError | ConfigAttributeError):
                hint = did_you_mean(key, known_keys())
                if key.startswith("strategy.params."):
                    hint += " (a mix member's parameters are added with ++strategy.params.<name>.<param>=...)"
                elif key.startswith("strategy.") and not hint:
                    hint = " (ecosim-strategies lists each strategy's parameters)"
                return f"{key}: not a configuration key{hint}"
            if "does not support deletion" in str(e):
                return f"{key}: a key of the schema cannot be deleted with ~ (set its value instead)"
            return f"{key}: {one_line_text(getattr(e, 'msg', '') or str(e))}"
    text = one_line_text(str(err))
    if isinstance(err, HydraException):
        name, _, rest = text.partition(": ")
        if name.endswith("Exception") and " " not in name:  # the override grammar's lexer or parser
            return f"cannot parse the override {rest!r} ({name}; quote values with special characters)"
        lines = [line.strip() for line in str(err).splitlines() if line.strip()]
        if text.startswith("Error parsing override") and len(lines) > 1:
            return f"{text}: {lines[1]} (an override is key=value)"
        return text
    return one_line(err)


def _overridden_key(override: str, missing: str) -> str:
    """The key to name when Hydra could not apply ``override`` because ``missing`` is absent."""
    if missing.startswith(override):
        return missing
    if override.startswith(missing):
        return override  # the first missing part of a longer key
    return f"{override}.{missing}"  # a key inside the value (a list or a mapping)


def one_line_text(text: str) -> str:
    """The first non-empty line of a message."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def exit_status(err: BaseException) -> int:
    """2 for bad input, 1 for anything else."""
    return EXIT_BAD_INPUT if is_bad_input(err) else EXIT_FAILED


def traceback_wanted(argv: list[str]) -> bool:
    """Whether to print full tracebacks: ``ECOSIM_TRACEBACK=1`` or ``hydra.verbose`` set to anything but false."""
    if wants_traceback():
        return True
    for arg in argv:
        key, sep, value = arg.lstrip("+~").partition("=")
        if sep and key == "hydra.verbose" and value.strip().lower() not in ("false", "null", "[]", ""):
            return True
    return False


def check_command_line(argv: list[str]) -> None:
    """Parse the command line with Hydra's own parser first, so that a misplaced option (``-m``
    after the overrides) is one line, not argparse's usage message; exits with status 2."""
    from hydra._internal.utils import get_args_parser

    parser = get_args_parser()
    parser.prog = PROG

    def refuse(message: str) -> NoReturn:
        print(f"{PROG}: error: {message} (options such as -m go before the overrides)", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)

    parser.error = refuse  # type: ignore[method-assign]
    parser.parse_args(argv)
