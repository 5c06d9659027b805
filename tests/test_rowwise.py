"""Column-wise sums over a short last axis give numpy's own bits (simulator.core.rowwise)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.core.rowwise import last_axis_mean, last_axis_sum


@pytest.mark.parametrize("width", range(1, 11))
@pytest.mark.parametrize("shape", [(2_000,), (40, 50)])
def test_same_bits_as_numpy(width: int, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(width)
    # magnitudes far apart, so that any other order of additions rounds differently
    values = rng.random((*shape, width)) * rng.choice([1e-9, 1.0, 1e9], size=(*shape, width))
    assert np.array_equal(last_axis_sum(values).view(np.uint64), values.sum(axis=-1).view(np.uint64))
    assert np.array_equal(last_axis_mean(values).view(np.uint64), values.mean(axis=-1).view(np.uint64))


def test_non_contiguous_and_special_values() -> None:
    values = np.random.default_rng(1).random((300, 10))[:, ::2]  # a strided view, width 5
    values[0, 1], values[1, 2], values[2, 3] = np.nan, np.inf, -0.0
    assert np.array_equal(last_axis_sum(values), values.sum(axis=-1), equal_nan=True)
    assert np.array_equal(last_axis_mean(values), values.mean(axis=-1), equal_nan=True)


def test_inputs_are_not_modified() -> None:
    values = np.ones((10, 5))
    last_axis_mean(values)
    assert np.array_equal(values, np.ones((10, 5)))
