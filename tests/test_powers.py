"""Powers from a table of whole exponents equal numpy's power element by element."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.core.powers import whole_powers


@pytest.mark.parametrize("base", [0.9, 1.0 - 0.15, 0.5, 1.0 - 1e-7, 1.3])
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_whole_powers_equal_numpy_power_bit_for_bit(base: float, dtype: type) -> None:
    exponents = np.random.default_rng(7).integers(0, 400, 5_000).astype(dtype)
    assert np.array_equal(whole_powers(base, exponents), base**exponents)
    assert whole_powers(base, exponents[:0]).shape == (0,)


def test_negative_exponents_are_refused() -> None:
    """A negative exponent would index the table from its end: a wrong number, silently."""
    with pytest.raises(ValueError, match="non-negative"):
        whole_powers(0.9, np.array([3, -1]))
