"""The interactive dashboard: a Solara page on the ecosystem model, one model per browser session.

Start it with ``ecosim-dashboard`` (or ``solara run simulator/dashboard/app.py``) and open the
printed address. Each browser session (each student) gets its own :class:`~simulator.dashboard.session.Session`:

- the sidebar picks a teaching scenario of ``configs/scenario/`` (its question and what to watch
  show at once, its lesson once the run is over), sets the main parameters with sliders that
  show their value and unit, and sets up a what-if run B that changes one lever; nothing
  changes until **Apply**, which builds the new ecosystem(s) from step 0 (a refused
  combination shows why and keeps the last valid ecosystem);
- Step, Play and Reset advance both runs together, with the same seed;
- the page draws the alliance network (by group above a few hundred SMBs) and Vega-Lite charts
  with the metric registry's labels and units, shocks shaded, run B dashed, strategy groups
  coloured alike everywhere; buttons trigger a shock at the next step.

Built on Solara directly rather than Mesa's ``SolaraViz``: ``SolaraViz`` keeps one model and
rebuilds it from its sliders on Reset, while a class needs a pair of runs (A/B) and settings
that apply only on request.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

import solara
import solara.lab

from simulator.dashboard.charts import metric_chart, strategy_chart
from simulator.dashboard.controls import LEVER, LEVERS, overrides_for, values_of
from simulator.dashboard.network import network_spec
from simulator.dashboard.scenarios import scenario_config, scenarios
from simulator.dashboard.session import (
    BASELINE,
    SHOCK_BUTTONS,
    SHOCK_PRESETS,
    STRATEGY_PRESETS,
    WHAT_IF,
    WHAT_IF_LEVERS,
    Session,
    Settings,
    shock_periods,
)
from simulator.dashboard.widget import VegaChart, split
from simulator.errors import one_line
from simulator.observe.metrics import METRICS, timeseries_by_strategy
from simulator.observe.registry import STEP, STRATEGY_STEP, Level

PLAY_SPEEDS = {"1 step/s": 1.0, "3 steps/s": 1 / 3, "5 steps/s": 0.2, "as fast as it draws": 0.0}
"""Play speeds: seconds between steps."""
NO_WHAT_IF = "no what-if (run A only)"
PLATFORM_VIEWS = {
    "sales shares": ("share", "platforms' sales shares", "share of SMB sales through platforms"),
    "fees": ("fee", "platforms' fees", "commission share of sales"),
    "members": ("members", "platforms' members", "SMBs"),
}
"""The platform chart's views: column family member, title, value axis."""


def VegaLite(spec: dict[str, Any]):
    """A Vega-Lite chart drawn in the browser; a change of data alone updates it in place."""
    structure, data = split(spec)
    return VegaChart.element(spec_json=structure, data_json=data)


def run_labels(session: Session) -> dict[str, str]:
    """Run name -> legend label (``A: local bakery``, ``B: platform fee = 0.3``)."""
    labels = {BASELINE: f"{BASELINE}: {session.settings.scenario.replace('_', ' ')}"}
    if WHAT_IF in session.models:
        labels[WHAT_IF] = session.settings.what_if_label()
    return labels


@solara.component
def Page():
    """The dashboard; Solara renders it once per browser session, so each session has its own models."""
    session = solara.use_memo(Session, [])
    lock = solara.use_memo(threading.Lock, [])
    tick = solara.use_reactive(0)  # bumped after every change of the models: re-renders what shows them
    playing = solara.use_reactive(False)
    speed = solara.use_reactive("3 steps/s")

    def advance() -> None:
        with lock:
            session.step()
        tick.value += 1

    def play() -> None:
        while playing.value and not session.finished:
            started = time.perf_counter()
            advance()
            time.sleep(max(0.0, PLAY_SPEEDS[speed.value] - (time.perf_counter() - started)))
        playing.value = False

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def apply(settings: Settings) -> None:
        playing.value = False
        with lock:
            session.apply(settings)
        tick.value += 1

    def reset() -> None:
        playing.value = False
        with lock:
            session.reset()
        tick.value += 1

    solara.Title("SMB ecosystem")
    with solara.Sidebar():
        SettingsPanel(session, apply, session.steps > 0, session.settings, session.error)
    with solara.Column(style={"padding": "8px"}):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button("Step", on_click=advance, color="primary", disabled=playing.value or session.finished)
            solara.Button(
                "Pause" if playing.value else "Play",
                on_click=lambda: playing.set(not playing.value),
                color="primary",
                disabled=session.finished and not playing.value,
            )
            solara.Button("Reset", on_click=reset, outlined=True)
            solara.Select("Play speed", values=list(PLAY_SPEEDS), value=speed, style={"max-width": "180px"})
            solara.Markdown(f"**Step: {session.steps}** of {session.config.steps} (months)")
        if session.error:
            solara.Error(session.error)
        TeachingCard(session.settings.scenario, session.finished, session.config.steps)
        with solara.Columns([3, 2]):
            with solara.Card("Alliance network"):
                NetworkView(session, tick.value)
            with solara.Column():
                EcosystemCard(session, tick.value, lock)
        Charts(session, tick.value)


@solara.component
def TeachingCard(name: str, finished: bool, steps: int):
    """The applied scenario's question and what to watch; its lesson once the run is over."""
    scenario = scenarios()[name]
    with solara.Card(f"Scenario: {scenario.title}"):
        if scenario.description:
            solara.Markdown(scenario.description)
        if scenario.question:
            solara.Markdown(f"**Question:** {scenario.question}")
        if scenario.watch:
            solara.Markdown(f"**Watch:** {scenario.watch}")
        if scenario.lesson:
            if finished:
                solara.Success(f"Lesson: {scenario.lesson}")
            else:
                solara.Markdown(f"*The lesson shows when the run reaches month {steps}.*")


@solara.component
def NetworkView(session: Session, tick: int):
    """The network of run A (or B), redrawn only when its step changes."""
    shown, set_shown = solara.use_state(BASELINE)
    run = shown if shown in session.models else BASELINE
    model = session.models[run]
    labels = run_labels(session)
    spec = solara.use_memo(lambda: network_spec(model, f"{labels[run]}: "), [id(model), model.steps])
    if len(session.models) > 1:
        solara.ToggleButtonsSingle(value=run, values=list(session.models), on_value=set_shown)
    alive = int(model.smbs.alive.sum())
    solara.Markdown(f"Step {model.steps}: {model.ledger.active_ids.size} active alliances, {alive} SMBs alive")
    VegaLite(spec)


@solara.component
def EcosystemCard(session: Session, tick: int, lock: threading.Lock):
    """Counts of firms, the platforms' fees, and buttons that trigger a shock at the next step."""
    message, set_message = solara.use_state("")
    model = session.baseline
    with solara.Card("Ecosystem (run A)"):
        alive = int(model.smbs.alive.sum())
        fees = ", ".join(f"{f:.2f}" for f in model.platforms.fee) or "no platforms"
        solara.Markdown(
            f"**SMBs:** {model.config.n_smbs} at the start, {model.smbs.n} so far, {alive} alive  \n"
            f"**Partners:** {int(model.partners.alive.sum())} of {model.partners.n} active  \n"
            f"**Platform fees:** {fees}  \n"
            f"**Seed:** {model.config.seed} (run B uses the same)"
        )
        solara.Markdown("**Trigger a shock at the next step** (in every run):")
        for label in SHOCK_BUTTONS:
            if model.platforms.n == 0 and "platform" in label:
                continue

            def trigger(label: str = label) -> None:
                try:
                    with lock:
                        session.trigger_shock(label)
                    set_message(f"Scheduled for step {session.steps + 1}: {label}.")
                except Exception as err:
                    set_message(f"Not scheduled: {one_line(err)}")

            solara.Button(label, on_click=trigger, outlined=True, small=True)
        if message:
            solara.Info(message)
        periods = shock_periods(model)
        if periods:
            listed = "; ".join(f"{kind.replace('_', ' ')}, steps {a} to {b}" for a, b, kind in periods)
            solara.Markdown(f"**Shocks scheduled** (shaded in the charts): {listed}")


@solara.component
def Charts(session: Session, tick: int):
    """Revenue, SMBs alive, a metric to pick, one by strategy group, and the platforms' shares."""
    population, set_population = solara.use_state("mean_largest_channel_share")
    by_group, set_by_group = solara.use_state("total_revenue")
    platform_view, set_platform_view = solara.use_state(next(iter(PLATFORM_VIEWS)))
    labels = run_labels(session)
    steps = session.config.steps
    shocks = shock_periods(session.baseline)
    series = {labels[r]: m.datacollector.get_model_vars_dataframe() for r, m in session.models.items()}
    groups = {labels[r]: timeseries_by_strategy(m) for r, m in session.models.items()}
    n_platforms = session.baseline.platforms.n
    with solara.Columns([1, 1]):
        with solara.Card():
            VegaLite(metric_chart(series, ["total_revenue"], steps, shocks))
        with solara.Card():
            VegaLite(metric_chart(series, ["smbs_alive"], steps, shocks))
    with solara.Columns([1, 1]):
        with solara.Card():
            MetricSelect("By strategy group", _reported(STRATEGY_STEP, session), by_group, set_by_group)
            VegaLite(strategy_chart(groups, by_group, steps, shocks))
        with solara.Card():
            MetricSelect("Whole ecosystem", _reported(STEP, session), population, set_population)
            VegaLite(metric_chart(series, [population], steps, shocks))
    if n_platforms:
        with solara.Card():
            solara.ToggleButtonsSingle(value=platform_view, values=list(PLATFORM_VIEWS), on_value=set_platform_view)
            member, title, axis = PLATFORM_VIEWS[platform_view]
            columns = [f"platform_{i}_{member}" for i in range(n_platforms)]
            VegaLite(metric_chart(series, columns, steps, shocks, title, axis))


def _reported(level: Level, session: Session) -> list[str]:
    """The metrics of ``level`` that the session's runs report (e.g. the strategy-adaptation
    metrics only where strategies evolve), ``step`` and ``strategy`` left out."""
    return [c for c in METRICS.columns(level, 0, session.config) if c not in ("step", "strategy")]


def MetricSelect(label: str, columns: list[str], column: str, on_column) -> None:
    """A picker of metrics by their registry label."""
    labels = {METRICS.label(c): c for c in columns}
    solara.Select(label, values=list(labels), value=METRICS.label(column), on_value=lambda x: on_column(labels[x]))


@solara.component
def SettingsPanel(session: Session, on_apply, started: bool, applied: Settings, error: str | None):
    """Scenario picker, sliders and the what-if; nothing changes until Apply.

    Re-rendered only when the applied settings, the refusal or whether the run has started
    change (not at every step).
    """
    scenario, set_scenario = solara.use_state(applied.scenario)
    base = solara.use_memo(lambda: _scenario_base(scenario), [scenario])
    values, set_values = solara.use_state(values_of(session.config))
    lever, set_lever = solara.use_state(applied.lever or NO_WHAT_IF)
    value, set_value = solara.use_state(applied.value)

    def pick_lever(name: str) -> None:
        set_lever(name)
        set_value("")

    def pick(name: str) -> None:
        set_scenario(name)
        base = _scenario_base(name)
        if not isinstance(base, str):
            set_values(values_of(base))

    if lever in LEVER and not _is_number(value):  # a numeric lever starts at the scenario's value
        value = f"{values[lever]:g}"
    settings = None  # nothing to apply: the preset does not load, or the what-if lacks its preset
    if not isinstance(base, str) and not (lever in ("strategy", "shock") and not value):
        what_if = ("", "") if lever == NO_WHAT_IF else (lever, value)
        settings = Settings(scenario, overrides_for(values, base), *what_if)
    pending = settings is not None and settings != applied

    with solara.Card("Scenario"):
        solara.Select("Teaching scenario", values=list(scenarios()), value=scenario, on_value=pick)
        chosen = scenarios()[scenario]
        solara.Markdown(f"**{chosen.title}.** {chosen.question or chosen.description}")
        if isinstance(base, str):
            solara.Error(f"This preset does not load: {base}")
    with solara.Card("Parameters"):
        solara.Markdown("*Changes take effect when you press Apply: it builds a new ecosystem from step 0.*")
        for item in LEVERS:
            if isinstance(base, str):
                break
            current = values[item.key]

            def change(v: float, key: str = item.key) -> None:
                set_values({**values, key: v})

            if item.key == "seed":
                solara.InputInt("Seed (runs A and B share it)", value=int(current), on_value=change)
                continue
            solara.Markdown(f"**{item.label}:** {item.text(current)}", style={"margin-bottom": "-12px"})
            low, high = item.bounds
            slider = solara.SliderInt if item.integer else solara.SliderFloat
            slider("", value=current, min=low, max=high, step=item.step, on_value=change, thumb_label=False)
            solara.Text(item.doc, style={"font-size": "0.75em", "color": "#666"})
    with solara.Card("What if? (run B, same seed)"):
        solara.Select("Change one lever", values=[NO_WHAT_IF, *WHAT_IF_LEVERS], value=lever, on_value=pick_lever)
        if lever in ("strategy", "shock"):
            options = list(STRATEGY_PRESETS if lever == "strategy" else SHOCK_PRESETS)
            solara.Select(WHAT_IF_LEVERS[lever], values=options, value=value if value in options else None,
                          on_value=set_value)  # fmt: skip
        elif lever in LEVER:
            item = LEVER[lever]
            number = float(value)
            solara.Markdown(f"**Run B {item.label.lower()}:** {item.text(number)}", style={"margin-bottom": "-12px"})
            low, high = item.bounds
            solara.SliderFloat("", value=number, min=low, max=high, step=item.step, thumb_label=False,
                               on_value=lambda v: set_value(f"{v:g}"))  # fmt: skip
    with solara.Card():
        if pending:
            solara.Warning("Settings changed: Apply starts again at step 0." if started else "Settings changed.")
        solara.Button("Apply", on_click=lambda: on_apply(settings), color="primary", disabled=not pending, block=True)


def _scenario_base(name: str) -> Any:
    """A scenario's configuration, or the one-line reason it does not load."""
    try:
        return scenario_config(name)
    except Exception as err:
        return one_line(err)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def main() -> None:
    """``ecosim-dashboard [solara run options]``: serve this page with Solara."""
    from solara.__main__ import main as solara_main

    sys.argv = ["solara", "run", str(Path(__file__).resolve()), *sys.argv[1:]]
    solara_main()
