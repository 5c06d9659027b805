"""The ``ecosim`` command (also ``python -m simulator``): a Hydra application.

It composes ``configs/config.yaml`` (defaults: the ``strategy`` and ``scenario`` groups) over the
:class:`~simulator.config.ModelConfig` schema registered in Hydra's ConfigStore, validates the
result before Hydra creates a run directory, runs the model with a progress bar, writes the
outputs (see :mod:`simulator.runner`) into the run directory and prints a short summary.

Bad input stops the run with one line naming the key and what is allowed, exit status 2, and
no directory written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from simulator.config import ModelConfig, from_dict
from simulator.errors import ConfigError
from simulator.runner import format_summary, run_simulation, write_run
from simulator.validation import validate

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
CHOICE_GROUPS = ("scenario", "strategy", "shock")
EXIT_BAD_INPUT = 2

ConfigStore.instance().store(name="base_config", node=ModelConfig)


def model_config(cfg: DictConfig) -> ModelConfig:
    """Turn a composed Hydra config into a :class:`ModelConfig` (Hydra's own keys dropped)."""
    data: dict[str, Any] = {}
    for key in cfg:
        if key == "hydra":
            continue
        node = cfg[key]
        data[str(key)] = OmegaConf.to_container(node, resolve=True) if OmegaConf.is_config(node) else node
    return from_dict(data)


class ValidateConfig(Callback):
    """Hydra callback that validates the configuration before any run directory exists."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        _validate_or_exit(config)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        _validate_or_exit(config)


def _validate_or_exit(cfg: DictConfig) -> None:
    try:
        validate(model_config(cfg))
    except ConfigError as err:
        _refuse(str(err))


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
    """Run one simulation with the composed configuration and write its outputs."""
    config = model_config(cfg)
    validate(config)  # also for each job of a sweep
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    result = run_simulation(config, progress=True)
    write_run(result, out_dir)
    print(format_summary(result.summary))
    print(f"  outputs    {out_dir}")
    return result.summary


def main() -> None:
    """Console-script entry point of ``ecosim``."""
    check_group_choices(sys.argv[1:])
    app()
