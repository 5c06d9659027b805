"""The Mesa agents: one object per SMB, partner firm and platform.

Each agent is a readable view onto its row of the role arrays in
:mod:`simulator.core.population`; the rules that change those arrays live in the mechanism modules
(:mod:`simulator.core.market`, :mod:`simulator.rules.formation`, :mod:`simulator.rules.economy`,
:mod:`simulator.rules.learning`, :mod:`simulator.rules.review`, :mod:`simulator.rules.failure`) so that they run
vectorized over all firms of a role at once. Use the agents to inspect a single firm, e.g. in a
notebook or the dashboard::

    smb = model.agents_by_type[SMB].select(lambda a: a.cash < 0)[0]
    smb.revenue_by_channel()
    model.smb_agents[17].portfolio()  # the SMB in row 17 of model.smbs

SMBs and partners get their agents when first asked for (:class:`Roster`): a firm draws its
``unique_id`` from Mesa's counter when it enters (:func:`reserve_unique_ids`), so ids are handed
out in the same order as if each firm got its agent at once, but the agent, about 490 bytes with
its entries in Mesa's registry, is made only when a reader asks (``model.agents``,
``model.agents_by_type``, ``model.smb_agents[i]``) and is let go when its firm leaves. A run
nobody inspects holds no SMB or partner agents at all (at 1,000,000 SMBs x 120 steps that took
the peak resident memory from 3.44 to 2.78 GB, ``benchmarks/memory.py``).

Mesa 3.3 keeps each model's id counter in ``mesa.Agent._ids``, a class-level ``defaultdict``
keyed by the model, so every model made in a process stays in memory with all its arrays
(Mesa issue #3179, fixed in later Mesa by PR #3180). Importing this module replaces that dict by
:class:`ModelIdCounters`, keyed weakly, so a finished model is freed when its last reader lets go
of it: calibration, planning and packed replicates run many models in one process.
"""

from __future__ import annotations

import itertools
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar, TypeVar

import mesa
import numpy as np
from mesa.agent import AgentSet

from simulator.core.vocabulary import ALLIANCE_TYPES, CAPABILITIES, COUNTERPART_KINDS

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


class ModelIdCounters(weakref.WeakKeyDictionary):
    """Each model's ``unique_id`` counter (from 1), held only as long as the model lives.

    Stands in for Mesa 3.3's ``mesa.Agent._ids`` (a ``defaultdict`` of ``itertools.count(1)``
    that holds every model for the life of the process): the same counter per model, without the
    strong reference.
    """

    def __getitem__(self, model: mesa.Model) -> itertools.count:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = self[model] = itertools.count(1)
            return counter


def _release_finished_models() -> None:
    """Put :class:`ModelIdCounters` in place of Mesa 3.3's strong per-model counter dict."""
    counters = getattr(mesa.Agent, "_ids", None)
    if isinstance(counters, weakref.WeakKeyDictionary):  # already in place (also by another copy)
        return
    if not isinstance(counters, defaultdict):
        raise ImportError(
            f"simulator needs Mesa 3.3's per-model id counters (mesa.Agent._ids), found {type(counters).__name__}: "
            "install mesa>=3.3,<3.4"
        )
    weak = ModelIdCounters()
    weak.update(counters)
    mesa.Agent._ids = weak


_release_finished_models()


def reserve_unique_ids(model: mesa.Model, k: int) -> np.ndarray:
    """Draw ``k`` ``unique_id`` values from Mesa's agent counter, as ``k`` new agents would.

    The counter (``mesa.Agent._ids[model]``, Mesa 3.3) is the one every agent of the model draws
    from, so firms whose agents are made later (:class:`Roster`) and agents made at once (the
    platforms) share one sequence of ids.
    """
    return np.fromiter(itertools.islice(mesa.Agent._ids[model], k), dtype=np.int64, count=k)


class FirmAgent(mesa.Agent):
    """The agent of a firm that enters and leaves during a run (an SMB or a partner): a view onto
    row ``index`` of its role's arrays, whose ``uid`` column holds the ``unique_id`` the firm drew
    when it entered (:func:`reserve_unique_ids`). Made by its role's :class:`Roster`.

    Parameters
    ----------
    model
        The model the firm belongs to.
    index
        Its row in the role's arrays.
    """

    model: EcosystemModel
    role_arrays: ClassVar[str]
    """Name of the model attribute holding the role's arrays."""

    def __init__(self, model: EcosystemModel, index: int) -> None:
        # Not mesa.Agent.__init__, which would draw another unique_id from the counter.
        self.model = model
        self.unique_id = int(getattr(model, self.role_arrays).uid[index])
        self.pos = None
        self.index = index
        model.register_agent(self)


AgentT = TypeVar("AgentT", bound=FirmAgent)


class Roster(Mapping[int, AgentT]):
    """The Mesa agents of one role's firms by row, made when first asked for, let go when a firm
    leaves.

    A mapping from the rows of the role's alive firms to their agents: ``roster[i]`` is the agent
    of row ``i`` (made now if it was not yet; KeyError if the firm has left, its row keeping its
    last state; IndexError if there is no such row), ``len(roster)`` the number of alive firms,
    ``iter(roster)`` their rows in order and ``roster.values()`` their agents. Holding an agent per
    firm costs about 490 bytes (measured over 200,000 agents with tracemalloc: the object with its
    attributes and list slot 176, its entry in the model's agent dict 52, in each of Mesa's two
    weak-keyed agent sets 132), and making and removing one about 2.2 µs each; the rules never
    need them, so a run nobody inspects makes none (:attr:`n_made`).

    Parameters
    ----------
    model
        The model the firms belong to.
    agent_type
        The role's agent class.
    """

    def __init__(self, model: EcosystemModel, agent_type: type[AgentT]) -> None:
        self.model = model
        self.agent_type = agent_type
        self._made: dict[int, AgentT] = {}
        self._has_agent = np.zeros(0, dtype=bool)  # by row: whether the firm's agent is made
        self._last_row = -1  # the highest row whose agent was made: rows made later past it keep
        self._in_row_order = True  # Mesa's set of the role in row order, as make_all leaves it
        # Mesa's set of the role exists from the start, empty until agents are made, as when
        # every firm had an agent: model.agents_by_type[SMB] is empty, not missing, once all left
        by_type = mesa.Model.agents_by_type.fget(model)
        by_type.setdefault(agent_type, AgentSet([], random=model.random))

    def _alive(self) -> np.ndarray:
        return getattr(self.model, self.agent_type.role_arrays).alive

    def __getitem__(self, index: int) -> AgentT:
        """The agent of the firm in row ``index``, made now if it was not yet."""
        index = int(index)
        agent = self._made.get(index)
        if agent is None:
            alive = self._alive()
            if not 0 <= index < len(alive):
                raise IndexError(f"no {self.agent_type.__name__} in row {index} (rows 0 to {len(alive) - 1})")
            if not alive[index]:
                raise KeyError(f"{self.agent_type.__name__} {index} has left the model")
            agent = self._make(index)
        return agent

    def _made_rows(self, n_rows: int) -> np.ndarray:
        """The by-row flags of made agents, grown to ``n_rows`` rows as firms entered."""
        if len(self._has_agent) < n_rows:
            self._has_agent = np.concatenate([self._has_agent, np.zeros(n_rows - len(self._has_agent), dtype=bool)])
        return self._has_agent

    def _make(self, index: int) -> AgentT:
        agent = self._made[index] = self.agent_type(self.model, index)
        self._made_rows(index + 1)[index] = True
        if index < self._last_row:
            self._in_row_order = False
        self._last_row = max(self._last_row, index)
        return agent

    def __len__(self) -> int:
        """Number of alive firms of the role."""
        return int(np.count_nonzero(self._alive()))

    def __iter__(self) -> Iterator[int]:
        """Rows of the alive firms, in order."""
        return iter(np.flatnonzero(self._alive()).tolist())

    def __contains__(self, index: object) -> bool:
        """Whether ``index`` is the row of an alive firm (no agent is made to answer)."""
        alive = self._alive()
        return isinstance(index, int | np.integer) and 0 <= index < len(alive) and bool(alive[index])

    @property
    def n_made(self) -> int:
        """Number of agents made and held (those of alive firms only)."""
        return len(self._made)

    def make_all(self) -> None:
        """Make the agents of all alive firms that have none yet, so that Mesa's agent set of the
        role holds every alive firm's agent in row order."""
        alive = self._alive()
        for index in np.flatnonzero(alive & ~self._made_rows(len(alive))[: len(alive)]).tolist():
            self._make(index)
        if not self._in_row_order:  # agents asked for one by one came first: put Mesa's set in row order
            by_type = mesa.Model.agents_by_type.fget(self.model)
            by_type[self.agent_type].sort("index", ascending=True, inplace=True)
            self._in_row_order = True

    def release(self, indices: Iterable[int]) -> None:
        """Remove the agents of the firms in rows ``indices``, which leave, from the model and
        let them go (nothing to do for firms whose agent was never made)."""
        if self._made:
            for index in np.asarray(indices).tolist():
                agent = self._made.pop(index, None)
                if agent is not None:
                    self._has_agent[index] = False
                    agent.remove()


class SMB(FirmAgent):
    """A small or medium business, the firm whose strategy the user studies: the agent of row
    ``index`` of ``model.smbs`` (``model.smb_agents[index]``).
    """

    role_arrays = "smbs"

    @property
    def strategy(self) -> str:
        """Name of the SMB's alliance strategy."""
        return self.model.strategies[self.model.smbs.strategy_id[self.index]].name

    @property
    def sector(self) -> int:
        """Sector code."""
        return int(self.model.smbs.sector[self.index])

    @property
    def cash(self) -> float:
        """Cash at the end of the last step."""
        return float(self.model.smbs.cash[self.index])

    @property
    def revenue(self) -> float:
        """Total revenue in the last step."""
        return float(self.model.smbs.revenue[self.index])

    @property
    def capability(self) -> dict[str, float]:
        """Capability in each competence dimension, in [0, 1]."""
        return dict(zip(CAPABILITIES, self.model.smbs.capability[self.index].tolist(), strict=True))

    @property
    def automation(self) -> float:
        """Automation level in [0, 1]."""
        return float(self.model.smbs.automation[self.index])

    @property
    def knowledge(self) -> float:
        """Knowledge stock accumulated from partners."""
        return float(self.model.smbs.knowledge[self.index])

    @property
    def alive(self) -> bool:
        """False once the SMB has failed."""
        return bool(self.model.smbs.alive[self.index])

    def alliance_ids(self) -> np.ndarray:
        """Rows of the SMB's active alliances in ``model.ledger`` (valid within a step)."""
        ledger = self.model.ledger
        active = ledger.active_ids
        return active[ledger.smb[active] == self.index]

    def revenue_by_channel(self) -> dict[str, float]:
        """Last step's revenue by channel: ``direct`` and one entry per alliance."""
        ledger = self.model.ledger
        channels = {"direct": float(self.model.smbs.direct_revenue[self.index])}
        for a in self.alliance_ids():
            label = f"{COUNTERPART_KINDS[ledger.kind[a]]}:{ledger.counterpart_uid[a]}"
            channels[label] = float(ledger.revenue[a])
        return channels

    def portfolio(self) -> list[dict[str, object]]:
        """The SMB's active alliances as readable records."""
        ledger = self.model.ledger
        return [
            {
                "alliance_id": int(ledger.alliance_id[a]),
                "type": ALLIANCE_TYPES[ledger.type[a]],
                "counterpart_kind": COUNTERPART_KINDS[ledger.kind[a]],
                "counterpart_id": int(ledger.counterpart_uid[a]),
                "share": float(ledger.share[a]),
                "trust": float(ledger.trust[a]),
                "age": int(self.model.steps - ledger.formed_step[a]),
            }
            for a in self.alliance_ids()
        ]


class PartnerFirm(FirmAgent):
    """A partner firm in one of the DPN roles (complementary business, technology provider,
    marketing and distribution partner, support service): the agent of slot ``index`` of
    ``model.partners`` (``model.partner_agents[index]``).
    """

    role_arrays = "partners"

    @property
    def role(self) -> str:
        """DPN role name."""
        return COUNTERPART_KINDS[self.model.partners.role[self.index]]

    @property
    def capacity(self) -> int:
        """Most alliances the partner holds at once."""
        return int(self.model.partners.capacity[self.index])

    @property
    def size(self) -> float:
        """Monthly own income, the partner's size and source of bargaining power."""
        return float(self.model.partners.size[self.index])

    @property
    def capability(self) -> dict[str, float]:
        """Capability in each competence dimension, in [0, 1]."""
        return dict(zip(CAPABILITIES, self.model.partners.capability[self.index].tolist(), strict=True))

    @property
    def reputation(self) -> float:
        """Share of the partner's reviewed alliances that met expectations (prior 1/2)."""
        return float(self.model.partners.reputation()[self.index])


class Platform(mesa.Agent):
    """A digital platform (marketplace, app store, SaaS ecosystem).

    Parameters
    ----------
    model
        The model the platform belongs to.
    index
        Its row in ``model.platforms``.
    """

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def fee(self) -> float:
        """Commission share taken of sales through the platform."""
        return float(self.model.platforms.fee[self.index])

    @property
    def members(self) -> int:
        """Number of SMBs on the platform."""
        return int(self.model.platforms.members[self.index])

    @property
    def sales(self) -> float:
        """Last step's sales through the platform."""
        return float(self.model.platforms.sales[self.index])
