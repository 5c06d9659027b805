"""Every named scenario runs and shows its lesson, over several seeds."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from hydra import compose, initialize_config_dir

from simulator.cli.app import CONFIG_DIR, group_options
from simulator.cli.sweeps import model_config
from simulator.run.runner import RunResult, run_simulation

SEEDS = (0, 1, 2)
LESSONS = (
    "local_bakery",
    "big_client_dependence",
    "platform_lockin_fee_hike",
    "supply_chain_failure",
    "two_platforms_compete",
    "innovation_network",
    "automation_vendor",
    "learning_race",
    "rivalry",
    "sellers_organize",
)


@cache
def scenario(name: str, seed: int, overrides: tuple[str, ...] = ()) -> RunResult:
    """Run a preset as ``ecosim scenario=<name> seed=<seed> <overrides>`` would (cached: the
    lesson and its ablation arm share runs across tests)."""
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[f"scenario={name}", *overrides])
    return run_simulation(replace(model_config(cfg), seed=seed))


def test_every_teaching_scenario_exists() -> None:
    """The presets the README promises are all there."""
    assert set(LESSONS) <= set(group_options("scenario"))


TOWNS = tuple(range(12))
"""Seeds of the bakery town: 40 shops make a single town noisy, and a town runs in a blink."""

NO_PARTNER_VALUE = (
    "alliance.complementarity_floor=0",
    "alliance.complementarity_slope=0",
    "alliance.relational_rent=0",
)
"""Partners add no reach, no supply-chain saving and no relational rent (the alliance costs stay)."""


def test_local_bakery_allies_grow_faster_because_of_what_partners_add() -> None:
    """In most towns the allied shops' median revenue growth beats the loners': a complementary
    partner (the coffee shop that sells what the bakery bakes) adds reach and saves costs, the
    sources' case for complementary-business alliances. Survival is not asserted: in a town of
    20 shops per group one failure is 5 points and the difference is within seed noise.

    Measured over TOWNS (12 seeds): lead +0.0079 on average, positive in 12 of 12 towns (smallest
    +0.0019). Ablation: with partners that add nothing (complementarity multiplier 0, no relational
    rent) the lead falls to +0.0019 (a quarter; 9 of 12 positive) and falls in every town. (Under an
    earlier calibration with more entry and less forecast noise it fell only to two thirds; the
    thresholds below are for the current defaults.)"""

    def lead(overrides: tuple[str, ...]) -> np.ndarray:
        groups = [scenario("local_bakery", seed, overrides).summary["by_strategy"] for seed in TOWNS]
        return np.array(
            [
                g["complementary_competence"]["median_revenue_growth"] - g["go_it_alone"]["median_revenue_growth"]
                for g in groups
            ]
        )

    on, off = lead(()), lead(NO_PARTNER_VALUE)
    assert on.mean() > 0.005 and (on > 0).mean() >= 11 / 12, on
    assert off.mean() < 0.004 and off.mean() < 0.5 * on.mean(), (on, off)
    assert (off < on).mean() >= 11 / 12, (on, off)


NO_CLIENT_SALES = ("shock=none", "steps=60", "twin=false")
"""The big-client preset before its shock (no twin needed): the dependence the exit would realize."""


def test_big_client_dependence_puts_revenue_at_risk_and_needs_a_selling_client() -> None:
    """Single-client SMBs have far more revenue at risk (what they would lose, after recapture by
    their own channel, if their largest counterpart left) than diversifiers, in every seed: one big
    distributor carries a large part of their sales (Porter's buyer power; the seed's "one big
    client" warning).

    Ablation: when partners sell nothing (both selling roles' reach 0) nobody depends on them and
    the gap is gone. The exit at step 60 itself is not asserted: by then only a few single-client
    firms still hold their client, and the group's revenue path is seed noise."""
    quiet = ("partner.marketing_distribution_reach=0", "partner.complementary_business_reach=0")
    for seed in SEEDS:
        on = scenario("big_client_dependence", seed, NO_CLIENT_SALES).summary["by_strategy"]
        off = scenario("big_client_dependence", seed, NO_CLIENT_SALES + quiet).summary["by_strategy"]
        single, spread = on["opportunistic"]["mean_revenue_at_risk"], on["diversification"]["mean_revenue_at_risk"]
        assert single > spread + 0.1 and single > 1.5 * spread, (seed, single, spread)
        gap_off = off["opportunistic"]["mean_revenue_at_risk"] - off["diversification"]["mean_revenue_at_risk"]
        assert abs(gap_off) < 0.02, (seed, gap_off)


def test_platform_lockin_fee_hike_raises_fees_because_sellers_are_locked_in() -> None:
    """The dominant marketplace's fee creeps up before the hike and ends far above its start, while
    platform-first sellers keep most of their sales there; the hike costs the sellers revenue
    against the twin. The creep is governance responding to lock-in (the platform raises its
    fee while members' switching costs, which grow with tenure and data held, exceed the
    threshold: Farrell and Klemperer's lock-in and its exploitation).

    Ablation: with switching costs that do not grow (no tenure or data lock-in), the fee does
    not move before the hike, ends below the locked-in arm's, and the hike costs far less."""
    unlocked = ("platform.switching_cost_growth=0", "platform.data_lock_in=0")
    for seed in SEEDS:
        on, off = scenario("platform_lockin_fee_hike", seed), scenario("platform_lockin_fee_hike", seed, unlocked)
        fee_on, fee_off = on.timeseries.platform_0_fee, off.timeseries.platform_0_fee
        assert fee_on.iloc[59] >= fee_on.iloc[0] + 0.1 and fee_on.iloc[-1] >= fee_on.iloc[0] + 0.15
        assert fee_off.iloc[59] <= fee_off.iloc[0] + 0.01 and fee_off.iloc[-1] < fee_on.iloc[-1] - 0.1
        assert on.summary["by_strategy"]["platform_first"]["mean_largest_platform_share"] > 0.6
        loss_on, loss_off = on.summary["resilience"]["loss_vs_twin"], off.summary["resilience"]["loss_vs_twin"]
        assert loss_on > loss_off + 0.1, (seed, loss_on, loss_off)


def test_supply_chain_failure_costs_net_income_through_the_lost_savings() -> None:
    """Losing every supplier at once (the preset's only shock) costs the thin-margin SMBs net
    income against the no-shock twin (on average and in most seeds): their supply-chain alliances cut variable
    cost, and the savings go with the suppliers (seed sources: supply-chain partners lower costs).
    Revenue is not asserted: suppliers add little reach, and the revenue path is seed noise.

    Ablation: with supply-chain alliances that save nothing (alliance.supply_chain_saving=0) the
    same failure costs little net income."""
    on = np.array(
        [scenario("supply_chain_failure", seed).summary["resilience"]["net_income_loss_vs_twin"] for seed in SEEDS]
    )
    off = np.array(
        [
            scenario("supply_chain_failure", seed, ("alliance.supply_chain_saving=0",)).summary["resilience"][
                "net_income_loss_vs_twin"
            ]
            for seed in SEEDS
        ]
    )
    assert on.mean() > 0 and (on > 0).sum() >= len(SEEDS) - 1, on
    assert off.mean() < on.mean() / 2, (on, off)


def test_no_preset_bundles_a_second_shock() -> None:
    """A lesson must come from its own shock: every shock preset schedules one shock."""
    for name in group_options("shock"):
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            cfg = compose("config", overrides=[f"shock={name}"])
        assert len(model_config(cfg).shocks) <= 1, name


def leader_share(result: RunResult) -> float:
    """The larger platform's share of platform members at the end of a run."""
    last = result.timeseries.iloc[-1]
    return float(max(last[c] for c in result.timeseries.columns if c.startswith("platform_") and c.endswith("_share")))


def test_two_platforms_compete_tips_when_members_revisit_and_freezes_without() -> None:
    """Identical platforms with strong network effects: the market tips (leader share near 1 in
    most seeds) because members revisit their choice and move to the bigger network (increasing
    returns, Arthur 1989; Katz and Shapiro). HHI > 0.5 would hold for any two platforms, so the
    test is on the leader's share and its ablation.

    Ablation: with platform.revisit_rate=0 (choices made once, never revisited) the same seeds
    freeze with the runner-up keeping a share: the early lead compounds only among newcomers."""
    on = np.array([leader_share(scenario("two_platforms_compete", seed)) for seed in SEEDS])
    off = np.array(
        [leader_share(scenario("two_platforms_compete", seed, ("platform.revisit_rate=0",))) for seed in SEEDS]
    )
    assert (on >= 0.95).sum() >= len(SEEDS) - 1, on
    assert (on > off).all(), (on, off)
    assert off.mean() < on.mean() - 0.05, (on, off)


def test_innovation_network_absorbers_learn_and_guardians_leak_least() -> None:
    """Definition check, not a finding (see the audit in tests/test_strategies.py): absorbers share
    at 0.7 and invest in absorptive capacity, guardians share at 0.15, and both knowledge flows
    are products of sharing and absorptive capacity; the test checks that the strategies' terms
    reach the learning rule in this network."""
    for seed in SEEDS:
        groups = scenario("innovation_network", seed).summary["by_strategy"]
        absorb, guard = groups["knowledge_absorption"], groups["strategic_ambiguity"]
        assert absorb["knowledge_gained"] > groups["opportunistic"]["knowledge_gained"] > guard["knowledge_gained"]
        assert guard["knowledge_leaked"] < groups["opportunistic"]["knowledge_leaked"]


def absorbers_gap_shift(name: str, ablation: str, metric: str) -> tuple[np.ndarray, list[dict]]:
    """Per seed of SEEDS, how much the preset's mechanism moves absorbers' minus guardians'
    ``metric`` (knowledge_absorption minus strategic_ambiguity; the preset as shipped minus the
    same preset with ``ablation``), and the shipped runs' ``by_strategy`` summaries."""
    shift, groups = [], []
    for seed in SEEDS:
        on = scenario(name, seed).summary["by_strategy"]
        off = scenario(name, seed, (ablation,)).summary["by_strategy"]
        gap = [g["knowledge_absorption"][metric] - g["strategic_ambiguity"][metric] for g in (on, off)]
        shift.append(gap[0] - gap[1])
        groups.append(on)
    return np.array(shift), groups


def test_learning_race_the_faster_learner_wins_the_bargain() -> None:
    """With the learning race on both ways (alliance.appropriation_leverage=1, ODD 7.28), each side
    bargains with what it learned of the other's edge: absorbers (sharing 0.7, investing in
    absorptive capacity) learn their partners' edges faster than their partners learn theirs, so
    their partner share falls against guardians' (strategic ambiguity, sharing 0.15, who learn and
    leak little), relative to the same run without the race. Direction from the sources: Hamel
    (1991), the partner that learns faster gains bargaining power; source 003, absorption turns
    external learning into "an independent source of innovation". (When only partners bargained with
    what they learned, the race ran one way and absorbers paid more: +0.005 to +0.013.)

    Measured, seeds 0-11, absorbers' minus guardians' mean partner share falls by -0.008 to -0.020
    against the ablation (mean -0.013, every seed); over the groups the partner share falls 1.9
    points for absorbers, 1.4 for plain allies and 0.6 for guardians. Survival and cash move within
    seed noise (-0.007 and -0.9, absorbers' minus guardians') and are not asserted. Ablation: the
    same preset with leverage 0 (the innovation network's rules)."""
    rise, groups = absorbers_gap_shift("learning_race", "alliance.appropriation_leverage=0", "mean_partner_share")
    for on in groups:
        assert on["strategic_ambiguity"]["knowledge_leaked"] < on["knowledge_absorption"]["knowledge_leaked"]
    assert (rise < -0.005).all(), rise


def test_rivalry_open_sharers_lean_on_partners_once_partners_imitate() -> None:
    """With imitation under rivalry on (alliance.imitation_rivalry=0.5, ODD 7.29), absorbers (sharing
    0.7) lose more of their direct channel to partners that replicate their edge than guardians
    (strategic ambiguity, sharing 0.15), so their revenue at risk (what they would lose if their
    largest counterpart left) rises against the guardians'; the guardians end less dependent than
    the plain allies. Direction from source 003: controlled sharing "prevents partners from gaining
    undue leverage or replicating core capabilities", "particularly in ... intense rivalry".

    Measured, seeds 0-11, absorbers' minus guardians' revenue at risk rises by +0.039 to +0.109
    against the ablation (mean +0.076, every seed); seeds 0-2: +0.049 / -0.020, +0.036 / -0.003,
    +0.047 / -0.031 (on / off). Survival moves within seed noise (absorbers' minus guardians'
    -0.008, 5 of 12 positive) and is not asserted. Ablation: the same preset with rivalry 0 (the
    innovation network's rules)."""
    rise, groups = absorbers_gap_shift("rivalry", "alliance.imitation_rivalry=0", "mean_revenue_at_risk")
    for on in groups:
        assert on["strategic_ambiguity"]["mean_revenue_at_risk"] < on["opportunistic"]["mean_revenue_at_risk"]
    assert (rise > 0.02).all(), rise


def test_sellers_organize_voice_holds_the_fee_down_for_free_riders_too() -> None:
    """With influence given a voice in fee governance (platform.influence_voice=2), lock-in-responsive
    platforms raise their fee less, and the opportunistic sellers, who spend nothing on influence,
    pay the lower fee as well: voice is a public good. Direction from source 003: influence means
    "cultivating relationships with key ecosystem orchestrators" to "shape ecosystem standards";
    a standard shaped holds for every member.

    Measured, seeds 0-5, mean final fee of the two platforms (on / off): 0.170 / 0.190, 0.180 /
    0.190, 0.170 / 0.190, 0.180 / 0.190, 0.160 / 0.200, 0.170 / 0.180; fee share falls for the
    influencers by 0.0082, 0.0026, 0.0115, 0.0064, 0.0163, 0.0057 and for the opportunistic sellers
    by 0.0110, 0.0067, 0.0085, 0.0074, 0.0130, -0.0008. Survival is not asserted: the influencers'
    rises in every seed (+0.02 to +0.09), the free riders' within seed noise. Ablation: the same
    preset without voice (platform.influence_voice=0)."""
    ablated = ("platform.influence_voice=0",)
    drops = []
    for seed in SEEDS:
        on, off = scenario("sellers_organize", seed), scenario("sellers_organize", seed, ablated)
        assert np.mean(on.summary["platform_fees_final"]) < np.mean(off.summary["platform_fees_final"]), seed
        drops.append(
            [
                off.summary["by_strategy"][g]["mean_fee_share"] - on.summary["by_strategy"][g]["mean_fee_share"]
                for g in ("ecosystem_influence", "opportunistic")
            ]
        )
    influencers, free_riders = np.array(drops).T
    assert (free_riders > 0).all() and free_riders.mean() > 0.5 * influencers.mean(), drops


def test_automation_vendor_exit_hurts_less_with_modular_systems() -> None:
    """Definition check, not a finding: automation decays without a technology alliance
    (alliance.automation_decay) and modular SMBs' decay is scaled by their switching factor 0.3,
    so modular SMBs keep more of it by construction; the test checks that the vendor exit reaches
    automation through those rules."""
    for seed in SEEDS:
        by = scenario("automation_vendor", seed).timeseries_by_strategy.set_index(["strategy", "step"])
        kept = {
            name: by.loc[(name, 83), "mean_automation"] / by.loc[(name, 59), "mean_automation"]
            for name in ("opportunistic", "modular")
        }
        assert kept["opportunistic"] < 0.9
        assert kept["modular"] > kept["opportunistic"]
        assert by.loc[("opportunistic", 59), "mean_vendor_dependence"] > 0


@pytest.mark.parametrize("name", sorted(set(group_options("scenario")) - set(LESSONS)))
def test_other_scenarios_run(name: str) -> None:
    """Every other preset runs to completion."""
    assert scenario(name, 0).summary["steps"] > 0
