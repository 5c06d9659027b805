"""Scenario discovery with PRIM (ema_workbench): where in parameter space does a claim hold?

On a collected sweep (``runs.parquet``), a question such as "when does diversification beat
platform-first on survival?" becomes a yes/no outcome per run, and PRIM (the Patient Rule
Induction Method) peels the space of swept parameters down to boxes where the outcome holds
often (density) while keeping many of the runs where it holds (coverage).

    ecosim -m strategy=mix strategy.shares.diversification=0.5 strategy.shares.platform_first=0.5 \\
           strategy.shares.phased=0 platform.fee=0.05,0.15,0.25,0.35 \\
           platform.network_effect=0,1,2,3 'replicate=range(5)'
    ecosim-discover results/sweeps/<sweep> \\
           --outcome '`by_strategy.diversification.survival_rate` > `by_strategy.platform_first.survival_rate`'

It prints the box limits with their coverage and density, and writes ``discovery_boxes.csv``
and the coverage-density trade-off plot ``discovery_tradeoff.png`` into the sweep directory.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.errors import EXIT_FAILED, report


def find_box(x: pd.DataFrame, y: np.ndarray, threshold: float = 0.8, peel_alpha: float = 0.05) -> Any:
    """Run PRIM and return the first box (ema_workbench's ``PrimBox``).

    Parameters
    ----------
    x
        One row per run, one numeric column per uncertain or swept parameter.
    y
        Whether the claim holds in each run.
    threshold
        Density the box should reach.
    peel_alpha
        Share of the data peeled per step.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("EMA").setLevel(logging.WARNING)
        from ema_workbench.analysis import prim

        algorithm = prim.Prim(
            x.reset_index(drop=True), np.asarray(y, dtype=bool), threshold=threshold, peel_alpha=peel_alpha
        )
        return algorithm.find_box()


def box_table(box: Any) -> pd.DataFrame:
    """The box's limits per parameter, with its coverage and density.

    PRIM peels until the box's density reaches the threshold (or peeling stops); this is the
    last box on that peeling trajectory, the one ema_workbench selects.
    """
    limits = box.box_lim
    rows = [
        {"parameter": column, "low": float(limits[column].iloc[0]), "high": float(limits[column].iloc[1])}
        for column in limits.columns
    ]
    table = pd.DataFrame(rows)
    table["coverage"] = float(box.coverage)
    table["density"] = float(box.density)
    return table


def outcome(runs: pd.DataFrame, expression: str) -> np.ndarray:
    """Evaluate a pandas expression over the runs (dotted columns in backticks) to booleans."""
    return np.asarray(runs.eval(expression), dtype=bool)


def discover(
    sweep_dir: Path, expression: str, inputs: list[str] | None = None, threshold: float = 0.8
) -> tuple[pd.DataFrame, Any]:
    """Collect a sweep, evaluate the claim, and run PRIM over the swept parameters."""
    from simulator.analysis.collect import collect, write
    from simulator.analysis.compare import swept_columns

    collected = collect(sweep_dir)
    write(collected, sweep_dir)
    runs = collected.runs
    if runs.empty:
        raise ValueError(f"no finished runs in {sweep_dir}")
    columns = inputs or [c for c in swept_columns(runs) if c not in ("seed", "replicate")]
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(runs[c])]
    if not numeric:
        raise KeyError(f"no numeric swept parameters to search; swept: {', '.join(columns) or 'none'}")
    y = outcome(runs, expression)
    if y.all() or not y.any():
        raise ValueError(f"the outcome is {'always' if y.all() else 'never'} true in this sweep; PRIM needs both")
    box = find_box(runs[numeric].astype(float), y, threshold)
    return box_table(box), box


def main(argv: list[str] | None = None) -> int:
    """``ecosim-discover SWEEP_DIR --outcome EXPRESSION [--inputs ...] [--threshold 0.8]``."""
    parser = argparse.ArgumentParser(prog="ecosim-discover", description="Scenario discovery with PRIM on a sweep.")
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument(
        "--outcome", required=True, help="pandas expression over runs.parquet columns, e.g. '`survival_rate` > 0.9'"
    )
    parser.add_argument("--inputs", nargs="+", default=None, help="parameters to search (default: the swept ones)")
    parser.add_argument("--threshold", type=float, default=0.8, help="density the box should reach")
    args = parser.parse_args(argv)
    try:
        table, box = discover(args.sweep_dir, args.outcome, args.inputs, args.threshold)
    except (KeyError, ValueError, FileNotFoundError, SyntaxError) as err:
        print(f"ecosim-discover: error: {err.args[0] if err.args else err}", file=sys.stderr)
        return 2
    except Exception as err:  # a damaged file, a full disk...: one line, not a traceback
        return report("ecosim-discover", err, EXIT_FAILED)
    table.to_csv(args.sweep_dir / "discovery_boxes.csv", index=False)
    import matplotlib

    matplotlib.use("Agg")
    figure = box.show_tradeoff()
    figure.savefig(args.sweep_dir / "discovery_tradeoff.png", dpi=130, bbox_inches="tight")
    print(f"where `{args.outcome}` holds (coverage {table.coverage.iloc[0]:.0%}, density {table.density.iloc[0]:.0%}):")
    print(table[["parameter", "low", "high"]].to_string(index=False))
    print(f"wrote {args.sweep_dir / 'discovery_boxes.csv'} and {args.sweep_dir / 'discovery_tradeoff.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
