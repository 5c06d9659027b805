"""Each mechanism moves the metrics in the direction its definition implies (means over seeds)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import mean_summary, run_seeds, small_config

from simulator.core.population import PlatformPopulation
from simulator.core.vocabulary import PLATFORM_KIND
from simulator.model import EcosystemModel


def _events(results, event=None, reason=None):
    """Number of events (of one kind and/or reason) per run."""
    counts = []
    for r in results:
        mask = np.ones(len(r.events), dtype=bool)
        if event is not None:
            mask &= (r.events["event"] == event).to_numpy()
        if reason is not None:
            mask &= (r.events["reason"] == reason).to_numpy()
        counts.append(int(mask.sum()))
    return counts


# ------------------------------------------------------------------------ strategies and lock-in
def test_diversification_spreads_revenue_more_than_platform_first():
    """Diversification ends with lower revenue HHI and largest-channel share than platform_first."""
    diversified = run_seeds(strategy="diversification")
    concentrated = run_seeds(strategy="platform_first")
    assert mean_summary(diversified, "mean_revenue_hhi") < mean_summary(concentrated, "mean_revenue_hhi")
    assert mean_summary(diversified, "mean_largest_channel_share") < mean_summary(
        concentrated, "mean_largest_channel_share"
    )
    # and over the whole run, not only at the end
    div_path = np.mean([r.timeseries["mean_revenue_hhi"].iloc[10:].mean() for r in diversified])
    con_path = np.mean([r.timeseries["mean_revenue_hhi"].iloc[10:].mean() for r in concentrated])
    assert div_path < con_path


def test_go_it_alone_has_no_alliances_and_full_concentration():
    """go_it_alone forms no alliance, pays no fee and has revenue HHI 1 (to rounding) every step."""
    for r in run_seeds(seeds=(1, 2), strategy="go_it_alone"):
        assert len(r.events) == 0
        assert len(r.model.ledger) == 0
        np.testing.assert_allclose(r.timeseries["mean_revenue_hhi"], 1.0, rtol=0, atol=1e-12)
        assert (r.timeseries["mean_largest_channel_share"] == 0.0).all()
        assert (r.timeseries["active_alliances"] == 0).all()
        assert r.summary["formations"] == 0
        assert r.summary["mean_revenue_hhi"] == pytest.approx(1.0, abs=1e-12)
        flows = r.summary["flows"]
        for name in ("platform_fees", "partner_shares", "vendor_fees", "exit_costs", "switching_costs"):
            assert flows[name] == 0.0, name
        alive = r.model.smbs.alive
        # direct revenue is revenue x (w / w), equal to revenue up to the last bit
        np.testing.assert_allclose(r.model.smbs.revenue_hhi[alive], 1.0, rtol=0, atol=1e-12)
        np.testing.assert_allclose(r.model.smbs.direct_revenue[alive], r.model.smbs.revenue[alive], rtol=1e-12)


def test_platform_first_uses_one_platform():
    """platform_first SMBs sell through a platform and never hold more than one at once."""
    for seed in (1, 2):
        model = EcosystemModel(small_config("platform_first", seed=seed))
        for _ in range(model.config.steps):
            model.step()
            _, platforms_held = model.ledger.holdings(model.smbs.n)
            assert platforms_held.max() <= 1
        assert model.last_metrics["mean_largest_platform_share"] > 0
        ids = model.ledger.active_ids
        assert (model.ledger.kind[ids] == PLATFORM_KIND).all()  # no partners wanted by default
        assert platforms_held[model.smbs.alive].mean() > 0.5


# ------------------------------------------------------------------------ platform fees
def test_higher_platform_fee_costs_smbs():
    """A higher platform fee lowers platform_first SMBs' cash and revenue net of fees."""
    low = run_seeds(strategy="platform_first", platform={"fee": 0.05})
    high = run_seeds(strategy="platform_first", platform={"fee": 0.3})

    def net_revenue(results):
        return np.mean([r.summary["flows"]["revenue"] - r.summary["flows"]["platform_fees"] for r in results])

    def final_cash(results):
        return np.mean([r.timeseries["mean_cash"].iloc[-1] for r in results])

    assert net_revenue(high) < net_revenue(low)
    assert final_cash(high) < final_cash(low)
    assert mean_summary(high, "survival_rate") <= mean_summary(low, "survival_rate")


def test_platform_fees_per_unit_of_sales_rise_with_fee():
    """Under fixed governance, platform fees per unit of platform sales equal the configured fee,
    so they rise with it (the default lock-in-responsive platforms move their fee each year)."""
    ratios = []
    for fee in (0.05, 0.15, 0.3):
        platform = {"fee": fee, "governance": "fixed"}
        model = EcosystemModel(small_config("platform_first", seed=3, steps=30, platform=platform))
        fees = sales = 0.0
        for _ in range(model.config.steps):
            model.step()
            fees += model.platforms.income.sum()
            sales += model.platforms.sales.sum()
        assert sales > 0
        assert fees == pytest.approx(model.flows["platform_fees"])
        ratios.append(fees / sales)
        assert ratios[-1] == pytest.approx(fee, rel=1e-9)
    assert ratios == sorted(ratios)


# ------------------------------------------------------------------------ alliance lifecycle
def test_base_hazard_dissolves_alliances_and_shortens_them():
    """base_hazard > 0 dissolves alliances for reason 'base_hazard' and shortens their duration."""
    off = run_seeds(alliance={"base_hazard": 0.0})
    on = run_seeds(alliance={"base_hazard": 0.1})
    assert _events(off, reason="base_hazard") == [0] * len(off)
    assert all(n > 0 for n in _events(on, event="dissolved", reason="base_hazard"))
    for r in on:
        assert r.summary["dissolution_reasons"].get("base_hazard", 0) > 0
    assert mean_summary(on, "mean_duration") < mean_summary(off, "mean_duration")
    assert mean_summary(on, "dissolutions") > mean_summary(off, "dissolutions")


def test_base_hazard_rate_matches_its_probability():
    """The share of active alliances the base hazard ends per step is close to the hazard."""
    hazard = 0.1
    model = EcosystemModel(small_config(alliance={"base_hazard": hazard}, seed=5))
    exposed = hit = 0
    for _ in range(model.config.steps):
        model.step()
        t = model.steps
        ledger = model.ledger
        ended_now = ledger.ended_step == t
        reasons = ledger.end_reason.astype(str)
        by_hazard = ended_now & (reasons == "base_hazard")
        # active when the hazard was drawn: active now, those it ended and those SMB failures ended after
        hit += int(by_hazard.sum())
        exposed += len(ledger.active_ids) + int(by_hazard.sum()) + int((ended_now & (reasons == "cash_flow")).sum())
    assert exposed > 1000
    assert hit / exposed == pytest.approx(hazard, abs=0.02)


def test_partner_failure_hazard_ends_alliances():
    """partner.failure_hazard > 0 produces partner_failed events; 0 produces none."""
    off = run_seeds(partner={"failure_hazard": 0.0})
    on = run_seeds(partner={"failure_hazard": 0.03})
    assert _events(off, event="partner_failed") == [0] * len(off)
    assert all(n > 0 for n in _events(on, event="partner_failed"))
    for r in on:
        failed = r.events[r.events["event"] == "partner_failed"]
        assert (failed["reason"] == "partner_exit").all()
        assert (failed["counterpart_kind"] != "platform").all()


def test_failed_partners_are_replaced_with_new_firms():
    """With replace_failed, a failed partner's slot gets a new id; without, it stays empty."""
    for replace in (True, False):
        model = EcosystemModel(small_config(seed=2, partner={"failure_hazard": 0.05, "replace_failed": replace}))
        first_uids = model.partners.uid.copy()
        model.run()
        changed = model.partners.uid != first_uids
        if replace:
            assert changed.any()
            assert model.partners.alive.all()
        else:
            assert not changed.any()
            assert not model.partners.alive.all()


def test_pilots_commit_and_fail_only_when_enabled():
    """pilot_steps=0 gives no pilot commits or failures; pilots on give both."""
    off = run_seeds(alliance={"pilot_steps": 0})
    on = run_seeds(alliance={"pilot_steps": 6})
    assert _events(off, event="pilot_committed") == [0] * len(off)
    assert _events(off, reason="pilot_failed") == [0] * len(off)
    assert all(n > 0 for n in _events(on, event="pilot_committed"))
    assert all(n > 0 for n in _events(on, event="dissolved", reason="pilot_failed"))
    for r in on:
        commits = r.events[r.events["event"] == "pilot_committed"].set_index("alliance_id")["step"]
        formed = r.events[r.events["event"] == "formed"].set_index("alliance_id")["step"]
        assert ((commits - formed.reindex(commits.index)) >= 6).all()


# ------------------------------------------------------------------------ network effects
def test_platform_channel_weight_rises_with_member_share():
    """With network effects a platform's channel weight grows with its member share; without, not."""
    shares = np.array([0.0, 0.2, 0.5, 0.9])
    for effect in (0.0, 1.0, 5.0):
        platforms = PlatformPopulation(small_config(n_platforms=4, platform={"network_effect": effect, "reach": 0.6}))
        platforms.member_share = shares.copy()
        weight = platforms.channel_weight()
        if effect == 0:
            np.testing.assert_allclose(weight, 0.6)
        else:
            assert (np.diff(weight) > 0).all()
            np.testing.assert_allclose(weight, 0.6 * (1.0 + effect * shares))


def test_network_effects_raise_platform_members_revenue():
    """Strong network effects give SMBs on platforms more revenue than no network effect."""

    def platform_members_revenue(results):
        out = []
        for r in results:
            m = r.model
            ids = m.ledger.active_ids
            on = np.unique(m.ledger.smb[ids[m.ledger.kind[ids] == PLATFORM_KIND]])
            assert len(on) > 0
            out.append(m.smbs.revenue[on].mean())
        return np.mean(out)

    for strategy in ("platform_first", "opportunistic"):
        flat = run_seeds(strategy=strategy, platform={"network_effect": 0.0})
        strong = run_seeds(strategy=strategy, platform={"network_effect": 5.0})
        assert platform_members_revenue(strong) > platform_members_revenue(flat)
        platform_sales = [np.mean([r.model.platforms.sales.sum() for r in res]) for res in (flat, strong)]
        assert platform_sales[1] > platform_sales[0]


# ------------------------------------------------------------------------ knowledge transfer
def test_knowledge_transfer_raises_capability_of_allied_smbs():
    """learning_rate > 0 raises capability of SMBs with partner alliances; 0 leaves it unchanged."""
    for rate in (0.0, 0.05):
        for seed in (1, 2, 3):
            model = EcosystemModel(small_config(seed=seed, alliance={"learning_rate": rate}))
            start = model.smbs.capability.copy()
            model.run()
            ledger = model.ledger
            n0 = len(start)  # the initial SMBs (entrants have no starting point to compare with)
            allied = np.zeros(model.smbs.n, dtype=bool)
            allied[ledger.smb[ledger.kind != PLATFORM_KIND]] = True
            allied = allied[:n0]
            end = model.smbs.capability[:n0]
            gain = end.mean(axis=1) - start.mean(axis=1)
            assert allied.sum() > 10
            if rate == 0:
                np.testing.assert_array_equal(end, start)
                assert (model.smbs.knowledge == 0).all()
            else:
                assert (end >= start).all()  # knowledge is never lost
                assert gain[allied].mean() > 0.01
                np.testing.assert_array_equal(gain[~allied], 0.0)
                assert model.smbs.knowledge[:n0][allied].mean() > 0


def test_knowledge_transfer_raises_mean_capability_over_time():
    """mean_capability rises over the run with learning and rises more than without it."""
    learning = run_seeds(alliance={"learning_rate": 0.05})
    frozen = run_seeds(alliance={"learning_rate": 0.0})

    def rise(results):
        return np.mean(
            [r.timeseries["mean_capability"].iloc[-1] - r.timeseries["mean_capability"].iloc[0] for r in results]
        )

    assert rise(learning) > 0.05
    assert rise(learning) > rise(frozen) + 0.05
