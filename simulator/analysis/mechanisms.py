"""Which mechanisms the default ecosystem runs, and which preset turns on the others.

Each :class:`Mechanism` names the parameter(s) that switch it, the evidence that it acted in a
run (an event of :mod:`simulator.core.events` with its reason, or a summary metric above 0),
and whether it acts in a default run. A mechanism that does not act at the defaults says why
and names the command-line overrides (a scenario, strategy or shock preset) that make it act.
The README and docs/ODD.md tables are generated from :data:`MECHANISMS`
(:mod:`simulator.analysis.docs`), and ``tests/test_defaults.py`` runs the default ecosystem and
every preset to check each claim. Rare mechanisms (outages, about 1.2 per default run of two
platforms and ten years; credit drawn) need not act in every replicate: a default run's claim is
checked over the replicates of :data:`DEFAULT_SEEDS` together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.config.parameters import parameter
from simulator.core.vocabulary import EVENTS
from simulator.observe.metrics import METRICS
from simulator.run.runner import RunResult

DEFAULT_SEEDS: tuple[int, ...] = (0, 1)
"""Seeds over which a mechanism said to act at the defaults must act at least once."""


@dataclass(frozen=True)
class Mechanism:
    """A mechanism, its switch, the evidence that it acted, and where it acts."""

    name: str
    what: str
    """What it does, in one sentence."""
    switch: tuple[str, ...]
    """The dotted parameter keys that switch or scale it."""
    event: str = ""
    """Evidence: an event kind (:data:`simulator.core.vocabulary.EVENTS`) ..."""
    reason: str = ""
    """... with this reason (any reason if empty) ..."""
    metric: str = ""
    """... or a summary metric (``flows.<part>`` for a flow) that is above 0 when it acted."""
    at_defaults: bool = True
    """Whether it acts in a default run."""
    why_off: str = ""
    """Why it does not act at the defaults (required when ``at_defaults`` is False)."""
    preset: tuple[str, ...] = ()
    """Command-line overrides that make it act (required when ``at_defaults`` is False)."""

    def __post_init__(self) -> None:
        if (self.event == "") == (self.metric == ""):
            raise ValueError(f"mechanism {self.name}: give exactly one of event and metric as evidence")
        if self.event and self.event not in EVENTS:
            raise ValueError(f"mechanism {self.name}: unknown event {self.event!r}")
        if not self.at_defaults and not (self.why_off and self.preset):
            raise ValueError(f"mechanism {self.name}: off at the defaults, so say why and name a preset")
        for key in self.switch:
            parameter(key)  # raises KeyError for a key the schema does not define

    @property
    def evidence(self) -> str:
        """The evidence as the docs write it."""
        if self.metric:
            return f"summary `{self.metric}` > 0"
        return f"event `{self.event}`" + (f", reason `{self.reason}`" if self.reason else "")

    def acted(self, result: RunResult) -> bool:
        """Whether the run ``result`` shows the evidence that this mechanism acted."""
        if self.metric:
            return _metric(result.summary, self.metric) > 0
        events = result.events
        hit = events.event == self.event
        if self.reason:
            hit &= events.reason == self.reason
        return bool(hit.any())


def _metric(summary: dict[str, Any], name: str) -> float:
    """A summary metric's value; 0 for one the run does not report (a metric reported only by runs
    whose mechanism is on, such as ``mean_imitated_edge``)."""
    top = name.split(".")[0]
    if top not in summary and top in METRICS and METRICS[top].when is not None:
        return 0.0
    value: Any = summary
    for part in name.split("."):
        value = value[part]
    return float(value)


def events_seen(result: RunResult) -> set[tuple[str, str]]:
    """The (event, reason) pairs of a run; market events (outages, entries, shocks) by kind only."""
    events = result.events
    market = events.alliance_id < 0
    pairs = {(str(e), str(r)) for e, r in zip(events.event[~market], events.reason[~market], strict=True)}
    return pairs | {(str(e), "") for e in events.event[market].unique()}


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism(
        "fee governance",
        "Every `governance_interval` steps a lock-in-responsive platform raises its fee by `fee_step` while its "
        "members' mean switching cost exceeds `lock_in_threshold` months, and lowers it otherwise (7.22).",
        ("platform.governance", "platform.fee_step"),
        event="renegotiated",
        reason="governance",
    ),
    Mechanism(
        "data capture",
        "Platforms accumulate members' data in proportion to the information-sharing terms; data held raises "
        "switching costs by up to `data_lock_in` months (7.22).",
        ("platform.data_capture", "platform.data_lock_in"),
        metric="mean_data_held",
    ),
    Mechanism(
        "platform outages",
        "A platform goes down at random for `outage_steps` steps and sells nothing meanwhile (7.22).",
        ("platform.outage_rate",),
        event="platform_outage",
    ),
    Mechanism(
        "exogenous alliance dissolution",
        "Alliances end for reasons outside the model (a partner's change of strategy or owner), without exit "
        "cost (7.13).",
        ("alliance.base_hazard",),
        event="dissolved",
        reason="base_hazard",
    ),
    Mechanism(
        "platform revisits",
        "Members re-evaluate their platform and switch, paying the switching cost, when a rival is worth more (7.25).",
        ("platform.revisit_rate",),
        event="dissolved",
        reason="switched_platform",
    ),
    Mechanism(
        "alliance reviews",
        "Committed alliances delivering less than `dissolve_threshold` of their forecast dissolve at review (7.12).",
        ("alliance.dissolve_threshold", "alliance.review_interval"),
        event="dissolved",
        reason="underperforming",
    ),
    Mechanism(
        "alliance costs",
        "Each alliance costs its SMB a management cost (a share of fixed cost, convex in the number held) and a "
        "setup cost at formation that the forecast must pay back; values are net of them (7.4, 7.6).",
        ("alliance.coordination_cost", "alliance.attention_cost", "alliance.setup_cost"),
        metric="flows.alliance_management",
    ),
    Mechanism(
        "renegotiation",
        "At review a partner alliance's revenue share moves toward the bargaining-power share (7.12).",
        ("alliance.renegotiation_speed",),
        event="renegotiated",
        reason="partner_power",
    ),
    Mechanism(
        "partner failure",
        "Partners fail or exit at random and their alliances end (7.14).",
        ("partner.failure_hazard",),
        event="partner_failed",
        reason="partner_exit",
    ),
    Mechanism(
        "cash-flow failure",
        "An SMB below its liquidity floor for longer than the grace period fails (7.15).",
        ("smb.grace_steps",),
        event="smb_failed",
        reason="cash_flow",
    ),
    Mechanism(
        "owner exit",
        "Owners close or sell an SMB for reasons outside the model (7.24).",
        ("smb.exit_hazard",),
        event="smb_failed",
        reason="owner_exit",
    ),
    Mechanism(
        "credit lines",
        "Support-service alliances give a credit line the SMB draws when short of cash, at interest (7.6).",
        ("partner.support_service_share", "alliance.credit_months"),
        metric="flows.credit_interest",
    ),
    Mechanism(
        "switching costs paid",
        "An SMB that leaves a platform pays its switching cost (7.25).",
        ("platform.switching_cost_base", "platform.switching_cost_growth"),
        metric="flows.switching_costs",
    ),
    Mechanism(
        "pilots",
        "An alliance starts at `pilot_scope` and commits only if its realized value reaches `commit_threshold` "
        "of the forecast (7.11).",
        ("alliance.pilot_steps",),
        event="pilot_committed",
        at_defaults=False,
        why_off="Piloting is a strategy (source 003's phased approach), not a market norm: the default "
        "opportunistic SMBs commit at once.",
        preset=("strategy=phased",),
    ),
    Mechanism(
        "platform sector entry",
        "A platform holding enough data on a sector's members enters it with its own offer and takes part of their "
        "reach through it (7.22).",
        ("platform.entry_threshold", "platform.data_capture"),
        event="platform_entry",
        at_defaults=False,
        why_off="At the modest default capture the mean data held on a sector's members stays below "
        "`entry_threshold` within ten years; entry is the end point of a data-hungry dominant platform.",
        preset=("scenario=platform_lockin_fee_hike", "twin=false"),
    ),
    Mechanism(
        "delisting",
        "A platform removes members and bars them from rejoining for a while (7.20).",
        ("shocks",),
        event="dissolved",
        reason="delisted",
        at_defaults=False,
        why_off="Delisting is a scheduled shock, and the default run has no shock.",
        preset=("shock=delisting",),
    ),
    Mechanism(
        "knowledge appropriation",
        "The learning race both ways: what a partner has learned of the SMB's capability edge raises its "
        "bargaining power and what the SMB has learned of the partner's edge lowers it, so the SMB's share is "
        "renegotiated against both (7.28).",
        ("alliance.appropriation_leverage",),
        event="renegotiated",
        reason="appropriation",
        at_defaults=False,
        why_off="Its effect on survival, growth and cash is within seed noise even at full leverage (alliances last "
        "about 14 months, too short for partners to learn much), and how far learning turns into bargaining power is "
        "an assumption no source quantifies. The stylized facts still hold with it on (leverage 0.5, 7.28), but it "
        "would shift every default run for no effect a run can show.",
        preset=("scenario=learning_race",),
    ),
    Mechanism(
        "imitation under rivalry",
        "Partners that learned an SMB's capability edge replicate it and take part of its direct reach, for good "
        "(7.29).",
        ("alliance.imitation_rivalry",),
        metric="mean_imitated_edge",
        at_defaults=False,
        why_off="How much of its own customers an SMB loses to partners that copy it depends on how intense the "
        "rivalry in its market is, which no source quantifies; it moves dependence (revenue at risk) by about 0.02 "
        "between guardians and the baseline but not survival beyond seed noise (7.29).",
        preset=("scenario=rivalry",),
    ),
    Mechanism(
        "influence voice",
        "A lock-in-responsive platform counts influential members as less captive, so their voice can turn a fee "
        "hike into a cut for every member (7.22).",
        ("platform.influence_voice",),
        event="renegotiated",
        reason="voice",
        at_defaults=False,
        why_off="Only ecosystem-influence SMBs build influence (the default SMBs are opportunistic), and how far "
        "influence counts against lock-in is an assumption no source quantifies.",
        preset=("scenario=sellers_organize",),
    ),
    Mechanism(
        "bargained platform fees",
        "A member's ecosystem influence bargains its own platform fee down, at joining and at each fee decision "
        "(7.22).",
        ("platform.fee_bargaining",),
        event="renegotiated",
        reason="influence",
        at_defaults=False,
        why_off="Only ecosystem-influence SMBs build influence (the default SMBs are opportunistic), and how far "
        "influence bargains a platform's fee is an assumption no source quantifies; its effect shows only over "
        "ten years (7.18). Its evidence (a repricing at an unchanged fee) shows where fees are fixed; under "
        "governance that moves the fee the repricings are logged as `governance`.",
        preset=("strategy=ecosystem_influence", "platform.fee_bargaining=1", "platform.governance=fixed"),
    ),
    Mechanism(
        "internalization",
        "A capability-building SMB ends an alliance once it has learned what the partner brought (7.18).",
        ("strategy",),
        event="dissolved",
        reason="internalized",
        at_defaults=False,
        why_off="A strategy's own rule (capability_building); the default SMBs are opportunistic.",
        preset=("strategy=capability_building",),
    ),
    Mechanism(
        "scheduled shocks",
        "Demand drops, partner failures, fee hikes, outages, credit squeezes and policy changes at a given step "
        "(7.20).",
        ("shocks",),
        event="shock",
        at_defaults=False,
        why_off="The default run is the baseline against which shocks are measured (its no-shock twin).",
        preset=("shock=demand_drop",),
    ),
    Mechanism(
        "strategy adaptation",
        "SMBs revise their strategy: they imitate better-performing peers or learn from their own payoffs, and "
        "switch at a cost (7.27).",
        ("adaptation.revision_rate",),
        event="strategy_switched",
        at_defaults=False,
        why_off="Each SMB keeps the strategy it was given unless strategy revision is asked for; the default "
        "population has a single strategy, among which nothing can evolve.",
        preset=("scenario=strategies_evolve_fee_hike", "twin=false"),
    ),
)
"""The mechanisms, those acting at the defaults first."""
