"""Growth, lock-in, alliance and network metrics, per step and for the run's summary.

All metrics are computed with numpy over the role arrays and the ledger; their definitions
(with formulas) are in docs/ODD.md, section "Observation". ``STEP_METRICS`` documents every
column of ``timeseries.parquet`` and ``SUMMARY_METRICS`` every key of ``summary.json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.core.seeds import run_seed
from simulator.core.vocabulary import ALLIANCE_FORMS, ALLIANCE_TYPES, ENDING_EVENTS, PLATFORM_KIND
from simulator.observe.network import network_structure
from simulator.rules.economy import FLOWS

if TYPE_CHECKING:
    from simulator.model import EcosystemModel

STEP_METRICS: dict[str, str] = {
    "smbs_alive": "SMBs that have not failed.",
    "survival_rate": "Alive SMBs over all SMBs so far (those at the start and the entrants).",
    "failures": "SMBs that exited this step, for any cause (cash flow or, in an open population, owner exit).",
    "total_revenue": "Sum of alive SMBs' revenue this step.",
    "median_revenue": "Median revenue of alive SMBs this step.",
    "revenue_growth_total": "Compound per-step growth rate of total revenue since step 1.",
    "median_revenue_growth": (
        "Median over alive SMBs of their compound per-step revenue growth since their first step (step 1, or "
        "their entry step for entrants)."
    ),
    "mean_cash": "Mean cash of alive SMBs.",
    "mean_revenue_hhi": (
        "Mean over alive SMBs of the Herfindahl index of revenue over channels "
        "(direct, each platform, each sales partner)."
    ),
    "mean_largest_channel_share": "Mean over alive SMBs of the revenue share of their largest platform or partner.",
    "mean_largest_platform_share": "Mean over alive SMBs of the revenue share of their largest platform (0 if none).",
    "mean_exit_cost_ratio": "Mean over alive SMBs of the exit cost of all their alliances over one step's revenue.",
    "mean_direct_share": "Mean over alive SMBs of the revenue share of their own direct channel (independence).",
    "mean_fee_share": "Mean over alive SMBs of platform fees paid over revenue.",
    "mean_vendor_dependence": "Mean over alive SMBs of automation savings at stake with their vendors over revenue.",
    "stockouts": "Supply-chain deliveries missed this step.",
    "platform_hhi": "Herfindahl index of platforms' sales shares (0 when no platform sells).",
    "platform_fees": "Fees SMBs paid platforms this step (equals the platforms' income).",
    "partner_income": "What SMBs paid partner firms this step (shares, vendor fees, retainers, interest, exit costs).",
    "active_alliances": "Alliances (including platform memberships) not ended.",
    "formations": "Alliances formed this step.",
    "pilot_commits": "Pilots committed this step.",
    "renegotiations": "Alliances whose terms were renegotiated this step.",
    "dissolutions": "Alliances ended this step, for any reason (dissolved, partner or SMB failure).",
    "early_failure_share": (
        "Share of all alliances ended so far that ended within alliance.early_failure_window steps of formation."
    ),
    "mean_duration": "Mean duration in steps of all alliances ended so far.",
    "density": "Alliance network density: active alliances over possible pairs of alive firms.",
    "mean_degree": "Mean number of active alliances per alive firm (SMBs, partners, platforms).",
    "mean_trust": "Mean trust over active alliances.",
    "shocks_active": "Scheduled shocks in effect this step.",
    "mean_capability": "Mean capability of alive SMBs over all dimensions.",
    "mean_automation": "Mean automation level of alive SMBs.",
    "mean_knowledge": "Mean knowledge stock of alive SMBs.",
}
"""Columns of ``timeseries.parquet`` besides ``step``, the alliance-mix columns
``alliances_<type>`` and ``form_<form>`` (see :func:`mix_columns`) and the per-platform columns
``platform_<i>_share`` (sales share of platform i), ``platform_<i>_members`` and
``platform_<i>_fee``."""

SUMMARY_METRICS: dict[str, str] = {
    "scenario": "Scenario preset name.",
    "strategy": "Strategy name.",
    "seed": "Base seed of the run.",
    "replicate": "Replicate number of the run.",
    "run_seed": "A 64-bit summary of SeedSequence(seed, spawn_key=(replicate,)); reproduce with (seed, replicate).",
    "steps": "Steps simulated.",
    "n_smbs": "SMBs at the start.",
    "survival_rate": "Share of SMBs alive at the end (of those at the start and the entrants).",
    "revenue_growth_total": "Compound per-step growth of total SMB revenue, step 1 to the end.",
    "median_revenue_growth": "Median compound per-step revenue growth of surviving SMBs.",
    "total_revenue": "Total SMB revenue in the last step.",
    "revenue_p10": "10th percentile of surviving SMBs' last-step revenue (size distribution).",
    "revenue_p50": "Median of surviving SMBs' last-step revenue.",
    "revenue_p90": "90th percentile of surviving SMBs' last-step revenue.",
    "revenue_gini": "Gini coefficient of surviving SMBs' last-step revenue.",
    "mean_revenue_hhi": "Final mean per-SMB revenue Herfindahl index over channels.",
    "mean_largest_channel_share": "Final mean share of revenue through the largest platform or partner.",
    "mean_largest_platform_share": "Final mean share of revenue through the largest platform.",
    "mean_exit_cost_ratio": "Final mean exit cost of an SMB's alliances over its revenue.",
    "platform_hhi": "Final Herfindahl index of platform sales shares.",
    "platform_shares": "Final sales share of each platform (list).",
    "platform_fees_final": "Final fee of each platform (list).",
    "platform_entries": "Sectors platforms have entered with their own offers (platform x sector pairs).",
    "alliance_mix": "Active alliances at the end by type (alliances_<type>) and form (form_<form>).",
    "formed_by_type": "Alliances formed over the run, by type.",
    "formations": "Alliances formed over the run.",
    "pilot_commits": "Pilots committed over the run.",
    "renegotiations": "Renegotiations over the run.",
    "dissolutions": "Alliances ended over the run, for any reason.",
    "dissolution_reasons": "Ended alliances by reason (mapping).",
    "active_alliances": "Alliances active at the end.",
    "early_failure_share": "Share of ended alliances that ended within the early-failure window.",
    "mean_duration": "Mean duration of ended alliances in steps.",
    "density": "Final alliance network density.",
    "mean_degree": "Final mean degree of the alliance network.",
    "degree_p50": "Median degree (active alliances) of alive firms at the end.",
    "degree_p90": "90th percentile of alive firms' degree at the end.",
    "degree_max": "Largest degree at the end (the biggest hub).",
    "degree_centrality_max": "Largest degree centrality (degree / (firms - 1)) at the end.",
    "mean_smb_constraint": "Mean Burt's constraint of SMBs with alliances at the end (lower: more brokerage).",
    "duration_p25": "25th percentile of ended alliances' durations (steps).",
    "duration_p50": "Median duration of ended alliances (steps).",
    "duration_p75": "75th percentile of ended alliances' durations (steps).",
    "flows": "Money flows summed over the run (mapping: revenue, costs, fees, shares, ...).",
    "by_strategy": "Per strategy of the population: the metrics of STRATEGY_SUMMARY_METRICS (mapping).",
    "resilience": "Shock response after the first shock, overall and by strategy (null without shocks).",
    "network_robustness": "Largest-component share of the final alliance network under random and targeted removal.",
}


POPULATION_METRICS: tuple[str, ...] = (
    "smbs_alive",
    "survival_rate",
    "failures",
    "total_revenue",
    "median_revenue",
    "revenue_growth_total",
    "median_revenue_growth",
    "mean_cash",
    "mean_revenue_hhi",
    "mean_largest_channel_share",
    "mean_largest_platform_share",
    "mean_exit_cost_ratio",
    "mean_direct_share",
    "mean_fee_share",
    "mean_vendor_dependence",
    "mean_capability",
    "mean_automation",
    "mean_knowledge",
)
"""SMB-level metrics, computed for the whole population and for each strategy group."""

STRATEGY_STEP_COLUMNS: tuple[str, ...] = (
    "step",
    "strategy",
    *POPULATION_METRICS,
    "active_alliances",
    "formations",
    "dissolutions",
)
"""Columns of ``timeseries_by_strategy.parquet`` (one row per step and strategy)."""

STRATEGY_SUMMARY_METRICS: dict[str, str] = {
    "share": "Share of the SMB population following the strategy.",
    "n_smbs": "SMBs following the strategy: those at the start and the entrants.",
    "survival_rate": "Share of the group alive at the end (entrants included).",
    "revenue_growth_total": "Compound per-step growth of the group's total revenue.",
    "median_revenue_growth": "Median compound per-step revenue growth of the group's survivors.",
    "total_revenue": "The group's total revenue in the last step.",
    "mean_cash": "Mean cash of the group's survivors at the end.",
    "mean_revenue_hhi": "Final mean revenue Herfindahl index of the group's survivors.",
    "mean_largest_channel_share": "Final mean revenue share of the largest platform or partner.",
    "mean_largest_platform_share": "Final mean revenue share of the largest platform.",
    "mean_exit_cost_ratio": "Final mean exit cost over revenue.",
    "mean_direct_share": "Final mean revenue share of the own direct channel (independence).",
    "mean_fee_share": "Final mean platform fees over revenue.",
    "mean_vendor_dependence": "Final mean automation savings at stake with vendors over revenue.",
    "mean_capability": "Final mean capability of the group's survivors.",
    "mean_automation": "Final mean automation of the group's survivors.",
    "mean_knowledge": "Final mean knowledge stock of the group's survivors.",
    "alliances_per_smb": "Active alliances per surviving SMB at the end.",
    "formations": "Alliances the group formed over the run.",
    "dissolutions": "The group's alliances that ended over the run, for any reason.",
    "dissolution_reasons": "The group's ended alliances by reason (mapping).",
    "underperforming_share": "Share of the group's ended alliances that ended with reason underperforming.",
    "early_failure_share": "Share of the group's ended alliances that ended within the early-failure window.",
    "early_failure_losses": "Exit costs paid and specific investments sunk in early-failed alliances, per SMB.",
    "mean_duration": "Mean duration in steps of the group's ended alliances.",
    "mean_lifetime": "Mean age in steps of all the group's alliances, ended or not (censored at the last step).",
    "mean_partner_share": "Mean revenue share partners keep (after equity returns) over the group's partner alliances.",
    "mean_complementarity": "Mean complementarity of the group's partner alliances at formation.",
    "knowledge_gained": "Knowledge the group absorbed from partners, per SMB.",
    "knowledge_leaked": "Knowledge partners absorbed from the group, per SMB.",
}
"""Keys of each entry of ``summary.json``'s ``by_strategy`` mapping."""


def mix_columns() -> list[str]:
    """Timeseries columns counting active alliances by type and by form."""
    return [f"alliances_{t}" for t in ALLIANCE_TYPES] + [f"form_{f}" for f in ALLIANCE_FORMS]


def alliance_mix(model: EcosystemModel) -> dict[str, int]:
    """Active alliances by type (``alliances_<type>``) and by form (``form_<form>``)."""
    ledger = model.ledger
    ids = ledger.active_ids
    types = np.bincount(ledger.type[ids], minlength=len(ALLIANCE_TYPES))
    forms = np.bincount(ledger.form[ids], minlength=len(ALLIANCE_FORMS))
    return {
        **{f"alliances_{t}": int(c) for t, c in zip(ALLIANCE_TYPES, types, strict=True)},
        **{f"form_{f}": int(c) for f, c in zip(ALLIANCE_FORMS, forms, strict=True)},
    }


def population_metrics(model: EcosystemModel, group: np.ndarray) -> dict[str, float]:
    """SMB-level metrics over the SMBs selected by the boolean mask ``group``."""
    smbs = model.smbs
    alive = np.flatnonzero(smbs.alive & group)  # indices: faster than a mask where exited rows are scattered
    n_alive = len(alive)
    revenue = smbs.revenue[alive]
    total_revenue = float(revenue.sum())
    periods = growth_periods(model, alive)
    return {
        "smbs_alive": n_alive,
        "survival_rate": n_alive / max(int(group.sum()), 1),
        "failures": int((group & (smbs.failed_step == model.steps)).sum()),
        "total_revenue": total_revenue,
        "median_revenue": _median(revenue),
        "revenue_growth_total": compound_growth(
            total_revenue, float(smbs.first_revenue[group & (smbs.birth_step <= 1)].sum()), model.steps - 1
        ),
        "median_revenue_growth": _median(compound_growth(revenue, smbs.first_revenue[alive], periods)),
        "mean_cash": _mean(smbs.cash[alive]),
        "mean_revenue_hhi": _mean(smbs.revenue_hhi[alive]),
        "mean_largest_channel_share": _mean(smbs.largest_channel_share[alive]),
        "mean_largest_platform_share": _mean(smbs.largest_platform_share[alive]),
        "mean_exit_cost_ratio": _mean(smbs.exit_cost[alive] / np.maximum(revenue, 1e-9)),
        "mean_direct_share": _mean(smbs.direct_revenue[alive] / np.maximum(revenue, 1e-9)),
        "mean_fee_share": _mean(smbs.platform_fees[alive] / np.maximum(revenue, 1e-9)),
        "mean_vendor_dependence": _mean(smbs.vendor_dependence[alive]),
        "mean_capability": _mean(smbs.capability[alive].mean(axis=1)) if n_alive else 0.0,
        "mean_automation": _mean(smbs.automation[alive]),
        "mean_knowledge": _mean(smbs.knowledge[alive]),
    }


def step_metrics(model: EcosystemModel) -> dict[str, float]:
    """Compute this step's metrics (the row of ``timeseries.parquet``)."""
    ledger, platforms, partners = model.ledger, model.platforms, model.partners
    counts = model.events.step_counts
    ids = ledger.active_ids
    out: dict[str, float] = {
        **population_metrics(model, np.ones(model.smbs.n, dtype=bool)),
        "platform_hhi": herfindahl(platforms.sales),
        "platform_fees": float(platforms.income.sum()),
        "partner_income": float(partners.income.sum()),
        "active_alliances": len(ids),
        "formations": counts["formed"],
        "pilot_commits": counts["pilot_committed"],
        "renegotiations": counts["renegotiated"],
        "dissolutions": sum(counts[e] for e in ENDING_EVENTS),
        **alliance_duration_metrics(model, np.ones(ledger.size, dtype=bool)),
        **network_metrics(model),
        "mean_trust": _mean(ledger.trust[ids]),
        "shocks_active": model.shocks.active(model.steps),
        "stockouts": model.stockouts,
        **alliance_mix(model),
    }
    shares = sales_shares(platforms.sales)
    for p in range(platforms.n):
        out[f"platform_{p}_share"] = float(shares[p])
        out[f"platform_{p}_members"] = int(platforms.members[p])
        out[f"platform_{p}_fee"] = float(platforms.fee[p])
    return out


def strategy_step_rows(model: EcosystemModel) -> list[dict[str, Any]]:
    """This step's rows of ``timeseries_by_strategy.parquet``: one per strategy."""
    smbs, ledger, events = model.smbs, model.ledger, model.events
    active = ledger.active_ids
    active_by = np.bincount(smbs.strategy_id[ledger.smb[active]], minlength=len(model.strategies))
    rows = []
    for sid, strategy in enumerate(model.strategies):
        ended = sum(int(events.step_counts_by_strategy.get(e, np.zeros(sid + 1))[sid]) for e in ENDING_EVENTS)
        rows.append(
            {
                "step": model.steps,
                "strategy": strategy.name,
                **population_metrics(model, smbs.strategy_id == sid),
                "active_alliances": int(active_by[sid]),
                "formations": int(events.step_counts_by_strategy.get("formed", np.zeros(sid + 1))[sid]),
                "dissolutions": ended,
            }
        )
    return rows


def summary(model: EcosystemModel) -> dict[str, Any]:
    """Final metrics of a finished run (the content of ``summary.json``)."""
    cfg = model.config
    last = model.last_metrics
    smbs = model.smbs
    revenue = smbs.revenue[smbs.alive]
    totals = model.events.totals
    everything = np.ones(model.ledger.size, dtype=bool)
    return {
        "scenario": cfg.scenario,
        "strategy": model.strategy_label,
        "seed": cfg.seed,
        "replicate": cfg.replicate,
        "run_seed": run_seed(cfg.seed, cfg.replicate),
        "steps": model.steps,
        "n_smbs": cfg.n_smbs,
        "survival_rate": last["survival_rate"],
        "revenue_growth_total": last["revenue_growth_total"],
        "median_revenue_growth": last["median_revenue_growth"],
        "total_revenue": last["total_revenue"],
        "revenue_p10": float(np.quantile(revenue, 0.1)) if len(revenue) else 0.0,
        "revenue_p50": float(np.quantile(revenue, 0.5)) if len(revenue) else 0.0,
        "revenue_p90": float(np.quantile(revenue, 0.9)) if len(revenue) else 0.0,
        "revenue_gini": gini(revenue),
        "mean_revenue_hhi": last["mean_revenue_hhi"],
        "mean_largest_channel_share": last["mean_largest_channel_share"],
        "mean_largest_platform_share": last["mean_largest_platform_share"],
        "mean_exit_cost_ratio": last["mean_exit_cost_ratio"],
        "platform_hhi": last["platform_hhi"],
        "platform_shares": [float(s) for s in sales_shares(model.platforms.sales)],
        "platform_fees_final": [float(f) for f in model.platforms.fee],
        "platform_entries": int((model.platforms.entry > 0).sum()),
        "alliance_mix": {k: last[k] for k in mix_columns()},
        "formed_by_type": formed_by_type(model),
        "formations": totals["formed"],
        "pilot_commits": totals["pilot_committed"],
        "renegotiations": totals["renegotiated"],
        "dissolutions": sum(totals[e] for e in ENDING_EVENTS),
        "dissolution_reasons": dissolution_reasons(model, everything),
        "active_alliances": last["active_alliances"],
        "early_failure_share": last["early_failure_share"],
        "mean_duration": last["mean_duration"],
        "density": last["density"],
        "mean_degree": last["mean_degree"],
        **network_structure(model),
        "flows": {name: float(model.flows[name]) for name in FLOWS},
        "by_strategy": {strategy.name: strategy_summary(model, sid) for sid, strategy in enumerate(model.strategies)},
    }


def strategy_summary(model: EcosystemModel, sid: int) -> dict[str, Any]:
    """Final metrics of one strategy group (an entry of ``summary.json``'s ``by_strategy``)."""
    smbs, ledger = model.smbs, model.ledger
    group = smbs.strategy_id == sid
    n = max(int(group.sum()), 1)
    rows = group[ledger.smb]  # the group's alliances, ever
    ended = rows & (ledger.ended_step >= 0)
    partner_rows = rows & (ledger.kind != PLATFORM_KIND)
    reasons = dissolution_reasons(model, rows)
    n_ended = max(int(ended.sum()), 1)
    duration = ledger.ended_step - ledger.formed_step
    early = ended & (duration <= model.config.alliance.early_failure_window)
    alive = smbs.alive & group
    active = ledger.active_ids
    out: dict[str, Any] = {"share": float(group.mean()), "n_smbs": int(group.sum())}
    out.update(population_metrics(model, group))
    for name in ("smbs_alive", "failures", "median_revenue"):
        out.pop(name)
    out.update(
        {
            "alliances_per_smb": int(alive[ledger.smb[active]].sum()) / max(int(alive.sum()), 1),
            "formations": int(rows.sum()),
            "dissolutions": int(ended.sum()),
            "dissolution_reasons": reasons,
            "underperforming_share": reasons.get("underperforming", 0) / n_ended,
            **alliance_duration_metrics(model, rows),
            "mean_lifetime": _mean(
                (np.where(ledger.ended_step >= 0, ledger.ended_step, model.steps) - ledger.formed_step)[rows]
            ),
            "early_failure_losses": float((ledger.exit_cost_paid + ledger.specific_investment)[early].sum()) / n,
            "mean_partner_share": _mean((ledger.share * (1.0 - ledger.equity_stake))[partner_rows]),
            "mean_complementarity": _mean(ledger.complementarity[partner_rows]),
            "knowledge_gained": float(ledger.knowledge_gained[rows].sum()) / n,
            "knowledge_leaked": float(ledger.knowledge_leaked[rows].sum()) / n,
        }
    )
    return {name: out[name] for name in STRATEGY_SUMMARY_METRICS}


def formed_by_type(model: EcosystemModel) -> dict[str, int]:
    """Alliances formed over the run, by type."""
    counts = np.bincount(model.ledger.type, minlength=len(ALLIANCE_TYPES))
    return {t: int(c) for t, c in zip(ALLIANCE_TYPES, counts, strict=True)}


def dissolution_reasons(model: EcosystemModel, rows: np.ndarray) -> dict[str, int]:
    """Ended alliances among ``rows`` (a mask over the ledger) counted by reason."""
    ledger = model.ledger
    ended = rows & (ledger.ended_step >= 0)
    reasons, counts = np.unique(ledger.end_reason[ended].astype(str), return_counts=True)
    return {str(r): int(c) for r, c in zip(reasons, counts, strict=True)}


# ---------------------------------------------------------------------- building blocks
def compound_growth(current: Any, initial: Any, periods: int) -> Any:
    """Compound per-period growth rate ``(current / initial) ** (1 / periods) - 1``.

    Zero when ``periods`` < 1; -1 where current revenue is zero; 0 where initial is zero.
    ``periods`` may also be an array, one per value.
    """
    current = np.asarray(current, dtype=float)
    initial = np.asarray(initial, dtype=float)
    if np.ndim(periods):
        ratio = np.where(initial > 0, current / np.where(initial > 0, initial, 1.0), 1.0)
        rate = np.power(np.maximum(ratio, 0.0), 1.0 / np.maximum(periods, 1)) - 1.0
        return np.where(periods >= 1, rate, 0.0)
    if periods < 1:
        return np.zeros_like(current) if current.ndim else 0.0
    ratio = np.where(initial > 0, current / np.where(initial > 0, initial, 1.0), 1.0)
    rate = np.power(np.maximum(ratio, 0.0), 1.0 / periods) - 1.0
    return rate if rate.ndim else float(rate)


def growth_periods(model: EcosystemModel, alive: np.ndarray) -> int | np.ndarray:
    """Steps since each of the ``alive`` SMBs' first trade: ``steps - 1``, or for an entrant
    ``steps - birth_step`` (a single number while no entrant is among them)."""
    birth = model.smbs.birth_step[alive]
    if not (birth > 1).any():
        return model.steps - 1
    return model.steps - np.maximum(birth, 1)


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


def alliance_duration_metrics(model: EcosystemModel, rows: np.ndarray) -> dict[str, float]:
    """Early-failure share and mean duration over the alliances among ``rows`` ended so far."""
    ledger = model.ledger
    ended = rows & (ledger.ended_step >= 0)
    if not ended.any():
        return {"early_failure_share": 0.0, "mean_duration": 0.0}
    duration = (ledger.ended_step - ledger.formed_step)[ended]
    window = model.config.alliance.early_failure_window
    return {"early_failure_share": float((duration <= window).mean()), "mean_duration": float(duration.mean())}


def network_metrics(model: EcosystemModel) -> dict[str, float]:
    """Density and mean degree of the alliance network of alive firms."""
    nodes = int(model.smbs.alive.sum() + model.partners.alive.sum() + model.platforms.n)
    edges = len(model.ledger.active_ids)
    if nodes < 2:
        return {"density": 0.0, "mean_degree": 0.0}
    return {"density": 2.0 * edges / (nodes * (nodes - 1)), "mean_degree": 2.0 * edges / nodes}


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else 0.0


def _median(values: np.ndarray) -> float:
    return float(np.median(values)) if len(values) else 0.0
