"""The number a run returns to a Hydra sweeper that optimizes (Optuna, Nevergrad, Ax...).

``objective=<key>`` names a numeric key of ``summary.json``, dotted for nested entries:
``survival_rate``, ``resilience.depth``, ``survival.smb_survival_60m`` or
``by_strategy.diversification.survival_rate``. :func:`check_objective` refuses, before anything
runs, a key the run's summary will not have; :func:`objective_value` reads the value from a
finished run's summary. ``objective_direction`` says whether the sweeper should maximize or
minimize it; the value itself is returned as it is, so the sweeper's log and the run's
``summary.json`` show the same number.
"""

from __future__ import annotations

import math
from typing import Any

from simulator.config import ModelConfig
from simulator.errors import ConfigError, did_you_mean
from simulator.observe.metrics import METRICS
from simulator.observe.registry import STRATEGY_SUMMARY, SUMMARY
from simulator.strategies import build_population

NOT_NUMBERS: frozenset[str] = frozenset({"scenario", "strategy", "by_strategy"})
"""Summary keys that hold text or a table, never one number."""


def check_objective(config: ModelConfig) -> None:
    """Raise :class:`ConfigError` on ``objective`` unless the run's summary will hold it.

    Checks the key against the metric registry: a summary metric (a part of it for metrics
    whose value is a mapping), or a strategy-group metric of a group the configuration has;
    metrics of the shock response need a scheduled shock.
    """
    key = config.objective
    if not key:
        return
    head, _, rest = key.partition(".")
    if head == "by_strategy":
        group, _, metric = rest.partition(".")
        groups = [strategy.name for strategy, _ in build_population(config.strategy)]
        if group not in groups:
            raise ConfigError(
                "objective", f"{key}: {group!r} is not a strategy group of this run; groups: {', '.join(groups)}"
            )
        columns = [c for c in METRICS.columns(STRATEGY_SUMMARY) if c not in NOT_NUMBERS]
        if metric not in columns:
            raise ConfigError(
                "objective", f"{key}: {metric!r} is not a strategy-group metric{did_you_mean(metric, columns)}"
            )
        return
    names = [c for c in METRICS.columns(SUMMARY, config=config) if c not in NOT_NUMBERS]
    if head not in names:
        raise ConfigError("objective", f"{key} is not a summary metric{did_you_mean(key, names)}")
    parts = [p.name for p in METRICS[head].parts] if head in METRICS else []
    if parts and rest.partition(".")[0] not in parts:
        raise ConfigError("objective", f"{key}: {head} is a mapping; name one of its keys, e.g. {head}.{parts[0]}")
    if head == "resilience" and not config.shocks:
        raise ConfigError("objective", f"{key} needs a scheduled shock (shock=<preset>); this run has none")


def objective_value(summary: dict[str, Any], key: str) -> float:
    """The objective's value in a run's summary, as a float (NaN where the run has none, e.g.
    a survival age the run did not reach).

    Raises
    ------
    ConfigError
        If the key is missing from the summary or holds something other than a number.
    """
    value: Any = summary
    for part in key.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise ConfigError("objective", f"{key} is not in the run's summary")
    if value is None:
        return math.nan
    if isinstance(value, bool) or isinstance(value, int | float):
        return float(value)
    raise ConfigError("objective", f"{key} is not a number in the run's summary, got {type(value).__name__}")
