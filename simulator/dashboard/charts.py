"""The dashboard's time-series charts as Vega-Lite specifications (drawn in the browser).

Titles, axes and legends take their labels and units from the metric registry
(:data:`simulator.observe.metrics.METRICS`); the step axis runs from 0 (the start) to the run's length, as
the step counter does; scheduled shocks are shaded; runs A and B are told apart by line dash and
strategy groups by the colours of :data:`STRATEGY_COLOURS`, the same in every chart and in the
network. A chart without data yet says so instead of drawing empty axes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from simulator.observe.metrics import METRICS
from simulator.strategies import STRATEGIES

VEGA_LITE = "https://vega.github.io/schema/vega-lite/v5.json"
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#8c6d31", "#7b4173", "#3182bd",
)  # fmt: skip
STRATEGY_COLOURS: dict[str, str] = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(sorted(STRATEGIES))}
"""One colour per strategy, in every chart and the network."""
RUN_DASH = {"A": [1, 0], "B": [5, 3]}
"""Run A solid, run B dashed."""
RUN_COLOURS = ("#1f77b4", "#d62728")
"""Colours of runs A and B in charts of one population-wide metric."""
STEP_AXIS = "month (step)"
HEIGHT = 170


def unit(column: str) -> str:
    """A metric's unit for the value axis (the chart's title carries its label)."""
    metric = METRICS[column] if column in METRICS else None
    return metric.unit if metric is not None and metric.unit else "no unit"


def _finite(value: Any) -> bool:
    """Whether a cell is a finite number (JSON has no NaN; a metric may be None before it is defined)."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


Series = Mapping[str, pd.DataFrame]
"""Run label -> that run's table (``timeseries.parquet`` or ``timeseries_by_strategy.parquet`` rows so far)."""


def empty_chart(title: str, message: str = "No data yet: press Step or Play.") -> dict[str, Any]:
    """A chart placeholder that says why it is empty."""
    return {
        "$schema": VEGA_LITE,
        "title": title,
        "width": 360,  # a chart without axes does not fill its container
        "height": HEIGHT,
        "datasets": {"message": [{"text": message}]},
        "data": {"name": "message"},
        "mark": {"type": "text", "fontSize": 13, "color": "#666"},
        "encoding": {"text": {"field": "text"}},
    }


def _base(title: str | dict[str, str], steps: int) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE,
        "title": title,
        "width": "container",
        "height": HEIGHT,
        "datasets": {},
        "layer": [],
        "_steps": steps,
    }


def _shading(spec: dict[str, Any], shocks: Sequence[tuple[int, int, str]]) -> None:
    """Add a layer of shaded shock periods (a dataset of its own, so a new shock only changes data)."""
    rows = [{"start": a - 0.5, "end": b + 0.5, "shock": kind.replace("_", " ")} for a, b, kind in shocks]
    spec["datasets"]["shocks"] = rows
    spec["layer"].append(
        {
            "data": {"name": "shocks"},
            "mark": {"type": "rect", "color": "#999", "opacity": 0.18},
            "encoding": {
                "x": {"field": "start", "type": "quantitative"},
                "x2": {"field": "end"},
                "tooltip": [{"field": "shock", "title": "shock"}],
            },
        }
    )


def _finish(spec: dict[str, Any]) -> dict[str, Any]:
    steps = spec.pop("_steps")
    for layer in spec["layer"]:  # one step axis, 0 (the start) to the run's length, in every layer
        x = layer["encoding"].setdefault("x", {"field": "step", "type": "quantitative"})
        x.update(title=STEP_AXIS, scale={"domain": [0, steps], "nice": False})
    return spec


def metric_chart(
    runs: Series,
    columns: Sequence[str],
    steps: int,
    shocks: Sequence[tuple[int, int, str]] = (),
    title: str = "",
    y_title: str = "",
) -> dict[str, Any]:
    """Lines of population-wide metrics by step, one colour per metric (or per run for one metric).

    Parameters
    ----------
    runs
        Run label -> the run's time series so far.
    columns
        Metrics to draw (columns of ``timeseries.parquet``); with several, they share one axis.
    steps
        The run's length (the step axis's end).
    shocks
        Shaded periods ``(first step, last step, kind)``.
    title, y_title
        The chart's title and value axis for several metrics (default: their labels, none).
    """
    if len(columns) == 1 or not title:
        title = METRICS.label(columns[0]) if len(columns) == 1 else ", ".join(METRICS.label(c) for c in columns)
    rows = [
        {"step": int(s), "value": float(v), "run": run, "series": METRICS.label(c)}
        for run, frame in runs.items()
        for c in columns
        if c in frame
        for s, v in zip(frame["step"], frame[c], strict=True)
        if _finite(v)
    ]
    if not rows:
        return empty_chart(title)
    spec = _base(title, steps)
    _shading(spec, shocks)
    by_run = len(columns) == 1
    colour = (
        {"field": "run", "type": "nominal", "title": "run", "scale": {"range": list(RUN_COLOURS)}}
        if by_run
        else {"field": "series", "type": "nominal", "title": None}
    )
    spec["datasets"]["rows"] = rows
    spec["layer"].append(
        {
            "data": {"name": "rows"},
            "mark": {"type": "line", "strokeWidth": 2},
            "encoding": {
                "y": {"field": "value", "type": "quantitative", "title": unit(columns[0]) if by_run else y_title},
                "color": {**colour, "legend": {"orient": "bottom", "labelLimit": 400}},
                "strokeDash": {
                    "field": "run",
                    "type": "nominal",
                    "title": "run",
                    "scale": {"domain": list(runs), "range": [RUN_DASH[r[0]] for r in runs]},
                    "legend": None if by_run else {"orient": "bottom"},
                },
                "tooltip": [
                    {"field": "run"},
                    {"field": "series", "title": "metric"},
                    {"field": "step", "title": STEP_AXIS},
                    {"field": "value", "format": ".3~g"},
                ],
            },
        }
    )
    return _finish(spec)


def strategy_chart(
    runs: Series, column: str, steps: int, shocks: Sequence[tuple[int, int, str]] = ()
) -> dict[str, Any]:
    """One metric by strategy group and step (``timeseries_by_strategy.parquet`` rows), coloured by strategy."""
    title = {"text": METRICS.label(column), "subtitle": "by strategy group"}
    rows = [
        {"step": int(s), "value": float(v), "run": run, "strategy": g}
        for run, frame in runs.items()
        if column in frame
        for s, g, v in zip(frame["step"], frame["strategy"], frame[column], strict=True)
        if _finite(v)
    ]
    if not rows:
        return empty_chart(title["text"])
    present = sorted({r["strategy"] for r in rows})
    spec = _base(title, steps)
    _shading(spec, shocks)
    spec["datasets"]["rows"] = rows
    spec["layer"].append(
        {
            "data": {"name": "rows"},
            "mark": {"type": "line", "strokeWidth": 2},
            "encoding": {
                "y": {"field": "value", "type": "quantitative", "title": unit(column)},
                "color": {
                    "field": "strategy",
                    "type": "nominal",
                    "title": "strategy",
                    "scale": {"domain": present, "range": [STRATEGY_COLOURS.get(g, "#333") for g in present]},
                    "legend": {"orient": "bottom", "columns": 3},
                },
                "strokeDash": {
                    "field": "run",
                    "type": "nominal",
                    "title": "run",
                    "scale": {"domain": list(runs), "range": [RUN_DASH[r[0]] for r in runs]},
                    "legend": {"orient": "bottom"} if len(runs) > 1 else None,
                },
                "detail": {"field": "run"},
                "tooltip": [
                    {"field": "run"},
                    {"field": "strategy"},
                    {"field": "step", "title": STEP_AXIS},
                    {"field": "value", "format": ".3~g"},
                ],
            },
        }
    )
    return _finish(spec)
