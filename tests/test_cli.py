"""End to end through the command line: `python -m simulator` and the `ecosim` console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simulator.core.events import EVENT_COLUMNS
from simulator.observe.metrics import METRICS
from simulator.observe.registry import STEP, SUMMARY
from simulator.run.runner import OUTPUT_FILES

pytestmark = pytest.mark.slow

SMALL_RUN = ["steps=5", "n_smbs=60", "n_partners=10"]


def _ecosim() -> str:
    found = shutil.which("ecosim")
    if found:
        return found
    beside = Path(sys.executable).parent / "ecosim"
    if not beside.exists():
        pytest.fail("the ecosim console script is not installed")
    return str(beside)


COMMANDS = {
    "python_m": [sys.executable, "-m", "simulator"],
    "ecosim": None,  # resolved at run time
}


def _command(entry: str) -> list[str]:
    return [_ecosim()] if entry == "ecosim" else list(COMMANDS[entry])


def _run(entry: str, args: list[str], cwd: Path, hash_seed: str = "0") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    return subprocess.run(
        [*_command(entry), *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env, check=False
    )


def _run_dirs(tmp_path: Path) -> list[Path]:
    results = tmp_path / "results"
    return sorted(p.parent for p in results.rglob("summary.json")) if results.exists() else []


def _check_run_dir(run_dir: Path, steps: int) -> dict:
    for name in OUTPUT_FILES:
        assert (run_dir / name).is_file(), name
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    assert len(ts) == steps
    assert "step" in ts.columns
    assert ts["step"].tolist() == list(range(1, steps + 1))
    config = yaml.safe_load((run_dir / "config.yaml").read_text())
    assert list(ts.columns) == METRICS.columns(STEP, config["n_platforms"])
    events = pd.read_parquet(run_dir / "events.parquet")
    assert tuple(events.columns) == EVENT_COLUMNS
    summary = json.loads((run_dir / "summary.json").read_text())
    assert list(summary) == METRICS.columns(SUMMARY)
    assert config["steps"] == steps
    return {"summary": summary, "config": config, "timeseries": ts, "events": events}


@pytest.mark.parametrize("entry", ["python_m", "ecosim"])
def test_cli_runs_and_writes_one_run_dir(entry, tmp_path):
    """One small run writes exactly one run directory with the four output files and prints the summary."""
    proc = _run(entry, SMALL_RUN, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    dirs = _run_dirs(tmp_path)
    assert len(dirs) == 1
    # results/<scenario>/<run>: one scenario directory holding one run directory, nothing else
    runs = [
        run for scenario in (tmp_path / "results").iterdir() if scenario.name != ".index" for run in scenario.iterdir()
    ]
    assert runs == dirs
    assert dirs[0].parent.name == "default"
    out = _check_run_dir(dirs[0], steps=5)
    summary = out["summary"]
    assert out["config"]["n_smbs"] == 60
    assert out["config"]["n_partners"] == 10
    assert summary["n_smbs"] == 60
    assert summary["steps"] == 5
    assert summary["strategy"] == "opportunistic"
    assert f"strategy {summary['strategy']}, seed {summary['seed']}, 5 steps, 60 SMBs" in proc.stdout
    assert "survival" in proc.stdout
    assert str(dirs[0]) in proc.stdout or dirs[0].name in proc.stdout


def test_cli_overrides_land_in_config(tmp_path):
    """seed= and strategy= overrides reach config.yaml, the summary and the run directory's name."""
    proc = _run("ecosim", [*SMALL_RUN, "seed=7", "strategy=diversification", "platform.fee=0.2"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    dirs = _run_dirs(tmp_path)
    assert len(dirs) == 1
    out = _check_run_dir(dirs[0], steps=5)
    assert out["config"]["seed"] == 7
    assert out["config"]["strategy"]["name"] == "diversification"
    assert out["config"]["platform"]["fee"] == 0.2
    assert out["summary"]["seed"] == 7
    assert out["summary"]["strategy"] == "diversification"
    assert "seed 7" in proc.stdout


def test_cli_two_runs_make_two_dirs_with_same_outputs(tmp_path):
    """Two consecutive identical runs write two different directories holding identical results
    (also under different string-hash seeds)."""
    for hash_seed in ("1", "2"):
        proc = _run("python_m", SMALL_RUN, tmp_path, hash_seed=hash_seed)
        assert proc.returncode == 0, proc.stderr
    dirs = _run_dirs(tmp_path)
    assert len(dirs) == 2
    assert dirs[0] != dirs[1]
    a, b = (_check_run_dir(d, steps=5) for d in dirs)
    assert a["summary"] == b["summary"]
    pd.testing.assert_frame_equal(a["timeseries"], b["timeseries"])
    pd.testing.assert_frame_equal(a["events"], b["events"])


BAD_INPUT = [
    (["strategy=nope"], "strategy"),
    (["scenario=nope"], "scenario"),
    (["n_smbs=-5"], "n_smbs"),
    (["platform.fee=1.5"], "platform.fee"),
    (["partner.support_service_share=0.9"], "support_service_share"),
    (["strategy=mix", "strategy.shares.opportunistic=0.9"], "strategy.shares"),
]


@pytest.mark.parametrize(("overrides", "key"), BAD_INPUT, ids=[" ".join(o) for o, _ in BAD_INPUT])
def test_cli_bad_input_fails_cleanly(overrides, key, tmp_path):
    """Bad input exits non-zero with one stderr line naming the key, no traceback, no results dir."""
    proc = _run("python_m", [*SMALL_RUN, *overrides], tmp_path)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert key in lines[0]
    assert "Traceback" not in proc.stderr
    assert "Traceback" not in proc.stdout
    assert not (tmp_path / "results").exists()
    assert not (tmp_path / "outputs").exists()


def test_cli_bad_input_keeps_earlier_results(tmp_path):
    """A refused run through ecosim leaves an earlier run's directory untouched."""
    proc = _run("ecosim", SMALL_RUN, tmp_path)
    assert proc.returncode == 0, proc.stderr
    (before,) = _run_dirs(tmp_path)
    snapshot = {p: p.read_bytes() for p in before.rglob("*") if p.is_file()}
    proc = _run("ecosim", [*SMALL_RUN, "platform.fee=1.5"], tmp_path)
    assert proc.returncode != 0
    assert "platform.fee" in proc.stderr
    assert _run_dirs(tmp_path) == [before]
    assert {p: p.read_bytes() for p in before.rglob("*") if p.is_file()} == snapshot
