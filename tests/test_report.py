"""The comparison report: intervals within a metric's range, effect sizes, Holm, the conditions header."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import make_sweep

from simulator.analysis.compare import compare, format_latex, format_table, holm, interval, report

SHOCK = [{"kind": "platform_fee_hike", "start": 3, "size": 0.1, "target": "largest"}]


def _runs(a: list[float], b: list[float], metric: str = "survival_rate") -> pd.DataFrame:
    rows = [
        {"job": f"{name}{i}", "strategy": name, "replicate": i, "run_dir": "", "seed": 1, metric: v}
        for name, values in (("a", a), ("b", b))
        for i, v in enumerate(values)
    ]
    return pd.DataFrame(rows)


def test_intervals_of_shares_stay_within_zero_and_one() -> None:
    """Survival near 1: the Student t interval would pass 1 (the issue's 0.98 [0.951, 1.009]); the
    bootstrap the report uses for shares stays inside [0, 1], and so do paired differences."""
    high = [1.0, 1.0, 0.96, 1.0, 0.93, 1.0]
    assert interval(np.array(high))[2] > 1  # the mechanism off: t interval
    table = compare(_runs([0.0, 0.05, 0.0, 0.02, 0.0, 0.0], high), "strategy", "a", ["survival_rate"])
    assert (table["ci_low"] >= 0).all() and (table["ci_high"] <= 1).all()
    assert set(table["interval"]) == {"bootstrap"}
    b = table[table.strategy == "b"].iloc[0]
    assert -1 <= b["diff_ci_low"] <= b["diff"] <= b["diff_ci_high"] <= 1
    # a metric with a unit is not a share: Student t
    growth = compare(_runs([0.1, 0.2, 0.3], [0.2, 0.3, 0.5], "revenue_growth_total"), "strategy", "a")
    assert set(growth["interval"]) == {"t"}


def test_effect_size_and_holm_adjustment() -> None:
    table = compare(_runs([0.5, 0.6, 0.7, 0.8], [0.52, 0.63, 0.71, 0.84]), "strategy", "a", ["survival_rate"])
    b = table[table.strategy == "b"].iloc[0]
    diffs = np.array([0.02, 0.03, 0.01, 0.04])
    assert b["d_z"] == pytest.approx(diffs.mean() / diffs.std(ddof=1))
    assert b["diff"] == pytest.approx(0.025)
    np.testing.assert_allclose(holm(np.array([0.01, 0.04, 0.03, np.nan])), [0.03, 0.06, 0.06, np.nan])
    np.testing.assert_allclose(holm(np.array([0.5, 0.9])), [1.0, 1.0])  # capped at 1, monotone


def test_baseline_rows_say_baseline_and_the_tables_export() -> None:
    table = compare(_runs([0.5, 0.6, 0.7], [0.55, 0.62, 0.8]), "strategy", "a", ["survival_rate"])
    base = table[table.strategy == "a"].iloc[0]
    assert np.isnan(base["diff"]) and np.isnan(base["p_value"])
    markdown = format_table(table, "strategy", "a")
    assert "+0 [+0, +0]" not in markdown and "| a | 3 |" in markdown and "baseline" in markdown
    latex = format_latex(table, "strategy", "a")
    spec = latex.splitlines()[0]
    columns = len(spec[spec.index("}{") + 2 : -1])
    assert all(line.count(" & ") == columns - 1 for line in latex.splitlines() if line.endswith("\\\\"))
    assert "\\toprule" in latex and "\\bottomrule" in latex and "survival rate" in latex


@pytest.fixture(scope="module")
def shocked_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    jobs = [{"strategy": s, "replicate": r} for s in ("platform_first", "multi_homing") for r in (0, 1)]
    return make_sweep(tmp_path_factory.mktemp("report"), jobs, shocks=SHOCK)


def test_the_report_states_its_conditions_and_marks_the_shock(shocked_sweep: Path) -> None:
    path, _ = report(shocked_sweep, "strategy", "platform_first", None)
    text = path.read_text()
    assert text.startswith("# Comparison of `strategy` levels against `strategy = platform_first`")
    assert str(shocked_sweep.parent) not in text.splitlines()[0]  # not a file path as the title
    for line in (
        "- SMBs at the start: 40; steps (months): 5",
        "- shocks: platform_fee_hike at step 3",
        "- runs: 4, 2 per level of `strategy` (seeds 42, replicates 0, 1)",
        "adjusted by Holm's method",
    ):
        assert line in text
    out = path.parent
    assert {p.name for p in out.iterdir()} >= {"comparison.md", "comparison.tex", "comparison.csv"}
    assert (out / "metrics_by_strategy.png").exists() and (out / "total_revenue_over_time_by_strategy.png").exists()
    table = pd.read_csv(out / "comparison.csv")
    shares = table[table["interval"] == "bootstrap"]
    assert len(shares) and (shares["ci_high"] <= 1).all() and (shares["ci_low"] >= 0).all()


def test_time_plots_mark_the_shock_onset_only_when_there_is_one() -> None:
    from simulator.analysis.figures import growth_figure, lock_in_figure

    steps = np.arange(1, 11)
    ts = pd.DataFrame(
        {"step": steps, "total_revenue": steps * 10.0, "survival_rate": 1 - steps / 100,
         "mean_revenue_hhi": 0.5, "mean_largest_platform_share": 0.3, "mean_direct_share": 0.4,
         "mean_total_exit_cost_ratio": 1.0}
    )  # fmt: skip

    def onsets(fig) -> list[list[float]]:
        return [[line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--"] for ax in fig.axes]

    assert onsets(growth_figure(ts, shock_start=4)) == [[4], [4]]
    assert onsets(lock_in_figure(ts, shock_start=4)) == [[4], [4]]
    assert onsets(growth_figure(ts)) == [[], []]
