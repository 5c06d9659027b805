"""The model's configuration as plain dataclasses.

Every parameter is declared once here, with its default, its meaning and its allowed range.
The Hydra application registers :class:`ModelConfig` as a structured config, the validator
(:mod:`simulator.validation`) reads the ranges from the field metadata, and notebooks or tests
build a model from these dataclasses directly, without Hydra.

One step of the model stands for one month.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from typing import Any

from simulator.errors import ConfigError, closest


def param(
    default: Any,
    doc: str,
    *,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    choices: tuple[str, ...] | None = None,
    allowed: str | None = None,
) -> Any:
    """Declare a documented parameter with its allowed range.

    Parameters
    ----------
    default
        The default value (immutable types only).
    doc
        One sentence saying what the parameter means, with its unit.
    ge, le, gt, lt
        Inclusive lower and upper bounds, exclusive lower and upper bounds.
    choices
        The allowed values of a text parameter.
    allowed
        What values are allowed, in words, where bounds or choices cannot say it (documentation
        only; checks of such values live in the validator).

    Returns
    -------
    dataclasses.Field
        A field whose metadata the validator and the documentation read.
    """
    meta = {"doc": doc, "ge": ge, "le": le, "gt": gt, "lt": lt, "choices": choices, "allowed": allowed}
    return field(default=default, metadata=meta)


def described(default_factory: Any, doc: str, allowed: str) -> Any:
    """Declare a documented setting whose default is a mapping or a list (no range to check).

    Parameters
    ----------
    default_factory
        Builds the default value.
    doc
        What the setting means.
    allowed
        What values are allowed, in words (the validator checks them).

    Returns
    -------
    dataclasses.Field
    """
    return field(default_factory=default_factory, metadata={"doc": doc, "allowed": allowed})


@dataclass
class MarketConfig:
    """Demand the SMBs face: sectors, their cycles and the economy's trend."""

    n_sectors: int = param(4, "Number of sectors SMBs belong to.", ge=1)
    demand_trend: float = param(0.002, "Economy-wide demand growth per step.", ge=-0.1, le=0.1)
    sector_persistence: float = param(0.9, "AR(1) persistence of each sector's log demand factor.", ge=0.0, le=0.999)
    sector_volatility: float = param(0.04, "Std. dev. of each sector's log demand shock per step.", ge=0.0, le=1.0)
    firm_volatility: float = param(
        0.28,
        "Std. dev. of each SMB's idiosyncratic log demand deviation (its stationary std. dev. when persistent; "
        "calibrated, see docs/ODD.md 6.1).",
        ge=0.0,
        le=1.0,
    )
    firm_persistence: float = param(
        0.97,
        "AR(1) persistence per step of each SMB's log demand deviation (0: independent each step; "
        "the innovation is scaled so that its std. dev. stays firm_volatility).",
        ge=0.0,
        lt=1.0,
    )


@dataclass
class SMBConfig:
    """The small and medium businesses: size, capabilities, costs and cash."""

    demand_median: float = param(100.0, "Median monthly market potential of an SMB (thousand currency units).", gt=0.0)
    demand_dispersion: float = param(
        0.8, "Log-normal sigma of market potential across SMBs (size heterogeneity).", ge=0.0
    )
    capability_alpha: float = param(
        2.0, "First shape parameter of the Beta distribution of SMBs' initial capabilities.", gt=0.0
    )
    capability_beta: float = param(
        2.0, "Second shape parameter of the Beta distribution of SMBs' initial capabilities.", gt=0.0
    )
    direct_reach: float = param(
        0.7, "Weight of an SMB's own direct channel at marketing capability 0.5 (x (0.5 + marketing)).", gt=0.0, le=10.0
    )
    variable_cost: float = param(0.55, "Variable cost as a share of revenue before automation.", ge=0.0, le=1.0)
    fixed_cost_low: float = param(0.35, "Lowest fixed cost, as a share of initial direct revenue.", ge=0.0, le=2.0)
    fixed_cost_high: float = param(0.55, "Highest fixed cost, as a share of initial direct revenue.", ge=0.0, le=2.0)
    initial_cash_months: float = param(2.0, "Initial cash, in months of fixed cost.", ge=0.0)
    cash_cap_months: float = param(
        6.0,
        "Cash above this many months of fixed cost is paid out to the owners each step "
        "(so that buffers stay those of a real small firm).",
        ge=0.0,
    )
    grace_steps: int = param(3, "Steps an SMB may stay below its liquidity floor before it fails.", ge=0)
    entry_rate: float = param(
        0.0063,
        "Expected new SMBs per step, as a share of n_smbs (Poisson; 0: no entry, a closed population; "
        "calibrated, see docs/ODD.md 6.1).",
        ge=0.0,
        le=1.0,
    )
    exit_hazard: float = param(
        0.0014,
        "Per-step probability that an alive SMB's owners close or sell it for reasons outside the model "
        "(retirement, sale; calibrated, see docs/ODD.md 6.1).",
        ge=0.0,
        le=1.0,
    )
    entrant_size: float = param(
        0.8, "An entrant's demand at entry, as a share of its market potential (it grows from there).", gt=0.0, le=1.0
    )
    entrant_cash_months: float = param(
        2.89, "An entrant's starting cash, in months of its fixed cost (calibrated, see docs/ODD.md 6.1).", ge=0.0
    )
    initial_age_mean: float = param(
        120.0, "Mean age in steps of the initial SMBs (geometric ages; their birth steps are <= 0).", ge=0.0
    )
    automation_efficiency: float = param(0.35, "Share of variable cost removed at full automation.", ge=0.0, le=1.0)
    base_absorptive_capacity: float = param(
        0.3, "Absorptive capacity of an SMB with no knowledge stock.", ge=0.0, le=1.0
    )
    knowledge_scale: float = param(
        0.5, "Knowledge stock at which absorptive capacity has closed 63% of its gap to 1.", gt=0.0
    )


@dataclass
class PartnerConfig:
    """Partner firms in the DPN roles.

    The roles and what they do are the table :data:`simulator.core.roles.ROLES`; each role has
    its population share here, ``<role>_share``, and each role that sells its channel weight,
    ``<role>_reach``.
    """

    complementary_business_share: float = param(
        0.4, "Share of partners that are complementary businesses.", ge=0.0, le=1.0
    )
    technology_provider_share: float = param(
        0.2, "Share of partners that are technology providers (automation vendors).", ge=0.0, le=1.0
    )
    marketing_distribution_share: float = param(
        0.25, "Share of partners that are marketing and distribution partners.", ge=0.0, le=1.0
    )
    support_service_share: float = param(
        0.15, "Share of partners that are support services (banks, consultants).", ge=0.0, le=1.0
    )
    capacity_mean: float = param(12.0, "Mean number of alliances a partner can hold at once.", gt=0.0)
    size_median: float = param(400.0, "Median monthly own income of a partner (its size and power).", gt=0.0)
    size_dispersion: float = param(1.0, "Log-normal sigma of partner size.", ge=0.0)
    capability_alpha: float = param(
        2.0, "First shape parameter of the Beta distribution of partners' capabilities outside their strengths.", gt=0.0
    )
    capability_beta: float = param(
        2.0,
        "Second shape parameter of the Beta distribution of partners' capabilities outside their strengths.",
        gt=0.0,
    )
    strength_alpha: float = param(
        6.0,
        "First shape parameter of the Beta distribution of partners' capabilities in their role's strengths.",
        gt=0.0,
    )
    strength_beta: float = param(
        2.0,
        "Second shape parameter of the Beta distribution of partners' capabilities in their role's strengths.",
        gt=0.0,
    )
    failure_hazard: float = param(
        0.002, "Per-step probability that a partner fails or exits (1 - reliability).", ge=0.0, le=1.0
    )
    replace_failed: bool = param(
        True,
        "Whether a new partner of the same role enters where one failed.",
    )
    complementary_business_reach: float = param(
        0.25, "Channel weight a complementary business adds at complementarity multiplier 1.", ge=0.0
    )
    marketing_distribution_reach: float = param(
        0.35,
        "Channel weight a marketing and distribution partner adds at complementarity multiplier 1.",
        ge=0.0,
    )
    innovation_share: float = param(
        0.3,
        "Share of complementary-business alliances formed as innovation alliances (more learning, "
        "less reach) rather than supply-chain ones.",
        ge=0.0,
        le=1.0,
    )
    reservation_share: float = param(
        0.002,
        "Smallest expected monthly income from a deal, as a share of the partner's size, "
        "that it accepts when idle (doubles when full).",
        ge=0.0,
    )
    absorptive_capacity: float = param(
        0.5, "Share of an SMB's knowledge a partner absorbs (fixed: partners are established firms).", ge=0.0, le=1.0
    )


GOVERNANCE_POLICIES: tuple[str, ...] = ("fixed", "lock_in_responsive", "competitive")
REVIEW_SCHEDULES: tuple[str, ...] = ("periodic", "staggered")


@dataclass
class PlatformConfig:
    """Digital platforms (shared defaults for every platform)."""

    fee: float = param(0.15, "Commission share the platform takes of sales through it.", ge=0.0, le=1.0)
    network_effect: float = param(
        1.0, "Strength of network effects: reach grows by this times the participant share.", ge=0.0
    )
    reach: float = param(0.6, "Channel weight a platform gives a member with no network effect.", ge=0.0)
    switching_cost_base: float = param(
        0.5, "Cost of leaving, in months of the member's platform revenue, at zero tenure.", ge=0.0
    )
    switching_cost_growth: float = param(
        0.05, "Extra months of platform revenue the exit costs per step of tenure.", ge=0.0
    )
    data_lock_in: float = param(
        2.0, "Extra months of platform revenue the exit costs when the platform holds all the member's data.", ge=0.0
    )
    governance: str = param(
        "lock_in_responsive",
        "Fee policy: fixed; lock_in_responsive (raise the fee while members are locked in; the default, "
        "at a modest fee_step); competitive (undercut a bigger rival, raise the fee when leading).",
        choices=GOVERNANCE_POLICIES,
    )
    governance_interval: int = param(12, "Steps between fee decisions.", ge=1)
    influence_voice: float = param(
        0.0,
        "Voice members' ecosystem influence gives them in lock_in_responsive fee governance: the platform "
        "counts a member's switching cost as switching months x max(0, 1 - influence_voice x influence) "
        "(an influential member can organize exit or shape standards, so it is less captive); 0 (default) "
        "off. A public good: a hike held back spares every member.",
        ge=0.0,
        le=10.0,
    )
    fee_bargaining: float = param(
        0.0,
        "How far a member's ecosystem influence bargains its own fee down: it pays fee x (1 - fee_bargaining x "
        "influence), set when it joins and at each repricing (1 treats the platform like a partner, whose "
        "bargaining power influence scales by 1 - influence); 0 (default) off: every member takes the posted fee.",
        ge=0.0,
        le=1.0,
    )
    fee_step: float = param(
        0.01,
        "Fee change per decision (default one percentage point a year: Etsy's transaction fee went from 3.5% "
        "to 5% in 2018 and to 6.5% in 2022, about +1 point per one to three years).",
        ge=0.0,
        le=1.0,
    )
    fee_min: float = param(0.02, "Lowest fee a platform sets.", ge=0.0, le=1.0)
    fee_max: float = param(0.4, "Highest fee a platform sets.", ge=0.0, le=1.0)
    lock_in_threshold: float = param(
        2.0,
        "Members' mean switching cost, in months of platform revenue, above which lock-in-responsive "
        "platforms raise their fee.",
        ge=0.0,
    )
    data_capture: float = param(
        0.01,
        "Share of the gap to holding all of a member's data captured per step at full information sharing "
        "(default modest: at the default sharing 0.5 a member's data held reaches about 45% after ten years; "
        "an assumption).",
        ge=0.0,
        le=1.0,
    )
    entry_threshold: float = param(
        0.5,
        "Mean data held on a sector's members above which the platform enters that sector with its own offer.",
        ge=0.0,
        lt=1.0,
    )
    commoditization: float = param(
        0.4, "Share of members' reach through the platform lost in a sector it has fully entered.", ge=0.0, le=1.0
    )
    outage_rate: float = param(
        0.005,
        "Per-step probability of an outage (default about one month-long disruption per platform in 200 "
        "months; an assumption, not an estimate).",
        ge=0.0,
        le=1.0,
    )
    outage_steps: int = param(1, "Length of an outage in steps.", ge=1)
    revisit_rate: float = param(
        1.0 / 12.0,
        "Per-step probability that a member SMB re-evaluates its platform and switches to a better one "
        "(about one re-evaluation a year; 0 turns the mechanism off). An SMB setting, not a platform's: "
        "not allowed in per_platform.",
        ge=0.0,
        le=1.0,
    )
    switch_horizon: int = param(
        12,
        "Months over which a re-evaluating member spreads the switching cost when it compares platforms. "
        "An SMB setting, not a platform's: not allowed in per_platform.",
        ge=1,
    )
    per_platform: list[Any] = described(
        list,
        "Overrides of the shared `platform.*` defaults for platform 0, 1, ..., e.g. "
        "`'platform.per_platform=[{fee:0.1},{fee:0.25,governance:competitive}]'`; platforms without an entry "
        "keep the shared defaults.",
        allowed="at most `n_platforms` mappings of the `platform.*` keys above, each value in that key's range, "
        "`fee_min <= fee_max` per platform",
    )


@dataclass
class AllianceConfig:
    """Alliance search, negotiation, value and lifecycle."""

    base_hazard: float = param(
        0.003,
        "Exogenous per-step probability that an alliance dissolves for reasons outside the model, such as "
        "a partner's change of strategy or owner (default about 3.5% a year; an assumption; 0 disables it).",
        ge=0.0,
        le=1.0,
    )
    search_rate: float = param(
        0.2, "Per-step probability that an SMB below its alliance target searches.", ge=0.0, le=1.0
    )
    candidates: int = param(5, "Partner candidates an SMB samples when it searches.", ge=1)
    evaluation_noise: float = param(
        0.98,
        "Log-normal sigma of an SMB's error when it forecasts an alliance's value (calibrated, see docs/ODD.md 6.1).",
        ge=0.0,
    )
    platform_noise_factor: float = param(
        0.25,
        "An SMB's forecast error about a platform, as a multiple of evaluation_noise (platforms' terms, "
        "reach and size are public).",
        ge=0.0,
    )
    pilot_steps: int = param(
        0,
        "Pilot length every alliance has as a market norm (0: alliances start committed unless "
        "the strategy pilots, as the phased strategy does).",
        ge=0,
    )
    pilot_scope: float = param(0.5, "Share of full scope an alliance runs at during its pilot.", gt=0.0, le=1.0)
    commit_threshold: float = param(
        0.6, "A pilot commits if realized value reaches this share of the expected value.", ge=0.0
    )
    review_interval: int = param(12, "Steps between reviews of a committed alliance.", ge=1)
    review_schedule: str = param(
        "staggered",
        "When an alliance's reviews fall: periodic (at ages review_interval, 2 x review_interval, ...: "
        "every alliance of an interval is reviewed at the same ages); staggered (the first review at an "
        "age drawn uniformly from 1 to review_interval, then every review_interval steps: each "
        "alliance keeps its own calendar).",
        choices=REVIEW_SCHEDULES,
    )
    dissolve_threshold: float = param(
        0.5,
        "At review an alliance delivering less than this share of its expected value dissolves.",
        ge=0.0,
    )
    value_smoothing: float = param(
        0.3, "Weight of the newest step in an alliance's smoothed realized value.", ge=0.0, le=1.0
    )
    share_min: float = param(0.1, "Partner revenue share when the SMB has all the bargaining power.", ge=0.0, le=1.0)
    share_max: float = param(
        0.4, "Partner revenue share when the partner has all the bargaining power.", ge=0.0, le=1.0
    )
    renegotiation_speed: float = param(
        0.5, "Share of the gap to the power-based share closed at each review.", ge=0.0, le=1.0
    )
    renegotiation_tolerance: float = param(
        0.01, "Smallest share change that counts as a renegotiation.", ge=0.0, le=1.0
    )
    exit_months: float = param(
        2.0,
        "Termination cost of a committed alliance, in months of its forecast gross flow "
        "(strategies may change it; modular systems and equity forms scale it).",
        ge=0.0,
    )
    pilot_exit_fraction: float = param(0.25, "Share of the termination cost due during a pilot.", ge=0.0, le=1.0)
    information_sharing: float = param(0.5, "Default information-sharing level of alliance terms.", ge=0.0, le=1.0)
    exclusivity_premium: float = param(0.2, "Extra channel weight a partner gives in exchange for exclusivity.", ge=0.0)
    specific_investment_months: float = param(
        1.0, "Relation-specific investment paid at commitment, in months of expected value.", ge=0.0
    )
    coordination_cost: float = param(
        0.01,
        "Monthly cost to the SMB of managing each alliance it holds (meetings, reporting, integration "
        "upkeep), as a share of its monthly fixed cost. Platform memberships and pilots count.",
        ge=0.0,
        le=1.0,
    )
    attention_cost: float = param(
        0.005,
        "Convex part of alliance management: an SMB holding n alliances pays attention_cost x n^2 of its "
        "monthly fixed cost (the owner's attention is limited), booked as attention_cost x n per alliance.",
        ge=0.0,
        le=1.0,
    )
    setup_cost: float = param(
        0.1,
        "One-off cost to the SMB of forming an alliance or joining a platform (search, legal, onboarding), "
        "in months of its fixed cost.",
        ge=0.0,
    )
    payback_months: int = param(
        12,
        "Months over which an SMB expects an alliance's setup cost to pay back: it forms an alliance (or "
        "switches platform) only if the forecast net monthly value exceeds setup cost / payback_months.",
        ge=1,
    )
    trust_growth: float = param(
        0.08, "Share of the gap to full trust closed per step that meets expectations.", ge=0.0, le=1.0
    )
    trust_decay: float = param(0.05, "Share of trust lost per step that falls short of expectations.", ge=0.0, le=1.0)
    initial_trust: float = param(0.2, "Trust of a new alliance or platform membership.", ge=0.0, le=1.0)
    relational_rent: float = param(
        0.5646,
        "Extra channel weight at full trust and one month of specific investment per month of value "
        "(calibrated, see docs/ODD.md).",
        ge=0.0,
    )
    learning_rate: float = param(
        0.02,
        "Share of a capability gap transferred per step at full sharing and absorptive capacity.",
        ge=0.0,
        le=1.0,
    )
    innovation_learning_factor: float = param(
        2.0, "Knowledge transfer of an innovation alliance, as a multiple of another alliance's.", ge=0.0
    )
    innovation_reach_factor: float = param(
        0.5,
        "Channel weight of an innovation alliance, as a multiple of a supply-chain alliance's with the same partner.",
        ge=0.0,
    )
    adoption_rate: float = param(
        0.1, "Share of the gap to the vendor's automation level closed per step.", ge=0.0, le=1.0
    )
    automation_decay: float = param(
        0.5,
        "Share of its automation an SMB without a technology alliance loses per step, as a multiple of "
        "adoption_rate (times the SMB's switching factor).",
        ge=0.0,
        le=1.0,
    )
    credit_months: float = param(
        2.0, "Credit line of a support-service alliance, in months of the SMB's fixed cost.", ge=0.0
    )
    credit_interest: float = param(0.01, "Interest per step on drawn credit.", ge=0.0, le=1.0)
    credit_market_multiple: float = param(
        2.0,
        "Open-market interest on credit as a multiple of credit_interest: a credit line is worth this x "
        "credit_interest x the line per month to the SMB.",
        ge=0.0,
    )
    complementarity_floor: float = param(
        0.5,
        "Complementarity multiplier of a partner's reach and supply-chain saving at complementarity 0 "
        "(the multiplier is complementarity_floor + complementarity_slope x complementarity).",
        ge=0.0,
    )
    complementarity_slope: float = param(
        2.0, "Rise of the complementarity multiplier per unit of complementarity.", ge=0.0
    )
    supply_chain_saving: float = param(
        0.05,
        "Share of variable cost a supply-chain alliance saves at complementarity multiplier 1.",
        ge=0.0,
        le=1.0,
    )
    stockout_rate: float = param(
        0.03, "Per-step probability that a supply-chain partner fails to deliver (no sales or savings).", ge=0.0, le=1.0
    )
    max_supply_chain_saving: float = param(
        0.5, "Largest share of variable cost an SMB's supply-chain alliances save together.", ge=0.0, le=1.0
    )
    equity_exit_multiplier: float = param(
        3.0, "Exit costs of equity alliances and joint ventures, as a multiple of a contract's.", ge=1.0
    )
    equity_capital_months: float = param(
        12.0, "Capital an SMB puts into an equity alliance: stake x this many months of expected value.", ge=0.0
    )
    equity_learning_bonus: float = param(
        1.0, "Extra knowledge transfer per unit of equity stake (shared ownership shares more).", ge=0.0
    )
    appropriation_leverage: float = param(
        0.0,
        "The learning race's leverage, both ways: at each renegotiation a partner takes this share of the "
        "SMB's remaining bargaining power per unit of appropriation (the share of the SMB's capability edge "
        "over it the partner has learned in the alliance), and the SMB takes this share of the partner's "
        "power per unit of what it has learned of the partner's edge over it; 0 disables both, 1 gives the "
        "side that learned the other's whole edge all the power the other had.",
        ge=0.0,
        le=1.0,
    )
    imitation_rivalry: float = param(
        0.0,
        "Imitation under rivalry: share of an SMB's direct-channel reach its partners take per unit of its "
        "imitated edge (what its partners have learned of its capability edge, summed over all its "
        "alliances, ended ones included, at most 1); the loss persists after the alliances end. 0 disables it.",
        ge=0.0,
        le=1.0,
    )
    early_failure_window: int = param(
        12,
        "An alliance ending at most this many steps after its formation counts as an early failure.",
        ge=1,
    )


@dataclass
class ShockConfig:
    """One scheduled shock (see :mod:`simulator.shocks` for what each kind does)."""

    kind: str = param("demand_shock", "What happens: a kind registered in simulator.shocks (SHOCKS).")
    start: int = param(60, "Step at which the shock hits.", ge=1)
    duration: int = param(12, "Steps until its effect is undone (0: permanent).", ge=0)
    size: float = param(
        0.3,
        "Strength: demand or reach lost, credit cut (shares), or the fee increase (absolute).",
        ge=0.0,
        le=1.0,
    )
    target: str = param(
        "all",
        "Who is hit: 'all'; for partners also 'largest', 'random' or 'role:<role>'; for platforms "
        "also 'largest' or an index; for demand also 'sector:<index>'.",
        allowed="text (see meaning)",
    )
    share: float = param(1.0, "Probability that each targeted partner or platform member is hit.", ge=0.0, le=1.0)


@dataclass
class ResilienceConfig:
    """How resilience is measured after the first shock."""

    pre_shock_window: int = param(6, "Steps before the first shock whose mean revenue is the pre-shock level.", ge=1)
    recovery_fraction: float = param(
        0.95, "Recovered once revenue is back to this share of the pre-shock level.", gt=0.0, le=2.0
    )
    robustness_steps: int = param(10, "Points after 0 on each network-robustness curve.", ge=1)
    robustness_max_fraction: float = param(
        0.5, "Largest share of nodes removed in the robustness curves.", gt=0.0, le=1.0
    )


FOCAL_COUNTERPARTS: tuple[str, ...] = (
    "platform",
    "complementary_business",
    "technology_provider",
    "marketing_distribution",
    "support_service",
)
"""What a focal firm's current alliance may be with: a platform or a partner of one of the roles
(:data:`simulator.core.roles.ROLES`; the validator checks that the two lists agree)."""


@dataclass
class FocalAllianceConfig:
    """One alliance or platform membership the focal firm holds at the start."""

    counterpart: str = param(
        "platform", "Who the alliance is with: a platform or a partner role.", choices=FOCAL_COUNTERPARTS
    )
    index: int = param(
        -1,
        "Which platform (its index) or partner (its slot) the alliance is with; -1: platform 0, or the "
        "strongest partner of the role in its strengths.",
        ge=-1,
    )
    share: float = param(
        0.0,
        "Share of the firm's current revenue sold through this partner (sales partners only: complementary "
        "businesses, marketing and distribution); 0 for a platform, whose reach the platform sets.",
        ge=0.0,
        le=1.0,
    )
    exclusive: bool = param(False, "Whether the alliance is exclusive.")
    tenure: int = param(12, "Months the alliance has lasted so far (switching costs grow with it).", ge=0)


@dataclass
class FocalConfig:
    """One business the run follows: the focal firm (``ecosim-plan`` compares its strategies).

    The focal firm is one more SMB of the ecosystem, after the background population; it follows
    ``strategy`` whatever the population's strategies, and its outcomes are recorded apart
    (``focal.parquet``, ``summary.json``'s ``focal``).
    """

    enabled: bool = param(False, "Put the focal firm into the ecosystem and record it (off: no focal firm).")
    name: str = param("focal firm", "The business's name in reports.", allowed="text")
    sector: int = param(0, "Its sector (index, below market.n_sectors).", ge=0)
    revenue: float = param(
        100.0, "Its monthly revenue now (thousand currency units; the background's median potential is 100).", gt=0.0
    )
    fixed_cost: float = param(0.3, "Its monthly fixed costs, as a share of its monthly revenue now.", ge=0.0, le=2.0)
    cash_months: float = param(2.0, "Its cash now, in months of its fixed costs.", ge=0.0)
    automation: float = param(
        0.0,
        "Its automation level now: its variable cost is smb.variable_cost x (1 - smb.automation_efficiency x "
        "automation), so its margin is 1 minus that.",
        ge=0.0,
        le=1.0,
    )
    age: int = param(60, "Its age now, in months.", ge=0)
    capabilities: Any = described(
        dict,
        "Its capabilities in [0, 1] by dimension (production, marketing, technology, data, finance); "
        "dimensions not given are 0.5.",
        allowed="a mapping of capability names to values in [0, 1]",
    )
    alliances: list[FocalAllianceConfig] = described(
        list,
        "Its current alliances and platform memberships, each a mapping of the `focal.alliances[i].*` keys.",
        allowed="a list of `focal.alliances[i].*` mappings; sales-partner shares summing to below 1",
    )
    strategy: Any = described(
        lambda: {"name": "opportunistic"},
        "The candidate strategy the focal firm follows in this run, with its parameters "
        "(`focal.strategy.name=go_it_alone`, `focal.strategy.<param>=...`).",
        allowed="`name`: a registered strategy (not `mix`), plus its parameters",
    )


ADAPTATION_RULES: tuple[str, ...] = ("imitation", "reinforcement")
"""How a revising SMB chooses its next strategy (docs/ODD.md 7.27)."""
PERFORMANCE_SIGNALS: tuple[str, ...] = (
    "net_income",
    "net_income_growth",
    "months_of_cash",
    "dependence_adjusted_income",
)
"""What an SMB's performance is measured by when it revises its strategy (docs/ODD.md 7.27)."""
NEIGHBOURHOODS: tuple[str, ...] = ("sector", "alliance", "population")
"""Where an imitating SMB samples the peer it compares itself with (docs/ODD.md 7.27)."""


@dataclass
class AdaptationConfig:
    """Strategy revision: SMBs imitate better-performing peers or learn from their own payoffs, and
    switch strategy (docs/ODD.md 7.27). Off while ``revision_rate`` is 0 (the default)."""

    revision_rate: float = param(
        0.0,
        "Per-step probability that an alive SMB revises its strategy (0: strategies never change).",
        ge=0.0,
        le=1.0,
    )
    rule: str = param(
        "imitation",
        "How a revising SMB chooses: `imitation` (compare with a sampled peer, switch to its strategy with "
        "probability proportional to the payoff difference) or `reinforcement` (softmax over the average payoffs "
        "it earned with each strategy).",
        choices=ADAPTATION_RULES,
    )
    performance: str = param(
        "net_income",
        "The payoff compared: `net_income` (smoothed net income in months of fixed cost), `net_income_growth` (its "
        "change per step), `months_of_cash` (cash in months of fixed cost: distance from failure) or "
        "`dependence_adjusted_income` (smoothed net income times one minus the largest channel's share).",
        choices=PERFORMANCE_SIGNALS,
    )
    neighbourhood: str = param(
        "sector",
        "Where an imitating SMB samples its peer: its `sector`, its `alliance` neighbourhood (an SMB allied to "
        "one of its counterparts) or the whole `population`.",
        choices=NEIGHBOURHOODS,
    )
    payoff_scale: float = param(
        1.0,
        "Payoff difference (in the performance's unit) at which an imitating SMB switches for sure; a difference "
        "d switches with probability min(1, d / payoff_scale).",
        gt=0.0,
    )
    temperature: float = param(
        0.1,
        "Softmax temperature of reinforcement learning (in the performance's unit): lower chooses the best "
        "strategy more surely.",
        gt=0.0,
    )
    memory: float = param(
        0.2,
        "Weight of the current step in the smoothed payoffs (exponential moving average; 1: this step only).",
        gt=0.0,
        le=1.0,
    )
    exploration: float = param(
        0.0,
        "Probability that a revision adopts a strategy drawn uniformly from the population's strategies instead "
        "(mutation).",
        ge=0.0,
        le=1.0,
    )
    switching_cost: float = param(
        0.5,
        "Cost of a strategy switch in months of the SMB's fixed cost (booked as `strategy_switching`).",
        ge=0.0,
    )
    convergence_band: float = param(
        0.02,
        "The mix has converged once every strategy's share stays within this distance of its final share, and is "
        "stable when no share's standard deviation over the last `stability_window` steps exceeds it.",
        gt=0.0,
        le=1.0,
    )
    stability_window: int = param(24, "Last steps over which the stability of the strategy mix is judged.", ge=2)


@dataclass
class ModelConfig:
    """Everything one simulation run needs.

    ``strategy`` holds the chosen strategy's name and parameters (see
    :mod:`simulator.strategies`); ``scenario`` names the preset the values came from.
    """

    seed: int = param(42, "Base seed; with replicate it fixes every random stream of the run.", ge=0)
    replicate: int = param(0, "Replicate number: replicates of one seed draw independent streams.", ge=0)
    steps: int = param(120, "Number of steps (months) to simulate.", ge=1)
    n_smbs: int = param(300, "Number of SMBs at the start.", ge=1)
    n_partners: int = param(40, "Number of partner firms.", ge=0)
    n_platforms: int = param(2, "Number of digital platforms.", ge=0)
    scenario: str = param(
        "default",
        "Name of the scenario preset the values came from (a label; set by `scenario=<name>`, which also "
        "loads the preset).",
        allowed="a file in `configs/scenario/`",
    )
    strategy: Any = described(
        lambda: {"name": "opportunistic"},
        "The SMBs' strategy (`strategy=<name>`, `strategy.<param>=...`) or a mixed population (`strategy=mix`).",
        allowed="`name`: a registered strategy or `mix`, plus its parameters",
    )
    market: MarketConfig = field(default_factory=MarketConfig)
    smb: SMBConfig = field(default_factory=SMBConfig)
    partner: PartnerConfig = field(default_factory=PartnerConfig)
    platform: PlatformConfig = field(default_factory=PlatformConfig)
    alliance: AllianceConfig = field(default_factory=AllianceConfig)
    shocks: list[ShockConfig] = described(
        list,
        "The run's scheduled shocks (`shock=<preset>` from `configs/shock/`, `shocks.<i>.<key>=...`).",
        allowed="scheduled shocks, each a mapping of the `shocks[i].*` keys",
    )
    resilience: ResilienceConfig = field(default_factory=ResilienceConfig)
    adaptation: AdaptationConfig = field(default_factory=AdaptationConfig)
    focal: FocalConfig = field(default_factory=FocalConfig)
    twin: bool = param(False, "Also run the no-shock twin (same seed) and report losses against it.")
    force: bool = param(False, "Rerun sweep jobs whose results already exist (run control; not hashed).")
    replicates: int = param(
        1,
        "Replicates one job runs in one process: replicate, replicate+1, ... each written as its own run directory "
        "`replicate_<r>/` inside the job's directory, byte for byte as separate jobs would write them (run control; "
        "not hashed).",
        ge=1,
    )
    objective: str = param(
        "",
        "Summary metric the run returns to a Hydra sweeper such as Optuna (run control; not hashed), e.g. "
        "`survival_rate` or `by_strategy.diversification.survival_rate`; empty: the run returns its summary.",
        allowed="empty, or a numeric key of `summary.json` (dotted)",
    )
    objective_direction: str = param(
        "maximize",
        "Whether the objective is to be maximized or minimized; a sweep with the Optuna sweeper must set "
        "`hydra.sweeper.direction` the same way (run control; not hashed).",
        choices=("maximize", "minimize"),
    )
    design: str = param(
        "",
        "A sensitivity design file (design.json); its point design_point sets parameters.",
        allowed="empty, or the path of a `design.json`",
    )
    design_point: int = param(-1, "Row of the design whose parameter values this run takes (-1: none).", ge=-1)


RECORDED_KEYS: dict[str, str] = {
    "run_seed": "recorded in a run's config.yaml, not a parameter (a run is reproduced by seed and replicate; "
    "read a saved config.yaml with simulator.run.runner.read_config)",
}
"""Keys a run writes into its ``config.yaml`` beside the parameters, with why they cannot be set."""


def from_dict(data: Mapping[str, Any]) -> ModelConfig:
    """Build a :class:`ModelConfig` from a nested mapping such as a resolved Hydra config.

    Every key must be a key of the schema: an unknown one (a typo, or a key added with Hydra's
    ``+``/``++``) raises :class:`ConfigError` naming it and the closest valid key. Missing keys
    keep their defaults. The free-form parts (``strategy`` and ``platform.per_platform``
    entries) are checked by :func:`simulator.validation.validate`.

    Parameters
    ----------
    data
        Nested mapping of configuration values (without Hydra's own ``hydra`` key).

    Returns
    -------
    ModelConfig

    Raises
    ------
    ConfigError
        For a key the schema does not define, or a section that is not a mapping.
    """
    return _build(ModelConfig, data, "")


def schema_keys(cls: type | None = None, prefix: str = "") -> list[str]:
    """Every dotted key of the schema (``seed``, ``platform.fee``, ``shocks.kind``...)."""
    cls = cls or ModelConfig
    keys: list[str] = []
    for f in fields(cls):
        key = f"{prefix}{f.name}"
        if cls is ModelConfig and f.name == "shocks":
            nested: type | None = ShockConfig
        elif cls is FocalConfig and f.name == "alliances":
            nested = FocalAllianceConfig
        else:
            nested = _dataclass_type(cls, f.name)
        keys += schema_keys(nested, f"{key}.") if nested else [key]
    return keys


def _build(cls: type, data: Any, prefix: str) -> Any:
    if isinstance(data, cls):
        return data
    if not isinstance(data, Mapping):
        raise ConfigError(prefix or "config", f"must be a mapping of {cls.__name__} keys, got {data!r}")
    known = {f.name for f in fields(cls)}
    for name in map(str, data):
        if name in known:
            continue
        key = f"{prefix}.{name}" if prefix else name
        if not prefix and name in RECORDED_KEYS:
            raise ConfigError(key, RECORDED_KEYS[name])
        in_shock = prefix.startswith("shocks[")
        match = closest(f"shocks.{name}" if in_shock else key, schema_keys())
        if match and in_shock:
            match = prefix + match.removeprefix("shocks")
        raise ConfigError(key, "not a configuration key" + (f"; did you mean {match}?" if match else ""))
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        key = f"{prefix}.{name}" if prefix else str(name)
        nested = _dataclass_type(cls, str(name))
        if cls is ModelConfig and name == "shocks":
            if not isinstance(value, list | tuple):
                raise ConfigError("shocks", f"must be a list of shocks, got {value!r}")
            kwargs["shocks"] = [_build(ShockConfig, v, f"shocks[{i}]") for i, v in enumerate(value)]
        elif cls is FocalConfig and name == "alliances":
            if not isinstance(value, list | tuple):
                raise ConfigError("focal.alliances", f"must be a list of alliances, got {value!r}")
            kwargs["alliances"] = [_build(FocalAllianceConfig, v, f"focal.alliances[{i}]") for i, v in enumerate(value)]
        elif nested is not None:
            kwargs[str(name)] = _build(nested, value, key)
        else:
            kwargs[str(name)] = value
    return cls(**kwargs)


def _dataclass_type(cls: type, name: str) -> type | None:
    default = next(f for f in fields(cls) if f.name == name)
    if default.default_factory is not MISSING:  # type: ignore[misc]
        made = default.default_factory()  # type: ignore[misc]
        if is_dataclass(made):
            return type(made)
    return None


MEMBER_PLATFORM_KEYS: tuple[str, ...] = ("revisit_rate", "switch_horizon")
"""Keys of ``platform.*`` that describe how members choose platforms, not a platform: shared by
all platforms, so ``platform.per_platform`` may not override them."""


def platform_configs(config: ModelConfig) -> list[PlatformConfig]:
    """Each platform's settings: the shared ``platform`` defaults with its ``per_platform`` overrides."""
    shared = replace(config.platform, per_platform=[])
    overrides = list(config.platform.per_platform) + [{}] * max(
        config.n_platforms - len(config.platform.per_platform), 0
    )
    return [replace(shared, **dict(o or {})) for o in overrides[: config.n_platforms]]
