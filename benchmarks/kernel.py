"""A vectorized kernel of one step's minimal work: the speed limit the benchmark compares against.

Every step the model must at least, for each SMB, split its market over its channels (direct
sales plus each active alliance's channel weight), pay each counterpart its share, and sum the
results per SMB and per counterpart; these are the ledger's bincounts over active alliances.
:func:`kernel_step` does exactly that in a handful of numpy calls over arrays of the model's
size (N SMBs, A active alliances, C counterparts), with no mechanism, decision or record. A
model step cannot be cheaper than this; the benchmark reports how many times slower it is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np


@dataclass
class KernelState:
    """Arrays of one model's size: alliance columns and per-SMB demand."""

    smb: np.ndarray
    counterpart: np.ndarray
    weight: np.ndarray
    trust: np.ndarray
    share: np.ndarray
    demand: np.ndarray
    direct_weight: np.ndarray
    n_counterparts: int


def make_state(n_smbs: int, n_alliances: int, n_counterparts: int, seed: int = 0) -> KernelState:
    """Random arrays with ``n_alliances`` alliances spread over ``n_smbs`` SMBs."""
    rng = np.random.default_rng(seed)
    return KernelState(
        smb=np.sort(rng.integers(0, n_smbs, n_alliances)).astype(np.int32),
        counterpart=rng.integers(0, max(n_counterparts, 1), n_alliances).astype(np.int32),
        weight=rng.random(n_alliances),
        trust=rng.random(n_alliances),
        share=rng.uniform(0.05, 0.3, n_alliances),
        demand=rng.lognormal(4.6, 0.8, n_smbs),
        direct_weight=rng.uniform(0.3, 1.0, n_smbs),
        n_counterparts=max(n_counterparts, 1),
    )


def kernel_step(state: KernelState) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Revenue over channels and the ledger's per-SMB and per-counterpart bincounts.

    Returns
    -------
    tuple of numpy.ndarray
        Each SMB's net revenue, alliances held and revenue HHI, and each counterpart's income.
    """
    n = len(state.demand)
    smb = state.smb
    weight = state.weight * (0.5 + 0.5 * state.trust)
    total = state.direct_weight + np.bincount(smb, weights=weight, minlength=n)
    channel_revenue = state.demand[smb] * weight / total[smb]
    payment = channel_revenue * state.share
    revenue = state.demand * state.direct_weight / total + np.bincount(smb, weights=channel_revenue, minlength=n)
    paid = np.bincount(smb, weights=payment, minlength=n)
    held = np.bincount(smb, minlength=n)
    squares = np.bincount(smb, weights=channel_revenue**2, minlength=n)
    hhi = squares / np.maximum(revenue, 1e-12) ** 2
    income = np.bincount(state.counterpart, weights=payment, minlength=state.n_counterparts)
    state.trust = np.minimum(1.0, state.trust + 0.01 * (payment > 0))
    return revenue - paid, held, hhi, income


def time_kernel(n_smbs: int, n_alliances: int, n_counterparts: int, steps: int) -> float:
    """Mean seconds per kernel step at the given sizes, after one warm-up step."""
    state = make_state(n_smbs, n_alliances, n_counterparts)
    kernel_step(state)
    start = time.perf_counter()
    for _ in range(steps):
        kernel_step(state)
    return (time.perf_counter() - start) / steps
