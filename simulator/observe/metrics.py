"""Every output metric, defined once: :data:`METRICS`, and the outputs built from it.

Each entry of :data:`METRICS` is one :class:`~simulator.observe.registry.Metric`: name, label,
unit, the outputs it appears in, its meaning and formula, and the function computing it over a
:class:`~simulator.observe.registry.Scope` (all SMBs or one strategy group). The columns of
``timeseries.parquet`` and ``timeseries_by_strategy.parquet``, the keys of ``summary.json`` and
of its ``by_strategy`` entries, the labels used by reports, figures and the dashboard, and the
metric tables of README.md and docs/ODD.md all come from here. To add a metric, add one entry
(in the section it belongs to) and, if needed, its function; then run
``python -m simulator.analysis.docs``.

Notation of the formulas (docs/ODD.md, section 9): ``A_t`` is the set of SMBs alive at the end of
step ``t``, ``n_t`` their number, ``n0 = n_smbs``; over a strategy group, ``A_t`` is the group's
alive SMBs and ``n0`` the group's size ``n_g``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.core.rowwise import last_axis_mean
from simulator.core.seeds import run_seed
from simulator.core.vocabulary import ALLIANCE_FORMS, ALLIANCE_TYPES, ENDING_EVENTS, EXIT_CAUSES, PLATFORM_KIND
from simulator.observe.adaptation import ADAPTATION_METRICS
from simulator.observe.dependence import dependence
from simulator.observe.network import network_structure
from simulator.observe.registry import (
    STEP,
    STRATEGY_STEP,
    STRATEGY_SUMMARY,
    SUMMARY,
    Level,
    Metric,
    MetricRegistry,
    Part,
    Scope,
)
from simulator.observe.registry import Section as S
from simulator.observe.resilience import network_robustness, resilience_summary
from simulator.observe.stats import compound_growth, gini, herfindahl, mean, median, quantile, sales_shares
from simulator.observe.survival import SURVIVAL_SUMMARY, survival_of
from simulator.rules.economy import FLOWS

if TYPE_CHECKING:
    import pandas as pd

    from simulator.model import EcosystemModel
    from simulator.observe.firm_history import FirmHistory

PER_MONTH = "thousand currency units per month"
MONEY = "thousand currency units"

EVERYWHERE = frozenset(Level)
SMB_SERIES = frozenset({STEP, STRATEGY_STEP, STRATEGY_SUMMARY})
"""SMB-level metrics reported in both time series and per strategy at the end."""


def _at(*levels: Level) -> frozenset[Level]:
    return frozenset(levels)


def _code_list(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{n}`" for n in names)


# ---------------------------------------------------------------------- SMB-level functions
def _revenue_growth_total(s: Scope) -> float:
    smbs = s.model.smbs
    initial = s.smbs_where(_initial_smbs)  # the firms trading at step 1
    return compound_growth(float(s.revenue.sum()), float(smbs.first_revenue[initial].sum()), s.model.steps - 1)


def _initial_smbs(model: EcosystemModel) -> np.ndarray:
    """Indices of the SMBs trading at step 1 (born before it)."""
    return np.flatnonzero(model.smbs.birth_step <= 1)


def _smb_counts(model: EcosystemModel) -> dict[str, np.ndarray]:
    """This step's exits (all, and by cause), entries and SMBs so far, per strategy group: one
    bincount each for every group."""
    smbs, step, groups = model.smbs, model.steps, len(model.strategies)
    strategy = smbs.strategy_id
    exited = smbs.failed_step == step
    cause, exiting = smbs.exit_cause[exited], strategy[exited]
    known = cause < len(EXIT_CAUSES)
    by_cause = np.bincount(
        exiting[known].astype(np.int64) * len(EXIT_CAUSES) + cause[known], minlength=groups * len(EXIT_CAUSES)
    )
    return {
        "failures": np.bincount(exiting, minlength=groups),
        "exits": by_cause.reshape(groups, len(EXIT_CAUSES)),
        "entries": np.bincount(strategy[smbs.birth_step == step], minlength=groups),
        "smbs_ever": np.bincount(strategy, minlength=groups),
    }


def _mean_capability_by_smb(model: EcosystemModel) -> np.ndarray:
    """Each SMB's mean capability over the dimensions."""
    return last_axis_mean(model.smbs.capability)


def _revenue_growth_by_smb(s: Scope) -> np.ndarray:
    """Each of the scope's alive SMBs' compound per-step revenue growth since its first step."""
    first = s.model.smbs.first_revenue[s.alive_index]
    return compound_growth(s.revenue, first, growth_periods(s.model, s.alive_index))


def _median_revenue_growth(s: Scope) -> float:
    return median(s.alive_values(_revenue_growth_by_smb))


def growth_periods(model: EcosystemModel, alive: np.ndarray) -> int | np.ndarray:
    """Steps since each of the ``alive`` SMBs' first trade: ``steps - 1``, or for an entrant
    ``steps - birth_step`` (a single number while no entrant is among them)."""
    birth = model.smbs.birth_step[alive]
    if not (birth > 1).any():
        return model.steps - 1
    return model.steps - np.maximum(birth, 1)


def _demography(s: Scope) -> dict[str, float]:
    """This step's entries, exits by cause, SMBs so far and mean age of the scope's SMBs."""
    smbs, step = s.model.smbs, s.model.steps
    counts = s.once(_smb_counts)
    ages = step - smbs.birth_step[s.alive_index]
    return {
        "entries": s.counted(counts["entries"]) if step > 0 else 0,  # step 0: the start
        **{f"exits_{cause}": s.counted(counts["exits"][:, code]) for code, cause in enumerate(EXIT_CAUSES)},
        "smbs_ever": s.counted(counts["smbs_ever"]),
        "mean_age": float(ages.mean()) if len(ages) else 0.0,
    }


def _over_revenue(values: np.ndarray, s: Scope) -> float:
    """Mean over the scope's alive SMBs of a per-SMB amount over its revenue."""
    return mean(values[s.alive_index] / np.maximum(s.revenue, 1e-9))


def _duration_counts(s: Scope) -> np.ndarray:
    """The scope's alliances ended so far by duration in steps (entry ``d``: those that ended
    ``d`` steps after formation): for a scope of every SMB, the count the ledger keeps as
    alliances end (reading every alliance's history each step grew with the run); for one
    strategy group among several, counted from the history."""
    if s.holds_every_smb:
        return s.model.ledger.ended_durations
    return np.bincount((s.history("ended_step") - s.history("formed_step"))[s.ended])


def _early_failure_share(s: Scope) -> float:
    counts = s.once_scoped(_duration_counts)
    ended = int(counts.sum())
    early = int(counts[: s.model.config.alliance.early_failure_window + 1].sum())
    return early / ended if ended else 0.0


def _mean_duration(s: Scope) -> float:
    # whole numbers summed exactly: the same float as the mean of the durations themselves
    counts = s.once_scoped(_duration_counts)
    ended = int(counts.sum())
    return int(counts @ np.arange(len(counts))) / ended if ended else 0.0


def _leader_share(members: np.ndarray) -> float:
    total = int(members.sum())
    return float(members.max() / total) if total else 0.0


def _network_nodes(model: EcosystemModel) -> int:
    return int(model.smbs.alive.sum() + model.partners.alive.sum() + model.platforms.n)


def _density(s: Scope) -> float:
    nodes, edges = _network_nodes(s.model), len(s.model.ledger.active_ids)
    return 2.0 * edges / (nodes * (nodes - 1)) if nodes >= 2 else 0.0


def _mean_degree(s: Scope) -> float:
    nodes, edges = _network_nodes(s.model), len(s.model.ledger.active_ids)
    return 2.0 * edges / nodes if nodes >= 2 else 0.0


def _counts(codes: np.ndarray, names: tuple[str, ...]) -> list[int]:
    return [int(c) for c in np.bincount(codes, minlength=len(names))]


def alliance_mix(model: EcosystemModel) -> dict[str, int]:
    """Active alliances by type (``alliances_<type>``) and by form (``form_<form>``)."""
    ledger = model.ledger
    ids = ledger.active_ids
    types, forms = _counts(ledger.type[ids], ALLIANCE_TYPES), _counts(ledger.form[ids], ALLIANCE_FORMS)
    return {
        **{f"alliances_{t}": c for t, c in zip(ALLIANCE_TYPES, types, strict=True)},
        **{f"form_{f}": c for f, c in zip(ALLIANCE_FORMS, forms, strict=True)},
    }


def formed_by_type(model: EcosystemModel) -> dict[str, int]:
    """Alliances formed over the run, by type."""
    counts = _counts(model.ledger.history("type"), ALLIANCE_TYPES)
    return dict(zip(ALLIANCE_TYPES, counts, strict=True))


def dissolution_reasons(s: Scope) -> dict[str, int]:
    """The scope's ended alliances counted by reason."""
    codes, counts = np.unique(s.history("end_reason_code")[s.ended], return_counts=True)
    texts = s.model.ledger.end_reasons.texts
    return dict(sorted((texts[code], int(count)) for code, count in zip(codes, counts, strict=True)))


def _per_smb(values: np.ndarray, s: Scope) -> float:
    """Sum of a ledger column (its history) over the scope's alliances, per SMB of the scope."""
    return float(values[s.alliances].sum()) / max(s.size, 1)


def _partner_alliances(s: Scope) -> np.ndarray:
    return s.alliances & (s.history("kind") != PLATFORM_KIND)


def _mean_partner_share(s: Scope) -> float:
    """Mean ``share * (1 - equity_stake)`` over the scope's partner alliances, ended included.

    Selected before multiplying: over every alliance formed (9 million at 1,000,000 SMBs x 120
    steps) the whole-column product held four float64 columns at once, the summary's peak.
    """
    partner = _partner_alliances(s)
    share = s.history("share")[partner]
    return mean(share * (1.0 - s.history("equity_stake")[partner]))


def _early_failure_losses(s: Scope) -> float:
    history = s.history
    early = s.ended & (history("ended_step") - history("formed_step") <= s.model.config.alliance.early_failure_window)
    # the sum over the early ones only (the same numbers as summing whole columns first)
    return float((history("exit_cost_paid")[early] + history("specific_investment")[early]).sum()) / max(s.size, 1)


def _mean_lifetime(s: Scope) -> float:
    ended_step = s.history("ended_step")
    age = np.where(ended_step >= 0, ended_step, s.model.steps) - s.history("formed_step")
    return mean(age[s.alliances])


def timeseries(model: EcosystemModel) -> pd.DataFrame:
    """The model's ``timeseries.parquet`` so far: one row per step (the DataCollector's step-0
    row, the state at construction, left out)."""
    frame = model.datacollector.get_model_vars_dataframe()
    return frame[frame["step"] > 0].reset_index(drop=True)


def timeseries_by_strategy(model: EcosystemModel) -> pd.DataFrame:
    """The model's ``timeseries_by_strategy.parquet`` so far: one row per step and strategy group
    (the step-0 rows left out)."""
    frame = model.datacollector.get_table_dataframe("by_strategy")
    return frame[frame["step"] > 0].reset_index(drop=True)


def _resilience(s: Scope) -> dict[str, Any] | None:
    twin = s.twin if s.twin is not None else (None, None, None)
    return resilience_summary(s.model, timeseries(s.model), timeseries_by_strategy(s.model), *twin)


def _total_parts(name: str, label: str, unit: str) -> tuple[Part, ...]:
    """Parts of the shock response of a total other than revenue (net income, cash)."""
    symbol = {"net_income": "NI", "cash": "C"}[name]
    return (
        Part(f"pre_shock_{name}", f"pre-shock {label}", unit,
             f"Mean total {label} over `resilience.pre_shock_window` steps before the shock.",
             f"`L_{symbol} = mean {symbol}_t` over `t0 - W <= t < t0`"),
        Part(f"trough_{name}", f"trough {label}", unit, f"Lowest total {label} from the shock on.",
             f"`min_{{t >= t0}} {symbol}_t`"),
        Part(f"{name}_trough_step", f"{label} trough step", "step", f"Step of the {label} trough.",
             "the first step where it is reached"),
        Part(f"{name}_depth", f"{label} drop depth", "months of revenue",
             f"Fall of total {label} from its pre-shock level to its trough, in months of pre-shock revenue.",
             f"`max(0, (L_{symbol} - min_{{t >= t0}} {symbol}_t) / L)`, `L` the pre-shock revenue; 0 if `L <= 0`"),
        Part(f"{name}_recovery_steps", f"steps for {label} to recover", "months",
             f"Steps from the shock until {label} is back within `(1 - f)` months of pre-shock revenue of its "
             "pre-shock level; `null` if never.",
             f"0 if `{symbol}_t >= L_{symbol} - (1 - f) L` at every `t >= t0`; else `t* - t0`, `t*` the first step "
             f"at or after the trough with `{symbol}_t >= L_{symbol} - (1 - f) L`; `null` if none (censored)"),
        Part(f"{name}_recovered", f"{label} recovered", "", f"Whether {label} recovered.",
             f"whether `{name}_recovery_steps` is not `null`"),
        Part(f"{name}_loss_vs_twin", f"{label} lost against the no-shock twin", "",
             f"{label.capitalize()} lost against the no-shock twin from the shock on, as a share of the twin's "
             "revenue (`null` without `twin=true`).",
             f"`sum_{{t >= t0}} ({symbol}^twin_t - {symbol}_t) / sum_{{t >= t0}} TR^twin_t` (0 if the denominator "
             "is 0): in units of the revenue the firms would have made; `null` without `twin=true`"),
    )  # fmt: skip


def _network(name: str) -> Any:
    return lambda s: s.once(network_structure)[name]


# ---------------------------------------------------------------------- the registry
METRICS = MetricRegistry()
"""Every output metric, in registration order (the order within each section)."""

METRICS.add(
    Metric(
        "step", "step", "month", S.INDEX, _at(STEP, STRATEGY_STEP),
        "Step number, 1 to `steps` (one step = one month).",
        formula="`t`, from 1 to `steps`",
        step=lambda s: s.model.steps,
    ),
    # --- the run and the population
    Metric(
        "scenario", "scenario", "", S.RUN, _at(SUMMARY), "Scenario preset name.",
        formula="the configuration's `scenario` label",
        end=lambda s: s.model.config.scenario,
    ),
    Metric(
        "strategy", "strategy", "", S.RUN, _at(STRATEGY_STEP, SUMMARY), "Name of the group's strategy.",
        step=lambda s: s.name,
        end_doc="Strategy name as configured (`mix` for a mixed population).",
        end_formula="the configured strategy name, `mix` for a mixed population",
    ),
    Metric(
        "seed", "seed", "", S.RUN, _at(SUMMARY), "Base seed of the run.", formula="the configuration's `seed`",
        end=lambda s: s.model.config.seed
    ),
    Metric(
        "replicate", "replicate", "", S.RUN, _at(SUMMARY), "Replicate number of the run.",
        formula="the configuration's `replicate`", end=lambda s: s.model.config.replicate,
    ),
    Metric(
        "run_seed", "run seed", "", S.RUN, _at(SUMMARY),
        "A 64-bit summary of SeedSequence(seed, spawn_key=(replicate,)); reproduce with (seed, replicate).",
        formula="the 64-bit fingerprint of (`seed`, `replicate`): the first word of "
        "`SeedSequence(seed, spawn_key=(replicate,))`'s state (Section 4, Stochasticity)",
        end=lambda s: run_seed(s.model.config.seed, s.model.config.replicate),
    ),
    Metric("steps", "steps", "months", S.RUN, _at(SUMMARY), "Steps simulated.",
        formula="the number of steps run", end=lambda s: s.model.steps),
    Metric(
        "share", "population share", "", S.RUN, _at(STRATEGY_SUMMARY),
        "Share of the SMB population following the strategy.", formula="`n_g / n0`",
        end=lambda s: float(s.members.mean()),
    ),
    Metric(
        "n_smbs", "SMBs at the start", "SMBs", S.RUN, _at(SUMMARY, STRATEGY_SUMMARY),
        "SMBs at the start (the configured `n_smbs`); per strategy, the group's SMBs so far (entrants included).",
        formula="`n0` (for a strategy group: its SMBs at the start and its entrants)",
        end=lambda s: s.model.config.n_smbs if s.is_population else s.size,
    ),
    # --- survival
    Metric(
        "smbs_alive", "SMBs alive", "SMBs", S.SURVIVAL, _at(STEP, STRATEGY_STEP), "SMBs that have not failed.",
        formula="`n_t`",
        step=lambda s: s.n_alive,
    ),
    Metric(
        "survival_rate", "survival rate", "", S.SURVIVAL, EVERYWHERE,
        "Alive SMBs over all SMBs so far (those at the start and the entrants).",
        formula="`n_t / N_t`, `N_t` the SMBs that have been in the ecosystem up to `t` (the initial ones and the "
        "entrants); survival by age is in the `survival` block (9.9)",
        step=lambda s: s.n_alive / max(s.size, 1),
        end_doc="Share of SMBs alive at the end (of those at the start and the entrants).",
    ),
    Metric(
        "failures", "SMB exits", "SMBs", S.SURVIVAL, _at(STEP, STRATEGY_STEP),
        "SMBs that exited this step, for any cause (cash flow or owner exit).",
        formula="number of SMBs that exited at step `t` (`exits_<cause>` split them)",
        step=lambda s: s.counted(s.once(_smb_counts)["failures"]),
    ),
    # --- firm demography (open population, 7.24)
    Metric(
        "entries", "SMB entries", "SMBs", S.SURVIVAL, _at(STEP, STRATEGY_STEP), "SMBs that entered this step.",
        formula="number of SMBs with `birth_step = t`",
        step=lambda s: s.once_scoped(_demography)["entries"],
    ),
    *(
        Metric(
            f"exits_{cause}", f"exits ({cause.replace('_', ' ')})", "SMBs", S.SURVIVAL, _at(STEP, STRATEGY_STEP),
            f"SMBs that exited this step with cause {cause}.",
            formula=f"number of SMBs with `failed_step = t` and exit cause `{cause}`",
            step=lambda s, cause=cause: s.once_scoped(_demography)[f"exits_{cause}"],
        )
        for cause in EXIT_CAUSES
    ),
    Metric(
        "smbs_ever", "SMBs so far", "SMBs", S.SURVIVAL, _at(STEP, STRATEGY_STEP),
        "SMBs that have been in the ecosystem so far (the initial ones and every entrant).",
        formula="`N_t`",
        step=lambda s: s.once_scoped(_demography)["smbs_ever"],
    ),
    Metric(
        "mean_age", "mean SMB age", "months", S.SURVIVAL, _at(STEP, STRATEGY_STEP, SUMMARY, STRATEGY_SUMMARY),
        "Mean age in steps of alive SMBs (step minus birth step; initial SMBs have drawn ages).",
        formula="`mean_{i in A_t} (t - birth_step_i)`",
        step=lambda s: s.once_scoped(_demography)["mean_age"],
        end_doc="Mean age of the SMBs alive at the end.",
    ),
    # --- revenue
    Metric(
        "total_revenue", "total SMB revenue", PER_MONTH, S.REVENUE, EVERYWHERE,
        "Sum of alive SMBs' revenue this step.",
        formula="`TR_t = sum_{i in A_t} R_i,t` (revenue of SMBs that failed this step is excluded)",
        step=lambda s: float(s.revenue.sum()),
        end_doc="Total SMB revenue in the last step.",
    ),
    Metric(
        "median_revenue", "median SMB revenue", PER_MONTH, S.REVENUE, _at(STEP, STRATEGY_STEP),
        "Median revenue of alive SMBs this step.", formula="`median_{i in A_t} R_i,t`",
        step=lambda s: median(s.revenue),
    ),
    *(
        Metric(
            f"revenue_p{q}", f"{q}th percentile of SMB revenue", PER_MONTH, S.REVENUE, _at(SUMMARY),
            f"{q}th percentile of surviving SMBs' last-step revenue (size distribution).",
            formula=f"{q}th percentile (numpy linear interpolation) of surviving SMBs' last-step revenue; "
            "0 if none survive",
            end=lambda s, q=q: quantile(s.revenue, q / 100),
        )
        for q in (10, 50, 90)
    ),
    Metric(
        "revenue_gini", "Gini coefficient of SMB revenue", "", S.REVENUE, _at(SUMMARY),
        "Gini coefficient of surviving SMBs' last-step revenue.",
        formula="with `v_1 <= ... <= v_n` the surviving SMBs' last-step revenues sorted and "
        "`S_k = v_1 + ... + v_k`, `Gini = (n + 1 - 2 * (sum_k S_k) / S_n) / n`; 0 if `n < 2` or all zero",
        end=lambda s: gini(s.revenue),
    ),
    # --- growth
    Metric(
        "revenue_growth_total", "total revenue growth", "per month", S.GROWTH, EVERYWHERE,
        "Compound per-step growth rate of total revenue since step 1.",
        formula="`(TR_t / TR_1)^(1/(t-1)) - 1`: compound per-step growth of total revenue, with "
        "`TR_1 = sum_i R_i,1` the first-step revenue of every SMB trading at step 1 (failed ones included; "
        "entrants add to `TR_t` only); 0 at `t = 1` or if "
        "`TR_1 = 0`; -1 if `TR_t = 0`. Because `TR_t` sums survivors only, failures lower it.",
        step=_revenue_growth_total,
        end_doc="Compound per-step growth of total SMB revenue, step 1 to the end.",
    ),
    Metric(
        "median_revenue_growth", "median SMB revenue growth", "per month", S.GROWTH, EVERYWHERE,
        "Median over alive SMBs of their compound per-step revenue growth since their first step (step 1, or "
        "their entry step for entrants).",
        formula="`median_{i in A_t} g_i,t` with `g_i,t = (R_i,t / R_i,b)^(1/(t-b)) - 1`, `R_i,b` the SMB's "
        "revenue in its first step `b` (1, or the entry step of an entrant); `g = -1` if `R_i,t = 0`, 0 if "
        "`R_i,b = 0` or `t = b`. Survivors only (survivorship bias: failed SMBs drop out).",
        step=_median_revenue_growth,
        end_doc="Median compound per-step revenue growth of surviving SMBs.",
    ),
    # --- cash
    Metric(
        "mean_cash", "mean SMB cash", MONEY, S.CASH, SMB_SERIES, "Mean cash of alive SMBs.",
        formula="`mean_{i in A_t} C_i` at the end of the step (after the owners' payout, investments and exit "
        "costs; so at most `smb.cash_cap_months` times the mean fixed cost)",
        step=lambda s: mean(s.model.smbs.cash[s.alive_index]),
        end_doc="Mean cash of surviving SMBs at the end.",
    ),
    Metric(
        "total_net_income", "total SMB net income", PER_MONTH, S.CASH, _at(STEP, STRATEGY_STEP),
        "Sum of alive SMBs' net income this step (revenue less variable and fixed costs and payments).",
        formula="`NI_t = sum_{i in A_t} (R_i,t - variable cost - fixed cost - payments to counterparts)` "
        "(7.6; before the owners' payout; SMBs that failed this step are excluded)",
        step=lambda s: float(s.model.smbs.net_income[s.alive_index].sum()),
    ),
    Metric(
        "total_cash", "total SMB cash", MONEY, S.CASH, _at(STEP, STRATEGY_STEP), "Sum of alive SMBs' cash.",
        formula="`C_t = sum_{i in A_t} C_i` at the end of the step",
        step=lambda s: float(s.model.smbs.cash[s.alive_index].sum()),
    ),
    # --- lock-in and independence
    Metric(
        "mean_revenue_hhi", "revenue concentration over channels (HHI)", "", S.LOCK_IN, EVERYWHERE,
        "Mean over alive SMBs of the Herfindahl index of revenue over channels "
        "(direct, each platform, each sales partner).",
        formula="`mean_{i in A_t} HHI_i`, `HHI_i = (d_i^2 + sum_a r_a^2) / R_i^2 = sum_c (r_ic / R_i)^2` over "
        "the channels `c` (the SMB's direct channel, each platform membership and each sales-partner alliance "
        "active at trade); `HHI_i = 1` if `R_i = 0`. 1 = all revenue through one channel.",
        step=lambda s: mean(s.model.smbs.revenue_hhi[s.alive_index]),
        end_doc="Final mean per-SMB revenue Herfindahl index over channels.",
    ),
    Metric(
        "mean_largest_channel_share", "largest-channel share", "", S.LOCK_IN, EVERYWHERE,
        "Mean over alive SMBs of the revenue share of their largest platform or partner.",
        formula="`mean_{i in A_t} max_a (r_a / R_i)` over the SMB's platform memberships and sales partners "
        "(direct channel excluded); 0 if it has none",
        step=lambda s: mean(s.model.smbs.largest_channel_share[s.alive_index]),
        end_doc="Final mean share of revenue through the largest platform or partner.",
    ),
    Metric(
        "mean_largest_platform_share", "largest-platform share", "", S.LOCK_IN, EVERYWHERE,
        "Mean over alive SMBs of the revenue share of their largest platform (0 if none).",
        formula="the same over platform memberships only; 0 if none",
        step=lambda s: mean(s.model.smbs.largest_platform_share[s.alive_index]),
        end_doc="Final mean share of revenue through the largest platform.",
    ),
    Metric(
        "mean_total_exit_cost_ratio", "exit cost of all alliances", "months of revenue", S.LOCK_IN, EVERYWHERE,
        "Mean over alive SMBs of the exit cost of all their alliances over one step's revenue (breadth of "
        "commitments, not dependence: an SMB with many small partners scores high; see the dependence metrics).",
        formula="`mean_{i in A_t} ( sum_a X_a / max(R_i, 1e-9) )` over the SMB's alliances active at trade, "
        "`X_a` at its full value (also for pilots, which would cost only `pilot_exit_fraction` of it; exit "
        "clauses, equity multiplier, `phi_i` and platforms' data lock-in included): months of revenue it would "
        "cost to leave all its alliances",
        step=lambda s: _over_revenue(s.model.smbs.exit_cost, s),
        end_doc="Final mean exit cost of an SMB's alliances over its revenue.",
    ),
    Metric(
        "mean_revenue_at_risk", "revenue at risk", "", S.LOCK_IN, _at(SUMMARY, STRATEGY_SUMMARY),
        "Mean over alive SMBs of the share of revenue lost if their most important counterpart left "
        "(dependence; other channels recapture part of its customers).",
        formula="`mean_{i in A_T} 1 - R_i^{-c} / R_i`, `c` the counterpart whose departure costs the most revenue and "
        "`R_i^{-c} = M_i (1 - exp(-(W_i - w_c)))` the revenue without its channel weight `w_c` (9.10); 0 without "
        "channel alliances",
        end=lambda s: mean(s.once(dependence).revenue_at_risk[s.alive_index]),
    ),
    Metric(
        "mean_income_at_risk", "net income at risk", "", S.LOCK_IN, _at(SUMMARY, STRATEGY_SUMMARY),
        "Mean over alive SMBs of the net income lost, as a share of revenue, if that counterpart left.",
        formula="`mean_{i in A_T} max(0, (R_i - R_i^{-c}) (1 - v_i) - P_c) / R_i`, `v_i` the variable-cost rate and "
        "`P_c` what the SMB pays the counterpart per step (9.10)",
        end=lambda s: mean(s.once(dependence).income_at_risk[s.alive_index]),
    ),
    Metric(
        "mean_replacement_months", "months to replace", "months", S.LOCK_IN, _at(SUMMARY, STRATEGY_SUMMARY),
        "Mean over alive SMBs with channel alliances of the expected months to find a counterpart of the same kind "
        "as that counterpart.",
        formula="`1 / (search_rate x P_find) + pilot_steps`, `P_find` the chance that one search finds an available "
        "counterpart of that kind (9.10); capped at 120; mean over SMBs with a channel alliance",
        end=lambda s: mean(s.once(dependence).replacement_months[s.alive & (s.once(dependence).revenue_at_risk > 0)]),
    ),
    Metric(
        "mean_exit_cost_months", "exit cost of the key counterpart", "months of its income",
        S.LOCK_IN, _at(SUMMARY, STRATEGY_SUMMARY),
        "Mean over alive SMBs with channel alliances of what leaving that counterpart would cost, in months of the net "
        "income it brings.",
        formula="`X_c / max(V_c, 1e-9)`, `X_c` its exit or switching cost and `V_c` its value to the SMB last step; "
        "capped at 120 (9.10)",
        end=lambda s: mean(s.once(dependence).exit_cost_months[s.alive & (s.once(dependence).revenue_at_risk > 0)]),
    ),
    Metric(
        "mean_data_held", "data held by platforms", "", S.LOCK_IN, _at(SUMMARY, STRATEGY_SUMMARY),
        "Mean over alive SMBs of the largest share of their data a platform holds.",
        formula="`mean_{i in A_T} max_m D_m` over the SMB's platform memberships `m` (0 without any)",
        end=lambda s: mean(s.once(dependence).data_held[s.alive_index]),
    ),
    Metric(
        "mean_direct_share", "own-channel share", "", S.LOCK_IN, SMB_SERIES,
        "Mean over alive SMBs of the revenue share of their own direct channel (independence).",
        formula="`mean_{i in A_t} d_i / max(R_i, 1e-9)`: share of revenue through the SMB's own direct channel "
        "(independence; 1 without sales channels)",
        step=lambda s: _over_revenue(s.model.smbs.direct_revenue, s),
        end_doc="Final mean revenue share of the own direct channel (independence).",
    ),
    Metric(
        "mean_fee_share", "platform fees over revenue", "", S.LOCK_IN, SMB_SERIES,
        "Mean over alive SMBs of platform fees paid over revenue.",
        formula="`mean_{i in A_t} PF_i / max(R_i, 1e-9)`, `PF_i = sum_a sn_a * r_a` over the SMB's platform "
        "memberships at trade: platform fees paid over revenue",
        step=lambda s: _over_revenue(s.model.smbs.platform_fees, s),
        end_doc="Final mean platform fees over revenue.",
    ),
    Metric(
        "mean_alliance_cost_share", "alliance management cost over revenue", "", S.LOCK_IN, SMB_SERIES,
        "Mean over alive SMBs of what managing their alliances cost them over revenue.",
        formula="`mean_{i in A_t} AC_i / max(R_i, 1e-9)`, `AC_i = F_i (cc n_i + ac n_i^2)` the management cost of "
        "its `n_i` alliances at trade (`cc` = `alliance.coordination_cost`, `ac` = `alliance.attention_cost`, 7.6)",
        step=lambda s: _over_revenue(s.model.smbs.alliance_cost, s),
        end_doc="Final mean alliance management cost over revenue.",
    ),
    Metric(
        "mean_vendor_dependence", "vendor dependence", "", S.LOCK_IN, SMB_SERIES,
        "Mean over alive SMBs of automation savings at stake with their vendors over revenue.",
        formula="`mean_{i in A_t} VD_i`, `VD_i = S_i / max(R_i, 1e-9) = vc * ae * alpha_i` (for `R_i > 0`) if "
        "the SMB holds at least one technology alliance at trade, else 0: the share of revenue its vendors' "
        "automation saves, i.e. the automation savings at stake with its vendors (7.6)",
        step=lambda s: mean(s.model.smbs.vendor_dependence[s.alive_index]),
        end_doc="Final mean automation savings at stake with vendors over revenue.",
    ),
    # --- supply chain
    Metric(
        "stockouts", "stock-outs", "deliveries", S.SUPPLY, _at(STEP), "Supply-chain deliveries missed this step.",
        formula="supply-chain alliances whose partner failed to deliver at this step's trade (7.23)",
        step=lambda s: s.model.stockouts,
    ),
    # --- platforms
    Metric(
        "platform_hhi", "platform concentration (HHI)", "", S.PLATFORMS, _at(STEP, SUMMARY),
        "Herfindahl index of platforms' sales shares (0 when no platform sells).",
        formula="`sum_p (sales_p / sum_q sales_q)^2`, sales through platforms this step; 0 if no platform sells",
        step=lambda s: herfindahl(s.model.platforms.sales),
        end_doc="Final Herfindahl index of platform sales shares.",
    ),
    Metric(
        "platform_shares", "platform sales shares", "", S.PLATFORMS, _at(SUMMARY),
        "Final sales share of each platform (list).", formula="list of the last step's `platform_<i>_share`",
        end=lambda s: [float(x) for x in sales_shares(s.model.platforms.sales)],
    ),
    Metric(
        "platform_fees_final", "final platform fees", "", S.PLATFORMS, _at(SUMMARY),
        "Final fee of each platform (list).", formula="list of each platform's fee `f_p` at the end of the run",
        end=lambda s: [float(f) for f in s.model.platforms.fee],
    ),
    Metric(
        "platform_entries", "platform entries", "platform-sector pairs", S.PLATFORMS, _at(SUMMARY),
        "Sectors platforms have entered with their own offers (platform x sector pairs).",
        formula="`#{(p, k) : en_p,k > 0}`: platform-sector pairs in which a platform has entered with its own "
        "offer by the end of the run (0 without data capture)",
        end=lambda s: int((s.model.platforms.entry > 0).sum()),
    ),
    Metric(
        "platform_switches", "platform switches", "SMBs", S.PLATFORMS, _at(STEP, SUMMARY),
        "SMBs that left their platform for a better one this step (platform choice revisited).",
        formula="memberships dissolved with reason `switched_platform` this step (7.24); each switcher joins the "
        "other platform in the same step",
        step=lambda s: s.model.platform_switches,
        end=lambda s: int((s.history("end_reason") == "switched_platform").sum()),
        end_doc="Platform switches over the run.",
        end_formula="memberships ended with reason `switched_platform` over the run",
    ),
    Metric(
        "platform_leader_share", "platform leader's member share", "", S.PLATFORMS, _at(SUMMARY),
        "Final share of platform memberships held by the platform with the most members (1 when the market "
        "has tipped to one platform; 1/n_platforms when members are spread evenly; 0 without members).",
        formula="`max_p M_p / sum_q M_q`, `M_p` the active memberships of platform `p` at the end; 0 if none",
        end=lambda s: _leader_share(s.model.platforms.members),
    ),
    # --- payments
    Metric(
        "platform_fees", "platform fees", PER_MONTH, S.PAYMENTS, _at(STEP),
        "Fees SMBs paid platforms this step (equals the platforms' income).",
        formula="`sum_p income_p`: fees SMBs paid platforms this step",
        step=lambda s: float(s.model.platforms.income.sum()),
    ),
    Metric(
        "partner_income", "partner income", PER_MONTH, S.PAYMENTS, _at(STEP),
        "What SMBs paid partner firms this step (shares, vendor fees, retainers, interest, exit costs).",
        formula="`sum_j Y_j`: what SMBs paid partners this step (revenue shares, vendor fees, retainers, credit "
        "interest, net of equity returns) plus the exit costs partners received from dissolutions this step",
        step=lambda s: float(s.model.partners.income.sum()),
    ),
    Metric(
        "flows", "money flows over the run", MONEY, S.PAYMENTS, _at(SUMMARY),
        f"Money summed over the run, by flow: {_code_list(FLOWS)} (`strategy_switching` only where strategies "
        "evolve).",
        formula="money summed over SMBs and steps, by flow (9.4)",
        end=lambda s: {name: float(s.model.flows[name]) for name in FLOWS if name in s.model.flows},
    ),
    # --- alliance mix
    Metric(
        "alliances_<type>", "active <type> alliances", "alliances", S.MIX, _at(STEP),
        f"Active alliances of each type ({_code_list(ALLIANCE_TYPES)}).",
        formula="active alliances of each type at the end of the step, one column per type: "
        f"{_code_list(tuple(f'alliances_{t}' for t in ALLIANCE_TYPES))}; they sum to `active_alliances`",
        step=lambda s: _counts(s.model.ledger.type[s.model.ledger.active_ids], ALLIANCE_TYPES),
    ),
    Metric(
        "form_<form>", "active <form> alliances", "alliances", S.MIX, _at(STEP),
        f"Active alliances of each form ({_code_list(ALLIANCE_FORMS)}).",
        formula="active alliances of each form at the end of the step: `form_contractual` (platform memberships "
        "included), `form_equity_alliance`, `form_joint_venture`; they sum to `active_alliances`",
        step=lambda s: _counts(s.model.ledger.form[s.model.ledger.active_ids], ALLIANCE_FORMS),
    ),
    Metric(
        "alliance_mix", "alliance mix at the end", "alliances", S.MIX, _at(SUMMARY),
        "Active alliances at the end by type (`alliances_<type>`) and form (`form_<form>`).",
        formula="mapping of the last step's `alliances_<type>` and `form_<form>` columns: active alliances at "
        "the end by type and by form",
        end=lambda s: alliance_mix(s.model),
    ),
    Metric(
        "formed_by_type", "alliances formed by type", "alliances", S.MIX, _at(SUMMARY),
        "Alliances formed over the run, by type.",
        formula="mapping from each alliance type to the number of alliances of that type formed over the run "
        "(every ledger row, ended or not)",
        end=lambda s: formed_by_type(s.model),
    ),
    # --- alliances held
    Metric(
        "active_alliances", "active alliances", "alliances", S.HOLDINGS, _at(STEP, STRATEGY_STEP, SUMMARY),
        "Alliances (including platform memberships) not ended.",
        formula="alliances not ended at the end of the step, pilots and platform memberships included (`E`); "
        "for a strategy group, those of its SMBs",
        step=lambda s: s.n_active_alliances,
        end_doc="Alliances active at the end.",
    ),
    Metric(
        "alliances_per_smb", "alliances per SMB", "alliances", S.HOLDINGS, _at(STRATEGY_SUMMARY),
        "Active alliances per surviving SMB at the end.",
        formula="active alliances of the group's surviving SMBs / `max(n_g,t, 1)`",
        end=lambda s: int(s.alive[s.model.ledger.smb[s.model.ledger.active_ids]].sum()) / max(s.n_alive, 1),
    ),
    # --- alliance lifecycle
    Metric(
        "formations", "alliances formed", "alliances", S.LIFECYCLE, EVERYWHERE, "Alliances formed this step.",
        formula="`formed` events this step",
        step=lambda s: s.events_this_step("formed"),
        end=lambda s: int(s.alliances.sum()),
        end_doc="Alliances formed over the run.",
        end_formula="alliances formed over the run: every ledger row, ended or not",
    ),
    Metric(
        "pilot_commits", "pilots committed", "alliances", S.LIFECYCLE, _at(STEP, SUMMARY),
        "Pilots committed this step.",
        formula="`pilot_committed` events this step (commitments at formation are not counted)",
        step=lambda s: s.events_this_step("pilot_committed"),
        end=lambda s: s.model.events.totals["pilot_committed"],
        end_doc="Pilots committed over the run.",
        end_formula="`pilot_committed` events over the run",
    ),
    Metric(
        "renegotiations", "renegotiations", "alliances", S.LIFECYCLE, _at(STEP, SUMMARY),
        "Alliances whose terms were renegotiated this step.",
        formula="`renegotiated` events this step (repricings of platform members by governance and by fee-hike "
        "shocks included)",
        step=lambda s: s.events_this_step("renegotiated"),
        end=lambda s: s.model.events.totals["renegotiated"],
        end_doc="Renegotiations over the run.",
        end_formula="`renegotiated` events over the run",
    ),
    Metric(
        "dissolutions", "alliances ended", "alliances", S.LIFECYCLE, EVERYWHERE,
        "Alliances ended this step, for any reason (dissolved, partner or SMB failure).",
        formula="`dissolved` + `partner_failed` + `smb_failed` events this step: alliances ended for any reason",
        step=lambda s: s.events_this_step(*sorted(ENDING_EVENTS)),
        end=lambda s: int(s.ended.sum()),
        end_doc="Alliances ended over the run, for any reason.",
        end_formula="alliances ended over the run, for any reason",
    ),
    Metric(
        "dissolution_reasons", "ended alliances by reason", "alliances", S.LIFECYCLE,
        _at(SUMMARY, STRATEGY_SUMMARY), "Ended alliances by reason (mapping reason -> count).",
        formula="ended alliances counted by end reason: `pilot_failed`, `underperforming`, `better_alternative`, "
        "`switched_platform`, `internalized`, `over_dependent`, `base_hazard`, `delisted`, `partner_exit`, `shock`, "
        "`cash_flow` (only reasons that occurred appear)",
        end=lambda s: dict(s.once_scoped(dissolution_reasons)),
    ),
    Metric(
        "underperforming_share", "share ended as underperforming", "", S.LIFECYCLE, _at(STRATEGY_SUMMARY),
        "Share of the group's ended alliances that ended with reason `underperforming`.",
        formula="ended with reason `underperforming` / `max(ended, 1)`",
        end=lambda s: s.once_scoped(dissolution_reasons).get("underperforming", 0) / max(int(s.ended.sum()), 1),
    ),
    # --- alliance durations
    Metric(
        "early_failure_share", "early-failure share", "", S.DURATION, _at(STEP, SUMMARY, STRATEGY_SUMMARY),
        "Share of all alliances ended so far that ended within `alliance.early_failure_window` steps of "
        "formation.",
        formula="`#{a ended by t : ended_step_a - formed_step_a <= alliance.early_failure_window} / "
        "#{a ended by t}`, cumulative over the run, over alliances ended for any reason (pilot failures, "
        "dissolutions, partner or SMB failure); an alliance ending exactly `early_failure_window` steps after "
        "formation counts as early; 0 while none has ended",
        step=_early_failure_share,
        end_doc="Share of ended alliances that ended within the early-failure window.",
    ),
    Metric(
        "early_failure_losses", "early-failure losses per SMB", MONEY, S.DURATION, _at(STRATEGY_SUMMARY),
        "Exit costs paid and specific investments sunk in early-failed alliances, per SMB.",
        formula="`sum_a (exit_cost_paid_a + I_a) / max(n_g, 1)` over the group's alliances ended within "
        "`alliance.early_failure_window` steps of formation: exit and switching costs paid plus specific "
        "investments and equity capital sunk in early failures, per SMB of the group",
        end=_early_failure_losses,
    ),
    Metric(
        "mean_duration", "mean alliance duration", "months", S.DURATION, _at(STEP, SUMMARY, STRATEGY_SUMMARY),
        "Mean duration in steps of the alliances ended so far (biased short: active ones are left out; "
        "survival.parquet and the summary's `survival` block give censoring-aware durations).",
        formula="mean of `ended_step - formed_step` over alliances ended by `t`. Right-censored: alliances still "
        "active are left out, so it understates the typical duration when many are active",
        step=_mean_duration,
        end_doc="Mean duration of ended alliances in steps.",
    ),
    Metric(
        "mean_lifetime", "mean alliance lifetime", "months", S.DURATION, _at(STRATEGY_SUMMARY),
        "Mean age in steps of all the group's alliances, ended or not (censored at the last step).",
        formula="mean over all the group's alliances of `(ended_step if ended else t_end) - formed_step`, "
        "`t_end` the last step: ages censored at the end of the run, so long-lived active alliances count; "
        "0 if none",
        end=_mean_lifetime,
    ),
    # --- the alliance network
    Metric(
        "density", "network density", "", S.NETWORK, _at(STEP, SUMMARY),
        "Alliance network density: active alliances over possible pairs of alive firms.",
        formula="`2E / (N (N - 1))`, `N` = alive SMBs + alive partners + platforms; 0 if `N < 2`. The "
        "denominator counts all pairs of firms, although alliances only link SMBs to counterparts (bipartite), "
        "so the maximum attainable density is below 1",
        step=_density,
        end_doc="Final alliance network density.",
    ),
    Metric(
        "mean_degree", "mean degree", "alliances per firm", S.NETWORK, _at(STEP, SUMMARY),
        "Mean number of active alliances per alive firm (SMBs, partners, platforms).",
        formula="`2E / N`; 0 if `N < 2`",
        step=_mean_degree,
        end_doc="Final mean degree of the alliance network.",
    ),
    *(
        Metric(
            f"degree_p{q}", f"{q}th percentile of degree", "alliances per firm", S.NETWORK, _at(SUMMARY),
            f"{'Median' if q == 50 else f'{q}th percentile of'} degree (active alliances) of alive firms at the end.",
            formula=f"{'median' if q == 50 else f'{q}th percentile'} of the number of active alliances of each alive "
            "firm (SMBs, partners, platforms) at the end",
            end=_network(f"degree_p{q}"),
        )
        for q in (50, 90)
    ),
    Metric(
        "degree_max", "largest degree", "alliances", S.NETWORK, _at(SUMMARY),
        "Largest degree at the end (the biggest hub).",
        formula="the largest number of active alliances of an alive firm at the end",
        end=_network("degree_max"),
    ),
    Metric(
        "degree_centrality_max", "largest degree centrality", "", S.NETWORK, _at(SUMMARY),
        "Largest degree centrality (degree / (firms - 1)) at the end.",
        formula="`degree_max / (N - 1)` with `N` alive firms; 0 if `N < 2`",
        end=_network("degree_centrality_max"),
    ),
    Metric(
        "mean_smb_constraint", "mean Burt's constraint of SMBs", "", S.NETWORK, _at(SUMMARY),
        "Mean Burt's constraint of SMBs with alliances at the end (1: one contact; lower: more brokerage).",
        formula="mean over alive SMBs with at least one alliance of Burt's constraint "
        "`c_i = sum_j (p_ij + sum_q p_iq p_qj)^2`. Every alliance joins an SMB to a partner or a platform, so the "
        "network is bipartite, two contacts of an SMB are never tied to each other, the indirect terms vanish "
        "and `c_i = sum_j p_ij^2`, where `p_ij` is alliance j's share of the SMB's positive alliance value in "
        "the last step (equal shares when none delivers value): 1 with one contact, lower as ties spread",
        end=_network("mean_smb_constraint"),
    ),
    *(
        Metric(
            f"duration_p{q}", f"{q}th percentile of alliance duration", "months", S.NETWORK, _at(SUMMARY),
            f"{'Median' if q == 50 else f'{q}th percentile of'} ended alliances' durations (steps).",
            formula=f"{'median' if q == 50 else f'{q}th percentile'} of ended alliances' durations "
            "(`ended_step - formed_step`); 0 when none ended",
            end=_network(f"duration_p{q}"),
        )
        for q in (25, 50, 75)
    ),
    # --- alliance terms and trust
    Metric(
        "mean_trust", "mean trust", "", S.RELATIONS, _at(STEP), "Mean trust over active alliances.",
        formula="mean `tau_a` over active alliances (memberships included)",
        step=lambda s: mean(s.model.ledger.trust[s.active_alliances]),
    ),
    Metric(
        "mean_partner_share", "partners' revenue share", "", S.RELATIONS, _at(STRATEGY_SUMMARY),
        "Mean revenue share partners keep (after equity returns) over the group's partner alliances.",
        formula="mean of `s_a * (1 - e_a)` (latest share, after renegotiation and equity return) over the group's "
        "partner alliances of all four roles, ended included; 0 if none",
        end=lambda s: _mean_partner_share(s),
    ),
    Metric(
        "mean_complementarity", "complementarity", "", S.RELATIONS, _at(STRATEGY_SUMMARY),
        "Mean complementarity of the group's partner alliances at formation.",
        formula="mean `kappa_a` at formation over the same alliances",
        end=lambda s: mean(s.history("complementarity")[_partner_alliances(s)]),
    ),
    # --- learning
    Metric(
        "knowledge_gained", "knowledge gained per SMB", "", S.LEARNING, _at(STRATEGY_SUMMARY),
        "Knowledge the group absorbed from partners, per SMB.",
        formula="`sum_a knowledge_gained_a / max(n_g, 1)` over the group's alliances",
        end=lambda s: _per_smb(s.history("knowledge_gained"), s),
    ),
    Metric(
        "knowledge_leaked", "knowledge leaked per SMB", "", S.LEARNING, _at(STRATEGY_SUMMARY),
        "Knowledge partners absorbed from the group, per SMB.",
        formula="`sum_a knowledge_leaked_a / max(n_g, 1)` over the group's alliances",
        end=lambda s: _per_smb(s.history("knowledge_leaked"), s),
    ),
    Metric(
        "mean_imitated_edge", "imitated edge", "", S.LOCK_IN, _at(SUMMARY, STRATEGY_SUMMARY),
        "Mean share of alive SMBs' capability edge their partners have learned, ended alliances included "
        "(runs with `alliance.imitation_rivalry` > 0 only).",
        formula="`mean_{i in A_T} m_i`, the imitated edge of 7.29 (at most 1)",
        end=lambda s: mean(s.model.smbs.imitated[s.alive_index]),
        when=lambda config: config.alliance.imitation_rivalry > 0,
    ),
    # --- capabilities
    Metric(
        "mean_capability", "mean capability", "", S.CAPABILITY, SMB_SERIES,
        "Mean capability of alive SMBs over all dimensions.", formula="`mean_{i in A_t} (1/5) sum_d c_i,d`",
        step=lambda s: mean(s.once(_mean_capability_by_smb)[s.alive_index]) if s.n_alive else 0.0,
        end_doc="Final mean capability of surviving SMBs.",
    ),
    Metric(
        "mean_automation", "mean automation", "", S.CAPABILITY, SMB_SERIES, "Mean automation level of alive SMBs.",
        formula="`mean_{i in A_t} alpha_i`",
        step=lambda s: mean(s.model.smbs.automation[s.alive_index]),
        end_doc="Final mean automation of surviving SMBs.",
    ),
    Metric(
        "mean_knowledge", "mean knowledge stock", "", S.CAPABILITY, SMB_SERIES,
        "Mean knowledge stock of alive SMBs.", formula="`mean_{i in A_t} K_i`",
        step=lambda s: mean(s.model.smbs.knowledge[s.alive_index]),
        end_doc="Final mean knowledge stock of surviving SMBs.",
    ),
    # --- shocks and resilience
    Metric(
        "shocks_active", "shocks in effect", "shocks", S.SHOCKS, _at(STEP),
        "Scheduled shocks in effect this step.",
        formula="number of scheduled shocks in effect at `t`: `start <= t` and (permanent or "
        "`t < start + duration`)",
        step=lambda s: s.model.shocks.active(s.model.steps),
    ),
    Metric(
        "resilience", "shock response", "", S.SHOCKS, _at(SUMMARY),
        "Response to the first shock, overall and by strategy (`null` without shocks).",
        formula="the response of total revenue, net income and cash, and of each firm, to the first shock (9.7); "
        "`null` without shocks",
        end=_resilience,
        parts=(
            Part("shock_start", "shock start", "step", "Step of the first shock.", "`t0`"),
            Part(
                "pre_shock_revenue", "pre-shock revenue", PER_MONTH,
                "Mean total revenue over `resilience.pre_shock_window` steps before the shock.",
                "`L = mean TR_t` over `t0 - W <= t < t0` (`TR_t0` if `t0 = 1`)",
            ),
            Part("trough_revenue", "trough revenue", PER_MONTH, "Lowest total revenue from the shock on.",
                 "`min_{t >= t0} TR_t`"),
            Part("trough_step", "trough step", "step", "Step of the trough.",
                 "the first step where the trough is reached"),
            Part("depth", "revenue drop depth", "", "1 - trough / pre-shock level.",
                 "`max(0, 1 - trough / L)`; 0 if `L <= 0`"),
            Part(
                "recovery_steps", "steps to recover", "months",
                "Steps from the shock until revenue is back to `resilience.recovery_fraction` of the pre-shock "
                "level after the trough; `null` if never (censored).",
                "0 if `TR_t >= f * L` at every `t >= t0` (never below the band); else `t* - t0`, `t*` the first "
                "step at or after the trough with `TR_t >= f * L`; `null` if revenue never gets back (censored at "
                "the end of the run)",
            ),
            Part("recovered", "recovered", "", "Whether revenue recovered.", "whether `recovery_steps` is not `null`"),
            Part(
                "survival_through_shock", "survival through the shock", "",
                "SMBs alive at the end over those alive before the shock.",
                "`n_T / n_{t0-1}`: SMBs alive at the end over those alive in the last step before the shock "
                "(`n_1` if `t0 = 1`); 0 if none",
            ),
            Part(
                "loss_vs_twin", "revenue lost against the no-shock twin", "",
                "Revenue lost against the no-shock twin from the shock on, as a share of the twin's "
                "(`null` without `twin=true`).",
                "`sum_{t >= t0} (TR^twin_t - TR_t) / sum_{t >= t0} TR^twin_t` (0 if the twin's sum is 0): share of "
                "the twin's revenue lost after the shock; `null` without `twin=true`",
            ),
            *_total_parts("net_income", "net income", PER_MONTH),
            *_total_parts("cash", "cash", MONEY),
            Part(
                "firms", "firms' shock response", "",
                "Distributions of each firm's own response (revenue and net income, against its pre-shock level "
                "and its twin self): shares recovered, failed and censored, median time to recover, depth "
                "quantiles.",
                "over the SMBs alive at `t0 - 1` (of the group, per strategy), each followed until it fails or the "
                "run ends (9.7, per firm): `n_firms`, and for `revenue`, `net_income` (against the firm's own "
                "pre-shock level) and `revenue_vs_twin`, `net_income_vs_twin` (against its twin self; `null` "
                "without `twin=true`): `recovered_share`, `failed_share` (failed before recovering), "
                "`censored_share` (alive at the end, not recovered), `median_recovery_steps` (smallest `tau` with "
                "at least half of all the firms recovered by `t0 + tau`: the median of the cumulative incidence of "
                "recovery, failure competing; `null` if fewer than half recover), `depth_p25`, `depth_p50`, "
                "`depth_p75`, `depth_p90` (quantiles of the firms' depths, failed firms' measured while alive) and, "
                "against the twin, `loss_vs_twin_p25`, `loss_vs_twin_p50`, `loss_vs_twin_p75`",
            ),
            Part("by_strategy", "shock response by strategy", "", "The same keys for each strategy group.",
                 "the same keys for each strategy group, from its own series (and its twin's)"),
        ),
    ),
    Metric(
        "survival", "survival by age", "", S.SURVIVAL, _at(SUMMARY),
        "SMB survival by age and alliance durations with censoring handled (Kaplan–Meier; 9.9).",
        formula="Kaplan–Meier estimates with right-censoring (alive SMBs, active alliances) and left truncation "
        "(initial firms enter at their age); hazards from a life table in fixed bins (9.9)",
        end=lambda s: survival_of(s.model)[1],
        parts=tuple(Part(key, key.replace("_", " "), "", doc) for key, doc in SURVIVAL_SUMMARY.items()),
    ),
    Metric(
        "network_robustness", "network robustness", "", S.SHOCKS, _at(SUMMARY),
        "Largest-component share of the final alliance network under random and targeted removal of firms.",
        formula="the largest-component curves of the final alliance network (9.8)",
        end=lambda s: network_robustness(s.model),
        parts=(
            Part("fractions", "share of firms removed", "", "Shares of firms removed (the curves' x values).",
                 "`resilience.robustness_steps + 1` equally spaced values from 0 to "
                 "`resilience.robustness_max_fraction`"),
            Part("random", "largest component, random removal", "",
                 "Largest connected component over all firms after removing each share at random.",
                 "size of the largest connected component over `N` after removing the first `round(x N)` firms "
                 "of a random permutation (robustness stream)"),
            Part("targeted", "largest component, targeted removal", "",
                 "The same, removing the highest-degree firms first.",
                 "the same, removing firms in order of degree in the intact network (highest first, ties by "
                 "index)"),
            Part("random_index", "robustness to random removal", "", "Mean of the random curve (higher: more "
                 "robust).", "mean of `random`"),
            Part("targeted_index", "robustness to targeted removal", "", "Mean of the targeted curve (higher: "
                 "more robust).", "mean of `targeted`"),
        ),
    ),
    # --- strategy groups
    Metric(
        "by_strategy", "by strategy", "", S.GROUPS, _at(SUMMARY),
        "Per strategy of the population, a mapping with the keys of the `by_strategy` table.",
        formula="one entry per strategy group, keyed by strategy name (9.6)",
        end=lambda s: {group.name: METRICS.values(STRATEGY_SUMMARY, group) for group in s.groups()},
    ),
    # --- each platform
    Metric(
        "platform_<i>_share", "platform <i> sales share", "", S.EACH_PLATFORM, _at(STEP),
        "Sales share of platform `i` (0-based) among all platform sales this step.",
        formula="`sales_i / sum_q sales_q` for platform `i` (0-based); 0 if no platform sells",
        step=lambda s: [float(x) for x in sales_shares(s.model.platforms.sales)],
    ),
    Metric(
        "platform_<i>_members", "platform <i> members", "SMBs", S.EACH_PLATFORM, _at(STEP), "SMBs on platform `i`.",
        formula="active memberships of platform `i` at the end of the step",
        step=lambda s: [int(m) for m in s.model.platforms.members],
    ),
    Metric(
        "platform_<i>_fee", "platform <i> fee", "", S.EACH_PLATFORM, _at(STEP), "Platform `i`'s fee this step.",
        formula="`f_i`, platform `i`'s fee at the end of the step (after governance; what new members pay from "
        "the next step)",
        step=lambda s: [float(f) for f in s.model.platforms.fee],
    ),
)  # fmt: skip
METRICS.add(*ADAPTATION_METRICS)  # strategy adaptation (only in runs where strategies evolve)


# ---------------------------------------------------------------------- the outputs
def step_metrics(model: EcosystemModel, scope: Scope | None = None) -> dict[str, Any]:
    """This step's metrics: the row of ``timeseries.parquet``.

    ``scope`` is this step's :class:`Scope` of the whole model, when :func:`strategy_step_rows`
    is given the same one: what both compute from the whole model (the alive SMBs, the counts by
    strategy group, each SMB's mean capability) is then computed once.
    """
    return METRICS.values(STEP, Scope(model) if scope is None else scope)


def strategy_step_rows(model: EcosystemModel, scope: Scope | None = None) -> list[dict[str, Any]]:
    """This step's rows of ``timeseries_by_strategy.parquet``: one per strategy group (of
    ``scope``, this step's scope of the whole model, if given)."""
    return METRICS.rows(STRATEGY_STEP, (Scope(model) if scope is None else scope).groups())


def summary(
    model: EcosystemModel, twin: tuple[pd.DataFrame, pd.DataFrame, FirmHistory] | None = None
) -> dict[str, Any]:
    """Final metrics of a finished run (the content of ``summary.json``).

    Parameters
    ----------
    model
        The model after its last step.
    twin
        The no-shock twin's ``(timeseries, timeseries_by_strategy, history)``, if it was run;
        the shock response then reports the losses against it, overall and firm by firm.
    """
    return METRICS.values(SUMMARY, Scope(model, twin=twin))


def strategy_summary(model: EcosystemModel, sid: int) -> dict[str, Any]:
    """Final metrics of one strategy group (an entry of ``summary.json``'s ``by_strategy``)."""
    return METRICS.values(STRATEGY_SUMMARY, Scope(model, sid))
