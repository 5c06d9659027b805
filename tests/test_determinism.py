"""Same configuration and seed give identical outputs; another seed gives different ones."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import small_config

from simulator.runner import run_simulation, write_run

STRATEGIES = ["opportunistic", "diversification", "platform_first"]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_same_seed_gives_identical_outputs(strategy):
    """Two runs of one config and seed give equal timeseries, events and summary."""
    config = small_config(strategy, seed=11, steps=40, partner={"failure_hazard": 0.01})
    a = run_simulation(config)
    b = run_simulation(small_config(strategy, seed=11, steps=40, partner={"failure_hazard": 0.01}))
    assert len(a.timeseries) == 40
    assert len(a.events) > 0
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.events, b.events)
    assert a.summary == b.summary


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_different_seed_gives_different_outputs(strategy):
    """Changing only the seed changes the timeseries, the events and the summary."""
    a = run_simulation(small_config(strategy, seed=11, steps=40))
    b = run_simulation(small_config(strategy, seed=12, steps=40))
    assert not a.timeseries.equals(b.timeseries)
    assert not a.events.equals(b.events)
    assert a.summary != b.summary
    assert a.summary["total_revenue"] != b.summary["total_revenue"]


def test_model_does_not_use_global_random_state():
    """Reseeding or consuming the global random streams does not change a run."""
    import random

    import numpy as np

    random.seed(1)
    np.random.seed(1)
    a = run_simulation(small_config(seed=5, steps=30))
    random.seed(99)
    np.random.seed(99)
    np.random.random(1000)
    b = run_simulation(small_config(seed=5, steps=30))
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.events, b.events)


def test_written_outputs_are_identical(tmp_path):
    """write_run of two runs with the same seed writes equal parquet files and summary.json."""
    dirs = []
    for name in ("first", "second"):
        result = run_simulation(small_config("diversification", seed=3, steps=30))
        dirs.append(write_run(result, tmp_path / name))
    first, second = dirs
    for name in ("timeseries.parquet", "events.parquet"):
        a = pd.read_parquet(first / name)
        b = pd.read_parquet(second / name)
        assert len(a) > 0
        pd.testing.assert_frame_equal(a, b)
    summary_a = json.loads((first / "summary.json").read_text())
    summary_b = json.loads((second / "summary.json").read_text())
    assert summary_a == summary_b
    assert (first / "config.yaml").read_text() == (second / "config.yaml").read_text()


def test_written_outputs_match_in_memory_result(tmp_path):
    """The files write_run produces hold the run's timeseries, events and summary."""
    result = run_simulation(small_config(seed=4, steps=20))
    out = write_run(result, tmp_path / "run")
    pd.testing.assert_frame_equal(pd.read_parquet(out / "timeseries.parquet"), result.timeseries)
    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns) == list(result.events.columns)
    assert events["alliance_id"].tolist() == result.events["alliance_id"].tolist()
    assert events["event"].astype(str).tolist() == result.events["event"].astype(str).tolist()
    assert events["reason"].tolist() == result.events["reason"].tolist()
    assert json.loads((out / "summary.json").read_text()) == json.loads(json.dumps(result.summary))


def test_write_run_refuses_to_overwrite(tmp_path):
    """write_run into a directory that already holds a run raises and leaves the files alone."""
    out = write_run(run_simulation(small_config(seed=1, steps=5)), tmp_path / "run")
    before = (out / "summary.json").read_text()
    with pytest.raises(FileExistsError):
        write_run(run_simulation(small_config(seed=2, steps=5)), out)
    assert (out / "summary.json").read_text() == before
