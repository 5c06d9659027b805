"""Survival by age: estimators recover planted lifetimes; every run writes its survival curves."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import small_config

from simulator.core.ledger import AllianceLedger
from simulator.core.vocabulary import EXIT_CAUSES
from simulator.observe.survival import (
    SURVIVAL_COLUMNS,
    SURVIVAL_CURVES,
    SURVIVAL_SUMMARY,
    Lifetimes,
    alliance_lifetimes,
    cumulative_incidence,
    exit_cause_names,
    hazard_between,
    kaplan_meier,
    life_table,
    median_duration,
    smb_lifetimes,
)
from simulator.run.runner import OUTPUT_FILES, run_simulation, write_run

RATE = 1 / 30  # exponential hazard per month: median 30 ln 2 = 20.8 months
AGES = np.array([6, 12, 24, 48])


def planted(n: int, seed: int, truncate: bool = False) -> tuple[Lifetimes, np.ndarray]:
    """Exponential lifetimes counted in whole months (``ceil``, so that ``P(T > k) = exp(-RATE k)``
    exactly), censored at random; with ``truncate``, half the units are first seen at a random
    age and those that ended before it are never seen. Returns the lifetimes and true lifetimes."""
    rng = np.random.default_rng(seed)
    life = np.ceil(rng.exponential(1 / RATE, size=n)).astype(np.int64)
    censor = rng.integers(1, 120, size=n)
    entry = np.where(rng.random(n) < 0.5, rng.integers(0, 36, size=n), 0) if truncate else np.zeros(n, np.int64)
    seen = life > entry
    observed = life <= censor
    lifetimes = Lifetimes(np.minimum(life, censor), observed, entry)
    keep = seen & (np.minimum(life, censor) > entry)
    return lifetimes.select(keep), life


def truth(ages: np.ndarray) -> np.ndarray:
    return np.exp(-RATE * ages)


def test_kaplan_meier_recovers_planted_survival_under_censoring() -> None:
    """With a third of the units censored, Kaplan–Meier matches exp(-rate x age) and the median
    ceil(30 ln 2) = 21 months, while the naive share of ended units surviving each age does not."""
    lifetimes, _ = planted(4000, seed=1)
    assert 0.2 < 1 - lifetimes.observed.mean() < 0.5
    curve = kaplan_meier(lifetimes, AGES)
    np.testing.assert_allclose(curve.estimate, truth(AGES), atol=0.025)
    assert ((curve.ci_lower <= truth(AGES)) & (truth(AGES) <= curve.ci_upper)).mean() >= 0.75
    ended = lifetimes.duration[lifetimes.observed]
    naive = np.array([(ended > a).mean() for a in AGES])
    assert np.abs(naive - truth(AGES)).max() > 0.08  # censoring biases the naive estimate
    median, low, high = median_duration(lifetimes)
    assert median == pytest.approx(21, abs=2)
    assert low <= 21 <= high


def test_kaplan_meier_handles_left_truncation() -> None:
    """Units first seen at an age (those that ended younger never seen) are entered there:
    the estimate matches the truth; ignoring the entry ages overstates survival."""
    lifetimes, _ = planted(6000, seed=2, truncate=True)
    assert (lifetimes.entry > 0).mean() > 0.2
    curve = kaplan_meier(lifetimes, AGES)
    np.testing.assert_allclose(curve.estimate, truth(AGES), atol=0.03)
    ignored = kaplan_meier(Lifetimes(lifetimes.duration, lifetimes.observed, np.zeros(len(lifetimes))), AGES)
    assert (ignored.estimate.to_numpy() - truth(AGES)).max() > 0.05
    median, _, _ = median_duration(lifetimes)
    assert median == pytest.approx(21, abs=2)


@pytest.mark.parametrize("truncate", [False, True], ids=["from_birth", "left_truncated"])
def test_grouped_fit_equals_the_fit_of_every_unit(truncate) -> None:
    """Fitting the distinct lifetimes weighted by their counts (what _fit does, so that millions
    of alliances need no per-unit frames) gives lifelines' per-unit estimates bit for bit."""
    from lifelines import KaplanMeierFitter

    from simulator.observe.survival import _fit

    lifetimes, _ = planted(3000, seed=4, truncate=truncate)
    entry = np.where(lifetimes.entry > 0, lifetimes.entry + 0.5, 0.0)
    every = KaplanMeierFitter(alpha=0.05).fit(lifetimes.duration, lifetimes.observed, entry=entry if truncate else None)
    grouped = _fit(lifetimes)
    assert len(grouped.durations) < len(lifetimes) / 2
    pd.testing.assert_frame_equal(grouped.survival_function_, every.survival_function_, check_exact=True)
    pd.testing.assert_frame_equal(grouped.confidence_interval_, every.confidence_interval_, check_exact=True)
    assert grouped.median_survival_time_ == every.median_survival_time_


def test_ages_beyond_the_longest_lifetime_are_not_observed() -> None:
    """Survival past the last observed age is unknown (NaN), unless every unit has ended."""
    censored = Lifetimes(np.array([3, 5, 10]), np.array([True, False, False]), np.zeros(3))
    assert np.isnan(kaplan_meier(censored, np.array([11])).estimate.iloc[0])
    assert kaplan_meier(censored, np.array([10])).estimate.iloc[0] == pytest.approx(2 / 3)
    all_ended = Lifetimes(np.array([3, 5]), np.array([True, True]), np.zeros(2))
    assert kaplan_meier(all_ended, np.array([12])).estimate.iloc[0] == 0.0


def test_life_table_recovers_a_planted_hazard_shape() -> None:
    """Monthly ending probabilities of 1% for a year, 5% in the second year and 2% after:
    the life table's bins recover each level, censoring included."""
    rng = np.random.default_rng(3)
    months = np.arange(1, 200)
    hazard = np.where(months <= 12, 0.01, np.where(months <= 24, 0.05, 0.02))
    survive = rng.random((5000, len(months))) > hazard
    life = np.argmin(survive, axis=1) + 1  # first month in which the unit ends
    censor = rng.integers(6, 60, size=5000)
    lifetimes = Lifetimes(np.minimum(life, censor), life <= censor, np.zeros(5000))
    table = life_table(lifetimes, width=12, horizon=48)
    assert table.time.tolist() == [12, 24, 36, 48]
    np.testing.assert_allclose(table.estimate, [0.01, 0.05, 0.02, 0.02], rtol=0.2)
    assert (table.ci_lower < table.estimate).all() and (table.estimate < table.ci_upper).all()
    assert hazard_between(lifetimes, 13, 24) == pytest.approx(table.estimate.iloc[1])


def test_life_table_counts_exposure_from_entry() -> None:
    """A unit first seen at age 12 adds no exposure to the first year."""
    lifetimes = Lifetimes(np.array([24, 24]), np.array([False, False]), np.array([0, 12]))
    table = life_table(lifetimes, width=12)
    assert table.at_risk.tolist() == [12, 24]


def test_cumulative_incidence_of_competing_causes() -> None:
    """Two causes with monthly probabilities 2% and 3%: each one's incidence at 60 months is its
    share of the all-cause ending probability, and the incidences add up to 1 - survival."""
    rng = np.random.default_rng(4)
    n, horizon = 6000, 100
    draw = rng.random((n, horizon))
    ends = draw < 0.05
    life = np.where(ends.any(axis=1), np.argmax(ends, axis=1) + 1, horizon)
    cause = np.where(draw[np.arange(n), life - 1] < 0.02, "first", "second").astype(object)
    censor = rng.integers(30, 120, size=n)
    lifetimes = Lifetimes(np.minimum(life, censor), (life <= censor) & ends.any(axis=1), np.zeros(n))
    incidence = cumulative_incidence(lifetimes, cause, np.array([60]))
    total = 1 - 0.95**60
    got = dict(zip(incidence.group, incidence.estimate, strict=True))
    assert got["first"] == pytest.approx(0.4 * total, abs=0.02)
    assert got["second"] == pytest.approx(0.6 * total, abs=0.02)
    survival = kaplan_meier(lifetimes, np.array([60])).estimate.iloc[0]
    assert got["first"] + got["second"] == pytest.approx(1 - survival, abs=1e-9)


def test_alliance_median_duration_on_a_planted_ledger() -> None:
    """Ten alliances formed at step 0: five end at steps 2, 4, 6, 8, 10, five are active at step
    20. The censoring-aware median is 10 steps (survival 5/10 there); the mean of ended ones is 6."""
    ledger = AllianceLedger(n_counterparts=1, n_partners=1)
    ids = ledger.add(smb=np.arange(10), kind=np.zeros(10), counterpart=np.zeros(10), formed_step=np.zeros(10))
    for step in (2, 4, 6, 8, 10):
        ledger.end(ids[step // 2 - 1 : step // 2], step, "underperforming")
    lifetimes = alliance_lifetimes(ledger, steps=20)
    assert lifetimes.duration.tolist() == [2, 4, 6, 8, 10, 20, 20, 20, 20, 20]
    assert lifetimes.observed.sum() == 5
    median, low, _ = median_duration(lifetimes)
    assert median == 10
    assert low is not None and low < 10
    assert lifetimes.duration[lifetimes.observed].mean() == 6


def test_alliance_median_on_a_planted_ledger_with_staggered_formation() -> None:
    """Alliances formed over a 60-step run with exponential durations (median 21 months), those
    still active censored at the last step: the median is recovered."""
    rng = np.random.default_rng(5)
    n, steps = 3000, 60
    formed = rng.integers(0, steps, size=n)
    life = np.ceil(rng.exponential(1 / RATE, size=n)).astype(np.int64)
    ledger = AllianceLedger(n_counterparts=1, n_partners=1, capacity=n)
    ids = ledger.add(smb=np.zeros(n), kind=np.zeros(n), counterpart=np.zeros(n), formed_step=formed)
    ends = formed + life
    done = ends <= steps
    for step in np.unique(ends[done]):
        ledger.end(ids[done & (ends == step)], int(step), "underperforming")
    median, low, high = median_duration(alliance_lifetimes(ledger, steps))
    assert median == pytest.approx(21, abs=2)
    assert low <= 21 <= high


def test_smb_lifetimes_read_birth_exit_and_drawn_ages() -> None:
    """Age at exit, censoring at the last step, and left truncation for firms born before step 0."""
    smbs = SimpleNamespace(
        birth_step=np.array([0, 0, -24, 30]),
        failed_step=np.array([7, -1, 10, 50]),
    )
    lifetimes = smb_lifetimes(smbs, steps=60)
    assert lifetimes.duration.tolist() == [7, 60, 34, 20]
    assert lifetimes.observed.tolist() == [True, False, True, True]
    assert lifetimes.entry.tolist() == [0, 0, 24, 0]


def test_runs_write_survival_curves_and_summary(tmp_path) -> None:
    """A short run writes survival.parquet (documented columns and curves) and the summary's
    survival block; 1-year survival is the share of SMBs not failed by age 12 (nobody is
    censored before), and 10-year survival is not observed in 24 steps."""
    smb = {"initial_cash_months": 0.5, "exit_hazard": 0.0, "entry_rate": 0.0, "initial_age_mean": 0.0}
    result = run_simulation(small_config(steps=24, seed=3, smb=smb))
    out = write_run(result, tmp_path / "run")
    assert "survival.parquet" in OUTPUT_FILES
    table = pd.read_parquet(out / "survival.parquet")
    assert list(table.columns) == list(SURVIVAL_COLUMNS)
    assert set(table.curve) <= set(SURVIVAL_CURVES)
    assert {"smb_survival", "smb_exit_hazard", "alliance_survival", "alliance_dissolution_hazard"} <= set(table.curve)
    exits = table[table.curve == "smb_exit_incidence"]
    assert set(exits.group) == {"cash_flow"}
    last = table[(table.curve == "smb_survival") & (table.group == "all")].estimate.iloc[-1]
    assert exits.estimate.iloc[-1] == pytest.approx(1 - last)  # the only exit cause
    block = json.loads((out / "summary.json").read_text())["survival"]
    assert list(block) == list(SURVIVAL_SUMMARY)
    smbs = result.model.smbs
    assert block["smb_exits"] > 0
    expected = float(((smbs.failed_step < 0) | (smbs.failed_step > 12)).mean())
    assert block["smb_survival_12m"] == pytest.approx(expected)
    lo, hi = block["smb_survival_12m_ci"]
    assert lo <= expected <= hi
    assert block["smb_survival_120m"] is None
    assert block["alliances"] == result.model.ledger.size
    curve = table[(table.curve == "smb_survival") & (table.group == "all")]
    assert curve.estimate.is_monotonic_decreasing


def test_exit_causes_are_named() -> None:
    """Codes index EXIT_CAUSES; an exit without a valid code is unknown; no cause while alive."""
    names = exit_cause_names(np.array([0, -1, 5, -1]), np.array([True, True, True, False]))
    assert names.tolist() == [EXIT_CAUSES[0], "unknown", "unknown", ""]
