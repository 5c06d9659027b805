"""Validation against stylized facts: statistics on planted measures, the report end to end."""

from __future__ import annotations

import re

import numpy as np
import pytest

from simulator.analysis.stylized_facts import (
    ALLIANCE_HAZARD_WIDTH,
    TARGETS,
    FirmPanel,
    Measures,
    Target,
    band,
    gibrat_slope,
    hazard_hump,
    shortfall_share,
    single_age_share,
    survival_at,
    young_growth_premium,
    young_variability_ratio,
)
from simulator.analysis.validate import judge, main, run_replicates
from simulator.config import ModelConfig, from_dict
from simulator.run.runner import run_simulation


def planted(**fields) -> Measures:
    """Measures of a made-up replicate: every curve flat and empty unless given."""
    base = {
        "steps": 120,
        "smb_survival": np.ones(121),
        "input_gini": 0.4,
        "end_gini": 0.4,
        "gini_path": np.full(120, 0.4),
        "growth": {k: np.zeros(0) for k in ("year", "age", "log_size", "log_growth")},
        "shortfall": np.zeros(121),
        "hazard_events": np.zeros(40),
        "hazard_exposure": np.full(40, 1000.0),
        "dissolution_ages": np.zeros(121, dtype=np.int64),
        "leader_share": np.full(120, 0.5),
        "leader_share_default": np.full(120, 0.5),
    }
    base.update(fields)
    return Measures(**base)


def hazard_measures(monthly: list[float]) -> Measures:
    """Dissolutions in 3-month bins at the given monthly hazard per bin (1000 alliance-months each)."""
    events = np.zeros(40)
    events[: len(monthly)] = np.array(monthly) * 1000
    return planted(hazard_events=events)


def test_hazard_hump_tells_a_hump_from_newness_and_a_flat_hazard() -> None:
    """Quiet honeymoon, peak in the second year, decline: near 1. A hazard highest at the start
    (liability of newness) or flat: 0 or below."""
    months = np.arange(1, 41) * ALLIANCE_HAZARD_WIDTH
    hump = np.where(months <= 3, 0.002, np.where(months <= 24, 0.02, 0.004))
    assert hazard_hump(hazard_measures(list(hump))) == pytest.approx(1 - 0.004 / 0.02)
    newness = np.where(months <= 3, 0.03, 0.01)
    assert hazard_hump(hazard_measures(list(newness))) < 0
    assert hazard_hump(hazard_measures([0.01] * 40)) == pytest.approx(0.0)
    assert hazard_hump(hazard_measures([0.0] * 40)) is None  # no dissolutions: nothing to judge


def test_single_age_share_finds_a_review_date_spike() -> None:
    ages = np.zeros(121, dtype=np.int64)
    ages[12], ages[24], ages[5] = 80, 15, 5
    assert single_age_share(planted(dissolution_ages=ages)) == pytest.approx(0.8)
    spread = np.ones(121, dtype=np.int64)
    assert single_age_share(planted(dissolution_ages=spread)) == pytest.approx(1 / 121)
    assert single_age_share(planted()) is None


def growth_panel(slope: float, young_sd: float, old_sd: float, seed: int = 0) -> dict[str, np.ndarray]:
    """Firm-years of 400 firms over 10 years: log growth = slope x (log size - its year mean) +
    noise, noisier and 5 points faster for young firms (under 60 months)."""
    rng = np.random.default_rng(seed)
    year = np.repeat(np.arange(10), 400)
    age = year * 12
    size = rng.normal(4.0, 1.0, size=len(year)) + 0.1 * year
    young = age < 60
    noise = rng.standard_normal(len(year)) * np.where(young, young_sd, old_sd)
    centred = size - np.array([size[year == y].mean() for y in range(10)])[year]
    growth = slope * centred + noise + np.where(young, 0.05, 0.0)
    return {"year": year, "age": age, "log_size": size, "log_growth": growth}


def test_growth_statistics_on_a_planted_panel() -> None:
    """Gibrat's slope, the young firms' growth premium and variability ratio come out as planted."""
    gibrat = planted(growth=growth_panel(0.0, 0.3, 0.1))
    assert abs(gibrat_slope(gibrat)) < 0.02
    assert young_growth_premium(gibrat) == pytest.approx(0.05, abs=0.02)
    assert young_variability_ratio(gibrat) == pytest.approx(3.0, rel=0.1)
    reverting = planted(growth=growth_panel(-0.2, 0.1, 0.1))
    assert gibrat_slope(reverting) == pytest.approx(-0.2, abs=0.02)
    assert gibrat_slope(planted()) is None  # no established firm-years


def test_statistics_not_observed_are_none() -> None:
    short = planted(smb_survival=np.r_[np.ones(40), np.full(81, np.nan)], shortfall=np.zeros(40))
    assert survival_at(1)(short) == 1.0
    assert survival_at(5)(short) is None
    assert shortfall_share(short) is None


def test_band_is_the_interval_of_the_mean() -> None:
    """Mean and t-interval across replicates pointwise; a missing point is left out."""
    mean, low, high = band([np.array([1.0, 2.0]), np.array([3.0]), np.array([2.0, np.nan])])
    assert mean.tolist() == [2.0, 2.0]
    assert low[0] == pytest.approx(2.0 - 4.302653 * 1.0 / np.sqrt(3), rel=1e-5)
    assert np.isnan(low[1]) and np.isnan(high[1])  # one value only


def test_targets_are_records_with_sources_and_ranges() -> None:
    """Every target names its source, says how it is measured and has a non-empty range."""
    names = [t.name for t in TARGETS]
    assert len(names) == len(set(names))
    assert {"smb_survival_1y", "smb_survival_5y", "smb_survival_10y", "dissolutions_not_one_review_date"} <= set(names)
    for t in TARGETS:
        assert t.source and t.method and t.fact and t.plot is not None
        assert t.low < t.high
    flat = Target("x", "f", "s", lambda m: 0.3, low=0.2, high=0.4)
    assert flat.accepts(0.3) and not flat.accepts(0.5) and not flat.accepts(None)
    assert flat.wanted() == "0.2 to 0.4"


@pytest.mark.slow
def test_validation_report_runs_and_every_target_has_a_value(tmp_path, capsys) -> None:
    """Two replicates of a small ten-year ecosystem: one printed line and one table row per
    target, each with a value, a result and a figure."""
    out = tmp_path / "validation"
    code = main(["--replicates", "2", "--n-smbs", "40", "--steps", "120", "--out", str(out), "--no-progress"])
    assert code == 0
    printed = capsys.readouterr().out
    text = (out / "validation.md").read_text()
    for t in TARGETS:
        line = next(ln for ln in printed.splitlines() if ln.startswith(t.name + " "))
        assert re.search(r"\b(PASS|MISS)\b", line), line
        row = next(ln for ln in text.splitlines() if ln.startswith(f"| `{t.name}` |"))
        assert "not observed" not in row and "N/A" not in row, row
        assert (out / f"{t.name}.png").stat().st_size > 0
        assert t.source in row


@pytest.mark.slow
def test_replicates_are_independent_and_parallel_runs_match() -> None:
    """Replicates draw different streams; two processes give what one gives."""
    config = ModelConfig(n_smbs=30, n_partners=8, steps=40)
    serial = run_replicates(config, 2, jobs=1, progress=False)
    parallel = run_replicates(config, 2, jobs=2, progress=False)
    for a, b in zip(serial, parallel, strict=True):
        np.testing.assert_array_equal(a.gini_path, b.gini_path)
        np.testing.assert_array_equal(a.dissolution_ages, b.dissolution_ages)
    assert not np.array_equal(serial[0].gini_path, serial[1].gini_path)
    verdicts = judge(serial)
    assert verdicts[0].target.name == "smb_survival_1y" and verdicts[0].estimate is not None
    # 10-year survival is estimable in a short run: the initial firms have ages (left truncation)
    ten_years = next(v for v in verdicts if v.target.name == "smb_survival_10y")
    assert ten_years.status in ("PASS", "MISS") and ten_years.estimate is not None


def test_firm_panel_sums_each_year_through_the_observer_hook() -> None:
    """The runner calls the observer once built and after every step; the panel's annual
    revenue is the sum of the monthly revenue it saw, and only full years of one firm count."""
    monthly: list[np.ndarray] = []
    panel = FirmPanel()

    def observe(model) -> None:
        panel(model)
        if model.steps:
            monthly.append(np.where(model.smbs.alive, model.smbs.revenue, 0.0))

    closed = {"initial_cash_months": 0.5, "entry_rate": 0.0, "exit_hazard": 0.0}  # a fixed set of firms
    config = from_dict({"n_smbs": 40, "n_partners": 8, "steps": 30, "smb": closed})
    result = run_simulation(config, observer=observe)
    assert len(monthly) == 30 and len(panel.gini_path) == 30
    revenue = np.array(monthly)
    np.testing.assert_allclose(panel.revenue[:, 0], revenue[:12].sum(axis=0))
    np.testing.assert_allclose(panel.revenue[:, 1], revenue[12:24].sum(axis=0))
    failed = result.model.smbs.failed_step
    assert failed.max() > 0  # some SMBs fail, so some years are not full
    full_first_year = (failed < 0) | (failed > 12)
    np.testing.assert_array_equal(panel.months[:, 0] == 12, full_first_year)
    pairs = panel.firm_years()
    assert set(pairs["year"]) == {0}  # the third year is not complete
    assert len(pairs["year"]) == ((failed < 0) | (failed > 24)).sum()


def test_bad_arguments_are_refused_with_the_key(capsys) -> None:
    assert main(["--replicates", "0"]) == 2
    assert "replicates" in capsys.readouterr().err
    assert main(["--n-smbs", "0"]) == 2
    assert "n_smbs" in capsys.readouterr().err
