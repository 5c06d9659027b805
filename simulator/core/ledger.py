"""The alliance ledger: every alliance the model ever formed, as columns of numpy arrays.

One row per alliance in a table of columns. Rows are appended in batches and addressed by row
number within a step; each alliance also has a stable id, ``alliance_id``, the number of
alliances formed before it (the id the event log and the outputs show). Ended alliances keep
their history for duration metrics: once more than :data:`SPILL_ROWS` ended rows are in the
table, they move at the start of a step to disk (:class:`~simulator.core.spill.ColumnSpill`,
every column) and the active rows move up, in the same order (so row numbers are valid within a
step only, and equal the alliance ids until the first move). :meth:`AllianceLedger.history`
reads a column of every alliance ever formed, in id order, from disk and table alike.

The ledger keeps two indexes the model needs every step: the rows of active alliances and a set
of active (SMB, counterpart) pairs for duplicate checks; both are rebuilt lazily after a change.
The per-SMB and per-partner counts of active alliances the mechanisms ask for many times a step
(:meth:`AllianceLedger.holdings` and the like) are cached the same way, read-only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.core.codes import TextCodes
from simulator.core.grouped import largest_by
from simulator.core.roles import ROLES
from simulator.core.spill import ColumnSpill
from simulator.core.vocabulary import ENDED, PLATFORM_KIND

#: Mesa ids are held as int32 (as in the event log): :meth:`AllianceLedger.add` refuses larger ones.
UID = np.int32

#: Ended alliances held in the table before they move to disk at the start of a step (about
#: 210 bytes each); a run's outputs do not depend on it.
SPILL_ROWS = 200_000

#: Ended rows read back from disk at a time by :meth:`AllianceLedger.history`.
READ_ROWS = 1 << 20

COLUMNS: dict[str, Any] = {
    "alliance_id": np.int32,  # stable id: alliances formed before this one (as in the event log)
    # the two sides
    "smb": np.int32,  # SMB array index
    "smb_uid": UID,  # SMB Mesa unique_id
    "kind": np.int8,  # counterpart kind code (partner role or platform)
    "counterpart": np.int32,  # partner or platform array index
    "counterpart_uid": UID,  # counterpart Mesa unique_id
    # what it is
    "type": np.int8,
    "form": np.int8,
    "phase": np.int8,
    # terms
    "share": np.float64,  # partner's revenue share, or the platform's fee
    "exclusive": np.bool_,
    "exit_cost": np.float64,  # termination cost due when the SMB leaves a committed alliance
    "info_sharing": np.float64,
    "equity_stake": np.float64,
    "review_interval": np.int32,
    "pilot_steps": np.int32,  # length of the pilot (0: started committed)
    "next_review": np.int32,  # step of the alliance's next review (its own calendar)
    # state
    "formed_step": np.int32,
    "ended_step": np.int32,
    "end_reason_code": np.int16,  # why it ended: a code of AllianceLedger.end_reasons (0: "", active)
    "base_weight": np.float64,  # channel weight before scope, trust and exclusivity
    "complementarity": np.float64,
    "trust": np.float64,
    "expected_value": np.float64,  # the SMB's forecast of monthly value at formation
    "value_ema": np.float64,  # smoothed realized monthly value to the SMB
    "value_to_smb": np.float64,  # last step's value to the SMB
    "value_to_partner": np.float64,  # last step's income to the counterpart
    "revenue": np.float64,  # last step's SMB revenue through this alliance (channel alliances)
    "smb_dependence": np.float64,
    "partner_dependence": np.float64,
    "specific_investment": np.float64,  # sunk at commitment (incl. equity capital)
    "exit_cost_paid": np.float64,  # termination or switching cost the SMB paid when it left
    "knowledge_gained": np.float64,
    "knowledge_leaked": np.float64,
    "smb_edge": np.float64,  # partner alliances: the SMB's capability edge over the partner at formation
    "data_held": np.float64,  # platform memberships: share of the member's data the platform holds
}


class AllianceLedger:
    """Column store of alliances with an index of the active ones.

    Columns are read and written as attributes: ``ledger.trust[ids] += 0.1``. Attribute access
    returns a view of the filled part of the column: the rows in the table, addressed by row
    number (``ids`` here and in the rules), valid until the next :meth:`start_step`. Columns of
    every alliance ever formed, ended ones moved to disk included, are read with
    :meth:`history`. ``end_reason`` is read as text (an object array decoded from
    ``end_reason_code``) and written by :meth:`end`.

    Parameters
    ----------
    n_counterparts
        Number of counterpart slots (partners plus platforms), used to key (SMB, counterpart)
        pairs.
    n_partners
        Number of partner slots; platform ``p`` is counterpart slot ``n_partners + p``.
    capacity
        Initial number of rows to allocate (grows by half when full).
    """

    def __init__(self, n_counterparts: int, n_partners: int, capacity: int = 1024) -> None:
        self._n_counterparts = max(int(n_counterparts), 1)
        self._n_partners = int(n_partners)
        self._capacity = max(int(capacity), 16)
        self._data = {name: np.empty(self._capacity, dtype=dtype) for name, dtype in COLUMNS.items()}
        self.size = 0
        """Rows in the table."""
        self.n_formed = 0
        """Alliances formed so far (the next alliance id)."""
        self._ended: ColumnSpill | None = None
        self.end_reasons = TextCodes("")
        """The text of each ``end_reason_code`` (0 is ``""``: not ended)."""
        self._ended_durations = np.zeros(1, dtype=np.int64)
        self._active: np.ndarray | None = None
        self._pair_keys: np.ndarray | None = None
        self._counts: dict[tuple[str, int], Any] = {}

    def __getattr__(self, name: str) -> np.ndarray:
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return data[name][: self.size]
        raise AttributeError(name)

    def __len__(self) -> int:
        return self.size

    # ----------------------------------------------------------------- writing
    def add(self, **columns: Any) -> np.ndarray:
        """Append a batch of alliances and return their ids.

        Parameters
        ----------
        **columns
            One array (or scalar) per column; all arrays have the batch length. Columns not
            given start at zero (``ended_step`` at -1, ``end_reason`` at ``""``). Mesa ids
            (``smb_uid``, ``counterpart_uid``) must fit in :data:`UID`.

        Returns
        -------
        numpy.ndarray
            The new alliance ids.
        """
        n = len(columns["smb"])
        if n == 0:
            return np.empty(0, dtype=np.int64)
        for name in ("smb_uid", "counterpart_uid"):
            if name in columns and np.max(columns[name]) > np.iinfo(UID).max:
                raise OverflowError(f"ledger column {name} holds ids up to {np.iinfo(UID).max}")
        if self.n_formed + n > np.iinfo(COLUMNS["alliance_id"]).max:
            raise OverflowError(f"ledger column alliance_id holds ids up to {np.iinfo(COLUMNS['alliance_id']).max}")
        self._reserve(self.size + n)
        rows = slice(self.size, self.size + n)
        for name, column in self._data.items():
            if name == "alliance_id":
                column[rows] = np.arange(self.n_formed, self.n_formed + n)
            elif name in columns:
                column[rows] = columns[name]
            elif name == "ended_step":
                column[rows] = -1
            else:
                column[rows] = 0
        ids = np.arange(self.size, self.size + n)
        self.size += n
        self.n_formed += n
        active, pair_keys = self._active, self._pair_keys
        self._invalidate()
        if active is not None and pair_keys is not None:
            self._extend_index(active, pair_keys, ids)
        return ids

    def end(self, ids: np.ndarray, step: int, reason: str | np.ndarray) -> None:
        """Mark alliances as ended at ``step`` with ``reason``."""
        if len(ids) == 0:
            return
        active, pair_keys = self._active, self._pair_keys
        ending = np.unique(ids)
        closing = ending[self.phase[ending] != ENDED] if active is not None and pair_keys is not None else None
        self._count_durations(ending, step)
        self.phase[ids] = ENDED
        self.ended_step[ids] = step
        self.end_reason_code[ids] = self.end_reasons.encode(reason, len(ids), COLUMNS["end_reason_code"])
        self._invalidate()
        if closing is not None:
            self._shrink_index(active, pair_keys, closing)

    def _count_durations(self, ending: np.ndarray, step: int) -> None:
        """Count the alliances ``ending`` (distinct rows) at ``step`` in :attr:`ended_durations`;
        one that had ended before no longer counts at its old duration."""
        formed, before = self.formed_step[ending], self.ended_step[ending]
        durations = step - formed  # longer than the run for a focal firm's alliances formed before it
        longest = int(durations.max())
        if len(self._ended_durations) <= longest:
            grown = np.zeros(max(longest + 1, 2 * len(self._ended_durations)), dtype=np.int64)
            grown[: len(self._ended_durations)] = self._ended_durations
            self._ended_durations = grown
        size = len(self._ended_durations)
        self._ended_durations += np.bincount(durations, minlength=size)
        again = before >= 0
        if again.any():
            self._ended_durations -= np.bincount(before[again] - formed[again], minlength=size)

    @property
    def ended_durations(self) -> np.ndarray:
        """Ended alliances by duration, read-only: entry ``d`` counts those that ended ``d`` steps
        after formation (``ended_step - formed_step``), kept by :meth:`end` so that the per-step
        duration metrics need not read every alliance's history."""
        counts = self._ended_durations.view()
        counts.flags.writeable = False
        return counts

    @property
    def end_reason(self) -> np.ndarray:
        """Why each alliance in the table ended (``""`` while active), as text: a new object array."""
        return self.end_reasons.decode(self.end_reason_code)

    def start_step(self) -> None:
        """Move the ended rows to disk if the table holds more than :data:`SPILL_ROWS` of them
        (called at the start of every model step, when no rule holds row numbers)."""
        if self.size - len(self.active_ids) > SPILL_ROWS:
            self._spill_ended()

    # ----------------------------------------------------------------- the whole history
    @property
    def spilled_rows(self) -> int:
        """Number of ended alliances held on disk."""
        return 0 if self._ended is None else self._ended.rows

    def history(self, name: str) -> np.ndarray:
        """Column ``name`` (or ``"end_reason"``, as text) of every alliance formed so far, in
        alliance id order, ended ones on disk included (read-only).

        While no row has moved to disk, a view of the table's column.
        """
        if name == "end_reason":
            return self.end_reasons.decode(self.history("end_reason_code"))
        if name not in self._data:
            raise AttributeError(name)
        live = self._data[name][: self.size]
        if self._ended is None:
            out = live.view()
        else:
            out = np.empty(self.n_formed, dtype=live.dtype)
            for start in range(0, self._ended.rows, READ_ROWS):  # a few MB at a time, not the whole column twice
                stop = start + READ_ROWS
                out[self._ended.read("alliance_id", start, stop)] = self._ended.read(name, start, stop)
            out[self.alliance_id] = live
        out.flags.writeable = False
        return out

    def touch(self) -> None:
        """Tell the ledger that phases changed outside :meth:`add` and :meth:`end`.

        The sorted pair keys are kept if the active alliances are still the same (a pilot made
        committed, say).
        """
        active, pair_keys = self._active, self._pair_keys
        self._invalidate()
        if active is not None and pair_keys is not None and np.array_equal(self.active_ids, active):
            self._pair_keys = pair_keys

    # ----------------------------------------------------------------- indexes
    @property
    def active_ids(self) -> np.ndarray:
        """Ids of alliances that have not ended, ascending."""
        if self._active is None:
            self._active = np.flatnonzero(self.phase != ENDED)
        return self._active

    def pair_keys(self, smb: np.ndarray, kind: np.ndarray, counterpart: np.ndarray) -> np.ndarray:
        """Integer keys of (SMB, counterpart) pairs, unique across partners and platforms."""
        slot = np.where(kind == PLATFORM_KIND, self._n_partners + counterpart, counterpart)
        return smb.astype(np.int64) * self._n_counterparts + slot

    def has_pair(self, smb: np.ndarray, kind: np.ndarray, counterpart: np.ndarray) -> np.ndarray:
        """Whether each (SMB, counterpart) pair already has an active alliance."""
        if self._pair_keys is None:
            ids = self.active_ids
            self._pair_keys = np.sort(self.pair_keys(self.smb[ids], self.kind[ids], self.counterpart[ids]))
        keys = self.pair_keys(smb, kind, counterpart)
        if len(self._pair_keys) == 0:
            return np.zeros(keys.shape, dtype=bool)
        # looked up in ascending order: each search then starts where the last ended and reads
        # nearby memory (about twice as fast as searching thousands of keys in random order)
        order = np.argsort(keys, axis=None)
        pos = np.empty(keys.size, dtype=np.intp)
        pos[order] = np.searchsorted(self._pair_keys, keys.ravel()[order])
        pos = np.minimum(pos, len(self._pair_keys) - 1).reshape(keys.shape)
        return self._pair_keys[pos] == keys

    def active_count_by_smb(self, n_smbs: int) -> np.ndarray:
        """Number of active alliances held by each SMB (read-only, cached until the next change)."""
        return self._cached("active", n_smbs, lambda: self.count_by_smb(self.active_ids, n_smbs))

    def count_by_smb(self, ids: np.ndarray, n_smbs: int) -> np.ndarray:
        """Number of the given alliances held by each SMB."""
        return np.bincount(self.smb[ids], minlength=n_smbs)

    def sum_by_smb(self, ids: np.ndarray, values: np.ndarray, n_smbs: int) -> np.ndarray:
        """Sum of ``values`` (one per id) over the alliances of each SMB."""
        return np.bincount(self.smb[ids], weights=values, minlength=n_smbs)

    def max_by_smb(self, ids: np.ndarray, values: np.ndarray, n_smbs: int) -> np.ndarray:
        """Largest of ``values`` (one per id) over the alliances of each SMB; 0 where none."""
        return largest_by(self.smb[ids], values, n_smbs)

    # ----------------------------------------------------------------- internals
    # ------------------------------------------------------------------ queries the mechanisms share
    def holdings(self, n_smbs: int) -> tuple[np.ndarray, np.ndarray]:
        """Active (partner alliances, platform memberships) per SMB (read-only, cached)."""

        def compute() -> tuple[np.ndarray, np.ndarray]:
            ids = self.active_ids
            on_platform = self.kind[ids] == PLATFORM_KIND
            return self.count_by_smb(ids[~on_platform], n_smbs), self.count_by_smb(ids[on_platform], n_smbs)

        return self._cached("holdings", n_smbs, compute)

    def role_holdings(self, n_smbs: int) -> np.ndarray:
        """Active alliances per SMB and partner role, shape (n_smbs, number of roles) (read-only, cached)."""
        return self._cached("roles", n_smbs, lambda: self._by_smb_and_role(self._partner_ids(), n_smbs))

    def exclusive_holdings(self, n_smbs: int) -> np.ndarray:
        """Whether each SMB holds an exclusive alliance in each partner role, shape (n_smbs, roles)
        (read-only, cached)."""

        def compute() -> np.ndarray:
            ids = self._partner_ids()
            return self._by_smb_and_role(ids[self.exclusive[ids]], n_smbs) > 0

        return self._cached("exclusive", n_smbs, compute)

    def partner_load(self) -> np.ndarray:
        """Active alliances per partner slot (read-only, cached)."""
        return self._cached(
            "load", 0, lambda: np.bincount(self.counterpart[self._partner_ids()], minlength=self._n_partners)
        )

    def _partner_ids(self) -> np.ndarray:
        return self._cached("partner_ids", 0, lambda: self.active_ids[self.kind[self.active_ids] != PLATFORM_KIND])

    def _cached(self, name: str, n_smbs: int, compute: Any) -> Any:
        """``compute()``, kept (its arrays made read-only) until the ledger next changes."""
        key = (name, n_smbs)
        if key not in self._counts:
            value = compute()
            for array in value if isinstance(value, tuple) else (value,):
                array.flags.writeable = False
            self._counts[key] = value
        return self._counts[key]

    def _by_smb_and_role(self, ids: np.ndarray, n_smbs: int) -> np.ndarray:
        n_roles = len(ROLES)
        flat = self.smb[ids].astype(np.int64) * n_roles + self.kind[ids]
        return np.bincount(flat, minlength=n_smbs * n_roles).reshape(n_smbs, n_roles)

    def _reserve(self, needed: int) -> None:
        if needed <= self._capacity:
            return
        while self._capacity < needed:
            # by half, not doubling: at 1,000,000 SMBs the spare rows of a doubled ledger
            # (209 bytes each) were a large share of peak memory
            self._capacity += self._capacity // 2
        for name, column in self._data.items():
            grown = np.empty(self._capacity, dtype=column.dtype)
            grown[: self.size] = column[: self.size]
            self._data[name] = grown

    def _spill_ended(self) -> None:
        """Append the ended rows to the disk store and move the active rows up in the table, in
        their order (the sorted pair keys stay valid: the pairs are the same)."""
        active, pair_keys = self.active_ids, self._pair_keys
        ended = np.flatnonzero(self.phase == ENDED)
        if self._ended is None:
            self._ended = ColumnSpill({name: column.dtype for name, column in self._data.items()}, "ecosim-ledger-")
        chunk = {name: column[ended] for name, column in self._data.items()}
        self._ended.append(chunk)
        kept = len(active)
        for column in self._data.values():
            column[:kept] = column[active]
        self.size = kept
        self._invalidate()
        self._active = np.arange(kept)
        self._pair_keys = pair_keys

    def _extend_index(self, active: np.ndarray, pair_keys: np.ndarray, added: np.ndarray) -> None:
        """The active ids and sorted pair keys after :meth:`add` appended ``added``, from those before.

        The new rows' ids exceed every older id, so the active ones go at the end of the active
        ids; their keys are merged into the sorted keys (what a fresh sort gives, at a fraction of
        its cost: has_pair is asked after nearly every change of the ledger).
        """
        live = added[self.phase[added] != ENDED]
        keys = np.sort(self.pair_keys(self.smb[live], self.kind[live], self.counterpart[live]))
        self._active = np.concatenate([active, live])
        self._pair_keys = np.insert(pair_keys, np.searchsorted(pair_keys, keys), keys)

    def _shrink_index(self, active: np.ndarray, pair_keys: np.ndarray, closing: np.ndarray) -> None:
        """The active ids and sorted pair keys after :meth:`end` closed ``closing`` (distinct ids
        that were active), from those before; if a closed pair's key is not found once, the keys
        are left to be sorted afresh."""
        self._active = np.delete(active, np.searchsorted(active, closing))
        keys = np.sort(self.pair_keys(self.smb[closing], self.kind[closing], self.counterpart[closing]))
        at = np.searchsorted(pair_keys, keys)
        if len(keys) and (np.any(keys[1:] == keys[:-1]) or at[-1] >= len(pair_keys) or np.any(pair_keys[at] != keys)):
            return  # repeated pairs: let has_pair sort again
        self._pair_keys = np.delete(pair_keys, at)

    def _invalidate(self) -> None:
        self._active = None
        self._pair_keys = None
        self._counts.clear()
