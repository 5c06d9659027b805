"""The event log: one row per alliance lifecycle event, with its reason.

Rows are held as compact codes (int32 ids, int8 event, type, form and kind codes, int16
strategy codes, int32 reason codes into the log's own list of reasons). Once more than
:data:`SPILL_ROWS` rows are in memory, the rows of earlier steps move to disk
(:class:`~simulator.core.spill.ColumnSpill`) at the start of a step; the frame, the chunks
written to ``events.parquet`` (:meth:`EventLog.frames`) and the end of each alliance
(:meth:`EventLog.ending_events`) read them back column by column, and are the same whether or
not rows were spilled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from simulator.core.codes import TextCodes
from simulator.core.ledger import AllianceLedger
from simulator.core.spill import ColumnSpill
from simulator.core.vocabulary import ALLIANCE_FORMS, ALLIANCE_TYPES, COUNTERPART_KINDS, ENDING_EVENTS, EVENTS

EVENT_COLUMNS: tuple[str, ...] = (
    "step",
    "event",
    "alliance_id",
    "alliance_type",
    "form",
    "smb_id",
    "smb_kind",
    "strategy",
    "counterpart_id",
    "counterpart_kind",
    "share",
    "reason",
)


#: Dtype of the ids (alliance, SMB, counterpart) held between steps; widened to int64 by
#: :meth:`EventLog.to_frame`. int32 (ids stay below 2**31) and int8 event codes and int16
#: strategy codes halve the log's memory, which at 1,000,000 SMBs is several hundred MB.
ID = np.int32

#: The columns of a recorded batch after ``step`` and ``event``, with their dtype and the value
#: of a row that has none (an event about no alliance, or about an SMB itself); ``reason`` is
#: the last column, text.
BATCH_COLUMNS: dict[str, tuple[type, float]] = {
    "alliance_id": (ID, -1),
    "type": (np.int8, -1),
    "form": (np.int8, -1),
    "smb_id": (ID, -1),
    "strategy": (np.int16, -1),
    "counterpart_id": (ID, -1),
    "kind": (np.int8, -1),
    "share": (np.float64, np.nan),
}

#: Dtype of every column of a batch: ``step``, ``event``, :data:`BATCH_COLUMNS` and the
#: ``reason`` code (an index into the log's list of reasons).
ROW_DTYPES: dict[str, type] = {
    "step": np.int32,
    "event": np.int8,
    **{name: dtype for name, (dtype, _) in BATCH_COLUMNS.items()},
    "reason": np.int32,
}

#: Columns of the frame (and of ``events.parquet``) held as codes: column -> (its stored code
#: column, its texts; ``None`` for the log's own strategy names or reasons, :meth:`EventLog.texts`).
CODED_COLUMNS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "event": ("event", EVENTS),
    "alliance_type": ("type", ALLIANCE_TYPES),
    "form": ("form", ALLIANCE_FORMS),
    "strategy": ("strategy", None),
    "counterpart_kind": ("kind", COUNTERPART_KINDS),
    "reason": ("reason", None),
}

#: Integer columns of the frame, each its stored column of the same name (int64 in a file).
INTEGER_COLUMNS: tuple[str, ...] = ("step", "alliance_id", "smb_id", "counterpart_id")

#: Rows an event log holds in memory before it moves those of earlier steps to disk (34 bytes
#: a row: about 8.5 MB). Runs below about 12,000 SMB-years never spill. Not more: the rows are
#: held as many small arrays (one batch per recording) that outlive the steps' working arrays
#: and split glibc's heap: with 1,000,000 rows the heap held 46 MB more free (and resident)
#: memory after 120 steps at 200,000 SMBs, the steps' peak was 37 MB higher.
SPILL_ROWS = 250_000

#: Rows read back at a time by :meth:`EventLog.ending_events`.
READ_ROWS = 1 << 20


def _check(event: str) -> None:
    """Refuse an event that is not in the vocabulary."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}; known: {', '.join(EVENTS)}")


class EventLog:
    """Collects lifecycle events in batches and counts them per step.

    Parameters
    ----------
    ledger
        The ledger whose alliances the events are about; member ids, kinds, type and form are
        read from it when an event is recorded.
    smb_strategy
        Strategy index of each SMB, or a function returning it (the model passes one that reads
        ``smbs.strategy_id`` when an event is recorded, so that it follows a growing population).
    strategy_names
        Name of each strategy index.
    spill_rows
        Rows held in memory before those of earlier steps move to disk (default
        :data:`SPILL_ROWS`); the log's content does not depend on it.
    """

    def __init__(
        self,
        ledger: AllianceLedger,
        smb_strategy: np.ndarray | Callable[[], np.ndarray],
        strategy_names: list[str],
        spill_rows: int | None = None,
    ) -> None:
        self._ledger = ledger
        self._strategy_of = smb_strategy if callable(smb_strategy) else lambda: smb_strategy
        self._strategy_names = list(strategy_names)
        self._batches: list[dict[str, np.ndarray]] = []
        self._memory_rows = 0
        self._reasons = TextCodes()
        self._spill_rows = SPILL_ROWS if spill_rows is None else int(spill_rows)
        self._spill: ColumnSpill | None = None
        self.step_counts: Counter[str] = Counter()
        self.step_counts_by_strategy: dict[str, np.ndarray] = {}
        self.totals: Counter[str] = Counter()

    # ----------------------------------------------------------------- recording
    def record(self, step: int, event: str, ids: np.ndarray, reason: str | np.ndarray) -> None:
        """Log ``event`` for the alliances in ledger rows ``ids`` at ``step`` with ``reason``
        (recorded under their alliance ids)."""
        _check(event)  # before reading the ledger, which may hold nothing yet
        ledger = self._ledger
        self._append(
            step,
            event,
            len(ids),
            reason,
            strategy=self._strategy_of()[ledger.smb[ids]],
            alliance_id=ledger.alliance_id[ids],
            type=ledger.type[ids],
            form=ledger.form[ids],
            smb_id=ledger.smb_uid[ids],
            counterpart_id=ledger.counterpart_uid[ids],
            kind=ledger.kind[ids],
            share=ledger.share[ids],
        )

    def amend_reason(self, event: str, ids: np.ndarray, reason: str) -> None:
        """Give the last recorded batch, ``event`` for exactly the alliances in ledger rows
        ``ids``, a more specific ``reason`` (for a mechanism that reuses another's recording
        function)."""
        if len(ids) == 0:
            return
        last = self._batches[-1] if self._batches else None
        same = last is not None and np.array_equal(last["alliance_id"], self._ledger.alliance_id[ids])
        if last is None or EVENTS[last["event"][0]] != event or not same:
            raise ValueError(f"the last recorded batch is not {event!r} for these alliances")
        last["reason"][:] = self._reasons.code(reason)

    def record_shock(self, step: int, kind: str, detail: str) -> None:
        """Log a shock starting (``detail`` says what it hit) or ending (``detail`` "ended")."""
        self.record_market_event(step, "shock", f"{kind}: {detail}")

    def record_market_event(self, step: int, event: str, reason: str) -> None:
        """Log an event that concerns no single alliance (``alliance_id`` -1)."""
        self._append(step, event, 1, reason)

    def record_smb_event(
        self, step: int, event: str, smb_idx: np.ndarray, reason: np.ndarray, smb_uid: np.ndarray
    ) -> None:
        """Log ``event`` about SMBs ``smb_idx`` themselves, not an alliance (alliance_id -1): their
        ids ``smb_uid`` and current strategy (e.g. a strategy switch, with the new strategy)."""
        self._append(step, event, len(smb_idx), reason, strategy=self._strategy_of()[smb_idx], smb_id=smb_uid)

    def _append(
        self, step: int, event: str, n: int, reason: str | np.ndarray, strategy: np.ndarray | None = None, **given: Any
    ) -> None:
        """Append a batch of ``n`` rows of ``event`` (columns :data:`BATCH_COLUMNS`; those not
        ``given`` hold their fill value) and count it, by strategy when the rows have one."""
        _check(event)
        if n == 0:
            return
        if strategy is not None:
            given["strategy"] = strategy
        batch = {"step": np.full(n, step, dtype=np.int32), "event": np.full(n, EVENTS.index(event), dtype=np.int8)}
        for name, (dtype, fill) in BATCH_COLUMNS.items():
            batch[name] = np.full(n, fill, dtype=dtype) if name not in given else np.asarray(given[name]).astype(dtype)
        batch["reason"] = self._reasons.encode(reason, n, ROW_DTYPES["reason"])
        self._batches.append(batch)
        self._memory_rows += n
        self.step_counts[event] += n
        self.totals[event] += n
        if strategy is not None:
            by_strategy = np.bincount(strategy, minlength=len(self._strategy_names))
            self.step_counts_by_strategy[event] = self.step_counts_by_strategy.get(event, 0) + by_strategy

    def start_step(self) -> None:
        """Reset the per-step counters (called at the start of every model step); move the rows
        held so far to disk when there are more than the log keeps in memory."""
        self.step_counts.clear()
        self.step_counts_by_strategy.clear()
        if self._memory_rows > self._spill_rows:
            self._spill_batches()

    def _spill_batches(self) -> None:
        if self._spill is None:
            self._spill = ColumnSpill(ROW_DTYPES, prefix="ecosim-events-")
        self._spill.append({name: np.concatenate([b[name] for b in self._batches]) for name in ROW_DTYPES})
        self._batches.clear()
        self._memory_rows = 0

    # ----------------------------------------------------------------- reading
    @property
    def strategy_names(self) -> list[str]:
        """Name of each strategy code of the ``strategy`` column."""
        return list(self._strategy_names)

    @property
    def reasons(self) -> list[str]:
        """Text of each reason code of the ``reason`` column."""
        return self._reasons.texts

    def texts(self, column: str) -> tuple[str, ...] | list[str]:
        """The text of each code of a coded frame column (:data:`CODED_COLUMNS`)."""
        fixed = CODED_COLUMNS[column][1]
        if fixed is not None:
            return fixed
        return self.strategy_names if column == "strategy" else self.reasons

    @property
    def rows(self) -> int:
        """Number of events logged so far."""
        return self.spilled_rows + self._memory_rows

    @property
    def spilled_rows(self) -> int:
        """Number of those events held on disk."""
        return 0 if self._spill is None else self._spill.rows

    def column(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Rows ``start`` to ``stop`` (exclusive) of a stored column (:data:`ROW_DTYPES`: codes
        and narrow ids, as recorded), from disk and memory."""
        stop = self.rows if stop is None else min(stop, self.rows)
        spilled = self.spilled_rows
        parts = []
        if self._spill is not None and start < spilled:
            parts.append(self._spill.read(name, start, min(stop, spilled)))
        offset = spilled
        for batch in self._batches:
            end = offset + len(batch["step"])
            if end > start and offset < stop:
                parts.append(batch[name][max(start - offset, 0) : min(stop, end) - offset])
            offset = end
        if not parts:
            return np.empty(0, dtype=ROW_DTYPES[name])
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def ending_events(self, n_alliances: int) -> np.ndarray:
        """The event that ended each alliance (``dissolved``, ``partner_failed``, ``smb_failed``;
        ``""`` for active alliances), read from the ``alliance_id`` and ``event`` columns only."""
        return np.array([*EVENTS, ""], dtype=object)[self.ending_codes(n_alliances)]

    def ending_codes(self, n_alliances: int) -> np.ndarray:
        """:meth:`ending_events` as codes: each alliance's ending event's index in ``EVENTS``,
        ``len(EVENTS)`` for active alliances (1 byte an alliance instead of an 8-byte reference)."""
        out = np.full(n_alliances, len(EVENTS), dtype=np.int8)
        ending = np.array(sorted(EVENTS.index(e) for e in ENDING_EVENTS), dtype=np.int8)
        for start in range(0, self.rows, READ_ROWS):
            stop = start + READ_ROWS
            alliance = self.column("alliance_id", start, stop)
            event = self.column("event", start, stop)
            rows = (alliance >= 0) & np.isin(event, ending)
            out[alliance[rows]] = event[rows]
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return the log as a DataFrame with the columns of :data:`EVENT_COLUMNS`."""
        if self.rows == 0:
            return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in EVENT_COLUMNS})
        return self._frame(0, self.rows)

    def frames(self, chunk_rows: int) -> Iterator[pd.DataFrame]:
        """The log as consecutive frames of ``chunk_rows`` rows (the last shorter), each as
        :meth:`to_frame` would hold those rows (none for an empty log)."""
        for start in range(0, self.rows, chunk_rows):
            yield self._frame(start, min(start + chunk_rows, self.rows))

    def _frame(self, start: int, stop: int) -> pd.DataFrame:
        cat = {name: self.column(name, start, stop) for name in ROW_DTYPES}
        text = {
            name: pd.Categorical.from_codes(cat[code], self.texts(name))
            for name, (code, _) in CODED_COLUMNS.items()
            if name != "reason"  # one shared string per distinct reason, not a categorical
        }
        return pd.DataFrame(
            {
                "step": cat["step"],
                "event": text["event"],
                "alliance_id": cat["alliance_id"].astype(np.int64),
                "alliance_type": text["alliance_type"],
                "form": text["form"],
                "smb_id": cat["smb_id"].astype(np.int64),
                "smb_kind": np.where(cat["smb_id"] >= 0, "smb", None),
                "strategy": text["strategy"],
                "counterpart_id": cat["counterpart_id"].astype(np.int64),
                "counterpart_kind": text["counterpart_kind"],
                "share": cat["share"],
                "reason": self._reasons.decode(cat["reason"]),
            },
            index=pd.RangeIndex(start, stop),
        )


def _dtype(column: str) -> str:
    if column in INTEGER_COLUMNS:
        return "int64"
    if column == "share":
        return "float64"
    return "object"
