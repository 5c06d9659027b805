"""ecosim-plan: a planted case where one strategy dominates, the report against its runs, resume,
and bad plans refused with one line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.analysis.plan import (
    IDENTITY_FILE,
    PlanReport,
    analyse,
    check_plan,
    plan,
    run_plan,
    runs_identity,
    set_aside_stale_runs,
)
from simulator.errors import ConfigError

TAKEOVER = {"kind": "platform_fee_hike", "start": 1, "duration": 0, "size": 1.0, "target": "0"}
PLANTED = {
    "name": "planted",
    "horizon": 12,
    "replicates": 3,
    "seed": 3,
    "ecosystem": {"n_smbs": 30, "n_partners": 6, "n_platforms": 1, "smb": {"exit_hazard": 0.0}},
    # a firm selling half its goods through the only platform, whose review is due at step 1
    "focal": {
        "name": "planted firm",
        "revenue": 100.0,
        "cash_months": 6.0,
        "alliances": [{"counterpart": "platform", "index": 0, "exclusive": True, "tenure": 11}],
    },
    "candidates": {"alone": {"name": "go_it_alone"}, "loyal": {"name": "platform_first"}},
    # the platform takes every sale through it from step 1 on: staying (platform_first never
    # leaves its platform at review) loses what leaving (go_it_alone drops it at its review) keeps
    "scenarios": {
        "takeover": {"shocks": [TAKEOVER]},
        "takeover_network": {"shocks": [TAKEOVER], "set": {"platform.network_effect": 3.0}},
    },
    "objective": "net_income_total",
    "thresholds": {"months_survived": ">= 12"},
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[PlanReport, Path]:
    """The planted plan, run once for the module."""
    root = tmp_path_factory.mktemp("plan")
    return plan(PLANTED, root / "out", workdir=root), root


def test_planner_picks_the_dominant_strategy_in_every_scenario(planted: tuple[PlanReport, Path]) -> None:
    """Going alone is best in every scenario and the minimax-regret and satisficing choice."""
    result, _ = planted
    assert set(result.regrets.best) == {"alone"}
    assert result.choice.minimax == "alone"
    assert result.choice.satisficing == "alone"
    best = result.regrets[result.regrets.candidate == result.regrets.best]
    assert (best.regret == 0).all() and len(best) == 2
    loyal = result.regrets[result.regrets.candidate == "loyal"]
    assert (loyal.regret > 0).all()


def test_report_numbers_equal_those_recomputed_from_the_runs(planted: tuple[PlanReport, Path]) -> None:
    """Every mean of the report is the mean of the focal outcomes in the runs' summary.json files."""
    result, root = planted
    out = root / "out"
    rows = []
    for run_dir in sorted((out / "runs").glob("*/replicate_*")):
        overrides = (run_dir.parent / ".hydra" / "overrides.yaml").read_text()
        candidate = re.search(r"plan_candidate=(\w+)", overrides).group(1)
        scenario = re.search(r"plan_scenario=(\w+)", overrides).group(1)
        focal = json.loads((run_dir / "summary.json").read_text())["focal"]
        rows.append({"candidate": candidate, "scenario": scenario, **focal})
    runs = pd.DataFrame(rows)
    assert len(runs) == 2 * 2 * 3
    means = runs.groupby(["scenario", "candidate"])[["net_income_total", "survived", "months_survived"]].mean()
    table = pd.read_csv(out / "plan_table.csv").set_index(["scenario", "candidate"])
    reported = result.outcomes.set_index(["scenario", "candidate"])
    for key, row in means.iterrows():
        assert reported.loc[key, "net_income_total"] == pytest.approx(row.net_income_total)
        assert table.loc[key, "net_income_total"] == pytest.approx(row.net_income_total)
        assert table.loc[key, "survived"] == pytest.approx(row.survived)
    for scenario in ("takeover", "takeover_network"):
        gap = means.loc[(scenario, "alone"), "net_income_total"] - means.loc[(scenario, "loyal"), "net_income_total"]
        assert table.loc[(scenario, "loyal"), "regret"] == pytest.approx(gap)
    met = runs.assign(met=runs.months_survived >= 12).groupby(["scenario", "candidate"]).met.mean()
    for key, value in met.items():
        assert table.loc[key, "p_thresholds"] == pytest.approx(value)
    text = (out / "plan.md").read_text()
    assert "3 replicates" in text
    assert f"{means.loc[('takeover', 'alone'), 'net_income_total']:.3g}" in text
    assert (out / "plan_regret.png").stat().st_size > 0 and (out / "plan_outcomes.png").stat().st_size > 0


@pytest.mark.slow
def test_resume_skips_finished_runs_of_a_plan(planted: tuple[PlanReport, Path]) -> None:
    """Running the plan again runs nothing and reports the same numbers."""
    result, root = planted
    done = run_plan(check_plan(PLANTED), root / "out", workdir=root)
    assert "0 jobs ran, 12 skipped" in done.stdout
    again = analyse(check_plan(PLANTED), root / "out")
    pd.testing.assert_frame_equal(again.outcomes, result.outcomes)


def test_within_noise_is_flagged() -> None:
    """A recommendation resting on a difference whose interval includes zero says so."""
    from simulator.analysis.plan import choose, regret_table

    checked = check_plan(PLANTED)
    rng = np.random.default_rng(0)
    rows = [
        {"candidate": c, "scenario": s, "replicate": r, "net_income_total": rng.normal(), "months_survived": 12}
        for c in checked.candidates
        for s in checked.scenarios
        for r in range(3)
    ]
    runs = pd.DataFrame(rows)
    regrets = regret_table(checked, runs)
    assert regrets[regrets.candidate != regrets.best].within_noise.all()
    assert choose(checked, regrets, runs).decided_within_noise


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"budget": 3}, "budget"),
        ({"candidates": {"alone": {"name": "go_it_alone"}, "x": {"name": "platfrom_first"}}}, "candidates.x.name"),
        ({"candidates": {"alone": {"name": "go_it_alone"}, "x": {"name": "mix"}}}, "candidates.x"),
        ({"thresholds": {"happiness": ">= 1"}}, "thresholds.happiness"),
        ({"thresholds": {"months_survived": "about 60"}}, "thresholds.months_survived"),
        ({"objective": "profit"}, "objective"),
        ({"scenarios": {"s": {"shock": "meteor"}}}, "scenarios.s.shock"),
        ({"scenarios": {"s": {"set": {"platform.fe": 0.2}}}}, "platform.fe"),
        ({"focal": {"alliances": [{"counterpart": "platform", "share": 1.5}]}}, "focal.alliances[0].share"),
        ({"focal": {"strategy": {"name": "go_it_alone"}}}, "focal.strategy"),
        ({"ecosystem": {"steps": 10}}, "ecosystem.steps"),
    ],
)
def test_bad_plans_are_refused_with_one_line_naming_the_key(change: dict, key: str) -> None:
    """Checked before anything runs: one ConfigError naming the key."""
    with pytest.raises(ConfigError) as err:
        check_plan({**PLANTED, **change})
    assert err.value.key == key
    assert "\n" not in str(err.value)


@pytest.mark.slow
def test_focal_firm_contradicting_the_ecosystem_is_refused_before_any_run(tmp_path: Path) -> None:
    """A platform that does not exist in the composed ecosystem: ecosim's pre-check refuses the whole
    sweep and the plan passes its one line on, naming the key; no run directory is written."""
    bad = {**PLANTED, "focal": {"alliances": [{"counterpart": "platform", "index": 2}]}}
    with pytest.raises(ConfigError) as err:
        run_plan(check_plan(bad), tmp_path / "out", workdir=tmp_path)
    assert err.value.key == "focal.alliances[0].index"
    assert not (tmp_path / "out" / "runs").exists()


def test_runs_of_other_simulator_code_are_kept_aside_not_overwritten(tmp_path: Path) -> None:
    """Runs recorded before plans kept their identity are judged by their code: other code's runs
    move beside the new ones (none is lost), this code's stay to be resumed."""
    from simulator.run.identity import CODE_FINGERPRINT

    runs = tmp_path / "runs"
    (runs / "0" / "replicate_0").mkdir(parents=True)
    (runs / "0" / "replicate_0" / "manifest.json").write_text(json.dumps({"code": "0ldc0de"}))
    (runs / "0" / "replicate_0" / "summary.json").write_text("{}")
    kept = set_aside_stale_runs(runs)
    assert kept == tmp_path / "runs_code-0ldc0de"
    assert (kept / "0" / "replicate_0" / "summary.json").exists() and not runs.exists()

    (runs / "0").mkdir(parents=True)
    (runs / "0" / "manifest.json").write_text(json.dumps({"code": CODE_FINGERPRINT}))
    assert set_aside_stale_runs(runs) is None and runs.exists()


def test_a_changed_plan_sets_its_earlier_runs_aside_and_more_replicates_resume() -> None:
    """The runs' identity follows what they are made of: a candidate's parameter, a scenario's
    shock or the horizon change it; more replicates, the thresholds or the objective do not."""
    base = check_plan(PLANTED)
    same = runs_identity(base)
    assert runs_identity(check_plan({**PLANTED, "replicates": PLANTED["replicates"] + 2})) == same
    assert runs_identity(base, ["hydra/launcher=joblib"]) == same
    assert runs_identity(check_plan({**PLANTED, "horizon": PLANTED["horizon"] + 1})) != same
    assert runs_identity(base, ["n_smbs=20"]) != same
    later = {**PLANTED["scenarios"], "takeover": {"shocks": [{**TAKEOVER, "start": 2}]}}
    assert runs_identity(check_plan({**PLANTED, "scenarios": later})) != same
    candidates = {**PLANTED["candidates"], "loyal": {"name": "platform_first", "partners": 1}}
    assert runs_identity(check_plan({**PLANTED, "candidates": candidates})) != same


def test_rerun_of_an_edited_plan_keeps_the_old_runs_and_runs_again(tmp_path: Path) -> None:
    """Editing a plan and running it again neither fails on the old job directories nor mixes old
    and new runs: the old ones move aside with a line saying so."""
    runs = tmp_path / "runs"
    (runs / "0" / "replicate_0").mkdir(parents=True)
    (runs / IDENTITY_FILE).write_text(json.dumps({"identity": "aaaaaaaaaaaa"}))
    assert set_aside_stale_runs(runs, "aaaaaaaaaaaa") is None
    kept = set_aside_stale_runs(runs, "bbbbbbbbbbbb")
    assert kept == tmp_path / "runs_aaaaaaaaaaaa" and (kept / "0" / "replicate_0").is_dir()
