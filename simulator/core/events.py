"""The event log: one row per alliance lifecycle event, with its reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

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
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}; known: {', '.join(EVENTS)}")
        n = len(ids)
        if n == 0:
            return
        ledger = self._ledger
        strategy = self._strategy_of()[ledger.smb[ids]].astype(np.int64)
        self._batches.append(
            {
                "step": np.full(n, step, dtype=np.int32),
                "event": np.full(n, EVENTS.index(event), dtype=np.int8),
                "alliance_id": np.asarray(ids, dtype=ID),
                "type": ledger.type[ids].copy(),
                "form": ledger.form[ids].copy(),
                "smb_id": ledger.smb_uid[ids].astype(ID),
                "strategy": strategy.astype(np.int16),
                "counterpart_id": ledger.counterpart_uid[ids].astype(ID),
                "kind": ledger.kind[ids].copy(),
                "share": ledger.share[ids].copy(),
                "reason": np.broadcast_to(np.asarray(reason, dtype=object), (n,)).copy(),
            }
        )
        self.step_counts[event] += n
        self.totals[event] += n
        by_strategy = np.bincount(strategy, minlength=len(self._strategy_names))
        self.step_counts_by_strategy[event] = self.step_counts_by_strategy.get(event, 0) + by_strategy

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
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}; known: {', '.join(EVENTS)}")
        self._batches.append(
            {
                "step": np.array([step], dtype=np.int32),
                "event": np.array([EVENTS.index(event)], dtype=np.int8),
                "alliance_id": np.array([-1], dtype=ID),
                "type": np.array([-1], dtype=np.int8),
                "form": np.array([-1], dtype=np.int8),
                "smb_id": np.array([-1], dtype=ID),
                "strategy": np.array([-1], dtype=np.int16),
                "counterpart_id": np.array([-1], dtype=ID),
                "kind": np.array([-1], dtype=np.int8),
                "share": np.array([np.nan]),
                "reason": np.array([reason], dtype=object),
            }
        )
        self.step_counts[event] += 1
        self.totals[event] += 1

    def record_smb_event(
        self, step: int, event: str, smb_idx: np.ndarray, reason: np.ndarray, smb_uid: np.ndarray
    ) -> None:
        """Log ``event`` about SMBs ``smb_idx`` themselves, not an alliance (alliance_id -1): their
        ids ``smb_uid`` and current strategy (e.g. a strategy switch, with the new strategy)."""
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}; known: {', '.join(EVENTS)}")
        n = len(smb_idx)
        if n == 0:
            return
        strategy = self._strategy_of()[smb_idx].astype(np.int64)
        self._batches.append(
            {
                "step": np.full(n, step, dtype=np.int32),
                "event": np.full(n, EVENTS.index(event), dtype=np.int8),
                "alliance_id": np.full(n, -1, dtype=ID),
                "type": np.full(n, -1, dtype=np.int8),
                "form": np.full(n, -1, dtype=np.int8),
                "smb_id": np.asarray(smb_uid, dtype=ID),
                "strategy": strategy.astype(np.int16),
                "counterpart_id": np.full(n, -1, dtype=ID),
                "kind": np.full(n, -1, dtype=np.int8),
                "share": np.full(n, np.nan),
                "reason": np.asarray(reason, dtype=object).copy(),
            }
        )
        self.step_counts[event] += n
        self.totals[event] += n
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
