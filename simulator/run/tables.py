"""Tidy output tables with stable types, and the data dictionary (``schema.json``) that describes them.

Every table a run or ``ecosim-collect`` writes goes through :func:`tidy`, so that one key has
one type in every file and every tool (pandas, polars, duckdb): integers are ``int64`` (``step``
included), numbers ``float64``, text and categories plain strings (no dictionary-encoded
columns: a join of ``events.parquet`` with ``timeseries_by_strategy.parquet`` on ``[step,
strategy]`` meets the same types on both sides), true/false ``bool``.

:func:`column_entry` describes a column from the metric registry (label, unit, meaning) or from
the column documentation of the other tables; :func:`data_dictionary` puts the entries of a set
of tables into the mapping written as ``schema.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator.observe.focal import FOCAL_COLUMNS
from simulator.observe.metrics import METRICS
from simulator.observe.registry import STEP, STRATEGY_STEP, STRATEGY_SUMMARY, SUMMARY, Level
from simulator.observe.survival import SURVIVAL_COLUMNS

if TYPE_CHECKING:
    from simulator.config import ModelConfig

EVENT_COLUMN_DOCS: dict[str, str] = {
    "step": "Step (month) of the event.",
    "event": "What happened: formed, pilot_committed, renegotiated, dissolved, partner_failed, smb_failed, "
    "a market event (shock, platform_outage, platform_entry), or an SMB's strategy_switched.",
    "alliance_id": "Id of the alliance (-1 for market events).",
    "alliance_type": "Type of the alliance (null for market events).",
    "form": "Governance form of the alliance (null for market events).",
    "smb_id": "Mesa id of the SMB (-1 for market events).",
    "smb_kind": "'smb' for alliance and SMB events, null for market events.",
    "strategy": "Name of the SMB's strategy (the new one for strategy_switched; null for market events).",
    "counterpart_id": "Mesa id of the partner firm or platform (-1 for market events).",
    "counterpart_kind": "The counterpart's role, or 'platform' (null for market events).",
    "share": "The counterpart's gross share of the alliance's revenue at the event (NaN for market events).",
    "reason": "Why it happened (docs/ODD.md, section 9.3, lists the reasons of each event).",
}
"""Columns of ``events.parquet`` (docs/ODD.md, section 9.3)."""

FIRM_COLUMN_DOCS: dict[str, str] = {
    "smb": "Index of the SMB (row of the SMB arrays).",
    "strategy": "Name of the SMB's strategy.",
    "measure": "The quantity followed: revenue or net_income.",
    "reference": "What the response is measured against: own (its pre-shock level) or twin (its no-shock twin).",
    "pre_shock_level": "Mean of the measure over the pre-shock window.",
    "scale": "The SMB's mean revenue over the pre-shock window (the band's scale).",
    "depth": "Largest fall below the reference, in months of pre-shock revenue.",
    "recovery_steps": "Steps from the shock until back within the band (NaN unless recovered).",
    "outcome": "recovered, failed (before recovering) or censored (alive at the end, not recovered).",
    "failed_step": "Step at which the SMB failed (-1 if alive at the end).",
    "loss_vs_twin": "Loss against the twin as a share of the twin's revenue from the shock on (NaN for own).",
}
"""Columns of ``resilience_firms.parquet`` (docs/ODD.md, section 9.7)."""

PLATFORM_COLUMN_DOCS: dict[str, str] = {
    "step": "Step number (month).",
    "platform": "Index of the platform (0-based, as in the platform_<i>_* columns of timeseries.parquet).",
}
"""Index columns of ``timeseries_by_platform.parquet``; the others are the platform metrics."""

IDENTITY_DOCS: dict[str, str] = {
    "job": "Name of the sweep job's directory.",
    "run_dir": "Absolute path of the run directory the row was read from (an earlier run's for a skipped job).",
    "strategy_group": "The strategy group the row describes (one of the run's strategies; the members of a mix).",
}
"""Columns ``ecosim-collect`` adds to identify where a row comes from."""


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with stable column types: ``int64``, ``float64``, ``bool``, ``string``.

    Categorical and text columns become ``string`` (missing values stay missing); integer
    columns of any width become ``int64``; other numbers ``float64``. A column with values of
    several kinds (numbers and text, as in an override swept over both) becomes ``string``.
    """
    out = {}
    for name, column in frame.items():
        out[name] = _tidy_column(column)
    return pd.DataFrame(out, index=frame.index)


def _tidy_column(column: pd.Series) -> pd.Series:
    dtype = column.dtype
    if dtype in (np.float64, np.int64, np.bool_):  # numpy columns already stable (and never missing)
        return column
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
        return column.astype("string")
    if pd.api.types.is_bool_dtype(dtype):
        return column.astype(bool) if not column.isna().any() else column.astype("boolean")
    if pd.api.types.is_integer_dtype(dtype):
        return column.astype(np.int64) if not column.isna().any() else column.astype("Int64")
    if pd.api.types.is_numeric_dtype(dtype):
        return column.astype(np.float64)
    values = column.dropna()
    if values.map(lambda v: isinstance(v, bool)).all() and len(values):
        return column.astype("boolean")
    if values.map(lambda v: isinstance(v, int | np.integer) and not isinstance(v, bool)).all() and len(values):
        return column.astype("Int64")
    if values.map(lambda v: isinstance(v, int | float | np.number) and not isinstance(v, bool)).all() and len(values):
        return column.astype(np.float64)
    return column.map(lambda v: v if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)).astype("string")


def drop_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without its columns that hold no value at all (e.g. ``resilience`` without shocks)."""
    return frame.loc[:, frame.notna().any(axis=0)] if len(frame) else frame


def platform_series(timeseries: pd.DataFrame, n_platforms: int) -> pd.DataFrame:
    """The per-platform columns of a time series (``platform_<i>_share``...) as a long table.

    Returns
    -------
    pandas.DataFrame
        One row per step and platform: ``step``, ``platform`` and one column per platform
        metric of the registry (``share``, ``members``, ``fee``...).
    """
    family = [m for m in METRICS.at(STEP) if m.family == "i"]
    frames = []
    for i in range(n_platforms):
        part = {"step": timeseries["step"].to_numpy(), "platform": np.full(len(timeseries), i, dtype=np.int64)}
        for metric in family:
            part[platform_variable(metric.name)] = timeseries[metric.name.replace("<i>", str(i))].to_numpy()
        frames.append(pd.DataFrame(part))
    columns = ["step", "platform", *(platform_variable(m.name) for m in family)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({c: [] for c in columns})
    return table.sort_values(["step", "platform"], kind="stable").reset_index(drop=True)


def platform_variable(name: str) -> str:
    """The long table's column of a per-platform metric: ``platform_<i>_share`` -> ``share``."""
    return name.replace("platform_<i>_", "").replace("_<i>", "").replace("<i>", "")


def column_entry(column: str, dtype: Any, level: Level | None = None, docs: Mapping[str, str] | None = None) -> dict:
    """One column of the data dictionary: its type, label, unit and meaning.

    Parameters
    ----------
    column
        Column name (a metric, a family member such as ``platform_0_share``, a dotted summary key
        such as ``resilience.depth``, or a key of ``docs``).
    dtype
        The column's type in the file.
    level
        Where the metric is reported (its meaning there); None for non-metric tables.
    docs
        Column documentation that takes precedence over the registry.
    """
    entry: dict[str, Any] = {"dtype": str(dtype)}
    if docs and column in docs:
        entry["description"] = docs[column]
        return entry
    metric = METRICS.metric_of(column.partition(".")[0])
    if metric is not None:
        entry["label"] = METRICS.label(column)
        part = next((p for p in metric.parts if p.name == column.partition(".")[2]), None)
        entry["unit"] = part.unit if part is not None else metric.unit
        if part is not None:
            entry["description"] = part.doc
        else:
            entry["description"] = metric.meaning(level) if level is not None else metric.doc
    return entry


def table_entry(frame: pd.DataFrame, about: str, level: Level | None = None, docs: Mapping[str, str] | None = None):
    """The data dictionary's entry of one table: what a row is and each column."""
    return {
        "rows": about,
        "columns": {str(c): column_entry(str(c), t, level, docs) for c, t in frame.dtypes.items()},
    }


def run_dictionary(tables: Mapping[str, pd.DataFrame], config: ModelConfig | None = None) -> dict[str, Any]:
    """The data dictionary of a run's files (``schema.json``), from the tables as written and the
    summary keys a run with ``config`` writes (None: the default configuration)."""
    platform_docs = {
        **PLATFORM_COLUMN_DOCS,
        **{platform_variable(m.name): m.doc for m in METRICS.at(STEP) if m.family == "i"},
    }
    about = {
        "timeseries.parquet": ("one row per step (month) for the whole population", STEP, None),
        "timeseries_by_strategy.parquet": ("one row per step and strategy group", STRATEGY_STEP, None),
        "timeseries_by_platform.parquet": ("one row per step and platform", STEP, platform_docs),
        "events.parquet": ("one row per alliance lifecycle event or market event", None, EVENT_COLUMN_DOCS),
        "survival.parquet": ("one row per survival or hazard curve, group and age", None, SURVIVAL_COLUMNS),
        "resilience_firms.parquet": ("one row per SMB, measure and reference (no rows without shocks)", None,
                                     FIRM_COLUMN_DOCS),
        "focal.parquet": ("one row per step: the focal firm's state", None, FOCAL_COLUMNS),
    }  # fmt: skip
    files = {}
    for name, frame in tables.items():
        rows, level, docs = about[name]
        files[name] = table_entry(frame, rows, level, docs)
    files["summary.json"] = {
        "rows": "the run's final metrics; by_strategy holds one entry per strategy group",
        "keys": {c: column_entry(c, "json", SUMMARY) for c in METRICS.columns(SUMMARY, config=config)},
        "by_strategy keys": {
            c: column_entry(c, "json", STRATEGY_SUMMARY) for c in METRICS.columns(STRATEGY_SUMMARY, config=config)
        },
    }
    return {"about": "Data dictionary of an ecosim run directory (written by simulator.run.runner).", "files": files}
