"""The metric registry: one definition per metric gives every output its columns, order and labels."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_config

from simulator.observe.metrics import METRICS
from simulator.observe.registry import (
    LAYOUT,
    STEP,
    STRATEGY_STEP,
    STRATEGY_SUMMARY,
    SUMMARY,
    Level,
    Metric,
    MetricRegistry,
    Part,
)
from simulator.observe.registry import Section as S
from simulator.run.runner import run_simulation


def _metric(name: str, section: S, *levels: Level, **kwargs) -> Metric:
    return Metric(name, name.replace("_", " "), "", section, frozenset(levels), f"{name}.", step=lambda s: 1, **kwargs)


def test_a_new_metric_takes_the_end_of_its_section_in_every_output() -> None:
    """Order follows each level's section layout; inside a section, registration order."""
    registry = MetricRegistry()
    registry.add(
        _metric("a_cash", S.CASH, STEP, STRATEGY_SUMMARY),
        _metric("b_growth", S.GROWTH, STEP, STRATEGY_SUMMARY),
        _metric("c_revenue", S.REVENUE, STEP, STRATEGY_SUMMARY),
        _metric("d_cash", S.CASH, STEP, STRATEGY_SUMMARY),
    )
    # timeseries: revenue, growth, cash; by-strategy summary: growth, revenue, cash
    assert registry.columns(STEP) == ["c_revenue", "b_growth", "a_cash", "d_cash"]
    assert registry.columns(STRATEGY_SUMMARY) == ["b_growth", "c_revenue", "a_cash", "d_cash"]


def test_families_expand_and_interleave_per_member() -> None:
    """A family is one column per member; consecutive members of one family are grouped by member."""
    registry = MetricRegistry()
    registry.add(
        _metric("alliances_<type>", S.MIX, STEP),
        _metric("platform_<i>_share", S.EACH_PLATFORM, STEP),
        _metric("platform_<i>_fee", S.EACH_PLATFORM, STEP),
    )
    columns = registry.columns(STEP, n_platforms=2)
    assert columns[0] == "alliances_supply_chain" and columns[5] == "alliances_platform_membership"
    assert columns[6:] == ["platform_0_share", "platform_0_fee", "platform_1_share", "platform_1_fee"]
    assert registry.columns(STEP, n_platforms=0) == columns[:6]


@pytest.mark.parametrize(
    ("metric", "message"),
    [
        (_metric("survival_rate", S.SURVIVAL, STEP), "registered twice"),
        (_metric("x", S.SUPPLY, STRATEGY_STEP), "not in the layout"),
        (Metric("x", "x", "", S.CASH, frozenset({STEP}), "x.", end=lambda s: 1), "no step function"),
        (Metric("x", "x", "", S.CASH, frozenset(), "x.", step=lambda s: 1), "no level"),
    ],
)
def test_incomplete_or_clashing_definitions_are_refused(metric: Metric, message: str) -> None:
    """A duplicate name, a section a level does not lay out, or a missing function fails at import."""
    registry = MetricRegistry()
    registry.add(_metric("survival_rate", S.SURVIVAL, STEP))
    with pytest.raises(ValueError, match=message):
        registry.add(metric)


def test_labels_cover_columns_family_members_parts_and_groups() -> None:
    """Reports, axes and legends get a label with its unit for every kind of column name."""
    assert METRICS.label("total_revenue") == "total SMB revenue (thousand currency units per month)"
    assert METRICS.label("survival_rate") == "survival rate"
    assert METRICS.label("platform_1_share") == "platform 1 sales share"
    assert METRICS.label("alliances_supply_chain") == "active supply chain alliances (alliances)"
    assert METRICS.label("resilience.depth") == "revenue drop depth"
    assert METRICS.label("by_strategy.phased.survival_rate") == "survival rate, phased"
    assert METRICS.label("platform.fee") == "platform.fee"  # not a metric: unchanged
    assert METRICS.label("resilience.nonsense") == "resilience.nonsense"


def test_every_metric_is_documented_at_every_level() -> None:
    """Each metric has a label, a meaning and a definition wherever it is reported."""
    for level in Level:
        for metric in METRICS.at(level):
            assert metric.label and metric.meaning(level).strip() and metric.definition(level).strip(), metric.name
    for metric in METRICS:
        assert all(isinstance(p, Part) and p.doc for p in metric.parts), metric.name
        assert set(metric.levels) <= set(LAYOUT)


@pytest.fixture(scope="module")
def mixed_run():
    config = small_config(
        {"name": "mix", "shares": {"phased": 0.5, "diversification": 0.5}}, steps=25, partner={"failure_hazard": 0.01}
    )
    return run_simulation(config)


def test_end_values_of_per_step_metrics_are_their_last_step_values(mixed_run) -> None:
    """summary.json repeats the last row of each time series for metrics reported in both."""
    last = mixed_run.timeseries.iloc[-1]
    for metric in METRICS.at(SUMMARY):
        if STEP in metric.levels and metric.end is None:
            assert mixed_run.summary[metric.name] == pytest.approx(last[metric.name]), metric.name
    by_step = mixed_run.timeseries_by_strategy
    for name, group in mixed_run.summary["by_strategy"].items():
        row = by_step[(by_step.strategy == name) & (by_step.step == by_step.step.max())].iloc[0]
        shared = [m for m in METRICS.at(STRATEGY_SUMMARY) if STRATEGY_STEP in m.levels and m.end is None]
        assert shared, "no metric in both the by-strategy series and summary"
        for metric in shared:
            assert group[metric.name] == pytest.approx(row[metric.name]), (name, metric.name)


def test_group_values_add_up_to_the_population(mixed_run) -> None:
    """Counts over the strategy groups sum to the whole population's, step by step."""
    by_step = mixed_run.timeseries_by_strategy.groupby("step")
    for column in ("smbs_alive", "failures", "active_alliances", "formations", "dissolutions"):
        np.testing.assert_array_equal(by_step[column].sum().to_numpy(), mixed_run.timeseries[column].to_numpy())
    total = sum(g["dissolutions"] for g in mixed_run.summary["by_strategy"].values())
    assert total == mixed_run.summary["dissolutions"]
