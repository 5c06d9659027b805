"""Calibration: target statistics, recovery of a planted target, the preset it writes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator import ConfigError, ModelConfig
from simulator.analysis.calibration import (
    TARGETS,
    calibrate,
    cash_flow_failure_share,
    early_to_late_hazard,
    report_lines,
    share_below_expectations,
    write_preset,
)
from simulator.config import AllianceConfig
from simulator.run.runner import run_simulation


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


def test_target_statistics_measure_what_they_say() -> None:
    """Statistics are shares or ratios in range, and a noisier forecast misses expectations more often."""
    calm = run_simulation(ModelConfig(n_smbs=120, steps=60, alliance=AllianceConfig(evaluation_noise=0.05)))
    noisy = run_simulation(ModelConfig(n_smbs=120, steps=60, alliance=AllianceConfig(evaluation_noise=0.9)))
    assert 0 <= share_below_expectations(calm) < share_below_expectations(noisy) <= 1
    assert cash_flow_failure_share(noisy) == 1.0  # the only way an SMB fails here
    assert early_to_late_hazard(noisy) > 0


def test_every_target_names_its_source() -> None:
    """Each stylized fact says where it comes from."""
    assert {t.name for t in TARGETS} >= {"alliances_below_expectations", "liability_of_newness"}
    assert all(t.source for t in TARGETS)


def test_unknown_parameters_are_refused() -> None:
    """Calibrating a key that is not a numeric parameter stops with the key named."""
    with pytest.raises(ConfigError) as err:
        calibrate(ModelConfig(), {"platform.colour": (0, 1)}, objective=lambda c: 0.0)
    assert err.value.key == "platform.colour"


def test_preset_is_written_and_loads(tmp_path: Path) -> None:
    """The calibrated values become a scenario preset with the report in its header."""
    before = dict.fromkeys((t.name for t in TARGETS), 0.0)
    path = write_preset(tmp_path / "cal.yaml", "cal", {"alliance.evaluation_noise": 0.5}, report_lines(before, before))
    text = path.read_text()
    assert text.startswith("# @package _global_")
    data = yaml.safe_load(text)
    assert data == {"scenario": "cal", "alliance": {"evaluation_noise": 0.5}}
