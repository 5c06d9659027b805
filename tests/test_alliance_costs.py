"""Alliances cost the SMB something: management (coordination and attention) and setup (ODD 7.4, 7.6).

Each test can fail: the costs must be paid, balanced in the money flows, priced into formation, and
an alliance whose value no longer covers its full cost must be dropped at review by a value-seeking
strategy, which keeps it when the cost is switched off (an ablation in the same seeds).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from conftest import small_config, traded_ids

from simulator.errors import ConfigError
from simulator.model import EcosystemModel
from simulator.rules import value

COSTS = {"coordination_cost": 0.02, "attention_cost": 0.01, "setup_cost": 0.25}
FREE = {"coordination_cost": 0.0, "attention_cost": 0.0, "setup_cost": 0.0}


def _model(strategy: str = "diversification", seed: int = 1, **alliance: float) -> EcosystemModel:
    return EcosystemModel(small_config(strategy, seed=seed, alliance=alliance))


def test_costs_lower_net_income_by_what_they_book() -> None:
    """Same seed, first step (the same alliances form: nothing has been decided differently yet):
    each SMB's net income is lower by exactly its management cost, and the setup flow is the setup
    cost of every alliance formed."""
    free, costly = _model(**FREE), _model(**COSTS)
    free.step()
    costly.step()
    formed = costly.ledger.smb[: costly.ledger.size]
    assert np.array_equal(free.ledger.smb[: free.ledger.size], formed)
    assert costly.smbs.alliance_cost.max() > 0
    assert np.allclose(free.smbs.net_income - costly.smbs.net_income, costly.smbs.alliance_cost)
    assert costly.flows["alliance_setup"] == pytest.approx(COSTS["setup_cost"] * costly.smbs.fixed_cost[formed].sum())
    assert free.flows["alliance_management"] == 0.0 and free.flows["alliance_setup"] == 0.0


def test_management_cost_is_convex_in_alliances_held_and_paid() -> None:
    """Each SMB pays ``F (cc n + ac n^2)`` for its ``n`` alliances; the flow books exactly that."""
    model = _model(**COSTS)
    model.run(24)
    cfg = model.config.alliance
    before = model.flows["alliance_management"]
    model.step()
    ledger, smbs = model.ledger, model.smbs
    traded = traded_ids(model)
    held = np.bincount(ledger.smb[traded], minlength=smbs.n)
    expected = smbs.fixed_cost * (cfg.coordination_cost * held + cfg.attention_cost * held**2)
    paying = smbs.alliance_cost > 0
    assert paying.sum() > 20
    assert np.allclose(smbs.alliance_cost[paying], expected[paying])
    assert model.flows["alliance_management"] - before == pytest.approx(smbs.alliance_cost.sum())
    # convex: the booked cost per alliance grows with the number held
    per_alliance = value.running_cost(cfg, np.ones(3), np.array([1, 2, 4]))
    assert per_alliance[0] < per_alliance[1] < per_alliance[2]


def test_setup_cost_is_paid_at_formation() -> None:
    """Every formation (partner alliance or platform membership) books its setup cost."""
    model = _model(**COSTS)
    model.run(12)
    formed = model.ledger.size
    setup = model.flows["alliance_setup"]
    fc = model.smbs.fixed_cost[model.ledger.smb[:formed]]
    assert formed > 50
    assert setup == pytest.approx(COSTS["setup_cost"] * fc.sum())


def test_a_setup_cost_no_alliance_pays_back_stops_formation() -> None:
    """With a setup cost of decades of fixed cost, no forecast pays it back within payback_months."""
    model = _model(setup_cost=500.0)
    model.run(12)
    assert model.ledger.size == 0
    cheap = _model(setup_cost=0.0)
    cheap.run(12)
    assert cheap.ledger.size > 50


@pytest.mark.parametrize("strategy", ["diversification", "opportunistic"])
def test_an_alliance_below_its_full_cost_is_dropped_at_review(strategy: str) -> None:
    """Ablation: the same seeds run at the default costs until step 24; then the coordination
    cost rises to 0.15 of fixed cost per alliance in one run and stays in the other. Alliances whose value covered
    less than that cost are dropped within a review cycle when their cost rises, and mostly kept when
    it does not."""
    cost = 0.15
    dropped = {}
    for costly in (True, False):
        shares = []
        for seed in (1, 2, 3):
            model = _model(strategy, seed=seed)
            model.run(24)
            ledger = model.ledger
            ids = ledger.active_ids
            fc = model.smbs.fixed_cost[ledger.smb[ids]]
            thin = ids[(ledger.value_to_smb[ids] > 0) & (ledger.value_to_smb[ids] < cost * fc)]
            if costly:
                model.config = replace(model.config, alliance=replace(model.config.alliance, coordination_cost=cost))
            model.run(13)  # every alliance comes up for review within review_interval = 12 steps
            ended = ledger.ended_step[thin] != -1
            by_smb_exit = np.isin(ledger.end_reason[thin].astype(str), ["cash_flow", "owner_exit", "partner_exit"])
            shares.append(float(ended[~by_smb_exit].mean()))
            assert len(thin) >= 10
        dropped[costly] = float(np.mean(shares))
    assert dropped[True] > 0.9
    assert dropped[False] < 0.6


@pytest.mark.parametrize(
    ("key", "bad"),
    [("coordination_cost", -0.1), ("attention_cost", 1.5), ("setup_cost", -1.0), ("payback_months", 0)],
)
def test_bad_costs_are_refused_naming_the_key(key: str, bad: float) -> None:
    with pytest.raises(ConfigError, match=f"alliance.{key}"):
        EcosystemModel(small_config("diversification", alliance={key: bad}))
