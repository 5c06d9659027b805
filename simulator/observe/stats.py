"""Numeric building blocks of the metrics: growth, shares, concentration, inequality."""

from __future__ import annotations

from typing import Any

import numpy as np


def compound_growth(current: Any, initial: Any, periods: Any) -> Any:
    """Compound per-period growth rate ``(current / initial) ** (1 / periods) - 1``.

    Zero when ``periods`` < 1; -1 where current revenue is zero; 0 where initial is zero.
    ``periods`` may also be an array, one per value.
    """
    current = np.asarray(current, dtype=float)
    initial = np.asarray(initial, dtype=float)
    if np.ndim(periods):
        ratio = np.where(initial > 0, current / np.where(initial > 0, initial, 1.0), 1.0)
        rate = np.power(np.maximum(ratio, 0.0), 1.0 / np.maximum(periods, 1)) - 1.0
        return np.where(np.asarray(periods) >= 1, rate, 0.0)
    if periods < 1:
        return np.zeros_like(current) if current.ndim else 0.0
    ratio = np.where(initial > 0, current / np.where(initial > 0, initial, 1.0), 1.0)
    rate = np.power(np.maximum(ratio, 0.0), 1.0 / periods) - 1.0
    return rate if rate.ndim else float(rate)


def herfindahl(values: np.ndarray) -> float:
    """Herfindahl index of the shares of ``values`` (0 when they sum to 0)."""
    return float((sales_shares(values) ** 2).sum())


def sales_shares(values: np.ndarray) -> np.ndarray:
    """Shares of each entry in the total (zeros when the total is 0)."""
    total = values.sum()
    return values / total if total > 0 else np.zeros_like(values, dtype=float)


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 for fewer than two or an all-zero array)."""
    v = np.sort(np.asarray(values, dtype=float))
    n = len(v)
    if n < 2 or v.sum() <= 0:
        return 0.0
    cum = np.cumsum(v)
    return float((n + 1 - 2 * (cum.sum() / cum[-1])) / n)


def quantile(values: np.ndarray, q: float) -> float:
    """The ``q`` quantile (numpy's linear interpolation), 0 for an empty array."""
    return float(np.quantile(values, q)) if len(values) else 0.0


def mean(values: np.ndarray) -> float:
    """The mean, 0 for an empty array."""
    return float(values.mean()) if len(values) else 0.0


def median(values: np.ndarray) -> float:
    """The median, 0 for an empty array."""
    return float(np.median(values)) if len(values) else 0.0
