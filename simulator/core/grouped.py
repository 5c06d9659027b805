"""Unbuffered in-place updates of rows by index (``target[index] += values`` with repeated
indices), at numpy's one-dimensional speed.

``np.add.at`` on a 2-D array with a row index takes numpy's slow general path (about 0.1 µs per
element); on a 1-D array it takes a fast path (a few ns per element). :func:`rows_at` views the
rows as one flat array and applies the ufunc there: each element receives exactly the updates
``ufunc.at(target, index, values)`` would make, in the same order, so the result is bit for bit
the same. A ``np.bincount`` total added once would not be: repeated indices must add one after
another starting from the target's value (floating-point addition is not associative), and the
model's outputs are kept byte-identical across speed-ups.
"""

from __future__ import annotations

import numpy as np


def rows_at(ufunc: np.ufunc, target: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """``ufunc.at(target, index, values)`` for a C-contiguous 2-D ``target``, bit for bit
    (``np.add``: add the rows given for each row; ``np.maximum``: keep the elementwise largest).

    Parameters
    ----------
    ufunc
        A binary ufunc, e.g. ``np.add`` or ``np.maximum``.
    target
        Array of shape (rows, width), updated in place.
    index
        Row of ``target`` for each row of ``values`` (may repeat).
    values
        Array of shape (len(index), width).

    Raises
    ------
    ValueError
        If ``target`` is not C-contiguous (its flat view would be a copy and the update lost).
    """
    if not target.flags.c_contiguous:
        raise ValueError("rows_at needs a C-contiguous target: a flat view of this one would be a copy")
    width = target.shape[1]
    flat = (np.asarray(index, dtype=np.intp)[:, None] * width + np.arange(width)).ravel()
    ufunc.at(target.reshape(-1), flat, np.ascontiguousarray(values).ravel())
