"""Unbuffered in-place updates of rows by index (``target[index] += values`` with repeated
indices), at numpy's one-dimensional speed.

``np.add.at`` on a 2-D array with a row index takes numpy's slow general path (about 0.1 µs per
element); on a 1-D array it takes a fast path (a few ns per element). :func:`add_rows_at` views
the rows as one flat array and adds there: each element receives exactly the additions
``np.add.at(target, index, values)`` would make, in the same order, so the result is bit for bit
the same. A ``np.bincount`` total added once would not be: repeated indices must add one after
another starting from the target's value (floating-point addition is not associative), and the
model's outputs are kept byte-identical across speed-ups.

:func:`max_rows_into` does the same for ``np.maximum.at``.
"""

from __future__ import annotations

import numpy as np


def add_rows_at(target: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """``np.add.at(target, index, values)`` for a C-contiguous 2-D ``target``, bit for bit.

    Parameters
    ----------
    target
        Array of shape (rows, width), updated in place.
    index
        Row of ``target`` for each row of ``values`` (may repeat).
    values
        Array of shape (len(index), width).
    """
    np.add.at(target.reshape(-1), _flat(index, target.shape[1]), np.ascontiguousarray(values).ravel())


def max_rows_into(target: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """``np.maximum.at(target, index, values)`` for a C-contiguous 2-D ``target``: each row
    becomes the elementwise largest of itself and the rows given for it.

    Parameters
    ----------
    target
        Array of shape (rows, width), updated in place.
    index
        Row of ``target`` for each row of ``values`` (may repeat).
    values
        Array of shape (len(index), width).
    """
    np.maximum.at(target.reshape(-1), _flat(index, target.shape[1]), np.ascontiguousarray(values).ravel())


def _flat(index: np.ndarray, width: int) -> np.ndarray:
    """Flat positions of every element of the rows ``index`` of a C-contiguous (rows, width) array."""
    return (np.asarray(index, dtype=np.intp)[:, None] * width + np.arange(width)).ravel()
