"""Time this checkout's model against another version of the code, side by side in one process.

On a shared, noisy machine two separate timings of two versions differ by more than the change
being measured. This script imports the other version under another package name
(``simulator_other``, from a copy in a temporary directory), builds both default models at each
N (partners and platforms in proportion, as ``benchmark.py`` scales them) and steps them in turn,
one step of each, alternating which goes first, so that both meet the same load. It prints the
seconds each spent and their ratio::

    git worktree add /tmp/main main          # or any checkout of the other version
    python benchmarks/compare_code.py --other /tmp/main --sizes 10000 100000
    python benchmarks/compare_code.py --other /tmp/main --set smb.entry_rate=0   # this side's config

Each side runs its own defaults (``--set`` changes this checkout's side only). Model construction
is not timed.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from simulator import EcosystemModel, ModelConfig  # noqa: E402
from simulator.config import set_parameter  # noqa: E402

OTHER = "simulator_other"


def import_other(root: Path) -> Any:
    """Import ``root/simulator`` as the package ``simulator_other`` (a renamed copy)."""
    target = Path(tempfile.mkdtemp(prefix="ecosim-other-"))
    shutil.copytree(root / "simulator", target / OTHER, ignore=shutil.ignore_patterns("__pycache__"))
    for path in (target / OTHER).rglob("*.py"):
        path.write_text(re.sub(r"\bsimulator\b", OTHER, path.read_text()))
    sys.path.insert(0, str(target))
    return importlib.import_module(OTHER)


def scaled(config: Any, n: int, steps: int, seed: int) -> Any:
    """A default configuration with N SMBs and partners in the same proportion."""
    ratio = config.n_partners / config.n_smbs
    return replace(config, n_smbs=n, n_partners=max(4, round(n * ratio)), steps=steps, seed=seed)


def compare(
    other: Any, n: int, steps: int, seed: int, settings: list[str], every_mechanism: bool = False
) -> dict[str, float]:
    """Step both models ``steps`` times, alternating; return each side's seconds and the ratio.

    With ``every_mechanism``, both sides run the benchmark's every-mechanism configuration
    (:func:`benchmark.every_mechanism`, without its twin), the other side's built from the same
    values (keys its schema does not know are dropped).
    """
    if every_mechanism:
        from benchmarks.benchmark import every_mechanism as full

        config = replace(full(n, steps, seed), twin=False)
        known = {f.name for f in fields(other.ModelConfig)}
        other_config = other.from_dict({k: v for k, v in asdict(config).items() if k in known})
    else:
        config = scaled(ModelConfig(), n, steps, seed)
        other_config = scaled(other.ModelConfig(), n, steps, seed)
    for setting in settings:
        key, value = setting.split("=", 1)
        config = set_parameter(config, key.split("."), float(value))
    models = {
        "other": other.EcosystemModel(other_config),
        "this": EcosystemModel(config),
    }
    spent = dict.fromkeys(models, 0.0)
    gc.collect()
    for step in range(steps):
        order = ["other", "this"] if step % 2 == 0 else ["this", "other"]
        for side in order:
            start = time.perf_counter()
            models[side].step()
            spent[side] += time.perf_counter() - start
    return {
        "n": n,
        "steps": steps,
        "other_s": spent["other"],
        "this_s": spent["this"],
        "ratio": spent["this"] / spent["other"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, required=True, help="root of the other checkout (holds simulator/)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], help="key=number for this checkout's side")
    parser.add_argument(
        "--every-mechanism", action="store_true", help="both sides run the benchmark's every-mechanism configuration"
    )
    args = parser.parse_args(argv)
    other = import_other(args.other)
    for n in args.sizes:
        result = compare(other, n, args.steps, args.seed, args.set, args.every_mechanism)
        print(
            f"N={n:>7,}  other {result['other_s']:7.2f} s  this {result['this_s']:7.2f} s  "
            f"this/other {result['ratio']:.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
