"""Experiments: replicate seeds, resuming sweeps, collecting, comparing, launchers."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ecosim, sweep_dirs
from hydra import compose, initialize_config_dir

from simulator import ModelConfig
from simulator.analysis.collect import collect
from simulator.analysis.compare import compare, report
from simulator.cli.app import CONFIG_DIR, run_job
from simulator.cli.sweeps import model_config
from simulator.core.seeds import run_seed
from simulator.run.resume import ERROR_FILE, ResultIndex, config_hash
from simulator.run.runner import run_simulation
from simulator.validation import validate

EXPERIMENTS = sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("*.yaml"))
TINY = ["steps=4", "n_smbs=40", "n_partners=8"]


def test_replicate_seeds_are_distinct_and_reproducible() -> None:
    """Replicates of a base seed get distinct derived seeds, the same ones every time."""
    seeds = [run_seed(42, r) for r in range(20)]
    assert len(set(seeds)) == 20
    assert seeds == [run_seed(42, r) for r in range(20)]
    assert run_seed(42, 0) != run_seed(43, 0)


def test_replicates_are_independent_runs_and_each_is_reproducible() -> None:
    """Two replicates differ; the same replicate repeats exactly."""
    base = ModelConfig(n_smbs=60, n_partners=10, steps=15)
    first = run_simulation(ModelConfig(**{**base.__dict__, "replicate": 1})).timeseries
    again = run_simulation(ModelConfig(**{**base.__dict__, "replicate": 1})).timeseries
    other = run_simulation(ModelConfig(**{**base.__dict__, "replicate": 2})).timeseries
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_config_hash_covers_results_not_run_control() -> None:
    """The resume hash changes with seed or replicate but not with force."""
    base = ModelConfig()
    assert config_hash(base) == config_hash(ModelConfig(force=True))
    assert config_hash(base) != config_hash(ModelConfig(seed=1))
    assert config_hash(base) != config_hash(ModelConfig(replicate=1))


def test_failed_job_records_its_error_and_is_not_indexed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a sweep, a job that raises writes error.txt in its own directory instead of stopping the sweep."""

    def broken(*args, **kwargs):
        raise RuntimeError("planted failure")

    monkeypatch.setattr("simulator.cli.app.run_simulation", broken)
    config = ModelConfig(n_smbs=20, steps=2)
    out = run_job(config, tmp_path / "job", sweeping=True, results_dir=tmp_path / "results")
    assert "failed" in out
    assert "planted failure" in (tmp_path / "job" / ERROR_FILE).read_text()
    assert ResultIndex(tmp_path / "results").finished(config_hash(config)) is None
    with pytest.raises(RuntimeError):
        run_job(config, tmp_path / "single", sweeping=False, results_dir=tmp_path / "results")


@pytest.mark.slow
def test_resume_skips_exactly_the_finished_jobs(tmp_path: Path) -> None:
    """Rerunning a sweep with one more value runs only the new job; force reruns all."""
    first = ecosim("-m", "seed=1,2", *TINY, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "2 jobs ran, 0 skipped" in first.stdout
    second = ecosim("-m", "seed=1,2,3", *TINY, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "1 jobs ran, 2 skipped" in second.stdout
    newest = sweep_dirs(tmp_path)[-1]
    assert len(list(newest.glob("*/skipped.json"))) == 2
    collected = collect(newest)
    assert sorted(collected.runs.seed) == [1, 2, 3] and collected.reused == 2
    forced = ecosim("-m", "seed=1,2,3", "force=true", *TINY, cwd=tmp_path)
    assert "3 jobs ran, 0 skipped" in forced.stdout


@pytest.mark.slow
def test_sweep_with_a_bad_value_is_refused_before_any_job(tmp_path: Path) -> None:
    """An invalid value anywhere in a sweep stops it before a job runs, naming the key."""
    result = ecosim("-m", "platform.fee=0.1,1.5", *TINY, cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "platform.fee" in lines[0] and "Traceback" not in result.stderr
    assert not list(tmp_path.glob("results/sweeps/*/*/summary.json"))


@pytest.mark.slow
@pytest.mark.parametrize("launcher", ["joblib", "submitit_local"])
def test_launchers_run_a_tiny_sweep_end_to_end(tmp_path: Path, launcher: str) -> None:
    """The joblib and submitit_local launchers run every job of a sweep and the collector finds them."""
    result = ecosim(
        "-m", f"hydra/launcher={launcher}", "strategy=go_it_alone,diversification", "replicate=0,1", *TINY, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-2000:]
    collected = collect(sweep_dirs(tmp_path)[-1])
    assert len(collected.runs) == 4 and not collected.failed
    assert set(collected.runs.strategy) == {"go_it_alone", "diversification"}
    assert len(collected.steps) == 4 * 4


@pytest.mark.slow
def test_collect_and_report_a_sweep(tmp_path: Path) -> None:
    """The collector gives one row per job with swept columns and metrics; the report has a table and figures."""
    result = ecosim(
        "-m", "strategy=platform_first,diversification", "replicate=range(3)", "steps=20", "n_smbs=60", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-2000:]
    sweep = sweep_dirs(tmp_path)[-1]
    # a job that failed is reported, not dropped silently
    broken = sweep / "99_broken"
    shutil.copytree(next(sweep.glob("0_*")) / ".hydra", broken / ".hydra")
    (broken / ERROR_FILE).write_text("boom")
    collected = collect(sweep)
    runs = collected.runs
    assert len(runs) == 6 and collected.failed == [broken]
    for column in ("strategy", "replicate", "seed", "survival_rate", "mean_revenue_hhi", "flows.revenue", "run_dir"):
        assert column in runs.columns
    path, text = report(sweep, "strategy", "platform_first", None)
    assert "mean_revenue_hhi" in text and path.exists()
    assert len(list(path.parent.glob("*.png"))) >= 3
    cli = subprocess.run(
        [sys.executable, "-m", "simulator.analysis.collect", str(sweep)], capture_output=True, text=True, timeout=120
    )
    assert cli.returncode == 1 and "failed" in cli.stdout  # failures make the collector's exit non-zero
    assert pd.read_parquet(sweep / "runs.parquet").shape[0] == 6


def _runs(values_a: np.ndarray, values_b: np.ndarray) -> pd.DataFrame:
    n = len(values_a)
    rows = [
        {"job": f"{i}", "strategy": name, "replicate": i, "run_dir": "", "seed": 42, "survival_rate": v}
        for name, values in (("a", values_a), ("b", values_b))
        for i, v in enumerate(values)
    ]
    assert len(rows) == 2 * n
    return pd.DataFrame(rows)


def test_paired_comparison_of_a_level_with_itself_is_zero() -> None:
    """Comparing a strategy with an identical copy of itself gives a zero effect."""
    values = np.random.default_rng(0).normal(0.8, 0.05, size=10)
    table = compare(_runs(values, values.copy()), "strategy", "a", ["survival_rate"])
    row = table[table.strategy == "b"].iloc[0]
    assert row["diff"] == 0 and row["diff_ci_low"] == 0 and row["diff_ci_high"] == 0


def test_paired_comparison_finds_a_planted_difference() -> None:
    """A planted effect of +0.05 with shared noise is found with the right sign and a tight interval."""
    rng = np.random.default_rng(1)
    shared = rng.normal(0.8, 0.1, size=12)
    table = compare(_runs(shared, shared + 0.05 + rng.normal(0, 0.005, 12)), "strategy", "a", ["survival_rate"])
    row = table[table.strategy == "b"].iloc[0]
    assert row["diff_ci_low"] > 0.04 and row["diff_ci_high"] < 0.06 and row["p_value"] < 1e-6
    # unpaired, the shared noise would swamp the effect: the level intervals overlap
    a, b = table[table.strategy == "a"].iloc[0], table[table.strategy == "b"].iloc[0]
    assert b["ci_low"] < a["ci_high"]


def test_compare_refuses_unknown_columns_and_baselines() -> None:
    """A comparison by a column that was not swept, or against a missing level, names what exists."""
    runs = _runs(np.ones(3), np.ones(3))
    with pytest.raises(KeyError, match="not a column"):
        compare(runs, "platform.fee")
    with pytest.raises(KeyError, match="levels: a, b"):
        compare(runs, "strategy", "c")


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_composes_into_valid_jobs(name: str) -> None:
    """Each experiment file composes with the app's config and declares its sweep."""
    if name.startswith("tune_") and importlib.util.find_spec("hydra_plugins.hydra_optuna_sweeper") is None:
        pytest.skip("tuning experiments need the tune extra (hydra-optuna-sweeper)")
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[f"+experiment={name}"], return_hydra_config=True)
    validate(model_config(cfg))
    assert cfg.hydra.sweeper.params, f"{name} declares no sweep"


def test_experiments_readme_lists_every_experiment() -> None:
    """The experiments README names each experiment file."""
    text = (CONFIG_DIR / "experiment" / "README.md").read_text()
    for name in EXPERIMENTS:
        assert f"{name}.yaml" in text
    assert len(EXPERIMENTS) >= 5
