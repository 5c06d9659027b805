"""Resilience: how revenue, net income and cash absorb a shock, and how robust the network is.

Shock response (after the first scheduled shock, at step ``t0``; ``W =
resilience.pre_shock_window``, ``f = resilience.recovery_fraction``). One definition serves
every quantity ``X`` (total revenue, total net income, total cash, or one firm's revenue or
net income), measured in units of a *scale* ``S``, the pre-shock revenue level, so that
quantities that can be zero or negative (net income, cash) are measured in the same currency
terms as revenue (:func:`band_response`):

- the pre-shock level ``L_X`` is the mean of ``X`` over the ``W`` steps before ``t0``; the scale
  ``S = L_R`` is the pre-shock level of revenue of the same firms;
- against a reference path ``B_t`` (``L_X`` at every step, or the no-shock twin's ``X``), the
  gap is ``g_t = (B_t - X_t) / S``; the depth is ``max(0, max_{t >= t0} g_t)``;
- the series is *hurt* if the gap exceeds ``1 - f`` at some step; its recovery time is 0 if it
  never is, otherwise the number of steps from ``t0`` to the first step at or after the worst
  gap with ``g_t <= 1 - f`` (censored, i.e. ``None``, if there is none).

For revenue against its own level this is the familiar ``depth = 1 - trough / L`` and
"recovered once revenue is back to ``f x L``". For net income the depth is the drop of
monthly net income in months of pre-shock revenue (margin points lost at the trough); for cash
it is the cash lost in months of pre-shock revenue. The loss against the no-shock twin is
``sum_{t >= t0} (X^twin_t - X_t) / sum_{t >= t0} R^twin_t``: what was lost as a share of the
revenue the firms would have made (for revenue, the share of the twin's revenue lost).

Per firm (:func:`firm_responses`): every SMB alive in the step before ``t0`` is followed from
``t0`` to its failure or the end of the run, on revenue and net income, against its own
pre-shock level and, with a twin, against its twin self (the same firm index in the twin,
identical to it until ``t0`` on common random numbers). Its outcome is ``recovered``,
``failed`` (failed before recovering) or ``censored`` (alive at the end, not recovered).

Network robustness: the share of all nodes in the largest connected component of the
alliance network (SMBs, partners, platforms as nodes; active alliances as edges) after
removing a growing share of nodes, either at random or highest-degree first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from simulator.config import ResilienceConfig
from simulator.core.seeds import stream
from simulator.core.vocabulary import PLATFORM_KIND
from simulator.observe.stats import quantile

if TYPE_CHECKING:
    from simulator.model import EcosystemModel
    from simulator.observe.firm_history import FirmHistory

TOTALS = {"net_income": "total_net_income", "cash": "total_cash"}
"""Besides revenue, the quantities whose totals' shock response is reported: time-series column of each."""
FIRM_MEASURES = ("revenue", "net_income")
"""The quantities whose response is measured firm by firm."""
REFERENCES = ("own", "twin")
"""What a firm's path is compared with: its own pre-shock level, or its twin self."""
OUTCOMES = ("recovered", "failed", "censored")
FIRM_COLUMNS = (
    "smb", "strategy", "measure", "reference", "pre_shock_level", "scale", "depth", "recovery_steps", "outcome",
    "failed_step", "loss_vs_twin",
)  # fmt: skip
"""Columns of ``resilience_firms.parquet``: one row per SMB alive before the shock, measure and reference."""
DEPTH_QUANTILES = (25, 50, 75, 90)
LOSS_QUANTILES = (25, 50, 75)


def band_response(
    values: np.ndarray, reference: np.ndarray, scale: np.ndarray, observed: np.ndarray, fraction: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Depth, worst step and recovery step of paths that fall below a reference band.

    Parameters
    ----------
    values, reference
        Paths from the shock on, shape ``(n, T)`` (``reference`` may broadcast, e.g. ``(n, 1)``).
    scale
        Unit of each path's gap, shape ``(n,)`` (its pre-shock revenue level).
    observed
        Whether each path is observed at each step (the firm is alive), shape ``(n, T)``.
    fraction
        The recovery fraction ``f``: recovered once the gap is at most ``1 - f``.

    Returns
    -------
    depth, worst, recovery
        ``max(0, max_t gap)`` (0 where ``scale <= 0``); the index of the first largest gap (-1
        if nothing is observed); the index at which the path recovered: 0 if the gap never
        exceeds ``1 - f``, -1 if it never comes back (or nothing is observed).
    """
    values, observed = np.atleast_2d(values), np.atleast_2d(observed)
    steps = values.shape[1]
    safe = np.where(scale > 0, scale, 1.0)[:, None]
    gap = np.where(observed, np.where(scale > 0, 1.0, 0.0)[:, None] * (reference - values) / safe, -np.inf)
    seen = observed.any(axis=1)
    worst = np.where(seen, np.argmax(gap, axis=1), -1)
    largest = gap.max(axis=1)
    depth = np.where(seen, np.maximum(largest, 0.0), 0.0)
    tolerance = 1.0 - fraction
    hurt = largest > tolerance
    back = observed & (gap <= tolerance) & (np.arange(steps)[None, :] >= worst[:, None])
    first_back = np.where(back.any(axis=1), np.argmax(back, axis=1), -1)
    recovery = np.where(~seen, -1, np.where(hurt, first_back, 0))
    return depth, worst, recovery


def measure_response(
    steps: np.ndarray,
    values: np.ndarray,
    revenue_level: float,
    shock_start: int,
    config: ResilienceConfig,
    twin_values: np.ndarray | None = None,
    twin_revenue: np.ndarray | None = None,
) -> dict[str, Any]:
    """Response of one total (revenue, net income or cash) to the shock, in units of pre-shock revenue.

    Returns
    -------
    dict
        ``pre_shock``, ``trough``, ``trough_step``, ``depth``, ``recovery_steps`` (None if
        censored), ``recovered`` and ``loss_vs_twin`` (None without a twin).
    """
    after = steps >= shock_start
    level = _pre_shock_level(steps, values, shock_start, config)
    after_values, after_steps = values[after], steps[after]
    depth, _, recovery = band_response(
        after_values[None, :], np.float64(level), np.array([revenue_level]), np.ones((1, len(after_values)), bool),
        config.recovery_fraction,
    )  # fmt: skip
    trough = int(np.argmin(after_values))
    recovery_steps = int(after_steps[recovery[0]] - shock_start) if recovery[0] >= 0 else None
    loss = None
    if twin_values is not None and twin_revenue is not None:
        loss = _loss(twin_values[after] - after_values, twin_revenue[after])
    return {
        "pre_shock": level,
        "trough": float(after_values[trough]),
        "trough_step": int(after_steps[trough]),
        "depth": float(depth[0]),
        "recovery_steps": recovery_steps,
        "recovered": recovery_steps is not None,
        "loss_vs_twin": loss,
    }


def shock_response(
    steps: np.ndarray,
    revenue: np.ndarray,
    alive: np.ndarray,
    shock_start: int,
    config: ResilienceConfig,
    twin_revenue: np.ndarray | None = None,
    others: dict[str, np.ndarray] | None = None,
    twin_others: dict[str, np.ndarray] | None = None,
) -> dict[str, Any]:
    """Depth, recovery, survival and loss against the twin of total revenue, and of other totals.

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
    others, twin_others
        Further totals by name (``net_income``, ``cash``), and the twin's, measured the same
        way in units of pre-shock revenue.

    Returns
    -------
    dict
        ``shock_start``, ``pre_shock_revenue``, ``trough_revenue``, ``trough_step``, ``depth``,
        ``recovery_steps`` (None if censored), ``recovered``, ``survival_through_shock`` and
        ``loss_vs_twin`` (None without a twin); then for each other total ``m``:
        ``pre_shock_<m>``, ``trough_<m>``, ``<m>_trough_step``, ``<m>_depth``,
        ``<m>_recovery_steps``, ``<m>_recovered``, ``<m>_loss_vs_twin``.
    """
    level = _pre_shock_level(steps, revenue, shock_start, config)
    rev = measure_response(steps, revenue, level, shock_start, config, twin_revenue, twin_revenue)
    alive_before = alive[steps < shock_start]
    base = alive_before[-1] if len(alive_before) else alive[0]
    out: dict[str, Any] = {
        "shock_start": int(shock_start),
        "pre_shock_revenue": rev["pre_shock"],
        "trough_revenue": rev["trough"],
        "trough_step": rev["trough_step"],
        "depth": rev["depth"],
        "recovery_steps": rev["recovery_steps"],
        "recovered": rev["recovered"],
        "survival_through_shock": float(alive[-1] / base) if base > 0 else 0.0,
        "loss_vs_twin": rev["loss_vs_twin"],
    }
    for name, values in (others or {}).items():
        twin_values = None if twin_others is None else twin_others[name]
        res = measure_response(steps, values, level, shock_start, config, twin_values, twin_revenue)
        out[f"pre_shock_{name}"] = res["pre_shock"]
        out[f"trough_{name}"] = res["trough"]
        out.update({f"{name}_{key}": res[key] for key in ("trough_step", "depth", "recovery_steps", "recovered")})
        out[f"{name}_loss_vs_twin"] = res["loss_vs_twin"]
    return out


def _pre_shock_level(steps: np.ndarray, values: np.ndarray, shock_start: int, config: ResilienceConfig) -> float:
    """Mean over the ``W`` steps before the shock (the first value from the shock on if there are none)."""
    before = (steps < shock_start) & (steps >= shock_start - config.pre_shock_window)
    return float(values[before].mean()) if before.any() else float(values[steps >= shock_start][0])


def _loss(lost: np.ndarray, twin_revenue: np.ndarray) -> float:
    """Sum of what was lost over the sum of the twin's revenue (0 if that is 0)."""
    total = float(twin_revenue.sum())
    return float(lost.sum() / total) if total > 0 else 0.0


def firm_responses(
    history: FirmHistory,
    strategy_names: np.ndarray,
    shock_start: int,
    config: ResilienceConfig,
    twin: FirmHistory | None = None,
) -> pd.DataFrame:
    """Each firm's response to the shock: the tidy table ``resilience_firms.parquet``.

    Parameters
    ----------
    history
        The shocked run's per-SMB history.
    strategy_names
        Strategy name of each SMB (by index).
    shock_start
        Step of the first shock.
    config
        Resilience settings.
    twin
        The no-shock twin's history, if it was run.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FIRM_COLUMNS`; one row per SMB alive in the step before the shock, per
        measure (:data:`FIRM_MEASURES`) and per reference (``own``; ``twin`` with a twin).
        ``recovery_steps`` is NaN unless the outcome is ``recovered``; ``failed_step`` is -1 for
        a firm alive at the end; ``loss_vs_twin`` is NaN for the ``own`` reference.
    """
    steps = np.asarray(history.steps)
    alive = history.alive
    before = steps < shock_start
    after = ~before
    window = before & (steps >= shock_start - config.pre_shock_window)
    if before.any():
        firms = np.flatnonzero(alive[:, np.flatnonzero(before)[-1]])
    else:
        firms = np.arange(alive.shape[0])
    if twin is not None:
        firms = firms[firms < twin.alive.shape[0]]
    if not after.any() or len(firms) == 0:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in FIRM_COLUMNS})
    observed = alive[firms][:, after]
    ever_dead = ~observed.all(axis=1)
    failed_step = np.where(ever_dead, steps[after][np.argmin(observed, axis=1)], -1)
    revenue = history.revenue[firms]
    scale = _window_mean(revenue, window, after)
    twin_revenue = None if twin is None else twin.revenue[firms][:, after]
    frames = []
    for measure in FIRM_MEASURES:
        values = history.series(measure)[firms]
        level = _window_mean(values, window, after)
        paths = values[:, after]
        references: list[tuple[str, np.ndarray, np.ndarray | None]] = [("own", level[:, None], None)]
        if twin is not None and twin_revenue is not None:
            twin_paths = twin.series(measure)[firms][:, after]
            loss = (twin_paths - paths).sum(axis=1) / np.where(
                twin_revenue.sum(axis=1) > 0, twin_revenue.sum(axis=1), np.inf
            )
            references.append(("twin", twin_paths, loss))
        for name, reference, loss in references:
            depth, _, recovery = band_response(paths, reference, scale, observed, config.recovery_fraction)
            recovered = recovery >= 0
            frames.append(
                pd.DataFrame(
                    {
                        "smb": firms.astype(np.int64),
                        "strategy": np.asarray(strategy_names)[firms].astype(str),
                        "measure": measure,
                        "reference": name,
                        "pre_shock_level": level,
                        "scale": scale,
                        "depth": depth,
                        "recovery_steps": np.where(recovered, recovery, np.nan).astype(float),
                        "outcome": np.where(recovered, "recovered", np.where(ever_dead, "failed", "censored")),
                        "failed_step": failed_step.astype(np.int64),
                        "loss_vs_twin": np.full(len(firms), np.nan) if loss is None else loss,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)[list(FIRM_COLUMNS)]


def _window_mean(values: np.ndarray, window: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Each row's mean over the pre-shock window (its first value from the shock on without one)."""
    if window.any():
        return values[:, window].mean(axis=1)
    return values[:, np.flatnonzero(after)[0]]


def _dtype(column: str) -> str:
    if column in ("smb", "failed_step"):
        return "int64"
    if column in ("strategy", "measure", "reference", "outcome"):
        return "object"
    return "float64"


def firm_summary(table: pd.DataFrame) -> dict[str, Any]:
    """Distributions of the firms' responses: the ``firms`` block of the shock response.

    Parameters
    ----------
    table
        Rows of :func:`firm_responses` (all firms, or one strategy group's).

    Returns
    -------
    dict
        ``n_firms`` and, for each measure ``m`` of :data:`FIRM_MEASURES`, ``m`` (against the
        firm's own pre-shock level) and ``m_vs_twin`` (against its twin self; None without a
        twin), each a mapping with ``recovered_share``, ``failed_share``, ``censored_share``,
        ``median_recovery_steps`` (None if fewer than half the firms recover within the run),
        ``depth_p25`` ... ``depth_p90`` and, against the twin, ``loss_vs_twin_p25`` ...
        ``loss_vs_twin_p75``.
    """
    own = table[(table.reference == "own") & (table.measure == FIRM_MEASURES[0])]
    out: dict[str, Any] = {"n_firms": len(own)}
    for measure in FIRM_MEASURES:
        for reference in REFERENCES:
            rows = table[(table.measure == measure) & (table.reference == reference)]
            key = measure if reference == "own" else f"{measure}_vs_twin"
            out[key] = _distribution(rows, with_loss=reference == "twin") if len(rows) or reference == "own" else None
    return out


def _distribution(rows: pd.DataFrame, with_loss: bool) -> dict[str, Any]:
    n = len(rows)
    shares = {f"{o}_share": float((rows.outcome == o).mean()) if n else 0.0 for o in OUTCOMES}
    out: dict[str, Any] = {**shares, "median_recovery_steps": median_time_to(rows.recovery_steps.to_numpy(), n)}
    depth = rows.depth.to_numpy()
    out.update({f"depth_p{q}": quantile(depth, q / 100) for q in DEPTH_QUANTILES})
    if with_loss:
        loss = rows.loss_vs_twin.to_numpy()
        out.update({f"loss_vs_twin_p{q}": quantile(loss, q / 100) for q in LOSS_QUANTILES})
    return out


def median_time_to(times: np.ndarray, n: int) -> int | None:
    """Smallest ``tau`` by which at least half of ``n`` firms have recovered (NaN: never); None if none.

    Every firm is followed from the shock to the same end of the run (administrative
    censoring at a common time), and failure before recovery is a competing event, so the
    share of all ``n`` firms recovered by ``tau`` is the cumulative incidence of recovery
    (Aalen–Johansen with a common censoring time reduces to it). Its median is undefined (None)
    when fewer than half the firms recover before the run ends.
    """
    done = np.sort(times[np.isfinite(times)])
    need = int(np.ceil(n / 2))
    return int(done[need - 1]) if n and len(done) >= need else None


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
    twin_history: FirmHistory | None = None,
) -> dict[str, Any] | None:
    """Shock response of the run and of each strategy group (None when no shock is scheduled).

    The totals' response (revenue, net income, cash), then ``firms``: the distributions of
    the firms' own responses (:func:`firm_summary`), for the run and within each group.
    """
    start = model.shocks.first_start
    if start is None:
        return None
    cfg = model.config.resilience
    firms = firm_table(model, twin_history)

    def respond(frame: Any, twin: Any | None) -> dict[str, Any]:
        return shock_response(
            frame.step.to_numpy(),
            frame.total_revenue.to_numpy(),
            frame.smbs_alive.to_numpy(),
            start,
            cfg,
            None if twin is None else twin.total_revenue.to_numpy(),
            {name: frame[column].to_numpy() for name, column in TOTALS.items()},
            None if twin is None else {name: twin[column].to_numpy() for name, column in TOTALS.items()},
        )

    out = respond(timeseries, twin_timeseries)
    out["firms"] = firm_summary(firms)
    out["by_strategy"] = {}
    for name, group in by_strategy.groupby("strategy", sort=False):
        twin_group = None
        if twin_by_strategy is not None:
            twin_group = twin_by_strategy[twin_by_strategy.strategy == name]
        out["by_strategy"][str(name)] = respond(group, twin_group)
        out["by_strategy"][str(name)]["firms"] = firm_summary(firms[firms.strategy == name])
    return out


def firm_table(model: EcosystemModel, twin_history: FirmHistory | None = None) -> pd.DataFrame:
    """The model's ``resilience_firms.parquet``: each firm's response (empty without shocks)."""
    start = model.shocks.first_start
    if start is None:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in FIRM_COLUMNS})
    names = np.array([s.name for s in model.strategies])[model.smbs.strategy_id]
    return firm_responses(model.history, names, start, model.config.resilience, twin_history)
