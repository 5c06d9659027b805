"""Unit tests of the alliance ledger and the event log."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.core.events import EVENT_COLUMNS, EventLog
from simulator.core.ledger import AllianceLedger
from simulator.core.roles import PARTNER_ROLES
from simulator.core.vocabulary import COMMITTED, ENDED, PILOT, PLATFORM_KIND

TECHNOLOGY = PARTNER_ROLES.index("technology_provider")

N_PARTNERS = 5
N_PLATFORMS = 2


def _ledger(capacity: int = 16) -> AllianceLedger:
    return AllianceLedger(n_counterparts=N_PARTNERS + N_PLATFORMS, n_partners=N_PARTNERS, capacity=capacity)


def _add(ledger: AllianceLedger, smb, counterpart, kind=TECHNOLOGY, **extra) -> np.ndarray:
    smb = np.asarray(smb)
    n = len(smb)
    return ledger.add(
        smb=smb,
        smb_uid=smb + 100,
        kind=np.broadcast_to(kind, (n,)),
        counterpart=np.asarray(counterpart),
        phase=COMMITTED,
        **extra,
    )


def test_add_returns_consecutive_ids_and_fills_defaults():
    """add appends rows with consecutive ids; columns not given start at 0, -1 or ''."""
    ledger = _ledger()
    first = _add(ledger, [0, 1, 2], [0, 1, 2], trust=0.3)
    second = _add(ledger, [3], [4])
    assert first.tolist() == [0, 1, 2]
    assert second.tolist() == [3]
    assert len(ledger) == 4
    assert ledger.smb.tolist() == [0, 1, 2, 3]
    assert ledger.smb_uid.tolist() == [100, 101, 102, 103]
    assert ledger.trust.tolist() == [0.3, 0.3, 0.3, 0.0]
    assert (ledger.ended_step == -1).all()
    assert ledger.end_reason.tolist() == [""] * 4
    assert (ledger.share == 0).all()
    assert not ledger.exclusive.any()


def test_add_empty_batch_changes_nothing():
    """Adding an empty batch returns no ids and leaves the ledger as it was."""
    ledger = _ledger()
    _add(ledger, [0], [1])
    ids = _add(ledger, np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))
    assert len(ids) == 0
    assert len(ledger) == 1
    assert ledger.active_ids.tolist() == [0]


def test_end_closes_alliances_with_step_and_reason():
    """end marks alliances ended at a step with a reason and drops them from the active ids."""
    ledger = _ledger()
    _add(ledger, [0, 1, 2, 3], [0, 1, 2, 3])
    assert ledger.active_ids.tolist() == [0, 1, 2, 3]
    ledger.end(np.array([1, 3]), step=7, reason=np.array(["a", "b"], dtype=object))
    assert ledger.active_ids.tolist() == [0, 2]
    assert ledger.phase[[1, 3]].tolist() == [ENDED, ENDED]
    assert ledger.ended_step.tolist() == [-1, 7, -1, 7]
    assert ledger.end_reason.tolist() == ["", "a", "", "b"]
    ledger.end(np.array([0]), step=8, reason="c")
    assert ledger.active_ids.tolist() == [2]
    ledger.end(np.array([], dtype=np.int64), step=9, reason="d")  # no-op
    assert ledger.active_ids.tolist() == [2]


def test_active_ids_follow_direct_phase_changes_after_touch():
    """Changing phases through the column view and calling touch updates the active ids."""
    ledger = _ledger()
    _add(ledger, [0, 1], [0, 1])
    assert ledger.active_ids.tolist() == [0, 1]
    ledger.phase[0] = ENDED
    ledger.touch()
    assert ledger.active_ids.tolist() == [1]
    ledger.phase[0] = PILOT
    ledger.touch()
    assert ledger.active_ids.tolist() == [0, 1]


def test_column_views_write_through():
    """Columns read as attributes are views: writing them changes the ledger."""
    ledger = _ledger()
    ids = _add(ledger, [0, 1], [0, 1])
    ledger.trust[ids] += 0.25
    ledger.share[1] = 0.4
    assert ledger.trust.tolist() == [0.25, 0.25]
    assert ledger.share.tolist() == [0.0, 0.4]
    with pytest.raises(AttributeError):
        _ = ledger.no_such_column


def test_has_pair_tells_partners_and_platforms_apart():
    """has_pair finds active (SMB, counterpart) pairs; partner slot p and platform p differ."""
    ledger = _ledger()
    assert not _has(ledger, 0, TECHNOLOGY, 1)  # empty ledger
    _add(ledger, [0], [1], kind=TECHNOLOGY)
    _add(ledger, [2], [1], kind=PLATFORM_KIND)
    assert _has(ledger, 0, TECHNOLOGY, 1)
    assert not _has(ledger, 0, PLATFORM_KIND, 1)  # platform 1 is another counterpart
    assert _has(ledger, 2, PLATFORM_KIND, 1)
    assert not _has(ledger, 2, TECHNOLOGY, 1)
    assert not _has(ledger, 1, TECHNOLOGY, 1)
    # vectorized, and ended alliances no longer count
    result = ledger.has_pair(
        np.array([0, 2, 3]), np.array([TECHNOLOGY, PLATFORM_KIND, TECHNOLOGY]), np.array([1, 1, 4])
    )
    assert result.tolist() == [True, True, False]
    ledger.end(np.array([0]), step=1, reason="x")
    assert not _has(ledger, 0, TECHNOLOGY, 1)
    assert _has(ledger, 2, PLATFORM_KIND, 1)


def test_pair_keys_are_unique_over_smbs_and_counterparts():
    """Every (SMB, counterpart slot) pair has its own key."""
    ledger = _ledger()
    smb = np.repeat(np.arange(4), N_PARTNERS + N_PLATFORMS)
    slot = np.tile(np.arange(N_PARTNERS + N_PLATFORMS), 4)
    kind = np.where(slot < N_PARTNERS, TECHNOLOGY, PLATFORM_KIND)
    counterpart = np.where(slot < N_PARTNERS, slot, slot - N_PARTNERS)
    keys = ledger.pair_keys(smb, kind, counterpart)
    assert len(np.unique(keys)) == len(keys)


def _has(ledger, smb, kind, counterpart) -> bool:
    return bool(ledger.has_pair(np.array([smb]), np.array([kind]), np.array([counterpart]))[0])


def test_count_sum_and_max_by_smb():
    """count_by_smb, sum_by_smb and max_by_smb aggregate the given alliances per SMB."""
    ledger = _ledger()
    ids = _add(ledger, [0, 0, 2, 2, 2], [0, 1, 0, 1, 2])
    values = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    assert ledger.count_by_smb(ids, 4).tolist() == [2, 0, 3, 0]
    assert ledger.sum_by_smb(ids, values, 4).tolist() == [4.0, 0.0, 11.0, 0.0]
    assert ledger.max_by_smb(ids, values, 4).tolist() == [3.0, 0.0, 5.0, 0.0]
    some = ids[[0, 4]]
    assert ledger.count_by_smb(some, 4).tolist() == [1, 0, 1, 0]
    assert ledger.count_by_smb(np.zeros(0, dtype=np.int64), 3).tolist() == [0, 0, 0]


def test_ledger_grows_past_its_capacity_keeping_rows():
    """Adding more rows than the initial capacity grows the ledger and keeps every row's data."""
    ledger = _ledger(capacity=16)
    total = 0
    for batch in (10, 10, 30, 1, 100):
        smb = np.arange(total, total + batch)
        ids = _add(ledger, smb, smb % N_PARTNERS, trust=smb / 1000.0)
        assert ids.tolist() == list(range(total, total + batch))
        total += batch
    assert len(ledger) == total == 151
    assert ledger.smb.tolist() == list(range(total))
    np.testing.assert_allclose(ledger.trust, np.arange(total) / 1000.0)
    assert (ledger.ended_step == -1).all()
    assert ledger.active_ids.tolist() == list(range(total))
    assert _has(ledger, 150, TECHNOLOGY, 150 % N_PARTNERS)
    ledger.end(np.arange(0, total, 2), step=3, reason="x")
    assert ledger.active_ids.tolist() == list(range(1, total, 2))


# ------------------------------------------------------------------------ event log
def test_event_log_records_rows_with_ledger_details():
    """Recorded events carry the alliance's member ids, kinds, share and reason."""
    ledger = _ledger()
    ids = _add(ledger, [0, 1], [3, 1], kind=np.array([TECHNOLOGY, PLATFORM_KIND]), share=np.array([0.2, 0.15]))
    ledger.counterpart_uid[:] = [503, 601]
    log = EventLog(ledger, np.array([1, 0]), ["alpha", "beta"])
    log.record(4, "formed", ids, "search")
    log.record(5, "dissolved", ids[:1], np.array(["underperforming"], dtype=object))
    log.record(5, "renegotiated", ids[:0], "nothing")  # empty batches are skipped
    frame = log.to_frame()
    assert list(frame.columns) == list(EVENT_COLUMNS)
    assert frame["step"].tolist() == [4, 4, 5]
    assert frame["event"].astype(str).tolist() == ["formed", "formed", "dissolved"]
    assert frame["alliance_id"].tolist() == [0, 1, 0]
    assert frame["smb_id"].tolist() == [100, 101, 100]
    assert frame["counterpart_id"].tolist() == [503, 601, 503]
    assert frame["counterpart_kind"].astype(str).tolist() == ["technology_provider", "platform", "technology_provider"]
    assert frame["share"].tolist() == [0.2, 0.15, 0.2]
    assert frame["reason"].tolist() == ["search", "search", "underperforming"]
    assert frame["strategy"].astype(str).tolist() == ["beta", "alpha", "beta"]
    assert log.totals == {"formed": 2, "dissolved": 1}
    log.start_step()
    assert sum(log.step_counts.values()) == 0
    assert log.totals["formed"] == 2


def test_event_log_refuses_unknown_events_and_has_empty_frame():
    """An unknown event name raises; an empty log gives an empty frame with the event columns."""
    log = EventLog(_ledger(), np.zeros(3, dtype=np.int64), ["alpha"])
    assert list(log.to_frame().columns) == list(EVENT_COLUMNS)
    assert len(log.to_frame()) == 0
    with pytest.raises(ValueError, match="unknown event"):
        log.record(1, "exploded", np.array([0]), "boom")


def test_pair_index_kept_up_to_date_through_add_end_and_touch():
    """The active ids and sorted pair keys that add, end and touch update in place answer as a
    fresh scan of the ledger would, whatever the sequence (repeated pairs, ids ended twice, a
    batch added already ended, a phase set to ENDED outside end)."""
    rng = np.random.default_rng(3)
    ledger = _ledger()
    n_smbs = 6
    all_smb = np.repeat(np.arange(n_smbs), N_PARTNERS + N_PLATFORMS)
    all_slot = np.tile(np.arange(N_PARTNERS + N_PLATFORMS), n_smbs)
    all_kind = np.where(all_slot >= N_PARTNERS, PLATFORM_KIND, TECHNOLOGY)
    all_counterpart = np.where(all_slot >= N_PARTNERS, all_slot - N_PARTNERS, all_slot)
    for step in range(300):
        action = rng.integers(4)
        if action == 0 or len(ledger) == 0:
            k = int(rng.integers(1, 4))
            pick = rng.integers(0, len(all_smb), k)  # may repeat a pair, within the batch or not
            ledger.add(
                smb=all_smb[pick],
                smb_uid=all_smb[pick],
                kind=all_kind[pick],
                counterpart=all_counterpart[pick],
                phase=rng.choice([PILOT, COMMITTED, ENDED], size=k, p=[0.45, 0.45, 0.1]),
            )
        elif action == 1:
            ledger.end(rng.integers(0, len(ledger), int(rng.integers(1, 4))), step, "test")  # repeats, ended ones
        elif action == 2:
            ids = rng.integers(0, len(ledger), 2)
            ledger.phase[ids] = np.where(ledger.phase[ids] == PILOT, COMMITTED, ledger.phase[ids])
            ledger.touch()
        else:
            ledger.phase[rng.integers(0, len(ledger))] = ENDED
            ledger.touch()
        active = np.flatnonzero(ledger.phase != ENDED)
        assert np.array_equal(ledger.active_ids, active)
        expected = np.zeros(len(all_smb), dtype=bool)
        for i in active:
            slot = ledger.counterpart[i] + (N_PARTNERS if ledger.kind[i] == PLATFORM_KIND else 0)
            expected[ledger.smb[i] * (N_PARTNERS + N_PLATFORMS) + slot] = True
        assert np.array_equal(ledger.has_pair(all_smb, all_kind, all_counterpart), expected)


def test_ended_rows_move_to_disk_and_history_reads_them_back_in_id_order(monkeypatch):
    """Past SPILL_ROWS ended rows, start_step moves them to disk: active rows move up in their
    order with their alliance ids and pair index, and history() gives every alliance's column in
    id order, what a ledger that never spilled holds."""
    from simulator.core import ledger as ledger_module

    def build(spill_rows):
        monkeypatch.setattr(ledger_module, "SPILL_ROWS", spill_rows)
        monkeypatch.setattr(ledger_module, "READ_ROWS", 3)  # history reads the 4 spilled rows in two chunks
        ledger = _ledger(capacity=16)
        ids = _add(ledger, [0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 0], trust=np.linspace(0.1, 0.6, 6))
        ledger.has_pair(np.array([0]), np.array([TECHNOLOGY]), np.array([0]))  # build the pair index
        ledger.end(ids[[1, 4]], step=2, reason="underperforming")
        ledger.start_step()
        ids = _add(ledger, [6, 7], [1, 4], trust=0.7)
        ledger.end(ledger.active_ids[[0, 3]], step=3, reason="shock")
        ledger.start_step()
        return ledger

    kept, spilled = build(1_000), build(1)
    assert kept.spilled_rows == 0 and spilled.spilled_rows == 4
    assert len(spilled) == 4 and spilled.n_formed == kept.n_formed == 8
    assert spilled.alliance_id.tolist() == [2, 3, 6, 7]
    assert spilled.active_ids.tolist() == [0, 1, 2, 3]
    assert spilled.trust.tolist() == kept.trust[kept.active_ids].tolist()
    for name in ("trust", "smb", "ended_step", "formed_step", "end_reason_code", "alliance_id"):
        assert spilled.history(name).tolist() == kept.history(name).tolist(), name
    assert spilled.history("end_reason").tolist() == kept.end_reason.tolist()
    assert not spilled.history("trust").flags.writeable
    smb, kind, counterpart = np.arange(8), np.full(8, TECHNOLOGY), np.array([0, 1, 2, 3, 4, 0, 1, 4])
    assert spilled.has_pair(smb, kind, counterpart).tolist() == kept.has_pair(smb, kind, counterpart).tolist()
    with pytest.raises(AttributeError):
        spilled.history("no_such_column")
