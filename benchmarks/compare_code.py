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
    python benchmarks/compare_code.py --other /tmp/main --sizes 100000 --warmup 20 --by-rule

Each side runs its own defaults (``--set`` changes this checkout's side only). Model construction
and the ``--warmup`` steps are not timed. ``--by-rule`` also times each rule the step calls (the
functions ``simulator.model`` imports from ``simulator.rules`` and the per-step metrics) on both
sides: under load the whole step's ratio moves by several per cent between repetitions, while a
change to one rule shows in that rule's ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import inspect
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, fields, is_dataclass, replace
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


@contextlib.contextmanager
def timed_rules(package: str) -> Iterator[dict[str, float]]:
    """Time the rules ``<package>.model`` calls while the context is open: yields a mapping
    (rule name -> seconds) that each call adds to. The rules are the functions the model module
    imports from ``<package>.rules`` and the per-step metrics of ``<package>.observe.metrics``;
    they are restored on exit."""
    module = importlib.import_module(f"{package}.model")
    spent: dict[str, float] = {}
    sources = (f"{package}.rules.", f"{package}.observe.metrics")
    originals = {
        name: function
        for name, function in vars(module).items()
        if inspect.isfunction(function) and function.__module__.startswith(sources)
    }

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    for name, function in originals.items():
        setattr(module, name, timed(name, function))
    try:
        yield spent
    finally:
        for name, function in originals.items():
            setattr(module, name, function)


def _known_keys(values: Any, default: Any) -> Any:
    """``values`` (a configuration as plain data) without the settings the other version's default
    configuration object ``default`` lacks, at every level (settings added since, such as a new
    platform key, are dropped; mappings that are data, such as strategy shares, are kept whole)."""
    if isinstance(values, dict) and is_dataclass(default):
        known = {f.name for f in fields(default)}
        return {k: _known_keys(v, getattr(default, k)) for k, v in values.items() if k in known}
    if isinstance(values, list) and isinstance(default, list | tuple) and default and is_dataclass(default[0]):
        return [_known_keys(v, default[0]) for v in values]
    return values


def compare(
    other: Any,
    n: int,
    steps: int,
    seed: int,
    settings: list[str],
    every_mechanism: bool = False,
    warmup: int = 0,
    rules: dict[str, dict[str, float]] | None = None,
) -> dict[str, Any]:
    """Step both models ``steps`` times, alternating; return each side's seconds and the ratio.

    With ``every_mechanism``, both sides run the benchmark's every-mechanism configuration
    (:func:`benchmark.every_mechanism`, without its twin), the other side's built from the same
    values (keys its schema does not know are dropped). Each model first steps ``warmup`` times
    untimed. ``rules`` (side -> the mapping :func:`timed_rules` fills) adds each rule's seconds
    over the timed steps to the result (``rules``: rule -> (other's, this side's seconds)).
    """
    if every_mechanism:
        from benchmarks.benchmark import every_mechanism as full

        config = replace(full(n, steps + warmup, seed), twin=False)
        other_config = other.from_dict(_known_keys(asdict(config), other.ModelConfig()))
    else:
        config = scaled(ModelConfig(), n, steps + warmup, seed)
        other_config = scaled(other.ModelConfig(), n, steps + warmup, seed)
    for setting in settings:
        key, value = setting.split("=", 1)
        config = set_parameter(config, key.split("."), float(value))
    models = {
        "other": other.EcosystemModel(other_config),
        "this": EcosystemModel(config),
    }
    for _ in range(warmup):
        for model in models.values():
            model.step()
    for spent_by_rule in (rules or {}).values():
        spent_by_rule.clear()
    spent = dict.fromkeys(models, 0.0)
    gc.collect()
    for step in range(steps):
        order = ["other", "this"] if step % 2 == 0 else ["this", "other"]
        for side in order:
            start = time.perf_counter()
            models[side].step()
            spent[side] += time.perf_counter() - start
    result: dict[str, Any] = {
        "n": n,
        "steps": steps,
        "other_s": spent["other"],
        "this_s": spent["this"],
        "ratio": spent["this"] / spent["other"],
    }
    if rules is not None:
        names = [name for name in rules["this"] if name in rules["other"]]
        result["rules"] = {name: (rules["other"][name], rules["this"][name]) for name in names}
    return result


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
    parser.add_argument("--warmup", type=int, default=0, help="untimed steps of each model before the timed ones")
    parser.add_argument("--by-rule", action="store_true", help="also time each rule of the step on both sides")
    args = parser.parse_args(argv)
    other = import_other(args.other)
    with contextlib.ExitStack() as stack:
        rules = None
        if args.by_rule:
            rules = {
                "this": stack.enter_context(timed_rules("simulator")),
                "other": stack.enter_context(timed_rules(OTHER)),
            }
        _report(other, args, rules)


def _report(other: Any, args: argparse.Namespace, rules: dict[str, dict[str, float]] | None) -> None:
    """Compare at each size and print the step's and (with ``rules``) each rule's times."""
    for n in args.sizes:
        result = compare(other, n, args.steps, args.seed, args.set, args.every_mechanism, args.warmup, rules)
        print(
            f"N={n:>7,}  other {result['other_s']:7.2f} s  this {result['this_s']:7.2f} s  "
            f"this/other {result['ratio']:.3f}",
            flush=True,
        )
        for name, (other_s, this_s) in result.get("rules", {}).items():
            if other_s > 0:
                print(
                    f"    {name:<22} other {other_s / args.steps * 1e3:8.1f} ms/step  "
                    f"this {this_s / args.steps * 1e3:8.1f} ms/step  this/other {this_s / other_s:.3f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
