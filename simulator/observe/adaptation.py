"""Metrics of strategy adaptation (docs/ODD.md 7.27, 9.12): the strategy mix, switches, convergence.

They are reported only by runs where strategies evolve (``adaptation.revision_rate`` > 0), so a
run without adaptation writes exactly the outputs it wrote before the mechanism existed.
:data:`ADAPTATION_METRICS` joins :data:`simulator.observe.metrics.METRICS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.observe.registry import STEP, STRATEGY_STEP, SUMMARY, Metric, Scope
from simulator.observe.registry import Section as S
from simulator.rules.adaptation import SWITCH_EVENT, SWITCH_REASONS, adaptation_on

if TYPE_CHECKING:
    from simulator.model import EcosystemModel

_REASONS = ", ".join(f"`{r}`" for r in SWITCH_REASONS)


def _mix_record(model: EcosystemModel) -> np.ndarray:
    """The strategy shares after each step's revisions so far, shape (steps + 1, strategies)."""
    return np.array(model.adaptation.shares)


def _sector_shares(model: EcosystemModel) -> np.ndarray:
    """Share of each strategy (rows) among each sector's alive SMBs (columns); 0 in an empty sector."""
    smbs = model.smbs
    alive = np.flatnonzero(smbs.alive)
    n_sectors, n_strategies = model.config.market.n_sectors, len(model.strategies)
    counts = np.bincount(
        smbs.strategy_id[alive] * n_sectors + smbs.sector[alive], minlength=n_strategies * n_sectors
    ).reshape(n_strategies, n_sectors)
    return counts / np.maximum(counts.sum(axis=0, keepdims=True), 1)


def _switched_out(model: EcosystemModel) -> np.ndarray:
    """Switches away from each strategy this step."""
    return model.adaptation.step_out


def share_variance(shares: np.ndarray, window: int) -> float:
    """The largest variance of a strategy's share over the last ``window`` rows of ``shares``."""
    return float(shares[-window:].var(axis=0).max()) if len(shares) else 0.0


def mix_stable(shares: np.ndarray, window: int, band: float) -> bool:
    """Whether no strategy's share has a standard deviation above ``band`` over the last window."""
    return share_variance(shares, window) <= band**2


def convergence_step(shares: np.ndarray, band: float) -> int:
    """The first step from which every share stays within ``band`` of its final value."""
    outside = (np.abs(shares - shares[-1]).max(axis=1) > band).nonzero()[0]
    return int(outside[-1]) + 1 if len(outside) else 0


def _convergence(s: Scope) -> int | None:
    cfg = s.model.config.adaptation
    shares = s.once(_mix_record)
    if not mix_stable(shares, cfg.stability_window, cfg.convergence_band):
        return None
    return convergence_step(shares, cfg.convergence_band)


def _named(model: EcosystemModel, values: np.ndarray) -> dict[str, float]:
    return {strategy.name: float(v) for strategy, v in zip(model.strategies, values, strict=True)}


_ON = adaptation_on
_AT_STEP = frozenset({STEP})

ADAPTATION_METRICS: tuple[Metric, ...] = (
    Metric(
        "strategy_switches", "strategy switches", "SMBs", S.ADAPTATION, frozenset({STEP, SUMMARY}),
        "SMBs that switched strategy this step (runs with `adaptation.revision_rate` > 0 only).",
        formula="`strategy_switched` events this step (7.27)",
        step=lambda s: s.events_this_step(SWITCH_EVENT),
        end=lambda s: int(s.model.adaptation.total_switches.sum()),
        end_doc="Strategy switches over the run.",
        end_formula="`strategy_switched` events over the run",
        when=_ON,
    ),
    Metric(
        "switches_<reason>", "strategy switches by <reason>", "SMBs", S.ADAPTATION, _AT_STEP,
        f"Strategy switches this step by reason ({_REASONS}).",
        formula="switches this step whose reason is `imitation` (a peer's strategy adopted), `reinforcement` "
        "(chosen by the SMB's own payoffs) or `exploration` (a strategy drawn at random)",
        step=lambda s: [int(c) for c in s.model.adaptation.step_switches],
        when=_ON,
    ),
    Metric(
        "strategy_share", "strategy share", "", S.ADAPTATION, frozenset({STRATEGY_STEP}),
        "Share of the alive SMBs that use this strategy (after this step's switches).",
        formula="`n_g,t / n_t`: the group's alive SMBs over all alive SMBs (0 if none is alive); the groups' "
        "shares sum to 1",
        step=lambda s: float(s.model.adaptation.shares[-1][s.strategy_id]),
        when=_ON,
    ),
    Metric(
        "switches_in", "switches into the strategy", "SMBs", S.ADAPTATION, frozenset({STRATEGY_STEP}),
        "SMBs that switched to this strategy this step.",
        formula="`strategy_switched` events this step whose new strategy is the group's",
        step=lambda s: s.events_this_step(SWITCH_EVENT),
        when=_ON,
    ),
    Metric(
        "switches_out", "switches out of the strategy", "SMBs", S.ADAPTATION, frozenset({STRATEGY_STEP}),
        "SMBs that switched away from this strategy this step.",
        formula="`strategy_switched` events this step whose old strategy is the group's",
        step=lambda s: int(s.once(_switched_out)[s.strategy_id]),
        when=_ON,
    ),
    Metric(
        "strategy_share_sector_<k>", "strategy share in sector <k>", "", S.ADAPTATION, frozenset({STRATEGY_STEP}),
        "Share of sector `k`'s alive SMBs that use this strategy (one column per sector, 0-based).",
        formula="`n_g,k,t / n_k,t`: the group's alive SMBs in sector `k` over the sector's alive SMBs (0 if "
        "none)",
        step=lambda s: [float(v) for v in s.once(_sector_shares)[s.strategy_id]],
        when=_ON,
    ),
    Metric(
        "switches_by_reason", "strategy switches by reason", "SMBs", S.ADAPTATION, frozenset({SUMMARY}),
        f"Strategy switches over the run by reason ({_REASONS}).",
        formula="mapping from each reason to its `strategy_switched` events over the run",
        end=lambda s: dict(zip(SWITCH_REASONS, map(int, s.model.adaptation.total_switches), strict=True)),
        when=_ON,
    ),
    Metric(
        "strategy_shares", "final strategy shares", "", S.ADAPTATION, frozenset({SUMMARY}),
        "Each strategy's share of the alive SMBs at the end.",
        formula="mapping from each strategy of the population to its last `strategy_share`",
        end=lambda s: _named(s.model, s.model.adaptation.shares[-1]),
        when=_ON,
    ),
    Metric(
        "strategy_shares_by_sector", "final strategy shares by sector", "", S.ADAPTATION, frozenset({SUMMARY}),
        "Each strategy's share of each sector's alive SMBs at the end.",
        formula="mapping from each sector (0-based, as text) to the mapping of its strategies' last "
        "`strategy_share_sector_<k>`",
        end=lambda s: {str(k): _named(s.model, col) for k, col in enumerate(s.once(_sector_shares).T)},
        when=_ON,
    ),
    Metric(
        "share_variance", "variance of strategy shares", "", S.ADAPTATION, frozenset({SUMMARY}),
        "The largest variance of a strategy's share over the last `adaptation.stability_window` steps.",
        formula="`max_g Var(x_g,t : T - W < t <= T)`, `x_g,t` the group's `strategy_share`, `W` = "
        "`adaptation.stability_window` (or every step if the run is shorter)",
        end=lambda s: share_variance(s.once(_mix_record), s.model.config.adaptation.stability_window),
        when=_ON,
    ),
    Metric(
        "mix_stable", "stable strategy mix", "", S.ADAPTATION, frozenset({SUMMARY}),
        "Whether the strategy mix is stable: no share's standard deviation over the last window above "
        "`adaptation.convergence_band`.",
        formula="`share_variance <= adaptation.convergence_band^2`",
        end=lambda s: mix_stable(
            s.once(_mix_record), s.model.config.adaptation.stability_window, s.model.config.adaptation.convergence_band
        ),
        when=_ON,
    ),
    Metric(
        "convergence_step", "time to convergence", "step", S.ADAPTATION, frozenset({SUMMARY}),
        "First step from which every strategy's share stays within `adaptation.convergence_band` of its final "
        "share (`null` if the mix is not stable).",
        formula="`min {t : |x_g,u - x_g,T| <= band for every group g and every u >= t}` over the shares after each "
        "step's revisions (0: the mix never moved more than the band); `null` unless `mix_stable`",
        end=_convergence,
        when=_ON,
    ),
)  # fmt: skip
"""The strategy-adaptation metrics (section :attr:`Section.ADAPTATION`)."""
