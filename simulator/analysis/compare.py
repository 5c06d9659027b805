"""What-if comparison of a sweep: levels with confidence intervals, paired differences, figures.

``ecosim-compare results/sweeps/<sweep> --by strategy --baseline platform_first`` collects the
sweep (if not yet collected), then for each metric and each level of ``--by``:

- the mean over replicates with a 95% confidence interval: a percentile bootstrap for metrics
  whose values are shares in [0, 1] (survival, concentration: the interval stays inside the
  range), Student t otherwise;
- the difference against the baseline level, paired by seed and replicate (and every other
  swept parameter), so that randomness the two share cancels, with its 95% interval (bootstrap
  for shares, so it stays in [-1, 1]), the standardized effect size ``d_z`` (mean paired
  difference over its standard deviation), the paired t-test's p-value
  (``scipy.stats.ttest_rel``) and that p-value adjusted by Holm's method over every comparison
  of the report (metrics x levels), which keeps the chance of any false finding at 5%.

It writes into ``SWEEP/report``: ``report.md`` (the run conditions: scenario, SMBs, steps,
shocks, replicates; the table; the figures), the table alone as ``comparison.md`` and
``comparison.tex`` (LaTeX, booktabs) and ``comparison.csv``, and small-multiple figures sized
for a paper's column: every metric by level in one figure, and total revenue and survival over
time with one panel per level and the first shock marked. Metrics are labelled with their unit
from the metric registry.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from simulator.analysis.collect import Collected, collect, write
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
BOOTSTRAP_RESAMPLES = 4000
BOOTSTRAP_SEED = 20240917
"""Seed of the bootstrap's own generator: a report is the same each time it is made."""
COLUMN_WIDTH = 3.5
"""Width of a one-column figure in a two-column paper, in inches (full width: twice that)."""


def unit_of(metric: str) -> str | None:
    """A metric column's unit in the registry ("" for plain numbers and shares), None if unknown."""
    head, _, rest = metric.partition(".")
    if head == "by_strategy":
        head, rest = rest.rpartition(".")[2], ""
    definition = METRICS.metric_of(head)
    if definition is None:
        return None
    part = next((p for p in definition.parts if p.name == rest), None)
    return part.unit if part is not None else definition.unit


def is_share(metric: str, values: np.ndarray) -> bool:
    """Whether a metric is a share bounded in [0, 1]: unitless in the registry and every value in range."""
    finite = values[~np.isnan(values)]
    return bool(unit_of(metric) == "" and len(finite) and finite.min() >= 0 and finite.max() <= 1)


def interval(values: np.ndarray, bootstrap: bool = False) -> tuple[float, float, float]:
    """Mean and 95% confidence interval (NaN bounds for fewer than two values).

    Parameters
    ----------
    values
        The sample (NaNs dropped).
    bootstrap
        Percentile bootstrap of the mean (the interval stays within the values' range, e.g.
        [0, 1] for shares) instead of the Student t interval.
    """
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    mean = float(values.mean()) if len(values) else float("nan")
    if len(values) < 2:
        return mean, float("nan"), float("nan")
    if np.ptp(values) == 0:
        return mean, mean, mean
    if bootstrap:
        result = stats.bootstrap(
            (values,),
            np.mean,
            n_resamples=BOOTSTRAP_RESAMPLES,
            confidence_level=CONFIDENCE,
            method="percentile",
            rng=np.random.default_rng(BOOTSTRAP_SEED),
        )
        return mean, float(result.confidence_interval.low), float(result.confidence_interval.high)
    low, high = stats.t.interval(CONFIDENCE, len(values) - 1, loc=mean, scale=stats.sem(values))
    return mean, float(low), float(high)


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values (NaNs are left out of the family)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    order = tested[np.argsort(p[tested], kind="stable")]
    m = len(order)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


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
        One row per (metric, level): ``n``, ``mean``, ``ci_low``, ``ci_high``, ``interval``
        (``bootstrap`` or ``t``) and, with a baseline, ``diff``, ``diff_ci_low``,
        ``diff_ci_high``, ``d_z``, ``p_value``, ``p_holm`` and ``pairs`` (NaN on the
        baseline's own rows).
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
        share = is_share(metric, runs[metric].to_numpy(dtype=float))
        base = runs[runs[by] == baseline].set_index(pair_on)[metric] if baseline is not None else None
        for level, group in runs.groupby(by, sort=True):
            mean, low, high = interval(group[metric].to_numpy(dtype=float), bootstrap=share)
            row: dict[str, Any] = {
                "metric": metric,
                by: level,
                "n": int(group[metric].notna().sum()),
                "mean": mean,
                "ci_low": low,
                "ci_high": high,
                "interval": "bootstrap" if share else "t",
            }
            if base is not None:
                row.update(_paired(group.set_index(pair_on)[metric], base, share, level == baseline))
            rows.append(row)
    table = pd.DataFrame(rows)
    if baseline is not None and len(table):
        table["p_holm"] = holm(table["p_value"].to_numpy())
    return table


def _paired(level: pd.Series, base: pd.Series, share: bool, is_baseline: bool) -> dict[str, Any]:
    """The paired difference of a level's runs against the baseline's."""
    nan = float("nan")
    if is_baseline:
        return {"diff": nan, "diff_ci_low": nan, "diff_ci_high": nan, "d_z": nan, "p_value": nan, "pairs": 0}
    joined = level.to_frame("level").join(base.to_frame("base"), how="inner").dropna()
    diff = (joined["level"] - joined["base"]).to_numpy(dtype=float)
    d_mean, d_low, d_high = interval(diff, bootstrap=share)
    p, d_z = nan, nan
    if len(diff) >= 2 and diff.std(ddof=1) > 0:
        p = float(stats.ttest_rel(joined["level"], joined["base"]).pvalue)
        d_z = float(diff.mean() / diff.std(ddof=1))
    return {"diff": d_mean, "diff_ci_low": d_low, "diff_ci_high": d_high, "d_z": d_z, "p_value": p, "pairs": len(diff)}


def swept_columns(runs: pd.DataFrame) -> list[str]:
    """Override columns (those between ``job`` and ``run_dir``) that vary across the sweep."""
    columns = list(runs.columns)
    if "job" not in columns or "run_dir" not in columns:
        return []
    overrides = columns[columns.index("job") + 1 : columns.index("run_dir")]
    return [c for c in overrides if runs[c].nunique(dropna=False) > 1]


def format_table(table: pd.DataFrame, by: str, baseline: Any | None = None) -> str:
    """The comparison as a markdown table (the baseline's rows say so instead of a zero difference)."""
    paired = "diff" in table.columns
    head = f"| metric | {by} | n | mean [95% CI] |"
    sep = "|---|---|---:|---|"
    if paired:
        head += " difference vs baseline [95% CI] | d_z | p | p (Holm) |"
        sep += "---|---:|---:|---:|"
    lines = [head, sep]
    for _, r in table.iterrows():
        line = (
            f"| {metric_title(r['metric'])} | {r[by]} | {r['n']} | {_estimate(r['mean'], r['ci_low'], r['ci_high'])} |"
        )
        if paired:
            if r[by] == baseline:
                line += " baseline | | | |"
            else:
                line += (
                    f" {_estimate(r['diff'], r['diff_ci_low'], r['diff_ci_high'], signed=True)} | {_number(r['d_z'])} "
                    f"| {_p(r['p_value'])} | {_p(r['p_holm'])} |"
                )
        lines.append(line)
    return "\n".join(lines)


def format_latex(table: pd.DataFrame, by: str, baseline: Any | None = None) -> str:
    """The comparison as a LaTeX table (``booktabs``), one block of rows per metric."""
    paired = "diff" in table.columns
    columns = "llrl" + ("lrrr" if paired else "")
    head = ["Metric", _tex(by), "$n$", "Mean [95\\% CI]"]
    if paired:
        head += ["Difference [95\\% CI]", "$d_z$", "$p$", "$p_{\\mathrm{Holm}}$"]
    lines = [f"\\begin{{tabular}}{{{columns}}}", "\\toprule", " & ".join(head) + " \\\\", "\\midrule"]
    for metric, group in table.groupby("metric", sort=False):
        for i, (_, r) in enumerate(group.iterrows()):
            cells = [_tex(METRICS.label(metric)) if i == 0 else "", _tex(str(r[by])), str(r["n"])]
            cells.append(_estimate(r["mean"], r["ci_low"], r["ci_high"]))
            if paired:
                if r[by] == baseline:
                    cells += ["baseline", "", "", ""]
                else:
                    cells += [
                        _estimate(r["diff"], r["diff_ci_low"], r["diff_ci_high"], signed=True),
                        _number(r["d_z"]),
                        _p(r["p_value"]),
                        _p(r["p_holm"]),
                    ]
            lines.append(" & ".join(cells) + " \\\\")
        lines.append("\\midrule")
    lines[-1] = "\\bottomrule"
    lines.append("\\end{tabular}")
    return "\n".join(lines) + "\n"


def _estimate(mean: float, low: float, high: float, signed: bool = False) -> str:
    fmt = "{:+.3g}" if signed else "{:.3g}"
    if np.isnan(mean):
        return "n/a"
    if np.isnan(low):
        return fmt.format(mean)
    return f"{fmt.format(mean)} [{fmt.format(low)}, {fmt.format(high)}]"


def _number(value: float) -> str:
    return "n/a" if np.isnan(value) else f"{value:+.2f}"


def _p(value: float) -> str:
    if np.isnan(value):
        return "n/a"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _tex(text: str) -> str:
    for char in "\\&%$#_{}":
        text = text.replace(char, "\\" + char)
    return text


def metric_title(metric: str) -> str:
    """A metric's label with its unit, followed by its column name (``survival rate (`survival_rate`)``)."""
    label = METRICS.label(metric)
    return f"{label} (`{metric}`)" if label != metric else f"`{metric}`"


def paper_style() -> Any:
    """Matplotlib settings for figures printed at a paper's column width (8 pt text)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {"font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "xtick.labelsize": 7, "ytick.labelsize": 7,
         "legend.fontsize": 7, "axes.spines.top": False, "axes.spines.right": False}
    )  # fmt: skip
    return plt


def plot_levels(table: pd.DataFrame, by: str, out_dir: Path) -> list[Path]:
    """One figure of small multiples: a panel per metric, its mean by level with the 95% interval."""
    plt = paper_style()
    metrics = list(dict.fromkeys(table["metric"]))
    if not metrics:
        return []
    ncols = min(2, len(metrics))
    nrows = -(-len(metrics) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2 * COLUMN_WIDTH, 1.9 * nrows), squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=False):
        group = table[table["metric"] == metric]
        x = np.arange(len(group))
        err = np.vstack([group["mean"] - group["ci_low"], group["ci_high"] - group["mean"]])
        ax.errorbar(x, group["mean"], yerr=np.nan_to_num(err), fmt="o", capsize=3, markersize=4, color="#1f4e79")
        ax.set_xticks(x, [str(v) for v in group[by]], rotation=20, ha="right")
        ax.set_title(METRICS.label(metric))
        ax.grid(True, axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    fig.suptitle(f"Mean by {by} with 95% confidence intervals", fontsize=9)
    return [_save_png(fig, out_dir / f"metrics_by_{by.replace('.', '_')}.png")]


def plot_bands(
    steps: pd.DataFrame,
    by: str,
    out_dir: Path,
    columns: tuple[str, ...] = ("total_revenue", "survival_rate"),
    shock_start: float | None = None,
) -> list[Path]:
    """Time series as small multiples: one panel per level (shared axes), the mean across
    replicates with its 10-90% band, and the first shock's onset marked."""
    plt = paper_style()
    paths = []
    for column in columns:
        if column not in steps.columns or by not in steps.columns:
            continue
        levels = sorted(steps[by].dropna().unique(), key=str)
        ncols = min(len(levels), 4)
        nrows = -(-len(levels) // ncols)
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(2 * COLUMN_WIDTH, 1.9 * nrows + 0.5), sharex=True, sharey=True, squeeze=False
        )
        for i, (ax, level) in enumerate(zip(axes.flat, levels, strict=False)):
            per_step = steps[steps[by] == level].groupby("step")[column]
            mean, low, high = per_step.mean(), per_step.quantile(0.1), per_step.quantile(0.9)
            ax.fill_between(
                mean.index, low.to_numpy(), high.to_numpy(), alpha=0.25, color="#1f4e79", linewidth=0, label="10-90%"
            )
            ax.plot(mean.index, mean.to_numpy(), color="#1f4e79", linewidth=1.2, label="mean")
            if shock_start is not None:
                ax.axvline(shock_start, color="#b22222", linestyle="--", linewidth=0.9, label="first shock")
            if i == 0:
                ax.legend(frameon=False, loc="best")
            ax.set_title(f"{by} = {level}")
            ax.grid(True, alpha=0.3)
        for ax in list(axes.flat)[len(levels) :]:
            ax.axis("off")
        for ax in axes[-1]:
            ax.set_xlabel(METRICS.label("step"))
        for ax in axes[:, 0]:
            ax.set_ylabel(textwrap.fill(METRICS.label(column), 28))
        fig.suptitle(f"{METRICS.label(column)} by {by}, across replicates", fontsize=9)
        paths.append(_save_png(fig, out_dir / f"{column}_over_time_by_{by.replace('.', '_')}.png"))
    return paths


def _save_png(fig: Any, path: Path) -> Path:
    """Lay out, write and close a figure (300 dpi: sharp at print size)."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=300)
    plt.close(fig)
    return path


def shock_onset(collected: Collected) -> float | None:
    """Step of the earliest first shock across the sweep's runs, or None without shocks."""
    column = "resilience.shock_start"
    if column not in collected.runs.columns or collected.runs[column].isna().all():
        return None
    return float(collected.runs[column].min())


def conditions(collected: Collected, by: str) -> list[str]:
    """The run conditions, for the report's header: what every run shares and what varies."""
    runs = collected.runs

    def values(column: str) -> str:
        if column not in runs.columns:
            return "n/a"
        unique = sorted(runs[column].dropna().unique(), key=lambda v: (str(type(v)), v))
        return (
            ", ".join(map(str, unique)) if len(unique) <= 6 else f"{unique[0]} to {unique[-1]} ({len(unique)} values)"
        )

    per_level = runs.groupby(by).size()
    replicates = (
        f"{per_level.min()}" if per_level.min() == per_level.max() else f"{per_level.min()} to {per_level.max()}"
    )
    fixed = [
        f"`{c}={runs[c].iloc[0]}`"
        for c in _override_columns(runs)
        if c != by and runs[c].nunique(dropna=False) == 1 and c not in ("n_smbs", "steps")
    ]
    swept = [c for c in swept_columns(runs) if c != by]
    lines = [
        f"- scenario: {values('scenario')}; strategies: {values('strategy')}",
        f"- SMBs at the start: {values('n_smbs')}; steps (months): {values('steps')}",
        f"- shocks: {_shocks(runs)}",
        f"- runs: {len(runs)}, {replicates} per level of `{by}` (seeds {values('seed')}, replicates "
        f"{values('replicate')})",
    ]
    if swept:
        lines.append(f"- also swept (differences are paired on them): {', '.join(f'`{c}`' for c in swept)}")
    if fixed:
        lines.append(f"- set for every run: {', '.join(fixed)}")
    return lines


def _override_columns(runs: pd.DataFrame) -> list[str]:
    columns = list(runs.columns)
    if "job" not in columns or "run_dir" not in columns:
        return []
    return columns[columns.index("job") + 1 : columns.index("run_dir")]


def _shocks(runs: pd.DataFrame) -> str:
    """The shocks of the runs' configurations (read from their ``config.yaml``), in words."""
    seen: list[str] = []
    for run_dir in runs["run_dir"].dropna().unique() if "run_dir" in runs.columns else []:
        path = Path(run_dir) / "config.yaml"
        if not path.exists():
            continue
        for shock in (yaml.safe_load(path.read_text()) or {}).get("shocks") or []:
            text = f"{shock.get('kind')} at step {shock.get('start')}"
            if shock.get("duration"):
                text += f" for {shock['duration']} steps"
            if text not in seen:
                seen.append(text)
    return "; ".join(seen) if seen else "none"


def report(
    sweep_dir: str | Path, by: str, baseline: Any | None, metrics: list[str] | None, out_dir: str | Path | None = None
) -> tuple[Path, str]:
    """Collect the sweep, compare, and write the report, the table exports and the figures."""
    sweep = Path(sweep_dir)
    out = Path(out_dir) if out_dir else sweep / "report"
    out.mkdir(parents=True, exist_ok=True)
    collected = collect(sweep)
    write(collected, sweep)
    if collected.runs.empty:
        raise ValueError(f"no finished runs in {sweep}")
    baseline = _as_level(collected.runs[by], baseline) if baseline is not None and by in collected.runs else baseline
    table = compare(collected.runs, by, baseline, metrics)
    text = format_table(table, by, baseline)
    figures = plot_levels(table, by, out) + plot_bands(collected.steps, by, out, shock_start=shock_onset(collected))
    against = f" against `{by} = {baseline}`" if baseline is not None else ""
    lines = [
        f"# Comparison of `{by}` levels{against}",
        "",
        f"Sweep `{sweep.resolve().name}` ({sweep.resolve()}).",
        "",
        "## Conditions",
        "",
        *conditions(collected, by),
        "",
        "## Results",
        "",
        "Means over runs with 95% confidence intervals: percentile bootstrap for shares in [0, 1] "
        "(4000 resamples), Student t otherwise."
        + (
            f" Differences against `{by} = {baseline}` are paired by seed, replicate and the other swept "
            "parameters; `d_z` is the mean paired difference over its standard deviation; p from the paired "
            f"t-test, adjusted by Holm's method over the {int(table['p_value'].notna().sum())} comparisons "
            "of this table."
            if baseline is not None
            else ""
        ),
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
    (out / "comparison.md").write_text(text + "\n")
    (out / "comparison.tex").write_text(format_latex(table, by, baseline))
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
