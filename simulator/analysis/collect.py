"""Gather every job of a sweep into two tidy tables.

``ecosim-collect results/sweeps/<sweep>`` writes into the sweep directory:

- ``runs.parquet``: one row per finished job: ``job`` (its directory name), the job's
  overrides as columns (``strategy``, ``platform.fee``, ``replicate``...), ``seed``,
  ``replicate``, ``run_dir`` and every summary metric, nested keys flattened with dots
  (``flows.revenue``, ``resilience.depth``, ``by_strategy.phased.survival_rate``...);
- ``steps.parquet``: the long per-step table: the job and override columns plus every
  column of ``timeseries.parquet``.

Load with one line: ``pd.read_parquet("results/sweeps/<sweep>/runs.parquet")``. Jobs skipped
because their results already existed are read from the earlier run they point to. Only runs
whose manifest verifies (:func:`simulator.run.manifest.verify_run`) are read; failed,
unfinished and damaged jobs are reported one line each, not dropped silently, and make the exit
status 1. Any other error is one line too (exit status 2 for a path that is not a sweep).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from simulator.errors import EXIT_BAD_INPUT, EXIT_FAILED, one_line, report
from simulator.run.files import replacing
from simulator.run.manifest import MANIFEST_FILE, verify_run
from simulator.run.resume import ERROR_FILE, SKIPPED_FILE

MAX_LIST_LENGTH = 12
"""Lists in summaries up to this length are flattened into indexed columns; longer ones dropped."""


@dataclass
class Collected:
    """The tables of a sweep and the jobs that did not finish."""

    runs: pd.DataFrame
    steps: pd.DataFrame
    failed: list[Path] = field(default_factory=list)
    unfinished: list[Path] = field(default_factory=list)
    reused: int = 0
    damaged: list[tuple[Path, str]] = field(default_factory=list)
    """Jobs whose outputs fail verification, with what is wrong."""


def collect(sweep_dir: str | Path) -> Collected:
    """Read every job directory of a sweep (directories holding a ``.hydra`` folder)."""
    sweep = Path(sweep_dir)
    if not sweep.is_dir():
        raise FileNotFoundError(f"{sweep} is not a directory")
    jobs = sorted((p for p in sweep.iterdir() if (p / ".hydra").is_dir()), key=_job_order)
    if not jobs and (sweep / ".hydra").is_dir():
        jobs = [sweep]  # a single run's directory
    rows, steps, failed, unfinished, damaged, reused = [], [], [], [], [], 0
    for job in jobs:
        if (job / ERROR_FILE).exists():
            failed.append(job)
            continue
        try:
            run_dir = job
            if (job / SKIPPED_FILE).exists():
                run_dir = Path(json.loads((job / SKIPPED_FILE).read_text())["previous_run"])
            if _never_finished(run_dir):
                unfinished.append(job)
                continue
            problem = verify_run(run_dir)
            if problem:
                damaged.append((job, f"{run_dir}: {problem}" if run_dir != job else problem))
                continue
            params = job_overrides(job)
            summary = json.loads((run_dir / "summary.json").read_text())
            series = pd.read_parquet(run_dir / "timeseries.parquet")
        except Exception as err:  # a file changed under us, or skipped.json is damaged
            damaged.append((job, one_line(err)))
            continue
        reused += run_dir != job
        identity = {"job": job.name, **params, "run_dir": str(run_dir)}
        rows.append({**identity, **flatten(summary)})
        for key, value in reversed(identity.items()):
            series.insert(0, key, value)
        steps.append(series)
    runs = pd.DataFrame(rows)
    steps_table = pd.concat(steps, ignore_index=True) if steps else pd.DataFrame()
    return Collected(runs, steps_table, failed, unfinished, reused, damaged)


def _never_finished(run_dir: Path) -> bool:
    """A job directory without a manifest or any output: killed before it wrote anything."""
    return not (run_dir / MANIFEST_FILE).exists() and not (run_dir / "summary.json").exists()


def job_overrides(job_dir: Path) -> dict[str, Any]:
    """The job's command-line overrides as a mapping (values parsed as YAML scalars)."""
    path = job_dir / ".hydra" / "overrides.yaml"
    if not path.exists():
        return {}
    params: dict[str, Any] = {}
    for item in yaml.safe_load(path.read_text()) or []:
        key, _, value = str(item).partition("=")
        key = key.lstrip("+~")
        if key.startswith("hydra") or key in ("force",):
            continue
        params[key] = yaml.safe_load(value) if value else value
    return params


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested mappings (and short lists) into dotted keys."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            if len(value) <= MAX_LIST_LENGTH and all(not isinstance(v, dict | list) for v in value):
                out.update({f"{name}.{i}": v for i, v in enumerate(value)})
        else:
            out[name] = value
    return out


def write(collected: Collected, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``runs.parquet`` and ``steps.parquet`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    runs, steps = out / "runs.parquet", out / "steps.parquet"
    with replacing(runs) as tmp:
        collected.runs.to_parquet(tmp, index=False)
    with replacing(steps) as tmp:
        collected.steps.to_parquet(tmp, index=False)
    return runs, steps


def _job_order(path: Path) -> tuple[int, str]:
    head = path.name.split("_", 1)[0]
    return (int(head), path.name) if head.isdigit() else (sys.maxsize, path.name)


def main(argv: list[str] | None = None) -> int:
    """``ecosim-collect SWEEP_DIR [--out DIR]``."""
    parser = argparse.ArgumentParser(
        prog="ecosim-collect", description="Collect a sweep into runs.parquet and steps.parquet."
    )
    parser.add_argument("sweep_dir", type=Path, help="a sweep directory, e.g. results/sweeps/<date>")
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write the tables (default: the sweep directory)"
    )
    args = parser.parse_args(argv)
    prog = parser.prog
    if not args.sweep_dir.is_dir():
        return report(prog, FileNotFoundError(args.sweep_dir), EXIT_BAD_INPUT, f"{args.sweep_dir} is not a directory")
    try:
        collected = collect(args.sweep_dir)
        runs, steps = write(collected, args.out or args.sweep_dir)
    except Exception as err:
        return report(prog, err, EXIT_FAILED)
    print(
        f"collected {len(collected.runs)} runs ({collected.reused} reused from earlier sweeps) into {runs} and {steps}"
    )
    print_problems(collected)
    return EXIT_FAILED if collected.failed or collected.unfinished or collected.damaged else 0


def print_problems(collected: Collected) -> None:
    """One line per job that was not collected."""
    for job in collected.failed:
        print(f"  failed: {job / ERROR_FILE}")
    for job in collected.unfinished:
        print(f"  unfinished (no {MANIFEST_FILE}, no outputs): {job}")
    for job, problem in collected.damaged:
        print(f"  damaged (not collected; rerun the sweep to redo it): {job}: {problem}")


if __name__ == "__main__":
    sys.exit(main())
