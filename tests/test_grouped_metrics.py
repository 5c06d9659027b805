"""Per-strategy metrics from one grouped pass select exactly what a pass per group selects."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import STRATEGIES, EcosystemModel
from simulator.config import config_from_keywords
from simulator.observe.metrics import METRICS
from simulator.observe.registry import STRATEGY_STEP, Scope


@pytest.fixture(scope="module")
def mixed_model() -> EcosystemModel:
    shares = {name: 1.0 / len(STRATEGIES) for name in sorted(STRATEGIES)}
    model = EcosystemModel(
        config_from_keywords(n_smbs=300, n_partners=40, steps=15, strategy={"name": "mix", "shares": shares})
    )
    for _ in range(15):
        model.step()
    assert (~model.smbs.alive).any() and (model.smbs.birth_step > 1).any()  # exits and entrants to tell apart
    return model


def test_each_groups_alive_smbs_and_alliances_are_those_of_a_mask_per_group(mixed_model: EcosystemModel) -> None:
    smbs, ledger = mixed_model.smbs, mixed_model.ledger
    ids = ledger.active_ids
    for group in Scope(mixed_model).groups():
        members = smbs.strategy_id == group.strategy_id
        assert np.array_equal(group.alive_index, np.flatnonzero(smbs.alive & members))
        assert np.array_equal(group.active_alliances, ids[members[ledger.smb[ids]]])
        assert group.n_alive == int((smbs.alive & members).sum())


def test_group_counts_add_up_to_the_population_counts(mixed_model: EcosystemModel) -> None:
    rows = [METRICS.values(STRATEGY_STEP, group) for group in Scope(mixed_model).groups()]
    whole = METRICS.values(STRATEGY_STEP, Scope(mixed_model))
    for key in ("failures", "entries", "smbs_ever", "smbs_alive", "active_alliances"):
        assert sum(row[key] for row in rows) == whole[key], key
    assert whole["smbs_ever"] == mixed_model.smbs.n


def test_the_only_group_of_a_one_strategy_model_selects_what_a_mask_selects() -> None:
    """With one strategy its group holds every SMB and takes the population's selections as
    they are (no split): the same SMBs and alliances as masks by strategy give."""
    model = EcosystemModel(config_from_keywords(n_smbs=200, n_partners=30, steps=6))
    for _ in range(6):
        model.step()
    smbs, ledger = model.smbs, model.ledger
    (group,) = Scope(model).groups()
    assert group.holds_every_smb
    members = smbs.strategy_id == group.strategy_id
    assert members.all()
    assert np.array_equal(group.alive_index, np.flatnonzero(smbs.alive & members))
    assert np.array_equal(group.active_alliances, ledger.active_ids[members[ledger.smb[ledger.active_ids]]])
    assert group.n_active_alliances == len(ledger.active_ids)
