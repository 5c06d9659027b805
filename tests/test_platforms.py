"""Platform ecosystems: network effects and tipping, governance, data capture, outages,
per-platform settings; DPN alliance types and the alliance mix."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import ConfigError, EcosystemModel, ModelConfig
from simulator.config import AllianceConfig, PlatformConfig, ShockConfig
from simulator.core.vocabulary import ALLIANCE_FORMS, ALLIANCE_TYPES, PLATFORM_KIND
from simulator.run.runner import run_simulation
from simulator.validation import validate

SEEDS = (0, 1, 2, 3)


def config(seed: int = 0, **overrides) -> ModelConfig:
    """A small ecosystem of two identical platforms."""
    base = {"seed": seed, "n_smbs": 200, "n_partners": 30, "steps": 80}
    base.update(overrides)
    return ModelConfig(**base)


def test_strong_network_effects_tip_adoption_toward_one_platform() -> None:
    """With identical platforms, strong network effects concentrate sales; without, they split evenly."""
    single_homers = {"name": "opportunistic", "partners": 0}

    def hhi(effect: float) -> list[float]:
        return [
            run_simulation(config(s, strategy=single_homers, platform=PlatformConfig(network_effect=effect))).summary[
                "platform_hhi"
            ]
            for s in SEEDS
        ]

    none, strong = hhi(0.0), hhi(3.0)
    # two platforms sharing the market about evenly (governed fees drift apart a little with lock-in)
    assert max(abs(h - 0.5) for h in none) < 0.05
    assert np.mean(strong) > np.mean(none) + 0.1
    assert min(strong) > max(none)


def test_lock_in_responsive_platforms_raise_fees_when_switching_is_costly() -> None:
    """Governance that exploits lock-in raises fees when switching costs grow fast, not when they stay low."""

    def final_fee(growth: float, governance: str) -> float:
        platform = PlatformConfig(governance=governance, switching_cost_growth=growth)
        return float(np.mean(run_simulation(config(1, platform=platform)).summary["platform_fees_final"]))

    locked = final_fee(0.1, "lock_in_responsive")
    assert locked > PlatformConfig().fee + 0.04
    assert locked > final_fee(0.01, "lock_in_responsive")
    assert final_fee(0.1, "fixed") == pytest.approx(PlatformConfig().fee)


def test_fee_changes_are_logged_and_reprice_members() -> None:
    """Every governance fee change reprices the members' terms with a renegotiated event."""
    result = run_simulation(
        config(2, platform=PlatformConfig(governance="lock_in_responsive", switching_cost_growth=0.1))
    )
    events = result.events
    changes = events[(events.event == "renegotiated") & (events.reason == "governance")]
    assert len(changes) > 0
    assert (changes.counterpart_kind == "platform").all()
    fees = result.timeseries[["platform_0_fee", "platform_1_fee"]]
    assert fees.iloc[-1].max() > fees.iloc[0].max()


def _reasons(model: EcosystemModel) -> set[str]:
    """Reasons of a run's ``renegotiated`` events."""
    frame = model.events.to_frame()
    return set(frame.reason[frame.event == "renegotiated"].astype(str))


def _influential_run(platform: PlatformConfig, influence: float, steps: int = 48) -> EcosystemModel:
    """A run of plain seekers whose influence is planted at ``influence`` from the start."""
    model = EcosystemModel(config(4, steps=steps, strategy={"name": "opportunistic"}, platform=platform))
    model.smbs.influence[:] = influence
    model.run()
    return model


def test_influential_members_hold_back_lock_in_responsive_fee_hikes() -> None:
    """With ``influence_voice`` a lock-in-responsive platform counts influential members as less
    captive: members of influence 0.5 at voice 2 count as not locked in at all, so the fee that
    rises without voice (switching costs growing fast) falls instead; influence without voice, or
    voice without influence, changes nothing."""
    locked = {"switching_cost_growth": 0.1, "governance": "lock_in_responsive"}

    def fees(voice: float, influence: float) -> np.ndarray:
        return _influential_run(PlatformConfig(influence_voice=voice, **locked), influence).platforms.fee

    start = PlatformConfig().fee
    deaf = fees(0.0, 0.5)
    assert (deaf > start).all()
    assert (fees(2.0, 0.0) == deaf).all()
    assert (fees(2.0, 0.5) < start).all()
    # a cut that voice won is logged as such; a deaf platform's changes are plain governance
    voiced = _reasons(_influential_run(PlatformConfig(influence_voice=2.0, **locked), 0.5))
    assert "voice" in voiced
    assert "voice" not in _reasons(_influential_run(PlatformConfig(**locked), 0.5))


def test_influential_members_bargain_their_platform_fee() -> None:
    """With ``fee_bargaining`` each member pays ``fee x (1 - fee_bargaining x influence)``, both
    when it joins and after each repricing (the run spans two fee decisions); without it every
    member pays the posted fee. Entrants come with no influence and pay the posted fee."""

    def member_shares(bargaining: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        model = _influential_run(PlatformConfig(fee_bargaining=bargaining), 0.4, steps=30)
        ledger = model.ledger
        ids = ledger.active_ids
        ids = ids[ledger.kind[ids] == PLATFORM_KIND]
        influence = model.smbs.influence[ledger.smb[ids]]
        return ledger.share[ids], model.platforms.fee[ledger.counterpart[ids]], influence

    paid, posted, influence = member_shares(0.5)
    assert (influence == 0.4).sum() > 50 and (posted != PlatformConfig().fee).all()  # repriced by governance
    assert np.allclose(paid, posted * (1.0 - 0.5 * influence))
    paid, posted, _ = member_shares(0.0)
    assert (paid == posted).all()
    # influence built over time is bargained again at each fee decision, even at a fixed fee
    platform = PlatformConfig(fee_bargaining=1.0, governance="fixed")
    model = EcosystemModel(config(4, steps=30, strategy={"name": "ecosystem_influence"}, platform=platform))
    model.run()
    assert "influence" in _reasons(model)
    ledger = model.ledger
    ids = ledger.active_ids[ledger.kind[ledger.active_ids] == PLATFORM_KIND]
    assert (ledger.share[ids] < platform.fee).mean() > 0.5


def test_competitive_governance_makes_the_smaller_platform_cheaper() -> None:
    """A platform with fewer members undercuts its rival under competitive governance."""
    result = run_simulation(
        config(
            3,
            strategy={"name": "platform_first"},
            platform=PlatformConfig(governance="competitive"),
        )
    )
    members = result.timeseries[["platform_0_members", "platform_1_members"]].iloc[-1].to_numpy()
    fees = np.array(result.summary["platform_fees_final"])
    assert fees[np.argmin(members)] < fees[np.argmax(members)]


def test_data_capture_erodes_members_platform_sales() -> None:
    """Platforms that learn from members' data enter their sectors and erode their sales through it."""
    per_member = {}
    for capture in (0.0, 0.05):
        values = []
        for seed in SEEDS[:3]:
            result = run_simulation(config(seed, platform=PlatformConfig(data_capture=capture)))
            t = result.timeseries
            sales = sum(result.model.platforms.sales)
            values.append(sales / max(t.platform_0_members.iloc[-1] + t.platform_1_members.iloc[-1], 1))
            if capture == 0:
                assert result.summary["platform_entries"] == 0
            else:
                assert result.summary["platform_entries"] > 0
                assert (result.events.event == "platform_entry").any()
        per_member[capture] = np.mean(values)
    assert per_member[0.05] < per_member[0.0]


def test_information_sharing_terms_limit_data_capture() -> None:
    """Platforms hold less data on SMBs whose terms share less of it."""
    model = EcosystemModel(
        config(
            4,
            steps=40,
            platform=PlatformConfig(data_capture=0.05),
            strategy={"name": "mix", "shares": {"contractual_clarity": 0.5, "opportunistic": 0.5}},
        )
    )
    model.run()
    ledger = model.ledger
    ids = ledger.active_ids
    rows = ids[ledger.kind[ids] == PLATFORM_KIND]
    names = np.array([s.name for s in model.strategies])[model.smbs.strategy_id[ledger.smb[rows]]]
    held = ledger.data_held[rows]
    assert held[names == "contractual_clarity"].mean() < 0.5 * held[names == "opportunistic"].mean()


def test_multi_homers_pay_less_in_a_fee_hike() -> None:
    """When the largest platform raises its fee, multi-homers' fees rise less than single-platform SMBs'."""
    for seed in SEEDS[:3]:
        result = run_simulation(
            config(
                seed,
                steps=60,
                strategy={"name": "mix", "shares": {"multi_homing": 0.5, "platform_first": 0.5}},
                shocks=[ShockConfig(kind="platform_fee_hike", start=30, duration=0, size=0.15, target="largest")],
            )
        )
        by = result.timeseries_by_strategy.set_index(["strategy", "step"]).mean_fee_share
        rise = {
            name: by[name].loc[40:].mean() - by[name].loc[20:29].mean() for name in ("multi_homing", "platform_first")
        }
        assert 0 < rise["multi_homing"] < rise["platform_first"]


def test_random_outages_stop_sales_and_are_logged() -> None:
    """With an outage rate, platforms go down now and then; while down they sell nothing."""
    result = run_simulation(config(5, platform=PlatformConfig(outage_rate=0.05, outage_steps=2)))
    outages = result.events[result.events.event == "platform_outage"]
    assert len(outages) > 0
    steps = set(outages.step)
    t = result.timeseries.set_index("step")
    down_steps = [s for s in steps if t.loc[s, ["platform_0_share", "platform_1_share"]].min() == 0]
    assert down_steps


def test_per_platform_settings_override_the_shared_defaults() -> None:
    """platform.per_platform sets one platform apart; the others keep the shared defaults."""
    model = EcosystemModel(config(6, steps=5, platform=PlatformConfig(per_platform=[{}, {"fee": 0.3, "reach": 0.9}])))
    assert model.platforms.fee.tolist() == [0.15, 0.3]
    assert model.platforms.reach.tolist() == [0.6, 0.9]


@pytest.mark.parametrize(
    ("per_platform", "key"),
    [
        ([{"fee": 1.5}], "platform.per_platform[0].fee"),
        ([{"colour": "red"}], "platform.per_platform[0].colour"),
        ([{}, {}, {}], "platform.per_platform"),
        ([{"governance": "greedy"}], "platform.per_platform[0].governance"),
    ],
)
def test_bad_platform_settings_are_refused(per_platform: list, key: str) -> None:
    """Invalid per-platform settings stop the run, naming the key."""
    with pytest.raises(ConfigError) as err:
        validate(config(platform=PlatformConfig(per_platform=per_platform)))
    assert err.value.key == key


def test_supply_chain_stockouts_cost_sales_and_savings_cut_costs() -> None:
    """Supply-chain partners sometimes fail to deliver; when they deliver they lower variable cost."""
    flows = {}
    for rate, saving in ((0.0, 0.0), (0.2, 0.0), (0.0, 0.2)):
        result = run_simulation(config(7, alliance=AllianceConfig(stockout_rate=rate, supply_chain_saving=saving)))
        stockouts = result.timeseries.stockouts.sum()
        assert (stockouts > 0) == (rate > 0)
        f = result.summary["flows"]
        flows[(rate, saving)] = f["variable_cost"] / f["revenue"]
    assert flows[(0.0, 0.2)] < flows[(0.0, 0.0)]


def test_alliance_mix_columns_add_up() -> None:
    """Active alliances by type and by form each add up to all active alliances."""
    t = run_simulation(
        config(8, strategy={"name": "mix", "shares": {"equity_alliance": 0.5, "diversification": 0.5}})
    ).timeseries
    by_type = t[[f"alliances_{k}" for k in ALLIANCE_TYPES]].sum(axis=1)
    by_form = t[[f"form_{k}" for k in ALLIANCE_FORMS]].sum(axis=1)
    assert (by_type == t.active_alliances).all() and (by_form == t.active_alliances).all()
    assert t.form_equity_alliance.iloc[-1] > 0 and t.alliances_platform_membership.iloc[-1] > 0


def test_vendor_dependence_counts_automation_through_vendors() -> None:
    """SMBs automating through technology providers carry vendor dependence; go-it-alone SMBs carry none."""
    allied = run_simulation(config(9)).timeseries.mean_vendor_dependence
    alone = run_simulation(config(9, strategy={"name": "go_it_alone"})).timeseries.mean_vendor_dependence
    assert allied.iloc[-1] > 0 and (alone == 0).all()
