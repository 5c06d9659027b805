"""The ecosystem model: SMBs, partner firms and platforms forming and dissolving alliances.

Read :meth:`EcosystemModel.step` for the schedule. Each line calls one mechanism module that
updates the role arrays of :mod:`simulator.core.population` and the shared
:class:`~simulator.core.ledger.AllianceLedger` for all firms at once.
"""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import Any

import mesa
import numpy as np
from mesa.agent import AgentSet

from simulator.agents import SMB, PartnerFirm, Platform, Roster, reserve_unique_ids
from simulator.config import ModelConfig, apply_design
from simulator.config.keywords import config_from_keywords
from simulator.core.events import EventLog
from simulator.core.ledger import AllianceLedger
from simulator.core.market import Market
from simulator.core.population import PartnerPopulation, PlatformPopulation, SMBPopulation, apportion
from simulator.core.seeds import STREAMS, stream
from simulator.observe.firm_history import FirmHistory
from simulator.observe.focal import FocalRecord
from simulator.observe.metrics import METRICS, step_metrics, strategy_step_rows
from simulator.observe.registry import STEP, STRATEGY_STEP, Scope
from simulator.rules.adaptation import StrategyAdaptation, adaptation_on
from simulator.rules.demography import enter_smbs, exit_smbs
from simulator.rules.economy import booked_flows, trade
from simulator.rules.failure import fail_partners, fail_smbs
from simulator.rules.focal import place_focal
from simulator.rules.formation import form_alliances
from simulator.rules.learning import adopt_automation, transfer_knowledge, update_trust
from simulator.rules.platform_choice import revisit_platforms
from simulator.rules.platforms import capture_data, govern_fees, update_availability
from simulator.rules.review import review_alliances
from simulator.shocks import ShockSchedule
from simulator.strategies import Strategy, build_population, make_strategy
from simulator.validation import validate


class EcosystemModel(mesa.Model):
    """Agent-based model of an SMB ecosystem with alliances, partners and platforms.

    Parameters
    ----------
    config
        The run's configuration; validated on construction (raises
        :class:`~simulator.errors.ConfigError`). Defaults to :class:`ModelConfig()`.
    **keywords
        Parameters set on top of ``config``, as Mesa models take them (so ``mesa.batch_run``
        can sweep them): ``n_smbs=100``, ``seed=3``, ``strategy="diversification"``,
        ``platform_fee=0.2`` or ``**{"platform.fee": 0.2}`` (spellings in
        :mod:`simulator.config.keywords`). An unknown keyword raises ``ConfigError`` naming it.

    Notes
    -----
    The DataCollector holds the state at construction as step 0 (before any month is
    simulated), then one row per step; ``running`` turns False once ``config.steps`` steps are
    done, so Mesa's ``batch_run`` and visualisation stop at the configured horizon.

    Attributes
    ----------
    smbs, partners, platforms
        Role arrays (see :mod:`simulator.core.population`).
    ledger
        Every alliance ever formed.
    events
        The lifecycle event log.
    strategies
        The strategies in use; ``smbs.strategy_id`` indexes this list.
    flows
        Money flows summed over the run, by kind (see :data:`simulator.rules.economy.FLOWS`).
    adaptation
        Strategy revision's state and record
        (:class:`~simulator.rules.adaptation.StrategyAdaptation`), or None where strategies do not
        evolve (``adaptation.revision_rate`` 0).
    smb_agents, partner_agents
        The SMBs' and partners' Mesa agents by row, made when first asked for
        (:class:`~simulator.agents.Roster`): ``model.smb_agents[i]`` is the agent of the alive
        SMB in row ``i`` of ``smbs`` (a mapping over the alive firms' rows). ``agents``,
        ``agents_by_type`` and ``agent_types`` make every alive firm's agent before answering:
        ``agents_by_type[SMB]`` lists the alive SMBs in row order; ``agents`` lists the platforms
        first, then the firms in the order their agents were made.
    platform_agents
        The platforms' Mesa agents, by row of ``platforms``.
    history
        Each SMB's revenue, net income and survival by step
        (:class:`~simulator.observe.firm_history.FirmHistory`); kept only when shocks are
        scheduled (per-firm resilience is measured on it) or for a run's no-shock twin
        (``history.keep = True`` before stepping), since at a million SMBs it takes gigabytes.
    datacollector
        Mesa DataCollector with one model reporter per column of ``timeseries.parquet`` and the
        table ``by_strategy`` (``timeseries_by_strategy.parquet``); both column lists come from
        the metric registry (:data:`simulator.observe.metrics.METRICS`).
    """

    def __init__(self, config: ModelConfig | None = None, **keywords: Any) -> None:
        if keywords:
            config = config_from_keywords(config, **keywords)
        config = apply_design(config if config is not None else ModelConfig())
        validate(config)
        super().__init__(rng=np.random.SeedSequence(config.seed, spawn_key=(config.replicate, STREAMS["model"])))
        self.config = config
        population = build_population(config.strategy)
        self.strategies: list[Strategy] = [strategy for strategy, _ in population]
        self.strategy_label = config.strategy["name"]

        # Child streams of the run's SeedSequence: shocks draw from their own, and the market's
        # exogenous demand path from its own, so that a no-shock twin meets the same demand and
        # matches the shocked run exactly until the first shock (common random numbers).
        self.shock_rng = stream(config.seed, config.replicate, "shocks")
        self.shocks = ShockSchedule.build(config)
        self.market = Market(
            config.market,
            stream(config.seed, config.replicate, "market"),
            stream(config.seed, config.replicate, "entrant_demand"),
            config.n_smbs,
            stream(config.seed, config.replicate, "focal") if config.focal.enabled else None,
        )
        self.smbs = SMBPopulation(config, self.rng, stream(config.seed, config.replicate, "firm_ages"))
        self.partners = PartnerPopulation(config, self.rng)
        self.platforms = PlatformPopulation(config)
        self.strategy_shares = np.array([share for _, share in population])
        self.smbs.strategy_id[:] = apportion(self.smbs.n, self.strategy_shares, self.rng)
        self.smbs.uid[:] = reserve_unique_ids(self, self.smbs.n)
        self.partners.uid[:] = reserve_unique_ids(self, self.partners.n)
        self.smb_agents: Roster[SMB] = Roster(self, SMB)
        self.partner_agents: Roster[PartnerFirm] = Roster(self, PartnerFirm)
        self.platform_agents = [Platform(self, i) for i in range(self.platforms.n)]
        self.platforms.uid[:] = [a.unique_id for a in self.platform_agents]

        for sid, strategy in enumerate(self.strategies):
            strategy.setup(self, np.flatnonzero(self.smbs.strategy_id == sid))

        self.ledger = AllianceLedger(
            n_counterparts=self.partners.n + self.platforms.n,
            n_partners=self.partners.n,
            capacity=4 * self.smbs.n,
        )
        focal_sid = self._focal_strategy() if config.focal.enabled else -1
        self.events = EventLog(self.ledger, lambda: self.smbs.strategy_id, [s.name for s in self.strategies])
        self.focal_index = -1
        self.focal: FocalRecord | None = None
        if focal_sid >= 0:
            self._place_focal(focal_sid)
        self.flows: Counter[str] = Counter({name: 0.0 for name in booked_flows(adaptation_on(config))})
        self.last_metrics: dict[str, Any] = {}
        self.stockouts = 0  # supply-chain deliveries missed in the last step
        self.platform_switches = 0  # SMBs that switched platform in the last step
        self.history = FirmHistory(keep=bool(self.config.shocks))  # for per-firm resilience
        self.adaptation = StrategyAdaptation(self) if adaptation_on(config) else None

        self.datacollector = mesa.DataCollector(
            model_reporters={c: partial(_read_metric, c) for c in METRICS.columns(STEP, self.platforms.n, config)},
            tables={"by_strategy": METRICS.columns(STRATEGY_STEP, self.platforms.n, config)},
        )
        self.observe()  # the initial state, as step 0
        if self.focal is not None:
            self.focal.record(self)

    # ------------------------------------------------------------------ the schedule
    def step(self) -> None:
        """Advance the ecosystem by one month."""
        self.ledger.start_step()
        self.events.start_step()
        self.market.advance()
        self.shocks.advance(self)
        update_availability(self)
        fail_partners(self)
        enter_smbs(self)
        form_alliances(self)
        trade(self)
        self.invest()
        capture_data(self)
        transfer_knowledge(self)
        adopt_automation(self)
        update_trust(self)
        review_alliances(self)
        revisit_platforms(self)
        govern_fees(self)
        fail_smbs(self)
        exit_smbs(self)
        if self.adaptation is not None:
            self.adaptation.step(self)
        self.history.record(self)
        self.observe()
        if self.focal is not None:
            self.focal.record(self)
        if self.steps >= self.config.steps:
            self.running = False

    def observe(self) -> None:
        """Record the current step's metrics in the DataCollector (and ``last_metrics``)."""
        scope = Scope(self)  # one for both tables: what they share is computed once
        self.last_metrics = step_metrics(self, scope)
        self.datacollector.collect(self)
        for row in strategy_step_rows(self, scope):
            self.datacollector.add_table_row("by_strategy", row)

    def invest(self) -> None:
        """Let each strategy group make its strategic investments."""
        for strategy, members in zip(self.strategies, self.smbs.alive_groups(len(self.strategies)), strict=True):
            if len(members):
                strategy.invest(self, members)

    def spend(self, smb_idx: np.ndarray, amounts: np.ndarray, flow: str = "strategy_investment") -> None:
        """Take ``amounts`` of cash from SMBs ``smb_idx`` (distinct) and book it as ``flow``."""
        self.smbs.cash[smb_idx] -= amounts
        self.flows[flow] += float(np.sum(amounts))

    def run(self, steps: int | None = None) -> None:
        """Run ``steps`` steps (default: ``config.steps``)."""
        for _ in range(self.config.steps if steps is None else steps):
            self.step()

    # ------------------------------------------------------------------ the focal firm
    def _focal_strategy(self) -> int:
        """The strategy group of the focal firm: the population's group of the same strategy with
        the same parameters if there is one, else a new group that entrants never join (share 0;
        labelled ``<name> (focal)`` if the population has the strategy with other parameters)."""
        strategy = make_strategy(self.config.focal.strategy, "focal.strategy")
        for sid, other in enumerate(self.strategies):
            if other.name == strategy.name and other.params == strategy.params:
                return sid
        if any(other.name == strategy.name for other in self.strategies):
            strategy.name = f"{strategy.name} (focal)"
        self.strategies.append(strategy)
        self.strategy_shares = np.append(self.strategy_shares, 0.0)
        return len(self.strategies) - 1

    def _place_focal(self, strategy_id: int) -> None:
        """Put the focal firm into the ecosystem (:func:`simulator.rules.focal.place_focal`)."""
        i = self.smbs.add_row()
        self.platforms.add_smbs(1)
        self.smbs.uid[i] = reserve_unique_ids(self, 1)[0]
        place_focal(self, i, strategy_id)
        self.strategies[strategy_id].setup(self, np.array([i]))
        self.focal_index = i
        self.focal = FocalRecord(i)

    # ------------------------------------------------------------------ agent bookkeeping
    @property
    def agents(self) -> AgentSet:
        """Every agent of the model (Mesa's ``Model.agents``), alive SMBs' and partners' made first."""
        self._make_firm_agents()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], AgentSet]:
        """Mesa's agent sets by class (``model.agents_by_type[SMB]``), alive firms' agents made first."""
        self._make_firm_agents()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """Mesa's agent classes of the model, alive firms' agents made first."""
        self._make_firm_agents()
        return super().agent_types

    def _make_firm_agents(self) -> None:
        """Make the agents of the alive SMBs and partners that have none yet."""
        self.smb_agents.make_all()
        self.partner_agents.make_all()

    def remove_partners(self, slots: np.ndarray) -> None:
        """Remove the partners' agents (if made) and mark their slots empty."""
        self.partner_agents.release(slots)
        self.partners.alive[slots] = False

    def refill_partners(self, slots: np.ndarray) -> None:
        """New entrants of the slots' roles take the empty slots, each with a new ``unique_id``."""
        self.partner_agents.release(slots)  # an agent made for the slot's previous firm goes
        self.partners.renew(slots, self.rng)
        self.partners.return_step[slots] = -1
        self.partners.entered_step[slots] = self.steps
        self.partners.uid[slots] = reserve_unique_ids(self, len(slots))

    def remove_smbs(self, indices: np.ndarray) -> None:
        """Remove exited SMBs' agents from the model, if made, and let them go (their array rows
        stay, marked dead)."""
        self.smb_agents.release(indices)

    def add_smbs(self, k: int) -> np.ndarray:
        """Let ``k`` new SMBs enter now; return their indices.

        Every SMB-sized array grows (amortized), each entrant draws its state
        (:meth:`SMBPopulation.enter`) and then its strategy with the population's strategy
        shares, gets a new Mesa ``unique_id`` (its agent is made when asked for), and its
        strategy's ``setup`` hook runs for it.
        """
        rows = self.smbs.enter(k, self.rng, self.steps, float(np.exp(self.market.log_trend)))
        self.platforms.add_smbs(k)
        self.smbs.strategy_id[rows] = self.rng.choice(len(self.strategy_shares), size=k, p=self.strategy_shares)
        self.smbs.uid[rows] = reserve_unique_ids(self, k)
        indices = np.arange(rows.start, rows.stop)
        for sid, strategy in enumerate(self.strategies):
            members = indices[self.smbs.strategy_id[rows] == sid]
            if len(members):
                strategy.setup(self, members)
        return indices


def _read_metric(name: str, model: EcosystemModel) -> Any:
    """DataCollector reporter body: one metric of the current step."""
    return model.last_metrics[name]
