"""Per-firm arrays that grow with the population: columns over a shared row count.

A population whose firms enter during the run (new SMBs) keeps each of its per-firm arrays in a
:class:`RowStore`: one buffer per array with spare capacity, doubled when full, so adding firms
costs amortized constant time per firm instead of a reallocation of every array at every entry
(as :class:`~simulator.core.ledger.AllianceLedger` does for alliances). A :class:`Column`
declared on the population class reads as an ordinary numpy array of the current rows::

    class Firms:
        cash = Column(np.float64)
        alive = Column(np.bool_, fill=True)

        def __init__(self, n):
            self._rows = RowStore(n, columns_of(Firms))

    firms.cash[3] += 1.0            # writes the buffer
    firms.cash = np.zeros(firms.n)  # copies into the buffer (the length must be the row count)

A view read before the store grows does not see the new rows; read the attribute again.
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


class RowStore:
    """Arrays with a common number of rows that grow together by capacity doubling.

    Parameters
    ----------
    n
        Initial number of rows.
    columns
        Each column's name and :class:`ColumnSpec`.
    """

    def __init__(self, n: int, columns: dict[str, ColumnSpec]) -> None:
        self.n = int(n)
        self._capacity = max(self.n, 1)
        self._specs = dict(columns)
        self._data = {name: self._allocate(spec, self._capacity) for name, spec in self._specs.items()}

    @property
    def capacity(self) -> int:
        """Rows allocated (at least :attr:`n`)."""
        return self._capacity

    def view(self, name: str) -> np.ndarray:
        """The current rows of column ``name``."""
        return self._data[name][: self.n]

    def grow(self, k: int) -> slice:
        """Append ``k`` rows, each at its column's fill value; return the new rows' slice."""
        start = self.n
        needed = start + int(k)
        if needed > self._capacity:
            capacity = self._capacity
            while capacity < needed:
                capacity *= 2
            for name, spec in self._specs.items():
                grown = self._allocate(spec, capacity)
                grown[:start] = self._data[name][:start]
                self._data[name] = grown
            self._capacity = capacity
        else:
            for name, spec in self._specs.items():
                self._data[name][start:needed] = spec.fill
        self.n = needed
        return slice(start, needed)

    @staticmethod
    def _allocate(spec: ColumnSpec, rows: int) -> np.ndarray:
        return np.full((rows, *spec.shape), spec.fill, dtype=spec.dtype)


class Column:
    """A per-firm array attribute kept in the owner's :class:`RowStore`.

    Parameters
    ----------
    dtype
        Element type.
    fill
        Value of a row when the store grows (and of every row at allocation).
    store
        Name of the owner's attribute holding the :class:`RowStore`.
    """

    def __init__(self, dtype: Any = np.float64, fill: Any = 0, store: str = "_rows") -> None:
        self.dtype = dtype
        self.fill = fill
        self.store = store
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(obj, self.store).view(self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        getattr(obj, self.store).view(self.name)[...] = value


def columns_of(
    cls: type, store: str = "_rows", shapes: dict[str, tuple[int, ...]] | None = None
) -> dict[str, ColumnSpec]:
    """The :class:`ColumnSpec` of every :class:`Column` of ``cls`` (and its bases) kept in ``store``.

    Parameters
    ----------
    cls
        The population class.
    store
        Which of its stores.
    shapes
        The shape of one row for columns that are not scalars per firm, e.g. ``{"capability": (5,)}``.
    """
    shapes = shapes or {}
    specs: dict[str, ColumnSpec] = {}
    for klass in reversed(cls.__mro__):
        for name, attr in vars(klass).items():
            if isinstance(attr, Column) and attr.store == store:
                specs[name] = ColumnSpec(attr.dtype, attr.fill, tuple(shapes.get(name, ())))
    return specs
