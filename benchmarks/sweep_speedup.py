"""Jobs per second of a sweep of default jobs against the pure simulation time of those jobs.

``python benchmarks/sweep_speedup.py`` (``--jobs 200`` by default; a few minutes on 2 cores)
first runs the default job (300 SMBs, 120 steps) ``--sample`` times in this process to measure
what a job must cost: its simulation (``run_simulation``) and the writing of its run directory.
Then it runs the same sweep of ``--jobs`` default jobs (replicates 0 .. jobs-1) as one
``python -m simulator -m`` process in a fresh working directory each way:

- ``basic``: Hydra's basic launcher, one job after another in one process;
- ``joblib``: ``hydra/launcher=joblib`` with one worker per core (workers are reused);
- ``packed``: ``replicates=<jobs/workers>`` with the joblib launcher: each worker runs one job
  that runs its share of the replicates (:mod:`simulator.run.replicates`), every replicate still
  its own run directory.

(``--launchers`` picks some of them.) For each it reports jobs per second, the cost of one job
in worker-seconds (wall time × workers / jobs) and in CPU seconds (user + system time of the
sweep's processes / jobs), and the overhead per job beyond its simulation as a share of the
simulation time, by wall time and by CPU time (the issue's target: at most 25 %). On a shared
machine the wall-time figures include waiting for a core; the CPU-time ones compare the work
done (the simulation's own CPU time is measured in-process too). All numbers come from one invocation.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def job_cost(sample: int) -> dict[str, float]:
    """Mean seconds to simulate a default job and to write its run directory, in this process."""
    from simulator import ModelConfig
    from simulator.run.runner import run_simulation, write_run

    simulate = write = cpu = 0.0
    run_simulation(ModelConfig(steps=5))  # warm-up: first-call costs are not a job's
    with tempfile.TemporaryDirectory() as tmp:
        for replicate in range(sample):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = run_simulation(ModelConfig(replicate=replicate))
            middle = time.perf_counter()
            cpu += time.process_time() - start_cpu
            write_run(result, Path(tmp) / str(replicate))
            simulate += middle - start
            write += time.perf_counter() - middle
    return {"simulate_s": simulate / sample, "simulate_cpu_s": cpu / sample, "write_s": write / sample}


def children_cpu() -> float:
    """User plus system CPU seconds of this process's finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_sweep(overrides: list[str], runs: int) -> tuple[float, float]:
    """Wall time and CPU time of one ``python -m simulator -m`` sweep that must leave ``runs``
    run directories."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryDirectory() as cwd:
        command = [sys.executable, "-m", "simulator", "-m", *overrides]
        start, start_cpu = time.perf_counter(), children_cpu()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=env)
        elapsed, cpu = time.perf_counter() - start, children_cpu() - start_cpu
        finished = list(Path(cwd).glob("results/sweeps/*/**/manifest.json"))
        if len(finished) != runs:
            raise RuntimeError(f"{' '.join(overrides)}: expected {runs} finished runs, found {len(finished)}")
    return elapsed, cpu


def main(argv: list[str] | None = None) -> int:
    """Measure the job cost and the three sweeps; print and write the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200, help="default jobs per sweep (default 200)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="joblib workers (default: cores)")
    parser.add_argument("--sample", type=int, default=10, help="jobs timed in-process for the simulation time")
    parser.add_argument(
        "--launchers", nargs="+", choices=("basic", "joblib", "packed"), default=["basic", "joblib", "packed"]
    )
    parser.add_argument("--out", type=Path, default=Path("results/benchmark/sweep_speedup.json"))
    args = parser.parse_args(argv)
    if args.jobs % args.workers:
        parser.error("--jobs must be a multiple of --workers (each packed job runs jobs/workers replicates)")

    cost = job_cost(args.sample)
    per_worker = args.jobs // args.workers
    joblib = ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={args.workers}"]
    launchers = {
        "basic": ([f"replicate=range({args.jobs})"], 1),
        "joblib": ([f"replicate=range({args.jobs})", *joblib], args.workers),
        "packed": (
            [f"replicate=range(0,{args.jobs},{per_worker})", f"replicates={per_worker}", *joblib],
            args.workers,
        ),
    }
    sweeps = {
        name: (timed_sweep(overrides, args.jobs), workers)
        for name, (overrides, workers) in launchers.items()
        if name in args.launchers
    }
    simulate, simulate_cpu = cost["simulate_s"], cost["simulate_cpu_s"]
    print(
        f"a default job: simulation {simulate:.3f} s ({simulate_cpu:.3f} s CPU), writing {cost['write_s']:.3f} s "
        f"(mean of {args.sample})"
    )
    print(
        f"{'launcher':<8} {'wall s':>8} {'jobs/s':>8} {'s per job':>10} {'CPU s per job':>14} "
        f"{'overhead (wall)':>16} {'overhead (CPU)':>15}"
    )
    record: dict[str, object] = {"jobs": args.jobs, "workers": args.workers, **cost, "sweeps": {}}
    for name, ((wall, cpu), workers) in sweeps.items():
        per_job, cpu_per_job = wall * workers / args.jobs, cpu / args.jobs
        overhead = (per_job - simulate) / simulate
        cpu_overhead = (cpu_per_job - simulate_cpu) / simulate_cpu
        record["sweeps"][name] = {
            "wall_s": wall,
            "cpu_s": cpu,
            "workers": workers,
            "jobs_per_s": args.jobs / wall,
            "worker_s_per_job": per_job,
            "cpu_s_per_job": cpu_per_job,
            "overhead_share": overhead,
            "cpu_overhead_share": cpu_overhead,
        }
        print(
            f"{name:<8} {wall:>8.1f} {args.jobs / wall:>8.2f} {per_job:>10.3f} {cpu_per_job:>14.3f} "
            f"{overhead:>16.0%} {cpu_overhead:>15.0%}"
        )
    print(f"pure simulation: {args.workers / simulate:.2f} jobs/s on {args.workers} workers")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    if str(HERE.parent) not in sys.path:
        sys.path.insert(0, str(HERE.parent))
    sys.exit(main())
