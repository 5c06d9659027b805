"""``core.sets.among``: membership of indices in a chosen set, as ``np.isin`` answers it."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulator.core.sets import among

SIZE = 50
indices = st.lists(st.integers(0, SIZE - 1), max_size=80)


@given(values=indices, chosen=indices)
def test_among_answers_as_isin(values: list[int], chosen: list[int]) -> None:
    """Same answer as ``np.isin`` for any indices below the size, repeated or empty, in any order."""
    values_ = np.array(values, dtype=np.int64)
    chosen_ = np.array(chosen, dtype=np.int64)
    assert np.array_equal(among(values_, chosen_, SIZE), np.isin(values_, chosen_))
    assert np.array_equal(among(values_, chosen, SIZE), np.isin(values_, chosen_))
