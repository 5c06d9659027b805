"""Tidy outputs: stable types across files, long tables, a data dictionary, and the README's examples."""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_sweep

from simulator.analysis.collect import collect, write

README = Path(__file__).resolve().parent.parent / "README.md"
MIX = {"name": "mix", "shares": {"diversification": 0.5, "platform_first": 0.5}}


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("frames")
    jobs = [{"strategy": s, "seed": seed} for s in ("platform_first", "diversification") for seed in (1, 2)]
    path = make_sweep(root, jobs)
    write(collect(path), path)
    return path


def test_every_table_has_stable_types_and_the_data_dictionary_covers_it(sweep: Path) -> None:
    run = next(p for p in sweep.iterdir() if p.is_dir())
    allowed = {"int64", "float64", "bool", "string"}
    dictionary = json.loads((run / "schema.json").read_text())["files"]
    for path in [*run.glob("*.parquet"), *sweep.glob("*.parquet")]:
        frame = pd.read_parquet(path)
        assert {str(t) for t in frame.dtypes} <= allowed, (path.name, set(map(str, frame.dtypes)))
        if "step" in frame:
            assert frame["step"].dtype == "int64"
        if path.parent == run:
            assert list(dictionary[path.name]["columns"]) == list(frame.columns)
    sweep_dictionary = json.loads((sweep / "schema.json").read_text())["files"]
    runs = pd.read_parquet(sweep / "runs.parquet")
    assert list(sweep_dictionary["runs.parquet"]["columns"]) == list(runs.columns)
    assert sweep_dictionary["runs.parquet"]["columns"]["survival_rate"]["label"] == "survival rate"
    assert "Number of SMBs" not in json.dumps(sweep_dictionary["runs.parquet"]["columns"]["strategy"])


def test_collected_runs_are_tidy(sweep: Path) -> None:
    runs = pd.read_parquet(sweep / "runs.parquet")
    assert all(Path(p).is_absolute() and (Path(p) / "summary.json").exists() for p in runs["run_dir"])
    assert not any(c.startswith(("by_strategy.", "resilience")) for c in runs.columns)  # one group, no shock
    assert runs.notna().any().all()
    groups = pd.read_parquet(sweep / "runs_by_strategy.parquet")
    assert len(groups) == len(runs) and (groups["strategy_group"] == groups["strategy"]).all()
    assert groups.set_index("job")["survival_rate"].equals(runs.set_index("job")["survival_rate"])


def test_a_mixed_population_has_one_row_per_group_and_per_platform(tmp_path: Path) -> None:
    path = make_sweep(tmp_path, [{"strategy": MIX, "seed": 1}])
    collected = collect(path)
    assert sorted(collected.runs_by_strategy["strategy_group"]) == ["diversification", "platform_first"]
    assert "by_strategy.diversification.survival_rate" in collected.runs.columns
    run = next(p for p in path.iterdir() if p.is_dir())
    platforms = pd.read_parquet(run / "timeseries_by_platform.parquet")
    wide = pd.read_parquet(run / "timeseries.parquet")
    assert list(platforms.columns[:2]) == ["step", "platform"] and len(platforms) == 2 * len(wide)
    second = platforms[platforms["platform"] == 1].reset_index(drop=True)
    assert second["share"].tolist() == wide["platform_1_share"].tolist()


def test_events_join_the_strategy_series_on_step_and_strategy(sweep: Path) -> None:
    run = next(p for p in sweep.iterdir() if p.is_dir())
    events = pd.read_parquet(run / "events.parquet")
    series = pd.read_parquet(run / "timeseries_by_strategy.parquet")
    joined = events.merge(series, on=["step", "strategy"])
    assert len(joined) == events["strategy"].notna().sum() > 0


def _readme_python_blocks() -> list[str]:
    text = README.read_text()
    section = text[text.index("### Using ecosim from Mesa, Hydra, pandas") :]
    section = section[: section.index("\n## ")]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_readme_examples_run(sweep: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """Every Python block of the README's section runs as written, in order, in one namespace
    (from a directory holding a collected sweep); blocks needing a missing extra are skipped."""
    blocks = _readme_python_blocks()
    assert len(blocks) >= 5
    monkeypatch.chdir(sweep.parents[2])
    namespace: dict = {}
    skipped = []
    for block in blocks:
        needs = re.findall(r"^import (polars|duckdb)", block, flags=re.M)
        if any(importlib.util.find_spec(name) is None for name in needs):
            skipped.append(needs)
            continue
        exec(compile(block, str(README), "exec"), namespace)
    assert namespace["rows"]["step"].iloc[0] == 0 and namespace["rows"]["step"].iloc[-1] == 24
    assert len(namespace["results"]) == 8 and namespace["results"]["survival_rate"].nunique() > 1
    assert len(namespace["joined"]) > 0
    assert "diversification" in capsys.readouterr().out
    if skipped and os.environ.get("CI"):
        pytest.fail(f"README blocks not run: {skipped} (install the dataframes extra)")


@pytest.mark.parametrize("library", ["polars", "duckdb"])
def test_the_join_works_in_polars_and_duckdb(sweep: Path, library: str) -> None:
    """The same key has the same type in both files, so strict joins need no cast."""
    lib = pytest.importorskip(library, reason=f"{library} is not installed (the dataframes extra)")
    run = next(p for p in sweep.iterdir() if p.is_dir())
    events, series = run / "events.parquet", run / "timeseries_by_strategy.parquet"
    expected = len(pd.read_parquet(events).merge(pd.read_parquet(series), on=["step", "strategy"]))
    if library == "polars":
        left, right = lib.read_parquet(events), lib.read_parquet(series)
        assert left.schema["strategy"] == right.schema["strategy"] == lib.String
        assert left.schema["step"] == right.schema["step"] == lib.Int64
        assert left.join(right, on=["step", "strategy"]).height == expected
    else:
        query = f"SELECT count(*) FROM '{events}' e JOIN '{series}' s USING (step, strategy)"
        assert lib.sql(query).fetchall()[0][0] == expected
