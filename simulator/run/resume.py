"""Resuming sweeps: finished runs are found again by a hash of their resolved configuration.

Every finished run records itself in an index (``results/.index/<hash>.json``, pointing to its
directory; written atomically under a unique temporary name). A job whose configuration hash
(:func:`~simulator.run.identity.config_hash`: seed and replicate included; run-control keys such
as ``force`` excluded; the simulator's code included, so a model change reruns everything) is in
the index is skipped when the sweep is run again, but only if the earlier run's manifest verifies
(:func:`~simulator.run.manifest.verify_run`: every output file present with its size and
checksum, written by this code for this configuration). A damaged earlier run is run again. The
job directory of a skipped job gets a ``skipped.json`` pointing to the earlier run, which the
collector follows. A job killed half way wrote no manifest and no index entry, so it runs again.

Concurrent sweeps: a sweep job holds an exclusive lock on ``results/.index/<hash>.lock`` while it
looks the hash up, runs and records it, so two sweeps over the same configurations run each one
once: the second waits for the first, then reuses its result. The kernel releases the lock of a
killed job.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.run.files import exclusive_lock, write_atomic
from simulator.run.identity import CODE_FINGERPRINT, RUN_CONTROL_KEYS, code_fingerprint, config_hash
from simulator.run.manifest import verify_run
from simulator.run.runner import OUTPUT_FILES

__all__ = [
    "CODE_FINGERPRINT",
    "ERROR_FILE",
    "RESULTS_DIR",
    "RUN_CONTROL_KEYS",
    "SKIPPED_FILE",
    "Lookup",
    "ResultIndex",
    "code_fingerprint",
    "config_hash",
    "mark_skipped",
]

RESULTS_DIR = "results"
"""Where the ``ecosim`` command keeps its runs and the index (relative to the working directory)."""
SKIPPED_FILE = "skipped.json"
ERROR_FILE = "error.txt"


@dataclass(frozen=True)
class Lookup:
    """What the index knows about a configuration hash."""

    run_dir: Path | None = None
    """The earlier run's directory, if it verifies."""
    problem: str | None = None
    """Why an indexed earlier run cannot be reused (damaged), if one was indexed."""


class ResultIndex:
    """The index of finished runs under a results directory.

    Parameters
    ----------
    results_dir
        The directory holding all runs (``results`` by default in the Hydra app).
    """

    def __init__(self, results_dir: str | Path) -> None:
        self.root = Path(results_dir) / ".index"

    def lookup(self, key: str) -> Lookup:
        """The verified earlier run with this hash, or why the indexed one is damaged."""
        entry = self.root / f"{key}.json"
        try:
            run_dir = Path(json.loads(entry.read_text())["run_dir"])
        except FileNotFoundError:
            return Lookup()
        except (OSError, ValueError, KeyError, TypeError) as err:
            return Lookup(problem=f"index entry {entry} is unreadable ({type(err).__name__})")
        problem = verify_run(run_dir, {"config_hash": key, "code": CODE_FINGERPRINT}, OUTPUT_FILES)
        return Lookup(problem=f"{run_dir}: {problem}") if problem else Lookup(run_dir=run_dir)

    def finished(self, key: str) -> Path | None:
        """The directory of a finished run with this hash whose manifest verifies."""
        return self.lookup(key).run_dir

    def record(self, key: str, run_dir: str | Path) -> None:
        """Record a finished run (atomically, under a unique temporary name; after its manifest)."""
        self.root.mkdir(parents=True, exist_ok=True)
        write_atomic(self.root / f"{key}.json", json.dumps({"run_dir": str(Path(run_dir).resolve())}))

    def claim(self, key: str, on_wait: Any = None) -> AbstractContextManager[None]:
        """Hold this hash's lock: look up, run and record it without another process doing the same.

        ``on_wait`` is called once if another process holds the lock, before waiting.
        """
        return exclusive_lock(self.root / f"{key}.lock", on_wait)


def mark_skipped(job_dir: str | Path, key: str, previous: Path) -> dict[str, Any]:
    """Write ``skipped.json`` into a skipped job's directory and return its content."""
    note = {"config_hash": key, "previous_run": str(previous)}
    Path(job_dir).mkdir(parents=True, exist_ok=True)
    write_atomic(Path(job_dir) / SKIPPED_FILE, json.dumps(note, indent=2))
    return note
