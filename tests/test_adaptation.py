"""Strategy adaptation (docs/ODD.md 7.27): imitation follows the replicator equation, exploration
keeps every strategy present, switches are paid for and booked, a run without adaptation is
unchanged, bad settings are refused, and the teaching preset's lesson holds against its twin."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from simulator.config import AdaptationConfig, ModelConfig, from_dict
from simulator.errors import ConfigError
from simulator.model import EcosystemModel
from simulator.observe.adaptation import convergence_step, mix_stable
from simulator.observe.metrics import METRICS
from simulator.observe.registry import STEP, STRATEGY_STEP, SUMMARY
from simulator.rules.adaptation import SWITCH_EVENT, SWITCHING_FLOW
from simulator.run.runner import run_simulation

TWO = {"name": "mix", "shares": {"opportunistic": 0.2, "contractual_clarity": 0.8}}


def planted(seed: int, gap: float, *, rate: float = 0.2, exploration: float = 0.0, steps: int = 60, **adaptation):
    """A two-strategy ecosystem whose payoff signal is planted: ``gap`` for every SMB of strategy 0
    (opportunistic, 20% at the start), 0 for strategy 1; no entry, exit or failure (a grace period
    longer than the run), no switching cost."""
    config = from_dict(
        {
            "seed": seed,
            "steps": steps,
            "n_smbs": 300,
            "n_partners": 20,
            "strategy": TWO,
            "smb": {"entry_rate": 0.0, "exit_hazard": 0.0, "grace_steps": 1000},
            "adaptation": {
                "revision_rate": rate,
                "neighbourhood": "population",
                "memory": 1.0,
                "payoff_scale": 1.0,
                "exploration": exploration,
                "switching_cost": 0.0,
                **adaptation,
            },
        }
    )
    model = EcosystemModel(config)
    model.adaptation.signal = lambda m, idx: np.where(m.smbs.strategy_id[idx] == 0, gap, 0.0)
    model.run()
    return np.array(model.adaptation.shares)[:, 0]


def test_imitation_follows_the_replicator_equation():
    """With payoff gap d, revision rate r and payoff scale s, a B-player revises (r), meets an
    A-player (x) and switches with probability d/s, A-players never switch: dx/dt = r d/s x (1-x),
    whose solution is the logistic x(t) = 1 / (1 + (1 - x0)/x0 exp(-r d t / s)) (ODD 7.27). The
    mean share over seeds stays within 0.03 of it; without the gap (same seeds) it does not rise."""
    rate, gap, steps = 0.2, 0.5, 60
    shares = np.array([planted(seed, gap, rate=rate, steps=steps) for seed in range(8)])
    t = np.arange(steps + 1)
    logistic = 1.0 / (1.0 + (1 - 0.2) / 0.2 * np.exp(-rate * gap * t))
    assert np.abs(shares.mean(axis=0) - logistic).max() < 0.03
    assert shares[:, -1].min() > 0.9
    neutral = np.array([planted(seed, 0.0, rate=rate, steps=steps) for seed in range(2)])
    assert np.abs(neutral[:, -1] - 0.2).max() < 0.05  # no gap: the share only drifts (failures)


def test_exploration_keeps_every_strategy_present():
    """With a certain switch to the better strategy (gap = payoff scale), the worse one dies out
    without exploration; with exploration 0.1 it stays near its mutation-selection balance
    (about 5%: eps (1 - x)/2 = (1 - eps) x (1 - x) + eps x/2) and never disappears."""
    without = planted(0, 1.0, steps=80)
    with_exploration = planted(0, 1.0, steps=80, exploration=0.1)
    assert 1.0 - without[-1] < 0.005  # the worse strategy is (nearly) extinct
    worse = 1.0 - with_exploration[-30:]
    assert worse.min() > 0.0
    assert worse.mean() > 0.03


def test_switching_costs_are_paid_and_booked():
    """Each switch costs switching_cost x the SMB's fixed cost, booked as its own flow, and the
    summary reports it with the switches by reason."""
    config = from_dict(
        {
            "seed": 3,
            "steps": 24,
            "n_smbs": 200,
            "strategy": {"name": "mix", "shares": {"platform_first": 0.5, "multi_homing": 0.5}},
            "adaptation": {"revision_rate": 0.2, "exploration": 0.2, "switching_cost": 0.75},
        }
    )
    model = EcosystemModel(config)
    paid = 0.0
    for _ in range(config.steps):
        model.step()
        switched = model.events.to_frame().query("event == @SWITCH_EVENT and step == @model.steps")
        rows = np.searchsorted(model.smbs.uid[: model.smbs.n], switched.smb_id.to_numpy())
        paid += 0.75 * model.smbs.fixed_cost[rows].sum()
    events = model.events.to_frame()
    switches = events[events.event == SWITCH_EVENT]
    assert len(switches) > 20
    assert model.flows[SWITCHING_FLOW] == pytest.approx(paid)
    summary = run_simulation(config).summary
    assert summary["flows"][SWITCHING_FLOW] == pytest.approx(paid)
    assert summary["strategy_switches"] == len(switches)
    assert sum(summary["switches_by_reason"].values()) == len(switches)
    assert summary["switches_by_reason"]["exploration"] > 0


def test_switching_cost_leaves_the_cash_of_a_switcher():
    """The cash an adapting step takes is exactly the switching cost of its switchers."""
    config = from_dict(
        {"seed": 1, "steps": 5, "n_smbs": 150, "strategy": TWO, "adaptation": {"revision_rate": 1, "exploration": 1}}
    )
    model = EcosystemModel(config)
    model.run(4)
    cash, flow = model.smbs.cash.copy(), model.flows[SWITCHING_FLOW]
    model.adaptation.step(model)  # one more revision round on the same state
    spent = cash - model.smbs.cash
    assert (spent >= 0).all() and spent.sum() > 0
    assert spent.sum() == pytest.approx(model.flows[SWITCHING_FLOW] - flow)
    np.testing.assert_allclose(spent[spent > 0], 0.5 * model.smbs.fixed_cost[spent > 0])


def test_outputs_without_adaptation_are_unchanged():
    """Revision rate 0 switches the mechanism off whatever its other settings: a run with the other
    adaptation settings changed writes the same frames and summary as the default run, with no
    adaptation column, key or flow, and draws nothing from the adaptation stream. (That these
    outputs equal those of the code before the mechanism existed, bit for bit, is what
    ``benchmarks/fingerprint.py --check`` verifies on six configurations.)"""
    other = AdaptationConfig(rule="reinforcement", exploration=0.5, switching_cost=3.0, neighbourhood="alliance")
    plain = run_simulation(ModelConfig(seed=42, steps=60))
    tweaked = run_simulation(ModelConfig(seed=42, steps=60, adaptation=other))
    assert json.dumps(tweaked.summary, default=str) == json.dumps(plain.summary, default=str)
    for frame in ("timeseries", "timeseries_by_strategy", "events"):
        pd.testing.assert_frame_equal(getattr(tweaked, frame), getattr(plain, frame))
    assert "strategy_switches" not in plain.timeseries and "strategy_share" not in plain.timeseries_by_strategy
    assert SWITCHING_FLOW not in plain.summary["flows"]
    assert EcosystemModel(ModelConfig(adaptation=other)).adaptation is None


def test_adaptation_outputs_are_registered_metrics():
    """An adapting run writes the adaptation columns and keys of the registry, one sector column each."""
    config = from_dict({"seed": 2, "steps": 30, "n_smbs": 150, "strategy": TWO, "adaptation": {"revision_rate": 0.1}})
    result = run_simulation(config)
    assert list(result.timeseries.columns) == METRICS.columns(STEP, config.n_platforms, config)
    assert "switches_imitation" in result.timeseries
    by_strategy = result.timeseries_by_strategy
    assert [f"strategy_share_sector_{k}" for k in range(config.market.n_sectors)] == [
        c for c in by_strategy.columns if c.startswith("strategy_share_sector_")
    ]
    totals = by_strategy.groupby("step")["strategy_share"].sum()
    np.testing.assert_allclose(totals.to_numpy(), 1.0)
    keys = set(METRICS.columns(SUMMARY, config=config)) - set(METRICS.columns(SUMMARY, config=ModelConfig()))
    assert keys == {
        "strategy_switches", "switches_by_reason", "strategy_shares", "strategy_shares_by_sector",
        "share_variance", "mix_stable", "convergence_step",
    }  # fmt: skip
    assert keys <= set(result.summary)
    assert sum(result.summary["strategy_shares"].values()) == pytest.approx(1.0)
    assert set(METRICS.columns(STRATEGY_STEP, config=ModelConfig())) < set(by_strategy.columns)


def test_convergence_and_stability_measures():
    """The mix converges at the first step from which every share stays within the band of its
    final value, and is stable when no share's standard deviation over the window exceeds it."""
    shares = np.array([[0.5, 0.5], [0.6, 0.4], [0.7, 0.3], [0.71, 0.29], [0.7, 0.3], [0.7, 0.3]])
    assert convergence_step(shares, 0.02) == 2
    assert convergence_step(shares, 0.5) == 0
    assert mix_stable(shares, 3, 0.02)
    assert not mix_stable(shares, 6, 0.02)


@pytest.mark.parametrize(
    ("key", "value", "strategy"),
    [
        ("revision_rate", 1.5, TWO),
        ("exploration", -0.1, TWO),
        ("performance", "profit", TWO),
        ("neighbourhood", "city", TWO),
        ("revision_rate", 0.1, {"name": "opportunistic"}),
    ],
)
def test_bad_settings_are_refused_in_one_line(key, value, strategy):
    """Rates outside [0, 1], an unknown performance or neighbourhood, and adaptation among a single
    strategy are refused before the run, in one line naming the key."""
    with pytest.raises(ConfigError) as error:
        EcosystemModel(strategy=strategy, **{f"adaptation.{key}": value})
    message = str(error.value)
    assert message.startswith(f"adaptation.{key}:") and "\n" not in message


def test_reinforcement_learning_moves_toward_the_better_strategy():
    """Learning from its own payoffs, an SMB that has tried both strategies settles on the better
    one: with a planted gap the better strategy's share rises; without it, it does not."""
    better = planted(5, 0.5, rate=0.2, steps=40, rule="reinforcement", temperature=0.1)
    neutral = planted(5, 0.0, rate=0.2, steps=40, rule="reinforcement", temperature=0.1)
    assert better[-1] > 0.8
    assert better[-1] - neutral[-1] > 0.3


def test_alliance_neighbourhood_imitates_allied_peers():
    """Imitating a peer allied to one of its counterparts spreads the better strategy too."""
    shares = planted(0, 0.5, rate=0.2, steps=40, neighbourhood="alliance")
    assert shares[-1] > 0.6


def test_fee_hike_makes_going_alone_spread_against_its_twin():
    """The teaching preset's lesson (configs/scenario/strategies_evolve_fee_hike.yaml): after the
    largest platform's 20-point fee hike at step 60, going alone gains share; in the same seeds
    without the hike (ablation) it keeps losing share, in every seed less well than with it."""
    from simulator.dashboard.scenarios import scenario_config

    config = scenario_config("strategies_evolve_fee_hike")
    change: dict[bool, list[float]] = {True: [], False: []}
    for seed in range(3):
        for hike in (True, False):
            model = EcosystemModel(replace(config, seed=seed, twin=False, shocks=config.shocks if hike else []))
            model.run()
            alone = [s.name for s in model.strategies].index("go_it_alone")
            shares = np.array(model.adaptation.shares)[:, alone]
            change[hike].append(shares[-1] - shares[config.shocks[0].start - 1])
    with_hike, without = np.array(change[True]), np.array(change[False])
    assert (with_hike > without).all()
    assert with_hike.mean() > 0 > without.mean()
    assert (with_hike - without).mean() > 0.03


@pytest.mark.parametrize("names", [("a", "b"), ("a", "b", "c")])
def test_strategy_mix_figure_draws_the_simplex_for_three_strategies(names):
    """The strategy-mix figure plots each share over time, and the simplex path only for three."""
    from simulator.analysis.figures import strategy_mix_figure

    steps = np.arange(5)
    rows = [
        {"step": t, "strategy": name, "strategy_share": (1 + i * t) / sum(1 + j * t for j in range(len(names)))}
        for t in steps
        for i, name in enumerate(names)
    ]
    frame = pd.DataFrame(rows)
    fig = strategy_mix_figure(frame, shock_start=2, twin=frame)
    assert len(fig.axes) == (2 if len(names) == 3 else 1)
    assert len(fig.axes[0].get_lines()) >= 2 * len(names)
