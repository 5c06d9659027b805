"""Resilience: how revenue absorbs a shock, and how robust the alliance network is.

- Shock response (after the first scheduled shock, at step ``t0``): the pre-shock level ``L``
  is the mean total revenue over the ``resilience.pre_shock_window`` steps before ``t0``; the
  depth is ``1 - min_{t >= t0} R_t / L``; recovery is the number of steps from ``t0`` until
  revenue, after its trough, is back to ``resilience.recovery_fraction x L`` (censored, i.e.
  ``None`` with ``recovered`` false, if it never is); survival through the shock is the share
  of SMBs alive before ``t0`` still alive at the end; the loss against the no-shock twin is
  ``sum_{t >= t0} (R^twin_t - R_t) / sum_{t >= t0} R^twin_t``.
- Network robustness: the share of all nodes in the largest connected component of the
  alliance network (SMBs, partners, platforms as nodes; active alliances as edges) after
  removing a growing share of nodes, either at random or highest-degree first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from simulator.config import ResilienceConfig
from simulator.core.seeds import stream
from simulator.core.vocabulary import PLATFORM_KIND

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


def shock_response(
    steps: np.ndarray,
    revenue: np.ndarray,
    alive: np.ndarray,
    shock_start: int,
    config: ResilienceConfig,
    twin_revenue: np.ndarray | None = None,
) -> dict[str, Any]:
    """Depth, recovery, survival and loss against the twin of one revenue series.

    Parameters
    ----------
    steps
        Step numbers of the series (ascending).
    revenue
        Total revenue at each step.
    alive
        SMBs alive at each step.
    shock_start
        Step of the first shock.
    config
        Resilience settings.
    twin_revenue
        The no-shock twin's revenue at the same steps, if it was run.

    Returns
    -------
    dict
        ``shock_start``, ``pre_shock_revenue``, ``trough_revenue``, ``trough_step``, ``depth``,
        ``recovery_steps`` (None if censored), ``recovered``, ``survival_through_shock`` and
        ``loss_vs_twin`` (None without a twin).
    """
    before = (steps < shock_start) & (steps >= shock_start - config.pre_shock_window)
    after = steps >= shock_start
    level = float(revenue[before].mean()) if before.any() else float(revenue[after][0])
    after_rev = revenue[after]
    after_steps = steps[after]
    trough = int(np.argmin(after_rev))
    depth = max(0.0, 1.0 - after_rev[trough] / level) if level > 0 else 0.0
    back = np.flatnonzero(after_rev[trough:] >= config.recovery_fraction * level)
    recovery = int(after_steps[trough + back[0]] - shock_start) if len(back) else None
    alive_before = alive[steps < shock_start]
    base = alive_before[-1] if len(alive_before) else alive[0]
    loss = None
    if twin_revenue is not None:
        twin_after = twin_revenue[after]
        loss = float((twin_after - after_rev).sum() / twin_after.sum()) if twin_after.sum() > 0 else 0.0
    return {
        "shock_start": int(shock_start),
        "pre_shock_revenue": level,
        "trough_revenue": float(after_rev[trough]),
        "trough_step": int(after_steps[trough]),
        "depth": float(depth),
        "recovery_steps": recovery,
        "recovered": recovery is not None,
        "survival_through_shock": float(alive[-1] / base) if base > 0 else 0.0,
        "loss_vs_twin": loss,
    }


def network_robustness(model: EcosystemModel) -> dict[str, Any]:
    """Largest-component share of the alliance network under random and targeted removal.

    Returns
    -------
    dict
        ``fractions`` removed, the ``random`` and ``targeted`` curves of largest-component
        share (of all nodes before removal), and each curve's mean (``random_index``,
        ``targeted_index``; higher is more robust).
    """
    cfg = model.config.resilience
    smbs, partners, platforms, ledger = model.smbs, model.partners, model.platforms, model.ledger
    ids = ledger.active_ids
    on_platform = ledger.kind[ids] == PLATFORM_KIND
    other = ledger.counterpart[ids] + np.where(on_platform, smbs.n + partners.n, smbs.n)
    n_nodes = smbs.n + partners.n + platforms.n
    present = np.concatenate([smbs.alive, partners.alive, np.ones(platforms.n, dtype=bool)])
    nodes = np.flatnonzero(present)
    fractions = np.linspace(0.0, cfg.robustness_max_fraction, cfg.robustness_steps + 1)
    if len(nodes) == 0:
        zeros = [0.0] * len(fractions)
        return {
            "fractions": fractions.tolist(),
            "random": zeros,
            "targeted": zeros,
            "random_index": 0.0,
            "targeted_index": 0.0,
        }
    src, dst = ledger.smb[ids].astype(np.int64), other.astype(np.int64)
    degree = np.bincount(np.concatenate([src, dst]), minlength=n_nodes)
    rng = stream(model.config.seed, model.config.replicate, "robustness")
    orders = {
        "random": rng.permutation(nodes),
        "targeted": nodes[np.argsort(-degree[nodes], kind="stable")],
    }
    curves = {
        name: [
            _largest_share(n_nodes, present, src, dst, order[: round(f * len(nodes))], len(nodes)) for f in fractions
        ]
        for name, order in orders.items()
    }
    return {
        "fractions": [float(f) for f in fractions],
        **curves,
        "random_index": float(np.mean(curves["random"])),
        "targeted_index": float(np.mean(curves["targeted"])),
    }


def _largest_share(
    n_nodes: int, present: np.ndarray, src: np.ndarray, dst: np.ndarray, removed: np.ndarray, total: int
) -> float:
    keep = present.copy()
    keep[removed] = False
    edge_ok = keep[src] & keep[dst]
    graph = coo_matrix((np.ones(int(edge_ok.sum())), (src[edge_ok], dst[edge_ok])), shape=(n_nodes, n_nodes))
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels[keep], minlength=1)
    return float(sizes.max() / total) if keep.any() else 0.0


def resilience_summary(
    model: EcosystemModel,
    timeseries: Any,
    by_strategy: Any,
    twin_timeseries: Any | None = None,
    twin_by_strategy: Any | None = None,
) -> dict[str, Any] | None:
    """Shock response of the run and of each strategy group (None when no shock is scheduled)."""
    start = model.shocks.first_start
    if start is None:
        return None
    cfg = model.config.resilience

    def respond(frame: Any, twin: Any | None) -> dict[str, Any]:
        return shock_response(
            frame.step.to_numpy(),
            frame.total_revenue.to_numpy(),
            frame.smbs_alive.to_numpy(),
            start,
            cfg,
            None if twin is None else twin.total_revenue.to_numpy(),
        )

    out = respond(timeseries, twin_timeseries)
    out["by_strategy"] = {}
    for name, group in by_strategy.groupby("strategy", sort=False):
        twin_group = None
        if twin_by_strategy is not None:
            twin_group = twin_by_strategy[twin_by_strategy.strategy == name]
        out["by_strategy"][str(name)] = respond(group, twin_group)
    return out
