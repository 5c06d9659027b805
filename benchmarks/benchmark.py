"""Speed and scale benchmark: this simulator against Mesa's tutorial Boltzmann wealth model.

Run ``python benchmarks/benchmark.py`` (about five minutes on a 2-core laptop). In one process
it times, side by side at each N:

- the reference: Mesa's introductory-tutorial money model, written out below as the tutorial
  defines it (each agent with wealth gives one unit to a random other agent; a DataCollector
  records the Gini coefficient every step), run through ``shuffle_do``;
- this simulator's default scenario scaled to N SMBs (partners and platforms in proportion).

It prints agent-steps per second for each, their ratio, seconds per step against N (with the
fitted scaling exponent) and peak traced memory, writes everything to ``benchmark.json`` and a
log-log plot ``scaling.png`` in ``--out``, and compares the default scenario's summary at a
fixed seed with ``benchmarks/reference_summary.json`` so that a speed-up that changes results
does not go unnoticed (``--update-reference`` rewrites it after an intended model change).

An agent-step is one agent advanced by one step; for this simulator the agents counted are the
SMBs (partners and platforms come on top, in proportion).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import platform
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import mesa
import numpy as np

from simulator import EcosystemModel, ModelConfig
from simulator.run.runner import run_simulation

HERE = Path(__file__).resolve().parent
REFERENCE_SUMMARY = HERE / "reference_summary.json"
DEFAULT = ModelConfig()


# --------------------------------------------------------------------- the reference model
def compute_gini(model: mesa.Model) -> float:
    """Gini coefficient of wealth, as in Mesa's tutorial."""
    agent_wealths = [agent.wealth for agent in model.agents]
    x = sorted(agent_wealths)
    n = model.num_agents
    b = sum(xi * (n - i) for i, xi in enumerate(x)) / (n * sum(x))
    return 1 + (1 / n) - 2 * b


class MoneyAgent(mesa.Agent):
    """An agent with fixed initial wealth (Mesa tutorial)."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.wealth = 1

    def exchange(self) -> None:
        """Give one unit of wealth to a random other agent, if any is left."""
        if self.wealth > 0:
            other_agent = self.random.choice(self.model.agents)
            if other_agent is not None:
                other_agent.wealth += 1
                self.wealth -= 1


class MoneyModel(mesa.Model):
    """Mesa tutorial's money model with a Gini DataCollector."""

    def __init__(self, n: int, seed: int | None = None) -> None:
        super().__init__(seed=seed)
        self.num_agents = n
        MoneyAgent.create_agents(model=self, n=n)
        self.datacollector = mesa.DataCollector(model_reporters={"Gini": compute_gini})

    def step(self) -> None:
        self.datacollector.collect(self)
        self.agents.shuffle_do("exchange")


# --------------------------------------------------------------------- measurements
def scaled_config(n: int, steps: int, seed: int = 1) -> ModelConfig:
    """The default scenario with N SMBs and partners in the same proportion."""
    ratio = DEFAULT.n_partners / DEFAULT.n_smbs
    return replace(DEFAULT, n_smbs=n, n_partners=max(4, round(n * ratio)), steps=steps, seed=seed)


def time_simulator(n: int, steps: int) -> dict[str, float]:
    """Seconds per step of this simulator at N SMBs (model construction excluded)."""
    gc.collect()
    model = EcosystemModel(scaled_config(n, steps))
    start = time.perf_counter()
    model.run(steps)
    elapsed = time.perf_counter() - start
    return {
        "steps": steps,
        "seconds": elapsed,
        "seconds_per_step": elapsed / steps,
        "agent_steps_per_second": n * steps / elapsed,
    }


def time_reference(n: int, steps: int, budget: float) -> dict[str, float]:
    """Seconds per step of the reference; stops early once ``budget`` seconds are spent."""
    gc.collect()
    model = MoneyModel(n, seed=1)
    done = 0
    start = time.perf_counter()
    while done < steps:
        model.step()
        done += 1
        if time.perf_counter() - start > budget:
            break
    elapsed = time.perf_counter() - start
    return {
        "steps": done,
        "seconds": elapsed,
        "seconds_per_step": elapsed / done,
        "agent_steps_per_second": n * done / elapsed,
    }


def peak_memory_mb(n: int, steps: int) -> float:
    """Peak memory traced by tracemalloc while building and running the simulator."""
    gc.collect()
    tracemalloc.start()
    model = EcosystemModel(scaled_config(n, steps))
    model.run(steps)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del model
    return peak / 2**20


def scaling_exponent(sizes: list[int], seconds_per_step: list[float]) -> float:
    """Slope of log(seconds per step) against log(N) (1 = linear)."""
    return float(np.polyfit(np.log(sizes), np.log(seconds_per_step), 1)[0])


def check_reference_summary(update: bool) -> dict[str, object]:
    """Compare the default scenario's summary at seed 42 with the stored reference."""
    summary = run_simulation(replace(DEFAULT, seed=42)).summary
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


def plot(results: list[dict], path: Path) -> None:
    """Log-log plot of seconds per step against N for both models."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["n"] for r in results]
    fig, ax = plt.subplots(figsize=(6, 4.2))
    ax.loglog(sizes, [r["simulator"]["seconds_per_step"] for r in results], "o-", label="ecosim (default scenario)")
    ref = [(r["n"], r["reference"]["seconds_per_step"]) for r in results if r.get("reference")]
    if ref:
        ax.loglog(*zip(*ref, strict=True), "s--", label="Mesa tutorial Boltzmann model")
    base_n, base_t = sizes[0], results[0]["simulator"]["seconds_per_step"]
    ax.loglog(sizes, [base_t * n / base_n for n in sizes], ":", color="grey", label="linear in N")
    ax.set_xlabel("N (SMBs / agents)")
    ax.set_ylabel("seconds per step")
    ax.set_title("Time per step against population size")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write its outputs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--steps", type=int, default=100, help="steps per run (default 100)")
    parser.add_argument(
        "--reference-budget",
        type=float,
        default=60.0,
        help="seconds the reference may run at each N before it stops early (default 60)",
    )
    parser.add_argument(
        "--reference-max-n",
        type=int,
        default=100_000,
        help="largest N at which the reference runs (its tutorial code is quadratic in N: one step "
        "at 100,000 agents takes minutes; pass 10000 for a quick run)",
    )
    parser.add_argument(
        "--memory-steps", type=int, default=None, help="steps of the traced-memory run (default: --steps)"
    )
    parser.add_argument("--out", type=Path, default=Path("results/benchmark"))
    parser.add_argument(
        "--update-reference",
        action="store_true",
        help="rewrite benchmarks/reference_summary.json after an intended model change",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    results = []
    print(f"{'N':>8} {'ecosim ag-st/s':>15} {'reference ag-st/s':>18} {'ratio':>8} {'s/step':>9} {'peak MB':>9}")
    for n in args.sizes:
        ours = time_simulator(n, args.steps)
        ref = time_reference(n, args.steps, args.reference_budget) if n <= args.reference_max_n else None
        memory = peak_memory_mb(n, args.memory_steps or args.steps)
        ratio = ours["agent_steps_per_second"] / ref["agent_steps_per_second"] if ref else None
        results.append({"n": n, "simulator": ours, "reference": ref, "ratio": ratio, "peak_memory_mb": memory})
        ref_rate = f"{ref['agent_steps_per_second']:>18,.0f}" if ref else f"{'(not run)':>18}"
        ratio_text = f"{ratio:>7.1f}x" if ratio else f"{'-':>8}"
        print(
            f"{n:>8,} {ours['agent_steps_per_second']:>15,.0f} {ref_rate} {ratio_text} "
            f"{ours['seconds_per_step']:>9.4f} {memory:>9.1f}",
            flush=True,
        )

    sizes = [r["n"] for r in results]
    exponent = (
        scaling_exponent(sizes, [r["simulator"]["seconds_per_step"] for r in results]) if len(set(sizes)) > 1 else None
    )
    check = check_reference_summary(args.update_reference)
    report = {
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "mesa": mesa.__version__,
            "numpy": np.__version__,
        },
        "steps": args.steps,
        "results": results,
        "scaling_exponent": exponent,
        "reference_summary": check,
    }
    (args.out / "benchmark.json").write_text(json.dumps(report, indent=2) + "\n")
    plot(results, args.out / "scaling.png")
    if exponent is not None:
        print(f"time per step grows as N^{exponent:.2f} over N = {args.sizes[0]:,} .. {args.sizes[-1]:,}")
    print(f"summary at fixed seed: {check['status']}")
    for key, diff in check["differences"].items():
        print(f"  {key}: stored {diff['stored']} now {diff['now']}")
    print(f"wrote {args.out / 'benchmark.json'} and {args.out / 'scaling.png'}")
    return 0 if check["status"] != "changed" else 1


if __name__ == "__main__":
    sys.exit(main())
