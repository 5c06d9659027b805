"""The ``ecosim`` command (also ``python -m simulator``): a Hydra application.

It composes ``configs/config.yaml`` (defaults: the ``strategy``, ``scenario`` and ``shock``
groups) over the :class:`~simulator.config.ModelConfig` schema registered in Hydra's
ConfigStore; the callback in :mod:`simulator.cli.sweeps` validates every job (unknown keys,
values, combinations, memory) before Hydra creates a directory; the task runs the model with a
progress bar, writes the outputs (see :mod:`simulator.run.runner`) into the run directory and
prints a short summary. Sweeps resume: jobs whose results exist and verify are skipped
(:mod:`simulator.run.resume`).

Every error is one line on stderr (:mod:`simulator.cli.messages`): bad input exits with status 2
and writes nothing; a failed run exits with status 1 and leaves its traceback in the run
directory's ``error.txt``.
"""

from __future__ import annotations

import json
import math
import os
import sys
import traceback
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from simulator.cli.messages import PROG, check_command_line, describe, exit_status, traceback_wanted
from simulator.cli.sweeps import model_config
from simulator.config import ModelConfig
from simulator.errors import EXIT_BAD_INPUT, EXIT_FAILED, TRACEBACK_ENV, RunFailed, one_line, report
from simulator.run.objective import objective_value
from simulator.run.resume import ERROR_FILE, RESULTS_DIR, ResultIndex, config_hash, mark_skipped
from simulator.run.runner import format_summary, run_simulation, write_run
from simulator.validation import validate

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"
CHOICE_GROUPS = ("scenario", "strategy", "shock", "experiment")

ConfigStore.instance().store(name="base_config", node=ModelConfig)


def _refuse(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


def group_options(group: str) -> list[str]:
    """Names of the YAML options of a config group in ``configs/``."""
    return sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))


def check_group_choices(overrides: list[str]) -> None:
    """Refuse unknown ``scenario=`` / ``strategy=`` choices before Hydra composes anything.

    Hydra would refuse them too, but over several lines; this names the key and the allowed
    values in one.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.override_parser.types import Glob

    wanted = [
        o for o in overrides if not o.startswith("-") and "=" in o and o.split("=")[0].lstrip("+~") in CHOICE_GROUPS
    ]
    if not wanted:
        return
    try:
        parsed = OverridesParser.create().parse_overrides(wanted)
    except Exception as err:  # Hydra reports syntax errors itself; keep its message short
        _refuse(str(err).splitlines()[0])
        return
    for override in parsed:
        group = override.key_or_group
        allowed = group_options(group)
        # glob() is expanded over the group's options here (Hydra's parser would need its config loader)
        if isinstance(override.value(), Glob):
            values = override.value().filter(allowed)
            if not values:
                _refuse(f"{override.input_line} matches no {group}; allowed: {', '.join(allowed)}")
        elif override.is_sweep_override():
            values = list(override.sweep_string_iterator())
        else:
            values = [override.get_value_element_as_str()]
        for value in values:
            if value not in allowed:
                _refuse(f"{group}={value} is not a known {group}; allowed: {', '.join(allowed)}")


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def app(cfg: DictConfig) -> dict[str, Any] | float:
    """The Hydra task: run the composed configuration in Hydra's output directory.

    Returns the run's summary, or with ``objective=<key>`` that metric's value as a float (NaN
    for a failed job), which is what optimizing sweepers such as Optuna need.
    """
    hydra_cfg = HydraConfig.get()
    out_dir = Path(hydra_cfg.runtime.output_dir)
    sweeping = hydra_cfg.mode == RunMode.MULTIRUN
    try:
        try:
            config = model_config(cfg)
        except Exception as err:
            return job_failed(out_dir, err, sweeping)
        outcome = run_job(config, out_dir, sweeping)
        return job_objective(config, outcome) if config.objective else outcome
    except RunFailed as err:  # a single run: one line and status 1 (raising would add Hydra's own line)
        sys.exit(report(PROG, err, EXIT_FAILED, traceback=traceback_wanted(sys.argv[1:])))


def run_job(
    config: ModelConfig, out_dir: Path, sweeping: bool, results_dir: str | Path = RESULTS_DIR
) -> dict[str, Any]:
    """Run one job and write its outputs into ``out_dir``.

    In a sweep, the job holds its configuration's lock (:meth:`ResultIndex.claim`) while it
    looks for an earlier result, runs and records it: an earlier run whose manifest verifies is
    reused (unless ``force=true``); a damaged one is run again, saying so in one line. Any
    failure, the index write included, records its traceback in ``error.txt`` in the job's own
    directory and the other jobs go on. A single run raises :class:`RunFailed` instead.

    Returns
    -------
    dict
        The run's summary, or ``{"skipped": ...}`` / ``{"failed": ...}``.
    """
    key = config_hash(config)
    index = ResultIndex(results_dir)
    try:
        with index.claim(key, on_wait=lambda: _waiting(out_dir, index)) if sweeping else nullcontext():
            if sweeping and not config.force:
                earlier = index.lookup(key)
                if earlier.run_dir is not None:
                    return {"skipped": mark_skipped(out_dir, key, earlier.run_dir)}
                if earlier.problem:
                    print(f"{PROG}: rerunning {out_dir.name}: the earlier result is damaged: {earlier.problem}")
            validate(config)
            result = run_simulation(config, progress=not sweeping)
            write_run(result, out_dir)
            index.record(key, out_dir)
    except Exception as err:
        return job_failed(out_dir, err, sweeping)
    print(format_summary(result.summary))
    print(f"  outputs    {out_dir}")
    return result.summary


def job_objective(config: ModelConfig, outcome: dict[str, Any]) -> float:
    """The value of ``config.objective`` in a job's outcome: its summary, the summary of the
    earlier run a skipped job reuses, or NaN for a failed job (the sweeper records a failed
    trial)."""
    if "failed" in outcome:
        return math.nan
    if "skipped" in outcome:
        previous = Path(outcome["skipped"]["previous_run"]) / "summary.json"
        outcome = json.loads(previous.read_text())
    value = objective_value(outcome, config.objective)
    print(f"  objective  {config.objective} = {value:.6g} (to {config.objective_direction})")
    return value


def _waiting(out_dir: Path, index: ResultIndex) -> None:
    print(f"{PROG}: {out_dir.name}: waiting for another process running the same configuration ({index.root})")


def job_failed(out_dir: Path, err: Exception, sweeping: bool) -> dict[str, Any]:
    """Record a job's failure: its traceback in ``out_dir/error.txt`` (if the directory can be
    written) and one line naming the cause; in a single run, raise :class:`RunFailed`."""
    error_file = out_dir / ERROR_FILE
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        error_file.write_text("".join(traceback.format_exception(err)))
        where = f"traceback in {error_file}"
    except OSError as write_err:
        where = f"no traceback written: {one_line(write_err)}"
    message = f"{out_dir}: {describe(err)} ({where})"
    if not sweeping:
        raise RunFailed(f"run failed: {message}") from err
    print(f"{PROG}: job failed: {message}", file=sys.stderr)
    return {"failed": message}


def main() -> None:
    """Console-script entry point of ``ecosim``: every error is one line (see the module doc)."""
    argv = sys.argv[1:]
    check_command_line(argv)
    check_group_choices(argv)
    original = os.environ.get("HYDRA_FULL_ERROR")
    if original == "1":  # the user asked Hydra for full tracebacks: give them ours too
        os.environ.setdefault(TRACEBACK_ENV, "1")
    show = traceback_wanted(argv)
    os.environ["HYDRA_FULL_ERROR"] = "1"  # Hydra then raises instead of printing; we report below
    try:
        app()
    except Exception as err:
        if original == "1":
            raise
        sys.exit(report(PROG, err, exit_status(err), describe(err), traceback=show))
    finally:
        if original is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = original
