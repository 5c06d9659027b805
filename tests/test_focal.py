"""The focal firm: placed without touching the background's draws, recorded apart, refused when it
contradicts the ecosystem."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from simulator.config import from_dict
from simulator.errors import ConfigError
from simulator.model import EcosystemModel
from simulator.run.runner import run_simulation, write_run
from simulator.validation import validate

TINY = {"n_smbs": 40, "n_partners": 8, "steps": 12}
FOCAL = {
    "enabled": True,
    "revenue": 80.0,
    "cash_months": 4.0,
    "capabilities": {"production": 0.8},
    "alliances": [
        {"counterpart": "platform", "index": 0, "exclusive": True, "tenure": 20},
        {"counterpart": "complementary_business", "share": 0.2, "tenure": 6},
    ],
}


def focal_config(strategy: str = "platform_first", **extra):
    return from_dict({**TINY, **extra, "focal": {**FOCAL, "strategy": {"name": strategy}}})


def test_focal_firm_is_placed_as_described() -> None:
    """Its revenue now, costs, cash, capabilities and alliances are those of the block."""
    model = EcosystemModel(focal_config())
    i = model.focal_index
    assert i == TINY["n_smbs"]
    smbs = model.smbs
    assert smbs.revenue[i] == pytest.approx(80.0)
    assert smbs.fixed_cost[i] == pytest.approx(0.3 * 80.0)
    assert smbs.cash[i] == pytest.approx(4.0 * 0.3 * 80.0)
    assert smbs.capability[i, 0] == 0.8
    assert model.strategies[smbs.strategy_id[i]].name == "platform_first"
    ids = model.ledger.active_ids[model.ledger.smb[model.ledger.active_ids] == i]
    assert len(ids) == 2
    assert model.ledger.formed_step[ids].min() == -20
    # the complementary business sells a fifth of its revenue now
    partner = ids[model.ledger.kind[ids] != 4]
    assert model.ledger.revenue[partner][0] == pytest.approx(0.2 * 80.0)


def test_background_population_is_drawn_as_without_the_focal_firm() -> None:
    """Adding the focal firm draws nothing from the model's stream: every background SMB, partner
    and platform starts exactly as in the same run without it."""
    plain = EcosystemModel(from_dict(TINY))
    with_focal = EcosystemModel(focal_config())
    n = TINY["n_smbs"]
    for column in ("sector", "capability", "potential", "fixed_cost", "cash", "birth_step", "strategy_id"):
        np.testing.assert_array_equal(getattr(plain.smbs, column)[:n], getattr(with_focal.smbs, column)[:n])
    np.testing.assert_array_equal(plain.partners.capability, with_focal.partners.capability)
    # and the next draw of the model's stream is the same
    assert plain.rng.random() == with_focal.rng.random()


def test_candidates_share_the_focal_firms_demand_path() -> None:
    """Common random numbers: the focal firm's own demand noise does not depend on its strategy."""
    levels = []
    for strategy in ("go_it_alone", "platform_first"):
        model = EcosystemModel(focal_config(strategy))
        model.run(5)
        levels.append(model.smbs.demand_level[model.focal_index])
    assert levels[0] == levels[1]


def test_focal_outputs_are_written_and_absent_without_a_focal_firm(tmp_path: Path) -> None:
    """focal.parquet and summary.json's focal exist only with a focal firm; config.yaml has no focal
    block without one."""
    result = run_simulation(focal_config())
    out = write_run(result, tmp_path / "focal")
    table = pd.read_parquet(out / "focal.parquet")
    assert list(table.step) == list(range(TINY["steps"] + 1))
    summary = yaml.safe_load((out / "summary.json").read_text())["focal"]
    assert summary["revenue_start"] == pytest.approx(80.0)
    assert summary["net_income_total"] == pytest.approx(table.net_income.iloc[1:].sum() / 80.0)
    assert summary["survived"] == bool(table.alive.iloc[-1])
    plain = write_run(run_simulation(from_dict(TINY)), tmp_path / "plain")
    assert not (plain / "focal.parquet").exists()
    assert "focal" not in yaml.safe_load((plain / "summary.json").read_text())
    assert "focal" not in yaml.safe_load((plain / "config.yaml").read_text())


def test_focal_resilience_against_its_twin() -> None:
    """With a shock and a twin, the focal firm's loss against its twin self is reported; before the
    shock the two are the same firm."""
    shock = [{"kind": "platform_fee_hike", "start": 6, "duration": 0, "size": 0.3, "target": "0"}]
    result = run_simulation(focal_config(shocks=shock, twin=True))
    focal = result.summary["focal"]
    assert focal["resilience"]["shock_start"] == 6
    assert focal["net_income_loss_vs_twin"] is not None
    mine, twin = result.model.focal.frame(), result.twin.model.focal.frame()
    pd.testing.assert_frame_equal(mine[mine.step < 6], twin[twin.step < 6])
    # every outcome a plan may judge on is a number this run records
    from simulator.observe.focal import OUTCOMES

    assert all(isinstance(focal[name], (int, float)) for name in OUTCOMES)


@pytest.mark.parametrize(
    ("focal", "key"),
    [
        ({"alliances": [{"counterpart": "platform", "index": 3}]}, "focal.alliances[0].index"),
        ({"alliances": [{"counterpart": "complementary_business", "share": 1.5}]}, "focal.alliances[0].share"),
        ({"strategy": {"name": "platfrom_first"}}, "focal.strategy.name"),
        ({"strategy": {"name": "mix"}}, "focal.strategy"),
        ({"sector": 9}, "focal.sector"),
        ({"capabilities": {"charm": 0.5}}, "focal.capabilities.charm"),
        (
            {
                "alliances": [
                    {"counterpart": "marketing_distribution", "share": 0.6},
                    {"counterpart": "complementary_business", "share": 0.5},
                ]
            },
            "focal.alliances",
        ),
        ({"alliances": [{"counterpart": "platform", "share": 0.3}]}, "focal.alliances[0].share"),
        ({"alliances": [{"counterpart": "support_service"}], "_partner": 0.0}, "focal.alliances[0].counterpart"),
        ({"alliances": [{"counterpart": "technology_provider", "share": 0.1}]}, "focal.alliances[0].share"),
    ],
)
def test_a_focal_firm_that_contradicts_the_ecosystem_is_refused(focal: dict, key: str) -> None:
    """One ConfigError naming the key, before anything runs."""
    focal = dict(focal)
    partner = {}
    if "_partner" in focal:  # an ecosystem without support services
        focal.pop("_partner")
        partner = {"support_service_share": 0.0, "complementary_business_share": 0.55}
    config = from_dict({**TINY, "partner": partner, "focal": {"enabled": True, **focal}})
    with pytest.raises(ConfigError) as err:
        validate(config)
    assert err.value.key == key
    assert "\n" not in str(err.value)


def test_focal_counterparts_are_the_platform_and_the_roles() -> None:
    """The focal block's counterpart choices follow the roles table."""
    from simulator.config.schema import FOCAL_COUNTERPARTS
    from simulator.core.roles import ROLES

    assert FOCAL_COUNTERPARTS == ("platform", *(role.name for role in ROLES))


def test_unknown_focal_key_is_refused() -> None:
    """A mistyped key of the block or of an alliance names the key."""
    with pytest.raises(ConfigError, match=r"focal.alliances\[0\].tenur"):
        from_dict({"focal": {"alliances": [{"tenur": 3}]}})


@pytest.mark.parametrize("rule", ["imitation", "reinforcement"])
def test_focal_firm_keeps_its_candidate_while_the_background_adapts(rule: str) -> None:
    """In a plan with strategy adaptation on, the background's strategies evolve but the focal firm
    follows the candidate under test, and no background firm adopts the focal firm's own group."""
    config = from_dict(
        {
            **TINY,
            "steps": 24,
            "strategy": {"name": "mix", "shares": {"platform_first": 0.5, "diversification": 0.5}},
            "adaptation": {"revision_rate": 0.5, "exploration": 0.5, "rule": rule},
            "focal": {**FOCAL, "strategy": {"name": "go_it_alone"}},
        }
    )
    model = EcosystemModel(config)
    own = model.smbs.strategy_id[model.focal_index]
    assert model.strategy_shares[own] == 0.0
    model.run()
    others = np.delete(np.arange(model.smbs.n), model.focal_index)
    assert model.adaptation.total_switches.sum() > 0
    assert model.smbs.strategy_id[model.focal_index] == own
    assert not np.any(model.smbs.strategy_id[others] == own)
