"""State of each role as numpy arrays: SMBs, partner firms and platforms.

The Mesa agents in :mod:`simulator.agents` are views onto these arrays, so that the per-step
mechanisms can update thousands of firms with one vectorized operation while a reader (or the
dashboard) still meets one object per firm.
"""

from __future__ import annotations

import numpy as np

from simulator.config import ModelConfig, platform_configs
from simulator.core.roles import ROLES, role_shares
from simulator.core.vocabulary import CAPABILITIES

N_CAPABILITIES = len(CAPABILITIES)
TECHNOLOGY_DIM = CAPABILITIES.index("technology")
MARKETING_DIM = CAPABILITIES.index("marketing")

ROLE_STRENGTHS: dict[int, tuple[int, ...]] = {
    code: tuple(CAPABILITIES.index(dim) for dim in role.strengths) for code, role in enumerate(ROLES)
}
"""Capability dimensions in which each partner role is strong (role code -> dimensions), from
the roles table."""


class SMBPopulation:
    """The SMBs' state, one entry per firm in creation order.

    Parameters
    ----------
    config
        The run's configuration.
    rng
        The model's random generator.
    """

    def __init__(self, config: ModelConfig, rng: np.random.Generator) -> None:
        n = config.n_smbs
        c = config.smb
        self.n = n
        self.uid = np.zeros(n, dtype=np.int64)
        self.sector = rng.integers(0, config.market.n_sectors, size=n)
        self.capability = rng.beta(c.capability_alpha, c.capability_beta, size=(n, N_CAPABILITIES))
        self.potential = c.demand_median * np.exp(c.demand_dispersion * rng.standard_normal(n))
        initial_direct = self.potential * self.quality() * (1.0 - np.exp(-self.direct_weight(c.direct_reach)))
        self.fixed_cost = initial_direct * rng.uniform(c.fixed_cost_low, c.fixed_cost_high, size=n)
        self.cash = c.initial_cash_months * self.fixed_cost
        self.automation = np.zeros(n)
        self.knowledge = np.zeros(n)
        self.alive = np.ones(n, dtype=bool)
        self.below_floor_steps = np.zeros(n, dtype=np.int64)
        self.birth_step = np.zeros(n, dtype=np.int64)  # step the firm entered (age = step - birth_step)
        self.failed_step = np.full(n, -1, dtype=np.int64)  # step it exited (-1: alive)
        self.exit_cause = np.full(n, -1, dtype=np.int8)  # index into EXIT_CAUSES (-1: alive)
        self.strategy_id = np.zeros(n, dtype=np.int64)
        # bookkeeping of the last step
        self.market_size = self.potential * self.quality()
        self.channel_weight = self.direct_weight(c.direct_reach)
        self.revenue = initial_direct.copy()  # what the SMB expects before its first step
        self.first_revenue = np.zeros(n)
        self.direct_revenue = np.zeros(n)
        self.net_income = np.zeros(n)
        self.payout = np.zeros(n)  # cash paid out to owners last step
        self.credit_line = np.zeros(n)
        self.revenue_hhi = np.ones(n)
        self.largest_channel_share = np.zeros(n)
        self.largest_platform_share = np.zeros(n)
        self.exit_cost = np.zeros(n)
        self.platform_fees = np.zeros(n)  # fees paid to platforms last step
        self.vendor_dependence = np.zeros(n)  # automation savings at stake with a vendor, over revenue
        # levers strategies invest in
        self.base_absorptive = np.full(n, c.base_absorptive_capacity)
        self.switching_factor = np.ones(n)  # multiplies exit and switching costs (modular systems < 1)
        self.influence = np.zeros(n)  # reduces counterparts' bargaining power, in [0, 1)
        self._knowledge_scale = c.knowledge_scale

    def quality(self) -> np.ndarray:
        """Offer quality: 0.5 plus the mean capability (so between 0.5 and 1.5)."""
        return 0.5 + self.capability.mean(axis=1)

    def absorptive_capacity(self) -> np.ndarray:
        """Share of available partner knowledge an SMB can absorb, rising with its knowledge."""
        base = self.base_absorptive
        return base + (1.0 - base) * (1.0 - np.exp(-self.knowledge / self._knowledge_scale))

    def direct_weight(self, direct_reach: float) -> np.ndarray:
        """Weight of each SMB's own direct channel: ``direct_reach x (0.5 + marketing capability)``."""
        return direct_reach * (0.5 + self.capability[:, MARKETING_DIM])


class PartnerPopulation:
    """Partner firms in the DPN roles (:data:`simulator.core.roles.ROLES`), held in fixed slots.

    When a partner fails its slot is emptied (``alive`` false) or, with
    ``partner.replace_failed``, refilled by a new entrant of the same role with a new id.

    Parameters
    ----------
    config
        The run's configuration.
    rng
        The model's random generator.
    """

    def __init__(self, config: ModelConfig, rng: np.random.Generator) -> None:
        n = config.n_partners
        shares = role_shares(config.partner)
        self.n = n
        self.uid = np.zeros(n, dtype=np.int64)
        self.role = apportion(n, shares, rng)
        self.capability = np.zeros((n, N_CAPABILITIES))
        self.capacity = np.zeros(n, dtype=np.int64)
        self.size = np.zeros(n)
        self.alive = np.ones(n, dtype=bool)
        self.successes = np.zeros(n)
        self.reviews = np.zeros(n)
        self.income = np.zeros(n)
        self.entered_step = np.zeros(n, dtype=np.int64)
        self.return_step = np.full(n, -1, dtype=np.int64)  # an emptied slot refills at this step
        self.credit_factor = 1.0  # support services' willingness to lend (credit squeezes cut it)
        self._config = config.partner
        self.renew(np.arange(n), rng)

    def renew(self, slots: np.ndarray, rng: np.random.Generator) -> None:
        """Draw fresh firms (capabilities, capacity, size) for ``slots``, keeping their roles."""
        m = len(slots)
        if m == 0:
            return
        c = self._config
        capability = rng.beta(c.capability_alpha, c.capability_beta, size=(m, N_CAPABILITIES))
        strong = rng.beta(c.strength_alpha, c.strength_beta, size=(m, N_CAPABILITIES))
        for role, dims in ROLE_STRENGTHS.items():
            rows = self.role[slots] == role
            for d in dims:
                capability[rows, d] = strong[rows, d]
        self.capability[slots] = capability
        self.capacity[slots] = np.maximum(1, rng.poisson(c.capacity_mean, size=m))
        self.size[slots] = c.size_median * np.exp(c.size_dispersion * rng.standard_normal(m))
        self.alive[slots] = True
        self.successes[slots] = 0.0
        self.reviews[slots] = 0.0
        self.income[slots] = 0.0

    def reputation(self) -> np.ndarray:
        """Share of reviewed alliances that met expectations, with a neutral prior of 1 in 2."""
        return (self.successes + 1.0) / (self.reviews + 2.0)


class PlatformPopulation:
    """Digital platforms: the shared ``platform`` defaults with each platform's overrides
    (``platform.per_platform``), as arrays.

    Parameters
    ----------
    config
        The run's configuration.
    """

    def __init__(self, config: ModelConfig) -> None:
        settings = platform_configs(config)
        n = config.n_platforms
        self.n = n
        self.settings = settings
        self.uid = np.zeros(n, dtype=np.int64)

        def column(name: str, dtype: type = float) -> np.ndarray:
            return np.array([getattr(s, name) for s in settings], dtype=dtype)

        self.fee = column("fee")
        self.network_effect = column("network_effect")
        self.reach = column("reach")
        self.switching_cost_base = column("switching_cost_base")
        self.switching_cost_growth = column("switching_cost_growth")
        self.data_lock_in = column("data_lock_in")
        self.data_capture = column("data_capture")
        self.entry_threshold = column("entry_threshold")
        self.commoditization = column("commoditization")
        self.outage_rate = column("outage_rate")
        # state
        self.members = np.zeros(n, dtype=np.int64)
        self.up = np.ones(n, dtype=bool)  # False while the platform is down
        self.shock_down = np.zeros(n, dtype=bool)  # down because of a scheduled outage shock
        self.down_until = np.zeros(n, dtype=np.int64)  # down because of a random outage
        self.entry = np.zeros((n, config.market.n_sectors))  # own-offer presence per sector, in [0, 1]
        self.barred_until = np.full((config.n_smbs, n), -1, dtype=np.int64)  # delisted SMBs wait
        self.member_share = np.zeros(n)
        self.sales = np.zeros(n)
        self.income = np.zeros(n)

    def channel_weight(self) -> np.ndarray:
        """Channel weight each platform gives a member: reach times its network effect (0 while
        the platform is down)."""
        return self.reach * (1.0 + self.network_effect * self.member_share) * self.up


def apportion(n: int, shares: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Assign ``n`` items to categories in proportion to ``shares`` (largest remainders), in
    random order; returns each item's category code."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    exact = shares * n
    counts = np.floor(exact).astype(np.int64)
    short = n - counts.sum()
    if short > 0:
        counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    codes = np.repeat(np.arange(len(shares)), counts)
    return rng.permutation(codes)
