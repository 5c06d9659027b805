"""Shared builders for the test suite: small configurations and runs over several seeds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from simulator.config import ModelConfig, from_dict
from simulator.core.roles import SELLS
from simulator.core.vocabulary import PLATFORM_KIND
from simulator.model import EcosystemModel
from simulator.run.runner import RunResult, run_simulation

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
"""The Hydra configuration directory of the project."""

SMALL = {"n_smbs": 150, "n_partners": 25, "steps": 60}
"""A population small enough for a run to take a fraction of a second."""

SEEDS = (1, 2, 3, 4)
"""Seeds over which mechanism tests average."""


def small_config(strategy: str | dict[str, Any] = "opportunistic", **overrides: Any) -> ModelConfig:
    """Build a small :class:`ModelConfig`.

    Parameters
    ----------
    strategy
        A strategy name or a full strategy mapping (``{"name": ..., <param>: ...}``).
    **overrides
        Top-level values (``seed=3``, ``steps=20``) or sections as mappings
        (``platform={"fee": 0.3}``).

    Returns
    -------
    ModelConfig
    """
    data: dict[str, Any] = dict(SMALL)
    data["strategy"] = {"name": strategy} if isinstance(strategy, str) else dict(strategy)
    data.update(overrides)
    return from_dict(data)


def run_seeds(seeds: tuple[int, ...] = SEEDS, **kwargs: Any) -> list[RunResult]:
    """Run :func:`small_config` (with ``kwargs``) once per seed."""
    return [run_simulation(small_config(seed=seed, **kwargs)) for seed in seeds]


def mean_summary(results: list[RunResult], key: str) -> float:
    """Mean over runs of one summary metric."""
    return float(np.mean([r.summary[key] for r in results]))


def traded_ids(model: EcosystemModel) -> np.ndarray:
    """Alliances that took part in trade in the model's last step.

    Those active at the end of the step plus those ended later in the same step (review, base
    hazard, SMB failure all come after trade); partner failures end alliances before trade, and
    a platform switch (after trade) forms a membership that has not traded yet: each switcher's
    last membership formed this step.
    """
    ledger = model.ledger
    t = model.steps
    ended_after_trade = (ledger.ended_step == t) & (ledger.end_reason.astype(str) != "partner_exit")
    live = (ledger.formed_step <= t) & ((ledger.ended_step == -1) | ended_after_trade)
    switchers = np.unique(ledger.smb[(ledger.ended_step == t) & (ledger.end_reason.astype(str) == "switched_platform")])
    joined_now = np.flatnonzero((ledger.formed_step == t) & (ledger.kind == PLATFORM_KIND))
    joined_now = joined_now[np.isin(ledger.smb[joined_now], switchers)]
    if len(joined_now):
        joined_now = joined_now[np.lexsort((joined_now, ledger.smb[joined_now]))]
        smb = ledger.smb[joined_now]
        live[joined_now[np.r_[smb[1:] != smb[:-1], True]]] = False
    return np.flatnonzero(live)


def channel_mask(model: EcosystemModel, ids: np.ndarray) -> np.ndarray:
    """Which of ``ids`` are sales channels (platform memberships and sales partners)."""
    kind = model.ledger.kind[ids]
    return (kind == PLATFORM_KIND) | SELLS[kind]


def ecosim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the Hydra app (``python -m simulator``) in a subprocess in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def make_sweep(root: Path, jobs: list[dict[str, Any]], **common: Any) -> Path:
    """A sweep directory as Hydra lays it out, without Hydra: under ``root/results/sweeps``, one
    job directory per mapping of overrides (with its ``.hydra/overrides.yaml``), each holding a
    tiny run (40 SMBs, 5 steps, with ``common`` set) written by :func:`write_run`."""
    import yaml

    from simulator.config import config_from_keywords
    from simulator.run.runner import write_run

    sweep = root / "results" / "sweeps" / "2026-01-01_00-00-00-000000"
    for number, overrides in enumerate(jobs):
        job = sweep / f"{number}_job"
        (job / ".hydra").mkdir(parents=True)
        (job / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump([f"{k}={v}" for k, v in overrides.items()]))
        config = config_from_keywords(n_smbs=40, n_partners=8, steps=5, **common, **overrides)
        write_run(run_simulation(config), job)
    return sweep


def sweep_dirs(cwd: Path) -> list[Path]:
    """The sweep directories a run in ``cwd`` wrote, oldest first."""
    return sorted((cwd / "results" / "sweeps").iterdir())
