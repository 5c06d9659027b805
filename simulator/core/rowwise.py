"""Sums and means over a short last axis (the competence dimensions), at column speed.

``capability.mean(axis=1)`` over an (n, 5) array runs numpy's reduction once per row: about
45 ns a row, three to four times the cost of adding the five columns as whole arrays. For a last
axis shorter than 8 numpy adds a row's elements one after another, left to right (its pairwise
summation only unrolls from 8 elements on), so adding the columns left to right gives the same
bits; :func:`last_axis_sum` does that and leaves longer axes to numpy. ``tests/test_rowwise.py``
checks the equality against numpy itself, so a numpy release that changes its order is caught.
"""

from __future__ import annotations

import numpy as np

SEQUENTIAL_WIDTH = 8
"""Last-axis lengths below this are summed by numpy strictly left to right."""


def last_axis_sum(values: np.ndarray) -> np.ndarray:
    """``values.sum(axis=-1)``, bit for bit, adding whole columns when the last axis is short.

    Parameters
    ----------
    values
        Float array of at least one dimension.

    Returns
    -------
    numpy.ndarray
        A new array of ``values.shape[:-1]``.
    """
    width = values.shape[-1]
    if values.ndim < 2 or not 1 <= width < SEQUENTIAL_WIDTH or values.dtype != np.float64:
        return values.sum(axis=-1)
    total = values[..., 0].copy()
    for column in range(1, width):
        total += values[..., column]
    return total


def last_axis_mean(values: np.ndarray) -> np.ndarray:
    """``values.mean(axis=-1)``, bit for bit (the sum of :func:`last_axis_sum` over the width)."""
    width = values.shape[-1]
    if values.ndim < 2 or not 1 <= width < SEQUENTIAL_WIDTH or values.dtype != np.float64:
        return values.mean(axis=-1)
    total = last_axis_sum(values)
    total /= width
    return total
