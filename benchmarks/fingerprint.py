"""Fingerprints of a few runs' outputs: a speed-up must leave every number exactly as it was.

``python benchmarks/fingerprint.py --write before.json`` before changing hot code and
``python benchmarks/fingerprint.py --check before.json`` after each change. Each fingerprint is
a sha256 of a run's time series (overall and by strategy), event log and summary, bit for bit,
for six small configurations that together switch every mechanism on: the default, all
strategies mixed, the every-mechanism benchmark configuration (a fee hike with its twin,
outages, data capture), ``platform_first`` with strong network effects, ``diversification``
through a supplier failure, and learners (capability building, knowledge absorption) under a
demand drop. Each configuration has a second fingerprint, ``<name>:files``: the sha256 of the
bytes of every file :func:`~simulator.run.runner.write_run` writes (the twin's included; not
``manifest.json``, which records the code version), so that a change in how a file is laid out
(row groups, types, metadata) is caught even when the frames are equal. ``--spill`` runs with
an event log that moves its rows to disk every step (``events.SPILL_ROWS = 0``) and a ledger
that moves its ended alliances to disk every step (``ledger.SPILL_ROWS = 0``, so that row
numbers differ from alliance ids from the second step on): its fingerprints must equal those of
the in-memory run.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.run.runner import RunResult

HERE = Path(__file__).resolve().parent


def configurations() -> dict:
    """The fingerprinted configurations, small enough to run in seconds."""
    from benchmarks.benchmark import every_mechanism, scaled
    from simulator import STRATEGIES
    from simulator.config.schema import ShockConfig

    base = scaled(400, 60, seed=3)
    everyone = {name: 1.0 / len(STRATEGIES) for name in sorted(STRATEGIES)}
    learners = {name: 0.0 for name in STRATEGIES} | {"capability_building": 0.5, "knowledge_absorption": 0.5}
    return {
        "default": base,
        "mix_all": replace(base, strategy={"name": "mix", "shares": everyone, "params": {}}),
        "every_mechanism": every_mechanism(400, 60, seed=3),
        "platform_first_network": replace(
            base, strategy={"name": "platform_first"}, platform=replace(base.platform, network_effect=3.0)
        ),
        "diversification_supplier_failure": replace(
            base,
            strategy={"name": "diversification"},
            shocks=[ShockConfig(kind="partner_failure", start=20, duration=6, size=1.0, target="largest")],
            twin=True,
        ),
        "learners_demand_drop": replace(
            base,
            strategy={"name": "mix", "shares": learners, "params": {}},
            shocks=[ShockConfig(kind="demand_shock", start=25, duration=10, size=0.3, target="all")],
        ),
    }


def fingerprint(result: RunResult) -> str:
    """sha256 of a run's (and its twin's) time series, events and summary."""
    import pandas as pd

    digest = hashlib.sha256()
    for run in (result, result.twin):
        if run is None:
            continue
        for frame in (run.timeseries, run.timeseries_by_strategy, run.events):
            digest.update(json.dumps(list(map(str, frame.columns))).encode())
            digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        digest.update(json.dumps(run.summary, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def file_fingerprint(result: RunResult) -> str:
    """sha256 of the bytes of every file a run (and its twin) writes, but ``manifest.json``."""
    import tempfile

    from simulator.run.runner import write_run

    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = write_run(result, Path(tmp) / "run")
        for path in sorted(p for p in run_dir.rglob("*") if p.is_file() and p.name != "manifest.json"):
            digest.update(str(path.relative_to(run_dir)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprints(spill: bool = False) -> dict[str, str]:
    """The fingerprints of each configuration's run: its frames and summary, then its files
    (written before the frames are read, so that the event log is written in chunks)."""
    from unittest import mock

    from simulator.core import events, ledger
    from simulator.run.runner import run_simulation

    out = {}
    spilling = contextlib.ExitStack()
    if spill:
        spilling.enter_context(mock.patch.object(events, "SPILL_ROWS", 0))
        spilling.enter_context(mock.patch.object(ledger, "SPILL_ROWS", 0))
    with spilling:
        for name, config in configurations().items():
            result = run_simulation(config)
            out[f"{name}:files"] = file_fingerprint(result)
            out[name] = fingerprint(result)
    return out


def main(argv: list[str] | None = None) -> int:
    """Write or check the fingerprints."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path)
    action.add_argument("--check", type=Path)
    parser.add_argument("--spill", action="store_true", help="event logs and ended alliances moved to disk every step")
    args = parser.parse_args(argv)
    now = fingerprints(args.spill)
    if args.write:
        args.write.write_text(json.dumps(now, indent=2) + "\n")
        print(f"wrote {len(now)} fingerprints to {args.write}")
        return 0
    stored = json.loads(args.check.read_text())
    changed = [name for name in stored if stored[name] != now.get(name)]
    for name in stored:
        print(f"{name:<34} {'CHANGED' if name in changed else 'same'}")
    return 1 if changed else 0


if __name__ == "__main__":
    if str(HERE.parent) not in sys.path:
        sys.path.insert(0, str(HERE.parent))
    sys.exit(main())
