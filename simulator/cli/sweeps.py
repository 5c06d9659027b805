"""Hydra callbacks for single runs and sweeps (``ecosim -m``).

- Before anything is written, every job's configuration is composed and validated; the first
  invalid one stops the whole sweep with one line naming the key (exit status 2).
- A progress bar counts the jobs of a sweep as they end (with the basic launcher; parallel
  launchers such as joblib report their own progress).
- At the end, a sweep says how many jobs ran, how many were skipped because their results
  already existed (see :mod:`simulator.run.resume`) and how many failed (each failed job has an
  ``error.txt`` in its directory); a sweep with failed jobs exits with status 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf
from tqdm.auto import tqdm

from simulator.config import ModelConfig, apply_design, from_dict
from simulator.errors import ConfigError
from simulator.run.resume import ERROR_FILE, SKIPPED_FILE
from simulator.validation import validate

EXIT_BAD_INPUT = 2


class ValidateAndReport(Callback):
    """Validate before any directory exists; count and report the jobs of a sweep."""

    def __init__(self) -> None:
        self.bar: tqdm | None = None

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        _validate_or_exit(config)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        jobs = sweep_job_overrides(config)
        loader = GlobalHydra.instance().config_loader()
        for overrides in jobs:
            job_config = loader.load_sweep_config(config, list(overrides))
            _validate_or_exit(job_config, context=" ".join(overrides))
        if config.hydra.launcher.get("_target_", "").endswith("BasicLauncher"):
            self.bar = tqdm(total=len(jobs), desc="sweep", unit="job")

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        if self.bar is not None:
            self.bar.close()
        sweep_dir = Path(config.hydra.sweep.dir)
        job_dirs = [p for p in sweep_dir.iterdir() if (p / ".hydra").is_dir()] if sweep_dir.is_dir() else []
        skipped = sum((p / SKIPPED_FILE).exists() for p in job_dirs)
        failed = [p for p in job_dirs if (p / ERROR_FILE).exists()]
        ran = len(job_dirs) - skipped - len(failed)
        print(f"sweep {sweep_dir}: {ran} jobs ran, {skipped} skipped (results already exist), {len(failed)} failed")
        for path in failed:
            print(f"  failed: {path / ERROR_FILE}")
        if failed:
            sys.exit(1)


def sweep_job_overrides(config: DictConfig) -> list[list[str]]:
    """The override list of every job of a sweep, as Hydra's basic sweeper will make them."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    params = config.hydra.sweeper.get("params") or {}
    task = [f"{k}={v}" for k, v in params.items()] + list(OmegaConf.to_container(config.hydra.overrides.task))
    parsed = OverridesParser.create().parse_overrides(task)
    batches = BasicSweeper.split_arguments(parsed, None)
    return [list(job) for batch in batches for job in batch]


def model_config(cfg: DictConfig) -> ModelConfig:
    """Turn a composed Hydra config into a :class:`ModelConfig` (Hydra's own keys dropped)."""
    data: dict[str, Any] = {}
    for key in cfg:
        if key == "hydra":
            continue
        node = cfg[key]
        data[str(key)] = OmegaConf.to_container(node, resolve=True) if OmegaConf.is_config(node) else node
    return apply_design(from_dict(data))


def _validate_or_exit(cfg: DictConfig, context: str = "") -> None:
    try:
        validate(model_config(cfg))
    except ConfigError as err:
        where = f" (job: {context})" if context else ""
        print(f"ecosim: error: {err}{where}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
