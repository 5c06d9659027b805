"""Where a run's memory goes: resident memory by phase and the size of each structure.

``python benchmarks/memory.py --n 200000 --steps 120`` runs the default scenario scaled to N
(as :func:`benchmarks.benchmark.scaled`) through :func:`simulator.run.runner.run_simulation`
and :func:`~simulator.run.runner.write_run` into a temporary directory, sampling the process's
resident set size (``/proc/self/statm``) every 20 ms, and prints

- the peak resident memory of each phase: building the model, the steps, the summary, the
  survival curves, the event log's frame, the time series, writing the files;
- after the last step, the bytes held by each structure: the SMB arrays (and the buffers behind
  them, spare capacity included), the alliance ledger (rows in its table, active and ended, its
  spare capacity, and the ended alliances moved to disk), the event log (in memory and spilled),
  the per-firm history and the DataCollector's records;
- after the last step, glibc's heap (``mallinfo2``): bytes in use, bytes free (freed arrays'
  pages the heap keeps: resident memory that no structure holds) and bytes in separately mapped
  chunks; and, after writing, the most pyarrow's memory pool held at once (one row group of
  ``events.parquet``).

Linux only (it reads ``/proc``). ``--json`` writes the report as JSON too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PAGE = os.sysconf("SC_PAGE_SIZE")
MB = 2**20


class RssSampler(threading.Thread):
    """Samples this process's resident memory and keeps the peak of each named phase."""

    def __init__(self, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.phase = "start"
        self.peaks: dict[str, int] = {}
        self._done = threading.Event()

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * PAGE

    def sample(self) -> None:
        now = self.rss()
        if now > self.peaks.get(self.phase, 0):
            self.peaks[self.phase] = now

    def run(self) -> None:
        while not self._done.is_set():
            self.sample()
            time.sleep(self.interval)

    def enter(self, phase: str) -> None:
        self.sample()
        self.phase = phase
        self.sample()

    def stop(self) -> None:
        self.sample()
        self._done.set()
        self.join()


def _phased(sampler: RssSampler, module: Any, name: str, phase: str) -> Callable[[], None]:
    """Wrap ``module.name`` so that the sampler is in ``phase`` while it runs; return the undo."""
    inner = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        before = sampler.phase
        sampler.enter(phase)
        try:
            return inner(*args, **kwargs)
        finally:
            sampler.enter(before)

    setattr(module, name, wrapper)
    return lambda: setattr(module, name, inner)


def structure_bytes(model: Any) -> dict[str, float]:
    """MB held by the model's main structures (numpy buffers, and an estimate for Python objects)."""
    import numpy as np

    ledger = model.ledger
    filled = ledger.size
    capacity = ledger._capacity
    row_bytes = sum(np.dtype(c.dtype).itemsize for c in ledger._data.values())
    ended = int((ledger.ended_step >= 0).sum())
    spilled_alliances = int(getattr(ledger, "spilled_rows", 0))
    log = model.events
    batches = getattr(log, "_batches", [])
    event_rows = sum(len(b["step"]) for b in batches)
    event_bytes = sum(a.nbytes for b in batches for a in b.values())
    spilled = getattr(log, "spilled_rows", 0)
    smbs = model.smbs
    smb_bytes = sum(getattr(smbs, name).nbytes for name in smbs.COLUMNS)
    buffers = smbs._rows._data.values()
    smb_buffer_bytes = sum(b.nbytes for b in buffers if b is not None)
    history = model.history
    history_bytes = sum(a.nbytes for part in (history._revenue, history._net_income, history._alive) for a in part)
    collector = model.datacollector
    n_values = sum(len(v) for v in collector.model_vars.values())
    n_values += sum(len(column) for table in collector.tables.values() for column in table.values())
    return {
        "smb_arrays_mb": smb_bytes / MB,
        "smb_buffers_mb": smb_buffer_bytes / MB,  # capacity; rows past smb_rows are not resident
        "smb_rows": int(smbs.n),
        "ledger_row_bytes": row_bytes,
        "ledger_rows": filled,
        "ledger_ended_rows": ended,
        "ledger_active_rows": filled - ended,
        "ledger_rows_spilled": spilled_alliances,
        "ledger_filled_mb": filled * row_bytes / MB,
        "ledger_capacity_mb": capacity * row_bytes / MB,
        "event_rows_in_memory": event_rows,
        "event_rows_spilled": int(spilled),
        "event_log_mb": event_bytes / MB,
        "firm_history_mb": history_bytes / MB,
        "datacollector_values": n_values,
        "datacollector_mb_estimate": n_values * 32 / MB,
    }


def heap_mb() -> dict[str, float]:
    """glibc's heap now (``mallinfo2``), in MB: in use, free, in mapped chunks ({} without glibc)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is None or not hasattr(libc, "mallinfo2"):
        return {}

    class MallInfo2(ctypes.Structure):
        _fields_ = [
            (field, ctypes.c_size_t)
            for field in (
                "arena",
                "ordblks",
                "smblks",
                "hblks",
                "hblkhd",
                "usmblks",
                "fsmblks",
                "uordblks",
                "fordblks",
                "keepcost",
            )
        ]

    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()
    return {
        "heap_in_use_mb": info.uordblks / MB,
        "heap_free_mb": info.fordblks / MB,
        "mapped_chunks_mb": info.hblkhd / MB,
    }


def measure(n: int, steps: int, seed: int = 1, out: Path | None = None) -> dict[str, Any]:
    """Run and write the default scenario at ``n`` SMBs for ``steps`` steps, measuring memory."""
    import simulator.run.runner as runner
    from benchmarks.benchmark import scaled
    from simulator.core import events as events_module

    sampler = RssSampler()
    sampler.start()
    baseline = RssSampler.rss()
    config = scaled(n, steps, seed)
    undo = [
        _phased(sampler, runner, "summarize", "summary"),
        _phased(sampler, runner, "survival_of", "survival"),
        _phased(sampler, runner, "timeseries", "timeseries"),
        _phased(sampler, runner, "timeseries_by_strategy", "timeseries"),
        _phased(sampler, runner, "firm_table", "resilience"),
        _phased(sampler, events_module.EventLog, "to_frame", "events_frame"),
    ]
    structures: dict[str, Any] = {}
    step_rss: dict[int, float] = {}
    arrow_peak = 0.0
    started = time.perf_counter()

    def observer(model: Any) -> None:
        if model.steps == 0:
            sampler.enter("steps")
        if model.steps in (1, steps // 4, steps // 2, 3 * steps // 4, steps):
            step_rss[int(model.steps)] = RssSampler.rss() / MB
        if model.steps == steps:
            structures.update(structure_bytes(model))
            structures.update(heap_mb())
            sampler.enter("end_of_run")

    try:
        sampler.enter("build")
        result = runner.run_simulation(config, observer=observer)
        simulated = time.perf_counter() - started
        with tempfile.TemporaryDirectory(dir=out) as tmp:
            sampler.enter("write")
            runner.write_run(result, Path(tmp) / "run")
            written = {p.name: p.stat().st_size for p in (Path(tmp) / "run").iterdir()}
            import pyarrow

            arrow_peak = pyarrow.default_memory_pool().max_memory() / MB
            sampler.enter("done")
    finally:
        sampler.stop()
        for restore in undo:
            restore()
    peaks = {phase: value / MB for phase, value in sampler.peaks.items()}
    return {
        "n_smbs": n,
        "steps": steps,
        "seconds": round(time.perf_counter() - started, 1),
        "simulation_seconds": round(simulated, 1),
        "baseline_rss_mb": baseline / MB,
        "peak_rss_mb": max(peaks.values()),
        "peak_rss_by_phase_mb": peaks,
        "rss_after_step_mb": step_rss,
        "structures_after_last_step": structures,
        "arrow_pool_peak_mb": arrow_peak,
        "file_bytes": written,
    }


def main(argv: list[str] | None = None) -> int:
    """Measure and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="SMBs (default 200,000)")
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--out", type=Path, help="directory for the temporary run directory (default: system temp)")
    args = parser.parse_args(argv)
    report = measure(args.n, args.steps, args.seed, args.out)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    if str(HERE.parent) not in sys.path:
        sys.path.insert(0, str(HERE.parent))
    sys.exit(main())
