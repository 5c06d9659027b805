"""Run a configured simulation and write its outputs; no Hydra here.

The output contract of one run directory:

- ``config.yaml``: the resolved :class:`~simulator.config.ModelConfig`;
- ``timeseries.parquet``: one row per step;
- ``timeseries_by_strategy.parquet``: one row per step and strategy group;
- ``timeseries_by_platform.parquet``: one row per step and platform (the ``platform_<i>_*``
  columns of ``timeseries.parquet`` in long format);
- ``events.parquet``: one row per alliance lifecycle event
  (columns in :data:`simulator.core.events.EVENT_COLUMNS`);
- ``survival.parquet``: survival and hazard curves by age, tidy long format (columns in
  :data:`simulator.observe.survival.SURVIVAL_COLUMNS`, curves in
  :data:`simulator.observe.survival.SURVIVAL_CURVES`);
- ``resilience_firms.parquet``: each SMB's response to the first shock, tidy (columns in
  :data:`simulator.observe.resilience.FIRM_COLUMNS`; no rows without shocks);
- ``summary.json``: final metrics, with one entry per strategy group under ``by_strategy`` and
  the ``survival`` block (keys in :data:`simulator.observe.survival.SURVIVAL_SUMMARY`); with a
  focal firm (``focal.enabled``) also its outcomes under ``focal``
  (:func:`simulator.observe.focal.focal_summary`);
- ``focal.parquet``: only with a focal firm: its state, one row per step (columns in
  :data:`simulator.observe.focal.FOCAL_COLUMNS`);
- ``schema.json``: the data dictionary of these files: each table's columns with their type,
  label, unit and meaning, and the summary's keys (:mod:`simulator.run.tables`);
- ``manifest.json``: written last, once the files above are in place: each file's size and
  sha256, the code version and the configuration hash (:mod:`simulator.run.manifest`). A run
  directory is complete exactly when its manifest verifies.

Every table has stable column types (``int64``, ``float64``, ``bool``, ``string``; see
:func:`simulator.run.tables.tidy`). The columns and keys of the metric files are those of the metric registry
(:data:`simulator.observe.metrics.METRICS`, e.g. ``METRICS.columns(Level.SUMMARY)``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from tqdm.auto import tqdm

from simulator.config import ModelConfig, from_dict
from simulator.core.seeds import run_seed
from simulator.model import EcosystemModel
from simulator.observe.focal import focal_summary
from simulator.observe.metrics import summary as summarize
from simulator.observe.metrics import timeseries, timeseries_by_strategy
from simulator.observe.resilience import firm_table
from simulator.observe.survival import survival_of
from simulator.run.event_file import write_event_file
from simulator.run.files import publish, staging
from simulator.run.heap import release_free_memory
from simulator.run.identity import CODE_FINGERPRINT, code_version, config_hash
from simulator.run.manifest import MANIFEST_FILE, describe_files, write_manifest
from simulator.run.tables import platform_series, run_dictionary, tidy

OUTPUT_FILES: tuple[str, ...] = (
    "config.yaml",
    "timeseries.parquet",
    "timeseries_by_strategy.parquet",
    "timeseries_by_platform.parquet",
    "events.parquet",
    "survival.parquet",
    "resilience_firms.parquet",
    "summary.json",
    "schema.json",
)


@dataclass
class RunResult:
    """Everything a finished run produced."""

    model: EcosystemModel
    timeseries: pd.DataFrame
    timeseries_by_strategy: pd.DataFrame
    summary: dict[str, Any]
    survival: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Survival and hazard curves by age (the content of ``survival.parquet``)."""
    resilience_firms: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Each SMB's response to the first shock (the content of ``resilience_firms.parquet``)."""
    twin: RunResult | None = None
    """The no-shock twin run, when ``config.twin`` is set and shocks are scheduled."""
    focal: pd.DataFrame | None = None
    """The focal firm's state by step (the content of ``focal.parquet``), when there is one."""

    @cached_property
    def events(self) -> pd.DataFrame:
        """The event log as a frame (the content of ``events.parquet``), built when first read:
        :func:`write_run` writes the log from its codes in chunks, never holding it whole."""
        return self.model.events.to_frame()


def run_simulation(
    config: ModelConfig, progress: bool = False, observer: Callable[[EcosystemModel], None] | None = None
) -> RunResult:
    """Build the model, run ``config.steps`` steps and gather the outputs.

    With ``config.twin`` and scheduled shocks, the same configuration without its shocks runs
    too (same seed, so both draw the same numbers until the first shock), and the summary's
    resilience reports the loss against it.

    Parameters
    ----------
    config
        The run's configuration (validated by the model).
    progress
        Show a progress bar over steps on stderr.
    observer
        Called with the model once it is built and after every step (of the run itself, not
        of its twin), to record what the outputs do not keep, e.g. a panel of firms. It must
        not change the model.

    Returns
    -------
    RunResult
    """
    twin = None
    if config.twin and config.shocks:
        twin = _run(replace(config, shocks=[], twin=False), progress, "no-shock twin", keep_history=True)
    return _run(config, progress, "simulating", twin, observer)


def _run(
    config: ModelConfig,
    progress: bool,
    label: str,
    twin: RunResult | None = None,
    observer: Callable[[EcosystemModel], None] | None = None,
    keep_history: bool = False,
) -> RunResult:
    model = EcosystemModel(config)
    if keep_history:  # the twin's per-firm history is what the shocked run's firms are compared with
        model.history.keep = True
    if observer is not None:
        observer(model)
    for _ in tqdm(range(config.steps), desc=label, unit="step", disable=not progress, leave=False):
        model.step()
        if observer is not None:
            observer(model)
    release_free_memory()  # the steps' freed working arrays, before the summary's columns
    twin_series = None if twin is None else (twin.timeseries, twin.timeseries_by_strategy, twin.model.history)
    summary = summarize(model, twin_series)
    survival, _ = survival_of(model)
    firms = firm_table(model, None if twin is None else twin.model.history)
    focal = None
    if model.focal is not None:
        summary["focal"] = focal_summary(model, None if twin is None else twin.model)
        focal = model.focal.frame()
    return RunResult(
        model,
        timeseries(model),
        timeseries_by_strategy(model),
        summary,
        survival=survival,
        resilience_firms=firms,
        twin=twin,
        focal=focal,
    )


def write_run(result: RunResult, out_dir: str | Path) -> Path:
    """Write the output files (:data:`OUTPUT_FILES`; the twin's in ``twin/``) into ``out_dir``.

    The files are written into a hidden staging directory inside ``out_dir`` and moved into
    place once all of them are written; ``manifest.json`` (every file's size and sha256, the
    code version, the configuration hash) is written last and atomically. If writing fails
    (a full disk, say), the staged files are removed and nothing is left half written.

    Raises
    ------
    FileExistsError
        If ``out_dir`` already holds a run's outputs (earlier results are never overwritten).
    """
    final = Path(out_dir)
    taken = [name for name in (*OUTPUT_FILES, MANIFEST_FILE) if (final / name).exists()]
    if taken:
        raise FileExistsError(f"{final} already holds {', '.join(taken)}; not overwriting an earlier run")
    final.mkdir(parents=True, exist_ok=True)
    release_free_memory()  # the summary's freed columns, before the event log's row groups
    with staging(final) as staged:
        files = describe_files(_write_outputs(result, staged))
        missing = [name for name in OUTPUT_FILES if name not in files]
        if missing:
            raise RuntimeError(f"write_run wrote no {', '.join(missing)} (OUTPUT_FILES lists them)")
        publish(staged, final)
    write_manifest(final, files, run_identity(result.model.config))
    return final


def _write_outputs(result: RunResult, out: Path) -> Path:
    """Write the files of :data:`OUTPUT_FILES` (and the twin's run in ``twin/``) into ``out``."""
    config = result.model.config
    with open(out / "config.yaml", "w") as fh:
        yaml.safe_dump(
            {**config_record(config), "run_seed": run_seed(config.seed, config.replicate)}, fh, sort_keys=False
        )
    tables = {
        "timeseries.parquet": result.timeseries,
        "timeseries_by_strategy.parquet": result.timeseries_by_strategy,
        "timeseries_by_platform.parquet": platform_series(result.timeseries, config.n_platforms),
        "events.parquet": None,
        "survival.parquet": result.survival,
        "resilience_firms.parquet": result.resilience_firms,
    }
    if result.focal is not None:
        tables["focal.parquet"] = result.focal
    for name, frame in tables.items():
        if frame is None:  # from the log's codes, one row group at a time: never the log as a frame
            tables[name] = write_event_file(result.model.events, out / name)
        else:
            tables[name] = tidy(frame)
            tables[name].to_parquet(out / name, index=False)
    with open(out / "schema.json", "w") as fh:
        json.dump(run_dictionary(tables, config), fh, indent=2)
    with open(out / "summary.json", "w") as fh:
        json.dump(result.summary, fh, indent=2)
    if result.twin is not None:
        write_run(result.twin, out / "twin")
    return out


def config_record(config: ModelConfig) -> dict[str, Any]:
    """The configuration as written to ``config.yaml``: every key, except the ``focal`` block
    when there is no focal firm (so that runs without one write what they always wrote)."""
    data = asdict(config)
    if not config.focal.enabled:
        data.pop("focal")
    return data


def run_identity(config: ModelConfig) -> dict[str, str]:
    """What a run's manifest records about the code and configuration that produced it."""
    return {"config_hash": config_hash(config), "code": CODE_FINGERPRINT, "version": code_version()}


def read_config(path: str | Path) -> ModelConfig:
    """Read a run's ``config.yaml`` (or the one in a run directory) back into a configuration.

    The recorded ``run_seed`` is dropped (it is derived from ``seed`` and ``replicate``); any
    other key must be a schema key, as in :func:`simulator.config.from_dict`.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "config.yaml"
    data = yaml.safe_load(path.read_text()) or {}
    data.pop("run_seed", None)
    return from_dict(data)


def format_summary(summary: dict[str, Any]) -> str:
    """A short human-readable report of a run's summary."""
    pct = "{:.1%}".format
    shares = ", ".join(pct(s) for s in summary["platform_shares"]) or "no platforms"
    lines = [
        f"scenario {summary['scenario']}, strategy {summary['strategy']}, seed {summary['seed']}, "
        f"{summary['steps']} steps, {summary['n_smbs']} SMBs",
        f"  growth     survival {pct(summary['survival_rate'])}, total revenue growth "
        f"{pct(summary['revenue_growth_total'])}/step, median SMB growth {pct(summary['median_revenue_growth'])}/step",
        f"  lock-in    revenue HHI {summary['mean_revenue_hhi']:.3f}, largest platform share "
        f"{pct(summary['mean_largest_platform_share'])}, revenue at risk from the key counterpart "
        f"{pct(summary['mean_revenue_at_risk'])}",
        f"  platforms  sales shares {shares} (HHI {summary['platform_hhi']:.3f})",
        f"  alliances  {summary['formations']} formed, {summary['renegotiations']} renegotiated, "
        f"{summary['dissolutions']} ended ({pct(summary['early_failure_share'])} early), "
        f"mean duration {summary['mean_duration']:.1f} steps, {summary['active_alliances']} active",
        f"  network    density {summary['density']:.4f}, mean degree {summary['mean_degree']:.2f}",
    ]
    survival = summary.get("survival")
    if survival:
        ages = ", ".join(
            "n/a" if survival[f"smb_survival_{age}m"] is None else pct(survival[f"smb_survival_{age}m"])
            for age in (12, 60, 120)
        )
        median = survival["alliance_median_duration"]
        low, high = survival["alliance_median_duration_ci"]
        span = f" (95% {_months(low, 'open')} to {_months(high, 'open')})" if median is not None else ""
        lines.append(
            f"  survival   SMBs alive at 1, 5, 10 years of age: {ages}; median alliance duration "
            f"{_months(median)}{span}"
        )
    robustness = summary.get("network_robustness")
    if robustness:
        lines.append(
            f"  robustness largest component kept under node removal: random {robustness['random_index']:.2f}, "
            f"targeted {robustness['targeted_index']:.2f}"
        )
    shock = summary.get("resilience")
    if shock:
        recovery = f"recovered in {shock['recovery_steps']} steps" if shock["recovered"] else "not recovered"
        twin = ""
        if shock["loss_vs_twin"] is not None:
            twin = (
                f", lost vs no-shock twin: revenue {pct(shock['loss_vs_twin'])}, net income "
                f"{pct(shock['net_income_loss_vs_twin'])} of its revenue"
            )
        lines.append(
            f"  resilience shock at step {shock['shock_start']}: revenue drop {pct(shock['depth'])}, {recovery}, "
            f"survival through it {pct(shock['survival_through_shock'])}{twin}"
        )
    if "strategy_switches" in summary:  # strategies evolve
        mix = ", ".join(f"{name} {pct(share)}" for name, share in summary["strategy_shares"].items())
        settled = f"stable from step {summary['convergence_step']}" if summary["mix_stable"] else "not stable"
        lines.append(f"  adaptation {summary['strategy_switches']} strategy switches; final mix {mix} ({settled})")
    groups = summary.get("by_strategy", {})
    if len(groups) > 1:
        lines.append("  by strategy (share: survival, revenue HHI, largest platform share, alliances per SMB)")
        for name, g in groups.items():
            lines.append(
                f"    {name:<26} {pct(g['share'])}: {pct(g['survival_rate'])}, {g['mean_revenue_hhi']:.3f}, "
                f"{pct(g['mean_largest_platform_share'])}, {g['alliances_per_smb']:.2f}"
            )
    return "\n".join(lines)


def _months(value: float | None, missing: str = "not reached") -> str:
    return missing if value is None else f"{value:.0f} months"
