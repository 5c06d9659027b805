"""What identifies a run's results: a hash of its resolved configuration and of the code.

Two runs with the same :func:`config_hash` compute the same outputs, so a sweep may reuse one for
the other (:mod:`simulator.run.resume`), and a run's manifest records it
(:mod:`simulator.run.manifest`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from simulator.config import ModelConfig

RUN_CONTROL_KEYS = ("force", "objective", "objective_direction", "replicates")
"""Configuration keys that change how a run is executed, not what it computes."""


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


def code_version() -> str:
    """The installed ``ecosim`` package version ("unknown" when not installed)."""
    try:
        return metadata.version("ecosim")
    except metadata.PackageNotFoundError:
        return "unknown"


def config_hash(config: ModelConfig) -> str:
    """A stable hash of everything that determines a run's results: the resolved configuration
    (run-control keys excluded) and the simulator's code."""
    data = {k: v for k, v in asdict(config).items() if k not in RUN_CONTROL_KEYS}
    if not config.focal.enabled:  # no focal firm: hashed as before the focal block existed
        data.pop("focal")
    text = json.dumps({"config": data, "code": CODE_FINGERPRINT}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]
