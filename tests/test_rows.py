"""A RowStore lets go of a column's buffer when its owner rebinds the attribute (simulator.core.rows)."""

from __future__ import annotations

import gc
import weakref

import numpy as np

from simulator.core.rows import ColumnSpec, RowOwner, RowStore


class Firms(RowOwner):
    def __init__(self, n: int) -> None:
        self._rows = RowStore(self, n, {"cash": ColumnSpec(np.float64), "alive": ColumnSpec(np.bool_, fill=True)})


def test_rebinding_frees_the_stale_buffer() -> None:
    firms = Firms(4)
    stale = weakref.ref(firms._rows._data["cash"])
    alive_buffer = firms._rows._data["alive"]
    firms.cash = np.arange(4.0)  # rebound: the buffer's copy of the column is stale
    gc.collect()
    assert stale() is None
    firms.cash += 1.0  # in place on the rebound array: nothing else let go
    firms.alive[0] = False  # in place on the buffer's view: kept
    rows = firms._rows.grow(3)
    assert rows == slice(4, 7) and firms._rows.capacity == 8
    assert firms.cash.tolist() == [1.0, 2.0, 3.0, 4.0, 0.0, 0.0, 0.0]
    assert firms.alive.tolist() == [False, True, True, True, True, True, True]
    assert firms._rows._data["alive"] is not alive_buffer  # doubled: every buffer reallocated
    firms.cash = firms.cash * 2  # rebound within capacity: a new buffer at the next growth
    firms._rows.grow(1)
    assert firms._rows.capacity == 8
    assert firms.cash.tolist() == [2.0, 4.0, 6.0, 8.0, 0.0, 0.0, 0.0, 0.0]
    assert firms.cash.base is firms._rows._data["cash"]


def test_owner_without_the_hook_keeps_its_buffers() -> None:
    class Plain:
        def __init__(self, n: int) -> None:
            self._rows = RowStore(self, n, {"cash": ColumnSpec(np.float64)})

    firms = Plain(2)
    buffer = firms._rows._data["cash"]
    firms.cash = np.ones(2)
    firms._rows.grow(0)
    assert firms._rows._data["cash"] is buffer and firms.cash.tolist() == [1.0, 1.0]
