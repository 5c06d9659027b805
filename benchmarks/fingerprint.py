"""Fingerprints of a few runs' outputs: a speed-up must leave every number exactly as it was.

``python benchmarks/fingerprint.py --write before.json`` before changing hot code and
``python benchmarks/fingerprint.py --check before.json`` after each change. Each fingerprint is
a sha256 of a run's time series (overall and by strategy), event log and summary, bit for bit,
for six small configurations that together switch every mechanism on: the default, all
strategies mixed, the every-mechanism benchmark configuration (a fee hike with its twin,
outages, data capture), ``platform_first`` with strong network effects, ``diversification``
through a supplier failure, and learners (capability building, knowledge absorption) under a
demand drop.
"""

from __future__ import annotations

import argparse
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


def fingerprints() -> dict[str, str]:
    """The fingerprint of each configuration's run."""
    from simulator.run.runner import run_simulation

    return {name: fingerprint(run_simulation(config)) for name, config in configurations().items()}


def main(argv: list[str] | None = None) -> int:
    """Write or check the fingerprints."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path)
    action.add_argument("--check", type=Path)
    args = parser.parse_args(argv)
    now = fingerprints()
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
