"""Validation against stylized facts: does the default ecosystem reproduce what data show?

``ecosim-validate`` runs the default ecosystem over independent replicates (replicates
0..r-1 of one base seed, each its own random streams), measures every target of
:data:`simulator.analysis.stylized_facts.TARGETS` on each replicate, and reports, per target,
the mean over replicates with its 95% Student-t interval and whether the mean lies in the
accepted range. It prints one line per target and writes ``validation.md`` (the table and one
paragraph per target on how it is measured) and one figure per target into ``--out``.

Nothing here tunes the model: a target the model misses is reported as a miss.

    ecosim-validate --replicates 8 --jobs 2 --out results/validation
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.analysis.calibration import is_calibrated
from simulator.analysis.compare import interval
from simulator.analysis.stylized_facts import TARGETS, Measures, Target, run_replicates
from simulator.config import ModelConfig
from simulator.errors import ConfigError
from simulator.validation import validate as check_config


@dataclass
class Verdict:
    """One target's values over replicates and the verdict on their mean."""

    target: Target
    values: list[float | None]

    @property
    def observed(self) -> np.ndarray:
        """The replicates' values where the statistic was observed."""
        return np.array([v for v in self.values if v is not None], dtype=float)

    @property
    def estimate(self) -> tuple[float, float, float] | None:
        """Mean and 95% interval over replicates (None when no replicate observed it)."""
        return interval(self.observed) if len(self.observed) else None

    @property
    def status(self) -> str:
        """``PASS`` when the mean is in the accepted range, ``MISS`` when not, ``N/A`` unobserved."""
        if self.estimate is None:
            return "N/A"
        return "PASS" if self.target.accepts(self.estimate[0]) else "MISS"

    def value_text(self) -> str:
        """The mean with its interval, as text."""
        if self.estimate is None:
            return "not observed"
        mean, low, high = self.estimate
        span = "" if np.isnan(low) else f" [{low:.3f}, {high:.3f}]"
        return f"{mean:.3f}{span}"


def role(target: Target) -> str:
    """``calibrated`` if ``ecosim-calibrate`` aims at the target, else ``held out``."""
    return "calibrated" if is_calibrated(target.name) else "held out"


def judge(measures: list[Measures], targets: tuple[Target, ...] = TARGETS) -> list[Verdict]:
    """Each target's statistic on every replicate, and its verdict."""
    return [Verdict(t, [t.statistic(m) for m in measures]) for t in targets]


def report_lines(verdicts: list[Verdict]) -> str:
    """One line per target: name, accepted range, model value with interval, verdict, source."""
    width = max(len(v.target.name) for v in verdicts)
    lines = []
    for v in verdicts:
        lines.append(
            f"{v.target.name:<{width}}  wanted {v.target.wanted():<14}  model {v.value_text():<26}  "
            f"{v.status:<4}  {role(v.target):<10}  {v.target.source}"
        )
    return "\n".join(lines)


def write_report(verdicts: list[Verdict], measures: list[Measures], out: Path, settings: str) -> Path:
    """Write ``validation.md`` and one figure per target into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    figures = {v.target.name: write_figure(v.target, measures, out) for v in verdicts}
    passed = sum(v.status == "PASS" for v in verdicts)
    lines = [
        "# Validation against stylized facts",
        "",
        settings,
        "",
        f"{passed} of {len(verdicts)} targets pass. Model values are means over replicates with 95% "
        "Student-t intervals of the mean; a target passes when the mean lies in the accepted range. "
        "Targets marked *calibrated* are those `ecosim-calibrate` aims at (the defaults were tuned to "
        "them); the *held-out* ones were never seen by the calibration.",
        "",
        "| target | stylized fact | source | accepted | model (95% interval) | replicates | result | role |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for v in verdicts:
        t = v.target
        lines.append(
            f"| `{t.name}` | {t.fact} | {t.source} | {t.wanted()} | {v.value_text()} | "
            f"{len(v.observed)} of {len(v.values)} | {v.status} | {role(t)} |"
        )
    lines += ["", "## How each target is measured", ""]
    for v in verdicts:
        t = v.target
        lines += [f"### `{t.name}`: {v.status}", "", t.method, ""]
        if figures[t.name] is not None:
            lines += [f"![{t.name}]({figures[t.name].name})", ""]
    path = out / "validation.md"
    path.write_text("\n".join(lines))
    return path


def write_figure(target: Target, measures: list[Measures], out: Path) -> Path | None:
    """The target's figure as ``<name>.png`` (None for a target without one)."""
    if target.plot is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.0))
    target.plot(ax, measures, target)
    ax.set_title(target.name, fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = out / f"{target.name}.png"
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    """``ecosim-validate [--replicates N] [--steps S] [--n-smbs N] [--jobs J] [--out DIR]``."""
    parser = argparse.ArgumentParser(
        prog="ecosim-validate", description="Check the default ecosystem against stylized facts."
    )
    parser.add_argument("--replicates", type=int, default=8, help="independent replicates (default 8)")
    parser.add_argument("--steps", type=int, default=ModelConfig.steps, help="steps (months) per run")
    parser.add_argument("--n-smbs", type=int, default=ModelConfig.n_smbs, help="SMBs at the start")
    parser.add_argument("--seed", type=int, default=ModelConfig.seed, help="base seed of the replicates")
    parser.add_argument("--jobs", type=int, default=1, help="parallel processes (joblib; default 1)")
    parser.add_argument("--out", type=Path, default=Path("results/validation"), help="report directory")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    config = ModelConfig(steps=args.steps, n_smbs=args.n_smbs, seed=args.seed)
    try:
        if args.replicates < 1:
            raise ConfigError("replicates", f"must be at least 1, got {args.replicates}")
        if args.jobs < 1:
            raise ConfigError("jobs", f"must be at least 1, got {args.jobs}")
        check_config(config)
    except ConfigError as err:
        print(f"ecosim-validate: error: {err}", file=sys.stderr)
        return 2
    measures = run_replicates(config, args.replicates, args.jobs, progress=not args.no_progress)
    verdicts = judge(measures)
    settings = (
        f"Default ecosystem (`ModelConfig()` with {args.n_smbs} SMBs, {args.steps} steps), "
        f"replicates 0-{args.replicates - 1} of seed {args.seed}."
    )
    print(report_lines(verdicts))
    path = write_report(verdicts, measures, args.out, settings)
    print(f"wrote {path} and {len(verdicts)} figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
