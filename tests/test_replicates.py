"""``replicates=k``: one job runs k replicates and writes exactly the runs k separate jobs write."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import ecosim, sweep_dirs

from simulator.analysis.collect import collect
from simulator.config import config_from_keywords
from simulator.run.identity import config_hash
from simulator.run.replicates import replicate_configs, run_units

TINY = ["n_smbs=40", "n_partners=8", "steps=6", "shock=fee_hike", "shocks.0.start=3", "twin=true"]


def test_each_replicate_is_the_configuration_of_a_separate_job() -> None:
    packed = config_from_keywords(replicate=2, replicates=3, n_smbs=40)
    runs = replicate_configs(packed)
    assert [run.replicate for run in runs] == [2, 3, 4]
    separate = [config_from_keywords(replicate=r, n_smbs=40) for r in (2, 3, 4)]
    assert runs == separate
    assert [config_hash(run) for run in runs] == [config_hash(run) for run in separate]


def test_a_job_without_replicate_directories_is_its_own_run(tmp_path: Path) -> None:
    assert run_units(tmp_path) == [(tmp_path, None)]
    for name in ("replicate_10", "replicate_2", "replicate_x"):
        (tmp_path / name).mkdir()
    assert run_units(tmp_path) == [(tmp_path / "replicate_2", 2), (tmp_path / "replicate_10", 10)]


def _files(run_dir: Path) -> dict[str, bytes]:
    """A run directory's files, without what Hydra writes for the job (``.hydra/``, ``app.log``)."""
    return {
        p.relative_to(run_dir).as_posix(): p.read_bytes()
        for p in sorted(run_dir.rglob("*"))
        if p.is_file() and ".hydra" not in p.parts and p.name != "app.log"
    }


@pytest.mark.slow
def test_packed_replicates_write_byte_identical_runs_and_resume(tmp_path: Path) -> None:
    separate, packed = tmp_path / "separate", tmp_path / "packed"
    separate.mkdir()
    packed.mkdir()
    done = ecosim("-m", "replicate=0,1,2", *TINY, cwd=separate)
    assert done.returncode == 0, done.stderr
    done = ecosim("-m", "replicates=3", *TINY, cwd=packed)
    assert done.returncode == 0, done.stderr
    assert "3 jobs ran, 0 skipped" in done.stdout

    jobs = sorted(p for p in sweep_dirs(separate)[0].iterdir() if p.is_dir())
    (job,) = [p for p in sweep_dirs(packed)[0].iterdir() if p.is_dir()]
    units = run_units(job)
    assert [r for _, r in units] == [0, 1, 2]
    for (run_dir, replicate), alone in zip(units, jobs, strict=True):
        assert alone.name.endswith(f"_r{replicate}")
        expected, got = _files(alone), _files(run_dir)
        assert "twin/timeseries.parquet" in got and "manifest.json" in got
        assert got.keys() == expected.keys()
        assert [name for name in got if got[name] != expected[name]] == []

    runs = collect(sweep_dirs(packed)[0]).runs
    assert list(runs["replicate"]) == [0, 1, 2]
    assert list(runs["job"]) == [f"{job.name}/replicate_{r}" for r in range(3)]
    alone = collect(sweep_dirs(separate)[0]).runs
    pd.testing.assert_series_equal(runs["survival_rate"], alone["survival_rate"])

    again = ecosim("-m", "replicates=3", *TINY, cwd=packed)  # resumable: every replicate is already done
    assert again.returncode == 0, again.stderr
    assert "0 jobs ran, 3 skipped" in again.stdout
