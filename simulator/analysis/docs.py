"""Write the generated tables of README.md and docs/ODD.md from the code that defines them.

``ecosim-docs`` (or ``python -m simulator.analysis.docs``) rewrites every marked region::

    <!-- BEGIN GENERATED: name -->
    ...
    <!-- END GENERATED: name -->

with the table called ``name`` in :data:`REGIONS`, built from the parameter schema
(:mod:`simulator.config.schema`: default, range and meaning of every field), the strategy
registry (each strategy's ``Params``), the shock registry (each kind's docstring and targets),
the mechanism list (:data:`simulator.analysis.mechanisms.MECHANISMS`) and the metric registry
(:data:`simulator.observe.metrics.METRICS`). Text outside the regions is left as it is. The
output depends only on those definitions (registries are listed in a fixed order), so running
it twice changes nothing; ``--check`` only reports whether the files are up to date (exit status
1 if not), as the tests do.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from simulator.analysis.mechanisms import MECHANISMS
from simulator.config import FocalAllianceConfig, ModelConfig, ShockConfig
from simulator.config.parameters import Parameter, parameter, parameters
from simulator.observe.focal import OUTCOMES
from simulator.observe.metrics import METRICS
from simulator.observe.registry import STEP, STRATEGY_STEP, STRATEGY_SUMMARY, SUMMARY, Level
from simulator.shocks import SHOCKS
from simulator.strategies import STRATEGIES

DOCUMENTS: tuple[str, ...] = ("README.md", "docs/ODD.md")
"""The files with generated regions, relative to the repository root."""

COMMAND = "python -m simulator.analysis.docs"
"""How to regenerate them (also the console script ``ecosim-docs``)."""

REGION = re.compile(
    r"(?P<begin><!-- BEGIN GENERATED: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(?P<end><!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)


# ---------------------------------------------------------------------- formatting
def cell(text: str) -> str:
    """Table-cell text: one line, pipes escaped, reStructuredText literals as Markdown code."""
    return " ".join(str(text).replace("``", "`").replace("|", "\\|").split())


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """A Markdown table."""
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def default_text(value: Any) -> str:
    """A default value as the docs write it: ``42``, ``0.15``, ``true``, `` `fixed` ``, `` `[]` ``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}"
    if isinstance(value, str):
        return f"`{value}`" if value else '`""`'
    return "`" + yaml.safe_dump(value, default_flow_style=True).strip() + "`"


def _quoted_as_code(text: str) -> str:
    return re.sub(r"'([^']*)'", r"`\1`", text)


# ---------------------------------------------------------------------- parameters
def parameter_table(params: Iterable[Parameter]) -> str:
    """Key, default, type, allowed values and meaning of each parameter."""
    return table(
        ("Key", "Default", "Type", "Allowed", "Meaning"),
        ((f"`{p.key}`", default_text(p.default), p.type_name, p.range_text(), p.doc) for p in params),
    )


def model_parameters() -> str:
    """Every parameter of :class:`ModelConfig` (docs/ODD.md 8.1)."""
    return parameter_table(parameters(ModelConfig))


def shock_parameters() -> str:
    """The keys of one scheduled shock (docs/ODD.md 8.4); ``kind`` lists the registered kinds."""
    kinds = " / ".join(f"`{kind}`" for kind in sorted(SHOCKS))
    params = [replace(p, allowed=kinds) if p.key.endswith(".kind") else p for p in parameters(ShockConfig, "shocks[i]")]
    return parameter_table(params)


def focal_alliance_parameters() -> str:
    """The keys of one current alliance of the focal firm (docs/ODD.md 7.26)."""
    return parameter_table(parameters(FocalAllianceConfig, "focal.alliances[i]"))


def strategy_parameters() -> str:
    """One heading and parameter table per registered strategy (docs/ODD.md 8.2)."""
    parts = []
    for name in sorted(STRATEGIES):
        cls = STRATEGIES[name]
        params = parameters(cls.Params, "strategy")
        parts.append(f"#### `{name}` ({cls.__bases__[0].__name__}): {cls.summary}")
        parts.append(parameter_table(params) if params else "No parameters.")
    return "\n\n".join(parts)


def strategy_list() -> str:
    """Name and idea of each strategy, the default marked (README.md)."""
    default = ModelConfig().strategy["name"]
    return table(
        ("name", "idea"),
        ((f"`{n}`" + (" (default)" if n == default else ""), STRATEGIES[n].summary) for n in sorted(STRATEGIES)),
    )


def shock_kinds() -> str:
    """Each registered shock kind: what it does (its docstring) and what it may target."""
    rows = []
    for kind in sorted(SHOCKS):
        cls = SHOCKS[kind]
        doc = (inspect.getdoc(cls) or "").split("\n\n")[0]
        rows.append((f"`{kind}`", doc, _quoted_as_code(cls.targets)))
    return table(("kind", "what happens", "`target`"), rows)


# ---------------------------------------------------------------------- mechanisms
def mechanism_table() -> str:
    """Each mechanism of :data:`simulator.analysis.mechanisms.MECHANISMS`: its switch with the
    default, the evidence that it acted, and whether the default run shows it or which preset does."""
    rows = []
    for m in MECHANISMS:
        where = "yes" if m.at_defaults else f"no: {m.why_off} Turned on by `{' '.join(m.preset)}`."
        switch = ", ".join(f"`{key}` = {default_text(parameter(key).default)}" for key in m.switch)
        rows.append((m.name, m.what, switch, m.evidence, where))
    return table(
        ("mechanism", "what it does", "switch (default)", "evidence in a run", "acts in the default run"), rows
    )


# ---------------------------------------------------------------------- metrics
def metric_meanings(level: Level) -> str:
    """Column (or key), unit and one-line meaning of each metric of a level (README.md)."""
    name = "column" if level.per_step else "key"
    return table(
        (name, "unit", "meaning"),
        ((f"`{m.name}`", m.unit, m.meaning(level)) for m in METRICS.at(level, every=True)),
    )


def metric_definitions(level: Level) -> str:
    """Column (or key), unit and definition with formula of each metric of a level (docs/ODD.md)."""
    name = "column" if level.per_step else "key"
    return table(
        (name, "unit", "definition"),
        ((f"`{m.name}`", m.unit, m.definition(level)) for m in METRICS.at(level, every=True)),
    )


def metric_parts(name: str, formulas: bool) -> str:
    """The keys of a mapping-valued summary metric (``resilience``, ``network_robustness``)."""
    parts = METRICS[name].parts
    if formulas:
        return table(("key", "unit", "definition"), ((f"`{p.name}`", p.unit, p.formula or p.doc) for p in parts))
    return table(("key", "unit", "meaning"), ((f"`{name}.{p.name}`", p.unit, p.doc) for p in parts))


def focal_outcomes() -> str:
    """The outcomes a plan judges a focal firm on, their meaning and which way is better."""
    return table(
        ("outcome", "better", "meaning"),
        ((f"`{name}`", "more" if o.better > 0 else "less", o.meaning) for name, o in OUTCOMES.items()),
    )


REGIONS: dict[str, Callable[[], str]] = {
    "strategies": strategy_list,
    "shock-kinds": shock_kinds,
    "mechanisms": mechanism_table,
    "parameters-model": model_parameters,
    "parameters-strategies": strategy_parameters,
    "parameters-shocks": shock_parameters,
    "parameters-focal-alliances": focal_alliance_parameters,
    "focal-outcomes": focal_outcomes,
    "metrics-timeseries": lambda: metric_meanings(STEP),
    "metrics-timeseries-by-strategy": lambda: metric_meanings(STRATEGY_STEP),
    "metrics-summary": lambda: metric_meanings(SUMMARY),
    "metrics-summary-by-strategy": lambda: metric_meanings(STRATEGY_SUMMARY),
    "metrics-resilience": lambda: metric_parts("resilience", formulas=False),
    "metrics-robustness": lambda: metric_parts("network_robustness", formulas=False),
    "definitions-timeseries": lambda: metric_definitions(STEP),
    "definitions-timeseries-by-strategy": lambda: metric_definitions(STRATEGY_STEP),
    "definitions-summary": lambda: metric_definitions(SUMMARY),
    "definitions-summary-by-strategy": lambda: metric_definitions(STRATEGY_SUMMARY),
    "definitions-resilience": lambda: metric_parts("resilience", formulas=True),
    "definitions-robustness": lambda: metric_parts("network_robustness", formulas=True),
}
"""The generated regions by name."""


# ---------------------------------------------------------------------- files
def render(text: str, source: str = "text") -> str:
    """``text`` with every generated region rewritten.

    Raises
    ------
    ValueError
        If a region names no generator, or a BEGIN marker has no matching END.
    """
    begins = re.findall(r"<!-- BEGIN GENERATED: ([\w-]+) -->", text)
    ends = re.findall(r"<!-- END GENERATED: ([\w-]+) -->", text)
    if begins != ends:
        raise ValueError(f"{source}: unbalanced generated regions (begin {begins}, end {ends})")
    unknown = sorted(set(begins) - set(REGIONS))
    if unknown:
        raise ValueError(f"{source}: no generator for region(s) {', '.join(unknown)}; known: {', '.join(REGIONS)}")

    def fill(match: re.Match[str]) -> str:
        return f"{match['begin']}{REGIONS[match['name']]()}\n{match['end']}"

    return REGION.sub(fill, text)


def stale(root: Path) -> list[Path]:
    """The documents under ``root`` whose generated regions differ from what :func:`render` writes."""
    return [root / doc for doc in DOCUMENTS if render((root / doc).read_text(), doc) != (root / doc).read_text()]


def write(root: Path) -> list[Path]:
    """Rewrite the generated regions of the documents under ``root``; return those that changed."""
    changed = []
    for doc in DOCUMENTS:
        path = root / doc
        old = path.read_text()
        new = render(old, doc)
        if new != old:
            path.write_text(new)
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    """``ecosim-docs [--check] [--root DIR]``."""
    parser = argparse.ArgumentParser(
        prog="ecosim-docs", description="Rewrite the generated tables of README.md and docs/ODD.md."
    )
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root (default: here)")
    parser.add_argument("--check", action="store_true", help="only report whether the docs are up to date")
    args = parser.parse_args(argv)
    missing = [doc for doc in DOCUMENTS if not (args.root / doc).is_file()]
    if missing:
        found = ", ".join(missing)
        print(
            f"ecosim-docs: error: {found} not found under {args.root}; run it from the repository root", file=sys.stderr
        )
        return 2
    try:
        if args.check:
            outdated = stale(args.root)
            for path in outdated:
                print(f"{path} is out of date; regenerate with `{COMMAND}`")
            if not outdated:
                print("docs up to date")
            return 1 if outdated else 0
        changed = write(args.root)
    except ValueError as err:
        print(f"ecosim-docs: error: {err}", file=sys.stderr)
        return 2
    print(f"rewrote {', '.join(map(str, changed))}" if changed else "docs already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
