"""Alliance reviews on each alliance's own calendar: no cliff at one age."""

from __future__ import annotations

import numpy as np
from conftest import small_config

from simulator.model import EcosystemModel


def _dissolution_ages(schedule: str, interval: int, seeds=(1, 2, 3)) -> tuple[np.ndarray, float]:
    """Ages at underperformance dissolutions, and the share of ended alliances ending within 12 steps."""
    ages, early, ended = [], 0, 0
    for seed in seeds:
        model = EcosystemModel(
            small_config(
                seed=seed, n_smbs=150, steps=60, alliance={"review_schedule": schedule, "review_interval": interval}
            )
        )
        model.run()
        ledger = model.ledger
        done = ledger.ended_step >= 0
        duration = (ledger.ended_step - ledger.formed_step)[done]
        early += int((duration <= 12).sum())
        ended += int(done.sum())
        under = done & (ledger.end_reason == "underperforming")
        ages.append((ledger.ended_step - ledger.formed_step)[under])
    return np.concatenate(ages), early / max(ended, 1)


def test_no_alliance_is_reviewed_off_its_calendar():
    """An alliance's next review moves only when it falls due, and then by exactly its interval."""
    model = EcosystemModel(small_config("portfolio_review", seed=4, n_smbs=80, steps=40))
    seen: dict[int, int] = {}
    for _ in range(40):
        model.step()
        ledger = model.ledger
        ids = ledger.active_ids
        assert (ledger.next_review[ids] > model.steps).all()
        for i in ids:
            before = seen.get(int(i))
            now = int(ledger.next_review[i])
            if before is not None and now != before:
                assert before == model.steps and now == before + int(ledger.review_interval[i])
            seen[int(i)] = now
        first = ledger.next_review[ids] - ledger.formed_step[ids]
        assert (first >= 1).all()


def test_staggered_reviews_remove_the_cliff_that_periodic_reviews_make():
    """Periodic reviews put most underperformance dissolutions at one age (the review date) and
    make the early-failure share jump between review intervals 12 and 13; staggered calendars
    (the default) spread them and keep the share smooth, in the same seeds."""
    periodic_12, periodic_early_12 = _dissolution_ages("periodic", 12)
    _, periodic_early_13 = _dissolution_ages("periodic", 13)
    staggered_12, staggered_early_12 = _dissolution_ages("staggered", 12)
    _, staggered_early_13 = _dissolution_ages("staggered", 13)
    assert len(periodic_12) > 20 and len(staggered_12) > 20
    assert np.mean(periodic_12 == 12) > 0.6
    assert np.mean(staggered_12 == 12) < 0.2
    assert periodic_early_12 - periodic_early_13 > 0.15
    assert abs(staggered_early_12 - staggered_early_13) < 0.1
