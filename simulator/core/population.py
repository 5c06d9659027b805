"""State of each role as numpy arrays: SMBs, partner firms and platforms.

The Mesa agents in :mod:`simulator.agents` are views onto these arrays, so that the per-step
mechanisms can update thousands of firms with one vectorized operation while a reader (or the
dashboard) still meets one object per firm.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from simulator.config import ModelConfig, platform_configs
from simulator.core.roles import ROLES, role_shares
from simulator.core.rows import ColumnSpec, RowOwner, RowStore
from simulator.core.rowwise import last_axis_mean
from simulator.core.vocabulary import CAPABILITIES

N_CAPABILITIES = len(CAPABILITIES)
TECHNOLOGY_DIM = CAPABILITIES.index("technology")
MARKETING_DIM = CAPABILITIES.index("marketing")

ROLE_STRENGTHS: dict[int, tuple[int, ...]] = {
    code: tuple(CAPABILITIES.index(dim) for dim in role.strengths) for code, role in enumerate(ROLES)
}
"""Capability dimensions in which each partner role is strong (role code -> dimensions), from
the roles table."""


class SMBPopulation(RowOwner):
    """The SMBs' state, one row per firm in order of entry (the initial firms, then entrants).

    Every per-SMB array is an ordinary numpy attribute of :attr:`n` rows kept in a
    :class:`~simulator.core.rows.RowStore`, which grows them (capacity doubling) when firms enter
    (:meth:`enter`). Rows of firms that exited stay (``alive`` false), so survival by age can be
    read from ``birth_step``, ``failed_step`` and ``exit_cause`` at the end of a run.

    Parameters
    ----------
    config
        The run's configuration.
    rng
        The model's random generator (every draw of the initial firms' state).
    age_rng
        The stream the initial firms' ages are drawn from (:func:`initial_birth_steps`); none
        drawn (all born at step 0) when omitted.
    """

    COLUMNS: ClassVar[dict[str, ColumnSpec]] = {
        "uid": ColumnSpec(np.int64),
        "sector": ColumnSpec(np.int64),
        "capability": ColumnSpec(np.float64, shape=(N_CAPABILITIES,)),
        "potential": ColumnSpec(np.float64),
        "fixed_cost": ColumnSpec(np.float64),
        "cash": ColumnSpec(np.float64),
        "automation": ColumnSpec(np.float64),
        "knowledge": ColumnSpec(np.float64),
        # what partners have learned of the SMB's edge, summed over its alliances, in [0, 1] (ODD 7.29)
        "imitated": ColumnSpec(np.float64),
        "demand_level": ColumnSpec(np.float64),  # persistent log deviation of demand from potential (7.1)
        "alive": ColumnSpec(np.bool_, fill=True),
        "below_floor_steps": ColumnSpec(np.int64),
        "birth_step": ColumnSpec(np.int64),  # step the firm entered (age = step - birth_step; <= 0 initially)
        "failed_step": ColumnSpec(np.int64, fill=-1),  # step it exited (-1: alive)
        "exit_cause": ColumnSpec(np.int8, fill=-1),  # index into EXIT_CAUSES (-1: alive)
        "strategy_id": ColumnSpec(np.int64),
        # bookkeeping of the last step
        "market_size": ColumnSpec(np.float64),
        "channel_weight": ColumnSpec(np.float64),
        "revenue": ColumnSpec(np.float64),
        "first_revenue": ColumnSpec(np.float64),
        "direct_revenue": ColumnSpec(np.float64),
        "net_income": ColumnSpec(np.float64),
        "payout": ColumnSpec(np.float64),  # cash paid out to owners last step
        "credit_line": ColumnSpec(np.float64),
        "revenue_hhi": ColumnSpec(np.float64, fill=1.0),
        "largest_channel_share": ColumnSpec(np.float64),
        "largest_platform_share": ColumnSpec(np.float64),
        "exit_cost": ColumnSpec(np.float64),
        "platform_fees": ColumnSpec(np.float64),  # fees paid to platforms last step
        "alliance_cost": ColumnSpec(np.float64),  # cost of managing its alliances last step
        "vendor_dependence": ColumnSpec(np.float64),  # automation savings at stake with a vendor, over revenue
        # levers strategies invest in
        "base_absorptive": ColumnSpec(np.float64),
        "switching_factor": ColumnSpec(np.float64, fill=1.0),  # multiplies exit and switching costs
        "influence": ColumnSpec(np.float64),  # reduces counterparts' bargaining power, in [0, 1)
    }
    """Every per-SMB array: its dtype, the value of a new row, the shape of one row."""

    def __init__(
        self, config: ModelConfig, rng: np.random.Generator, age_rng: np.random.Generator | None = None
    ) -> None:
        n = config.n_smbs
        c = config.smb
        self._config = config
        self._knowledge_scale = c.knowledge_scale
        self._rows = RowStore(self, n, self.COLUMNS)
        rows = slice(0, n)
        initial_direct = self._draw_firms(rows, rng)
        self.cash = c.initial_cash_months * self.fixed_cost
        self.base_absorptive[:] = c.base_absorptive_capacity
        self.market_size = self.potential * self.quality()
        self.channel_weight = self.direct_weight(c.direct_reach)
        self.revenue = initial_direct  # what the SMB expects before its first step
        if age_rng is not None:
            self.birth_step = initial_birth_steps(n, c.initial_age_mean, age_rng)

    @property
    def n(self) -> int:
        """Number of SMBs that have been in the ecosystem (alive or not)."""
        return self._rows.n

    @property
    def capacity(self) -> int:
        """Rows allocated for SMBs (grows by doubling)."""
        return self._rows.capacity

    def add_row(self) -> int:
        """Add one row at its new-row values (no draw) and return its index; the caller sets its
        state (the focal firm, :func:`simulator.rules.focal.place_focal`)."""
        return self._rows.grow(1).start

    def enter(self, k: int, rng: np.random.Generator, step: int, trend: float = 1.0) -> slice:
        """Add ``k`` new firms entering at ``step``; return their rows.

        Each entrant is drawn as an initial firm is (sector, capabilities, potential, fixed cost
        from the model's generator, in that order), its fixed cost sized for its direct revenue
        at full potential under the economy's demand ``trend`` factor at entry; it starts with
        ``smb.entrant_cash_months`` of fixed cost in cash and its demand at ``smb.entrant_size``
        of its potential (``demand_level = ln(entrant_size)``, from which it grows as the
        persistent demand process reverts to 0, 7.1); no alliances, no automation or knowledge.
        The caller sets its strategy and Mesa agent.
        """
        c = self._config.smb
        rows = self._rows.grow(k)
        initial_direct = trend * self._draw_firms(rows, rng)
        self.fixed_cost[rows] *= trend
        self.cash[rows] = c.entrant_cash_months * self.fixed_cost[rows]
        self.base_absorptive[rows] = c.base_absorptive_capacity
        self.demand_level[rows] = np.log(c.entrant_size)
        self.birth_step[rows] = step
        quality = self.quality(rows)
        self.market_size[rows] = c.entrant_size * trend * self.potential[rows] * quality
        self.channel_weight[rows] = self.direct_weight(c.direct_reach, rows)
        self.revenue[rows] = c.entrant_size * initial_direct
        return rows

    def _draw_firms(self, rows: slice, rng: np.random.Generator) -> np.ndarray:
        """Draw sector, capabilities, potential and fixed cost of the firms in ``rows``; return
        their direct revenue at full potential (the base of their fixed cost)."""
        c = self._config.smb
        m = rows.stop - rows.start
        self.sector[rows] = rng.integers(0, self._config.market.n_sectors, size=m)
        self.capability[rows] = rng.beta(c.capability_alpha, c.capability_beta, size=(m, N_CAPABILITIES))
        self.potential[rows] = c.demand_median * np.exp(c.demand_dispersion * rng.standard_normal(m))
        initial_direct = (
            self.potential[rows] * self.quality(rows) * (1.0 - np.exp(-self.direct_weight(c.direct_reach, rows)))
        )
        self.fixed_cost[rows] = initial_direct * rng.uniform(c.fixed_cost_low, c.fixed_cost_high, size=m)
        return initial_direct

    def quality(self, rows: slice = slice(None)) -> np.ndarray:
        """Offer quality: 0.5 plus the mean capability (so between 0.5 and 1.5)."""
        return 0.5 + last_axis_mean(self.capability[rows])

    def alive_groups(self, n_groups: int) -> list[np.ndarray]:
        """Indices of the alive SMBs of each strategy group (ascending), in one pass: each equals
        ``np.flatnonzero(alive & (strategy_id == sid))``. The group ids are sorted as small
        integers (numpy's stable sort is then a linear radix sort, which keeps indices ascending)."""
        alive = np.flatnonzero(self.alive)
        group = self.strategy_id[alive].astype(np.uint8 if n_groups <= 256 else np.uint16)
        counts = np.bincount(group, minlength=n_groups)
        return np.split(alive[np.argsort(group, kind="stable")], np.cumsum(counts)[:-1])

    def absorptive_capacity(self) -> np.ndarray:
        """Share of available partner knowledge an SMB can absorb, rising with its knowledge."""
        base = self.base_absorptive
        return base + (1.0 - base) * (1.0 - np.exp(-self.knowledge / self._knowledge_scale))

    def direct_weight(self, direct_reach: float, rows: slice = slice(None)) -> np.ndarray:
        """Weight of each SMB's own direct channel: ``direct_reach x (0.5 + marketing capability)``."""
        return direct_reach * (0.5 + self.capability[rows, MARKETING_DIM])


def initial_birth_steps(n: int, mean_age: float, rng: np.random.Generator) -> np.ndarray:
    """Birth steps (``<= 0``) of the initial firms: ages ``A`` geometric on 0, 1, 2, ... with mean
    ``mean_age`` months, ``birth_step = -A`` (all 0 when ``mean_age`` is 0).

    The geometric law is the stationary age distribution of a population with constant entry and
    a constant exit hazard ``1 / (1 + mean_age)`` per step: the initial firms look like the
    survivors of an ecosystem that has been running, not a cohort born together.
    """
    if mean_age <= 0:
        return np.zeros(n, dtype=np.int64)
    return 1 - rng.geometric(1.0 / (1.0 + mean_age), size=n)


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


class PlatformPopulation(RowOwner):
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
        self.fee_bargaining = column("fee_bargaining")
        # state
        self.members = np.zeros(n, dtype=np.int64)
        self.up = np.ones(n, dtype=bool)  # False while the platform is down
        self.shock_down = np.zeros(n, dtype=bool)  # down because of a scheduled outage shock
        self.down_until = np.zeros(n, dtype=np.int64)  # down because of a random outage
        self.entry = np.zeros((n, config.market.n_sectors))  # own-offer presence per sector, in [0, 1]
        # per SMB and platform: the step from which a delisted SMB may rejoin; grows with the SMBs
        self.barred_until: np.ndarray  # (n_smbs, n_platforms), rows grow with the SMBs
        self._smb_rows = RowStore(self, config.n_smbs, {"barred_until": ColumnSpec(np.int64, fill=-1, shape=(n,))})
        self.member_share = np.zeros(n)
        self.sales = np.zeros(n)
        self.income = np.zeros(n)

    def add_smbs(self, k: int) -> None:
        """Make room for ``k`` entering SMBs (never barred)."""
        self._smb_rows.grow(k)

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
