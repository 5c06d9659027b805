"""What-if comparison of a sweep: levels with confidence intervals, paired differences, figures.

``ecosim-compare results/sweeps/<sweep> --by strategy --baseline platform_first`` collects the
sweep (if not yet collected), then for each metric and each level of ``--by``:

- the mean over replicates with a 95% confidence interval (Student t, ``scipy.stats``);
- the difference against the baseline level, paired by seed and replicate (and every other
  swept parameter), so that randomness the two share cancels, with its 95% interval and the
  paired t-test's p-value (``scipy.stats.ttest_rel``).

Metrics are shown by their label and unit from the metric registry (with the column name). It
writes ``report.md`` with the table and figures beside it (each metric by level with its
interval; total revenue and survival over time as bands across replicates), and prints the
table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from simulator.analysis.collect import collect, write
from simulator.errors import EXIT_BAD_INPUT, EXIT_FAILED
from simulator.errors import report as print_error
from simulator.observe.metrics import METRICS

DEFAULT_METRICS: tuple[str, ...] = (
    "survival_rate",
    "revenue_growth_total",
    "median_revenue_growth",
    "mean_revenue_hhi",
    "mean_largest_platform_share",
    "mean_total_exit_cost_ratio",
    "resilience.depth",
    "resilience.loss_vs_twin",
)
"""Growth, lock-in and resilience metrics compared by default (those present in the sweep)."""
PAIR_KEYS: tuple[str, ...] = ("seed", "replicate")
CONFIDENCE = 0.95


def interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% Student-t confidence interval (NaN bounds for fewer than two values)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    mean = float(values.mean()) if len(values) else float("nan")
    if len(values) < 2:
        return mean, float("nan"), float("nan")
    sem = stats.sem(values)
    if sem == 0:
        return mean, mean, mean
    low, high = stats.t.interval(CONFIDENCE, len(values) - 1, loc=mean, scale=sem)
    return mean, float(low), float(high)


def compare(runs: pd.DataFrame, by: str, baseline: Any | None = None, metrics: list[str] | None = None) -> pd.DataFrame:
    """Compare the levels of ``by`` on each metric.

    Parameters
    ----------
    runs
        One row per run (``runs.parquet``).
    by
        The column whose levels are compared (e.g. ``strategy`` or ``platform.fee``).
    baseline
        The level the others are compared with, paired by seed, replicate and every other
        swept column; no paired differences when None.
    metrics
        Metric columns (default: those of :data:`DEFAULT_METRICS` present).

    Returns
    -------
    pandas.DataFrame
        One row per (metric, level): ``n``, ``mean``, ``ci_low``, ``ci_high`` and, with a
        baseline, ``diff``, ``diff_ci_low``, ``diff_ci_high``, ``p_value``.
    """
    if by not in runs.columns:
        raise KeyError(f"{by!r} is not a column of the runs; swept columns: {', '.join(swept_columns(runs))}")
    metrics = [m for m in (metrics or DEFAULT_METRICS) if m in runs.columns and runs[m].notna().any()]
    if baseline is not None and baseline not in set(runs[by]):
        levels = ", ".join(map(str, sorted(set(runs[by]), key=str)))
        raise KeyError(f"baseline {baseline!r} is not a level of {by}; levels: {levels}")
    pair_on = [c for c in (*PAIR_KEYS, *swept_columns(runs)) if c in runs.columns and c != by]
    pair_on = list(dict.fromkeys(pair_on))
    rows = []
    for metric in metrics:
        base = runs[runs[by] == baseline].set_index(pair_on)[metric] if baseline is not None else None
        for level, group in runs.groupby(by, sort=True):
            mean, low, high = interval(group[metric].to_numpy())
            row: dict[str, Any] = {
                "metric": metric,
                by: level,
                "n": int(group[metric].notna().sum()),
                "mean": mean,
                "ci_low": low,
                "ci_high": high,
            }
            if base is not None:
                joined = (
                    group.set_index(pair_on)[metric].to_frame("level").join(base.to_frame("base"), how="inner").dropna()
                )
                diff = joined["level"] - joined["base"]
                d_mean, d_low, d_high = interval(diff.to_numpy())
                p = float("nan")
                if len(diff) >= 2 and diff.std() > 0:
                    p = float(stats.ttest_rel(joined["level"], joined["base"]).pvalue)
                row.update(
                    {"diff": d_mean, "diff_ci_low": d_low, "diff_ci_high": d_high, "p_value": p, "pairs": len(diff)}
                )
            rows.append(row)
    return pd.DataFrame(rows)


def swept_columns(runs: pd.DataFrame) -> list[str]:
    """Override columns (those between ``job`` and ``run_dir``) that vary across the sweep."""
    columns = list(runs.columns)
    if "job" not in columns or "run_dir" not in columns:
        return []
    overrides = columns[columns.index("job") + 1 : columns.index("run_dir")]
    return [c for c in overrides if runs[c].nunique(dropna=False) > 1]


def format_table(table: pd.DataFrame, by: str) -> str:
    """The comparison as a markdown table."""
    head = f"| metric | {by} | n | mean [95% CI] |"
    sep = "|---|---|---|---|"
    paired = "diff" in table.columns
    if paired:
        head += " diff vs baseline [95% CI] | p |"
        sep += "---|---|"
    lines = [head, sep]
    for _, r in table.iterrows():
        level = f"{r['mean']:.4g} [{r['ci_low']:.4g}, {r['ci_high']:.4g}]"
        line = f"| {metric_title(r['metric'])} | {r[by]} | {r['n']} | {level} |"
        if paired:
            line += f" {r['diff']:+.4g} [{r['diff_ci_low']:+.4g}, {r['diff_ci_high']:+.4g}] | {r['p_value']:.3g} |"
        lines.append(line)
    return "\n".join(lines)


def metric_title(metric: str) -> str:
    """A metric's label with its unit, followed by its column name (``survival rate (`survival_rate`)``)."""
    label = METRICS.label(metric)
    return f"{label} (`{metric}`)" if label != metric else f"`{metric}`"


def plot_levels(table: pd.DataFrame, by: str, out_dir: Path) -> list[Path]:
    """One figure per metric: mean by level with its 95% interval."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    for metric, group in table.groupby("metric", sort=False):
        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        x = np.arange(len(group))
        err = np.vstack([group["mean"] - group["ci_low"], group["ci_high"] - group["mean"]])
        ax.errorbar(x, group["mean"], yerr=np.nan_to_num(err), fmt="o", capsize=5)
        ax.set_xticks(x, [str(v) for v in group[by]], rotation=20)
        ax.set_xlabel(by)
        ax.set_ylabel(METRICS.label(metric))
        ax.set_title(f"{metric} by {by} (mean, 95% CI)")
        ax.grid(True, alpha=0.3)
        paths.append(_save_png(fig, out_dir / f"{metric.replace('.', '_')}_by_{by.replace('.', '_')}.png"))
    return paths


def plot_bands(
    steps: pd.DataFrame, by: str, out_dir: Path, columns: tuple[str, ...] = ("total_revenue", "survival_rate")
) -> list[Path]:
    """Time series per level: the mean across replicates and the 10-90% band."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    for column in columns:
        if column not in steps.columns or by not in steps.columns:
            continue
        fig, ax = plt.subplots(figsize=(6.5, 3.8))
        for level, group in steps.groupby(by, sort=True):
            per_step = group.groupby("step")[column]
            mean, low, high = per_step.mean(), per_step.quantile(0.1), per_step.quantile(0.9)
            ax.plot(mean.index, mean.to_numpy(), label=str(level))
            ax.fill_between(mean.index, low.to_numpy(), high.to_numpy(), alpha=0.2)
        ax.set_xlabel(METRICS.label("step"))
        ax.set_ylabel(METRICS.label(column))
        ax.set_title(f"{column} over time by {by} (mean, 10-90% band)")
        ax.legend(title=by, fontsize=8)
        ax.grid(True, alpha=0.3)
        paths.append(_save_png(fig, out_dir / f"{column}_over_time_by_{by.replace('.', '_')}.png"))
    return paths


def _save_png(fig: Any, path: Path) -> Path:
    """Lay out, write and close a figure."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def report(
    sweep_dir: str | Path, by: str, baseline: Any | None, metrics: list[str] | None, out_dir: str | Path | None = None
) -> tuple[Path, str]:
    """Collect the sweep, compare, and write ``report.md`` with its figures."""
    sweep = Path(sweep_dir)
    out = Path(out_dir) if out_dir else sweep / "report"
    out.mkdir(parents=True, exist_ok=True)
    collected = collect(sweep)
    write(collected, sweep)
    if collected.runs.empty:
        raise ValueError(f"no finished runs in {sweep}")
    baseline = _as_level(collected.runs[by], baseline) if baseline is not None and by in collected.runs else baseline
    table = compare(collected.runs, by, baseline, metrics)
    text = format_table(table, by)
    figures = plot_levels(table, by, out) + plot_bands(collected.steps, by, out)
    lines = [
        f"# What-if report: {sweep}",
        "",
        f"{len(collected.runs)} runs compared by `{by}`"
        + (
            f", against the baseline `{by}={baseline}` (differences paired by seed and replicate)."
            if baseline is not None
            else "."
        ),
        "Means with 95% confidence intervals over replicates (Student t); p from the paired t-test.",
        "",
        text,
        "",
        *(f"![{p.stem}]({p.name})" for p in figures),
    ]
    if collected.failed:
        lines += ["", "Failed jobs (not compared):", *(f"- {p}" for p in collected.failed)]
    if collected.damaged or collected.unfinished:
        not_read = [f"- {job}: {problem}" for job, problem in collected.damaged]
        not_read += [f"- {job}: unfinished" for job in collected.unfinished]
        lines += ["", "Damaged or unfinished runs (not compared; rerun the sweep to redo them):", *not_read]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    table.to_csv(out / "comparison.csv", index=False)
    return path, text


def _as_level(column: pd.Series, value: Any) -> Any:
    """Match a command-line baseline string to the column's type."""
    for level in column.unique():
        if str(level) == str(value):
            return level
    return value


def main(argv: list[str] | None = None) -> int:
    """``ecosim-compare SWEEP_DIR --by COLUMN [--baseline LEVEL] [--metrics ...]``."""
    parser = argparse.ArgumentParser(
        prog="ecosim-compare", description="Compare the levels of a sweep with confidence intervals."
    )
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument("--by", default="strategy", help="swept column whose levels are compared (default: strategy)")
    parser.add_argument("--baseline", default=None, help="level the others are compared with, paired by seed")
    parser.add_argument(
        "--metrics", nargs="+", default=None, help=f"metric columns (default: {', '.join(DEFAULT_METRICS)})"
    )
    parser.add_argument("--out", type=Path, default=None, help="report directory (default: SWEEP_DIR/report)")
    args = parser.parse_args(argv)
    try:
        path, text = report(args.sweep_dir, args.by, args.baseline, args.metrics, args.out)
    except (KeyError, ValueError, FileNotFoundError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else None
        return print_error(parser.prog, err, EXIT_BAD_INPUT, message)
    except Exception as err:
        return print_error(parser.prog, err, EXIT_FAILED)
    print(text)
    print(f"\nreport: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
