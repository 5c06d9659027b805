"""Standard figures for papers and slides, as PNG and SVG.

``ecosim-figures results/<scenario>/<run>`` renders, from one run's outputs:

- ``network``: the final alliance network (rebuilt from ``events.parquet``), firms shaped and
  coloured by kind, alliances coloured by type;
- ``growth``: total revenue and SMB survival over time;
- ``lock_in``: revenue concentration, largest-platform share, own-channel share and exit cost
  over time;
- ``platform_shares``: each platform's share of platform sales over time;
- ``shock_response`` (runs with shocks): total revenue around the first shock with the
  pre-shock level, the recovery threshold and the recovery step marked, and the no-shock twin
  when there is one;
- ``strategy_mix`` (runs where strategies evolve): each strategy's share of the alive SMBs over
  time and, with three strategies, the trajectory of the mix in the simplex (a ternary plot),
  with the no-shock twin's dashed when there is one.

The time plots of a run with shocks mark the first shock's onset with a dashed line. Given a
sweep directory it renders, per swept column (``--by``), the metrics' means by level with 95%
intervals and revenue and survival over time, one panel per level, as small multiples (see
:mod:`simulator.analysis.compare`).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd

from simulator.analysis.compare import COLUMN_WIDTH, paper_style
from simulator.core.roles import ROLES
from simulator.core.vocabulary import ENDING_EVENTS, KIND_STYLE, TYPE_COLOURS
from simulator.errors import EXIT_FAILED, report
from simulator.observe.metrics import METRICS

STEP_AXIS = METRICS.label("step")
WIDTH = 2 * COLUMN_WIDTH
"""Figures span a two-column paper's text width (7 in) with 8 pt text (:func:`paper_style`)."""

FORMATS = ("png", "svg")


def save(fig: plt.Figure, out_dir: Path, name: str) -> list[Path]:
    """Write a figure as PNG and SVG; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in FORMATS:
        path = out_dir / f"{name}.{fmt}"
        fig.savefig(path, dpi=150, bbox_inches="tight")
        paths.append(path)
    plt.close(fig)
    return paths


def final_network(events: pd.DataFrame) -> nx.Graph:
    """The alliances active at the end of the run, replayed from the event log."""
    rows = events[events.alliance_id >= 0]
    ended = set(rows[rows.event.isin(sorted(ENDING_EVENTS))].alliance_id)
    formed = rows[(rows.event == "formed") & ~rows.alliance_id.isin(ended)]
    graph = nx.Graph()
    for r in formed.itertuples():
        graph.add_node(f"smb{r.smb_id}", kind="smb")
        graph.add_node(f"c{r.counterpart_id}", kind=str(r.counterpart_kind))
        graph.add_edge(f"smb{r.smb_id}", f"c{r.counterpart_id}", type=str(r.alliance_type))
    return graph


def network_figure(events: pd.DataFrame, seed: int = 0) -> plt.Figure:
    """Draw the final alliance network."""
    graph = final_network(events)
    paper_style()
    fig, ax = plt.subplots(figsize=(WIDTH, WIDTH))
    if graph.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "no active alliances at the end", ha="center", va="center")
        ax.axis("off")
        return fig
    pos = nx.spring_layout(graph, seed=seed, k=1.5 / np.sqrt(graph.number_of_nodes()))
    for kind_type, colour in TYPE_COLOURS.items():
        edges = [(u, v) for u, v, t in graph.edges(data="type") if t == kind_type]
        if edges:
            nx.draw_networkx_edges(
                graph, pos, edgelist=edges, edge_color=colour, width=0.6, alpha=0.5, ax=ax, label=kind_type
            )
    labels = {role.name: role.label for role in ROLES}
    for kind, (marker, colour, size) in KIND_STYLE.items():
        nodes = [n for n, k in graph.nodes(data="kind") if k == kind]
        if nodes:
            nx.draw_networkx_nodes(
                graph,
                pos,
                nodelist=nodes,
                node_shape=marker,
                node_color=colour,
                node_size=size,
                ax=ax,
                label=labels.get(kind, kind.replace("_", " ")),
            )
    ax.set_title(f"Alliance network at the end: {graph.number_of_nodes()} firms, {graph.number_of_edges()} alliances")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.axis("off")
    return fig


def axis_label(column: str) -> str:
    """A metric's label with its unit, wrapped to fit beside a panel at paper size."""
    return textwrap.fill(METRICS.label(column), 30)


def mark_shock(axes: Any, shock_start: int | None) -> None:
    """Mark the first shock's onset on time axes (a dashed vertical line, labelled on the first)."""
    if shock_start is None:
        return
    for i, ax in enumerate(np.atleast_1d(axes)):
        ax.axvline(shock_start, color="#b22222", linestyle="--", linewidth=0.9)
        if i == 0:
            ax.annotate(
                f"shock (step {shock_start})", xy=(shock_start, 1.0), xycoords=("data", "axes fraction"),
                xytext=(3, -9), textcoords="offset points", color="#b22222", fontsize=7,
            )  # fmt: skip


def growth_figure(ts: pd.DataFrame, shock_start: int | None = None) -> plt.Figure:
    """Total revenue and survival over time (the first shock's onset marked)."""
    paper_style()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(WIDTH, 4.5), sharex=True)
    top.plot(ts.step, ts.total_revenue, color="#1f77b4")
    top.set_ylabel(axis_label("total_revenue"))
    top.set_title("Growth and survival")
    bottom.plot(ts.step, ts.survival_rate, color="#2ca02c")
    bottom.set_ylabel(axis_label("survival_rate"))
    bottom.set_xlabel(STEP_AXIS)
    for ax in (top, bottom):
        ax.grid(True, alpha=0.3)
    mark_shock([top, bottom], shock_start)
    return fig


def lock_in_figure(ts: pd.DataFrame, shock_start: int | None = None) -> plt.Figure:
    """Lock-in indicators over time (the first shock's onset marked)."""
    paper_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(WIDTH, 3.0))
    for column in ("mean_revenue_hhi", "mean_largest_platform_share", "mean_direct_share"):
        left.plot(ts.step, ts[column], label=METRICS.label(column))
    left.set_ylim(0, 1.05)
    left.set_ylabel("mean over alive SMBs")
    left.legend(fontsize=8)
    right.plot(ts.step, ts.mean_total_exit_cost_ratio, color="#8c564b")
    right.set_ylabel(axis_label("mean_total_exit_cost_ratio"))
    for ax in (left, right):
        ax.set_xlabel(STEP_AXIS)
        ax.grid(True, alpha=0.3)
    mark_shock([left, right], shock_start)
    fig.suptitle("Lock-in over time")
    fig.tight_layout()
    return fig


def platform_shares_figure(ts: pd.DataFrame, shock_start: int | None = None) -> plt.Figure:
    """Stacked platform sales shares over time (the first shock's onset marked)."""
    columns = sorted(c for c in ts.columns if c.startswith("platform_") and c.endswith("_share"))
    paper_style()
    fig, ax = plt.subplots(figsize=(WIDTH, 3.0))
    if columns:
        ax.stackplot(ts.step, *(ts[c] for c in columns), labels=[c.split("_")[1] for c in columns], alpha=0.8)
        ax.legend(title="platform", fontsize=8, loc="upper left")
    ax.set_ylim(0, 1)
    ax.set_xlabel(STEP_AXIS)
    ax.set_ylabel(axis_label("platform_shares"))
    ax.set_title("Platform market shares")
    mark_shock(ax, shock_start)
    return fig


def shock_response_figure(
    ts: pd.DataFrame, resilience: dict, twin: pd.DataFrame | None, recovery_fraction: float
) -> plt.Figure:
    """Revenue around the first shock with the recovery marked."""
    paper_style()
    fig, ax = plt.subplots(figsize=(WIDTH, 3.5))
    ax.plot(ts.step, ts.total_revenue, label="with shock", color="#d62728")
    if twin is not None:
        ax.plot(twin.step, twin.total_revenue, label="no-shock twin", color="#7f7f7f", linestyle="--")
    start, level = resilience["shock_start"], resilience["pre_shock_revenue"]
    ax.axvline(start, color="black", linewidth=0.8, label=f"shock at step {start}")
    ax.axhline(level, color="#1f77b4", linewidth=0.8, label="pre-shock level")
    ax.axhline(
        recovery_fraction * level, color="#1f77b4", linewidth=0.8, linestyle=":", label=f"{recovery_fraction:.0%} of it"
    )
    ax.plot(
        [resilience["trough_step"]],
        [resilience["trough_revenue"]],
        "v",
        color="black",
        label=f"trough (depth {resilience['depth']:.0%})",
    )
    if resilience["recovered"]:
        step = start + resilience["recovery_steps"]
        ax.axvline(step, color="#2ca02c", linewidth=1.2, label=f"recovered after {resilience['recovery_steps']} steps")
    else:
        ax.text(0.98, 0.05, "not recovered by the end (censored)", transform=ax.transAxes, ha="right")
    ax.set_xlabel(STEP_AXIS)
    ax.set_ylabel(axis_label("total_revenue"))
    ax.set_title("Shock response")
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(True, alpha=0.3)
    return fig


def _simplex_xy(shares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ternary-plot coordinates of three shares per row: vertices (0, 0), (1, 0), (1/2, sqrt(3)/2)."""
    return shares[:, 1] + 0.5 * shares[:, 2], np.sqrt(3) / 2 * shares[:, 2]


def strategy_mix_figure(
    by_strategy: pd.DataFrame, shock_start: int | None = None, twin: pd.DataFrame | None = None
) -> plt.Figure:
    """Each strategy's share over time; with three strategies, also the mix's path in the simplex.

    Parameters
    ----------
    by_strategy
        A run's ``timeseries_by_strategy`` (with the ``strategy_share`` column of a run where
        strategies evolve).
    shock_start
        The first shock's step, marked; None without shocks.
    twin
        The no-shock twin's ``timeseries_by_strategy``, drawn dashed.
    """
    shares = by_strategy.pivot(index="step", columns="strategy", values="strategy_share")
    names = list(shares.columns)
    twin_shares = None if twin is None else twin.pivot(index="step", columns="strategy", values="strategy_share")
    paper_style()
    ternary = len(names) == 3
    fig, axes = plt.subplots(1, 2 if ternary else 1, figsize=(WIDTH, 3.2), squeeze=False)
    ax = axes[0, 0]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, name in enumerate(names):
        ax.plot(shares.index, shares[name], color=colours[i % len(colours)], label=name)
        if twin_shares is not None and name in twin_shares:
            ax.plot(twin_shares.index, twin_shares[name], color=colours[i % len(colours)], linestyle="--")
    ax.set_ylim(0, 1)
    ax.set_xlabel(STEP_AXIS)
    ax.set_ylabel(axis_label("strategy_share"))
    ax.set_title("Strategy mix" + (" (dashed: no-shock twin)" if twin_shares is not None else ""))
    ax.legend(fontsize=7)
    ax.grid(True, alpha=0.3)
    mark_shock(ax, shock_start)
    if ternary:
        tri = axes[0, 1]
        corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2], [0.0, 0.0]])
        tri.plot(corners[:, 0], corners[:, 1], color="black", linewidth=0.8)
        for (x, y), name, align in zip(corners[:3], names, ("right", "left", "center"), strict=True):
            tri.annotate(name, (x, y), xytext=(0, -10 if y == 0 else 4), textcoords="offset points", ha=align)
        for frame, style in ((shares, "-"), (twin_shares, "--")):
            if frame is None:
                continue
            x, y = _simplex_xy(frame[names].to_numpy())
            tri.plot(x, y, style, color="#444444", linewidth=1.0)
            tri.plot(x[:1], y[:1], "o", color="#444444", markersize=4)
            tri.plot(x[-1:], y[-1:], "s", color="#444444", markersize=4)
        tri.set_aspect("equal")
        tri.axis("off")
        tri.set_title("Path of the mix (circle: start, square: end)")
    fig.tight_layout()
    return fig


def run_figures(run_dir: Path, out_dir: Path) -> list[Path]:
    """Render every standard figure of one run."""
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    events = pd.read_parquet(run_dir / "events.parquet")
    summary = json.loads((run_dir / "summary.json").read_text())
    paths = save(network_figure(events), out_dir, "network")
    shock_start = (summary.get("resilience") or {}).get("shock_start")
    paths += save(growth_figure(ts, shock_start), out_dir, "growth")
    paths += save(lock_in_figure(ts, shock_start), out_dir, "lock_in")
    paths += save(platform_shares_figure(ts, shock_start), out_dir, "platform_shares")
    if summary.get("resilience"):
        twin = pd.read_parquet(run_dir / "twin" / "timeseries.parquet") if (run_dir / "twin").is_dir() else None
        import yaml

        config = yaml.safe_load((run_dir / "config.yaml").read_text())
        fraction = config.get("resilience", {}).get("recovery_fraction", 0.95)
        paths += save(shock_response_figure(ts, summary["resilience"], twin, fraction), out_dir, "shock_response")
    by_strategy = pd.read_parquet(run_dir / "timeseries_by_strategy.parquet")
    if "strategy_share" in by_strategy:
        twin_path = run_dir / "twin" / "timeseries_by_strategy.parquet"
        twin_groups = pd.read_parquet(twin_path) if twin_path.is_file() else None
        paths += save(strategy_mix_figure(by_strategy, shock_start, twin_groups), out_dir, "strategy_mix")
    return paths


def sweep_figures(sweep_dir: Path, out_dir: Path, by: str) -> list[Path]:
    """Metric-by-level and time-band figures of a sweep."""
    from simulator.analysis.collect import collect
    from simulator.analysis.compare import compare, plot_bands, plot_levels, shock_onset

    collected = collect(sweep_dir)
    table = compare(collected.runs, by)
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = plot_levels(table, by, out_dir) + plot_bands(
        collected.steps, by, out_dir, shock_start=shock_onset(collected)
    )
    return pngs


def main(argv: list[str] | None = None) -> int:
    """``ecosim-figures RUN_OR_SWEEP_DIR [--out DIR] [--by COLUMN]``."""
    parser = argparse.ArgumentParser(
        prog="ecosim-figures", description="Render the standard figures of a run or a sweep."
    )
    parser.add_argument("path", type=Path, help="a run directory (with summary.json) or a sweep directory")
    parser.add_argument("--out", type=Path, default=None, help="output directory (default: PATH/figures)")
    parser.add_argument("--by", default="strategy", help="for a sweep: the swept column to compare (default: strategy)")
    args = parser.parse_args(argv)
    out = args.out or args.path / "figures"
    try:
        if (args.path / "summary.json").exists():
            paths = run_figures(args.path, out)
        elif args.path.is_dir():
            paths = sweep_figures(args.path, out, args.by)
        else:
            raise FileNotFoundError(f"{args.path} is neither a run nor a sweep directory")
    except (FileNotFoundError, KeyError) as err:
        print(f"ecosim-figures: error: {err.args[0] if err.args else err}", file=sys.stderr)
        return 2
    except Exception as err:  # a damaged file, a full disk...: one line, not a traceback
        return report("ecosim-figures", err, EXIT_FAILED)
    print(f"wrote {len(paths)} files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
