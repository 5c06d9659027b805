"""Per-SMB history of the quantities resilience is measured on, one row per step.

The time series keep totals only; measuring how each firm absorbs a shock (and comparing it
with the same firm in the no-shock twin) needs each SMB's own path. :class:`FirmHistory` keeps,
after every step, each SMB's revenue and net income (0 once it has failed) and whether it is
alive (``n_smbs x steps`` values per quantity, never written as a file). Without a shock
nothing reads it, so a history with ``keep`` false records nothing: at 1,000,000 SMBs and 120
steps it would take 2 GB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


class FirmHistory:
    """Each SMB's revenue, net income and survival at the end of every step so far."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep
        """Whether :meth:`record` keeps anything (the model keeps it when shocks are scheduled)."""
        self.steps: list[int] = []
        self._revenue: list[np.ndarray] = []
        self._net_income: list[np.ndarray] = []
        self._alive: list[np.ndarray] = []

    @classmethod
    def from_arrays(
        cls, steps: np.ndarray, revenue: np.ndarray, net_income: np.ndarray, alive: np.ndarray
    ) -> FirmHistory:
        """A history from ``(n_smbs, steps)`` arrays (e.g. a planted series in a test)."""
        history = cls()
        history.steps = [int(t) for t in steps]
        history._revenue = list(np.asarray(revenue, dtype=float).T)
        history._net_income = list(np.asarray(net_income, dtype=float).T)
        history._alive = list(np.asarray(alive, dtype=bool).T)
        return history

    def record(self, model: EcosystemModel) -> None:
        """Append this step's values (call once per step, after failures), if kept."""
        if not self.keep:
            return
        smbs = model.smbs
        self.steps.append(int(model.steps))
        self._alive.append(smbs.alive.copy())
        self._revenue.append(np.where(smbs.alive, smbs.revenue, 0.0))
        self._net_income.append(np.where(smbs.alive, smbs.net_income, 0.0))

    @property
    def revenue(self) -> np.ndarray:
        """Revenue, shape ``(n_smbs, steps)`` (0 after failure)."""
        return _stack(self._revenue)

    @property
    def net_income(self) -> np.ndarray:
        """Net income, shape ``(n_smbs, steps)`` (0 after failure)."""
        return _stack(self._net_income)

    @property
    def alive(self) -> np.ndarray:
        """Whether each SMB is alive at the end of each step, shape ``(n_smbs, steps)``."""
        return _stack(self._alive, dtype=bool)

    def series(self, measure: str) -> np.ndarray:
        """The ``revenue`` or ``net_income`` array."""
        return {"revenue": self.revenue, "net_income": self.net_income}[measure]


def _stack(rows: list[np.ndarray], dtype: type = float) -> np.ndarray:
    if not rows:
        return np.zeros((0, 0), dtype=dtype)
    width = max(len(r) for r in rows)  # a population that grows gets zero (dead) padding before entry
    out = np.zeros((width, len(rows)), dtype=dtype)
    for t, row in enumerate(rows):
        out[: len(row), t] = row
    return out
