"""Dependence metrics: what an SMB loses if its most important counterpart leaves."""

from __future__ import annotations

import numpy as np
from conftest import small_config

from simulator.core.roles import SELLS
from simulator.core.vocabulary import COMMITTED, CONTRACTUAL, PLATFORM_KIND, PLATFORM_MEMBERSHIP
from simulator.model import EcosystemModel
from simulator.observe.dependence import dependence
from simulator.rules.economy import trade
from simulator.run.runner import run_simulation


def _plant(model: EcosystemModel, smb: int, kind: int, counterpart: int, weight: float) -> None:
    model.ledger.add(
        smb=np.array([smb]),
        kind=kind,
        counterpart=np.array([counterpart]),
        type=PLATFORM_MEMBERSHIP if kind == PLATFORM_KIND else 0,
        form=CONTRACTUAL,
        phase=COMMITTED,
        share=0.15,
        base_weight=weight,
        expected_value=1.0,
        value_ema=1.0,
        review_interval=12,
        next_review=10_000,
    )
    if kind == PLATFORM_KIND:
        model.platforms.members[counterpart] += 1


def test_single_channel_smb_is_more_dependent_than_a_diversified_one():
    """A planted SMB selling through one platform ranks above one spreading the same reach over
    three partners, on revenue and income at risk; an SMB without alliances has none."""
    model = EcosystemModel(small_config("go_it_alone", n_smbs=3, n_partners=12, n_platforms=1, steps=1))
    sellers = np.flatnonzero(SELLS[model.partners.role])
    assert len(sellers) >= 3
    _plant(model, 0, PLATFORM_KIND, 0, 0.0)
    for slot in sellers[:3]:
        _plant(model, 1, int(model.partners.role[slot]), int(slot), 0.3)
    model.steps = 1
    trade(model)
    d = dependence(model)
    assert d.revenue_at_risk[0] > 2 * d.revenue_at_risk[1] > 0
    assert d.income_at_risk[0] > d.income_at_risk[1]
    assert d.revenue_at_risk[2] == d.income_at_risk[2] == 0.0
    assert 0 < d.revenue_at_risk[0] < 1  # the direct channel recaptures part of the platform's customers


def test_platform_first_depends_more_than_diversification_by_the_platform_channel():
    """In one mixed ecosystem platform-first SMBs have more revenue at risk than diversified
    ones, while the old breadth figure (total exit cost) says the opposite; with platforms that
    reach no one (reach 0, the ablation) the platform-first advantage in dependence disappears."""
    mix = {"name": "mix", "shares": {"platform_first": 0.5, "diversification": 0.5}}
    gaps, ablated = [], []
    for seed in (1, 2, 3):
        by = run_simulation(small_config(mix, seed=seed, n_smbs=150, steps=36)).summary["by_strategy"]
        gaps.append(by["platform_first"]["mean_revenue_at_risk"] - by["diversification"]["mean_revenue_at_risk"])
        assert by["platform_first"]["mean_total_exit_cost_ratio"] < by["diversification"]["mean_total_exit_cost_ratio"]
        off = run_simulation(small_config(mix, seed=seed, n_smbs=150, steps=36, platform={"reach": 0.0}))
        o = off.summary["by_strategy"]
        ablated.append(o["platform_first"]["mean_revenue_at_risk"] - o["diversification"]["mean_revenue_at_risk"])
    assert min(gaps) > 0.15
    assert max(ablated) < 0.05
