"""Calibration: aims drawn from the stylized facts, held-out facts, the search, trade-offs, the preset."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from simulator import ConfigError, ModelConfig
from simulator.analysis.calibration import (
    CALIBRATED,
    FACTS,
    calibrate,
    evaluate,
    is_calibrated,
    main,
    markdown_report,
    report_lines,
    total_distance,
    tradeoffs,
    write_preset,
)
from simulator.analysis.stylized_facts import TARGETS
from simulator.config import from_dict

SMALL = {"n_smbs": 100, "n_partners": 20, "steps": 72}


def test_calibration_recovers_a_planted_parameter() -> None:
    """With a planted optimum, the search lands on it within tolerance."""
    planted = {"platform.fee": 0.23, "alliance.evaluation_noise": 0.41}

    def objective(config: ModelConfig) -> float:
        return (config.platform.fee - planted["platform.fee"]) ** 2 + (
            config.alliance.evaluation_noise - planted["alliance.evaluation_noise"]
        ) ** 2

    calibrated, result = calibrate(
        ModelConfig(),
        {"platform.fee": (0.0, 0.5), "alliance.evaluation_noise": (0.1, 1.0)},
        objective=objective,
        maxiter=40,
    )
    assert calibrated.platform.fee == pytest.approx(0.23, abs=0.01)
    assert calibrated.alliance.evaluation_noise == pytest.approx(0.41, abs=0.01)
    assert result.fun < 1e-4


def test_aims_are_stylized_facts_and_the_rest_is_held_out() -> None:
    """Each aim is a validated fact, its value inside that fact's accepted range; most facts,
    tipping and the firm-size facts among them, are held out."""
    assert {a.target for a in CALIBRATED} <= set(FACTS)
    for aim in CALIBRATED:
        assert aim.fact.accepts(aim.value), aim.target
        assert aim.why
    held = [t.name for t in TARGETS if not is_calibrated(t.name)]
    assert len(held) > len(CALIBRATED)
    assert {"strong_network_effects_tip", "firm_size_concentration_emerges", "gibrat_established_firms"} <= set(held)


def test_distance_is_zero_at_the_aims_and_counts_unobserved_statistics() -> None:
    at_aims = {a.target: a.value for a in CALIBRATED}
    assert total_distance(at_aims) == 0.0
    off = dict(at_aims, smb_survival_1y=at_aims["smb_survival_1y"] - 0.1)
    assert total_distance(off) == pytest.approx(0.01)
    assert total_distance(dict(at_aims, smb_survival_5y=float("nan"))) == 1.0


def test_statistics_follow_their_mechanisms() -> None:
    """Every aim is observed in a short run; a closed population shrinks where an open one holds,
    and a higher exit hazard lowers survival (same replicates)."""
    base = ModelConfig(**SMALL)
    open_pop = evaluate(base, 2)
    assert all(np.isfinite(v) for v in open_pop.values())
    closed = evaluate(from_dict({**SMALL, "smb": {"entry_rate": 0.0}}), 2)
    assert closed["population_stationary"] < open_pop["population_stationary"] - 0.05
    risky = evaluate(from_dict({**SMALL, "smb": {"exit_hazard": 0.02}}), 2)
    assert risky["smb_survival_1y"] < open_pop["smb_survival_1y"]


def test_tradeoffs_show_the_sign_of_each_pull() -> None:
    """At a point, raising the exit hazard lowers 1-year survival and the population ratio."""
    trade = tradeoffs(ModelConfig(**SMALL), {"smb.exit_hazard": (0.0, 0.04)}, replicates=2)
    rows = dict(zip(trade.targets, trade.slope[:, 0], strict=True))
    assert rows["smb_survival_1y"] < 0
    assert rows["population_stationary"] < 0
    assert len(trade.pulls()) == len(CALIBRATED)


@pytest.mark.parametrize(
    ("params", "key"),
    [({"platform.colour": (0.0, 1.0)}, "platform.colour"), ({"platform.fee": (0.3, 0.1)}, "platform.fee")],
)
def test_bad_parameters_are_refused_naming_the_key(params: dict, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        calibrate(ModelConfig(), params, objective=lambda c: 0.0)
    assert err.value.key == key


def test_preset_and_report_are_written(tmp_path: Path) -> None:
    """The calibrated values become a scenario preset with the table in its header; the report
    lists the held-out facts."""
    before = {a.target: 0.5 for a in CALIBRATED}
    path = write_preset(tmp_path / "cal.yaml", "cal", {"alliance.evaluation_noise": 0.5}, report_lines(before, before))
    text = path.read_text()
    assert text.startswith("# @package _global_")
    assert yaml.safe_load(text) == {"scenario": "cal", "alliance": {"evaluation_noise": 0.5}}
    report = markdown_report(before, before, {"x.y": 1.0}, {"x.y": 2.0}, "settings", None)
    assert "Held out" in report and "strong_network_effects_tip" in report


def test_command_line_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "--param",
        "smb.exit_hazard",
        "0",
        "0.01",
        "--replicates",
        "1",
        "--maxiter",
        "1",
        "--popsize",
        "2",
        "--n-smbs",
        "60",
        "--steps",
        "24",
        "--out",
        str(tmp_path),
        "--report",
        str(tmp_path),
        "--no-progress",
    ]
    assert main(args) == 0
    assert (tmp_path / "calibrated.yaml").exists()
    assert "smb_survival_1y" in (tmp_path / "calibration.md").read_text()


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["--param", "smb.nope", "0", "1"], "smb.nope"),
        (["--param", "smb.exit_hazard", "0", "1", "--replicates", "0"], "replicates"),
    ],
)
def test_command_line_refuses_bad_input_in_one_line(args: list[str], key: str, capsys) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and key in err[0]
