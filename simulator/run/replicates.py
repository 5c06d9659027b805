"""Several replicates in one job: ``replicates=k`` packs k short runs into one process.

A sweep job costs an interpreter start, imports and Hydra's composition on top of its
simulation; for short runs that overhead dominates. With ``replicates=k`` one job runs
replicates ``replicate`` .. ``replicate + k - 1`` in turn and writes each into its own run
directory ``replicate_<r>/`` inside the job's directory. Each replicate runs exactly the
configuration a separate job with ``replicate=<r>`` would run (``replicates`` is run control:
it is reset to 1 and not hashed), so its files are byte for byte those of the separate job, it
is claimed, skipped when already done and recorded in the result index on its own (a killed job
resumes at the first unfinished replicate), and ``ecosim-collect`` reads it as one job.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from simulator.config import ModelConfig

REPLICATE_PREFIX = "replicate_"
"""Name prefix of a replicate's run directory inside a ``replicates=k`` job's directory."""


def replicate_configs(config: ModelConfig) -> list[ModelConfig]:
    """The configuration of each replicate a job runs (one, itself, without ``replicates``)."""
    return [replace(config, replicate=config.replicate + i, replicates=1) for i in range(config.replicates)]


def replicate_dir(job_dir: Path, config: ModelConfig) -> Path:
    """The run directory of one replicate inside its job's directory."""
    return job_dir / f"{REPLICATE_PREFIX}{config.replicate}"


def run_units(job_dir: Path) -> list[tuple[Path, int | None]]:
    """The run directories of a job directory, each with its replicate (None: the job's own).

    A ``replicates=k`` job holds its runs in ``replicate_<r>/`` subdirectories; any other job is
    its own run directory.
    """
    units = [
        (path, int(path.name.removeprefix(REPLICATE_PREFIX)))
        for path in job_dir.glob(f"{REPLICATE_PREFIX}*")
        if path.is_dir() and path.name.removeprefix(REPLICATE_PREFIX).isdigit()
    ]
    return sorted(units, key=lambda unit: unit[1]) if units else [(job_dir, None)]
