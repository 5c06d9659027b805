"""Powers of one number to many small whole exponents, from a table.

``base ** ages`` over tens of thousands of alliances calls ``pow`` once per alliance, while the
ages are whole numbers of steps, at most the run's length: :func:`whole_powers` computes
``base ** k`` once for each ``k`` up to the largest exponent and looks the values up. numpy's
``power`` gives each element the same bits whatever the other elements are, so the table holds
exactly the numbers the direct form gives (``tests/test_powers.py`` checks it against numpy).
"""

from __future__ import annotations

import numpy as np


def whole_powers(base: float, exponents: np.ndarray) -> np.ndarray:
    """``base ** exponents``, bit for bit, for non-negative whole ``exponents``.

    Parameters
    ----------
    base
        The number raised.
    exponents
        Non-negative integers (an integer array), each at most a few thousand.

    Returns
    -------
    numpy.ndarray
        A new float array of ``exponents.shape``.
    """
    if exponents.size == 0:
        return np.empty(exponents.shape)
    if exponents.min() < 0:
        raise ValueError(f"whole_powers takes non-negative exponents, got {int(exponents.min())}")
    return (base ** np.arange(int(exponents.max()) + 1, dtype=exponents.dtype))[exponents]
