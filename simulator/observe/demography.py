"""Per-step metrics of an open SMB population: entries, exits by cause, the age of the firms.

They are columns of ``timeseries.parquet`` only when the population is open
(``smb.entry_rate`` or ``smb.exit_hazard`` above 0), so that a closed run writes exactly the
columns it wrote before firms could enter. ``failures`` and ``smbs_alive``
(:data:`simulator.observe.metrics.STEP_METRICS`) count every exit and every alive firm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.config import ModelConfig
from simulator.core.vocabulary import EXIT_CAUSES

if TYPE_CHECKING:
    from simulator.model import EcosystemModel

DEMOGRAPHY_METRICS: dict[str, str] = {
    "entries": "SMBs that entered this step.",
    **{f"exits_{cause}": f"SMBs that exited this step with cause {cause}." for cause in EXIT_CAUSES},
    "smbs_ever": "SMBs that have been in the ecosystem so far (the initial ones and every entrant).",
    "mean_age": "Mean age in steps of alive SMBs (step minus birth step; initial SMBs have drawn ages).",
}
"""Columns of ``timeseries.parquet`` added for an open population."""


def open_population(config: ModelConfig) -> bool:
    """Whether SMBs enter or exit for outside reasons in this configuration."""
    return config.smb.entry_rate > 0 or config.smb.exit_hazard > 0


def demography_columns(config: ModelConfig) -> list[str]:
    """The timeseries columns of :data:`DEMOGRAPHY_METRICS` this configuration writes."""
    return list(DEMOGRAPHY_METRICS) if open_population(config) else []


def demography_metrics(model: EcosystemModel) -> dict[str, float]:
    """This step's entries, exits by cause, SMBs so far and mean age (empty for a closed population)."""
    if not open_population(model.config):
        return {}
    smbs, step = model.smbs, model.steps
    exited = np.bincount(smbs.exit_cause[smbs.failed_step == step], minlength=len(EXIT_CAUSES))
    alive = np.flatnonzero(smbs.alive)
    return {
        "entries": int((smbs.birth_step == step).sum()),
        **{f"exits_{cause}": int(exited[code]) for code, cause in enumerate(EXIT_CAUSES)},
        "smbs_ever": smbs.n,
        "mean_age": float((step - smbs.birth_step[alive]).mean()) if len(alive) else 0.0,
    }
