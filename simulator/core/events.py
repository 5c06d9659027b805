"""The event log: one row per alliance lifecycle event, with its reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from simulator.core.ledger import AllianceLedger
from simulator.core.vocabulary import ALLIANCE_FORMS, ALLIANCE_TYPES, COUNTERPART_KINDS, EVENTS

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
    """

    def __init__(
        self,
        ledger: AllianceLedger,
        smb_strategy: np.ndarray | Callable[[], np.ndarray],
        strategy_names: list[str],
    ) -> None:
        self._ledger = ledger
        self._strategy_of = smb_strategy if callable(smb_strategy) else lambda: smb_strategy
        self._strategy_names = list(strategy_names)
        self._batches: list[dict[str, np.ndarray]] = []
        self.step_counts: Counter[str] = Counter()
        self.step_counts_by_strategy: dict[str, np.ndarray] = {}
        self.totals: Counter[str] = Counter()

    def record(self, step: int, event: str, ids: np.ndarray, reason: str | np.ndarray) -> None:
        """Log ``event`` for the alliances ``ids`` at ``step`` with ``reason``."""
        _check(event)  # before reading the ledger, which may hold nothing yet
        ledger = self._ledger
        self._append(
            step,
            event,
            len(ids),
            reason,
            strategy=self._strategy_of()[ledger.smb[ids]],
            alliance_id=ids,
            type=ledger.type[ids],
            form=ledger.form[ids],
            smb_id=ledger.smb_uid[ids],
            counterpart_id=ledger.counterpart_uid[ids],
            kind=ledger.kind[ids],
            share=ledger.share[ids],
        )

    def amend_reason(self, event: str, ids: np.ndarray, reason: str) -> None:
        """Give the last recorded batch, ``event`` for exactly the alliances ``ids``, a more
        specific ``reason`` (for a mechanism that reuses another's recording function)."""
        if len(ids) == 0:
            return
        last = self._batches[-1] if self._batches else None
        if last is None or EVENTS[last["event"][0]] != event or not np.array_equal(last["alliance_id"], ids):
            raise ValueError(f"the last recorded batch is not {event!r} for these alliances")
        last["reason"][:] = reason

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
        batch["reason"] = np.broadcast_to(np.asarray(reason, dtype=object), (n,)).copy()
        self._batches.append(batch)
        self.step_counts[event] += n
        self.totals[event] += n
        if strategy is not None:
            by_strategy = np.bincount(strategy, minlength=len(self._strategy_names))
            self.step_counts_by_strategy[event] = self.step_counts_by_strategy.get(event, 0) + by_strategy

    def start_step(self) -> None:
        """Reset the per-step counters (called at the start of every model step)."""
        self.step_counts.clear()
        self.step_counts_by_strategy.clear()

    def to_frame(self) -> pd.DataFrame:
        """Return the log as a DataFrame with the columns of :data:`EVENT_COLUMNS`."""
        if not self._batches:
            return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in EVENT_COLUMNS})
        cat = {k: np.concatenate([b[k] for b in self._batches]) for k in self._batches[0]}
        frame = pd.DataFrame(
            {
                "step": cat["step"],
                "event": pd.Categorical.from_codes(cat["event"], EVENTS),
                "alliance_id": cat["alliance_id"].astype(np.int64),
                "alliance_type": pd.Categorical.from_codes(cat["type"], ALLIANCE_TYPES),
                "form": pd.Categorical.from_codes(cat["form"], ALLIANCE_FORMS),
                "smb_id": cat["smb_id"].astype(np.int64),
                "smb_kind": np.where(cat["smb_id"] >= 0, "smb", None),
                "strategy": pd.Categorical.from_codes(cat["strategy"], self._strategy_names),
                "counterpart_id": cat["counterpart_id"].astype(np.int64),
                "counterpart_kind": pd.Categorical.from_codes(cat["kind"], COUNTERPART_KINDS),
                "share": cat["share"],
                "reason": cat["reason"].astype(str),
            }
        )
        return frame


def _dtype(column: str) -> str:
    if column in ("step", "alliance_id", "smb_id", "counterpart_id"):
        return "int64"
    if column == "share":
        return "float64"
    return "object"
