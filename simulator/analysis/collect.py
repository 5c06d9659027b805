"""Gather every job of a sweep into tidy tables.

``ecosim-collect results/sweeps/<sweep>`` writes into the sweep directory:

- ``runs.parquet``: one row per finished job: ``job`` (its directory name), the job's
  overrides as columns (``strategy``, ``platform.fee``, ``replicate``...), ``run_dir`` (the
  absolute path of the run directory read) and every summary metric, nested keys flattened
  with dots (``flows.revenue``, ``resilience.depth``...). The strategy groups' metrics are
  in ``runs_by_strategy.parquet``; only sweeps of mixed populations also keep them here as
  ``by_strategy.<group>.<metric>`` columns (the same groups in every job). Columns with no
  value in any job (``resilience.*`` without shocks) are left out;
- ``runs_by_strategy.parquet``: one row per job and strategy group (``strategy_group``), with
  the job's columns and every metric of the group's ``by_strategy`` entry;
- ``steps.parquet``: the long per-step table: the job and override columns plus every
  column of ``timeseries.parquet``;
- ``schema.json``: the data dictionary of these tables (type, label, unit, meaning of each
  column).

Every table has stable column types (:func:`simulator.run.tables.tidy`): ``step`` and other
counts ``int64``, text ``string``, numbers ``float64``, in pandas, polars and duckdb alike.
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

from simulator.config.parameters import parameter
from simulator.errors import EXIT_BAD_INPUT, EXIT_FAILED, one_line, report
from simulator.observe.registry import STEP, STRATEGY_SUMMARY, SUMMARY
from simulator.run.files import replacing, write_atomic
from simulator.run.identity import RUN_CONTROL_KEYS
from simulator.run.manifest import MANIFEST_FILE, verify_run
from simulator.run.resume import ERROR_FILE, SKIPPED_FILE
from simulator.run.tables import IDENTITY_DOCS, drop_empty, table_entry, tidy

MAX_LIST_LENGTH = 12
"""Lists in summaries up to this length are flattened into indexed columns; longer ones dropped."""


@dataclass
class Collected:
    """The tables of a sweep and the jobs that did not finish."""

    runs: pd.DataFrame
    steps: pd.DataFrame
    runs_by_strategy: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per job and strategy group."""
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
    rows, group_rows, steps, failed, unfinished, damaged, reused = [], [], [], [], [], [], 0
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
        identity = {"job": job.name, **params, "run_dir": str(run_dir.resolve())}
        groups = summary.get("by_strategy") or {}
        if len(groups) < 2:  # one group: its metrics are the run's own (in runs_by_strategy.parquet)
            summary = {k: v for k, v in summary.items() if k != "by_strategy"}
        rows.append({**identity, **flatten(summary)})
        group_rows += [{**identity, "strategy_group": name, **flatten(values)} for name, values in groups.items()]
        for key, value in reversed(identity.items()):
            series.insert(0, key, value)
        steps.append(series)
    runs = tidy(drop_empty(pd.DataFrame(rows)))
    by_strategy = tidy(drop_empty(pd.DataFrame(group_rows)))
    steps_table = tidy(pd.concat(steps, ignore_index=True)) if steps else pd.DataFrame()
    return Collected(runs, steps_table, by_strategy, failed, unfinished, reused, damaged)


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
        if key.startswith("hydra") or key in RUN_CONTROL_KEYS:
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


TABLES: dict[str, str] = {
    "runs.parquet": "one row per finished job",
    "runs_by_strategy.parquet": "one row per finished job and strategy group",
    "steps.parquet": "one row per finished job and step",
}
"""The tables :func:`write` writes, with what a row is."""


def write(collected: Collected, out_dir: str | Path) -> tuple[Path, Path]:
    """Write the tables of :data:`TABLES` and their data dictionary ``schema.json`` into ``out_dir``.

    Returns
    -------
    tuple of Path
        The paths of ``runs.parquet`` and ``steps.parquet``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frames = dict(zip(TABLES, (collected.runs, collected.runs_by_strategy, collected.steps), strict=True))
    for name, frame in frames.items():
        with replacing(out / name) as tmp:
            frame.to_parquet(tmp, index=False)
    write_atomic(out / "schema.json", json.dumps(sweep_dictionary(frames), indent=2))
    return out / "runs.parquet", out / "steps.parquet"


def sweep_dictionary(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The data dictionary of the collected tables (written as the sweep's ``schema.json``)."""
    levels = {"runs.parquet": SUMMARY, "runs_by_strategy.parquet": STRATEGY_SUMMARY, "steps.parquet": STEP}
    files = {}
    for name, frame in frames.items():
        docs = {**IDENTITY_DOCS, **_override_docs(frame)}
        files[name] = table_entry(frame, TABLES[name], levels[name], docs)
    return {"about": "Data dictionary of the tables ecosim-collect writes into a sweep directory.", "files": files}


def _override_docs(frame: pd.DataFrame) -> dict[str, str]:
    """Descriptions of the override columns that are schema parameters (``platform.fee``...)."""
    columns = list(frame.columns)
    if "job" not in columns or "run_dir" not in columns:
        return {}
    docs = {}
    for column in columns[columns.index("job") + 1 : columns.index("run_dir")]:
        try:
            docs[column] = f"Swept parameter: {parameter(column).doc}"
        except KeyError:
            docs[column] = "Swept setting (the job's override)."
    return docs


def _job_order(path: Path) -> tuple[int, str]:
    head = path.name.split("_", 1)[0]
    return (int(head), path.name) if head.isdigit() else (sys.maxsize, path.name)


def main(argv: list[str] | None = None) -> int:
    """``ecosim-collect SWEEP_DIR [--out DIR]``."""
    parser = argparse.ArgumentParser(
        prog="ecosim-collect",
        description="Collect a sweep into runs.parquet, runs_by_strategy.parquet and steps.parquet (with schema.json).",
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
