"""Hydra sweepers: a numeric objective for optimizers (Optuna), and every sweep syntax pre-checked."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest
import yaml
from conftest import ecosim, sweep_dirs

from simulator.config import config_from_keywords
from simulator.errors import ConfigError
from simulator.run.objective import check_objective, objective_value

TINY = ["n_smbs=30", "n_partners=6", "steps=4"]
SUMMARY = {
    "survival_rate": 0.9,
    "resilience": None,
    "survival": {"smb_survival_60m": None},
    "by_strategy": {"phased": {"survival_rate": 0.8}},
    "platform_shares": [0.25, 0.75],
}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("survival_rate", 0.9),
        ("by_strategy.phased.survival_rate", 0.8),
        ("platform_shares.1", 0.75),
        ("survival.smb_survival_60m", math.nan),
    ],
)
def test_the_objective_is_read_from_the_summary_as_a_float(key: str, value: float) -> None:
    got = objective_value(SUMMARY, key)
    assert isinstance(got, float) and (got == value or (math.isnan(got) and math.isnan(value)))


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"objective": "survival_rat"}, "objective: survival_rat is not a summary metric; did you mean survival_rate?"),
        ({"objective": "by_strategy.phased.survival_rate"}, "'phased' is not a strategy group of this run"),
        ({"objective": "by_strategy.opportunistic.surv"}, "'surv' is not a strategy-group metric"),
        ({"objective": "resilience.depth"}, "needs a scheduled shock"),
        ({"objective": "resilience"}, "resilience is a mapping; name one of its keys"),
        ({"objective": "strategy"}, "strategy is not a summary metric"),
    ],
)
def test_an_objective_the_summary_will_not_hold_is_refused_before_the_run(keywords: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("?", r"\?").replace("(", r"\(")):
        check_objective(config_from_keywords(**keywords))
    check_objective(config_from_keywords(objective="by_strategy.opportunistic.survival_rate"))


@pytest.mark.slow
def test_a_glob_sweep_runs_every_matching_strategy(tmp_path: Path) -> None:
    done = ecosim("strategy=glob(p*,exclude=portfolio_review)", *TINY, "-m", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    jobs = sorted(p.name for p in sweep_dirs(tmp_path)[-1].iterdir() if (p / "summary.json").exists())
    assert [j.split("_", 1)[1].rsplit("_seed", 1)[0] for j in jobs] == ["phased", "platform_first"]
    refused = ecosim("strategy=glob(zz*)", *TINY, "-m", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "strategy=glob(zz*) matches no strategy" in refused.stderr


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("hydra_plugins.hydra_optuna_sweeper") is None,
    reason="the tune extra (hydra-optuna-sweeper) is not installed",
)
def test_the_optuna_sweeper_tunes_strategy_parameters(tmp_path: Path) -> None:
    done = ecosim("+experiment=tune_diversification", "hydra.sweeper.n_trials=3", *TINY, "-m", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    sweep = sweep_dirs(tmp_path)[-1]
    best = yaml.safe_load((sweep / "optimization_results.yaml").read_text())
    trials = [
        yaml.safe_load((p / "summary.json").read_text())["survival_rate"]
        for p in sweep.iterdir()
        if (p / "summary.json").exists()
    ]
    assert len(trials) == 3 and best["best_value"] == max(trials)
    assert set(best["best_params"]) == {"strategy.max_share", "strategy.max_partners", "strategy.role_overlap_penalty"}
    # out-of-range ends of an interval and a direction against objective_direction: one line, nothing run
    for bad, message in [
        ("strategy.max_share=interval(0.5,1.5)", "strategy.max_share: must be in [0, 1], got 1.5"),
        ("hydra.sweeper.direction=minimize", "objective_direction: is maximize but hydra.sweeper.direction is min"),
    ]:
        refused = ecosim("+experiment=tune_diversification", bad, *TINY, "-m", cwd=tmp_path)
        assert refused.returncode == 2 and message in refused.stderr, refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    assert len(sweep_dirs(tmp_path)) == 1
