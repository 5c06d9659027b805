"""The Mesa agents of SMBs and partners: made when asked for, let go when their firm leaves, with
the ``unique_id`` values an agent per firm made at once would have had."""

from __future__ import annotations

import gc
import weakref

import mesa
import numpy as np
import pytest
from mesa.agent import AgentSet

from simulator.agents import SMB, PartnerFirm, Platform
from simulator.config import from_dict
from simulator.model import EcosystemModel

TURNOVER = {
    "seed": 7,
    "n_smbs": 120,
    "n_partners": 20,
    "steps": 30,
    "strategy": {"name": "opportunistic"},
    "smb": {"entry_rate": 0.03, "exit_hazard": 0.01},
    "partner": {"failure_hazard": 0.03},
    "shocks": [
        {"kind": "partner_failure", "start": 10, "duration": 5, "target": "role:technology_provider", "share": 1.0}
    ],
    "focal": {
        "enabled": True,
        "revenue": 80.0,
        "cash_months": 4.0,
        "strategy": {"name": "platform_first"},
        "alliances": [{"counterpart": "platform", "index": 0, "exclusive": True, "tenure": 20}],
    },
}
"""SMBs entering and exiting, partners failing and replaced at once or after a shock, a focal firm."""


def registered(model: EcosystemModel) -> mesa.AgentSet:
    """Mesa's own set of the model's agents, read without making any (the model's ``agents``
    makes every alive firm's agent first)."""
    return mesa.Model.agents.fget(model)


def test_unique_ids_are_those_of_an_agent_per_firm():
    """Ids are drawn from Mesa's counter in the order the firms enter: the values below are those
    the model gave when it made every firm's agent at once (initial SMBs 1-120, partners 121-140,
    platforms 141-142, the focal firm 143, then entrants and replacement partners as they came),
    and the next agent made takes the next id. They change only with a change of the model's
    draws (entrants, failures)."""
    model = EcosystemModel(from_dict(TURNOVER))
    model.run()
    smbs, partners = model.smbs, model.partners
    assert smbs.uid[:120].tolist() == list(range(1, 121))
    assert smbs.uid[118:125].tolist() == [119, 120, 143, 144, 145, 146, 147]
    assert smbs.uid[-4:].tolist() == [273, 274, 275, 276]
    assert (smbs.n, int(smbs.uid.sum())) == (226, 29446)
    assert partners.uid.tolist() == [
        247, 242, 123, 208, 204, 258, 221, 248, 129, 269, 239, 132, 249, 173, 148, 162, 210, 190, 187, 140,
    ]  # fmt: skip
    assert model.platforms.uid.tolist() == [141, 142]
    assert mesa.Agent(model).unique_id == 277


def test_agents_are_made_when_asked_for_and_let_go_when_the_firm_leaves():
    """A run nobody inspects holds no SMB or partner agent; asking makes the one agent asked for
    (the same object when asked again) or every alive firm's; an exited SMB's agent leaves Mesa's
    registry and memory, and asking for it afterwards is an error."""
    model = EcosystemModel(from_dict({**TURNOVER, "smb": {"entry_rate": 0.03, "exit_hazard": 0.2}}))
    model.run(5)
    assert model.smb_agents.n_made == 0 and model.partner_agents.n_made == 0
    assert {type(a) for a in registered(model)} == {Platform}

    i = int(np.flatnonzero(model.smbs.alive)[-1])  # an entrant
    shop = model.smb_agents[i]
    assert model.smb_agents[i] is shop
    assert (shop.index, shop.unique_id) == (i, model.smbs.uid[i])
    assert shop.cash == model.smbs.cash[i]
    assert [a.unique_id for a in registered(model) if isinstance(a, SMB)] == [shop.unique_id]

    alive = model.smbs.alive
    assert {a.unique_id for a in model.agents_by_type[SMB]} == set(model.smbs.uid[alive].tolist())
    assert {a.unique_id for a in model.agents_by_type[PartnerFirm]} == set(
        model.partners.uid[model.partners.alive].tolist()
    )
    assert model.smb_agents.n_made == np.count_nonzero(alive)

    gone = weakref.ref(shop)
    del shop
    for _ in range(50):  # exit hazard 0.2 a step: it leaves well within 50 steps
        if not model.smbs.alive[i]:
            break
        model.step()
    assert not model.smbs.alive[i]
    gc.collect()
    assert gone() is None
    assert model.smb_agents.n_made < np.count_nonzero(model.smbs.alive)  # entrants' not made yet
    assert model.smbs.uid[i] not in {a.unique_id for a in registered(model)}
    with pytest.raises(KeyError, match="has left"):
        model.smb_agents[i]


def test_finished_model_is_freed() -> None:
    """Mesa 3.3's per-model id counters held every model for the life of the process; with
    ModelIdCounters a run nobody holds any more is garbage-collected, agents made or not."""

    def run_once() -> weakref.ref:
        model = EcosystemModel(from_dict(TURNOVER))
        model.run(5)
        assert len(model.agents_by_type[SMB]) > 0
        return weakref.ref(model)

    gone = run_once()
    gc.collect()
    assert gone() is None


def test_id_counter_per_model() -> None:
    """Each model counts its ids from 1, as Mesa's own counters do, also with two models alive."""
    first = EcosystemModel(from_dict(TURNOVER))
    second = EcosystemModel(from_dict(TURNOVER))
    assert first.smbs.uid[0] == second.smbs.uid[0] == 1
    assert np.array_equal(first.partners.uid, second.partners.uid)


def test_roster_is_a_mapping_of_alive_rows() -> None:
    """A roster maps the alive firms' rows to their agents: len and iteration over the alive rows,
    values() their agents; a row that does not exist (a negative one too) is an IndexError."""
    model = EcosystemModel(from_dict({**TURNOVER, "smb": {"entry_rate": 0.03, "exit_hazard": 0.2}}))
    model.run(3)
    alive = np.flatnonzero(model.smbs.alive)
    assert len(model.smb_agents) == len(alive) and list(model.smb_agents) == alive.tolist()
    made = model.smb_agents.n_made
    assert int(alive[0]) in model.smb_agents and -1 not in model.smb_agents
    assert len(model.smbs.alive) not in model.smb_agents and model.smb_agents.n_made == made
    assert [a.index for a in model.smb_agents.values()] == alive.tolist()
    with pytest.raises(IndexError):
        model.smb_agents[-1]
    with pytest.raises(IndexError):
        model.smb_agents[len(model.smbs.alive)]


def test_agent_sets_keep_row_order_and_outlive_the_population() -> None:
    """agents_by_type[SMB] lists the alive SMBs in row order even when one was asked for first,
    and is empty, not missing, once every SMB has left (as when every firm had an agent)."""
    model = EcosystemModel(from_dict({**TURNOVER, "smb": {"entry_rate": 0.0, "exit_hazard": 0.3}}))
    model.run(2)
    alive = np.flatnonzero(model.smbs.alive)
    model.smb_agents[int(alive[-1])]
    assert [a.index for a in model.agents_by_type[SMB]] == alive.tolist()
    assert model.agent_types[:2] == [SMB, PartnerFirm]
    for _ in range(60):
        if not model.smbs.alive.any():
            break
        model.step()
    assert not model.smbs.alive.any()
    assert len(model.agents_by_type[SMB]) == 0


def test_agent_sets_are_sorted_only_when_out_of_row_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader of ``model.agents`` every step makes only the entrants' agents, whose rows come
    after every made one: Mesa's SMB set stays in row order without being sorted again; an agent
    asked for out of order is put in its place once."""
    sorts = []
    sort = AgentSet.sort
    monkeypatch.setattr(
        AgentSet, "sort", lambda self, *a, **k: sorts.append({type(a) for a in self}) or sort(self, *a, **k)
    )
    model = EcosystemModel(from_dict({**TURNOVER, "smb": {"entry_rate": 0.1, "exit_hazard": 0.02}}))
    for _ in range(8):
        model.step()
        assert [a.index for a in model.agents_by_type[SMB]] == np.flatnonzero(model.smbs.alive).tolist()
    assert len(model.smbs.alive) > TURNOVER["n_smbs"]  # firms entered
    assert {SMB} not in sorts  # (refilled partner slots are rows made again: their set is sorted)
    sorts.clear()
    model.step()
    alive = np.flatnonzero(model.smbs.alive)
    model.smb_agents.release(alive[:1].tolist())  # let an early row's agent go, then ask for it again
    model.smb_agents[int(alive[0])]
    assert [a.index for a in model.agents_by_type[SMB]] == alive.tolist()
    assert sorts.count({SMB}) == 1
