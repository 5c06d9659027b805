"""Gather every job of a sweep into two tidy tables.

``ecosim-collect results/sweeps/<sweep>`` writes into the sweep directory:

- ``runs.parquet``: one row per finished job: ``job`` (its directory name), the job's
  overrides as columns (``strategy``, ``platform.fee``, ``replicate``...), ``seed``,
  ``replicate``, ``run_dir`` and every summary metric, nested keys flattened with dots
  (``flows.revenue``, ``resilience.depth``, ``by_strategy.phased.survival_rate``...);
- ``steps.parquet``: the long per-step table: the job and override columns plus every
  column of ``timeseries.parquet``.

Load with one line: ``pd.read_parquet("results/sweeps/<sweep>/runs.parquet")``. Jobs skipped
because their results already existed are read from the earlier run they point to; jobs that
failed are reported, not dropped silently.
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


def collect(sweep_dir: str | Path) -> Collected:
    """Read every job directory of a sweep (directories holding a ``.hydra`` folder)."""
    sweep = Path(sweep_dir)
    if not sweep.is_dir():
        raise FileNotFoundError(f"{sweep} is not a directory")
    jobs = sorted((p for p in sweep.iterdir() if (p / ".hydra").is_dir()), key=_job_order)
    if not jobs and (sweep / ".hydra").is_dir():
        jobs = [sweep]  # a single run's directory
    rows, steps, failed, unfinished, reused = [], [], [], [], 0
    for job in jobs:
        if (job / ERROR_FILE).exists():
            failed.append(job)
            continue
        run_dir = job
        if (job / SKIPPED_FILE).exists():
            run_dir = Path(json.loads((job / SKIPPED_FILE).read_text())["previous_run"])
            reused += 1
        if not (run_dir / "summary.json").exists():
            unfinished.append(job)
            continue
        params = job_overrides(job)
        summary = json.loads((run_dir / "summary.json").read_text())
        identity = {"job": job.name, **params, "run_dir": str(run_dir)}
        rows.append({**identity, **flatten(summary)})
        series = pd.read_parquet(run_dir / "timeseries.parquet")
        for key, value in reversed(identity.items()):
            series.insert(0, key, value)
        steps.append(series)
    runs = pd.DataFrame(rows)
    return Collected(runs, pd.concat(steps, ignore_index=True) if steps else pd.DataFrame(), failed, unfinished, reused)


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
    collected.runs.to_parquet(runs, index=False)
    collected.steps.to_parquet(steps, index=False)
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
    try:
        collected = collect(args.sweep_dir)
    except FileNotFoundError as err:
        print(f"ecosim-collect: error: {err}", file=sys.stderr)
        return 2
    runs, steps = write(collected, args.out or args.sweep_dir)
    print(
        f"collected {len(collected.runs)} runs ({collected.reused} reused from earlier sweeps) into {runs} and {steps}"
    )
    for job in collected.failed:
        print(f"  failed: {job / ERROR_FILE}")
    for job in collected.unfinished:
        print(f"  unfinished (no summary.json): {job}")
    return 1 if collected.failed or collected.unfinished else 0


if __name__ == "__main__":
    sys.exit(main())
