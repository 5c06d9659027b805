"""Resilience on revenue, net income and cash, firm by firm: definitions and the fee-hike ablation."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import ModelConfig
from simulator.config import ResilienceConfig, ShockConfig
from simulator.observe.firm_history import FirmHistory
from simulator.observe.resilience import (
    FIRM_COLUMNS,
    band_response,
    firm_responses,
    firm_summary,
    median_time_to,
    shock_response,
)
from simulator.run.runner import OUTPUT_FILES, run_simulation, write_run

CFG = ResilienceConfig(pre_shock_window=3, recovery_fraction=0.9)
STEPS = np.arange(1, 11)
START = 5


def test_band_response_depth_worst_and_recovery_on_planted_paths() -> None:
    """Depth is the largest gap in units of the scale; recovery is counted after the worst gap."""
    values = np.array(
        [
            [100.0, 60, 80, 95, 100],  # hurt, recovers at index 3 (gap 0.05 <= 0.1)
            [100.0, 95, 92, 99, 100],  # never below the band: recovered at 0
            [100.0, 50, 70, 80, 85],  # hurt, never back: -1
            [100.0, 40, 100, 100, 100],  # fails after index 1: never back while observed
        ]
    )
    observed = np.ones_like(values, dtype=bool)
    observed[3, 2:] = False
    depth, worst, recovery = band_response(values, np.full((4, 1), 100.0), np.full(4, 100.0), observed, 0.9)
    assert depth == pytest.approx([0.4, 0.08, 0.5, 0.6])
    assert worst.tolist() == [1, 2, 1, 1]
    assert recovery.tolist() == [3, 0, -1, -1]
    twin = np.array([[120.0, 120, 120, 120, 120]])  # against a path: the gap to the twin
    d, _, r = band_response(values[:1], twin, np.array([100.0]), observed[:1], 0.9)
    assert d == pytest.approx([0.6]) and r.tolist() == [-1]
    d, _, r = band_response(values[:1], np.array([[100.0]]), np.array([0.0]), observed[:1], 0.9)
    assert d.tolist() == [0.0] and r.tolist() == [0]  # no scale: nothing to measure


def test_net_income_and_cash_are_measured_in_months_of_pre_shock_revenue() -> None:
    """Net income that turns negative has a finite depth; cash's loss is against the twin's revenue."""
    revenue = np.full(10, 100.0)
    net_income = np.array([5.0, 5, 5, 5, -15, -10, 0, 2, 4, 5])
    cash = np.array([50.0, 55, 60, 65, 50, 40, 40, 42, 46, 51])
    twin_net_income = np.full(10, 5.0)
    twin_cash = np.array([50.0, 55, 60, 65, 70, 75, 80, 85, 90, 95])
    out = shock_response(
        STEPS, revenue, np.full(10, 10), START, CFG, np.full(10, 100.0),
        {"net_income": net_income, "cash": cash}, {"net_income": twin_net_income, "cash": twin_cash},
    )  # fmt: skip
    assert out["depth"] == 0 and out["recovery_steps"] == 0 and out["loss_vs_twin"] == 0
    assert out["pre_shock_net_income"] == pytest.approx(5.0)
    assert out["net_income_depth"] == pytest.approx(0.2)  # fell by 20 = 0.2 months of revenue 100
    assert out["net_income_trough_step"] == 5
    assert out["net_income_recovery_steps"] == 2  # step 7: 0 >= 5 - 0.1 * 100
    assert out["net_income_loss_vs_twin"] == pytest.approx((20 + 15 + 5 + 3 + 1 + 0) / 600)
    assert out["pre_shock_cash"] == pytest.approx(60.0)  # steps 2-4
    assert out["cash_depth"] == pytest.approx(0.2)  # trough 40 at step 6
    assert out["cash_recovery_steps"] == 5  # 50 at step 5 is before the trough; 51 >= 60 - 10 at step 10
    assert out["cash_loss_vs_twin"] == pytest.approx((20 + 35 + 40 + 43 + 44 + 44) / 600)


def planted_history() -> tuple[FirmHistory, FirmHistory]:
    """Four firms: one recovers, one fails, one never recovers, one dies before the shock."""
    revenue = np.full((4, 10), 100.0)
    revenue[0, 4:] = [50, 70, 95, 100, 100, 100]
    revenue[1, 4:] = [50, 0, 0, 0, 0, 0]
    revenue[2, 4:] = 60
    revenue[3, 2:] = 0
    alive = revenue > 0
    net_income = revenue - 80.0
    net_income[~alive] = 0.0
    twin_revenue = np.full((4, 10), 100.0)
    twin_revenue[3, 2:] = 0
    twin_ni = np.where(twin_revenue > 0, twin_revenue - 80.0, 0.0)
    return (
        FirmHistory.from_arrays(STEPS, revenue, net_income, alive),
        FirmHistory.from_arrays(STEPS, twin_revenue, twin_ni, twin_revenue > 0),
    )


def test_firm_responses_follow_each_firm_alive_before_the_shock() -> None:
    """Only firms alive before the shock; outcomes recovered / failed / censored; loss against the twin self."""
    history, twin = planted_history()
    names = np.array(["a", "b", "a", "b"])
    table = firm_responses(history, names, START, CFG, twin)
    assert list(table.columns) == list(FIRM_COLUMNS)
    own = table[(table.measure == "revenue") & (table.reference == "own")].set_index("smb")
    assert own.index.tolist() == [0, 1, 2]  # firm 3 died before the shock
    assert own.depth.tolist() == pytest.approx([0.5, 0.5, 0.4])
    assert own.outcome.tolist() == ["recovered", "failed", "censored"]
    assert own.recovery_steps.iloc[0] == 2 and own.recovery_steps.iloc[1:].isna().all()
    assert own.failed_step.tolist() == [-1, 6, -1]
    income = table[(table.measure == "net_income") & (table.reference == "twin")].set_index("smb")
    assert income.loss_vs_twin.tolist() == pytest.approx([(50 + 30 + 5) / 600, (50 + 20 * 5) / 600, 240 / 600])
    summary = firm_summary(table)
    assert summary["n_firms"] == 3
    rev = summary["revenue"]
    assert rev["recovered_share"] == pytest.approx(1 / 3) and rev["failed_share"] == pytest.approx(1 / 3)
    assert rev["median_recovery_steps"] is None  # one of three recovered: the median is not reached
    assert firm_summary(firm_responses(history, names, START, CFG))["revenue_vs_twin"] is None


def test_median_time_to_recover_counts_failed_and_censored_firms() -> None:
    """The median is over all firms (failures compete, the end censors), not over those that recovered."""
    assert median_time_to(np.array([1.0, 3.0, np.nan, np.nan]), 4) == 3
    assert median_time_to(np.array([1.0, np.nan, np.nan, np.nan]), 4) is None
    assert median_time_to(np.array([]), 0) is None


def mixed_fee_hike(seed: int, size: float) -> ModelConfig:
    return ModelConfig(
        seed=seed, n_smbs=200, n_partners=30, steps=60, twin=True,
        shocks=[ShockConfig(kind="platform_fee_hike", start=30, duration=0, size=size, target="largest")],
        strategy={
            "name": "mix",
            "shares": {"platform_first": 1 / 3, "diversification": 1 / 3, "go_it_alone": 1 / 3},
            "params": {},
        },
    )  # fmt: skip


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fee_hike_costs_platform_first_smbs_most_net_income_and_nothing_without_it(seed: int) -> None:
    """Ablation in the same seeds: a fee hike makes platform-first SMBs lose the most net income against
    their twins (total and per firm); the same schedule with a zero hike loses nothing, for any group."""
    hiked = run_simulation(mixed_fee_hike(seed, 0.1)).summary["resilience"]["by_strategy"]
    loss = {name: group["net_income_loss_vs_twin"] for name, group in hiked.items()}
    assert loss["platform_first"] > loss["diversification"] > 0
    assert loss["platform_first"] > loss["go_it_alone"]
    firms = {name: group["firms"]["net_income_vs_twin"]["loss_vs_twin_p50"] for name, group in hiked.items()}
    assert firms["platform_first"] > firms["diversification"] and firms["platform_first"] > firms["go_it_alone"]
    flat = run_simulation(mixed_fee_hike(seed, 0.0)).summary["resilience"]["by_strategy"]
    for group in flat.values():
        assert group["net_income_loss_vs_twin"] == pytest.approx(0.0, abs=1e-12)
        assert group["loss_vs_twin"] == pytest.approx(0.0, abs=1e-12)
        assert group["firms"]["net_income_vs_twin"]["depth_p90"] == pytest.approx(0.0, abs=1e-12)


def test_resilience_firms_is_written_and_empty_for_the_twin(tmp_path) -> None:
    """The per-firm table is an output file; the no-shock twin's has the columns and no rows."""
    cfg = mixed_fee_hike(0, 0.1)
    cfg.steps, cfg.shocks[0].start, cfg.n_smbs = 20, 10, 60
    out = write_run(run_simulation(cfg), tmp_path / "run")
    assert "resilience_firms.parquet" in OUTPUT_FILES
    import pandas as pd

    firms = pd.read_parquet(out / "resilience_firms.parquet")
    assert set(firms.reference) == {"own", "twin"} and set(firms.measure) == {"revenue", "net_income"}
    twin = pd.read_parquet(out / "twin" / "resilience_firms.parquet")
    assert list(twin.columns) == list(FIRM_COLUMNS) and twin.empty
