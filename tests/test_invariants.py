"""Accounting and bookkeeping invariants, checked after every step of a manually stepped model.

Each ``check_*`` function asserts one invariant on the model right after a step, given a
snapshot taken before it; the tests run them over configurations that exercise every lifecycle
path, and all of them together over every registered strategy.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from conftest import channel_mask, small_config, traded_ids

from simulator.agents import SMB, PartnerFirm
from simulator.core.vocabulary import CASH_FLOW_EXIT, ENDING_EVENTS, EXIT_CAUSES, PLATFORM_KIND
from simulator.model import EcosystemModel
from simulator.observe.metrics import summary as summarize
from simulator.rules.economy import FLOWS
from simulator.run.runner import run_simulation
from simulator.strategies import STRATEGIES

COSTS = [f for f in FLOWS if f != "revenue"]
TRADE_PAYMENTS = ["platform_fees", "partner_shares", "vendor_fees", "support_retainers", "credit_interest"]
TO_PARTNERS = ["partner_shares", "vendor_fees", "support_retainers", "credit_interest", "exit_costs"]

# Configurations that exercise every lifecycle path: pilots (or alliances committed at once),
# reviews, base hazard, partner failures with and without replacement, SMB failures (little
# starting cash), credit lines.
CASES = {
    "opportunistic": small_config(
        "opportunistic",
        seed=7,
        alliance={"base_hazard": 0.01, "pilot_steps": 6},
        partner={"failure_hazard": 0.02},
        smb={"initial_cash_months": 0.5},
    ),
    "diversification": small_config(
        "diversification",
        seed=8,
        alliance={"base_hazard": 0.01, "review_interval": 6, "pilot_steps": 4},
        partner={"failure_hazard": 0.02},
        smb={"initial_cash_months": 0.5},
    ),
    "platform_first": small_config(
        "platform_first", seed=9, smb={"initial_cash_months": 0.3}, partner={"failure_hazard": 0.02}
    ),
    "no_replacement": small_config(
        "opportunistic",
        seed=10,
        partner={"failure_hazard": 0.03, "replace_failed": False},
        smb={"initial_cash_months": 0.5},
    ),
}


MARKET_EVENTS = frozenset({"shock", "platform_outage", "platform_entry"})
"""Events about no single alliance (alliance_id -1; see simulator.core.vocabulary.EVENTS)."""

MIX_ALL = {"name": "mix", "shares": {name: 1.0 / len(STRATEGIES) for name in sorted(STRATEGIES)}}
"""A population mixing every registered strategy in equal shares."""


def stress_config(strategy, seed: int = 11):
    """Every strategy under hazards, pilots and tight cash, so that every path is taken."""
    return small_config(
        strategy,
        seed=seed,
        alliance={"base_hazard": 0.01, "pilot_steps": 3, "review_interval": 6},
        partner={"failure_hazard": 0.02},
        smb={"initial_cash_months": 0.5},
    )


def run_checked(config, *checks, seen: Counter | None = None) -> EcosystemModel:
    """Step a model through ``config.steps`` steps, calling each ``check(model, before, seen)`` after each."""
    seen = Counter() if seen is None else seen
    model = EcosystemModel(config)
    for _ in range(config.steps):
        before = {
            "cash": model.smbs.cash.copy(),
            "alive": model.smbs.alive.copy(),
            "flows": Counter(model.flows),  # 0 for a flow the run does not book
            "specific_investment": model.ledger.specific_investment.copy(),
            "platform_fee": model.platforms.fee.copy(),
        }
        model.step()
        _include_entrants(model, before)
        for check in checks:
            check(model, before, seen)
    return model


def _include_entrants(model, before) -> None:
    """Extend the snapshot taken before a step to this step's entrants: they traded (alive) and
    came in with their starting cash."""
    n_before = len(before["alive"])
    entrants = slice(n_before, model.smbs.n)
    if model.smbs.n == n_before:
        return
    assert (model.smbs.birth_step[entrants] == model.steps).all()
    starting_cash = model.config.smb.entrant_cash_months * model.smbs.fixed_cost[entrants]
    before["alive"] = np.concatenate([before["alive"], np.ones(model.smbs.n - n_before, dtype=bool)])
    before["cash"] = np.concatenate([before["cash"], starting_cash])


def _flow_delta(model, before, names) -> float:
    return sum(model.flows[name] - before["flows"][name] for name in names)


# ------------------------------------------------------------------------ per-step checks
def check_channel_revenue(model, before, seen):
    """Direct revenue plus revenue through each channel alliance equals the SMB's revenue."""
    smbs, ledger = model.smbs, model.ledger
    ids = traded_ids(model)
    ids = ids[channel_mask(model, ids)]
    through = np.bincount(ledger.smb[ids], weights=ledger.revenue[ids], minlength=smbs.n)
    traded = before["alive"]
    np.testing.assert_allclose((smbs.direct_revenue + through)[traded], smbs.revenue[traded], rtol=1e-9, atol=1e-9)
    assert (smbs.revenue[traded] > 0).all()
    seen["smbs_with_channel_revenue"] += int((through[traded] > 0).sum())


def check_platform_fees(model, before, seen):
    """The step's platform fee flow equals the platforms' income, which is fee x platform sales at
    the fee in effect at trade: the one set before the step (governance decides after trade, and
    the cases have no fee shock)."""
    income = model.platforms.income
    assert _flow_delta(model, before, ["platform_fees"]) == pytest.approx(income.sum(), rel=1e-12, abs=1e-9)
    np.testing.assert_allclose(income, before["platform_fee"] * model.platforms.sales, rtol=1e-9, atol=1e-9)
    assert model.last_metrics["platform_fees"] == pytest.approx(income.sum())
    seen["platform_income"] += income.sum()


def check_cash_flows(model, before, seen):
    """Summed over SMBs, the cash change is revenue less every cost flow of the step."""
    smbs = model.smbs
    delta = {name: model.flows[name] - before["flows"][name] for name in FLOWS}
    change = smbs.cash - before["cash"]
    scale = max(delta["revenue"], 1.0)
    assert change.sum() == pytest.approx(delta["revenue"] - sum(delta[n] for n in COSTS), abs=1e-9 * scale)
    # SMBs that had failed before the step neither trade nor pay
    assert (change[~before["alive"]] == 0).all()
    # trade's net income (SMBs failing later in the step included) is revenue less the trade flows
    trade_net = delta["revenue"] - delta["variable_cost"] - delta["fixed_cost"]
    trade_net -= sum(delta[n] for n in TRADE_PAYMENTS) + delta["alliance_management"]
    assert smbs.net_income[before["alive"]].sum() == pytest.approx(trade_net, abs=1e-9 * scale)
    # what SMBs paid in trade is what the alliances record as the counterparts' income
    paid = model.ledger.value_to_partner[traded_ids(model)].sum()
    assert paid == pytest.approx(sum(delta[n] for n in TRADE_PAYMENTS), abs=1e-9 * scale)
    for name in COSTS:
        assert delta[name] >= 0, name
        seen[name] += delta[name] > 0
    seen["failed"] += int((before["alive"] & ~smbs.alive).sum())


def check_partner_income(model, before, seen):
    """Partners' income is what SMBs paid them in trade plus the exit costs they received."""
    paid = _flow_delta(model, before, TO_PARTNERS)
    assert model.partners.income.sum() == pytest.approx(paid, abs=1e-9 * max(paid, 1.0))
    assert model.last_metrics["partner_income"] == pytest.approx(model.partners.income.sum())


def check_live_references(model, before, seen):
    """No active alliance holds a failed SMB or a failed or replaced partner, in arrays or agents."""
    smbs, partners, platforms, ledger = model.smbs, model.partners, model.platforms, model.ledger
    ids = ledger.active_ids
    assert smbs.alive[ledger.smb[ids]].all()
    assert (ledger.smb_uid[ids] == smbs.uid[ledger.smb[ids]]).all()
    on_platform = ledger.kind[ids] == PLATFORM_KIND
    with_partner = ids[~on_platform]
    slot = ledger.counterpart[with_partner]
    assert partners.alive[slot].all()
    assert (ledger.counterpart_uid[with_partner] == partners.uid[slot]).all()
    assert (ledger.kind[with_partner] == partners.role[slot]).all()
    with_platform = ids[on_platform]
    assert (ledger.counterpart_uid[with_platform] == platforms.uid[ledger.counterpart[with_platform]]).all()
    agent_ids = {a.unique_id for a in model.agents}
    assert set(ledger.smb_uid[ids].tolist()) <= agent_ids
    assert set(ledger.counterpart_uid[ids].tolist()) <= agent_ids
    # failed SMBs and partners left the model; alive ones are in it (their agents made on asking)
    smb_agents = {a.unique_id for a in model.agents_by_type[SMB]}
    assert smb_agents == set(smbs.uid[smbs.alive].tolist())
    by_type = model.agents_by_type
    partner_agents = {a.unique_id for a in by_type[PartnerFirm]}
    assert partner_agents == set(partners.uid[partners.alive].tolist())
    seen["partner_exits"] += model.events.step_counts["partner_failed"]
    seen["smb_failures"] += model.events.step_counts["smb_failed"]


def check_platform_members(model, before, seen):
    """platforms.members counts the active memberships of each platform; member_share (set in
    trade) is the members at trade over the SMBs alive then."""
    ledger, platforms = model.ledger, model.platforms
    ids = ledger.active_ids
    memberships = ids[ledger.kind[ids] == PLATFORM_KIND]
    np.testing.assert_array_equal(
        platforms.members, np.bincount(ledger.counterpart[memberships], minlength=platforms.n)
    )
    traded = traded_ids(model)
    at_trade = np.bincount(ledger.counterpart[traded[ledger.kind[traded] == PLATFORM_KIND]], minlength=platforms.n)
    np.testing.assert_allclose(platforms.member_share, at_trade / max(before["alive"].sum(), 1))
    assert model.last_metrics["active_alliances"] == len(ids)
    assert model.last_metrics["smbs_alive"] == model.smbs.alive.sum()
    seen["members"] += platforms.members.sum()


def check_terms(model, before, seen):
    """No SMB holds two active alliances with one counterpart, partners stay within capacity,
    and an exclusive alliance is the SMB's only one in its partner role."""
    ledger = model.ledger
    ids = ledger.active_ids
    keys = ledger.pair_keys(ledger.smb[ids], ledger.kind[ids], ledger.counterpart[ids])
    assert len(np.unique(keys)) == len(keys)
    assert (model.ledger.partner_load() <= model.partners.capacity).all()
    exclusive = model.ledger.exclusive_holdings(model.smbs.n)
    assert (model.ledger.role_holdings(model.smbs.n)[exclusive] == 1).all()
    seen["exclusive"] += int(exclusive.sum())


def check_ranges(model, before, seen):
    """Shares, trust, capabilities, automation, platform shares and captured revenue stay in range."""
    cfg = model.config.alliance
    ledger, smbs, platforms = model.ledger, model.smbs, model.platforms
    ids = ledger.active_ids
    on_platform = ledger.kind[ids] == PLATFORM_KIND
    partner_share = ledger.share[ids[~on_platform]]
    assert ((partner_share >= cfg.share_min - 1e-12) & (partner_share <= 1)).all()
    np.testing.assert_allclose(ledger.share[ids[on_platform]], platforms.fee[ledger.counterpart[ids[on_platform]]])
    trust = ledger.trust[ids]
    assert ((trust >= 0) & (trust <= 1)).all()
    for arr in (smbs.capability, smbs.automation, model.partners.capability):
        assert ((arr >= 0) & (arr <= 1)).all()
    traded = before["alive"]
    assert (smbs.revenue[traded] <= smbs.market_size[traded]).all()
    assert (smbs.revenue[~traded] == 0).all()
    m = model.last_metrics
    shares = [m[f"platform_{p}_share"] for p in range(platforms.n)]
    if platforms.sales.sum() > 0:
        assert sum(shares) == pytest.approx(1.0)
        assert m["platform_hhi"] == pytest.approx(sum(s * s for s in shares))
    assert 0 <= m["mean_revenue_hhi"] <= 1 + 1e-12
    assert 0 <= m["mean_largest_channel_share"] <= 1
    assert m["mean_largest_platform_share"] <= m["mean_largest_channel_share"] + 1e-12


def make_grace_check(config):
    """An SMB fails exactly when cash plus credit line has been negative for more than
    grace_steps steps in a row."""
    grace = config.smb.grace_steps
    below_for = np.zeros(0, dtype=np.int64)

    def check_grace(model, before, seen):
        nonlocal below_for
        smbs = model.smbs
        below_for = np.concatenate([below_for, np.zeros(smbs.n - len(below_for), dtype=np.int64)])
        below = before["alive"] & (smbs.cash + smbs.credit_line < 0)
        below_for[:] = np.where(below, below_for + 1, 0)
        exited_now = before["alive"] & ~smbs.alive
        failed_now = exited_now & (smbs.exit_cause == CASH_FLOW_EXIT)
        np.testing.assert_array_equal(failed_now, before["alive"] & (below_for > grace))
        assert (smbs.failed_step[exited_now] == model.steps).all()
        assert model.last_metrics["failures"] == exited_now.sum()

    return check_grace


ALL_STEP_CHECKS = (
    check_channel_revenue,
    check_platform_fees,
    check_cash_flows,
    check_partner_income,
    check_live_references,
    check_platform_members,
    check_terms,
    check_ranges,
)


# ------------------------------------------------------------------------ end-of-run checks
def check_event_replay(model):
    """Replaying formed and ending events gives the ledger's active set; each alliance forms once
    and ends at most once; the ledger agrees with the log on when and why; every reason is set."""
    events = model.events.to_frame()
    ledger = model.ledger
    assert (events["reason"].str.len() > 0).all()
    assert events["event"].notna().all()
    formed = events[events["event"] == "formed"]
    ending = events[events["event"].isin(sorted(ENDING_EVENTS))]
    assert formed["alliance_id"].is_unique
    assert ending["alliance_id"].is_unique
    assert sorted(formed["alliance_id"]) == list(range(len(ledger)))

    open_ids: set[int] = set()
    for row in events.sort_values("step", kind="stable").itertuples():
        if row.alliance_id < 0:  # a market event (outage, sector entry, shock), about no alliance
            assert row.event in MARKET_EVENTS
        elif row.event == "formed":
            assert row.alliance_id not in open_ids
            open_ids.add(row.alliance_id)
        elif row.event in ENDING_EVENTS:
            assert row.alliance_id in open_ids, f"alliance {row.alliance_id} ended while not active"
            open_ids.remove(row.alliance_id)
        else:
            assert row.alliance_id in open_ids, f"{row.event} of alliance {row.alliance_id} that is not active"
    assert open_ids == set(ledger.active_ids.tolist())

    f = formed.set_index("alliance_id").sort_index()
    assert (f["step"].to_numpy() == ledger.formed_step).all()
    assert (f["smb_id"].to_numpy() == ledger.smb_uid).all()
    e = ending.set_index("alliance_id").sort_index()
    ended = np.flatnonzero(ledger.ended_step >= 0)
    assert e.index.tolist() == ended.tolist()
    assert (e["step"].to_numpy() == ledger.ended_step[ended]).all()
    assert e["reason"].tolist() == ledger.end_reason[ended].astype(str).tolist()


def check_summary_counts(model):
    """Summary counts equal what the event log, the ledger and the SMB arrays hold."""
    config = model.config
    summary = summarize(model)
    events = model.events.to_frame()
    by_event = events["event"].astype(str).value_counts()
    assert summary["formations"] == by_event.get("formed", 0)
    assert summary["pilot_commits"] == by_event.get("pilot_committed", 0)
    assert summary["renegotiations"] == by_event.get("renegotiated", 0)
    assert summary["dissolutions"] == sum(by_event.get(e, 0) for e in ENDING_EVENTS)
    assert summary["dissolutions"] == (model.ledger.ended_step >= 0).sum()
    reasons = Counter(events.loc[events["event"].isin(sorted(ENDING_EVENTS)), "reason"])
    assert summary["dissolution_reasons"] == dict(reasons)
    assert summary["active_alliances"] == len(model.ledger.active_ids)
    assert summary["formations"] - summary["dissolutions"] == summary["active_alliances"]
    alive = int(model.smbs.alive.sum())
    assert round(summary["survival_rate"] * model.smbs.n) == alive  # over every SMB so far
    assert summary["survival_rate"] * model.smbs.n == pytest.approx(alive)
    assert summary["n_smbs"] == config.n_smbs
    assert summary["steps"] == config.steps
    for name in FLOWS:  # a flow the run does not book (strategy_switching without adaptation) is absent
        assert summary["flows"].get(name, 0.0) == pytest.approx(model.flows[name])


# ------------------------------------------------------------------------ tests
@pytest.mark.parametrize("case", CASES)
def test_channel_revenues_add_up_to_revenue(case):
    """Direct revenue plus revenue through each channel alliance equals each SMB's revenue."""
    seen = Counter()
    run_checked(CASES[case], check_channel_revenue, seen=seen)
    assert seen["smbs_with_channel_revenue"] > 0


@pytest.mark.parametrize("case", CASES)
def test_platform_fees_equal_platform_income(case):
    """Fees SMBs pay platforms each step, and over the run, equal the platforms' income."""
    seen = Counter()
    model = run_checked(CASES[case], check_platform_fees, seen=seen)
    assert model.flows["platform_fees"] == pytest.approx(seen["platform_income"], rel=1e-12)
    assert seen["platform_income"] > 0


@pytest.mark.parametrize("case", CASES)
def test_cash_changes_match_money_flows(case):
    """Summed over SMBs, each step's cash change equals revenue minus every cost flow of the step."""
    seen = Counter()
    run_checked(CASES[case], check_cash_flows, seen=seen)
    if case != "platform_first":
        assert seen["exit_costs"] > 0 and seen["specific_investment"] > 0
    assert seen["failed"] > 0, "the case should exercise SMB failures"


@pytest.mark.parametrize("case", CASES)
def test_cash_change_per_smb(case):
    """Each alive SMB's cash moves by its trade net income less its exit costs and investments."""
    cfg = CASES[case].alliance
    seen = Counter()

    def check(model, before, seen):
        smbs, ledger = model.smbs, model.ledger
        reasons = ledger.end_reason.astype(str)
        ended_now = ledger.ended_step == model.steps
        # the SMB pays the exit cost when it dissolves; not for the base hazard or a member's failure
        paying = ended_now & ~np.isin(reasons, ["base_hazard", "partner_exit", *EXIT_CAUSES])
        fraction = np.where(reasons == "pilot_failed", cfg.pilot_exit_fraction, 1.0)
        exit_paid = np.bincount(ledger.smb[paying], weights=(ledger.exit_cost * fraction)[paying], minlength=smbs.n)
        # specific investment recorded on alliances this step (at commitment)
        old = before["specific_investment"]
        invested_per_alliance = ledger.specific_investment.copy()
        invested_per_alliance[: len(old)] -= old
        assert (invested_per_alliance >= 0).all()
        delta = _flow_delta(model, before, ["specific_investment"])
        assert invested_per_alliance.sum() == pytest.approx(delta, abs=1e-6)
        invested = np.bincount(ledger.smb, weights=invested_per_alliance, minlength=smbs.n)
        # the setup cost of the alliances formed this step (7.4)
        formed = np.flatnonzero(ledger.formed_step == model.steps)
        setup = np.bincount(
            ledger.smb[formed],
            weights=model.config.alliance.setup_cost * smbs.fixed_cost[ledger.smb[formed]],
            minlength=smbs.n,
        )
        assert setup.sum() == pytest.approx(_flow_delta(model, before, ["alliance_setup"]), abs=1e-6)
        alive = before["alive"]
        expected = smbs.net_income - smbs.payout - exit_paid - invested - setup
        np.testing.assert_allclose((smbs.cash - before["cash"])[alive], expected[alive], rtol=1e-9, atol=1e-6)
        seen["exit"] += int(paying.sum())
        seen["invested"] += int((invested_per_alliance > 0).sum())

    run_checked(CASES[case], check, seen=seen)
    if case != "platform_first":
        assert seen["exit"] > 0 and seen["invested"] > 0


@pytest.mark.parametrize("case", CASES)
def test_partner_income_equals_payments_to_partners(case):
    """Partners' income each step is what SMBs paid them in trade plus the exit costs they received."""
    run_checked(CASES[case], check_partner_income)


@pytest.mark.parametrize("case", CASES)
def test_active_alliances_reference_live_firms(case):
    """No active alliance holds a failed SMB or a failed or replaced partner, in arrays or agents."""
    seen = Counter()
    run_checked(CASES[case], check_live_references, seen=seen)
    assert seen["smb_failures"] > 0 or case == "platform_first"
    assert seen["partner_exits"] > 0 or case == "platform_first"


@pytest.mark.parametrize("case", CASES)
def test_event_log_replays_to_ledger(case):
    """Replaying formed and ending events gives the ledger's active set; each alliance forms once."""
    model = EcosystemModel(CASES[case])
    model.run()
    check_event_replay(model)
    assert model.events.totals["formed"] > 0
    assert sum(model.events.totals[e] for e in ENDING_EVENTS) > 0


@pytest.mark.parametrize("case", CASES)
def test_counts_add_up(case):
    """Summary counts match the event log and ledger; platform member counts match memberships."""
    seen = Counter()
    model = run_checked(CASES[case], check_platform_members, seen=seen)
    check_summary_counts(model)
    assert seen["members"] > 0


@pytest.mark.parametrize("case", CASES)
def test_timeseries_totals_match_summary(case):
    """Per-step counts in the timeseries sum to the run totals of the summary and event log."""
    result = run_simulation(CASES[case])
    ts, s = result.timeseries, result.summary
    assert ts["step"].tolist() == list(range(1, CASES[case].steps + 1))
    assert ts["formations"].sum() == s["formations"]
    assert ts["pilot_commits"].sum() == s["pilot_commits"]
    assert ts["renegotiations"].sum() == s["renegotiations"]
    assert ts["dissolutions"].sum() == s["dissolutions"]
    entries = ts["entries"].sum() if "entries" in ts else 0
    assert ts["failures"].sum() == CASES[case].n_smbs + entries - ts["smbs_alive"].iloc[-1]
    assert ts["platform_fees"].sum() == pytest.approx(s["flows"]["platform_fees"])
    assert ts["survival_rate"].iloc[-1] == s["survival_rate"]
    counts = result.events.groupby("step", observed=True)["event"].apply(lambda e: (e == "formed").sum())
    per_step = ts.set_index("step")["formations"]
    assert (counts.reindex(per_step.index, fill_value=0) == per_step).all()


@pytest.mark.parametrize("case", CASES)
def test_alliance_terms_are_respected(case):
    """No duplicate pairs, partners within capacity, exclusive alliances alone in their role."""
    seen = Counter()
    run_checked(CASES[case], check_terms, seen=seen)
    if case in ("opportunistic", "no_replacement"):
        assert seen["exclusive"] > 0, "opportunistic SMBs accept exclusivity; the case should exercise it"


@pytest.mark.parametrize("case", CASES)
def test_smbs_fail_exactly_after_grace_period(case):
    """An SMB fails when its cash plus credit line has been negative for more than grace_steps steps
    in a row, and not before."""
    seen = Counter()
    run_checked(CASES[case], make_grace_check(CASES[case]), check_cash_flows, seen=seen)
    assert seen["failed"] > 0


@pytest.mark.parametrize("case", CASES)
def test_state_stays_in_range(case):
    """Shares, trust, capabilities, automation, platform shares and captured revenue stay in range."""
    run_checked(CASES[case], check_ranges)


@pytest.mark.parametrize("strategy", [*sorted(STRATEGIES), MIX_ALL], ids=[*sorted(STRATEGIES), "mix_all"])
def test_every_strategy_keeps_every_invariant(strategy):
    """Every registered strategy, under hazards, pilots and tight cash, keeps all invariants."""
    config = stress_config(strategy)
    model = run_checked(config, *ALL_STEP_CHECKS, make_grace_check(config))
    check_event_replay(model)
    check_summary_counts(model)


def test_strategy_groups_add_up_to_the_population():
    """In a mixed population the per-strategy outputs add up to the population's, and each event
    names the strategy of its SMB."""
    config = stress_config(MIX_ALL, seed=12)
    result = run_simulation(config)
    model, summary = result.model, result.summary
    groups = summary["by_strategy"]
    assert set(groups) == set(STRATEGIES)
    n_ever = model.smbs.n  # the initial SMBs and the entrants
    assert n_ever > config.n_smbs, "the default population is open: SMBs should have entered"
    assert sum(g["n_smbs"] for g in groups.values()) == n_ever
    assert sum(g["share"] for g in groups.values()) == pytest.approx(1.0)
    for g in groups.values():
        assert g["n_smbs"] == pytest.approx(g["share"] * n_ever)
    # the initial SMBs are apportioned exactly
    initial = np.bincount(model.smbs.strategy_id[model.smbs.birth_step <= 0], minlength=len(model.strategies))
    assert initial.sum() == config.n_smbs
    assert (np.abs(initial - config.n_smbs / len(STRATEGIES)) < 1).all()
    assert sum(g["formations"] for g in groups.values()) == summary["formations"]
    assert sum(g["dissolutions"] for g in groups.values()) == summary["dissolutions"]
    merged = Counter()
    for g in groups.values():
        merged.update(g["dissolution_reasons"])
    assert dict(merged) == summary["dissolution_reasons"]
    alive = sum(round(g["survival_rate"] * g["n_smbs"]) for g in groups.values())
    assert alive == model.smbs.alive.sum()

    names = [s.name for s in model.strategies]
    index_of_uid = {int(uid): i for i, uid in enumerate(model.smbs.uid)}
    alliance_events = result.events[result.events.alliance_id >= 0]  # market events name no strategy
    assert set(result.events.event[result.events.alliance_id < 0]) <= MARKET_EVENTS
    smb_index = alliance_events["smb_id"].map(index_of_uid).to_numpy()
    expected = [names[k] for k in model.smbs.strategy_id[smb_index]]
    assert alliance_events["strategy"].astype(str).tolist() == expected

    by = result.timeseries_by_strategy
    assert len(by) == config.steps * len(model.strategies)
    per_step = by.groupby("step")[["formations", "dissolutions", "active_alliances"]].sum()
    ts = result.timeseries.set_index("step")
    for column in ("formations", "dissolutions", "active_alliances"):
        assert (per_step[column] == ts[column]).all(), column
