"""Strategies against a baseline in one mixed ecosystem, over several seeds.

Strategy and baseline share one mixed population (half each), so both face the same partners,
platforms and demand. Each strategy was audited (``AUDIT`` below): an effect its own definition
implies (go_it_alone's revenue HHI is 1 by construction) is a *definition check*, not a finding;
a finding is an *emergent* outcome (survival, growth, dependence, resilience) that the rules
produce, tested with an ablation: the effect holds with the responsible mechanism on and
disappears or reverses with it off, in the same seeds.
"""

from __future__ import annotations

import re
from dataclasses import fields
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from simulator import ConfigError, EcosystemModel, ModelConfig
from simulator.config import from_dict
from simulator.core.vocabulary import CONTRACTUAL, PLATFORM_KIND
from simulator.observe.metrics import METRICS, summary
from simulator.observe.registry import STRATEGY_STEP, STRATEGY_SUMMARY
from simulator.run.runner import run_simulation
from simulator.strategies import MIX, STRATEGIES, build_population

SEEDS = (0, 1, 2)
"""Seeds of the definition checks (a subset of FINDING_SEEDS: the runs are shared)."""
FINDING_SEEDS = (0, 1, 2, 3)
"""Seeds of the emergent findings and their ablations."""
DECADE_SEEDS = tuple(range(8))
"""Seeds of the findings that build up over ten years (120 steps), where four seeds are too few."""

AUDIT: dict[str, tuple[str, str]] = {
    # strategy: (implied | emergent, why; where the emergent finding is tested). Numbers are
    # survival-rate gaps against opportunistic SMBs in the same population, mean over seeds 0-5.
    "capability_building": (
        "emergent",
        "ends a decade more dependent on its largest counterpart, not less as source 003 expects: revenue "
        "at risk +0.045 at 120 months (12 of 12, seeds 0-11), because it leaves the partners whose skills "
        "it internalized and its sales concentrate on its platform; gone with the same investment converted "
        "into no capability (+0.002) or with partners kept (internalize_below=0, +0.001) "
        "(test_capability_building_concentrates_...). Income at risk does not move, nor its resilience to a "
        "partner failure (loss against the twin on net income -0.006 vs +0.001 without capability, se 0.006, "
        "within noise). Its survival edge (+0.036 over seeds 0-23) is the baseline's exclusive terms (+0.005 with "
        "alliance.exclusivity_premium=0); the capability repays its cost, no more "
        "(test_capability_investment_repays_its_cost_...). Its capability and direct share are higher by "
        "construction",
    ),
    "complementary_competence": (
        "emergent",
        "survives more (+0.068 over seeds 0-23, 22 of 24) because it commits less: fewer, later alliances "
        "and no exclusive terms, so smaller exit clauses and specific investments than the baseline's; "
        "without those costs the gap mostly goes, and with the baseline's exclusivity premium at 0 too it "
        "is gone (test_selective_matching_...). About two thirds is the baseline's exclusive commitments "
        "(a plain seeker is +0.044), the rest its selection (+0.025 over a plain seeker); against "
        "opportunistic SMBs that never take exclusivity it is +0.024 (7 of 12, seeds 0-11), so its own "
        "selection effect is weak and not separately tested. Its "
        "mean_complementarity (and the knowledge it learns, +0.046) is higher by construction; its growth "
        "lesson (local_bakery) is tested with an ablation in tests/test_scenarios.py",
    ),
    "contractual_clarity": (
        "emergent",
        "survives more (+0.102 over seeds 0-23, 24 of 24), but most of that is the baseline's "
        "exclusive terms, which it refuses: with the baseline's exclusivity premium at 0 the gap is "
        "+0.044 (18 of 24), gone with no exit costs and specific investment (-0.015) "
        "(test_cheap_exit_clauses_...); about +0.03 of it is the cheap exit clause (at the market's "
        "2 months: +0.035 -> +0.007, seeds 0-11). Its exit costs are lower by construction",
    ),
    "diversification": (
        "emergent",
        "revenue at risk below platform_first's and vanishing with platforms that "
        "reach no one: tests/test_dependence.py (its HHI and largest share are capped by max_share)",
    ),
    "ecosystem_influence": (
        "emergent",
        "survives more than opportunistic SMBs over ten years where its influence also bargains its "
        "platform fee (platform.fee_bargaining=1), a small edge: +0.018 vs -0.013 without, a paired shift "
        "of +0.031 (19 of 24, seeds 0-23) (test_influence_pays_where_...); under a fee hike it then loses "
        "less net income against its twin (-0.013 vs -0.001, 10 of 12) and more of it survives the hike "
        "(+0.091 vs -0.052). At the defaults (influence on partners' shares only) no survival effect: "
        "-0.012 over seeds 0-23, the influence itself +0.009 (se 0.011); over 60 months influence is too "
        "small (0.23) to matter. Voice in fee governance (platform.influence_voice=2) lowers fees for every "
        "member (0.174 vs 0.194) and both groups survive more (+0.024, +0.013): a public good the baseline "
        "free-rides on (gap +0.011, 13 of 24). Its partner share is lower by construction",
    ),
    "equity_alliance": (
        "emergent",
        "survives less than opportunistic SMBs: equity capital drains cash; "
        "gap gone with equity_capital_months=0 (test_equity_capital_costs_survival)",
    ),
    "go_it_alone": (
        "emergent",
        "grows and survives less than allied SMBs; with the alliance value channels off "
        "the growth and survival gaps disappear or reverse (test_loners_fall_behind_allies_...)",
    ),
    "knowledge_absorption": (
        "emergent",
        "its openness costs it dependence over a decade of imitation rivalry: sharing at 0.7 to learn, "
        "its partners learn more of its edge and, with imitation_rivalry=0.5, take more of its direct "
        "customers for good; at 120 months its revenue-at-risk gap against opportunistic SMBs is +0.016 "
        "(20 of 24, seeds 0-23) against -0.003 off, rising in 20 of 24; in the every-strategy mix (750 "
        "SMBs, seeds 0-11) +0.019 (10 of 12) against -0.002, rising in 11 of 12; income at risk +0.006 "
        "and +0.008 (test_open_learners_grow_more_dependent_...). After 60 months the rise is +0.007 (15 "
        "of 24; mix -0.002): it builds up. The independence the source promises does not appear: learning itself "
        "(learning_rate=0 against the default, no rivalry) leaves its revenue at risk where it was "
        "(-0.009 at 60 months, -0.005 at 120, se 0.004; mix -0.002, se 0.009); it raises its net income "
        "per surviving SMB (+3.9 a month at 60 months, se 1.0, 21 of 24, but the gap itself is positive "
        "in 16 of 24; mix +3.4, 7 of 12) and its direct share (+0.015 at 120, 19 of 24; mix 7 of 12), "
        "not survival (+0.018, se 0.013) or growth. With the learning race on both ways "
        "(appropriation_leverage=1) its partner share falls 0.0072 against the baseline's (24 of 24), the "
        "race's own formula, with no outcome beyond noise. That it gains more knowledge is its definition",
    ),
    "modular": (
        "emergent",
        "survives more (+0.078 over seeds 0-23, 23 of 24): its switching factor cuts exit costs; gap "
        "gone with exit_months=0 (test_modular_systems_...). It takes no exclusive terms; with the "
        "baseline's exclusivity premium at 0 about 60 % of the gap holds, +0.048 (22 of 24), and goes "
        "without exit costs (-0.004) or with switching_factor=1 (-0.052, seeds 0-11). Exit costs and "
        "automation decay are scaled by construction",
    ),
    "multi_homing": (
        "emergent",
        "less revenue and income at risk than one-partner single-homers (-0.18, -0.07), gone with "
        "platforms that reach no one (test_multi_homing_lowers_...). Its survival gap (+0.103) is the "
        "baseline's switching, not hedging (+0.043 against the same targets). Its largest platform share "
        "is lower by construction; its outage lesson is in tests/test_shocks.py",
    ),
    "opportunistic": ("baseline", "switches for better offers (a definition check of its review rule)"),
    "phased": (
        "emergent",
        "survives more (+0.156, 6 of 6): pilots avoid exit costs and specific investments on bad "
        "matches. It takes no exclusive terms; with the baseline's exclusivity premium at 0 the gap "
        "is +0.106 (+0.121 over seeds 0-11, 11 of 12), so about a third is the baseline's terms; "
        "without exit costs and specific investment it is gone there (-0.005) (test_pilots_...)",
    ),
    "platform_first": (
        "emergent",
        "revenue and income at risk above diversification's, gone with platform "
        "reach 0: tests/test_dependence.py (its largest platform share is 1 by construction)",
    ),
    "portfolio_review": (
        "emergent",
        "survives less (-0.160, 6 of 6): its 0.8 bar prunes young alliances and each costs its exit clause, "
        "wasted specific investment and a new setup; without these churn costs the gap mostly goes "
        "(test_portfolio_pruning_...). Its underperforming "
        "share is higher by construction (a 0.8 against a 0.5 threshold on the same statistic)",
    ),
    "strategic_ambiguity": (
        "emergent",
        "keeps its own channel when partners imitate: with imitation rivalry on (imitation_rivalry=0.5) "
        "its revenue at risk falls against the opportunistic SMBs' by 0.022 (22 of 24 seeds, 0-23), from "
        "+0.019 (23 of 24) off to -0.002 (test_guarding_knowledge_keeps_...); in the every-strategy mix "
        "(750 SMBs, seeds 0-11) by 0.025 (11 of 12). Survival is not a finding: "
        "+0.041 on against +0.019 off here (se 0.011), but -0.013 against +0.021 in the learning_race "
        "preset (12 seeds); the race both ways (appropriation_leverage=1) moves nothing beyond noise "
        "(survival +0.022, growth +0.000, its partner share +0.003 against the baseline's). That it "
        "leaks and learns less is its definition (definition checks)",
    ),
}

NO_ALLIANCE_VALUE = {
    "alliance": {
        "complementarity_floor": 0.0,
        "complementarity_slope": 0.0,
        "relational_rent": 0.0,
        "credit_months": 0.0,
        "adoption_rate": 0.0,
    },
    "platform": {"reach": 0.0, "network_effect": 0.0},
}
"""Every channel through which an alliance adds value (partner reach and savings, relational rent,
credit, automation, platform reach) switched off; the alliance costs stay."""

ABLATIONS: dict[str, dict] = {
    "none": {},
    "no_alliance_value": NO_ALLIANCE_VALUE,
    "no_commitment_costs": {"alliance": {"exit_months": 0.0, "specific_investment_months": 0.0}},
    "no_equity_capital": {"alliance": {"equity_capital_months": 0.0}},
    "no_exit_costs": {"alliance": {"exit_months": 0.0}},
    "no_churn_costs": {"alliance": {"exit_months": 0.0, "specific_investment_months": 0.0, "setup_cost": 0.0}},
    "no_exclusivity_premium": {"alliance": {"exclusivity_premium": 0.0}},
    "no_commitment_costs_no_exclusivity_premium": {
        "alliance": {"exit_months": 0.0, "specific_investment_months": 0.0, "exclusivity_premium": 0.0}
    },
    "no_exit_costs_no_exclusivity_premium": {"alliance": {"exit_months": 0.0, "exclusivity_premium": 0.0}},
    "no_capability_gain": {"strategy_params": {"capability_building": {"efficiency": 0.0}}},
    "no_capability_gain_no_exclusivity_premium": {
        "alliance": {"exclusivity_premium": 0.0},
        "strategy_params": {"capability_building": {"efficiency": 0.0}},
    },
    "imitation_rivalry": {"alliance": {"imitation_rivalry": 0.5}},
    "one_partner_baseline": {"strategy_params": {"opportunistic": {"partners": 1}}},
    "never_exclusive_baseline": {"strategy_params": {"opportunistic": {"accept_exclusivity": False}}},
    "never_exclusive_baseline_no_commitment_costs": {
        "strategy_params": {"opportunistic": {"accept_exclusivity": False}},
        "alliance": {"exit_months": 0.0, "specific_investment_months": 0.0},
    },
    "ten_years": {"steps": 120},
    "ten_years_imitation_rivalry": {"steps": 120, "alliance": {"imitation_rivalry": 0.5}},
    "ten_years_fee_bargaining": {"steps": 120, "platform": {"fee_bargaining": 1.0}},
    "ten_years_no_capability_gain": {"steps": 120, "strategy_params": {"capability_building": {"efficiency": 0.0}}},
    "ten_years_partners_kept": {"steps": 120, "strategy_params": {"capability_building": {"internalize_below": 0.0}}},
    "one_partner_baseline_no_platform_reach": {
        "strategy_params": {"opportunistic": {"partners": 1}},
        "platform": {"reach": 0.0, "network_effect": 0.0},
    },
}
"""Arms by name (a name keeps the run cache hashable): mechanisms switched off (or, for those
off at the defaults, on), parameters of the mixed strategies (``strategy_params``, applied to those in the mix),
and the horizon (``steps``, 60 unless the arm sets it)."""


def mixed_config(seed: int, shares: dict[str, float], ablation: str = "none", **overrides) -> ModelConfig:
    """A small ecosystem whose SMBs follow the given strategies in the given shares."""
    ablated = dict(ABLATIONS[ablation])
    strategy: dict = {"name": MIX, "shares": shares}
    params = {name: p for name, p in ablated.pop("strategy_params", {}).items() if name in shares}
    if params:
        strategy["params"] = params
    data = {
        "seed": seed,
        "n_smbs": 200,
        "n_partners": 30,
        "steps": 60,
        "strategy": strategy,
        **ablated,
        **overrides,
    }
    return from_dict(data)


@cache
def head_to_head(strategy: str, baseline: str, seed: int, ablation: str = "none") -> dict:
    """by_strategy summary of a half-and-half population (cached across tests)."""
    model = EcosystemModel(mixed_config(seed, {strategy: 0.5, baseline: 0.5}, ablation))
    model.run()
    return summary(model)["by_strategy"]


def gaps(
    strategy: str,
    metric: str,
    ablation: str = "none",
    baseline: str = "opportunistic",
    seeds: tuple[int, ...] = FINDING_SEEDS,
) -> np.ndarray:
    """Per seed (FINDING_SEEDS unless given): strategy's metric minus the baseline's, in the same population."""
    return np.array(
        [
            head_to_head(strategy, baseline, s, ablation)[strategy][metric]
            - head_to_head(strategy, baseline, s, ablation)[baseline][metric]
            for s in seeds
        ]
    )


def test_the_audit_covers_every_strategy() -> None:
    """Every registered strategy is classified, each implied one has a definition check, and each
    emergent one names its finding test (a test of this module by the start of its name, or a
    test file)."""
    assert set(AUDIT) == set(STRATEGIES)
    assert {kind for kind, _ in AUDIT.values()} <= {"implied", "emergent", "baseline"}
    implied = {s for s, (kind, _) in AUDIT.items() if kind == "implied"}
    checked = {s for s, *_ in DEFINITION_CHECKS}
    assert implied <= checked, f"implied strategies without a definition check: {implied - checked}"
    tests_here = [name for name in globals() if name.startswith("test_")]
    for strategy, (kind, why) in AUDIT.items():
        if kind != "emergent":
            continue
        named = re.findall(r"\((test_\w+)", why)
        files = re.findall(r"tests/(test_\w+\.py)", why)
        assert named or files, f"{strategy}: its finding names no test"
        for prefix in named:
            assert any(t.startswith(prefix.rstrip("_")) for t in tests_here), f"{strategy}: no test {prefix}..."
        for file in files:
            assert (Path(__file__).parent / file).is_file(), f"{strategy}: no tests/{file}"


# --- emergent findings, each with its ablation ---------------------------------------------------


def test_loners_fall_behind_allies_because_of_what_alliances_add() -> None:
    """go_it_alone SMBs grow less and survive less than allied (opportunistic) SMBs in the same
    ecosystem. Direction from the sources: partners' complementary resources and platforms' reach
    extend a small firm's market (the DPN literature's reason to ally; resource-based view).

    Ablation: with every value channel of an alliance off (reach, savings, rent, credit,
    automation) but its management and setup costs on, the growth and survival gaps disappear or
    reverse: allies then pay for nothing."""
    growth_on, growth_off = (
        gaps("go_it_alone", "revenue_growth_total"),
        gaps("go_it_alone", "revenue_growth_total", "no_alliance_value"),
    )
    survival_on, survival_off = (
        gaps("go_it_alone", "survival_rate"),
        gaps("go_it_alone", "survival_rate", "no_alliance_value"),
    )
    assert (growth_on < 0).all(), growth_on
    assert growth_off.mean() > growth_on.mean() / 3, (growth_on, growth_off)  # gone or reversed
    assert survival_on.mean() < -0.03, survival_on
    assert survival_off.mean() > survival_on.mean() + 0.1, (survival_on, survival_off)
    assert survival_off.mean() > 0, survival_off


def test_pilots_raise_survival_by_sparing_commitment_costs_on_bad_matches() -> None:
    """Phased SMBs survive more than opportunistic ones: a pilot that fails ends at a quarter of
    the exit cost and before the relation-specific investment (seed 003's "testing the waters";
    staged commitment limits the liability of newness).

    Phased SMBs take no exclusive terms, whose premium (``alliance.exclusivity_premium``) enlarges
    the baseline's exit clauses and specific investments, so part of the gap is the baseline's
    terms; the finding is asserted with the premium at 0 too. Measured (FINDING_SEEDS): gap
    +0.095, +0.166, +0.090, +0.188 (+0.156 over seeds 0-5, 6 of 6); with the premium at 0
    +0.068, +0.067, -0.011, +0.157 (+0.106, 5 of 6), so about a third is the baseline's terms.
    Ablation: with no exit costs and no specific investment a pilot spares nothing: +0.019,
    +0.059, -0.025, +0.063 (+0.035 over seeds 0-5, the premium's remainder as for complementary
    competence), and with the premium at 0 too the gap is gone: -0.025, -0.002, +0.005, +0.035
    (-0.006 over seeds 0-5)."""
    on, off = gaps("phased", "survival_rate"), gaps("phased", "survival_rate", "no_commitment_costs")
    assert on.mean() > 0.02 and (on > 0).sum() >= len(FINDING_SEEDS) - 1, on
    assert off.mean() < on.mean() - 0.04, (on, off)
    own = gaps("phased", "survival_rate", "no_exclusivity_premium")
    own_off = gaps("phased", "survival_rate", "no_commitment_costs_no_exclusivity_premium")
    assert own.mean() > 0.04 and (own > 0).sum() >= len(FINDING_SEEDS) - 1, own
    assert own_off.mean() < 0.02 and own_off.mean() < own.mean() - 0.04, (own, own_off)


def test_equity_capital_costs_survival() -> None:
    """Equity-alliance SMBs survive less than contract-only (opportunistic) SMBs: each equity
    alliance ties up stake x 12 months of its expected value in capital, and cash shortfalls are
    how small firms fail (liquidity is the model's failure rule, as in the sources).

    Ablation: with no equity capital to put in (equity_capital_months=0) the gap disappears
    although the equity form, its exit multiplier and the patient reviews remain."""
    on, off = gaps("equity_alliance", "survival_rate"), gaps("equity_alliance", "survival_rate", "no_equity_capital")
    assert on.mean() < -0.03 and (on <= 0).sum() >= len(FINDING_SEEDS) - 1, on
    assert off.mean() > on.mean() + 0.05, (on, off)


def test_cheap_exit_clauses_raise_survival_by_sparing_commitment_costs() -> None:
    """Contractual-clarity SMBs survive more than opportunistic ones: their exit clause costs a
    quarter of the market's, so each alliance that turns out badly (about half of them, as in the
    sources) ends cheaply; the small share premium and the forgone exclusivity premium do not
    outweigh it ("ambiguity in contracts breeds dependence", source 003).

    Measured (FINDING_SEEDS): gap +0.037, +0.100, +0.025, +0.153 (+0.105 over seeds 0-5, 6 of 6
    positive). Ablation: with no exit costs and no specific investment (nothing for a clause to
    spare) the gap is gone: +0.008, -0.052, -0.099, -0.050 (mean -0.048); exit costs alone at 0 only
    halve it (+0.046 over seeds 0-5), so the exit clause explains about half. Checked beyond the test
    (seeds 0-5 unless named): seeds 6-11 +0.101 -> +0.036; against opportunistic SMBs that never
    switch +0.104 -> -0.003; more entry and less forecast noise (entry 0.012, noise 0.5) +0.055 ->
    -0.022; the previous calibration (see the portfolio test) +0.069 -> +0.026.

    Most of the gap is the baseline's terms, not the clause: contractual-clarity SMBs refuse
    exclusivity, whose premium (``alliance.exclusivity_premium``) enlarges the baseline's exit
    clauses and specific investments. With the premium at 0 the gap is -0.037, +0.027, +0.011,
    +0.035 (+0.027 over seeds 0-5 against +0.105; +0.044 over seeds 0-23 against +0.102, 18 of
    24); without commitment costs it is gone there: -0.087, -0.009, -0.039, +0.030 (-0.015 over
    seeds 0-23, 9 of 24), below the gap with costs in every seed. Against opportunistic SMBs
    that never take exclusivity (``strategy.params.opportunistic.accept_exclusivity=false``) +0.065
    -> -0.011 (seeds 0-5; test_cheap_exits_pilots_and_modular_...). The clause itself
    (strategy.params exit_months=2, the market's, premium 0) takes the remainder from +0.035 to
    +0.007 over seeds 0-11, but not on these seeds (+0.027), so the clause's own effect is small:
    about +0.03."""
    on = gaps("contractual_clarity", "survival_rate")
    off = gaps("contractual_clarity", "survival_rate", "no_commitment_costs")
    assert (on > 0).all() and on.mean() > 0.04, on
    assert off.mean() < 0.01 and off.mean() < on.mean() - 0.06, (on, off)
    own = gaps("contractual_clarity", "survival_rate", "no_exclusivity_premium")
    own_off = gaps("contractual_clarity", "survival_rate", "no_commitment_costs_no_exclusivity_premium")
    assert own.mean() < on.mean() - 0.04, (on, own)  # the baseline's exclusive terms
    assert own.mean() > 0.0 and (own > own_off).all(), (own, own_off)
    assert own_off.mean() < 0.0 and own_off.mean() < own.mean() - 0.02, (own, own_off)


def test_modular_systems_raise_survival_through_cheaper_exits() -> None:
    """Modular SMBs survive more than opportunistic ones: their switching factor 0.3 cuts the
    exit cost of every alliance they leave, which outweighs the 1 % of revenue they pay for open
    interfaces (source 003: switch "without significant disruption").

    Measured (FINDING_SEEDS): gap +0.045, -0.039, +0.054, +0.136 (mean +0.049; +0.055 and 5 of 6
    positive over seeds 0-5). Ablation: with exit clauses that cost nothing (alliance.exit_months=0,
    platform switching costs and automation decay still scaled) the gap is gone: -0.056, -0.005,
    -0.019, +0.085 (mean +0.001). Checked beyond the test: seeds 6-11 +0.103 -> -0.034; against
    opportunistic SMBs that never switch +0.064 -> -0.008; under both shifted calibrations of the
    contractual-clarity test the effect is small (+0.020) and gone without exit costs (+0.002).

    Modular SMBs take no exclusive terms, whose premium (``alliance.exclusivity_premium``) enlarges
    the baseline's exit clauses and specific investments; the finding is asserted with the premium
    at 0 too. There it is smaller on these seeds, -0.012, +0.011, -0.017, +0.090 (+0.034 over seeds
    0-5), but holds over seeds 0-23: +0.048 (22 of 24) against +0.078 with the premium (23 of 24);
    without exit costs it is gone: -0.014, -0.072, -0.022, +0.007 (-0.004 over seeds 0-23), and so
    it is with switching_factor=1 (interface cost kept): -0.143, -0.059, -0.049, +0.061 (-0.052
    over seeds 0-11). Against opportunistic SMBs that never take exclusivity (``accept_exclusivity=false``)
    +0.077 -> -0.022 without exit costs (seeds 0-5)."""
    on, off = gaps("modular", "survival_rate"), gaps("modular", "survival_rate", "no_exit_costs")
    assert on.mean() > 0.025 and (on > 0).sum() >= len(FINDING_SEEDS) - 1, on
    assert off.mean() < on.mean() - 0.03, (on, off)
    own = gaps("modular", "survival_rate", "no_exclusivity_premium")
    own_off = gaps("modular", "survival_rate", "no_exit_costs_no_exclusivity_premium")
    assert own.mean() > 0.01 and (own > own_off).all(), (own, own_off)
    assert own_off.mean() < 0.0 and own_off.mean() < own.mean() - 0.03, (own, own_off)


@pytest.mark.parametrize("strategy", ["phased", "modular", "contractual_clarity"])
def test_cheap_exits_pilots_and_modular_systems_beat_a_never_exclusive_baseline_too(strategy: str) -> None:
    """These strategies refuse exclusive terms, whose premium enlarges the opportunistic
    baseline's exit clauses and specific investments; against a baseline that never takes
    exclusivity either (``strategy.params.opportunistic.accept_exclusivity=false``) their own
    rule must still carry a survival gap, and it must go with the commitment costs it spares.

    Measured, seeds 0-11 against the never-exclusive baseline (with exclusive baseline): phased
    +0.093, 10 of 12 (+0.140); modular +0.068, 9 of 12 (+0.079); contractual_clarity +0.070, 11 of
    12 (+0.103); capability_building +0.009 (+0.053, why it is a definition check);
    complementary_competence +0.024, 7 of 12 (+0.064). On FINDING_SEEDS: phased +0.071, +0.099,
    -0.056, +0.148; modular +0.043, +0.137, -0.050, +0.161; contractual_clarity +0.109, +0.057,
    -0.039, +0.077. Ablation: no exit costs and no specific investment, same seeds: phased -0.111,
    +0.014, -0.090, +0.008; modular -0.023, -0.048, +0.021, +0.004; contractual_clarity +0.020,
    -0.054, -0.035, -0.007."""
    on = gaps(strategy, "survival_rate", "never_exclusive_baseline")
    off = gaps(strategy, "survival_rate", "never_exclusive_baseline_no_commitment_costs")
    assert on.mean() > 0.03 and (on > 0).sum() >= len(FINDING_SEEDS) - 1, on
    assert off.mean() < on.mean() - 0.03, (on, off)


def test_multi_homing_lowers_revenue_at_risk_through_the_second_platform() -> None:
    """Multi-homing SMBs have less revenue at risk (what they would lose, after recapture by their
    own channel, if their largest counterpart left) than opportunistic SMBs holding the same one
    partner alliance on one platform: "participating in multiple ... ecosystems simultaneously"
    reduces "vulnerability to the fortunes ... of any single ecosystem" (source 003).

    Measured (FINDING_SEEDS): revenue at risk -0.176, -0.167, -0.179, -0.199; income at risk
    -0.069, -0.060, -0.065, -0.078. Ablation: with platforms that reach no one (reach and network
    effect 0) no platform carries sales and both gaps are gone: +0.022, +0.002, -0.018, -0.018 and
    +0.001, +0.001, -0.003, +0.000. Under the previous calibration (see the portfolio test), seeds
    0-3: revenue at risk -0.169 -> -0.011, income at risk -0.064 -> -0.001.

    Its survival advantage over default opportunistic SMBs (+0.103 over seeds 0-5) is not a
    multi-homing finding: against opportunistic SMBs with its own targets (one partner, two
    platforms) it is +0.043, and a second platform adds nothing (+0.046 against one partner and one
    platform); the rest is the baseline's switching, which pays exit costs."""
    on = gaps("multi_homing", "mean_revenue_at_risk", "one_partner_baseline")
    off = gaps("multi_homing", "mean_revenue_at_risk", "one_partner_baseline_no_platform_reach")
    assert (on < -0.1).all(), on
    assert np.abs(off).max() < 0.05, off
    income_on = gaps("multi_homing", "mean_income_at_risk", "one_partner_baseline")
    income_off = gaps("multi_homing", "mean_income_at_risk", "one_partner_baseline_no_platform_reach")
    assert (income_on < -0.03).all(), income_on
    assert np.abs(income_off).max() < 0.01, income_off


def test_portfolio_pruning_costs_survival_through_churn_costs() -> None:
    """Portfolio-review SMBs survive less than opportunistic ones: their 0.8 bar, checked every six
    months, ends many young alliances whose value has not yet matched a noisy forecast, and each
    pruned alliance costs its exit clause, wastes the specific investment made at commitment, and
    its replacement pays setup and specific investment again. Source 003 recommends pruning;
    transaction-cost reasoning says churn is costly, and the model sides with the second.

    Measured (FINDING_SEEDS): gap -0.167, -0.158, -0.217, -0.075 (-0.160 over seeds 0-5, 6 of 6
    negative). Ablation: with no exit, specific-investment or setup costs (churn is free) the gap
    mostly goes: -0.077, -0.046, -0.078, +0.045 (mean -0.039). The rule responsible is the bar: at
    the market's 0.5 the gap is -0.031 (seeds 0-5), while a 12-month interval (-0.105) or no
    dependence cap (-0.149) change little. Which cost weighs most depends on the calibration:
    at the defaults exit and specific costs (without them -0.029, with setup cost 0 alone -0.107);
    under the previous calibration (firm_volatility 0.45, entry 0.006, exit hazard 0.002, entrant
    cash 2.5, evaluation noise 0.61) the setup cost (gap -0.090; without exit and specific costs
    -0.080, without all three -0.012). Against opportunistic SMBs that never switch the gap is
    -0.134 and -0.027 without churn costs."""
    on = gaps("portfolio_review", "survival_rate")
    off = gaps("portfolio_review", "survival_rate", "no_churn_costs")
    assert (on < -0.05).all() and on.mean() < -0.1, on
    assert off.mean() > on.mean() + 0.08, (on, off)


def test_selective_matching_raises_survival_through_fewer_smaller_commitments() -> None:
    """Complementary-competence SMBs survive more than opportunistic ones because they commit
    less: refusing partners below min_complementarity they form fewer alliances, later (2.7 vs 3.3
    partner alliances per SMB, the first at month 6.3 vs 4.9), at lower expected value, and they
    never take exclusive terms, whose premium raises the opportunistic SMBs' exit clauses and
    specific investments (2.5 of their 3.3 alliances are exclusive). Each alliance that ends
    therefore costs them less: specific investment 1.2 vs 1.6 and exit costs 1.4 vs
    2.1 months of fixed cost (seeds 0-23, premium 0). Source 003's "partners who possess
    capabilities that genuinely augment" are fewer; transaction-cost reasoning says fewer
    commitments are cheaper to unwind.

    Measured (FINDING_SEEDS): gap +0.036, +0.069, +0.031, +0.122 (+0.068 over seeds 0-23, 22 of
    24). Ablation: without exit costs and specific investment the gap mostly goes: +0.017, +0.026,
    -0.022, +0.080 (+0.017 over seeds 0-23, 14 of 24); with the baseline's exclusivity premium at 0
    too it is gone: -0.056, -0.027, -0.049, +0.023 (+0.001 over seeds 0-23, 12 of 24); the
    premium's remainder fits channel cannibalization (ODD 11): a heavier partner channel mostly
    moves customers from the direct channel onto the partner's share.
    Decomposition (seeds 0-23): the same SMBs with the selection off (min_complementarity=0,
    weight=0) still survive +0.044 more, gone with the premium at 0 (+0.011) or without churn
    costs (-0.006): that part is the baseline's exclusive commitments. With the premium at 0 the
    selection's own part is +0.055 (20 of 24; +0.016 on FINDING_SEEDS), gone without commitment
    costs (+0.001), kept with complementarity-blind partner value (+0.056) and with that and no
    learning (+0.069): it is not what the partners bring. Checked beyond the test (on -> both
    off): seeds 24-47 +0.061 -> +0.004; against opportunistic SMBs that never switch (seeds 0-11)
    +0.051 -> -0.002."""
    on = gaps("complementary_competence", "survival_rate")
    costs_off = gaps("complementary_competence", "survival_rate", "no_commitment_costs")
    off = gaps("complementary_competence", "survival_rate", "no_commitment_costs_no_exclusivity_premium")
    assert (on > 0).all() and on.mean() > 0.04, on
    assert costs_off.mean() < on.mean() - 0.03, (on, costs_off)
    assert off.mean() < 0.01 and off.mean() < on.mean() - 0.05, (on, off)


def test_capability_investment_repays_its_cost_through_the_capability_it_builds() -> None:
    """The 3 % of revenue capability-building SMBs invest raises their capabilities, hence their
    offer's quality (market size) and their own direct channel, and that repays the investment
    (source 003's internal capability building): the same investment converted into no capability
    (strategy.params efficiency=0, the cost and the partner rules kept) survives less, in the
    default ecosystem and with the baseline's exclusivity premium at 0.

    Not a finding against the baseline (AUDIT: implied). Its survival edge over opportunistic SMBs
    (FINDING_SEEDS: +0.053, +0.012, -0.012, +0.088; +0.036 over seeds 0-23, 17 of 24) is the
    baseline's exclusive terms: it takes none, and with ``alliance.exclusivity_premium=0`` (no
    larger exit clauses and specific investments for the baseline's exclusive alliances) the
    edge is +0.005 over seeds 0-23 (14 of 24, standard error 0.013; against opportunistic SMBs
    that never take exclusivity, ``accept_exclusivity=false``, +0.015 over seeds 0-5; +0.009 over
    seeds 0-11). On FINDING_SEEDS,
    which happen to favour it, it is +0.105, -0.023, +0.012, +0.067. Without the capability gain
    the gap is -0.054, -0.043, -0.006, -0.019 at the defaults and -0.138, -0.057, -0.060, +0.062
    with the premium at 0 (-0.042 over seeds 0-23, 6 of 24): the capability is worth about 0.05 of
    survival, about what it costs. Its dependence does not fall, against the source's intent:
    revenue at risk is higher than the opportunistic SMBs' (+0.012, 6 of 6 seeds 0-5)."""
    for on_arm, off_arm in (
        ("none", "no_capability_gain"),
        ("no_exclusivity_premium", "no_capability_gain_no_exclusivity_premium"),
    ):
        on = gaps("capability_building", "survival_rate", on_arm)
        off = gaps("capability_building", "survival_rate", off_arm)
        assert (on > off).sum() >= len(FINDING_SEEDS) - 1 and on.mean() > off.mean() + 0.04, (on_arm, on, off)
        assert off.mean() < 0, (off_arm, off)


def test_guarding_knowledge_keeps_the_direct_channel_under_imitation_rivalry() -> None:
    """Under imitation rivalry (``alliance.imitation_rivalry=0.5``, ODD 7.29: partners that learned
    an SMB's edge replicate it and take part of its direct reach, for good), strategic-ambiguity SMBs
    end less dependent on their partners, relative to opportunistic SMBs, than without it. Direction
    from source 003: controlled sharing "prevents partners from gaining undue leverage or replicating
    core capabilities". Sharing 0.15 instead of 0.5, their partners imitate a third as much of their
    edge (imitated share 0.05 against 0.16), so their own channel keeps its weight while the
    baseline's erodes and the baseline's partners carry more of its sales.

    Measured (FINDING_SEEDS), revenue-at-risk gap off: +0.026, +0.020, +0.013, +0.039; on: +0.007,
    +0.005, -0.002, -0.014. Over seeds 0-23 +0.019 (23 of 24) off, -0.002 on, the gap falls in 22 of
    24 seeds (mean -0.022, se 0.004); income at risk -0.007 (19 of 24). The baseline's revenue at risk
    rises 0.221 -> 0.248 with rivalry, the guardians' 0.241 -> 0.245. Ablation: rivalry off is the
    default model (``imitation_rivalry=0``)."""
    on = gaps("strategic_ambiguity", "mean_revenue_at_risk", "imitation_rivalry")
    off = gaps("strategic_ambiguity", "mean_revenue_at_risk")
    assert (off > 0).all(), off  # without imitation the guardians are the more dependent
    assert (on < off).all() and (on - off).mean() < -0.01, (on, off)
    assert on.mean() < 0.005, on


@pytest.mark.slow
def test_influence_pays_where_it_bargains_the_platform_fee() -> None:
    """Ecosystem-influence SMBs survive more than opportunistic ones over ten years where their
    influence also bargains their platform fee (``platform.fee_bargaining=1``: a member pays
    ``fee x (1 - influence)``, as partners' bargaining power is scaled), and less where it reaches
    only partners' shares. Source 003: "cultivating relationships with key ecosystem
    orchestrators" and positioning "as indispensable contributors" lets SMBs "enhance their
    negotiating power"; the platform is the orchestrator, and its fee the term most of their sales
    pay. The saving is private (each member's own fee), so free riders do not share it.

    Measured (120 months, FINDING_SEEDS): gap +0.010, -0.013, -0.008, +0.087 with bargained fees;
    -0.042, -0.021, -0.086, -0.029 without (the default). Over seeds 0-23 the edge is small:
    +0.018 (14 of 24) vs -0.013 (8 of 24), a paired shift of +0.031 (19 of 24, se 0.012); their fee
    share is 0.060 vs the opportunistic SMBs' 0.083 (0.078 vs 0.082 without). Under a fee hike
    (+0.10 from month 60, with its twin, seeds 0-11) they lose less net income against the twin
    than opportunistic SMBs (-0.013, 10 of 12, se 0.004; without bargaining -0.001) and more of
    them survive the hike (+0.091 vs -0.052). Over 60 months, with influence still small (0.23 at
    most), the shift is +0.011 (6 of 12), within noise. Voice in the fee decision instead
    (``platform.influence_voice=2``, a public good) lowers the platforms' fees (0.174 vs 0.194 at
    120 months) and both groups survive more (+0.024, 17 of 24, and +0.013, 16 of 24), so the gap
    barely moves (+0.011, 13 of 24): the opportunistic members free-ride on the influence others
    pay for. With both channels on, voice lowers the posted fee and with it the private saving
    (shift +0.006)."""
    on = gaps("ecosystem_influence", "survival_rate", "ten_years_fee_bargaining")
    off = gaps("ecosystem_influence", "survival_rate", "ten_years")
    assert (on > off).sum() >= len(FINDING_SEEDS) - 1 and on.mean() > off.mean() + 0.03, (on, off)
    assert off.mean() < 0 < on.mean(), (on, off)


@pytest.mark.slow
def test_capability_building_concentrates_dependence_as_it_internalizes_partners() -> None:
    """Capability-building SMBs end a decade more dependent on their largest counterpart than
    opportunistic SMBs, not less: revenue at risk (the share of revenue lost, after recapture by
    the other channels, if that counterpart left) is higher, because as they internalize their
    partners' skills they leave those partners (reason ``internalized``) and what they sell
    concentrates on the channels left, their platform above all. Source 003 expects capability
    building to "gradually decrease dependence as internal capacity grows"; its own hedging logic
    (a firm with fewer channels is more exposed to any one of them) predicts this instead, and the
    model sides with the second.

    Measured (120 months, FINDING_SEEDS): gap +0.047, +0.060, +0.038, +0.040 (+0.045 over seeds
    0-11, 12 of 12; at 60 months +0.009, 10 of 12; at 24 months +0.000). Ablations, same seeds:
    the same investment converted into no capability (``efficiency=0``) +0.017, +0.014, +0.004,
    -0.006 (+0.002 over seeds 0-11, 6 of 12); capability built but partners kept
    (``internalize_below=0``) +0.012, -0.020, -0.007, +0.007 (+0.001, 7 of 12). Income at risk
    does not move (+0.002 vs -0.002): the platform it leans on takes its fee. The capability
    itself, with partners kept, lowers revenue at risk a little at 60 months (-0.006 vs +0.011
    without capability, seeds 0-11), the source's direction, and not at 120. Nor does it weather a
    partner failure better (30 % of partners fail at month 60 for 12 months, with the twin, seeds
    0-11): net income lost against the twin -0.006 below the opportunistic SMBs' (5 of 12, standard
    error 0.006) against +0.001 without capability, within noise."""
    on = gaps("capability_building", "mean_revenue_at_risk", "ten_years")
    for ablation in ("ten_years_no_capability_gain", "ten_years_partners_kept"):
        off = gaps("capability_building", "mean_revenue_at_risk", ablation)
        assert (on > off).all() and on.mean() > off.mean() + 0.02, (ablation, on, off)
        assert abs(off.mean()) < 0.015, (ablation, off)
    assert (on > 0.02).all(), on


@pytest.mark.slow
def test_open_learners_grow_more_dependent_over_a_decade_of_imitation_rivalry() -> None:
    """Under imitation rivalry (``alliance.imitation_rivalry=0.5``, ODD 7.29) knowledge-absorption
    SMBs end a decade more dependent on their partners than opportunistic SMBs; without it they
    end a little less dependent. Source 003 has absorbers become "an independent source of
    innovation", and warns that open sharing lets partners replicate core capabilities "in ...
    intense rivalry"; the model sides with the warning. They share at 0.7 to learn (0.5 for the
    baseline), so their partners learn more of their edge (7.28), and the imitated edge never
    falls: each year more of their direct customers go to partners that copy them, their own
    channel loses weight and their partner channels carry more of what they sell. It builds up
    slowly: after 60 months the rise is +0.007 (se 0.005, 15 of 24 seeds), after 120 it is the finding.

    Measured at 120 months, revenue at risk (9.10) gap against the opportunistic SMBs (DECADE_SEEDS):
    off -0.006 (1 of 8 positive), on +0.016 (6 of 8; seeds 0 and 1 go the other way); over seeds
    0-23 off -0.003 (9 of 24), on +0.016 (20 of 24), rising in 20 of 24 (+0.019, se 0.004). With it
    their direct share falls against the baseline's in 7 of 8 (-0.021 over seeds 0-23, 20 of 24)
    and their net income per surviving SMB by 5.2 a month (se 1.6, 19 of 24), income at risk rises
    +0.006 (19 of 24); survival does not move (+0.006, se 0.014). In the every-strategy mix (750
    SMBs, 110 partners, seeds 0-11) the gap is +0.019 (10 of 12) on against -0.002 off, rising in 11
    of 12 (+0.021, se 0.006); net income -5.9 (9 of 12 lower), survival -0.032 (se 0.018, 6 of 12
    lower): noise. Learning itself (learning_rate=0,
    no rivalry) does not change their dependence: -0.005 (se 0.004). Ablation: rivalry off is the
    default model (``imitation_rivalry=0``)."""
    on = gaps("knowledge_absorption", "mean_revenue_at_risk", "ten_years_imitation_rivalry", seeds=DECADE_SEEDS)
    off = gaps("knowledge_absorption", "mean_revenue_at_risk", "ten_years", seeds=DECADE_SEEDS)
    assert off.mean() < 0.0, off  # without imitation the learners are no more dependent
    assert on.mean() > 0.01 and (on > 0).sum() >= 6, on
    assert (on > off).sum() >= 6 and (on - off).mean() > 0.01, (on, off)
    direct_on = gaps("knowledge_absorption", "mean_direct_share", "ten_years_imitation_rivalry", seeds=DECADE_SEEDS)
    direct_off = gaps("knowledge_absorption", "mean_direct_share", "ten_years", seeds=DECADE_SEEDS)
    assert (direct_on < direct_off).sum() >= 7, (direct_on, direct_off)


# --- definition checks: implied by the strategies' own rules, not findings ----------------------

DEFINITION_CHECKS = [
    # strategy, baseline, metric, direction: what the strategy's definition implies (see AUDIT)
    ("multi_homing", "platform_first", "mean_largest_platform_share", "lower"),
    ("modular", "opportunistic", "mean_total_exit_cost_ratio", "lower"),
    ("contractual_clarity", "opportunistic", "mean_total_exit_cost_ratio", "lower"),
    ("capability_building", "opportunistic", "mean_capability", "higher"),
    ("capability_building", "opportunistic", "mean_direct_share", "higher"),
    ("strategic_ambiguity", "opportunistic", "knowledge_leaked", "lower"),
    ("strategic_ambiguity", "opportunistic", "knowledge_gained", "lower"),
    ("complementary_competence", "opportunistic", "mean_complementarity", "higher"),
    ("knowledge_absorption", "opportunistic", "knowledge_gained", "higher"),
    ("ecosystem_influence", "opportunistic", "mean_partner_share", "lower"),
    ("portfolio_review", "opportunistic", "underperforming_share", "higher"),
]


@pytest.mark.parametrize(("strategy", "baseline", "metric", "direction"), DEFINITION_CHECKS)
def test_definition_check(strategy: str, baseline: str, metric: str, direction: str) -> None:
    """Definition check, not a finding: the strategy's rule reaches the metric it sets directly."""
    pairs = np.array([[head_to_head(strategy, baseline, s)[g][metric] for g in (strategy, baseline)] for s in SEEDS])
    diff = pairs[:, 0] - pairs[:, 1]
    if direction == "lower":
        diff = -diff
    assert diff.mean() > 0, f"{strategy} {metric} not {direction} than {baseline}: {pairs.tolist()}"
    assert (diff > 0).sum() >= len(SEEDS) - 1, f"{strategy} {metric} per seed: {pairs.tolist()}"


def test_opportunistic_switches_for_better_offers() -> None:
    """Definition check of the baseline's review rule: opportunistic SMBs leave alliances for
    better alternatives; loyal platform-first ones never do."""
    for seed in SEEDS:
        events = run_simulation(mixed_config(seed, {"opportunistic": 0.5, "platform_first": 0.5})).events
        dissolved = events[events.event == "dissolved"]
        reasons = dissolved.groupby("strategy", observed=False).reason.apply(set)
        assert "better_alternative" in reasons["opportunistic"]
        assert "better_alternative" not in reasons.get("platform_first", set())


def test_strategy_terms_reach_the_ledger() -> None:
    """Terms a strategy asks for are the terms its alliances carry."""
    model = EcosystemModel(
        mixed_config(
            0,
            {"equity_alliance": 0.25, "strategic_ambiguity": 0.25, "phased": 0.25, "portfolio_review": 0.25},
        )
    )
    model.run(30)
    ledger = model.ledger
    partner = ledger.kind != PLATFORM_KIND
    strategy_of = np.array([s.name for s in model.strategies])[model.smbs.strategy_id[ledger.smb]]
    equity = partner & (strategy_of == "equity_alliance")
    assert (ledger.form[equity] != CONTRACTUAL).all() and np.allclose(ledger.equity_stake[equity], 0.25)
    assert (ledger.form[partner & (strategy_of != "equity_alliance")] == CONTRACTUAL).all()
    assert np.allclose(ledger.info_sharing[partner & (strategy_of == "strategic_ambiguity")], 0.15)
    assert (ledger.pilot_steps[partner & (strategy_of == "phased")] == 6).all()
    assert (ledger.pilot_steps[partner & (strategy_of != "phased")] == 0).all()
    assert (ledger.review_interval[partner & (strategy_of == "portfolio_review")] == 6).all()


def test_mix_assigns_shares_exactly() -> None:
    """A mix gives each strategy its share of the population (largest remainders)."""
    model = EcosystemModel(mixed_config(3, {"diversification": 0.3, "platform_first": 0.5, "phased": 0.2}))
    counts = np.bincount(model.smbs.strategy_id, minlength=3)
    assert dict(zip([s.name for s in model.strategies], counts.tolist(), strict=True)) == {
        "diversification": 60,
        "platform_first": 100,
        "phased": 40,
    }


def test_mix_outputs_break_down_by_strategy() -> None:
    """summary.json and the per-strategy time series cover each strategy of a mix."""
    result = run_simulation(mixed_config(4, {"diversification": 0.4, "platform_first": 0.6}))
    groups = result.summary["by_strategy"]
    assert set(groups) == {"diversification", "platform_first"}
    for metrics in groups.values():
        assert list(metrics) == METRICS.columns(STRATEGY_SUMMARY)
    assert sum(g["formations"] for g in groups.values()) == result.summary["formations"]
    by = result.timeseries_by_strategy
    assert len(by) == 2 * 60
    assert list(by.columns) == METRICS.columns(STRATEGY_STEP)
    survivors = by.groupby("step").smbs_alive.sum().to_numpy()
    assert (survivors == result.timeseries.smbs_alive.to_numpy()).all()
    alliance_events = result.events[result.events.alliance_id >= 0]  # market events name no strategy
    assert set(alliance_events.strategy.unique()) <= {"diversification", "platform_first"}


@pytest.mark.parametrize(
    ("spec", "key"),
    [
        ({"name": MIX, "shares": {"phased": 0.5, "diversification": 0.4}}, "strategy.shares"),
        ({"name": MIX, "shares": {"phased": 1.2, "diversification": -0.2}}, "strategy.shares.phased"),
        ({"name": MIX, "shares": {"phased": 0.5, "nope": 0.5}}, "strategy.shares.nope"),
        ({"name": MIX, "shares": {"phased": 1.0}, "params": {"phased": {"pilot_steps": 0}}}, "strategy.params.phased"),
        ({"name": "equity_alliance", "form": "merger"}, "strategy.form"),
    ],
)
def test_bad_mix_is_refused_naming_the_key(spec: dict, key: str) -> None:
    """Invalid mixes and strategy parameters are refused with the offending key."""
    with pytest.raises(ConfigError) as err:
        build_population(spec)
    assert err.value.key.startswith(key)


def test_listing_describes_every_parameter() -> None:
    """The strategy listing names every strategy and each of its parameters."""
    for cls in STRATEGIES.values():
        text = cls.describe()
        assert text.startswith(f"{cls.name}: ")
        for f in fields(cls.Params):
            assert f"    {f.name} = " in text
