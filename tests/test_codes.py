"""Text codes: each distinct text of a batch gets one code, new texts numbered in sorted order."""

from __future__ import annotations

import numpy as np

from simulator.core.codes import TextCodes, shared_texts


def test_codes_number_new_texts_in_sorted_order_and_keep_old_ones() -> None:
    codes = TextCodes("")
    first = codes.encode(np.array(["b", "a", "b"], dtype=object), 3)
    assert codes.texts == ["", "a", "b"] and first.tolist() == [2, 1, 2]
    again = codes.encode(np.array(["c", "b"], dtype=object), 2)
    assert codes.texts == ["", "a", "b", "c"] and again.tolist() == [3, 2]
    assert codes.encode("a", 4).tolist() == [1, 1, 1, 1]
    assert codes.decode(again).tolist() == ["c", "b"]


def test_missing_texts_keep_their_own_text() -> None:
    """None and NaN are different texts ("None", "nan"), as str() of each row would give."""
    codes = TextCodes()
    encoded = codes.encode(np.array(["b", None, float("nan"), None], dtype=object), 4)
    assert codes.decode(encoded).tolist() == ["b", "None", "nan", "None"]


def test_shared_texts_hold_one_string_per_distinct_text() -> None:
    reasons = shared_texts(["underperforming", "over_dependent"], np.array([0, 1, 1, 0]))
    assert reasons.tolist() == ["underperforming", "over_dependent", "over_dependent", "underperforming"]
    assert reasons[0] is reasons[3] and reasons[1] is reasons[2]
