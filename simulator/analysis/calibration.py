"""Calibration to stylized facts from the sources and the literature they draw on.

Each target is a named fact with its source, a statistic computed from runs, and the value or
bound the statistic should meet. ``ecosim-calibrate`` searches chosen parameters (scipy's
differential evolution, with a fixed seed) for the values that minimize the weighted distance
to the targets, averaging replicates per point (the same replicates at every point, so the
comparison between points is on common random numbers). It reports each target's distance
before and after and writes the calibrated values as a scenario preset.

    ecosim-calibrate --param alliance.evaluation_noise 0.1 0.8 \\
                     --param alliance.dissolve_threshold 0.2 0.9 --replicates 3 --maxiter 8
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy.optimize import differential_evolution

from simulator.analysis.sensitivity import check_numeric_key
from simulator.config import ModelConfig, PlatformConfig, set_parameter
from simulator.core.vocabulary import PLATFORM_KIND
from simulator.errors import ConfigError
from simulator.run.runner import RunResult, run_simulation

EARLY_WINDOW, LATE_WINDOW = 12, 36


def share_below_expectations(result: RunResult) -> float:
    """Share of partner alliances (ended or active) whose smoothed value fell short of the
    value the SMB expected when it formed them."""
    ledger = result.model.ledger
    rows = ledger.kind != PLATFORM_KIND
    if not rows.any():
        return 0.0
    return float((ledger.value_ema[rows] < ledger.expected_value[rows]).mean())


def cash_flow_failure_share(result: RunResult) -> float:
    """Share of SMB failures that are cash-flow failures (1 when none failed); owners closing or
    selling a firm (exit cause ``owner_exit``) is an exit, not a failure."""
    failed = result.events[(result.events.event == "smb_failed") & (result.events.reason != "owner_exit")]
    reasons = failed.drop_duplicates("smb_id").reason
    return float((reasons == "cash_flow").mean()) if len(reasons) else 1.0


def early_to_late_hazard(result: RunResult) -> float:
    """Ending hazard per step of partner alliances (any reason) in their first 12 steps over
    that in steps 13-36."""
    ledger = result.model.ledger
    partner = ledger.kind != PLATFORM_KIND
    end = np.where(ledger.ended_step >= 0, ledger.ended_step, result.model.steps)[partner]
    age_at_end = end - ledger.formed_step[partner]
    ended = ledger.ended_step[partner] >= 0
    early_exposure = np.minimum(age_at_end, EARLY_WINDOW).sum()
    late_exposure = np.clip(age_at_end - EARLY_WINDOW, 0, LATE_WINDOW - EARLY_WINDOW).sum()
    early = (ended & (age_at_end <= EARLY_WINDOW)).sum() / max(early_exposure, 1)
    late = (ended & (age_at_end > EARLY_WINDOW) & (age_at_end <= LATE_WINDOW)).sum() / max(late_exposure, 1)
    return float(early / late) if late > 0 else float("inf") if early > 0 else 1.0


def strong_network_config(config: ModelConfig) -> ModelConfig:
    """The same ecosystem with strong network effects (3) and single-homing SMBs
    (opportunistic, one platform, one partner)."""
    return replace(
        config,
        platform=replace(config.platform, network_effect=3.0),
        strategy={"name": "opportunistic", "partners": 1, "platforms": 1},
    )


def strong_network_concentration(config: ModelConfig) -> float:
    """Platform sales HHI of the same ecosystem with strong network effects (see
    :func:`strong_network_config`)."""
    return float(run_simulation(strong_network_config(config)).summary["platform_hhi"])


@dataclass(frozen=True)
class Target:
    """A stylized fact: a statistic and the value (``kind="equal"``) or bound it should meet."""

    name: str
    source: str
    statistic: Callable[[RunResult, ModelConfig], float]
    value: float
    kind: str = "equal"  # equal | at_least
    weight: float = 1.0

    def distance(self, observed: float) -> float:
        """Squared shortfall from the target (0 when a bound is met)."""
        if self.kind == "at_least":
            return max(self.value - observed, 0.0) ** 2
        return (observed - self.value) ** 2


TARGETS: tuple[Target, ...] = (
    Target(
        "alliances_below_expectations",
        "source 003: about half of strategic alliances fail to meet their partners' expectations",
        lambda r, c: share_below_expectations(r),
        0.5,
    ),
    Target(
        "cash_flow_failures",
        "source 003: cash flow is the top SMB challenge (most SMB failures are cash-flow failures)",
        lambda r, c: cash_flow_failure_share(r),
        0.8,
        "at_least",
    ),
    Target(
        "strong_network_effects_concentrate",
        "source 000: platform ecosystems with strong network effects tip toward few platforms (HHI >= 0.6)",
        lambda r, c: strong_network_concentration(c),
        0.6,
        "at_least",
    ),
    Target(
        "liability_of_newness",
        "alliance literature the sources draw on: young alliances dissolve more often than older ones "
        "(hazard in the first year at least 1.5x that of years two and three)",
        lambda r, c: early_to_late_hazard(r),
        1.5,
        "at_least",
    ),
)


def evaluate(config: ModelConfig, replicates: int, targets: tuple[Target, ...] = TARGETS) -> dict[str, float]:
    """Each target's statistic, averaged over replicates 0..replicates-1."""
    values: dict[str, list[float]] = {t.name: [] for t in targets}
    for r in range(replicates):
        run_config = replace(config, replicate=r)
        result = run_simulation(run_config)
        for t in targets:
            values[t.name].append(t.statistic(result, run_config))
    return {name: float(np.mean(v)) for name, v in values.items()}


def total_distance(observed: dict[str, float], targets: tuple[Target, ...] = TARGETS) -> float:
    """Weighted sum of the targets' squared distances."""
    return float(sum(t.weight * t.distance(observed[t.name]) for t in targets))


def calibrate(
    config: ModelConfig,
    params: dict[str, tuple[float, float]],
    replicates: int = 3,
    maxiter: int = 8,
    popsize: int = 6,
    seed: int = 0,
    targets: tuple[Target, ...] = TARGETS,
    objective: Callable[[ModelConfig], float] | None = None,
) -> tuple[ModelConfig, Any]:
    """Search ``params`` (dotted key -> bounds) to minimize the distance to ``targets``.

    ``objective`` replaces the model-based distance (tests plant a target with it).
    Returns the calibrated configuration and scipy's optimization result.
    """
    for key in params:
        _check_key_for_calibration(key)
    names = list(params)

    def configured(x: np.ndarray) -> ModelConfig:
        point = config
        for key, value in zip(names, x, strict=True):
            point = set_parameter(point, key.split("."), float(value))
        return point

    def distance(x: np.ndarray) -> float:
        point = configured(x)
        if objective is not None:
            return objective(point)
        return total_distance(evaluate(point, replicates, targets), targets)

    result = differential_evolution(
        distance, bounds=list(params.values()), maxiter=maxiter, popsize=popsize, seed=seed, polish=False, tol=1e-6
    )
    return configured(result.x), result


def _check_key_for_calibration(key: str) -> None:
    try:
        check_numeric_key(key)
    except ConfigError as err:
        raise ConfigError(key, err.message) from None


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


def report_lines(before: dict[str, float], after: dict[str, float], targets: tuple[Target, ...] = TARGETS) -> str:
    """A table of each target's value and distance before and after."""
    lines = [f"{'target':36} {'wanted':>10} {'before':>9} {'after':>9} {'dist before':>12} {'dist after':>11}"]
    for t in targets:
        wanted = f"{'>=' if t.kind == 'at_least' else '='} {t.value:g}"
        lines.append(
            f"{t.name:36} {wanted:>10} {before[t.name]:>9.3f} {after[t.name]:>9.3f} "
            f"{t.distance(before[t.name]):>12.4f} {t.distance(after[t.name]):>11.4f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``ecosim-calibrate --param KEY LOW HIGH [...]``."""
    parser = argparse.ArgumentParser(prog="ecosim-calibrate", description="Calibrate parameters to stylized facts.")
    parser.add_argument("--param", nargs=3, action="append", metavar=("KEY", "LOW", "HIGH"), required=True)
    parser.add_argument("--replicates", type=int, default=3)
    parser.add_argument("--maxiter", type=int, default=8)
    parser.add_argument("--popsize", type=int, default=6)
    parser.add_argument("--n-smbs", type=int, default=200)
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name", default="calibrated")
    parser.add_argument("--out", type=Path, default=Path("configs/scenario"))
    args = parser.parse_args(argv)
    params = {key: (float(lo), float(hi)) for key, lo, hi in args.param}
    base = ModelConfig(n_smbs=args.n_smbs, steps=args.steps, platform=PlatformConfig())
    try:
        before = evaluate(base, args.replicates)
        calibrated, _ = calibrate(base, params, args.replicates, args.maxiter, args.popsize, args.seed)
    except ConfigError as err:
        print(f"ecosim-calibrate: error: {err}", file=sys.stderr)
        return 2
    after = evaluate(calibrated, args.replicates)
    values = {key: _get(calibrated, key) for key in params}
    settings = (
        f"search: {', '.join(f'{k} in [{lo:g}, {hi:g}]' for k, (lo, hi) in params.items())}; "
        f"{args.replicates} replicates, maxiter {args.maxiter}, popsize {args.popsize}, seed {args.seed}, "
        f"{args.n_smbs} SMBs, {args.steps} steps"
    )
    report = report_lines(before, after) + "\n" + settings
    print(report)
    print("calibrated: " + ", ".join(f"{k}={v:.4g}" for k, v in values.items()))
    for t in TARGETS:
        print(f"  {t.name}: {t.source}")
    path = write_preset(args.out / f"{args.name}.yaml", args.name, values, report)
    print(f"wrote {path} (run it: ecosim scenario={args.name})")
    return 0


def _get(config: ModelConfig, key: str) -> float:
    node: Any = config
    for part in key.split("."):
        node = getattr(node, part)
    return float(node)


if __name__ == "__main__":
    sys.exit(main())
