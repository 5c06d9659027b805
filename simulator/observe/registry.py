"""The metric registry: each output metric defined once, with its meaning, unit and formula.

A :class:`Metric` is a column of ``timeseries.parquet`` or ``timeseries_by_strategy.parquet``, a
key of ``summary.json`` or of its ``by_strategy`` entries, or several of these (its
:class:`Level` s). It carries what it means (``doc``, one sentence, and ``formula``, its
definition as docs/ODD.md states it), a human ``label`` and ``unit`` (for reports, figure axes
and the dashboard's legends) and the function computing it over a :class:`Scope` (every SMB, or
one strategy group). Everything else is generated from the registry: the DataCollector's
columns, the rows of both time series, the keys and values of ``summary.json``, the labels
(:meth:`MetricRegistry.label`) and the metric tables of README.md and docs/ODD.md
(``python -m simulator.analysis.docs``).

Order. Each level lists the :class:`Section` s in its own order (:data:`LAYOUT`); inside a
section, metrics keep the order in which they were registered. A metric added to a section
therefore comes last in that section in every output it appears in, and the columns and keys
already there keep their places.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.core.vocabulary import ALLIANCE_FORMS, ALLIANCE_TYPES
from simulator.rules.adaptation import SWITCH_REASONS

if TYPE_CHECKING:
    from simulator.config import ModelConfig
    from simulator.model import EcosystemModel


class Level(Enum):
    """Where a metric is reported."""

    STEP = "timeseries.parquet"
    """One value per step for the whole population."""
    STRATEGY_STEP = "timeseries_by_strategy.parquet"
    """One value per step and strategy group."""
    SUMMARY = "summary.json"
    """One value at the end of the run for the whole population."""
    STRATEGY_SUMMARY = "summary.json by_strategy"
    """One value at the end of the run per strategy group."""

    @property
    def per_step(self) -> bool:
        """Whether the level is a time series (else a summary at the end of the run)."""
        return self in (Level.STEP, Level.STRATEGY_STEP)

    @property
    def per_group(self) -> bool:
        """Whether the level is computed for each strategy group (else for all SMBs)."""
        return self in (Level.STRATEGY_STEP, Level.STRATEGY_SUMMARY)


STEP, STRATEGY_STEP, SUMMARY, STRATEGY_SUMMARY = Level


class Section(Enum):
    """A block of related metrics; the value is its heading in the docs."""

    INDEX = "Index"
    RUN = "Run and population"
    SURVIVAL = "Survival"
    REVENUE = "Revenue"
    GROWTH = "Growth"
    CASH = "Cash"
    LOCK_IN = "Lock-in and independence"
    SUPPLY = "Supply chain"
    PLATFORMS = "Platforms"
    PAYMENTS = "Payments"
    MIX = "Alliance mix"
    HOLDINGS = "Alliances held"
    LIFECYCLE = "Alliance lifecycle"
    DURATION = "Alliance durations"
    NETWORK = "Alliance network"
    RELATIONS = "Alliance terms and trust"
    LEARNING = "Learning"
    CAPABILITY = "Capabilities"
    SHOCKS = "Shocks and resilience"
    GROUPS = "Strategy groups"
    EACH_PLATFORM = "Each platform"
    ADAPTATION = "Strategy adaptation"


_S = Section
LAYOUT: dict[Level, tuple[Section, ...]] = {
    STEP: (
        *(_S.INDEX, _S.SURVIVAL, _S.REVENUE, _S.GROWTH, _S.CASH, _S.LOCK_IN, _S.SUPPLY, _S.PLATFORMS),
        *(_S.PAYMENTS, _S.HOLDINGS, _S.LIFECYCLE, _S.DURATION, _S.NETWORK, _S.RELATIONS, _S.SHOCKS),
        *(_S.CAPABILITY, _S.MIX, _S.EACH_PLATFORM, _S.ADAPTATION),
    ),
    STRATEGY_STEP: (
        *(_S.INDEX, _S.RUN, _S.SURVIVAL, _S.REVENUE, _S.GROWTH, _S.CASH, _S.LOCK_IN, _S.CAPABILITY),
        *(_S.HOLDINGS, _S.LIFECYCLE, _S.ADAPTATION),
    ),
    SUMMARY: (
        *(_S.RUN, _S.SURVIVAL, _S.GROWTH, _S.REVENUE, _S.LOCK_IN, _S.PLATFORMS, _S.MIX, _S.LIFECYCLE),
        *(_S.HOLDINGS, _S.DURATION, _S.NETWORK, _S.PAYMENTS, _S.GROUPS, _S.SHOCKS, _S.ADAPTATION),
    ),
    STRATEGY_SUMMARY: (
        *(_S.RUN, _S.SURVIVAL, _S.GROWTH, _S.REVENUE, _S.CASH, _S.LOCK_IN, _S.CAPABILITY, _S.HOLDINGS),
        *(_S.LIFECYCLE, _S.DURATION, _S.RELATIONS, _S.LEARNING),
    ),
}
"""The order of the sections in each output (a section missing from a level's layout cannot
hold a metric of that level)."""

FAMILIES: dict[str, Callable[[int, int], tuple[str, ...]]] = {
    "type": lambda n_platforms, n_sectors: ALLIANCE_TYPES,
    "form": lambda n_platforms, n_sectors: ALLIANCE_FORMS,
    "i": lambda n_platforms, n_sectors: tuple(str(p) for p in range(n_platforms)),
    "reason": lambda n_platforms, n_sectors: SWITCH_REASONS,
    "k": lambda n_platforms, n_sectors: tuple(str(k) for k in range(n_sectors)),
}
"""Families of columns: a metric whose name holds ``<type>``, ``<form>``, ``<i>``, ``<reason>`` or
``<k>`` is one column per alliance type, per alliance form, per platform (0-based index), per
reason of a strategy switch or per sector (0-based index); a family's members follow from the
run's numbers of platforms and sectors."""


@dataclass(frozen=True)
class Part:
    """One key of a metric whose value is a mapping (e.g. ``resilience.depth``): its label and
    unit (for reports), its meaning (README.md) and its definition (docs/ODD.md; ``doc`` when
    empty)."""

    name: str
    label: str
    unit: str
    doc: str
    formula: str = ""


Compute = Callable[["Scope"], Any]


@dataclass(frozen=True)
class Metric:
    """One output metric, defined once.

    Parameters
    ----------
    name
        Column or key; a family's name holds its placeholder (``alliances_<type>``).
    label, unit
        Human label and unit, e.g. ``"total SMB revenue"`` and ``"thousand currency units per
        month"`` (unit "" for plain numbers and shares).
    section
        The block it belongs to; it sets the metric's place in each output (:data:`LAYOUT`).
    levels
        Where it is reported.
    doc
        What it means, one sentence (README.md). For a metric with a per-step value, the
        meaning of that value.
    formula
        Its definition with the formula (docs/ODD.md); ``doc`` when empty.
    step
        Its value at the current step over a scope; needed for the per-step levels. A family's
        function returns one value per member of the family.
    end
        Its value at the end of the run over a scope; when None, the per-step value at the end
        (the last step's value).
    end_doc, end_formula
        Meaning and definition of the end value, for metrics that have both a per-step and an
        end value and whose end value is more than "the last step's value".
    parts
        The keys of a mapping-valued metric, each with its own label, unit and doc.
    when
        The runs that report it, as a test of their configuration (e.g. only runs where
        strategies evolve); every run when None. A run it does not apply to writes what it
        would write without the metric.
    """

    name: str
    label: str
    unit: str
    section: Section
    levels: frozenset[Level]
    doc: str
    formula: str = ""
    step: Compute | None = None
    end: Compute | None = None
    end_doc: str = ""
    end_formula: str = ""
    parts: tuple[Part, ...] = ()
    when: Callable[[ModelConfig], bool] | None = None

    def applies(self, config: ModelConfig | None = None) -> bool:
        """Whether a run with ``config`` (None: the default configuration) reports the metric."""
        if self.when is None:
            return True
        if config is None:
            from simulator.config import ModelConfig

            config = ModelConfig()
        return bool(self.when(config))

    @property
    def family(self) -> str | None:
        """The placeholder of a family of columns (``type``, ``form``, ``i``), or None."""
        return next((key for key in FAMILIES if f"<{key}>" in self.name), None)

    def meaning(self, level: Level) -> str:
        """The one-sentence meaning at a level (for README.md)."""
        if level.per_step or self.step is None:
            return self.doc
        return self.end_doc or f"At the end of the run: {_lower_first(self.doc)}"

    def definition(self, level: Level) -> str:
        """The definition with its formula at a level (for docs/ODD.md)."""
        if level.per_step or self.step is None:
            return self.formula or self.doc
        return self.end_formula or "its last-step value"

    def value(self, level: Level, scope: Scope) -> Any:
        """Compute the metric at a level over a scope."""
        compute = self.step if level.per_step or self.end is None else self.end
        if compute is None:
            raise ValueError(f"metric {self.name!r} has no function for {level.name}")
        return compute(scope)


HELD_HISTORY: frozenset[str] = frozenset({"smb", "kind", "formed_step", "ended_step", "end_reason_code"})
"""Ledger columns a :class:`Scope` keeps once read, for itself and its strategy groups: the
narrow ones that select a scope's alliances and give their durations, which many metrics read.
Keeping every column the summary reads (eight more, float64 or text, one metric each) held
156 MB at once at 200,000 SMBs × 120 steps (1.87 million alliances), about 0.8 GB at 1,000,000."""


class Scope:
    """What a metric is computed over: every SMB of the model, or one strategy group, now.

    Parameters
    ----------
    model
        The model, read only.
    strategy_id
        Index of the strategy group in ``model.strategies``; None for every SMB.
    twin
        The no-shock twin's ``(timeseries, timeseries_by_strategy)`` frames and its per-SMB
        :class:`~simulator.observe.firm_history.FirmHistory`, if it was run.
    """

    def __init__(
        self,
        model: EcosystemModel,
        strategy_id: int | None = None,
        twin: tuple[Any, ...] | None = None,
        model_memo: dict[Callable[..., Any], Any] | None = None,
    ):
        self.model = model
        self.strategy_id = strategy_id
        self.twin = twin
        self._memo: dict[Callable[..., Any], Any] = {}
        # what depends on the model alone is shared with the scope's strategy groups
        self._model_memo: dict[Callable[..., Any], Any] = {} if model_memo is None else model_memo

    @property
    def is_population(self) -> bool:
        """Whether the scope is every SMB (not one strategy group)."""
        return self.strategy_id is None

    @property
    def name(self) -> str:
        """The strategy's name (of the group, or as configured for the whole run)."""
        if self.strategy_id is None:
            return self.model.strategy_label
        return self.model.strategies[self.strategy_id].name

    def groups(self) -> list[Scope]:
        """One scope per strategy group, in the order of ``model.strategies``."""
        return [Scope(self.model, sid, self.twin, self._model_memo) for sid in range(len(self.model.strategies))]

    @cached_property
    def holds_every_smb(self) -> bool:
        """Whether the scope holds every SMB: the population, or the only strategy group of a
        model with one strategy (whose SMBs then need no splitting off)."""
        return self.strategy_id is None or len(self.model.strategies) == 1

    @cached_property
    def members(self) -> np.ndarray:
        """Boolean mask over SMBs: those in the scope, failed or not."""
        smbs = self.model.smbs
        if self.holds_every_smb:
            return np.ones(smbs.n, dtype=bool)
        return smbs.strategy_id == self.strategy_id

    @cached_property
    def size(self) -> int:
        """SMBs in the scope at the start (the strategy groups share one count of every group)."""
        if self.strategy_id is None:
            return self.model.smbs.n
        return int(self.once(_smbs_by_strategy)[self.strategy_id])

    @cached_property
    def alive(self) -> np.ndarray:
        """Boolean mask over SMBs: those in the scope still alive."""
        return self.model.smbs.alive & self.members

    @cached_property
    def alive_index(self) -> np.ndarray:
        """Indices of the scope's alive SMBs, ascending: ``values[alive_index]`` selects the same
        elements in the same order as ``values[alive]`` but reads only the scope's SMBs (the
        strategy groups share one pass that sorts the alive SMBs by group)."""
        return self.smbs_where(_alive_smbs)

    def smbs_where(self, select: Callable[[EcosystemModel], np.ndarray]) -> np.ndarray:
        """The scope's part of ``select(model)`` (ascending SMB indices), computed once per step
        for the scope and its strategy groups; a group's part is split off in one shared pass."""
        chosen = self.once(select)
        if self.holds_every_smb:
            return chosen
        return chosen[self._positions(select)]

    def _positions(self, select: Callable[[EcosystemModel], np.ndarray]) -> np.ndarray:
        """Where the group's SMBs are in ``select(model)``, ascending (all groups split in one pass)."""
        splits = self._model_memo.setdefault(_split_by_strategy, {})
        if select not in splits:
            chosen = self.once(select)
            strategy = self.model.smbs.strategy_id[chosen]
            splits[select] = _split_by_strategy(self.model, np.arange(len(chosen)), strategy)
        return splits[select][self.strategy_id]

    def alive_values(self, compute: Callable[[Scope], np.ndarray]) -> np.ndarray:
        """The scope's part of ``compute`` over every alive SMB (one value per SMB, in
        ``alive_index`` order), computed once for the scope and its strategy groups. For values
        computed SMB by SMB (each element's bits do not depend on the others), a group's part is
        what ``compute`` over the group alone gives."""
        computed = self._model_memo.setdefault(Scope.alive_values, {})
        if compute not in computed:
            population = self if self.strategy_id is None else Scope(self.model, None, self.twin, self._model_memo)
            computed[compute] = compute(population)
        if self.holds_every_smb:
            return computed[compute]
        return computed[compute][self._positions(_alive_smbs)]

    def counted(self, counts_by_strategy: np.ndarray) -> int:
        """The scope's count from per-strategy-group counts (their total for every SMB)."""
        if self.strategy_id is None:
            return int(counts_by_strategy.sum())
        return int(counts_by_strategy[self.strategy_id])

    @cached_property
    def n_alive(self) -> int:
        """SMBs of the scope alive."""
        return len(self.alive_index)

    @cached_property
    def revenue(self) -> np.ndarray:
        """This step's revenue of the scope's alive SMBs."""
        return self.model.smbs.revenue[self.alive_index]

    @cached_property
    def alliances(self) -> np.ndarray:
        """Boolean mask over the ledger's history (alliance ids): every alliance of the scope's SMBs,
        ended or not."""
        if self.holds_every_smb:
            return np.ones(self.model.ledger.n_formed, dtype=bool)
        return self.members[self.history("smb")]

    @cached_property
    def ended(self) -> np.ndarray:
        """Boolean mask over the ledger's history (alliance ids): the scope's alliances ended so far."""
        return self.alliances & (self.history("ended_step") >= 0)

    @cached_property
    def active_alliances(self) -> np.ndarray:
        """Ids of the scope's active alliances."""
        ledger = self.model.ledger
        ids = ledger.active_ids
        if self.holds_every_smb:
            return ids
        return self.once(_active_by_strategy)[self.strategy_id]

    @cached_property
    def n_active_alliances(self) -> int:
        """Number of the scope's active alliances (the strategy groups share one count of every
        group, without splitting the ids)."""
        if self.holds_every_smb:
            return len(self.model.ledger.active_ids)
        return int(self.once(_active_count_by_strategy)[self.strategy_id])

    def events_this_step(self, *events: str) -> int:
        """Events of these kinds this step about the scope's alliances."""
        log = self.model.events
        if self.strategy_id is None:
            return sum(log.step_counts[e] for e in events)
        sid = self.strategy_id
        counts = [log.step_counts_by_strategy.get(e) for e in events]
        return sum(int(c[sid]) for c in counts if c is not None)

    def once_scoped(self, compute: Callable[[Scope], Any]) -> Any:
        """``compute(scope)``, computed once per scope (for functions yielding several metrics)."""
        if compute not in self._memo:
            self._memo[compute] = compute(self)
        return self._memo[compute]

    def history(self, name: str) -> np.ndarray:
        """The ledger's column ``name`` over every alliance formed (:meth:`AllianceLedger.history`).

        The columns of :data:`HELD_HISTORY` are read once for the scope and its strategy groups
        (once ended alliances have moved to disk, each call of the ledger's reads the column
        back from there); the others, each read by one metric, are read again when asked.
        """
        if name not in HELD_HISTORY:
            return self.model.ledger.history(name)
        histories = self._model_memo.setdefault(Scope.history, {})
        if name not in histories:
            histories[name] = self.model.ledger.history(name)
        return histories[name]

    def once(self, compute: Callable[[EcosystemModel], Any]) -> Any:
        """``compute(model)``, computed once for the scope and its strategy groups (for
        functions of the whole model yielding several metrics)."""
        if compute not in self._model_memo:
            self._model_memo[compute] = compute(self.model)
        return self._model_memo[compute]


def _split_by_strategy(model: EcosystemModel, items: np.ndarray, strategy_of_items: np.ndarray) -> list[np.ndarray]:
    """``items`` (ascending) split by strategy group in one pass: a stable sort by group keeps
    each group's items ascending, so each part equals ``items[strategy_of_items == sid]``. The
    group ids are sorted as small integers, for which numpy's stable sort is a linear radix sort
    (the same order, several times faster than on the population's int64 column)."""
    small = np.uint8 if len(model.strategies) <= 256 else np.uint16
    order = np.argsort(strategy_of_items.astype(small), kind="stable")
    counts = np.bincount(strategy_of_items, minlength=len(model.strategies))
    return np.split(items[order], np.cumsum(counts)[:-1])


def _smbs_by_strategy(model: EcosystemModel) -> np.ndarray:
    """SMBs of each strategy group, failed or not."""
    return np.bincount(model.smbs.strategy_id, minlength=len(model.strategies))


def _alive_smbs(model: EcosystemModel) -> np.ndarray:
    """Indices of the alive SMBs."""
    return np.flatnonzero(model.smbs.alive)


def _active_by_strategy(model: EcosystemModel) -> list[np.ndarray]:
    """Ids of the active alliances of each strategy group's SMBs."""
    ids = model.ledger.active_ids
    return _split_by_strategy(model, ids, model.smbs.strategy_id[model.ledger.smb[ids]])


def _active_count_by_strategy(model: EcosystemModel) -> np.ndarray:
    """Active alliances of each strategy group's SMBs."""
    ledger = model.ledger
    return np.bincount(model.smbs.strategy_id[ledger.smb[ledger.active_ids]], minlength=len(model.strategies))


class MetricRegistry:
    """Every metric, by name, in registration order."""

    def __init__(self) -> None:
        self._metrics: dict[str, Metric] = {}
        self._order: dict[Level, list[Metric]] = {}
        # the last layout of each level that values() used, with the configuration it was for
        self._layouts: dict[
            Level, tuple[ModelConfig, tuple[int, int], list[Metric], list[tuple[Metric, str, int | None]]]
        ] = {}

    def add(self, *metrics: Metric) -> None:
        """Register metrics (in order), refusing duplicates and incomplete definitions."""
        for metric in metrics:
            if metric.name in self._metrics:
                raise ValueError(f"metric {metric.name!r} is registered twice")
            if not metric.levels:
                raise ValueError(f"metric {metric.name!r} has no level")
            for level in metric.levels:
                if metric.section not in LAYOUT[level]:
                    raise ValueError(
                        f"metric {metric.name!r}: section {metric.section.name} is not in the layout of {level.name}"
                    )
            if any(level.per_step for level in metric.levels) and metric.step is None:
                raise ValueError(f"metric {metric.name!r} is reported per step but has no step function")
            if metric.step is None and metric.end is None:
                raise ValueError(f"metric {metric.name!r} has no function")
            self._metrics[metric.name] = metric
        self._order.clear()
        self._layouts.clear()

    def __iter__(self) -> Iterator[Metric]:
        return iter(self._metrics.values())

    def __len__(self) -> int:
        return len(self._metrics)

    def __getitem__(self, name: str) -> Metric:
        return self._metrics[name]

    def __contains__(self, name: object) -> bool:
        return name in self._metrics

    def at(self, level: Level, config: ModelConfig | None = None, *, every: bool = False) -> list[Metric]:
        """The metrics of a level, in output order: those a run with ``config`` reports (None:
        the default configuration), or ``every`` metric (for documentation)."""
        if level not in self._order:
            rank = {section: i for i, section in enumerate(LAYOUT[level])}
            chosen = [m for m in self._metrics.values() if level in m.levels]
            self._order[level] = sorted(chosen, key=lambda m: rank[m.section])  # stable: registration order
        return [m for m in self._order[level] if every or m.applies(config)]

    def columns(self, level: Level, n_platforms: int = 0, config: ModelConfig | None = None) -> list[str]:
        """The columns (or keys) of a level in output order, families expanded.

        Consecutive metrics of one family are interleaved member by member
        (``platform_0_share, platform_0_members, platform_1_share, ...``). Only the metrics a run
        with ``config`` reports (None: the default configuration), with one column per sector
        of its market.
        """
        n_sectors = config.market.n_sectors if config is not None else 0
        return [column for _, column, _ in self._expanded(self.at(level, config), n_platforms, n_sectors)]

    def values(self, level: Level, scope: Scope) -> dict[str, Any]:
        """Compute every metric of a level over a scope: the row (or mapping) of that output."""
        return self.rows(level, [scope])[0]

    def rows(self, level: Level, scopes: Sequence[Scope]) -> list[dict[str, Any]]:
        """:meth:`values` over each of ``scopes`` (scopes of one model, such as its strategy
        groups), computed metric by metric across the scopes: a metric reads the same per-SMB
        columns for every group, which then stay in the processor's cache (group by group, each
        group read every column anew from memory)."""
        if not scopes:
            return []
        model = scopes[0].model
        metrics, columns = self._layout(level, model.config, model.platforms.n)
        computed: list[dict[str, Any]] = [{} for _ in scopes]
        for metric in metrics:
            for values, scope in zip(computed, scopes, strict=True):
                values[metric.name] = metric.value(level, scope)
        rows = []
        for values in computed:
            row: dict[str, Any] = {}
            for metric, column, position in columns:
                value = values[metric.name]
                row[column] = value if position is None else value[position]
            rows.append(row)
        return rows

    def _layout(
        self, level: Level, config: ModelConfig, n_platforms: int
    ) -> tuple[list[Metric], list[tuple[Metric, str, int | None]]]:
        """The metrics a run with ``config`` reports at a level and their expanded columns, kept
        while the configuration object and the numbers of platforms and sectors stay those of the
        last call (a run asks for the same layout every step, once per strategy group, and never
        changes its configuration)."""
        kept = self._layouts.get(level)
        sizes = (n_platforms, config.market.n_sectors)
        if kept is None or kept[0] is not config or kept[1] != sizes:
            metrics = self.at(level, config)
            columns = list(self._expanded(metrics, *sizes))
            kept = self._layouts[level] = (config, sizes, metrics, columns)
        return kept[2], kept[3]

    def label(self, column: str) -> str:
        """Human label with unit of a column or (dotted) summary key, for axes, legends and reports.

        Knows family members (``platform_0_share``), parts (``resilience.depth``) and keys of
        the flattened ``by_strategy`` entries (``by_strategy.phased.survival_rate``); any other
        name is returned as it is.
        """
        head, _, rest = column.partition(".")
        if head == "by_strategy" and rest.count(".") >= 1:
            group, _, key = rest.rpartition(".")
            inner = self.label(key)
            return f"{inner}, {group}" if inner != key else column
        metric, member = self._find(head)
        if metric is None:
            return column
        label, unit = metric.label, metric.unit
        if member is not None:
            label = label.replace(f"<{metric.family}>", member.replace("_", " "))
        if rest:
            part = next((p for p in metric.parts if p.name == rest), None)
            if part is None:
                return column
            label, unit = part.label, part.unit
        return f"{label} ({unit})" if unit else label

    def metric_of(self, column: str) -> Metric | None:
        """The metric a column belongs to (``platform_0_share`` -> ``platform_<i>_share``), or None."""
        return self._find(column)[0]

    def _find(self, column: str) -> tuple[Metric | None, str | None]:
        if column in self._metrics:
            return self._metrics[column], None
        for metric in self._metrics.values():
            family = metric.family
            if family is None:
                continue
            before, _, after = metric.name.partition(f"<{family}>")
            if column.startswith(before) and column.endswith(after) and len(column) > len(before) + len(after):
                return metric, column[len(before) : len(column) - len(after)]
        return None, None

    @staticmethod
    def _expanded(
        metrics: Sequence[Metric], n_platforms: int, n_sectors: int = 0
    ) -> Iterator[tuple[Metric, str, int | None]]:
        """(metric, column, position in the family's values or None), interleaving runs of one family."""
        i = 0
        while i < len(metrics):
            family = metrics[i].family
            if family is None:
                yield metrics[i], metrics[i].name, None
                i += 1
                continue
            run = [metrics[i]]
            while i + len(run) < len(metrics) and metrics[i + len(run)].family == family:
                run.append(metrics[i + len(run)])
            for position, key in enumerate(FAMILIES[family](n_platforms, n_sectors)):
                for metric in run:
                    yield metric, metric.name.replace(f"<{family}>", key), position
            i += len(run)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
