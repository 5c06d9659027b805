"""Survival by age, with censoring handled: SMB survival, alliance durations and hazards.

Ages are whole steps (months). Each firm or alliance is a *lifetime*: the age at which it is
first observed (its entry), the age at which it was last observed, and whether it ended then
(an event) or was still there when the run stopped (right-censored).

- An SMB's age at step ``s`` is ``s - birth_step``. An SMB of the initial population with a
  drawn age (negative ``birth_step``) is first observed at age ``-birth_step`` at step 0: its
  lifetime is left-truncated there (firms of that cohort that died younger were never seen).
  It ends at ``failed_step - birth_step`` if it exited, otherwise it is censored at
  ``steps - birth_step``.
- An alliance's duration is ``ended_step - formed_step``, or ``steps - formed_step`` (censored)
  for an active one. Its *dissolution* is an ending decided by one side (event ``dissolved``);
  endings because a member failed (``partner_failed``, ``smb_failed``) are competing risks,
  censored in the dissolution hazard.

An ending at age ``T`` happens in month ``T`` of life, the age interval ``(T-1, T]``. A unit first
observed at age ``E > 0`` is at risk of ending at ages ``E+1`` onward; a unit observed from
birth is at risk from age 0 (an alliance can end in the step it formed).

Estimators:

- **Kaplan–Meier** (lifelines ``KaplanMeierFitter``, left truncation through ``entry``) for
  survival by age, with lifelines' 95% pointwise interval (Greenwood's variance on the
  log(-log) scale); the median duration's interval is where the interval's bounds cross 1/2
  (lifelines ``median_survival_times``).
- **Hazard by age: a life table in fixed bins** (not a smoothed Nelson–Aalen hazard, whose
  kernel would smear endings that pile up on review dates over neighbouring ages). In the bin
  of months ``(a, a + w]`` the hazard is ``events / unit-months at risk``, where a unit
  contributes the months of the bin it was observed in (an ending at age 0 counts in month
  1); it is the maximum-likelihood constant monthly rate in the bin, with an exact (Garwood)
  Poisson 95% interval.
- **Cumulative incidence of each ending reason** (Aalen–Johansen for competing risks, on the
  ages of the Kaplan–Meier risk sets): ``F_c(t) = sum_{k <= t} S(k-1) d_c,k / n_k``, the
  probability of ending for reason ``c`` by age ``t`` when other endings compete. The
  incidences of all reasons add up to ``1 - S(t)``.

:func:`measure_survival` gives the tidy table written as ``survival.parquet`` (columns
:data:`SURVIVAL_COLUMNS`, curves :data:`SURVIVAL_CURVES`) and the ``survival`` block of
``summary.json`` (keys :data:`SURVIVAL_SUMMARY`). lifelines and scipy.stats are imported when
first used, so that importing the model stays light.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator.core.vocabulary import EVENTS, EXIT_CAUSES, PLATFORM_KIND

if TYPE_CHECKING:
    from simulator.core.ledger import AllianceLedger
    from simulator.core.population import SMBPopulation
    from simulator.model import EcosystemModel

SURVIVAL_COLUMNS: dict[str, str] = {
    "curve": "Which curve the row belongs to (a key of SURVIVAL_CURVES).",
    "group": "The population the curve describes: all, a strategy, partner or platform, or an ending reason.",
    "time": (
        "Age in months: the age at which the estimate holds (survival and incidence curves), "
        "or the end of the age bin (hazard curves; the bin is (time - width, time])."
    ),
    "estimate": "Survival probability, cumulative incidence, or hazard (endings per unit-month at risk).",
    "ci_lower": "Lower bound of the 95% pointwise interval (NaN where there is none).",
    "ci_upper": "Upper bound of the 95% pointwise interval (NaN where there is none).",
    "at_risk": "Units at risk at that age (survival, incidence), or unit-months at risk in the bin (hazard).",
    "events": "Endings counted: at that age (survival, incidence; for incidence, of the group's reason) or in the bin.",
}
"""Columns of ``survival.parquet`` (tidy long format: one row per curve, group and age)."""

SMB_HAZARD_WIDTH = 12
"""Width in months of the age bins of the SMB exit hazard (years of age)."""
ALLIANCE_HAZARD_WIDTH = 3
"""Width in months of the age bins of the alliance dissolution hazard (quarters)."""
EARLY_MONTHS, LATE_MONTHS = 12, 36
"""The early-vs-late dissolution hazard ratio compares months 1-12 with months 13-36 of age."""
SURVIVAL_AGES: tuple[int, ...] = (12, 60, 120)
"""Ages (months) at which the summary reports SMB survival: 1, 5 and 10 years."""

SURVIVAL_CURVES: dict[str, str] = {
    "smb_survival": "Kaplan–Meier SMB survival by age; groups all and each strategy; every month of age.",
    "smb_exit_hazard": f"SMB exit hazard by age (life table, {SMB_HAZARD_WIDTH}-month bins); group all.",
    "smb_exit_incidence": "Cumulative incidence of SMB exit by age for each exit cause; group: the cause.",
    "alliance_survival": "Kaplan–Meier alliance survival by duration, any ending; groups all, partner, platform.",
    "alliance_dissolution_hazard": (
        f"Alliance dissolution hazard by age (life table, {ALLIANCE_HAZARD_WIDTH}-month bins; member failures "
        "censored); groups all, partner, platform."
    ),
    "alliance_ending_incidence": "Cumulative incidence of each ending reason by alliance age; group: the reason.",
}
"""The curves of ``survival.parquet``."""

SURVIVAL_SUMMARY: dict[str, str] = {
    "smb_units": "SMBs ever in the population (including entrants).",
    "smb_exits": "SMB exits observed.",
    **{
        key: doc
        for age in SURVIVAL_AGES
        for key, doc in (
            (f"smb_survival_{age}m", f"Kaplan–Meier SMB survival at {age} months of age (null when not observed)."),
            (f"smb_survival_{age}m_ci", "Its 95% interval [lower, upper] (nulls when not observed)."),
        )
    },
    "alliances": "Alliances ever formed.",
    "alliances_ended": "Alliances ended, for any reason.",
    "alliance_median_duration": (
        "Kaplan–Meier median alliance duration in months, active alliances censored (null if not reached)."
    ),
    "alliance_median_duration_ci": "Its 95% interval [lower, upper] (an unbounded end is null).",
    "dissolution_hazard_early": f"Alliance dissolutions per alliance-month at risk in months 1-{EARLY_MONTHS} of age.",
    "dissolution_hazard_late": f"The same in months {EARLY_MONTHS + 1}-{LATE_MONTHS} of age.",
    "dissolution_hazard_ratio": "Early over late dissolution hazard (>1: liability of newness; null if late is 0).",
}
"""Keys of ``summary.json``'s ``survival`` block."""


@dataclass(frozen=True)
class Lifetimes:
    """Observed lifetimes in whole steps: first observed at ``entry``, last at ``duration``,
    ending there if ``observed`` (right-censored otherwise)."""

    duration: np.ndarray
    observed: np.ndarray
    entry: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "duration", np.asarray(self.duration, dtype=np.int64))
        object.__setattr__(self, "observed", np.asarray(self.observed, dtype=bool))
        object.__setattr__(self, "entry", np.asarray(self.entry, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.duration)

    def select(self, mask: np.ndarray) -> Lifetimes:
        """The lifetimes selected by a boolean mask."""
        return Lifetimes(self.duration[mask], self.observed[mask], self.entry[mask])

    def with_events(self, observed: np.ndarray) -> Lifetimes:
        """The same lifetimes with other events (e.g. one cause; other endings censored)."""
        return Lifetimes(self.duration, observed, self.entry)

    def at_risk(self, ages: np.ndarray) -> np.ndarray:
        """Units at risk of ending at each integer age (observed from before it, or from birth)."""
        first = np.where(self.entry > 0, self.entry + 1, 0)
        first.sort()
        last = np.sort(self.duration)
        ages = np.asarray(ages)
        return np.searchsorted(first, ages, side="right") - np.searchsorted(last, ages, side="left")


def smb_lifetimes(smbs: SMBPopulation, steps: int) -> Lifetimes:
    """SMB lifetimes by age: exits are events, SMBs alive at ``steps`` are censored, and
    initial SMBs with a drawn age are left-truncated at their age at step 0."""
    birth = smbs.birth_step.astype(np.int64)
    exited = smbs.failed_step >= 0
    last = np.where(exited, smbs.failed_step, steps)
    return Lifetimes(last - birth, exited, np.maximum(-birth, 0))


def alliance_lifetimes(ledger: AllianceLedger, steps: int) -> Lifetimes:
    """Alliance durations: endings for any reason are events, active alliances are censored."""
    duration = ledger.history("ended_step").astype(np.int64)  # then the duration, in place: one int64 per alliance
    ended = duration >= 0
    duration[~ended] = steps
    duration -= ledger.history("formed_step")
    return Lifetimes(duration, ended, np.zeros(ledger.n_formed, dtype=np.int64))


def exit_cause_names(codes: np.ndarray, exited: np.ndarray) -> np.ndarray:
    """Each SMB's exit cause by name (``EXIT_CAUSES``): ``unknown`` for an exit without a known
    code, ``""`` for SMBs that did not exit."""
    codes = np.asarray(codes, dtype=np.int64)
    known = (codes >= 0) & (codes < len(EXIT_CAUSES))
    names = np.array([*EXIT_CAUSES, "unknown"], dtype=object)[np.where(known, codes, len(EXIT_CAUSES))]
    return np.where(exited, names, "")


# ---------------------------------------------------------------------- estimators
def kaplan_meier(lifetimes: Lifetimes, ages: np.ndarray | None = None) -> pd.DataFrame:
    """Kaplan–Meier survival with its 95% interval at integer ``ages``.

    Parameters
    ----------
    lifetimes
        The units.
    ages
        Ages to report (default: every month from 0 to the longest observed lifetime). Ages
        beyond the longest lifetime are not observed: NaN unless survival already reached 0.

    Returns
    -------
    pandas.DataFrame
        Columns ``time``, ``estimate``, ``ci_lower``, ``ci_upper``, ``at_risk``, ``events``.
    """
    return _km_table(_fit(lifetimes), lifetimes, ages)


def median_duration(lifetimes: Lifetimes) -> tuple[float | None, float | None, float | None]:
    """Kaplan–Meier median lifetime and its 95% interval (None where not reached or unbounded)."""
    return _median(_fit(lifetimes))


def life_table(lifetimes: Lifetimes, width: int, horizon: int | None = None) -> pd.DataFrame:
    """Hazard by age in fixed bins of ``width`` months: endings per unit-month at risk.

    Parameters
    ----------
    lifetimes
        The units; ``observed`` marks the endings counted (others are censored).
    width
        Bin width in months; bins are ``(0, width], (width, 2 width], ...``.
    horizon
        Last age covered (default: the longest lifetime).

    Returns
    -------
    pandas.DataFrame
        Columns ``time`` (bin end), ``estimate`` (hazard per month; NaN without exposure),
        ``ci_lower``, ``ci_upper`` (exact Poisson 95%), ``at_risk`` (unit-months), ``events``.
    """
    if horizon is None:
        horizon = int(lifetimes.duration.max(initial=0))
    ends = np.arange(width, max(horizon, 1) + width, width)
    months = int(ends[-1])
    last = np.maximum(lifetimes.duration, 1)  # an ending at age 0 counts in month 1
    # at risk in month m (ages (m-1, m]): entry <= m-1 < last
    entered = np.cumsum(np.bincount(np.minimum(lifetimes.entry, months), minlength=months + 1))[:months]
    left = np.cumsum(np.bincount(np.minimum(last, months), minlength=months + 1))[:months]
    exposure = (entered - left).reshape(-1, width).sum(axis=1)
    bin_of = (last[lifetimes.observed] - 1) // width
    events = np.bincount(bin_of[bin_of < len(ends)], minlength=len(ends))
    lower, upper = poisson_rate_interval(events, exposure)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(exposure > 0, events / np.where(exposure > 0, exposure, 1), np.nan)
    return pd.DataFrame(
        {"time": ends, "estimate": rate, "ci_lower": lower, "ci_upper": upper, "at_risk": exposure, "events": events}
    )


def hazard_between(lifetimes: Lifetimes, first: int, last: int) -> float | None:
    """Endings per unit-month at risk in months ``first`` to ``last`` of age (the life table's
    hazard over that one bin; None without exposure)."""
    month = np.maximum(lifetimes.duration, 1)
    events = (lifetimes.observed & (month >= first) & (month <= last)).sum()
    exposed = np.minimum(month, last, out=month)  # in place: one int64 per unit at a time, not five
    exposed -= np.maximum(lifetimes.entry, first - 1)
    exposure = np.clip(exposed, 0, None, out=exposed).sum()
    return float(events / exposure) if exposure > 0 else None


def cumulative_incidence(lifetimes: Lifetimes, cause: np.ndarray, ages: np.ndarray | None = None) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence of each cause by age (competing risks).

    Parameters
    ----------
    lifetimes
        The units; ``observed`` marks endings of any cause.
    cause
        The cause of each unit's ending (ignored for censored units).
    ages
        Ages to report (default: every month from 0 to the longest lifetime).

    Returns
    -------
    pandas.DataFrame
        Columns ``group`` (the cause), ``time``, ``estimate``, ``ci_lower``, ``ci_upper`` (NaN:
        no interval), ``at_risk``, ``events`` (endings of that cause at that age).
    """
    if ages is None:
        ages = np.arange(0, int(lifetimes.duration.max(initial=-1)) + 1)
    ages = np.asarray(ages, dtype=np.int64)
    grid = np.arange(0, int(max(ages.max(initial=0), lifetimes.duration.max(initial=0))) + 1)
    at_risk = lifetimes.at_risk(grid)
    ended = lifetimes.observed
    total = np.bincount(lifetimes.duration[ended], minlength=len(grid))[: len(grid)]
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(at_risk > 0, total / np.where(at_risk > 0, at_risk, 1), 0.0)
    survival_before = np.concatenate([[1.0], np.cumprod(1.0 - step)[:-1]])
    observed_ages = ages <= lifetimes.duration.max(initial=-1)
    frames = []
    labels = np.asarray(cause, dtype=object)
    for label in sorted({str(c) for c in labels[ended]}):
        mine = ended & (labels == label)
        count = np.bincount(lifetimes.duration[mine], minlength=len(grid))[: len(grid)]
        with np.errstate(divide="ignore", invalid="ignore"):
            jump = np.where(at_risk > 0, survival_before * count / np.where(at_risk > 0, at_risk, 1), 0.0)
        incidence = np.cumsum(jump)[ages]
        frames.append(
            pd.DataFrame(
                {
                    "group": label,
                    "time": ages,
                    "estimate": np.where(observed_ages, incidence, np.nan),
                    "ci_lower": np.nan,
                    "ci_upper": np.nan,
                    "at_risk": at_risk[ages],
                    "events": count[ages],
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["group", "time", "estimate", "ci_lower", "ci_upper", "at_risk", "events"])
    return pd.concat(frames, ignore_index=True)


def poisson_rate_interval(events: np.ndarray, exposure: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) 95% interval of ``events / exposure`` for Poisson counts (NaN without exposure)."""
    from scipy.stats import chi2

    events = np.asarray(events, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    safe = np.where(exposure > 0, exposure, 1.0)
    lower = np.where(events > 0, chi2.ppf(0.025, 2 * events) / 2, 0.0) / safe
    upper = chi2.ppf(0.975, 2 * events + 2) / 2 / safe
    return np.where(exposure > 0, lower, np.nan), np.where(exposure > 0, upper, np.nan)


# ---------------------------------------------------------------------- one run
def measure_survival(model: EcosystemModel, endings: np.ndarray) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The run's survival curves (``survival.parquet``) and the summary's ``survival`` block.

    Parameters
    ----------
    model
        A model after its last step.
    endings
        The code of the event that ended each alliance of its ledger (tells dissolutions from
        member failures): ``model.events.ending_codes(model.ledger.n_formed)``.

    Returns
    -------
    tuple
        The tidy table (columns :data:`SURVIVAL_COLUMNS`) and the summary block (keys
        :data:`SURVIVAL_SUMMARY`).
    """
    steps = model.steps
    smbs = smb_lifetimes(model.smbs, steps)
    alliances = alliance_lifetimes(model.ledger, steps)
    dissolved = alliances.with_events(endings == EVENTS.index("dissolved"))
    on_platform = model.ledger.history("kind") == PLATFORM_KIND
    alliance_groups = {"all": np.ones(len(alliances), dtype=bool), "partner": ~on_platform, "platform": on_platform}
    strategy_id = model.smbs.strategy_id
    smb_groups = {"all": np.ones(len(smbs), dtype=bool)}
    smb_groups.update({s.name: strategy_id == sid for sid, s in enumerate(model.strategies)})

    smb_fit, alliance_fit = _fit(smbs), _fit(alliances)
    smb_curve = _km_table(smb_fit, smbs)
    parts = []
    for group, mask in smb_groups.items():
        if mask.any():
            curve = smb_curve.copy() if mask.all() else kaplan_meier(smbs.select(mask))
            parts.append(_tag(curve, "smb_survival", group))
    parts.append(_tag(life_table(smbs, SMB_HAZARD_WIDTH), "smb_exit_hazard", "all"))
    exits = cumulative_incidence(smbs, exit_cause_names(model.smbs.exit_cause, smbs.observed))
    exits.insert(0, "curve", "smb_exit_incidence")
    parts.append(exits)
    for group, mask in alliance_groups.items():
        if mask.any():
            whole = mask.all()  # every alliance: no copy of them (17 bytes each)
            curve = _km_table(alliance_fit, alliances) if whole else kaplan_meier(alliances.select(mask))
            parts.append(_tag(curve, "alliance_survival", group))
            hazard = life_table(dissolved if whole else dissolved.select(mask), ALLIANCE_HAZARD_WIDTH)
            parts.append(_tag(hazard, "alliance_dissolution_hazard", group))
    if len(alliances):
        # shared strings, not a copy each
        incidence = cumulative_incidence(alliances, model.ledger.history("end_reason"))
        incidence.insert(0, "curve", "alliance_ending_incidence")
        parts.append(incidence)
    with warnings.catch_warnings():  # all-NaN interval columns (incidence) keep their float dtype
        warnings.simplefilter("ignore", FutureWarning)
        table = pd.concat([p for p in parts if len(p)], ignore_index=True)[list(SURVIVAL_COLUMNS)]
    table = table.astype({"time": np.int64, "at_risk": float, "events": np.int64})

    survival_at = _km_table(smb_fit, smbs, np.array(SURVIVAL_AGES))
    median, low, high = _median(alliance_fit)
    early = hazard_between(dissolved, 1, EARLY_MONTHS)
    late = hazard_between(dissolved, EARLY_MONTHS + 1, LATE_MONTHS)
    block: dict[str, Any] = {"smb_units": len(smbs), "smb_exits": int(smbs.observed.sum())}
    for row in survival_at.itertuples():
        block[f"smb_survival_{row.time}m"] = _finite(row.estimate)
        block[f"smb_survival_{row.time}m_ci"] = [_finite(row.ci_lower), _finite(row.ci_upper)]
    block.update(
        {
            "alliances": len(alliances),
            "alliances_ended": int(alliances.observed.sum()),
            "alliance_median_duration": median,
            "alliance_median_duration_ci": [low, high],
            "dissolution_hazard_early": early,
            "dissolution_hazard_late": late,
            "dissolution_hazard_ratio": early / late if early is not None and late else None,
        }
    )
    return table, {key: block[key] for key in SURVIVAL_SUMMARY}


# ---------------------------------------------------------------------- helpers
def _fit(lifetimes: Lifetimes) -> Any:
    """A fitted lifelines KaplanMeierFitter (None for no units)."""
    if len(lifetimes) == 0:
        return None
    from lifelines import KaplanMeierFitter
    from lifelines.exceptions import StatError

    lifetimes = _before_first_gap(lifetimes)
    if len(lifetimes) == 0:
        return None
    duration, observed, entry, count = _grouped(lifetimes)
    # entering just after age E puts a left-truncated unit in the risk sets of ages E+1 on
    entry = np.where(entry > 0, entry + 0.5, 0.0)
    try:
        return KaplanMeierFitter(alpha=0.05).fit(
            duration, observed, entry=entry if (entry > 0).any() else None, weights=count
        )
    except StatError:  # every unit at risk ends at once early on: nothing is known after that
        return None


def _grouped(lifetimes: Lifetimes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (duration, observed, entry) of the units and how many units have each.

    lifelines weighs every unit (by 1 when no weights are given) and builds its event table
    from the sums of the weights at each age; whole-number counts as weights give the same sums
    exactly, hence the same estimates, without lifelines' per-unit frames (about 100 bytes a
    unit: 0.9 GB for the 9 million alliances of 1,000,000 SMBs over 120 steps).
    """
    duration = lifetimes.duration
    entry = lifetimes.entry
    width = int(duration.max(initial=0)) + 1
    key = (entry * width + duration) * 2 + lifetimes.observed
    if int(entry.max(initial=0) + 1) * width * 2 <= 4 * len(key) + 1024:
        count = np.bincount(key)
        key = np.flatnonzero(count)
        count = count[key]
    else:
        key, count = np.unique(key, return_counts=True)
    observed = (key % 2).astype(bool)
    return key // 2 % width, observed, key // 2 // width, count.astype(float)


def _before_first_gap(lifetimes: Lifetimes) -> Lifetimes:
    """The lifetimes up to the first age at which nobody is at risk while older units enter later.

    With left truncation the product-limit estimate is undefined past such an age (every unit
    observed there has ended, and the units seen later were not at risk then): survival is
    estimated up to it, units entering later are left out and longer lifetimes are censored there.
    """
    if not (lifetimes.entry > 0).any() or len(lifetimes) == 0:
        return lifetimes
    ages = np.arange(1, int(lifetimes.duration.max()) + 1)
    empty = lifetimes.at_risk(ages) <= 0
    later = np.searchsorted(np.sort(lifetimes.entry), ages, side="left") < len(lifetimes)
    gaps = ages[empty & later]
    if len(gaps) == 0:
        return lifetimes
    gap = int(gaps[0])
    keep = lifetimes.entry < gap
    duration = np.minimum(lifetimes.duration[keep], gap - 1)
    observed = lifetimes.observed[keep] & (lifetimes.duration[keep] <= gap - 1)
    return Lifetimes(duration, observed, lifetimes.entry[keep])


def _km_table(kmf: Any, lifetimes: Lifetimes, ages: np.ndarray | None = None) -> pd.DataFrame:
    """A fitted Kaplan–Meier curve read at integer ages (the step function, right-continuous)."""
    if ages is None:
        ages = np.arange(0, int(lifetimes.duration.max(initial=-1)) + 1)
    ages = np.asarray(ages, dtype=np.int64)
    frame = pd.DataFrame(
        {"time": ages, "at_risk": lifetimes.at_risk(ages), "events": _events_at(lifetimes, ages)},
        columns=["time", "estimate", "ci_lower", "ci_upper", "at_risk", "events"],
    )
    if kmf is None:
        return frame
    pos = np.searchsorted(kmf.timeline, ages, side="right") - 1
    before = pos < 0
    pos = np.maximum(pos, 0)
    estimate = np.where(before, 1.0, kmf.survival_function_.to_numpy()[pos, 0])
    bounds = kmf.confidence_interval_survival_function_.to_numpy()
    unseen = (ages > lifetimes.duration.max()) & (estimate > 0)
    frame["estimate"] = np.where(unseen, np.nan, estimate)
    frame["ci_lower"] = np.where(unseen, np.nan, np.where(before, 1.0, bounds[pos, 0]))
    frame["ci_upper"] = np.where(unseen, np.nan, np.where(before, 1.0, bounds[pos, 1]))
    return frame


def _median(kmf: Any) -> tuple[float | None, float | None, float | None]:
    if kmf is None:
        return None, None, None
    from lifelines.utils import median_survival_times

    bounds = median_survival_times(kmf.confidence_interval_).to_numpy()[0]
    return _finite(kmf.median_survival_time_), _finite(bounds[0]), _finite(bounds[1])


def _events_at(lifetimes: Lifetimes, ages: np.ndarray) -> np.ndarray:
    """Endings at each of ``ages``."""
    ended = lifetimes.duration[lifetimes.observed]
    size = int(max(ages.max(initial=0), ended.max(initial=0))) + 1
    return np.bincount(ended, minlength=size)[ages].astype(np.int64)


def _tag(frame: pd.DataFrame, curve: str, group: str) -> pd.DataFrame:
    frame.insert(0, "group", group)
    frame.insert(0, "curve", curve)
    return frame


def _finite(value: Any) -> float | None:
    """A JSON-safe number: None for NaN and infinities."""
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def survival_of(model: EcosystemModel) -> tuple[pd.DataFrame, dict[str, Any]]:
    """:func:`measure_survival` of the model now, computed once per step and kept on the model
    (the summary and ``survival.parquet`` share it)."""
    cached = getattr(model, "_survival_cache", None)
    if cached is None or cached[0] != model.steps:
        cached = (model.steps, measure_survival(model, model.events.ending_codes(model.ledger.n_formed)))
        model._survival_cache = cached
    return cached[1]
