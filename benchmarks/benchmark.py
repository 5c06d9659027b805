"""Speed and memory benchmark: the default and an every-mechanism configuration against two yardsticks.

Run ``python benchmarks/benchmark.py`` (about ten minutes on a 2-core machine; ``--million``
adds 1,000,000 SMBs, ``--tiny`` is a seconds-long smoke run). For each N (1,000, 10,000,
100,000 SMBs; partners in the default proportion) and each configuration it starts a fresh
Python process (so the peak resident memory is that of one size and configuration alone),
builds the model, times its steps and reports

- SMB-steps per second (one SMB advanced by one step) and seconds per step;
- peak resident set size (``ru_maxrss``) of the process;
- the ratio to Mesa's shipped ``boltzmann_wealth_model`` example (``mesa.examples``) at 1,000
  agents, where its cost per agent is still flat (agent-steps per second, ours over its);
- the ratio to a vectorized kernel of the same step's minimal work (``benchmarks/kernel.py``:
  revenue over channels plus the ledger's bincounts), one kernel step timed after each model
  step at the model's numbers of SMBs, active alliances and counterparts at that step.

The two configurations:

- ``default``: :class:`~simulator.config.ModelConfig` as shipped, scaled to N;
- ``every_mechanism``: see :func:`every_mechanism`.

All ratios come from one invocation (the machine may be shared: compare within a run, not
across runs). It writes ``benchmark.json`` in ``--out`` and, with ``--readme README.md``,
rewrites the table between the ``<!-- BEGIN BENCHMARK -->`` and ``<!-- END BENCHMARK -->``
markers from that JSON (``--from-json`` rewrites it without measuring again). It also compares
the default scenario's summary at a fixed seed with ``benchmarks/reference_summary.json``, so
that a speed-up that changes results does not go unnoticed (``--update-reference`` rewrites it
after an intended model change).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import re
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the simulator is imported where it runs, so that each worker's memory is its own
    from simulator.config import ModelConfig
    from simulator.config.schema import ShockConfig

HERE = Path(__file__).resolve().parent
REFERENCE_SUMMARY = HERE / "reference_summary.json"
CONFIGURATIONS = ("default", "every_mechanism")
README_BEGIN = "<!-- BEGIN BENCHMARK -->"
README_END = "<!-- END BENCHMARK -->"
MESA_EXAMPLE_N = 1_000
"""Agents of the Mesa example: its grid lookups make larger populations cost more per agent."""


# --------------------------------------------------------------------- configurations
def every_mechanism(n: int, steps: int, seed: int = 1) -> ModelConfig:
    """Every mechanism on at once: the configuration whose speed real studies need.

    - all 15 registered strategies mixed in equal shares (``strategy=mix``);
    - lock-in-responsive platform governance with a yearly fee decision of one point;
    - data capture at five times the default (0.05), so platforms enter sectors within the run;
    - platform outages at four times the default rate (0.02 per step, 2 steps long);
    - a permanent fee hike of 10 points on the largest platform at a third of the run, with its
      no-shock twin (``twin=True``): two models step, and both count as SMB-steps.

    Partners scale with N in the default proportion; everything else is the default.
    """
    from simulator import STRATEGIES

    base = scaled(n, steps, seed)
    names = sorted(STRATEGIES)
    shares = {name: 1.0 / len(names) for name in names}
    return replace(
        base,
        strategy={"name": "mix", "shares": shares, "params": {}},
        platform=replace(
            base.platform,
            governance="lock_in_responsive",
            data_capture=0.05,
            outage_rate=0.02,
            outage_steps=2,
        ),
        shocks=[_fee_hike(max(1, steps // 3))],
        twin=True,
    )


def _fee_hike(start: int) -> ShockConfig:
    from simulator.config.schema import ShockConfig

    return ShockConfig(kind="platform_fee_hike", start=start, duration=0, size=0.1, target="largest", share=1.0)


def scaled(n: int, steps: int, seed: int = 1) -> ModelConfig:
    """The default configuration with N SMBs and partners in the default proportion."""
    from simulator import ModelConfig

    default = ModelConfig()
    ratio = default.n_partners / default.n_smbs
    return replace(default, n_smbs=n, n_partners=max(4, round(n * ratio)), steps=steps, seed=seed)


def configuration(name: str, n: int, steps: int) -> ModelConfig:
    """The named benchmark configuration at N SMBs."""
    return every_mechanism(n, steps) if name == "every_mechanism" else scaled(n, steps)


# --------------------------------------------------------------------- measurements (worker side)
def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 2**10)


def measure_simulator(name: str, n: int, steps: int) -> dict[str, float]:
    """Step the configuration's model(s), each step followed by one kernel step at the model's
    current numbers of SMBs, active alliances and counterparts (so that both meet the same load
    on a shared machine); runs in a fresh process."""
    from benchmarks.kernel import kernel_step, make_state
    from simulator import EcosystemModel

    config = configuration(name, n, steps)
    models = [EcosystemModel(replace(config, shocks=[], twin=False))] if config.twin else []
    for twin in models:
        twin.history.keep = True  # as run_simulation keeps the twin's per-firm history
    models.append(EcosystemModel(config))
    counterparts = config.n_partners + config.n_platforms
    elapsed = kernel_elapsed = 0.0
    alliances = []
    for model in models:
        for _ in range(steps):
            start = time.perf_counter()
            model.step()
            elapsed += time.perf_counter() - start
            alliances.append(len(model.ledger.active_ids))
            state = make_state(model.smbs.n, alliances[-1], counterparts)
            kernel_step(state)  # warm-up (not timed)
            start = time.perf_counter()
            kernel_step(state)
            kernel_elapsed += time.perf_counter() - start
    rss = peak_rss_mb()
    model_steps = steps * len(models)
    return {
        "models": len(models),
        "steps": steps,
        "seconds": elapsed,
        "seconds_per_step": elapsed / model_steps,
        "smb_steps_per_second": n * model_steps / elapsed,
        "peak_rss_mb": rss,
        "mean_active_alliances": round(sum(alliances) / len(alliances)),
        "kernel_seconds_per_step": kernel_elapsed / model_steps,
    }


def measure_mesa_example(n: int, steps: int) -> dict[str, float]:
    """Mesa's shipped Boltzmann wealth example at n agents on a grid of about one agent per cell."""
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannWealth

    side = max(2, round(math.sqrt(n)))
    model = BoltzmannWealth(n=n, width=side, height=side, seed=1)
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
    elapsed = time.perf_counter() - start
    return {"steps": steps, "seconds": elapsed, "agent_steps_per_second": n * steps / elapsed}


def worker(spec: str) -> None:
    """Entry point of a measuring subprocess: print one JSON line for ``kind:name:n:steps``."""
    kind, name, n, steps = spec.split(":")
    if kind == "mesa":
        result = measure_mesa_example(int(n), int(steps))
    else:
        result = measure_simulator(name, int(n), int(steps))
    print(json.dumps(result))


def in_fresh_process(spec: str) -> dict[str, float]:
    """Run :func:`worker` in a new Python process and return its measurement."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", spec]
    done = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark worker {spec} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------- the reference summary
def check_reference_summary(update: bool) -> dict[str, object]:
    """Compare the default scenario's summary at seed 42 with the stored reference."""
    from simulator import ModelConfig
    from simulator.run.runner import run_simulation

    summary = run_simulation(ModelConfig(seed=42)).summary
    if update or not REFERENCE_SUMMARY.exists():
        REFERENCE_SUMMARY.write_text(json.dumps(summary, indent=2) + "\n")
        return {"status": "written", "differences": {}}
    stored = json.loads(REFERENCE_SUMMARY.read_text())
    differences = {
        key: {"stored": stored.get(key), "now": value}
        for key, value in summary.items()
        if not _close(stored.get(key), value)
    }
    return {"status": "unchanged" if not differences else "changed", "differences": differences}


def _close(a: object, b: object) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return (
            isinstance(a, int | float)
            and isinstance(b, int | float)
            and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        )
    return a == b


# --------------------------------------------------------------------- report
def readme_table(report: dict) -> str:
    """The README's performance table (markdown) from a benchmark report."""
    mesa_rate = report["mesa_example"]["agent_steps_per_second"]
    lines = [
        "| configuration | N SMBs | SMB-steps/s | s/step | peak RSS | × Mesa example (1k) | × kernel (slower) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["results"]:
        lines.append(
            f"| {row['configuration']} | {row['n']:,} | {row['smb_steps_per_second']:,.0f} | "
            f"{row['seconds_per_step']:.4f} | {row['peak_rss_mb']:,.0f} MB | "
            f"{row['smb_steps_per_second'] / mesa_rate:.1f}x | {row['kernel_ratio']:.1f}x |"
        )
    machine = report["machine"]
    lines.append("")
    lines.append(
        f"Mesa's `boltzmann_wealth_model` example at {report['mesa_example']['n']:,} agents: "
        f"{mesa_rate:,.0f} agent-steps/s. Measured in one run, {report['steps']} steps per model, on "
        f"{machine['cpus']} cores ({machine['processor']}), Python {machine['python']}, Mesa {machine['mesa']}, "
        f"numpy {machine['numpy']}."
    )
    return "\n".join(lines)


def rewrite_readme(path: Path, report: dict) -> None:
    """Replace the text between the benchmark markers in ``path`` with :func:`readme_table`."""
    text = path.read_text()
    pattern = re.compile(re.escape(README_BEGIN) + r"\n.*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{path}: no {README_BEGIN} ... {README_END} markers")
    path.write_text(pattern.sub(lambda _: f"{README_BEGIN}\n{readme_table(report)}\n{README_END}", text))


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    import os

    import mesa
    import numpy as np

    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "mesa": mesa.__version__,
        "numpy": np.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    """Measure every size and configuration, write the JSON and optionally the README table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 SMBs (several GB, minutes)")
    parser.add_argument("--steps", type=int, default=60, help="steps per model (default 60)")
    parser.add_argument("--configurations", nargs="+", choices=CONFIGURATIONS, default=list(CONFIGURATIONS))
    parser.add_argument("--tiny", action="store_true", help="a seconds-long smoke run (300 SMBs, 4 steps)")
    parser.add_argument("--out", type=Path, default=Path("results/benchmark"))
    parser.add_argument("--readme", type=Path, help="rewrite this file's benchmark table from the JSON")
    parser.add_argument("--from-json", type=Path, help="only rewrite --readme from this benchmark.json")
    parser.add_argument("--no-reference-check", action="store_true", help="skip the fixed-seed summary check")
    parser.add_argument("--update-reference", action="store_true", help="rewrite benchmarks/reference_summary.json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0
    if args.from_json:
        if not args.readme:
            parser.error("--from-json needs --readme")
        rewrite_readme(args.readme, json.loads(args.from_json.read_text()))
        return 0

    sizes = [300] if args.tiny else [*args.sizes, *([1_000_000] if args.million else [])]
    steps = 4 if args.tiny else args.steps
    mesa_n = 300 if args.tiny else MESA_EXAMPLE_N
    mesa = {"n": mesa_n, **in_fresh_process(f"mesa:boltzmann:{mesa_n}:{max(steps, 10)}")}
    print(f"Mesa boltzmann_wealth_model at {mesa_n:,} agents: {mesa['agent_steps_per_second']:,.0f} agent-steps/s")
    print(f"{'configuration':<16} {'N':>9} {'SMB-steps/s':>12} {'s/step':>8} {'RSS MB':>8} {'xMesa':>7} {'xkernel':>8}")
    results = []
    for n in sizes:
        for name in args.configurations:
            row = {"configuration": name, "n": n, **in_fresh_process(f"sim:{name}:{n}:{steps}")}
            row["mesa_ratio"] = row["smb_steps_per_second"] / mesa["agent_steps_per_second"]
            row["kernel_ratio"] = row["seconds_per_step"] / row["kernel_seconds_per_step"]
            results.append(row)
            print(
                f"{name:<16} {n:>9,} {row['smb_steps_per_second']:>12,.0f} {row['seconds_per_step']:>8.4f} "
                f"{row['peak_rss_mb']:>8.0f} {row['mesa_ratio']:>6.1f}x {row['kernel_ratio']:>7.1f}x",
                flush=True,
            )
    check = (
        {"status": "skipped", "differences": {}}
        if args.tiny or args.no_reference_check
        else check_reference_summary(args.update_reference)
    )
    report = {
        "machine": machine(),
        "steps": steps,
        "mesa_example": mesa,
        "results": results,
        "reference_summary": check,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "benchmark.json").write_text(json.dumps(report, indent=2) + "\n")
    if args.readme:
        rewrite_readme(args.readme, report)
    print(f"summary at fixed seed: {check['status']}")
    for key, diff in check["differences"].items():
        print(f"  {key}: stored {diff['stored']} now {diff['now']}")
    print(f"wrote {args.out / 'benchmark.json'}")
    return 0 if check["status"] != "changed" else 1


if __name__ == "__main__":
    if str(HERE.parent) not in sys.path:
        sys.path.insert(0, str(HERE.parent))
    sys.exit(main())
