"""Initial populations follow the configuration."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_config

from simulator.core.roles import PARTNER_ROLES
from simulator.core.vocabulary import PLATFORM_KIND
from simulator.model import EcosystemModel


@pytest.mark.parametrize("n_partners", [0, 1, 7, 25, 40])
def test_partner_roles_follow_shares(n_partners):
    """Partner role counts are the configured shares of n_partners, rounded by largest remainder."""
    shares = {"complementary_business": 0.4, "technology_provider": 0.2, "marketing_distribution": 0.25}
    shares["support_service"] = 0.15
    model = EcosystemModel(small_config(n_partners=n_partners, partner={f"{r}_share": v for r, v in shares.items()}))
    counts = np.bincount(model.partners.role, minlength=len(PARTNER_ROLES))
    assert counts.sum() == n_partners
    exact = np.array([shares[r] for r in PARTNER_ROLES]) * n_partners
    assert (np.abs(counts - exact) < 1).all()


def test_single_role_population():
    """With one role's share at 1 every partner has that role."""
    config = small_config(
        partner={
            "complementary_business_share": 0.0,
            "technology_provider_share": 1.0,
            "marketing_distribution_share": 0.0,
            "support_service_share": 0.0,
        }
    )
    model = EcosystemModel(config)
    assert (model.partners.role == PARTNER_ROLES.index("technology_provider")).all()
    model.run(10)
    ids = model.ledger.active_ids
    kinds = model.ledger.kind[ids]
    assert (kinds[kinds != PLATFORM_KIND] == PARTNER_ROLES.index("technology_provider")).all()


def test_initial_smbs_match_configuration():
    """SMBs start alive with capabilities in [0, 1], cash of initial_cash_months of fixed cost, and
    one Mesa agent each; partners and platforms have their agents too."""
    config = small_config(smb={"initial_cash_months": 3.0})
    model = EcosystemModel(config)
    smbs = model.smbs
    assert smbs.n == config.n_smbs
    assert smbs.alive.all()
    assert ((smbs.capability >= 0) & (smbs.capability <= 1)).all()
    assert (smbs.fixed_cost > 0).all()
    np.testing.assert_allclose(smbs.cash, 3.0 * smbs.fixed_cost)
    assert (smbs.sector < config.market.n_sectors).all()
    uids = {a.unique_id for a in model.agents}
    assert len(uids) == config.n_smbs + config.n_partners + config.n_platforms
    assert set(smbs.uid.tolist()) | set(model.partners.uid.tolist()) | set(model.platforms.uid.tolist()) == uids
    assert (model.partners.capacity >= 1).all()
    np.testing.assert_allclose(model.platforms.fee, config.platform.fee)
