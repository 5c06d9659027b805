"""The model as Mesa tools take it: keyword parameters, a horizon, a step-0 row, batch_run."""

from __future__ import annotations

import mesa
import pandas as pd
import pytest

from simulator import ConfigError, EcosystemModel, ModelConfig
from simulator.config import config_from_keywords
from simulator.observe.metrics import timeseries, timeseries_by_strategy

TINY = {"n_smbs": 40, "n_partners": 8, "steps": 4}


def test_every_keyword_spelling_sets_its_schema_key() -> None:
    config = config_from_keywords(
        None,
        n_smbs=50,
        seed=9,
        strategy="diversification",
        platform_fee=0.2,
        **{"market.demand_trend": 0.0, "strategy.max_partners": 3},
        smb={"demand_median": 80.0},
    )
    assert (config.n_smbs, config.seed, config.platform.fee) == (50, 9, 0.2)
    assert config.market.demand_trend == 0.0 and config.smb.demand_median == 80.0
    assert config.strategy == {"name": "diversification", "max_partners": 3}
    # keywords change a given configuration and keep the rest of it
    base = ModelConfig(steps=7, platform=ModelConfig().platform.__class__(fee=0.3))
    changed = config_from_keywords(base, n_smbs=20)
    assert (changed.steps, changed.platform.fee, changed.n_smbs) == (7, 0.3, 20)


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"platform_fe": 0.1}, "platform_fe: not a configuration key; did you mean platform.fee?"),
        ({"platfrm.fee": 0.1}, "platfrm.fee: not a configuration key; did you mean platform.fee?"),
        ({"n_smb": 10}, "n_smb: not a configuration key; did you mean n_smbs?"),
        ({"platform": 0.1}, "platform: must be a mapping of platform.* keys"),
        ({"platform_fee": 2.0}, "platform.fee: must be in [0, 1], got 2.0"),
    ],
)
def test_a_bad_keyword_is_one_line_naming_it(keywords: dict, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        EcosystemModel(**keywords)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_keywords_and_config_build_the_same_model() -> None:
    by_keywords = EcosystemModel(**TINY, seed=5, strategy="diversification")
    by_config = EcosystemModel(ModelConfig(**TINY, seed=5, strategy={"name": "diversification"}))
    for model in (by_keywords, by_config):
        model.run()
    pd.testing.assert_frame_equal(timeseries(by_keywords), timeseries(by_config))


def test_the_model_stops_at_its_horizon_with_the_initial_state_as_step_zero() -> None:
    model = EcosystemModel(**TINY)
    rows = model.datacollector.get_model_vars_dataframe()
    assert rows["step"].tolist() == [0]
    assert rows["entries"].iloc[0] == 0 and rows["smbs_alive"].iloc[0] == TINY["n_smbs"]
    while model.running:
        model.step()
    assert model.steps == TINY["steps"]
    rows = model.datacollector.get_model_vars_dataframe()
    assert rows["step"].tolist() == list(range(TINY["steps"] + 1))
    # the run's output files keep one row per simulated step
    assert timeseries(model)["step"].tolist() == list(range(1, TINY["steps"] + 1))
    assert timeseries_by_strategy(model)["step"].min() == 1


def test_batch_run_sweeps_strategies_fees_and_seeds_with_distinct_replicates() -> None:
    results = pd.DataFrame(
        mesa.batch_run(
            EcosystemModel,
            parameters={
                **TINY,
                "strategy": ["opportunistic", "diversification"],
                "platform.fee": [0.1, 0.25],
                "seed": [1, 2],
            },
            iterations=1,
            max_steps=100,
            display_progress=False,
        )
    )
    assert len(results) == 8
    # the model stopped at its own horizon, not batch_run's max_steps
    assert (results["Step"] == results["step"]).all() and (results["Step"] < TINY["steps"]).all()
    assert sorted(results["platform_0_fee"].unique()) == [0.1, 0.25]
    one_setting = results[(results["strategy"] == "opportunistic") & (results["platform.fee"] == 0.1)]
    assert one_setting["total_revenue"].nunique() == 2  # seeds give distinct replicates
