"""Per-firm arrays that grow with the population: plain numpy attributes over growable buffers.

A population whose firms enter during the run (new SMBs) keeps each per-firm array as an
ordinary numpy attribute of the population object, a view of the first ``n`` rows of a buffer
with spare capacity. :meth:`RowStore.grow` adds rows: it doubles a buffer when it is full, so
adding firms costs amortized constant time per firm instead of a reallocation of every array at
every entry (as :class:`~simulator.core.ledger.AllianceLedger` does for alliances)::

    class Firms(RowOwner):
        def __init__(self, n):
            self.cash: np.ndarray
            self.alive: np.ndarray
            self._rows = RowStore(self, n, {"cash": ColumnSpec(np.float64), "alive": ColumnSpec(np.bool_, True)})

    firms.cash[3] += 1.0            # an ordinary array
    firms.cash = np.zeros(firms.n)  # rebinding is fine: grow() copies it into a buffer again
    rows = firms._rows.grow(2)      # the attributes now have n + 2 rows

Mechanisms read and rebind the attributes at no extra cost; only :meth:`RowStore.grow` copies,
and only a column that was rebound since the last growth (or all of them when a buffer doubles).
An owner that is a :class:`RowOwner` tells its stores when an attribute is rebound, and the
store lets go of the buffer behind the old view (freed once nothing else refers to it) instead
of keeping a stale copy of the column until the next growth: the SMBs' mechanisms rebind 16 of
their 34 arrays every step (``smbs.cash = np.where(...)``), 44 % of the arrays' bytes, about
0.2 GB at 1,000,000 SMBs. A reference to an array taken before the store grows does not see the
new rows; read the attribute again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ColumnSpec:
    """How to allocate one column: its dtype, the value of new rows and the shape of one row."""

    dtype: Any
    fill: Any = 0
    shape: tuple[int, ...] = ()


class RowOwner:
    """Base of an object whose per-firm attributes are kept by :class:`RowStore` s: rebinding one
    (``firms.cash = ...``) tells the stores (:meth:`RowStore.rebound`)."""

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        for store in self.__dict__.get("_row_stores", ()):
            store.rebound(name, value)


class RowStore:
    """The buffers behind an owner's per-firm array attributes, grown together by doubling.

    Parameters
    ----------
    owner
        The object whose attributes (named by ``columns``) are the arrays; they are set here.
    n
        Initial number of rows.
    columns
        Each column's name and :class:`ColumnSpec`.
    """

    def __init__(self, owner: object, n: int, columns: dict[str, ColumnSpec]) -> None:
        self.n = int(n)
        self._owner = owner
        self._capacity = max(self.n, 1)
        self._specs = dict(columns)
        self._data: dict[str, np.ndarray | None] = {
            name: self._allocate(spec, self._capacity) for name, spec in self._specs.items()
        }  # None: let go of when its attribute was rebound (rebound)
        self._views: dict[str, np.ndarray | None] = {}  # the view each attribute was last set to
        for name, buffer in self._data.items():
            buffer[: self.n] = self._specs[name].fill
            self._set(name, buffer[: self.n])
        owner.__dict__.setdefault("_row_stores", []).append(self)

    @property
    def capacity(self) -> int:
        """Rows allocated (at least :attr:`n`)."""
        return self._capacity

    @property
    def names(self) -> tuple[str, ...]:
        """The columns' names."""
        return tuple(self._specs)

    def shape(self, name: str) -> tuple[int, ...]:
        """The shape column ``name`` has now: ``(n, *row shape)``."""
        return (self.n, *self._specs[name].shape)

    def grow(self, k: int) -> slice:
        """Append ``k`` rows, each at its column's fill value; return the new rows' slice.

        Raises
        ------
        ValueError
            If an attribute was rebound to an array without one row per firm.
        """
        start = self.n
        needed = start + int(k)
        capacity = self._capacity
        while capacity < needed:
            capacity *= 2
        for name, spec in self._specs.items():
            current = getattr(self._owner, name)
            if current.shape != self.shape(name):
                raise ValueError(f"{name} has shape {current.shape}, expected {self.shape(name)}")
            buffer = self._data[name]
            if buffer is None or capacity > self._capacity:
                buffer = self._allocate(spec, capacity)
                buffer[:start] = current
                self._data[name] = buffer
            elif current is not self._views[name]:  # rebound since the last growth
                buffer[:start] = current
            buffer[start:needed] = spec.fill
            self._set(name, buffer[:needed])
        self._capacity = capacity
        self.n = needed
        return slice(start, needed)

    def rebound(self, name: str, value: Any) -> None:
        """The owner's attribute ``name`` now holds ``value``: if it is a column rebound to an
        array other than the view this store set, let go of the column's buffer (:meth:`grow`
        copies the attribute into a new one)."""
        if name in self._views and value is not self._views[name]:
            self._data[name] = self._views[name] = None  # the old view holds the buffer too

    def _set(self, name: str, view: np.ndarray) -> None:
        self._views[name] = view
        setattr(self._owner, name, view)

    @staticmethod
    def _allocate(spec: ColumnSpec, rows: int) -> np.ndarray:
        """An unfilled buffer: rows get their fill value when they come into use, so the spare
        capacity of a doubled buffer is never written and takes no resident memory (at
        1,000,000 SMBs the first entrants doubled every SMB array to 2,000,000 filled rows)."""
        return np.empty((rows, *spec.shape), dtype=spec.dtype)
