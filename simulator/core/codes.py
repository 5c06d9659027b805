"""Text held as small integer codes: one code per distinct text, in order of first use.

The event log's reasons and the ledger's end reasons repeat a few dozen texts over millions of
rows; an object array holds a pointer per row (and a string per row when the texts come from a
numpy text array), a code column 2 or 4 bytes. :class:`TextCodes` keeps the texts and turns
them into codes (:meth:`encode`) and back (:meth:`decode`, the same strings as object arrays).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


class TextCodes:
    """The texts seen so far, each with its code (its position).

    Parameters
    ----------
    first
        Texts to hold codes 0, 1, ... before any other (e.g. ``""`` for "none").
    """

    def __init__(self, *first: str) -> None:
        self._codes: dict[str, int] = {}
        for text in first:
            self.code(text)

    @property
    def texts(self) -> list[str]:
        """The text of each code."""
        return list(self._codes)

    def code(self, text: str) -> int:
        """The code of ``text`` (as ``str``), new if it was not seen before."""
        return self._codes.setdefault(str(text), len(self._codes))

    def encode(self, texts: str | np.ndarray, n: int, dtype: type = np.int32) -> np.ndarray:
        """Codes of ``n`` rows: one text for all rows, or one per row."""
        if np.ndim(texts) == 0:
            return np.full(n, self.code(str(texts)), dtype=dtype)
        # a hash table of the few distinct texts, not a sort of every row's string
        values = np.asarray(texts, dtype=object).reshape(-1)
        inverse, unique = pd.factorize(values, use_na_sentinel=False)
        if pd.isna(unique).any():  # factorize merges None with NaN; their texts differ
            inverse, unique = pd.factorize(values.astype(str), use_na_sentinel=False)
        unique = [str(text) for text in unique]
        for text in sorted(unique):  # texts new to the codes are numbered in sorted order
            self.code(text)
        codes = np.array([self.code(text) for text in unique], dtype=dtype)
        return np.broadcast_to(codes[inverse], (n,)).copy()

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """The texts of ``codes`` as an object array (each distinct text one shared string)."""
        return np.array(self.texts, dtype=object)[codes]


def shared_texts(texts: Sequence[str], codes: np.ndarray) -> np.ndarray:
    """An object array of ``texts[codes]`` in which each distinct text is one shared string.

    Reasons travel with each alliance as object arrays of a few texts; ``np.full(n, text,
    dtype=object)`` or ``astype(object)`` would make a new Python string per row (6.5 ms for
    50,000 rows against 0.1 ms).
    """
    return np.array(texts, dtype=object)[codes]
