"""The ``ecosim`` command (also ``python -m simulator``): a Hydra application.

It composes ``configs/config.yaml`` (defaults: the ``strategy``, ``scenario`` and ``shock``
groups) over the :class:`~simulator.config.ModelConfig` schema registered in Hydra's
ConfigStore; the callback in :mod:`simulator.cli.sweeps` validates every job before Hydra creates a
directory; the task runs the model with a progress bar, writes the outputs (see
:mod:`simulator.run.runner`) into the run directory and prints a short summary. Sweeps resume:
jobs whose results exist are skipped (:mod:`simulator.run.resume`).

Bad input stops the run with one line naming the key and what is allowed, exit status 2, and
no directory written.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from simulator.cli.sweeps import model_config
from simulator.config import ModelConfig
from simulator.run.resume import ERROR_FILE, ResultIndex, config_hash, mark_skipped
from simulator.run.runner import format_summary, run_simulation, write_run
from simulator.validation import validate

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"
CHOICE_GROUPS = ("scenario", "strategy", "shock", "experiment")
RESULTS_DIR = "results"
EXIT_BAD_INPUT = 2

ConfigStore.instance().store(name="base_config", node=ModelConfig)


def _refuse(message: str) -> None:
    print(f"ecosim: error: {message}", file=sys.stderr)
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
        values = (
            list(override.sweep_string_iterator())
            if override.is_sweep_override()
            else [override.get_value_element_as_str()]
        )
        for value in values:
            if value not in allowed:
                _refuse(f"{group}={value} is not a known {group}; allowed: {', '.join(allowed)}")


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def app(cfg: DictConfig) -> dict[str, Any]:
    """The Hydra task: run the composed configuration in Hydra's output directory."""
    hydra_cfg = HydraConfig.get()
    return run_job(model_config(cfg), Path(hydra_cfg.runtime.output_dir), hydra_cfg.mode == RunMode.MULTIRUN)


def run_job(
    config: ModelConfig, out_dir: Path, sweeping: bool, results_dir: str | Path = RESULTS_DIR
) -> dict[str, Any]:
    """Run one job and write its outputs into ``out_dir``.

    In a sweep, a job whose results already exist is skipped (unless ``force=true``), and a job
    that fails records its traceback in ``error.txt`` in its own directory while the others go
    on. A single run raises instead.

    Returns
    -------
    dict
        The run's summary, or ``{"skipped": ...}`` / ``{"failed": ...}``.
    """
    key = config_hash(config)
    index = ResultIndex(results_dir)
    previous = None if config.force else index.finished(key)
    if previous is not None and sweeping:
        return {"skipped": mark_skipped(out_dir, key, previous)}
    try:
        validate(config)
        result = run_simulation(config, progress=not sweeping)
        write_run(result, out_dir)
    except Exception:
        if not sweeping:
            raise
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / ERROR_FILE).write_text(traceback.format_exc())
        return {"failed": str(out_dir / ERROR_FILE)}
    index.record(key, out_dir)
    print(format_summary(result.summary))
    print(f"  outputs    {out_dir}")
    return result.summary


def main() -> None:
    """Console-script entry point of ``ecosim``."""
    check_group_choices(sys.argv[1:])
    app()
