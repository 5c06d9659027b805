"""Speed-up of a parallel sweep (Hydra's joblib launcher) over the serial basic launcher.

``python benchmarks/sweep_speedup.py`` runs the same sweep of 8 equal jobs (the default
scenario scaled to 10,000 SMBs for 200 steps, replicates 0-7; jobs must last long enough
to amortize worker start-up) twice in one script run: with the basic launcher, then with
``hydra/launcher=joblib hydra.launcher.n_jobs=<cores>``, each as one ``ecosim -m`` process in a
fresh working directory (so no job is skipped as already done), and prints the wall times and
their ratio. Target on a 2-core machine: at least 1.6x.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed_sweep(extra: list[str], jobs: int, steps: int, n_smbs: int) -> float:
    """Wall time of one ``ecosim -m`` sweep of ``jobs`` equal jobs."""
    with tempfile.TemporaryDirectory() as cwd:
        command = [
            sys.executable,
            "-m",
            "simulator",
            "-m",
            f"replicate=range({jobs})",
            f"steps={steps}",
            f"n_smbs={n_smbs}",
            f"n_partners={max(4, n_smbs * 40 // 300)}",
            *extra,
        ]
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        elapsed = time.perf_counter() - start
        finished = list(Path(cwd).glob("results/sweeps/*/*/summary.json"))
        if len(finished) != jobs:
            raise RuntimeError(f"expected {jobs} finished jobs, found {len(finished)}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    """Run both sweeps and report the speed-up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument(
        "--n-smbs", type=int, default=10_000, help="SMBs per job (jobs must be long enough to amortize worker start-up)"
    )
    parser.add_argument("--n-jobs", type=int, default=os.cpu_count() or 2, help="joblib workers (default: all cores)")
    parser.add_argument("--out", type=Path, default=Path("results/benchmark/sweep_speedup.json"))
    args = parser.parse_args(argv)
    serial = timed_sweep([], args.jobs, args.steps, args.n_smbs)
    parallel = timed_sweep(
        ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={args.n_jobs}"], args.jobs, args.steps, args.n_smbs
    )
    speedup = serial / parallel
    print(
        f"{args.jobs} jobs: serial {serial:.1f} s, joblib with {args.n_jobs} workers {parallel:.1f} s, "
        f"speed-up {speedup:.2f}x"
    )
    record = {"jobs": args.jobs, "workers": args.n_jobs, "serial_s": serial, "parallel_s": parallel, "speedup": speedup}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
