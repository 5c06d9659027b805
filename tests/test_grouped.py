"""Row updates by repeated index give numpy's ``ufunc.at`` results bit for bit (outputs stay identical)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.core.grouped import rows_at


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(1, 12),
    width=st.integers(1, 5),
    count=st.integers(0, 80),
    seed=st.integers(0, 2**32 - 1),
)
def test_row_updates_equal_ufunc_at_bit_for_bit(rows: int, width: int, count: int, seed: int) -> None:
    """Repeated rows add in the given order, from the target's value, as np.add.at does: values
    of very different magnitudes make any other order differ in the last bits."""
    rng = np.random.default_rng(seed)
    index = rng.integers(0, rows, count).astype(np.int32)
    values = rng.normal(size=(count, width)) * 10.0 ** rng.uniform(-12, 12, (count, 1))
    start = rng.normal(size=(rows, width))
    for ufunc in (np.add, np.maximum):
        expected, got = start.copy(), start.copy()
        ufunc.at(expected, index, values)
        rows_at(ufunc, got, index, values)
        assert got.tobytes() == expected.tobytes()


def test_a_bincount_total_would_not_be_bit_identical() -> None:
    """Why the order matters: adding a group's total once differs from adding its values one by one."""
    target, index, values = np.array([1.0]), np.array([0, 0]), np.array([1e-16, 1e-16])
    in_order = target.copy()
    rows_at(np.add, in_order.reshape(1, 1), index, values.reshape(2, 1))
    assert in_order[0] == 1.0  # each 1e-16 is lost against 1.0
    assert target[0] + np.bincount(index, weights=values)[0] > 1.0  # their total of 2e-16 is not


def test_a_target_that_is_not_contiguous_is_updated_in_place() -> None:
    """Each column is updated through a view, so a column slice of a wider array changes too."""
    wide = np.zeros((4, 3))
    rows_at(np.add, wide[:, :2], np.array([1, 1, 3]), np.array([[1.0, 2.0], [10.0, 20.0], [5.0, 6.0]]))
    assert wide.tolist() == [[0.0, 0.0, 0.0], [11.0, 22.0, 0.0], [0.0, 0.0, 0.0], [5.0, 6.0, 0.0]]
