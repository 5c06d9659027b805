"""Text codes: each distinct text of a batch gets one code, new texts numbered in sorted order."""

from __future__ import annotations

import numpy as np

from simulator.core.codes import TextCodes


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
