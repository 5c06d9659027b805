"""A run whose event log and ended alliances move to disk writes exactly what an in-memory run writes.

The event log spills its rows to disk past :data:`simulator.core.events.SPILL_ROWS` rows, the
ledger its ended alliances past :data:`simulator.core.ledger.SPILL_ROWS`, and
``events.parquet`` is written from the log's codes one row group at a time
(:mod:`simulator.run.event_file`); these tests force both with tiny thresholds on small runs.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from conftest import small_config

from simulator.config.schema import ShockConfig
from simulator.core import events, ledger
from simulator.core.spill import ColumnSpill
from simulator.core.vocabulary import ENDING_EVENTS
from simulator.run import event_file
from simulator.run.runner import run_simulation, write_run
from simulator.run.tables import tidy

MIX = {"name": "mix", "shares": {"platform_first": 0.4, "diversification": 0.3, "opportunistic": 0.3}}


def _config():
    """A small run with a shock (market events without alliance or strategy) and its twin."""
    return small_config(
        MIX,
        seed=5,
        steps=30,
        partner={"failure_hazard": 0.01},
        shocks=[ShockConfig(kind="demand_shock", start=10, duration=5, size=0.3, target="all")],
        twin=True,
    )


def _file_digests(run_dir) -> dict[str, str]:
    return {
        str(p.relative_to(run_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(run_dir.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def test_spilled_run_writes_the_bytes_of_an_in_memory_run(tmp_path, monkeypatch):
    """Spilling the log and the ended alliances every step gives the same files, frames and
    summary as the in-memory run, and events.parquet is what pandas writes for the log as a
    frame."""
    in_memory = run_simulation(_config())
    assert len(in_memory.events) > 0
    write_run(in_memory, tmp_path / "memory")
    tidy(in_memory.events).to_parquet(tmp_path / "frame.parquet", index=False)
    assert (tmp_path / "frame.parquet").read_bytes() == (tmp_path / "memory" / "events.parquet").read_bytes()

    monkeypatch.setattr(events, "SPILL_ROWS", 0)
    monkeypatch.setattr(ledger, "SPILL_ROWS", 0)
    spilled = run_simulation(_config())
    assert spilled.model.events.spilled_rows > 0
    assert spilled.model.ledger.spilled_rows > 0 and in_memory.model.ledger.spilled_rows == 0
    assert not np.array_equal(spilled.model.ledger.alliance_id, np.arange(len(spilled.model.ledger)))
    assert spilled.model.events.spilled_rows < spilled.model.events.rows  # the last step's rows stay
    write_run(spilled, tmp_path / "spilled")

    assert _file_digests(tmp_path / "spilled") == _file_digests(tmp_path / "memory")
    assert "twin/events.parquet" in _file_digests(tmp_path / "spilled")
    pd.testing.assert_frame_equal(spilled.events, in_memory.events)
    assert spilled.summary == in_memory.summary
    pd.testing.assert_frame_equal(spilled.timeseries, in_memory.timeseries)


def test_event_file_in_several_row_groups_has_the_bytes_of_to_parquet(tmp_path, monkeypatch):
    """Written in row groups of 256 rows from a spilled log, events.parquet equals the frame
    written by pandas with the same row group size (several row groups, one shorter)."""
    monkeypatch.setattr(events, "SPILL_ROWS", 100)
    monkeypatch.setattr(event_file, "ROW_GROUP_ROWS", 256)
    log = run_simulation(_config()).model.events
    assert log.rows > 3 * 256 and log.rows % 256 and log.spilled_rows > 0
    event_file.write_event_file(log, tmp_path / "codes.parquet")
    tidy(log.to_frame()).to_parquet(tmp_path / "frame.parquet", index=False, row_group_size=256)
    assert (tmp_path / "codes.parquet").read_bytes() == (tmp_path / "frame.parquet").read_bytes()


def test_row_group_size_is_pyarrows_default(tmp_path):
    """DataFrame.to_parquet cuts row groups of ROW_GROUP_ROWS rows (what the chunks follow)."""
    import pyarrow.parquet as pq

    frame = pd.DataFrame({"x": np.zeros(event_file.ROW_GROUP_ROWS + 1, dtype=np.int8)})
    frame.to_parquet(tmp_path / "x.parquet", index=False)
    meta = pq.read_metadata(tmp_path / "x.parquet")
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [event_file.ROW_GROUP_ROWS, 1]


def test_empty_event_log_writes_the_empty_frame(tmp_path):
    """A log without rows writes the file pandas writes for the empty frame."""
    log = run_simulation(small_config(steps=1)).model.events
    log_empty = events.EventLog(log._ledger, np.zeros(0, dtype=np.int64), ["opportunistic"])
    event_file.write_event_file(log_empty, tmp_path / "codes.parquet")
    tidy(log_empty.to_frame()).to_parquet(tmp_path / "frame.parquet", index=False)
    assert (tmp_path / "codes.parquet").read_bytes() == (tmp_path / "frame.parquet").read_bytes()


def test_columns_and_endings_read_across_disk_and_memory(monkeypatch):
    """Row ranges of a spilled log (across the disk/memory boundary) and each alliance's ending
    event are those of the frame."""
    monkeypatch.setattr(events, "SPILL_ROWS", 150)
    model = run_simulation(small_config(seed=3, steps=25, partner={"failure_hazard": 0.02})).model
    log = model.events
    frame = log.to_frame()
    boundary = log.spilled_rows
    assert 0 < boundary < log.rows
    start, stop = boundary - 7, boundary + 11
    np.testing.assert_array_equal(log.column("alliance_id", start, stop), frame.alliance_id[start:stop])
    np.testing.assert_array_equal(log.column("step", 0, log.rows), frame.step)
    chunks = list(log.frames(64))
    assert [len(c) for c in chunks[:-1]] == [64] * (len(chunks) - 1)
    pd.testing.assert_frame_equal(pd.concat(chunks), frame)
    # the same read from the frame
    expected = np.full(model.ledger.size, "", dtype=object)
    rows = frame[(frame.alliance_id >= 0) & frame.event.astype(str).isin(ENDING_EVENTS)]
    expected[rows.alliance_id.to_numpy()] = rows.event.astype(str).to_numpy()
    assert (expected != "").any()
    np.testing.assert_array_equal(log.ending_events(model.ledger.size), expected)


def test_column_spill_appends_reads_ranges_and_removes_its_files():
    """Chunks read back by row range as written; closing removes the directory."""
    spill = ColumnSpill({"a": np.int32, "b": np.float64})
    spill.append({"a": np.arange(5, dtype=np.int32), "b": np.linspace(0, 1, 5)})
    spill.append({"a": np.arange(5, 8, dtype=np.int32), "b": np.full(3, np.nan)})
    assert spill.rows == 8
    assert spill.read("a").tolist() == list(range(8))
    assert spill.read("a", 3, 6).tolist() == [3, 4, 5]
    assert np.isnan(spill.read("b", 6)).all() and len(spill.read("b", 6)) == 2
    with pytest.raises(ValueError, match="differ in length"):
        spill.append({"a": np.zeros(2, dtype=np.int32), "b": np.zeros(3)})
    directory = spill.directory
    assert directory.exists()
    spill.close()
    assert not directory.exists()
