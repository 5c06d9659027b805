"""Behavioural numbers that were constants in the code are parameters the model really reads."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_config

from simulator.model import EcosystemModel

MOVED = {
    "smb.capability_alpha": 4.0,
    "smb.capability_beta": 1.0,
    "partner.capability_alpha": 4.0,
    "partner.capability_beta": 1.0,
    "partner.strength_alpha": 2.0,
    "partner.strength_beta": 6.0,
    "partner.absorptive_capacity": 1.0,
    "alliance.platform_noise_factor": 1.0,
    "alliance.value_smoothing": 0.9,
    "alliance.initial_trust": 1.0,
    "alliance.innovation_learning_factor": 10.0,
    "alliance.innovation_reach_factor": 2.0,
    "alliance.automation_decay": 1.0,
    "alliance.credit_market_multiple": 6.0,
    "alliance.complementarity_floor": 2.0,
    "alliance.complementarity_slope": 8.0,
    "alliance.max_supply_chain_saving": 0.01,
}
"""Each parameter that replaced a constant, and a value well away from its default."""

SETUP = {"n_smbs": 120, "n_partners": 20, "steps": 30, "seed": 5}


def _final_state(**overrides) -> np.ndarray:
    model = EcosystemModel(small_config("opportunistic", **SETUP, **overrides))
    model.run()
    return np.concatenate([model.smbs.cash, model.smbs.automation, model.partners.capability.ravel()])


@pytest.fixture(scope="module")
def baseline() -> np.ndarray:
    return _final_state()


@pytest.mark.parametrize(("key", "moved"), MOVED.items(), ids=list(MOVED))
def test_moving_a_parameter_changes_the_run(baseline, key, moved):
    """The same seed with one parameter moved ends in a different state: the model reads it."""
    section, name = key.split(".")
    assert not np.array_equal(_final_state(**{section: {name: moved}}), baseline)
