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
        keys += [f"strategy.{f}" for f in cls.Params.__dataclass_fields__]
        keys += [f"strategy.shares.{name}", f"strategy.params.{name}"]
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
            if overridden and not str(key).startswith(overridden.group(1)):
                key = f"{overridden.group(1)}.{key}"  # a key inside a list or mapping value
            if isinstance(e, ConfigKeyError | ConfigAttributeError):
                return f"{key}: not a configuration key{did_you_mean(str(key), known_keys())}"
            return f"{key}: {one_line_text(getattr(e, 'msg', '') or str(e))}"
    text = one_line_text(str(err))
    if isinstance(err, HydraException):
        if "Exception:" in text and "=" in text:  # the override grammar's lexer or parser
            name, _, override = text.partition(": ")
            return f"cannot parse the override {override!r} ({name}; quote values with special characters)"
        lines = [line.strip() for line in str(err).splitlines() if line.strip()]
        if text.startswith("Error parsing override") and len(lines) > 1:
            return f"{text}: {lines[1]} (an override is key=value)"
        return text
    return one_line(err)


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
