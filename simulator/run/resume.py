"""Resuming sweeps: finished runs are found again by a hash of their resolved configuration.

Every finished run records itself in an index (``results/.index/<hash>.json``, pointing to its
directory). A job whose configuration hash (seed and replicate included; run-control keys such
as ``force`` excluded; the simulator's code included, so a model change reruns everything) is
in the index, with its outputs still there, is skipped when the sweep
is run again, and its job directory gets a ``skipped.json`` pointing to the earlier run, which
the collector follows. A job killed half way wrote no index entry, so it runs again; no job
ever writes outside its own directory except its own index entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from simulator.config import ModelConfig

RUN_CONTROL_KEYS = ("force",)
"""Configuration keys that change how a run is executed, not what it computes."""
SKIPPED_FILE = "skipped.json"
ERROR_FILE = "error.txt"


def code_fingerprint() -> str:
    """A hash of the simulator's source and its numerical libraries' versions, so that results
    of other code are not reused (any edit under simulator/ counts, docstrings included)."""
    import mesa
    import numpy

    digest = hashlib.sha256(f"mesa {mesa.__version__} numpy {numpy.__version__}".encode())
    for path in sorted(Path(__file__).resolve().parents[1].rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_FINGERPRINT = code_fingerprint()


def config_hash(config: ModelConfig) -> str:
    """A stable hash of everything that determines a run's results: the resolved configuration
    (run-control keys excluded) and the simulator's code."""
    data = {k: v for k, v in asdict(config).items() if k not in RUN_CONTROL_KEYS}
    text = json.dumps({"config": data, "code": CODE_FINGERPRINT}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class ResultIndex:
    """The index of finished runs under a results directory.

    Parameters
    ----------
    results_dir
        The directory holding all runs (``results`` by default in the Hydra app).
    """

    def __init__(self, results_dir: str | Path) -> None:
        self.root = Path(results_dir) / ".index"

    def finished(self, key: str) -> Path | None:
        """The directory of a finished run with this hash, if it still holds its summary."""
        entry = self.root / f"{key}.json"
        if not entry.exists():
            return None
        run_dir = Path(json.loads(entry.read_text())["run_dir"])
        return run_dir if (run_dir / "summary.json").exists() else None

    def record(self, key: str, run_dir: str | Path) -> None:
        """Record a finished run (written atomically, after all its outputs)."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f"{key}.json.tmp"
        tmp.write_text(json.dumps({"run_dir": str(Path(run_dir).resolve())}))
        tmp.replace(self.root / f"{key}.json")


def mark_skipped(job_dir: str | Path, key: str, previous: Path) -> dict[str, Any]:
    """Write ``skipped.json`` into a skipped job's directory and return its content."""
    note = {"config_hash": key, "previous_run": str(previous)}
    Path(job_dir).mkdir(parents=True, exist_ok=True)
    (Path(job_dir) / SKIPPED_FILE).write_text(json.dumps(note, indent=2))
    return note
