"""Strategy revision: SMBs imitate better-performing peers or learn from their own payoffs.

Each step, after exits, every alive SMB revises its strategy with probability
``adaptation.revision_rate`` (docs/ODD.md 7.27). A revising SMB

- with probability ``adaptation.exploration`` adopts a strategy drawn uniformly from the
  population's strategies (mutation; reason ``exploration``);
- otherwise, under the ``imitation`` rule, samples one peer from its neighbourhood (its sector,
  an SMB allied to one of its counterparts, or the whole population) and adopts the peer's
  strategy with probability ``min(1, max(0, P_peer - P_self) / payoff_scale)``: Schlag's
  proportional imitation, whose mean field is the replicator dynamics (reason ``imitation``);
- or, under the ``reinforcement`` rule, draws a strategy with softmax probabilities
  ``exp(A_k / temperature)`` over the smoothed payoffs ``A_k`` it has earned with each strategy
  (an untried strategy counts at its current payoff; reason ``reinforcement``).

The payoff ``P`` is the chosen performance signal (``adaptation.performance``), smoothed with
weight ``adaptation.memory`` on the current step. A switch costs ``adaptation.switching_cost``
months of fixed cost (flow ``strategy_switching``); the state the old strategy prepared is reset
(``switching_factor``), the new strategy's ``setup`` hook runs for the switchers, and their
alliances stay, to be reviewed by the new strategy's hooks from then on. Every switch is a
``strategy_switched`` event (strategy: the new one; reason: the rule and the old strategy).

Draws come from the run's ``adaptation`` stream only, so switching the mechanism on changes no
other stream's draws; with ``revision_rate`` 0 the mechanism does nothing at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.config import ModelConfig
from simulator.core.population import SMBPopulation
from simulator.core.seeds import stream
from simulator.core.vocabulary import PLATFORM_KIND

if TYPE_CHECKING:
    from simulator.model import EcosystemModel

SWITCH_REASONS: tuple[str, ...] = ("imitation", "reinforcement", "exploration")
"""Why an SMB switched strategy: it imitated a peer, its own payoffs taught it, or it explored."""
IMITATION, REINFORCEMENT, EXPLORATION = range(3)

SWITCHING_FLOW = "strategy_switching"
"""The money flow of strategy switches (a name of :data:`simulator.rules.economy.FLOWS`)."""

SWITCH_EVENT = "strategy_switched"
"""The event of a switch (:data:`simulator.core.vocabulary.EVENTS`)."""

RESET_COLUMNS: tuple[str, ...] = ("switching_factor",)
"""Per-SMB state a strategy's ``setup`` hook prepares; a switcher's is reset to a new firm's value
before the new strategy's ``setup`` runs."""


def adaptation_on(config: ModelConfig) -> bool:
    """Whether strategies evolve in a run with this configuration (``revision_rate`` > 0)."""
    return config.adaptation.revision_rate > 0


class StrategyAdaptation:
    """Each SMB's payoff record and the record of the strategy mix, for strategy revision.

    Parameters
    ----------
    model
        The model, right after its SMBs got their strategies (the initial mix is recorded).

    Attributes
    ----------
    payoff
        Each SMB's smoothed performance ``P_i`` (what imitation compares).
    attraction
        Each SMB's smoothed payoff with each strategy ``A_ik`` (reinforcement), NaN where untried.
    step_switches, total_switches
        Switches this step and over the run, by reason (:data:`SWITCH_REASONS`).
    step_out
        Switches away from each strategy this step.
    shares
        The share of each strategy among alive SMBs after each step's revisions (row 0: the start).
    """

    def __init__(self, model: EcosystemModel) -> None:
        config = model.config
        self.config = config.adaptation
        self.rng = stream(config.seed, config.replicate, "adaptation")
        self.n_strategies = len(model.strategies)
        # Strategies a firm may switch to: the population's. A plan's focal firm may follow a
        # strategy of its own (a group entrants never join); no other firm adopts it, and the
        # focal firm itself keeps the candidate it was given (docs/ODD.md 7.27).
        self.open = np.ones(self.n_strategies, dtype=bool)
        self.focal_index = model.focal_index
        if model.focal_index >= 0 and model.strategy_shares[model.smbs.strategy_id[model.focal_index]] == 0:
            self.open[model.smbs.strategy_id[model.focal_index]] = False
        self.open_ids = np.flatnonzero(self.open)
        self.payoff = np.zeros(0)
        self.income = np.zeros(0)  # last step's raw income in months of fixed cost (for growth)
        self.seen = np.zeros(0, dtype=bool)
        self.attraction = np.zeros((0, self.n_strategies))
        self.step_switches = np.zeros(len(SWITCH_REASONS), dtype=np.int64)
        self.total_switches = np.zeros(len(SWITCH_REASONS), dtype=np.int64)
        self.step_out = np.zeros(self.n_strategies, dtype=np.int64)
        self.shares: list[np.ndarray] = [strategy_shares(model)]

    # ------------------------------------------------------------------ the step
    def step(self, model: EcosystemModel) -> None:
        """Update payoffs, let revising SMBs switch strategy, record the mix (ODD 7.27)."""
        self.step_switches[:] = 0
        self.step_out[:] = 0
        self._grow(model.smbs.n)
        alive = np.flatnonzero(model.smbs.alive)
        self.observe(model, alive)
        cfg = self.config
        revising = alive[self.rng.random(len(alive)) < cfg.revision_rate]
        if len(revising):
            current = model.smbs.strategy_id[revising]
            explore = self.rng.random(len(revising)) < cfg.exploration
            explored = self.open_ids[self.rng.integers(0, len(self.open_ids), size=len(revising))]
            if cfg.rule == "imitation":
                chosen = self.imitate(model, revising, alive)
                rule = IMITATION
            else:
                chosen = self.reinforce(revising)
                rule = REINFORCEMENT
            new = np.where(explore, explored, chosen)
            reason = np.where(explore, EXPLORATION, rule)
            switching = (new != current) & (revising != self.focal_index)
            self.switch(model, revising[switching], new[switching], reason[switching], current[switching])
        self.shares.append(strategy_shares(model, alive))  # switches leave the alive set as it was

    def signal(self, model: EcosystemModel, smb_idx: np.ndarray) -> np.ndarray:
        """This step's performance of SMBs ``smb_idx``, in the unit of ``adaptation.performance``."""
        smbs = model.smbs
        scale = np.maximum(smbs.fixed_cost[smb_idx], 1e-9)
        income = smbs.net_income[smb_idx] / scale
        kind = self.config.performance
        if kind == "net_income":
            return income
        if kind == "net_income_growth":
            previous = np.where(self.seen[smb_idx], self.income[smb_idx], income)
            self.income[smb_idx] = income
            return income - previous
        if kind == "months_of_cash":
            return smbs.cash[smb_idx] / scale
        at_risk = smbs.largest_channel_share[smb_idx] * smbs.revenue[smb_idx] / scale
        return income - at_risk  # dependence_adjusted_income

    def observe(self, model: EcosystemModel, alive: np.ndarray) -> None:
        """Smooth this step's performance into each alive SMB's payoff and its current strategy's
        attraction (an SMB's first observation sets both)."""
        signal = self.signal(model, alive)
        weight = np.where(self.seen[alive], self.config.memory, 1.0)
        self.payoff[alive] += weight * (signal - self.payoff[alive])
        if self.config.rule == "reinforcement":
            current = model.smbs.strategy_id[alive]
            old = self.attraction[alive, current]
            known = ~np.isnan(old)
            self.attraction[alive, current] = np.where(
                known, old + self.config.memory * (signal - np.where(known, old, 0.0)), signal
            )
        self.seen[alive] = True

    # ------------------------------------------------------------------ the rules
    def imitate(self, model: EcosystemModel, revising: np.ndarray, alive: np.ndarray) -> np.ndarray:
        """Proportional imitation: each reviser's sampled peer's strategy where it switches, else
        its own (a reviser without a peer keeps its strategy)."""
        strategy = model.smbs.strategy_id
        peer = self.sample_peers(model, revising, alive)
        has_peer = peer >= 0
        gain = np.where(has_peer, self.payoff[np.maximum(peer, 0)] - self.payoff[revising], 0.0)
        probability = np.clip(gain / self.config.payoff_scale, 0.0, 1.0)
        adopt = has_peer & (self.rng.random(len(revising)) < probability)
        adopt &= self.open[strategy[np.maximum(peer, 0)]]
        return np.where(adopt, strategy[np.maximum(peer, 0)], strategy[revising])

    def reinforce(self, revising: np.ndarray) -> np.ndarray:
        """Softmax choice over each reviser's smoothed payoff with each strategy."""
        attraction = self.attraction[revising]
        attraction = np.where(np.isnan(attraction), self.payoff[revising, None], attraction)
        if not self.open.all():
            attraction = np.where(self.open, attraction, -np.inf)
        logits = (attraction - attraction.max(axis=1, keepdims=True)) / self.config.temperature
        weights = np.exp(logits)
        cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
        draw = self.rng.random(len(revising))
        return np.minimum((cumulative < draw[:, None]).sum(axis=1), self.n_strategies - 1)

    def sample_peers(self, model: EcosystemModel, revising: np.ndarray, alive: np.ndarray) -> np.ndarray:
        """One peer per reviser from its neighbourhood, never itself; -1 where it has none."""
        where = self.config.neighbourhood
        if where == "alliance":
            return self._alliance_peers(model, revising)
        group = model.smbs.sector[alive] if where == "sector" else np.zeros(len(alive), dtype=np.int64)
        return _peer_in_group(alive, group, np.searchsorted(alive, revising), self.rng)

    def _alliance_peers(self, model: EcosystemModel, revising: np.ndarray) -> np.ndarray:
        """A peer allied to a counterpart of the reviser: pick one of the reviser's active
        alliances at random, then another active alliance of that counterpart at random."""
        ledger = model.ledger
        ids = ledger.active_ids
        smb = ledger.smb[ids]
        counterpart = ledger.counterpart[ids] + np.where(ledger.kind[ids] == PLATFORM_KIND, model.partners.n, 0)
        by_smb = np.argsort(smb, kind="stable")
        held = np.bincount(smb, minlength=model.smbs.n)
        start = np.concatenate([[0], np.cumsum(held)])[revising]
        count = held[revising]
        pick = np.floor(self.rng.random(len(revising)) * count).astype(np.int64)
        peer = np.full(len(revising), -1, dtype=np.int64)
        holds = count > 0
        own = by_smb[start[holds] + pick[holds]]  # position in ids of the reviser's chosen alliance
        peer_of_holders = _peer_in_group(np.arange(len(ids)), counterpart, own, self.rng, members_of=smb)
        peer[holds] = peer_of_holders
        return peer

    # ------------------------------------------------------------------ switching
    def switch(
        self, model: EcosystemModel, smb_idx: np.ndarray, new: np.ndarray, reason: np.ndarray, old: np.ndarray
    ) -> None:
        """Switch SMBs ``smb_idx`` to strategies ``new``: pay the switching cost, reset what the old
        strategy prepared, run the new strategy's ``setup``, and log each switch."""
        if len(smb_idx) == 0:
            return
        smbs = model.smbs
        model.spend(smb_idx, self.config.switching_cost * smbs.fixed_cost[smb_idx], SWITCHING_FLOW)
        for column in RESET_COLUMNS:
            getattr(smbs, column)[smb_idx] = SMBPopulation.COLUMNS[column].fill
        smbs.strategy_id[smb_idx] = new
        for sid, strategy in enumerate(model.strategies):
            members = smb_idx[new == sid]
            if len(members):
                strategy.setup(model, members)
        names = np.array([s.name for s in model.strategies], dtype=object)
        labels = np.array(SWITCH_REASONS, dtype=object)[reason] + " from " + names[old]
        model.events.record_smb_event(model.steps, SWITCH_EVENT, smb_idx, labels, smbs.uid[smb_idx])
        self.step_out += np.bincount(old, minlength=self.n_strategies)
        counts = np.bincount(reason, minlength=len(SWITCH_REASONS))
        self.step_switches += counts
        self.total_switches += counts

    def _grow(self, n: int) -> None:
        """Extend the per-SMB arrays to ``n`` SMBs (entrants are unseen)."""
        extra = n - len(self.payoff)
        if extra <= 0:
            return
        self.payoff = np.concatenate([self.payoff, np.zeros(extra)])
        self.income = np.concatenate([self.income, np.zeros(extra)])
        self.seen = np.concatenate([self.seen, np.zeros(extra, dtype=bool)])
        self.attraction = np.concatenate([self.attraction, np.full((extra, self.n_strategies), np.nan)])


def _peer_in_group(
    items: np.ndarray,
    group: np.ndarray,
    own: np.ndarray,
    rng: np.random.Generator,
    members_of: np.ndarray | None = None,
) -> np.ndarray:
    """For each position ``own`` in ``items``, another item of the same group drawn uniformly
    (``members_of[item]`` of it when given, else the item itself); -1 where the group has no other.

    The items are stably sorted by group; a draw among the group's other ``size - 1`` positions
    skips the own one.
    """
    order = np.argsort(group, kind="stable")
    rank = np.empty(len(items), dtype=np.int64)
    rank[order] = np.arange(len(items))
    size = np.bincount(group, minlength=int(group.max()) + 1 if len(group) else 0)
    start = np.concatenate([[0], np.cumsum(size)])
    g = group[own]
    others = size[g] - 1
    offset = np.floor(rng.random(len(own)) * np.maximum(others, 0)).astype(np.int64)
    own_offset = rank[own] - start[g]
    offset += offset >= own_offset
    chosen = items[order[np.minimum(start[g] + offset, len(items) - 1)]]
    if members_of is not None:
        chosen = members_of[chosen]
    return np.where(others > 0, chosen, -1)


def strategy_shares(model: EcosystemModel, smb_idx: np.ndarray | None = None) -> np.ndarray:
    """Share of each strategy of the population among the alive SMBs (of ``smb_idx`` if given);
    zeros when none is alive."""
    alive = np.flatnonzero(model.smbs.alive) if smb_idx is None else smb_idx
    counts = np.bincount(model.smbs.strategy_id[alive], minlength=len(model.strategies))
    return counts / max(len(alive), 1)
