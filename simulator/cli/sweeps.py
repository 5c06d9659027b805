"""Hydra callbacks for single runs and sweeps (``ecosim -m``).

- Before anything is written, every job's configuration is composed and checked: unknown keys,
  values, combinations (:func:`simulator.validation.validate`), the ``objective``
  (:func:`simulator.run.objective.check_objective`) and memory
  (:func:`simulator.run.resources.check_memory`). The first problem, whatever raised it, stops
  the run or the whole sweep with one line naming the key (exit status 2). With Hydra's basic
  sweeper every job is checked (``glob()`` expanded over the group's options); with an
  optimizing sweeper (Optuna...), which picks its jobs as it goes, every value a ``choice()``
  or ``range()`` can take and both ends of each ``interval()`` are checked, and the sweeper's
  ``direction`` must match ``objective_direction``.
- A progress bar counts the jobs of a sweep as they end (with the basic launcher; parallel
  launchers such as joblib report their own progress).
- At the end, a sweep says how many jobs ran, how many were skipped because their results
  already existed (see :mod:`simulator.run.resume`) and how many failed (each failed job has an
  ``error.txt`` in its directory, or is listed as incomplete when even that could not be
  written); a sweep with failed jobs exits with status 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf, open_dict
from tqdm.auto import tqdm

from simulator.cli.messages import PROG, describe, traceback_wanted
from simulator.config import ModelConfig, apply_design, from_dict
from simulator.errors import EXIT_BAD_INPUT, EXIT_FAILED, ConfigError, report
from simulator.run.files import check_writable
from simulator.run.manifest import MANIFEST_FILE
from simulator.run.objective import check_objective
from simulator.run.replicates import run_units
from simulator.run.resources import check_memory
from simulator.run.resume import ERROR_FILE, RESULTS_DIR, SKIPPED_FILE, ResultIndex
from simulator.validation import validate


class ValidateAndReport(Callback):
    """Check every job before any directory exists; count and report the jobs of a sweep.

    Hydra turns an exception raised in a callback into a warning and goes on, so every hook
    here catches its own errors and exits with one line.
    """

    def __init__(self) -> None:
        self.bar: tqdm | None = None

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        preflight_or_exit(config)
        run_dir = output_dir_or_exit(config, "hydra.run.dir")
        writable_or_exit(run_dir, ResultIndex(RESULTS_DIR).root)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        try:
            check_sweeper(config)
            jobs = sweep_job_overrides(config)
            loader = GlobalHydra.instance().config_loader()
        except Exception as err:
            _exit(err, EXIT_BAD_INPUT)
        for number, overrides in enumerate(jobs):
            context = " ".join(overrides)
            try:
                job_config = loader.load_sweep_config(config, list(overrides))
                with open_dict(job_config):  # as the launcher will number it
                    job_config.hydra.job.num = job_config.hydra.job.id = number
            except Exception as err:
                _exit(err, EXIT_BAD_INPUT, context)
            preflight_or_exit(job_config, context)
            output_dir_or_exit(job_config, "hydra.sweep.subdir", context)
        sweep_dir = output_dir_or_exit(config, "hydra.sweep.dir")
        writable_or_exit(sweep_dir, ResultIndex(RESULTS_DIR).root)
        if config.hydra.launcher.get("_target_", "").endswith("BasicLauncher"):
            # an optimizing sweeper runs its trials, not a job list known in advance
            total = len(jobs) if is_basic_sweeper(config) else config.hydra.sweeper.get("n_trials")
            self.bar = tqdm(total=total, desc="sweep", unit="job")

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        if self.bar is not None:
            self.bar.close()
        try:
            sweep_dir = Path(config.hydra.sweep.dir)
            ran, skipped, failed, incomplete = sweep_outcome(sweep_dir)
        except Exception as err:
            _exit(err, EXIT_FAILED)
        print(
            f"sweep {sweep_dir}: {len(ran)} jobs ran, {len(skipped)} skipped (results already exist), "
            f"{len(failed) + len(incomplete)} failed"
        )
        for path in failed:
            print(f"  failed: {path / ERROR_FILE}")
        for path in incomplete:
            print(
                f"  failed: {path} (no {MANIFEST_FILE} and no {ERROR_FILE}: killed, or its directory is not writable)"
            )
        if failed or incomplete:
            sys.exit(EXIT_FAILED)


def sweep_outcome(sweep_dir: Path) -> tuple[list[Path], list[Path], list[Path], list[Path]]:
    """The run directories of a sweep's jobs (a ``replicates=k`` job has k) that ran, were
    skipped, failed, or ended with neither a manifest nor an error file."""
    job_dirs = sorted(p for p in sweep_dir.iterdir() if (p / ".hydra").is_dir()) if sweep_dir.is_dir() else []
    jobs = [run_dir for job in job_dirs for run_dir, _ in run_units(job)]
    skipped = [p for p in jobs if (p / SKIPPED_FILE).exists()]
    failed = [p for p in jobs if (p / ERROR_FILE).exists()]
    ran = [p for p in jobs if p not in skipped and p not in failed and (p / MANIFEST_FILE).exists()]
    incomplete = [p for p in jobs if p not in skipped and p not in failed and p not in ran]
    return ran, skipped, failed, incomplete


def sweep_job_overrides(config: DictConfig) -> list[list[str]]:
    """The override lists to check before a sweep starts.

    With Hydra's basic sweeper, every job's overrides, as it will make them (``glob()`` expanded
    over the group's options). With any other sweeper (Optuna, Nevergrad...), which picks its
    jobs as it goes, probes covering each sweep's values: one list with every sweep at its
    first value, and one per other value of each sweep (every value of a ``choice()``,
    ``range()`` or ``glob()``, both ends of an ``interval()``).
    """
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    params = config.hydra.sweeper.get("params") or {}
    task = [f"{k}={v}" for k, v in params.items()] + list(OmegaConf.to_container(config.hydra.overrides.task))
    hydra = GlobalHydra.instance()
    loader = hydra.config_loader() if hydra.is_initialized() else None
    parsed = OverridesParser.create(config_loader=loader).parse_overrides(task)
    if is_basic_sweeper(config):
        batches = BasicSweeper.split_arguments(parsed, None)
        return [list(job) for batch in batches for job in batch]
    values = [sweep_values(o) for o in parsed]
    first = [f"{o.get_key_element()}={v[0]}" for o, v in zip(parsed, values, strict=True)]
    probes = [first]
    for i, (override, options) in enumerate(zip(parsed, values, strict=True)):
        for value in options[1:]:
            probes.append([*first[:i], f"{override.get_key_element()}={value}", *first[i + 1 :]])
    return probes


def is_basic_sweeper(config: DictConfig) -> bool:
    """Whether the sweep runs with Hydra's basic sweeper (every job known before it starts)."""
    return str(config.hydra.sweeper.get("_target_", "")).endswith("BasicSweeper")


def sweep_values(override: Any) -> list[str]:
    """The values of an override to check, as override text (see :func:`sweep_job_overrides`)."""
    if not override.is_sweep_override():
        return [override.get_value_element_as_str()]
    if override.is_interval_sweep():
        interval = override.value()
        whole = isinstance(interval.start, int) and isinstance(interval.end, int)
        return [str(int(v) if whole else float(v)) for v in (interval.start, interval.end)]
    return list(override.sweep_string_iterator())


def check_sweeper(config: DictConfig) -> None:
    """Refuse a sweeper that optimizes (it has a ``direction``) without an ``objective`` to
    optimize, or with a direction other than ``objective_direction``."""
    sweeper = config.hydra.sweeper
    if "direction" not in sweeper:
        return
    name = str(sweeper.get("_target_", "")).rpartition(".")[2]
    if not config.get("objective"):
        raise ConfigError(
            "objective", f"{name} optimizes a number: set objective=<summary metric>, e.g. objective=survival_rate"
        )
    direction = sweeper.direction
    direction = str(getattr(direction, "name", direction))
    wanted = str(config.get("objective_direction", "maximize"))
    if direction != wanted:
        raise ConfigError(
            "objective_direction",
            f"is {wanted} but hydra.sweeper.direction is {direction}; set both the same way",
        )


def model_config(cfg: DictConfig) -> ModelConfig:
    """Turn a composed Hydra config into a :class:`ModelConfig` (Hydra's own keys dropped).

    Raises
    ------
    ConfigError
        For any key the schema does not define (added with ``+``/``++``, or from a preset).
    """
    data: dict[str, Any] = {}
    for key in cfg:
        if key == "hydra":
            continue
        node = cfg[key]
        data[str(key)] = OmegaConf.to_container(node, resolve=True) if OmegaConf.is_config(node) else node
    return apply_design(from_dict(data))


def preflight(cfg: DictConfig) -> ModelConfig:
    """Everything checked before a job may create a directory: keys, values, combinations, the
    objective, memory."""
    config = model_config(cfg)
    validate(config)
    check_objective(config)
    check_memory(config)
    return config


def preflight_or_exit(cfg: DictConfig, context: str = "") -> None:
    """:func:`preflight`, exiting with one line and status 2 on any problem."""
    try:
        preflight(cfg)
    except Exception as err:
        _exit(err, EXIT_BAD_INPUT, context)


def output_dir_or_exit(cfg: DictConfig, key: str, context: str = "") -> Path:
    """Resolve an output directory setting (e.g. ``hydra.run.dir``), exiting with status 2 if it
    cannot be (it names a key the configuration no longer has, say)."""
    try:
        return Path(str(OmegaConf.select(cfg, key, throw_on_missing=True)))
    except Exception as err:
        _exit(err, EXIT_BAD_INPUT, context)


def writable_or_exit(*directories: Path) -> None:
    """Exit with one line (status 1) unless the directories could be created and written (their
    nearest existing ancestor is a writable directory); nothing is created here."""
    for directory in directories:
        try:
            check_writable(directory)
        except OSError as err:
            _exit(err, EXIT_FAILED, hint=f"cannot write results into {directory}")


def _exit(err: BaseException, status: int, context: str = "", hint: str = "") -> NoReturn:
    where = f" (job: {context})" if context else ""
    message = f"{hint}: {describe(err)}" if hint else describe(err)
    sys.exit(report(PROG, err, status, message + where, traceback=traceback_wanted(sys.argv[1:])))
