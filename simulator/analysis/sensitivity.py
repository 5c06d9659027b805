"""Global sensitivity analysis with SALib: Sobol indices and Morris elementary effects.

Three steps, the model runs in the middle going through the same Hydra machinery as any sweep
(so they parallelize with a launcher, resume when rerun, and collect like any sweep):

1. ``ecosim-sensitivity sample --space space.yaml --method sobol --n 64`` reads the parameter
   space (dotted keys with ``[low, high]`` ranges), draws the SALib design and writes
   ``design.json``; it prints the sweep command.
2. ``ecosim -m design=<...>/design.json 'design_point=range(N)' [hydra/launcher=joblib]``
   runs one job per design point (add ``'replicate=range(r)'`` for replicates, averaged per
   point).
3. ``ecosim-sensitivity analyze results/sweeps/<sweep> --metric survival_rate`` computes the
   indices with their confidence intervals and writes ``sensitivity_<metric>.csv`` and a bar
   chart beside the sweep.

A space file::

    method: sobol          # or morris (can also be given on the command line)
    parameters:
      platform.fee: [0.05, 0.30]
      platform.network_effect: [0.0, 3.0]
      alliance.evaluation_noise: [0.1, 0.6]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from simulator.config import is_numeric_parameter, schema_keys
from simulator.errors import EXIT_FAILED, ConfigError, did_you_mean, report
from simulator.observe.metrics import METRICS

METHODS = ("sobol", "morris")
MORRIS_LEVELS = 4
"""Levels of the Morris grid; one step of a trajectory moves a parameter by ``DELTA`` of its range."""
MORRIS_DELTA = MORRIS_LEVELS / (2 * (MORRIS_LEVELS - 1))


def load_space(path: str | Path) -> dict[str, Any]:
    """Read a parameter space file into a SALib problem (``names``, ``bounds``, ``num_vars``)."""
    data = yaml.safe_load(Path(path).read_text()) or {}
    parameters = data.get("parameters") or {}
    if not parameters:
        raise ConfigError("parameters", f"{path} names no parameters (expected 'parameters: {{key: [low, high]}}')")
    for key, bounds in parameters.items():
        check_numeric_key(key)
        if not (isinstance(bounds, list | tuple) and len(bounds) == 2 and float(bounds[0]) < float(bounds[1])):
            raise ConfigError(f"parameters.{key}", f"must be [low, high] with low < high, got {bounds!r}")
    return {
        "num_vars": len(parameters),
        "names": list(parameters),
        "bounds": [[float(lo), float(hi)] for lo, hi in parameters.values()],
        "method": data.get("method", "sobol"),
    }


def sample(problem: dict[str, Any], method: str, n: int, seed: int = 0) -> np.ndarray:
    """The SALib design: Saltelli/Sobol' samples or Morris trajectories, one row per point."""
    spec = {k: problem[k] for k in ("num_vars", "names", "bounds")}
    if method == "sobol":
        return sobol_sample.sample(spec, n, calc_second_order=False, seed=seed)
    if method == "morris":
        return morris_sample.sample(spec, n, num_levels=MORRIS_LEVELS, seed=seed)
    raise ConfigError("method", f"unknown method {method!r}; allowed: {', '.join(METHODS)}")


def indices(problem: dict[str, Any], method: str, x: np.ndarray, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """Sensitivity indices of output ``y`` at design ``x``, one row per parameter.

    Sobol: first-order ``S1`` and total ``ST`` with 95% confidence half-widths
    (``S1_conf``, ``ST_conf``); Morris: ``mu_star`` (with ``mu_star_conf``), ``mu`` and
    ``sigma``.
    """
    spec = {k: problem[k] for k in ("num_vars", "names", "bounds")}
    y = np.asarray(y, dtype=float)
    if method == "sobol":
        result = sobol_analyze.analyze(spec, y, calc_second_order=False, seed=seed)
        columns = ("S1", "S1_conf", "ST", "ST_conf")
    elif method == "morris":
        result = morris_analyze.analyze(spec, np.asarray(x), y, num_levels=MORRIS_LEVELS, seed=seed)
        columns = ("mu_star", "mu_star_conf", "mu", "sigma")
    else:
        raise ConfigError("method", f"unknown method {method!r}; allowed: {', '.join(METHODS)}")
    return pd.DataFrame({"parameter": problem["names"], **{c: np.asarray(result[c], dtype=float) for c in columns}})


def analyze_function(
    problem: dict[str, Any], method: str, n: int, function: Callable[[np.ndarray], np.ndarray], seed: int = 0
) -> pd.DataFrame:
    """Sample, evaluate ``function`` on the design, and compute the indices (for test functions)."""
    x = sample(problem, method, n, seed)
    return indices(problem, method, x, function(x), seed)


def write_design(out_dir: Path, problem: dict[str, Any], method: str, n: int, seed: int) -> Path:
    """Draw the design and write ``design.json``; return its path."""
    x = sample(problem, method, n, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "design.json"
    payload = {
        "method": method,
        "n": n,
        "seed": seed,
        "problem": {k: problem[k] for k in ("num_vars", "names", "bounds")},
        "samples": x.tolist(),
    }
    path.write_text(json.dumps(payload))
    return path


def replicate_noise(per_run: pd.DataFrame, metric: str) -> tuple[float, float] | None:
    """Within-point variance of ``metric`` (pooled over the design points with two or more
    replicates) and the mean number of replicates per point; ``None`` without replicates."""
    groups = per_run.groupby("design_point")[metric]
    counts, variances = groups.count(), groups.var(ddof=1)
    replicated = counts >= 2
    if not replicated.any():
        return None
    pooled = float(np.average(variances[replicated], weights=counts[replicated] - 1))
    return pooled, float(counts.mean())


def with_noise_floor(
    table: pd.DataFrame, method: str, y: np.ndarray, noise: tuple[float, float] | None
) -> pd.DataFrame:
    """Add what replicate noise alone would produce, so that an index can be told from noise.

    Morris: ``noise_floor`` is the mu* that noise alone gives. A point's mean over ``R``
    replicates has variance ``s2 / R``; an elementary effect is a difference of two points over
    ``DELTA``, so its noise is normal with standard deviation ``sigma_e = sqrt(2 s2 / R) / DELTA``
    and ``E|EE| = sigma_e sqrt(2 / pi)``. ``above_noise`` says whether mu*'s lower 95% bound
    exceeds it. Sobol: ``noise_share`` is the share of the point means' variance that is
    replicate noise (``s2 / R`` over their variance); indices below it are not distinguishable
    from noise. Both are NaN (and ``above_noise`` false) without replicates.
    """
    table = table.copy()
    if noise is None:
        s2, reps = float("nan"), float("nan")
    else:
        s2, reps = noise
    if method == "morris":
        floor = np.sqrt(2.0 * s2 / reps) / MORRIS_DELTA * np.sqrt(2.0 / np.pi)
        table["noise_floor"] = floor
        table["above_noise"] = (table.mu_star - table.mu_star_conf) > floor if noise else False
        return table.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
    total = float(np.var(y, ddof=1)) if len(y) > 1 else float("nan")
    table["noise_share"] = (s2 / reps) / total if total > 0 else float("nan")
    return table.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)


def analyze_sweep(sweep_dir: Path, metric: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Indices of ``metric`` over a sweep of design points (replicates averaged per point), with
    the replicate-noise floor (:func:`with_noise_floor`), most influential parameter first."""
    from simulator.analysis.collect import collect

    runs = collect(sweep_dir).runs
    if "design_point" not in runs.columns or "design" not in runs.columns:
        raise KeyError(f"{sweep_dir} is not a sweep over design points (run it with design=... design_point=range(N))")
    if metric not in runs.columns:
        raise KeyError(f"{metric!r} is not a summary metric of the runs")
    design = json.loads(Path(runs.design.iloc[0]).read_text())
    n_points = len(design["samples"])
    per_point = runs.groupby("design_point")[metric].mean()
    missing = sorted(set(range(n_points)) - set(per_point.index))
    if missing:
        raise KeyError(f"design points without results: {missing[:10]}{'...' if len(missing) > 10 else ''}")
    y = per_point.sort_index().to_numpy()
    x = np.asarray(design["samples"])
    table = indices(design["problem"], design["method"], x, y, design["seed"])
    return with_noise_floor(table, design["method"], y, replicate_noise(runs, metric)), design


def bar_chart(table: pd.DataFrame, method: str, metric: str, path: Path) -> Path:
    """Bar chart of the indices with their confidence intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.5 * len(table) + 1.8))
    y = np.arange(len(table))
    if method == "sobol":
        ax.barh(y - 0.2, table.S1, 0.4, xerr=table.S1_conf, label="first order S1", capsize=3)
        ax.barh(y + 0.2, table.ST, 0.4, xerr=table.ST_conf, label="total ST", capsize=3)
        ax.set_xlabel("Sobol index")
    else:
        ax.barh(y, table.mu_star, 0.6, xerr=table.mu_star_conf, label="mu*", capsize=3)
        ax.set_xlabel("Morris mu* (mean absolute elementary effect)")
        if np.isfinite(table.noise_floor.iloc[0]):
            ax.axvline(table.noise_floor.iloc[0], color="0.3", linestyle="--", label="replicate noise alone")
    ax.set_yticks(y, table.parameter)
    ax.invert_yaxis()
    ax.set_title(f"Sensitivity of {METRICS.label(metric)} ({method})")
    ax.legend()
    ax.grid(True, axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=140)
    plt.close(fig)
    return path


def noise_note(table: pd.DataFrame, method: str) -> str:
    """One line on the replicate-noise floor of a table of :func:`analyze_sweep`."""
    column = "noise_floor" if method == "morris" else "noise_share"
    value = table[column].iloc[0]
    if not np.isfinite(value):
        return "no replicates: run the design with replicates=2 or more to measure the noise floor"
    if method == "morris":
        above = ", ".join(table.parameter[table.above_noise]) or "none"
        return f"replicate noise alone gives mu* = {value:.3g}; above it (lower 95% bound): {above}"
    return f"replicate noise is {value:.1%} of the variance of the point means; smaller indices are noise"


def check_numeric_key(key: str) -> None:
    """Raise :class:`ConfigError` unless ``key`` names a numeric model parameter."""
    if not is_numeric_parameter(key):
        hint = did_you_mean(key, schema_keys())
        raise ConfigError(f"parameters.{key}", f"not a numeric model parameter (e.g. platform.fee){hint}")


def main(argv: list[str] | None = None) -> int:
    """``ecosim-sensitivity sample ...`` / ``ecosim-sensitivity analyze ...``."""
    parser = argparse.ArgumentParser(prog="ecosim-sensitivity", description="Global sensitivity analysis (SALib).")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="draw a design from a parameter space file")
    s.add_argument("--space", type=Path, required=True, help="YAML file: method and parameters with [low, high]")
    s.add_argument("--method", choices=METHODS, default=None, help="default: the space file's method")
    s.add_argument("--n", type=int, default=64, help="base sample size (Sobol) or trajectories (Morris)")
    s.add_argument("--seed", type=int, default=0, help="seed of the design's draw (not of the runs)")
    s.add_argument("--out", type=Path, default=None, help="default: results/sensitivity/<space name>")
    a = sub.add_parser("analyze", help="compute indices over a finished design sweep")
    a.add_argument("sweep_dir", type=Path, help="the finished sweep over design points")
    a.add_argument("--metric", default="survival_rate", help="a summary key of the runs (default survival_rate)")
    args = parser.parse_args(argv)
    try:
        if args.command == "sample":
            problem = load_space(args.space)
            method = args.method or problem["method"]
            out = args.out or Path("results") / "sensitivity" / args.space.stem
            path = write_design(out, problem, method, args.n, args.seed)
            points = len(json.loads(path.read_text())["samples"])
            print(f"{method} design of {points} points for {', '.join(problem['names'])} in {path}")
            print(f"run it:  ecosim -m design={path.resolve()} 'design_point=range({points})' hydra/launcher=joblib")
        else:
            table, design = analyze_sweep(args.sweep_dir, args.metric)
            csv = args.sweep_dir / f"sensitivity_{args.metric}.csv"
            table.to_csv(csv, index=False)
            chart = bar_chart(table, design["method"], args.metric, args.sweep_dir / f"sensitivity_{args.metric}.png")
            print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            print(noise_note(table, design["method"]))
            print(f"wrote {csv} and {chart}")
    except (ConfigError, KeyError, FileNotFoundError) as err:
        print(f"ecosim-sensitivity: error: {err.args[0] if isinstance(err, KeyError) else err}", file=sys.stderr)
        return 2
    except Exception as err:  # a damaged file, a full disk...: one line, not a traceback
        return report("ecosim-sensitivity", err, EXIT_FAILED)
    return 0


if __name__ == "__main__":
    sys.exit(main())
