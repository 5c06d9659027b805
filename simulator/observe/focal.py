"""What happens to the focal firm: its state every step (``focal.parquet``) and its outcomes
(``summary.json``'s ``focal``), the numbers ``ecosim-plan`` compares strategies on.

The outcomes (docs/ODD.md 9.12):

- ``survived``, ``exit_step`` and ``exit_cause``: whether the firm is alive at the horizon, and if
  not when and why it left (``cash_flow`` or ``owner_exit``);
- ``revenue_growth``: revenue at the horizon over revenue at step 0, minus 1 (-1 if it exited);
- ``net_income_total``: net income summed over the run, in months of its revenue at step 0;
- ``cash_end``: cash at the horizon (or when it exited), in months of its revenue at step 0;
- ``dependence_end`` and ``dependence_max``: the largest counterpart's share of its revenue
  (``largest_channel_share``) at the last step it was alive, and the largest over the run;
  ``revenue_at_risk_end``: the revenue it would lose if that counterpart left
  (:func:`simulator.observe.dependence.dependence`) at the horizon;
- with shocks, ``resilience``: the firm's own shock response
  (:func:`simulator.observe.resilience.shock_response` on its revenue, net income and cash),
  against its no-shock twin self when the run has a twin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from simulator.core.vocabulary import EXIT_CAUSES
from simulator.observe.dependence import dependence
from simulator.observe.resilience import shock_response

if TYPE_CHECKING:
    from simulator.model import EcosystemModel

FOCAL_COLUMNS: dict[str, str] = {
    "step": "the step (month; 0 is the state before the first step)",
    "alive": "whether the focal firm is in business",
    "revenue": "its revenue in the step (0 once it has exited)",
    "net_income": "its net income in the step (0 once it has exited)",
    "cash": "its cash at the end of the step (frozen at its exit)",
    "largest_channel_share": "share of its revenue through its largest channel (0 once it has exited)",
    "platform_fees": "fees it paid to platforms in the step",
    "alliances": "alliances and platform memberships it holds",
}
"""Columns of ``focal.parquet`` (one row per step) and their meaning."""


class Outcome(NamedTuple):
    """One outcome of the focal firm a plan can judge on."""

    meaning: str
    better: int
    """+1 if more is better, -1 if less is better."""


OUTCOMES: dict[str, Outcome] = {
    "survived": Outcome("1 if the focal firm is in business at the horizon, else 0", 1),
    "months_survived": Outcome("months it was in business over the run", 1),
    "revenue_growth": Outcome("revenue at the horizon over revenue at step 0, minus 1 (-1 if it exited)", 1),
    "net_income_total": Outcome("net income over the run, in months of its revenue at step 0", 1),
    "cash_end": Outcome("cash at the horizon (or at its exit), in months of its revenue at step 0", 1),
    "dependence_end": Outcome("largest counterpart's share of its revenue at the last step it was alive", -1),
    "dependence_max": Outcome("largest counterpart's largest share of its revenue over the run", -1),
    "revenue_at_risk_end": Outcome(
        "share of its revenue lost if its most important counterpart left, at the horizon", -1
    ),
    "revenue_loss_vs_twin": Outcome(
        "revenue lost after the first shock against its no-shock twin self, over the twin's", -1
    ),
    "net_income_loss_vs_twin": Outcome(
        "net income lost after the first shock against its twin self, over the twin's revenue", -1
    ),
}
"""The numeric outcomes of ``summary.json``'s ``focal`` block that plans compare (objective and
thresholds), with their meaning and which way is better: defined here once, read by the planner
and the README's generated table."""


class FocalRecord:
    """The focal firm's state, one row per step (cheap: a few numbers per step).

    Parameters
    ----------
    index
        The focal firm's row in ``model.smbs``.
    """

    def __init__(self, index: int) -> None:
        self.index = index
        self.rows: list[tuple[Any, ...]] = []

    def record(self, model: EcosystemModel) -> None:
        """Append the current step's row."""
        smbs, i = model.smbs, self.index
        alive = bool(smbs.alive[i])
        held = int(model.ledger.active_count_by_smb(smbs.n)[i])
        self.rows.append(
            (
                int(model.steps),
                alive,
                float(smbs.revenue[i]) if alive else 0.0,
                float(smbs.net_income[i]) if alive else 0.0,
                float(smbs.cash[i]),
                float(smbs.largest_channel_share[i]) if alive else 0.0,
                float(smbs.platform_fees[i]) if alive else 0.0,
                held,
            )
        )

    def frame(self) -> pd.DataFrame:
        """The rows as ``focal.parquet``'s table."""
        return pd.DataFrame(self.rows, columns=list(FOCAL_COLUMNS))


def focal_summary(model: EcosystemModel, twin: EcosystemModel | None = None) -> dict[str, Any]:
    """The focal firm's outcomes over the run (see the module doc)."""
    record: FocalRecord = model.focal
    table = record.frame()
    smbs, i = model.smbs, record.index
    start = float(table.revenue.iloc[0])
    unit = start if start > 0 else 1.0
    alive = table.alive.to_numpy()
    lived = table[alive & (table.step > 0)]
    survived = bool(smbs.alive[i])
    cause = int(smbs.exit_cause[i])
    out: dict[str, Any] = {
        "name": model.config.focal.name,
        "strategy": model.strategies[int(smbs.strategy_id[i])].name,
        "index": i,
        "survived": survived,
        "exit_step": None if survived else int(smbs.failed_step[i]),
        "exit_cause": None if cause < 0 else EXIT_CAUSES[cause],
        "months_survived": len(lived),
        "revenue_start": start,
        "revenue_end": float(table.revenue.iloc[-1]),
        "revenue_growth": float(table.revenue.iloc[-1] / unit - 1.0) if survived else -1.0,
        "net_income_total": float(table.net_income.iloc[1:].sum() / unit),
        "cash_end": float(table.cash.iloc[-1] / unit),
        "dependence_end": float(lived.largest_channel_share.iloc[-1]) if len(lived) else 0.0,
        "dependence_max": float(lived.largest_channel_share.max()) if len(lived) else 0.0,
        "revenue_at_risk_end": float(dependence(model).revenue_at_risk[i]) if survived else 0.0,
    }
    if model.config.shocks:
        out["resilience"] = _response(model, table, twin)
        if twin is not None:
            out["revenue_loss_vs_twin"] = out["resilience"]["loss_vs_twin"]
            out["net_income_loss_vs_twin"] = out["resilience"]["net_income_loss_vs_twin"]
    return out


def _response(model: EcosystemModel, table: pd.DataFrame, twin: EcosystemModel | None) -> dict[str, Any]:
    """The focal firm's shock response, against its twin self when there is a twin."""
    start = min(shock.start for shock in model.config.shocks)
    steps = table.step.to_numpy()
    twin_table = None if twin is None else twin.focal.frame()
    response = shock_response(
        steps,
        table.revenue.to_numpy(),
        table.alive.to_numpy().astype(np.int64),
        start,
        model.config.resilience,
        None if twin_table is None else twin_table.revenue.to_numpy(),
        {"net_income": table.net_income.to_numpy(), "cash": table.cash.to_numpy()},
        None if twin_table is None else {m: twin_table[m].to_numpy() for m in ("net_income", "cash")},
    )
    return response
