"""The benchmark runs end to end at a tiny size and writes its JSON and README table (not a timed test)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import benchmark, kernel, memory  # noqa: E402


@pytest.mark.slow
def test_tiny_benchmark_writes_json_and_readme_table(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{benchmark.README_BEGIN}\nold table\n{benchmark.README_END}\n\nafter\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(ROOT / "benchmarks" / "benchmark.py"), "--tiny", "--out", str(tmp_path)]
    subprocess.run([*command, "--readme", str(readme)], check=True, capture_output=True, env=env, cwd=tmp_path)
    report = json.loads((tmp_path / "benchmark.json").read_text())
    rows = {(row["configuration"], row["n"]): row for row in report["results"]}
    assert set(rows) == {("default", 300), ("every_mechanism", 300)}
    assert rows[("every_mechanism", 300)]["models"] == 2  # the fee hike's no-shock twin steps too
    for row in rows.values():
        assert row["smb_steps_per_second"] > 0 and row["peak_rss_mb"] > 0 and row["kernel_ratio"] > 0
    text = readme.read_text()
    assert "old table" not in text and "every_mechanism | 300 |" in text and text.endswith("after\n")


def test_memory_report_gives_each_phase_and_structure(tmp_path: Path) -> None:
    """benchmarks/memory.py at a tiny size: a peak per phase, the ledger's rows split into
    active and ended (none moved to disk), the event log's rows, and the written files."""
    import simulator.run.runner as runner

    summarize = runner.summarize
    report = memory.measure(300, 4, out=tmp_path)
    assert runner.summarize is summarize  # the phase wrappers are undone
    assert {"build", "steps", "summary", "write"} <= set(report["peak_rss_by_phase_mb"])
    assert report["peak_rss_mb"] == max(report["peak_rss_by_phase_mb"].values())
    structures = report["structures_after_last_step"]
    assert structures["ledger_rows"] == structures["ledger_active_rows"] + structures["ledger_ended_rows"] > 0
    assert structures["ledger_rows_spilled"] == 0  # a tiny run keeps its ended alliances in the table
    assert structures["event_rows_in_memory"] + structures["event_rows_spilled"] > 0
    assert report["file_bytes"]["events.parquet"] > 0
    if "heap_in_use_mb" in structures:  # glibc
        assert structures["heap_in_use_mb"] > 0 and structures["heap_free_mb"] >= 0
    assert report["arrow_pool_peak_mb"] > 0


def test_every_mechanism_configuration_turns_every_mechanism_on() -> None:
    from simulator import STRATEGIES, EcosystemModel

    config = benchmark.every_mechanism(200, 10)
    assert set(config.strategy["shares"]) == set(STRATEGIES)
    assert config.twin and config.shocks[0].kind == "platform_fee_hike"
    assert config.platform.governance == "lock_in_responsive" and config.platform.data_capture > 0
    assert config.platform.outage_rate > 0
    EcosystemModel(config)  # valid


def test_kernel_splits_each_smbs_market_over_its_channels() -> None:
    state = kernel.make_state(50, 200, 10)
    net, held, _, income = kernel.kernel_step(state)
    assert held.sum() == 200 and len(net) == 50 and len(income) == 10
    assert np.all(net <= state.demand + 1e-9) and income.sum() > 0


@pytest.mark.slow
def test_compare_code_times_the_step_and_each_rule_on_both_sides() -> None:
    """Against a copy of this checkout: every rule of the step is timed on both sides, and the
    rules' times add up to no more than the step's (they do not nest)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(ROOT / "benchmarks" / "compare_code.py"), "--other", str(ROOT)]
    options = ["--sizes", "300", "--steps", "4", "--warmup", "2", "--by-rule", "--every-mechanism"]
    out = subprocess.run([*command, *options], check=True, capture_output=True, text=True, env=env).stdout
    step_line, *rule_lines = out.strip().splitlines()
    seconds = [float(x) for x in re.findall(r"(?:other|this) +([\d.]+) s", step_line)]
    step = dict(zip(("other", "this"), seconds, strict=True))
    rule_pattern = re.compile(r"\s+(\w+)\s+other\s+([\d.]+) ms/step\s+this\s+([\d.]+) ms/step")
    rules = {}
    for line in rule_lines:
        name, other_ms, this_ms = rule_pattern.match(line).groups()
        rules[name] = (float(other_ms), float(this_ms))
    main_rules = {"trade", "form_alliances", "transfer_knowledge", "review_alliances", "step_metrics"}
    assert main_rules <= set(rules)
    for side, position in (("other", 0), ("this", 1)):
        assert all(rules[name][position] > 0 for name in main_rules)
        # the step's seconds are printed to 0.01 s and each rule's ms/step to 0.1 ms
        rounding = 0.005 + len(rules) * 0.05 * 4 / 1e3
        assert sum(times[position] for times in rules.values()) * 4 / 1e3 <= step[side] + rounding
