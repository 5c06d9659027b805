"""The default ecosystem runs the mechanisms the docs say it runs; each one it does not run has a
preset that makes it act (the list is :data:`simulator.analysis.mechanisms.MECHANISMS`)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from hydra import compose, initialize_config_dir

from simulator.analysis.mechanisms import DEFAULT_SEEDS, MECHANISMS, Mechanism, events_seen
from simulator.cli.app import CONFIG_DIR
from simulator.cli.sweeps import model_config
from simulator.config import ModelConfig, PlatformConfig
from simulator.run.runner import RunResult, run_simulation

N_SMBS, STEPS = 150, 120


@cache
def preset_run(overrides: tuple[str, ...], seed: int) -> RunResult:
    """Run ``ecosim <overrides> n_smbs=150 steps=120 seed=<seed>`` (the default run for no overrides)."""
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[*overrides, f"n_smbs={N_SMBS}", f"steps={STEPS}"])
    return run_simulation(replace(model_config(cfg), seed=seed))


def default_runs() -> list[RunResult]:
    return [preset_run((), seed) for seed in DEFAULT_SEEDS]


def test_default_run_lists_its_events() -> None:
    """A default run's events include the lifecycle, the platforms' governance, outages and the
    exogenous dissolutions; the kinds seen are exactly those the mechanism list leads one to expect."""
    seen = set().union(*(events_seen(r) for r in default_runs()))
    kinds = {event for event, _ in seen}
    assert {"formed", "renegotiated", "dissolved", "partner_failed", "smb_failed", "platform_outage"} <= kinds
    assert {("renegotiated", "governance"), ("dissolved", "base_hazard"), ("dissolved", "switched_platform")} <= seen
    assert not kinds & {"pilot_committed", "platform_entry", "shock"}


@pytest.mark.parametrize("mechanism", MECHANISMS, ids=lambda m: m.name)
def test_mechanism_acts_where_the_docs_say(mechanism: Mechanism) -> None:
    """A mechanism marked as acting at the defaults acts in the default runs (seeds together);
    one marked as not acting does not, and its preset makes it act."""
    acted = [mechanism.acted(r) for r in default_runs()]
    if mechanism.at_defaults:
        assert any(acted), f"{mechanism.name} never acted in the default runs"
    else:
        assert not any(acted), f"{mechanism.name} acted in a default run, but the docs say it is off"
        assert mechanism.acted(preset_run(mechanism.preset, 0)), f"{' '.join(mechanism.preset)} did not make it act"


def test_default_fee_governance_moves_fees_by_one_point_a_year() -> None:
    """Lock-in-responsive governance changes a default platform's fee by 0.01 per decision, once a
    year, and the default runs end with fees above the starting 0.15 (members are locked in)."""
    for result in default_runs():
        governed = result.events[result.events.reason == "governance"]
        assert set(governed.step.unique()) <= set(range(12, STEPS + 1, 12))
        fees = np.asarray(result.summary["platform_fees_final"])
        steps_taken = (fees - 0.15) / 0.01
        np.testing.assert_allclose(steps_taken, np.round(steps_taken), atol=1e-9)
        assert (np.abs(steps_taken) <= STEPS // 12).all()
        assert fees.max() > 0.15


def test_data_lock_in_matters_once_data_is_captured() -> None:
    """With data capture on (the default), data lock-in raises members' switching costs and so
    lowers platform switching (same seeds); with capture off it changes nothing."""

    def run(seed: int, lock_in: float, capture: float) -> RunResult:
        platform = PlatformConfig(data_lock_in=lock_in, data_capture=capture)
        return run_simulation(ModelConfig(seed=seed, n_smbs=N_SMBS, steps=STEPS, platform=platform))

    capture = PlatformConfig().data_capture
    assert capture > 0
    free = [run(s, 0.0, capture) for s in DEFAULT_SEEDS]
    locked = [run(s, 10.0, capture) for s in DEFAULT_SEEDS]
    for a, b in zip(free, locked, strict=True):
        assert b.summary["mean_exit_cost_months"] > a.summary["mean_exit_cost_months"]
    assert sum(r.summary["platform_switches"] for r in locked) < sum(r.summary["platform_switches"] for r in free)
    off_free, off_locked = run(0, 0.0, 0.0), run(0, 10.0, 0.0)
    assert off_free.summary["mean_exit_cost_months"] == off_locked.summary["mean_exit_cost_months"]
