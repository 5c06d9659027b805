"""Calibration of chosen parameters to some of the stylized facts; the others are held out.

The facts are those ``ecosim-validate`` checks (:data:`simulator.analysis.stylized_facts.TARGETS`,
each defined once there with its source and statistic). :data:`CALIBRATED` names the few the
calibration aims at, each with the value it aims for (the source's number where the source gives
one); every other fact is *held out*: the calibration never sees it, so meeting it afterwards is
evidence, not fit. ``ecosim-calibrate`` searches the chosen parameters (scipy's differential
evolution, fixed seed) for the values that minimize the weighted squared distance to the aims,
averaging replicates per point (the same replicates at every point: common random numbers). It
reports each aim before and after, the trade-offs between parameters at the optimum (how much
each statistic moves per unit of each parameter, by central differences), writes the calibrated
values as a scenario preset and the report as ``calibration.md``.

    ecosim-calibrate --param smb.exit_hazard 0 0.006 --param smb.entry_rate 0.003 0.012 \\
                     --replicates 3 --maxiter 6 --jobs 2
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy.optimize import differential_evolution
from tqdm.auto import tqdm

from simulator.analysis.sensitivity import check_numeric_key
from simulator.analysis.stylized_facts import BLS_SURVIVAL, TARGETS, Target, run_replicates
from simulator.config import ModelConfig, set_parameter
from simulator.errors import ConfigError
from simulator.validation import validate as check_config


@dataclass(frozen=True)
class Aim:
    """A stylized fact the calibration aims at: the value it wants the fact's statistic to take."""

    target: str
    """Name of the fact in :data:`simulator.analysis.stylized_facts.TARGETS`."""
    value: float
    why: str
    """Where the value comes from."""
    weight: float = 1.0

    @property
    def fact(self) -> Target:
        """The stylized fact (source, statistic, accepted range)."""
        return FACTS[self.target]


FACTS: dict[str, Target] = {t.name: t for t in TARGETS}

CALIBRATED: tuple[Aim, ...] = (
    Aim("smb_survival_1y", BLS_SURVIVAL[1], "BLS BED, establishments born in March 2013"),
    Aim("smb_survival_5y", BLS_SURVIVAL[5], "BLS BED, establishments born in March 2013"),
    Aim("alliances_fall_short", 0.5, "source 003: about half of alliances fall short of expectations"),
    Aim("population_stationary", 1.0, "births about equal to deaths (BLS BED); a stationary default ecosystem"),
)
"""The facts the calibration aims at; every other fact of ``TARGETS`` is held out."""


def is_calibrated(target: str) -> bool:
    """Whether the calibration aims at this fact (otherwise it is held out)."""
    return any(a.target == target for a in CALIBRATED)


def evaluate(
    config: ModelConfig, replicates: int, aims: tuple[Aim, ...] = CALIBRATED, jobs: int = 1
) -> dict[str, float]:
    """Each aim's statistic, averaged over replicates 0..replicates-1 (NaN where never observed)."""
    measures = run_replicates(config, replicates, jobs, progress=False, strong_network=False)
    values: dict[str, float] = {}
    for aim in aims:
        seen = [v for v in (aim.fact.statistic(m) for m in measures) if v is not None]
        values[aim.target] = float(np.mean(seen)) if seen else float("nan")
    return values


def total_distance(observed: dict[str, float], aims: tuple[Aim, ...] = CALIBRATED) -> float:
    """Weighted sum of squared distances to the aims (an unobserved statistic counts as 1)."""
    total = 0.0
    for aim in aims:
        value = observed[aim.target]
        total += aim.weight * (1.0 if np.isnan(value) else (value - aim.value) ** 2)
    return float(total)


def calibrate(
    config: ModelConfig,
    params: dict[str, tuple[float, float]],
    replicates: int = 3,
    maxiter: int = 8,
    popsize: int = 6,
    seed: int = 0,
    aims: tuple[Aim, ...] = CALIBRATED,
    objective: Callable[[ModelConfig], float] | None = None,
    jobs: int = 1,
    progress: bool = False,
) -> tuple[ModelConfig, Any]:
    """Search ``params`` (dotted key -> bounds) to minimize the distance to ``aims``.

    ``objective`` replaces the model-based distance (tests plant an optimum with it).
    Returns the calibrated configuration and scipy's optimization result.
    """
    check_params(params)
    names = list(params)
    bar = tqdm(total=(maxiter + 1) * popsize * len(names), desc="calibrating", unit="point", disable=not progress)

    def distance(x: np.ndarray) -> float:
        point = configured(config, names, x)
        bar.update()
        if objective is not None:
            return objective(point)
        return total_distance(evaluate(point, replicates, aims, jobs), aims)

    try:
        result = differential_evolution(
            distance, bounds=list(params.values()), maxiter=maxiter, popsize=popsize, seed=seed, polish=False, tol=1e-6
        )
    finally:
        bar.close()
    return configured(config, names, result.x), result


def configured(config: ModelConfig, names: list[str], x: np.ndarray) -> ModelConfig:
    """``config`` with parameter ``names[k]`` set to ``x[k]``."""
    for key, value in zip(names, x, strict=True):
        config = set_parameter(config, key.split("."), float(value))
    return config


def check_params(params: dict[str, tuple[float, float]]) -> None:
    """Refuse keys that are not numeric parameters and bounds that are empty, naming the key."""
    for key, (low, high) in params.items():
        try:
            check_numeric_key(key)
        except ConfigError as err:
            raise ConfigError(key, err.message) from None
        if not low < high:
            raise ConfigError(key, f"the lower bound must be below the upper bound, got [{low:g}, {high:g}]")


@dataclass
class Tradeoffs:
    """How each aimed statistic moves with each parameter at the calibrated point."""

    params: list[str]
    targets: list[str]
    slope: np.ndarray
    """d statistic / d parameter, shape (targets, params), by central differences."""
    step: np.ndarray
    """The step used for each parameter (5% of its search range)."""

    def pulls(self) -> list[str]:
        """For each statistic, the parameter that moves it most over a step, and which way."""
        lines = []
        for t, name in enumerate(self.targets):
            effect = self.slope[t] * self.step
            k = int(np.nanargmax(np.abs(effect))) if np.isfinite(effect).any() else 0
            sign = "raises" if effect[k] > 0 else "lowers"
            lines.append(f"{name}: {self.params[k]} {sign} it most ({effect[k]:+.3f} per 5% of its range)")
        return lines


def tradeoffs(
    config: ModelConfig,
    params: dict[str, tuple[float, float]],
    replicates: int,
    aims: tuple[Aim, ...] = CALIBRATED,
    jobs: int = 1,
) -> Tradeoffs:
    """Central-difference slopes of the aimed statistics in each parameter at ``config``.

    Two parameters trade off when they move the same statistics in the same way: the data then
    pin down a combination of them, not each one.
    """
    names = list(params)
    centre = np.array([_get(config, k) for k in names])
    step = np.array([0.05 * (hi - lo) for lo, hi in params.values()])
    slope = np.full((len(aims), len(names)), np.nan)
    for k in range(len(names)):
        up, down = centre.copy(), centre.copy()
        up[k] = min(centre[k] + step[k], params[names[k]][1])
        down[k] = max(centre[k] - step[k], params[names[k]][0])
        high = evaluate(configured(config, names, up), replicates, aims, jobs)
        low = evaluate(configured(config, names, down), replicates, aims, jobs)
        for t, aim in enumerate(aims):
            slope[t, k] = (high[aim.target] - low[aim.target]) / (up[k] - down[k])
    return Tradeoffs(names, [a.target for a in aims], slope, step)


def write_preset(path: Path, name: str, values: dict[str, float], report: str) -> Path:
    """Write calibrated values as a scenario preset (``@package _global_``)."""
    nested: dict[str, Any] = {"scenario": name}
    for key, value in values.items():
        node = nested
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = round(float(value), 4)
    header = "# @package _global_\n# Calibrated to stylized facts by ecosim-calibrate.\n" + "".join(
        f"# {line}\n" for line in report.splitlines()
    )
    path.write_text(header + yaml.safe_dump(nested, sort_keys=False))
    return path


def report_lines(before: dict[str, float], after: dict[str, float], aims: tuple[Aim, ...] = CALIBRATED) -> str:
    """A table of each aim's value before and after, and its squared distance."""
    lines = [f"{'target':28} {'aim':>7} {'before':>8} {'after':>8} {'dist before':>12} {'dist after':>11}"]
    for a in aims:
        b, f = before[a.target], after[a.target]
        lines.append(
            f"{a.target:28} {a.value:>7.3f} {b:>8.3f} {f:>8.3f} {(b - a.value) ** 2:>12.4f} {(f - a.value) ** 2:>11.4f}"
        )
    return "\n".join(lines)


def markdown_report(
    before: dict[str, float],
    after: dict[str, float],
    start: dict[str, float],
    values: dict[str, float],
    settings: str,
    trade: Tradeoffs | None,
    aims: tuple[Aim, ...] = CALIBRATED,
) -> str:
    """The calibration report: aims, parameters before and after, trade-offs, held-out facts."""
    lines = [
        "# Calibration",
        "",
        settings,
        "",
        "| target | aim | why | before | after |",
        "|---|---|---|---|---|",
    ]
    for a in aims:
        lines.append(f"| `{a.target}` | {a.value:.3f} | {a.why} | {before[a.target]:.3f} | {after[a.target]:.3f} |")
    lines += ["", "| parameter | before | calibrated |", "|---|---|---|"]
    lines += [f"| `{k}` | {start[k]:.4g} | {values[k]:.4g} |" for k in values]
    if trade is not None:
        lines += ["", "Slopes at the calibrated point (change of the statistic per 5% of the parameter's range):", ""]
        lines.append("| target | " + " | ".join(f"`{p}`" for p in trade.params) + " |")
        lines.append("|---|" + "---|" * len(trade.params))
        for t, name in enumerate(trade.targets):
            cells = " | ".join(f"{trade.slope[t, k] * trade.step[k]:+.3f}" for k in range(len(trade.params)))
            lines.append(f"| `{name}` | {cells} |")
        lines += ["", *[f"- {line}" for line in trade.pulls()]]
    held = [t.name for t in TARGETS if not is_calibrated(t.name)]
    lines += [
        "",
        "Held out (not seen by the calibration; checked by `ecosim-validate`): "
        + ", ".join(f"`{n}`" for n in held)
        + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``ecosim-calibrate --param KEY LOW HIGH [...]``."""
    parser = argparse.ArgumentParser(prog="ecosim-calibrate", description="Calibrate parameters to stylized facts.")
    parser.add_argument("--param", nargs=3, action="append", metavar=("KEY", "LOW", "HIGH"), required=True)
    parser.add_argument("--replicates", type=int, default=3, help="replicates per point (default 3)")
    parser.add_argument("--maxiter", type=int, default=8, help="generations of differential evolution")
    parser.add_argument("--popsize", type=int, default=6, help="population size multiplier")
    parser.add_argument("--n-smbs", type=int, default=ModelConfig.n_smbs)
    parser.add_argument("--steps", type=int, default=ModelConfig.steps)
    parser.add_argument("--seed", type=int, default=0, help="seed of the search (not of the model)")
    parser.add_argument("--jobs", type=int, default=1, help="parallel processes per point (joblib)")
    parser.add_argument("--name", default="calibrated", help="name of the preset written")
    parser.add_argument("--out", type=Path, default=Path("configs/scenario"), help="directory of the preset")
    parser.add_argument("--report", type=Path, default=Path("results/calibration"), help="directory of the report")
    parser.add_argument("--no-tradeoffs", action="store_true", help="skip the trade-off slopes")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    base = ModelConfig(n_smbs=args.n_smbs, steps=args.steps)
    try:
        params = {key: (float(lo), float(hi)) for key, lo, hi in args.param}
        for key, value in (("replicates", args.replicates), ("maxiter", args.maxiter), ("jobs", args.jobs)):
            if value < 1:
                raise ConfigError(key, f"must be at least 1, got {value}")
        check_params(params)
        check_config(base)
    except ValueError as err:
        print(f"ecosim-calibrate: error: --param bounds must be numbers ({err})", file=sys.stderr)
        return 2
    except ConfigError as err:
        print(f"ecosim-calibrate: error: {err}", file=sys.stderr)
        return 2
    start = {key: _get(base, key) for key in params}
    before = evaluate(base, args.replicates, jobs=args.jobs)
    calibrated, _ = calibrate(
        base,
        params,
        args.replicates,
        args.maxiter,
        args.popsize,
        args.seed,
        jobs=args.jobs,
        progress=not args.no_progress,
    )
    after = evaluate(calibrated, args.replicates, jobs=args.jobs)
    values = {key: _get(calibrated, key) for key in params}
    trade = None if args.no_tradeoffs else tradeoffs(calibrated, params, args.replicates, jobs=args.jobs)
    settings = (
        f"Search: {', '.join(f'`{k}` in [{lo:g}, {hi:g}]' for k, (lo, hi) in params.items())}; "
        f"{args.replicates} replicates per point, maxiter {args.maxiter}, popsize {args.popsize}, search seed "
        f"{args.seed}; {args.n_smbs} SMBs, {args.steps} steps, the default ecosystem otherwise."
    )
    table = report_lines(before, after)
    print(table)
    print("calibrated: " + ", ".join(f"{k}={v:.4g}" for k, v in values.items()))
    if trade is not None:
        print("\n".join(trade.pulls()))
    path = write_preset(args.out / f"{args.name}.yaml", args.name, values, table + "\n" + settings)
    args.report.mkdir(parents=True, exist_ok=True)
    report = args.report / "calibration.md"
    report.write_text(markdown_report(before, after, start, values, settings, trade))
    print(f"wrote {path} (run it: ecosim scenario={args.name}) and {report}")
    return 0


def _get(config: ModelConfig, key: str) -> float:
    node: Any = config
    for part in key.split("."):
        node = getattr(node, part)
    return float(node)


if __name__ == "__main__":
    sys.exit(main())
