"""The browser dashboard: its parts in-process, and the page driven in a real headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import time
from pathlib import Path

import numpy as np
import pytest

from simulator.dashboard.charts import RUN_DASH, STEP_AXIS, STRATEGY_COLOURS, metric_chart, strategy_chart
from simulator.dashboard.controls import LEVER, LEVERS, overrides_for, values_of
from simulator.dashboard.network import AGGREGATE_ABOVE, network_spec
from simulator.dashboard.scenarios import README, parse_header, readme_with_table, scenario_config, scenarios
from simulator.dashboard.session import BASELINE, SHOCK_BUTTONS, WHAT_IF, Session, Settings, shock_periods
from simulator.observe.metrics import METRICS, timeseries_by_strategy

CACHE = Path.home() / ".cache" / "ecosim" / "solara-cdn"
TIMINGS = os.environ.get("ECOSIM_DASHBOARD_TIMINGS")
"""If set, the browser test writes its measured timings (JSON) to this path."""


# ---------------------------------------------------------------------------------------- scenarios
def test_scenario_header_fields_continue_over_lines_and_the_title_is_one_line() -> None:
    text = (
        "# @package _global_\n# Title: Two shops\n# A story\n# over two lines.\n"
        "# Question: does it pay?\n# Watch: revenue.\n# Lesson: it does,\n#   mostly.\nscenario: x\n# Lesson: ignored\n"
    )
    s = parse_header("x", text)
    assert (s.title, s.description, s.question, s.watch, s.lesson) == (
        "Two shops",
        "A story over two lines.",
        "does it pay?",
        "revenue.",
        "it does, mostly.",
    )
    assert not parse_header("y", "# just a comment\nscenario: y\n").teaching


def test_every_teaching_scenario_states_question_watch_and_lesson_and_composes() -> None:
    """Each preset but the calibration output teaches something, and each loads as the CLI loads it."""
    found = scenarios()
    assert next(iter(found)) == "default"
    assert {name for name, s in found.items() if not s.teaching} == {"calibrated"}
    for name, s in found.items():
        if s.teaching:
            assert s.question and s.watch and s.lesson and s.title != name.replace("_", " "), name
        config = scenario_config(name)
        assert config.scenario == name


def test_readme_scenario_table_is_generated_from_the_yaml_headers() -> None:
    """Run ``python -m simulator.dashboard.scenarios`` after editing a scenario's header."""
    text = README.read_text()
    assert readme_with_table(text) == text, "README scenario table is stale: python -m simulator.dashboard.scenarios"


def test_a_preset_that_does_not_load_gives_one_line() -> None:
    from simulator.dashboard.app import _scenario_base

    message = _scenario_base("no_such_scenario")
    assert isinstance(message, str) and "no_such_scenario" in message and "\n" not in message


def test_the_lesson_shows_only_once_the_run_is_over() -> None:
    import ipyvuetify as v
    import solara

    from simulator.dashboard.app import TeachingCard

    lesson = scenarios()["local_bakery"].lesson

    def shown(finished: bool) -> str:
        _, rc = solara.render(TeachingCard("local_bakery", finished, 60), handle_error=False)
        return " ".join(str(w.template) for w in rc.find(v.VuetifyTemplate).widgets) + str(rc.find(v.Alert).widgets)

    assert lesson not in shown(False) and "month 60" in shown(False)
    assert lesson in shown(True)


# ---------------------------------------------------------------------------------------- session
def test_what_if_run_shares_the_seed_and_differs_only_by_its_lever() -> None:
    session = Session(Settings("default", ("n_smbs=60", "n_partners=10", "seed=5"), "platform.fee", "0.3"))
    a, b = session.models[BASELINE], session.models[WHAT_IF]
    assert a.config.seed == b.config.seed == 5
    assert (a.config.platform.fee, b.config.platform.fee) == (0.15, 0.3)
    assert a.config.n_smbs == b.config.n_smbs == 60
    session.step(3)
    assert a.steps == b.steps == 3
    assert session.settings.what_if_label() == "B: platform fee = 0.3"


def test_what_if_with_the_baseline_value_reproduces_run_a() -> None:
    """Same seed, same lever value: the two runs are identical (the comparison isolates the lever)."""
    session = Session(Settings("default", ("n_smbs=60", "n_partners=10"), "platform.fee", "0.15"))
    session.step(5)
    a, b = (m.datacollector.get_model_vars_dataframe() for m in session.models.values())
    assert a.equals(b)


def test_steps_stop_at_the_run_length() -> None:
    session = Session(Settings("local_bakery", ("steps=12",)))
    session.step(20)
    assert session.steps == 12 and session.finished


def test_refused_settings_keep_the_last_ecosystem_and_name_the_key() -> None:
    session = Session(Settings("default", ("n_smbs=60", "n_partners=10")))
    session.step(2)
    kept = session.baseline
    assert not session.apply(Settings("platform_lockin_fee_hike", ("n_platforms=0",)))
    assert "platform.per_platform" in session.error and "last valid ecosystem" in session.error
    assert session.baseline is kept and session.steps == 2
    assert session.apply(Settings("local_bakery")) and session.error is None and session.steps == 0


def test_shock_buttons_hit_every_run_at_the_next_step() -> None:
    session = Session(Settings("default", ("n_smbs=60", "n_partners=10"), "shock", "none"))
    session.step(2)
    for label in SHOCK_BUTTONS:
        session.trigger_shock(label)
    session.step()
    for model in session.models.values():
        assert [start for start, _, _ in shock_periods(model)] == [3] * len(SHOCK_BUTTONS)
        assert model.last_metrics["shocks_active"] == len(SHOCK_BUTTONS)


# ---------------------------------------------------------------------------------------- controls
def test_sliders_cover_every_scenario_value_and_show_units() -> None:
    """Each slider's range holds every scenario's value; the value text carries the unit."""
    for name in scenarios():
        for key, value in values_of(scenario_config(name)).items():
            low, high = LEVER[key].bounds
            assert low <= value <= high, (name, key, value)
            on_grid = (value - low) / LEVER[key].step
            assert on_grid == pytest.approx(round(on_grid)), (name, key, value)  # the slider can show it
    assert LEVER["n_smbs"].text(300) == "300 SMBs"
    assert LEVER["platform.fee"].text(0.15) == "0.15 (share of sales through the platform)"
    assert all(lever.doc for lever in LEVERS)


def test_only_changed_sliders_become_overrides() -> None:
    config = scenario_config("default")
    values = {**values_of(config), "platform.fee": 0.2, "n_smbs": 500}
    assert overrides_for(values, config) == ("n_smbs=500", "platform.fee=0.2")
    assert scenario_config("default", overrides_for(values, config)).platform.fee == 0.2


# ---------------------------------------------------------------------------------------- charts
def test_charts_label_axes_from_the_registry_shade_shocks_and_match_the_step_counter() -> None:
    session = Session(Settings("platform_lockin_fee_hike", ("n_smbs=60", "n_partners=10", "steps=72")))
    session.step(4)
    runs = {"A: x": session.baseline.datacollector.get_model_vars_dataframe()}
    spec = metric_chart(runs, ["total_revenue"], 72, shock_periods(session.baseline))
    line = spec["layer"][-1]
    assert spec["title"] == METRICS.label("total_revenue")
    assert line["encoding"]["y"]["title"] == METRICS["total_revenue"].unit == "thousand currency units per month"
    assert line["encoding"]["x"]["title"] == STEP_AXIS and line["encoding"]["x"]["scale"]["domain"] == [0, 72]
    assert [r["step"] for r in spec["datasets"]["rows"]] == [0, 1, 2, 3, 4]  # 0: the start, as the counter
    assert spec["datasets"]["shocks"] == [{"start": 59.5, "end": 72.5, "shock": "platform fee hike"}]
    empty = metric_chart({"A: x": runs["A: x"].iloc[:0]}, ["total_revenue"], 72)
    assert "No data yet" in empty["datasets"]["message"][0]["text"]


def test_strategy_groups_have_one_colour_in_every_chart_and_the_network() -> None:
    session = Session(Settings("local_bakery", (), "platform.fee", "0.3"))
    session.step(2)
    groups = {
        label: timeseries_by_strategy(m) for label, m in zip(("A: a", "B: b"), session.models.values(), strict=True)
    }
    chart = strategy_chart(groups, "total_revenue", 60)
    colour = chart["layer"][-1]["encoding"]["color"]["scale"]
    dash = chart["layer"][-1]["encoding"]["strokeDash"]["scale"]
    assert dash["range"] == [RUN_DASH["A"], RUN_DASH["B"]]
    network = network_spec(session.baseline)
    smb_layer = next(layer for layer in network["layer"] if layer["data"]["name"] == "smb_rows")
    node_scale = smb_layer["encoding"]["color"]["scale"]
    for scale in (colour, node_scale):
        assert scale["range"] == [STRATEGY_COLOURS[name] for name in scale["domain"]]


def test_network_aggregates_above_a_few_hundred_smbs_and_keeps_every_alliance() -> None:
    small = Session(Settings("default", ("n_smbs=100", "n_partners=20")))
    small.step()
    assert "smb_rows" in network_spec(small.baseline)["datasets"]
    big = Session(Settings("default", (f"n_smbs={AGGREGATE_ABOVE + 200}", "n_partners=60")))
    big.step(2)
    spec = network_spec(big.baseline)
    nodes, edges = spec["datasets"]["nodes"], spec["datasets"]["edges"]
    strategy_nodes = [n for n in nodes if n["what"] == "SMBs"]
    assert sum(n["firms"] for n in strategy_nodes) == int(big.baseline.smbs.alive.sum())
    assert sum(e["alliances"] for e in edges) == big.baseline.ledger.active_ids.size
    assert len(json.dumps(spec)) < 20_000  # a handful of nodes, not thousands


def test_each_page_render_has_its_own_session() -> None:
    """Solara renders the page once per browser session: two renders step two different models."""
    import ipyvuetify as v
    import solara

    from simulator.dashboard.app import Page

    _, first = solara.render(Page(), handle_error=False)
    _, second = solara.render(Page(), handle_error=False)

    def counter(rc) -> str:
        shown = " ".join(w.template for w in rc.find(v.VuetifyTemplate).widgets if isinstance(w.template, str))
        return shown.split("<strong>Step: ")[1].split("<")[0]

    first.find(v.Btn, children=["Step"]).widget.click()
    first.find(v.Btn, children=["Step"]).widget.click()
    assert (counter(first), counter(second)) == ("2", "0")


# ---------------------------------------------------------------------------------------- browser
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard():
    """The dashboard served on localhost and a headless Chromium (skips, saying why, without one)."""
    pytest.importorskip("playwright", reason="playwright is not installed (dev extra)")
    from simulator.dashboard.server import CHROMIUM_ARGS, DashboardServer, chromium_path

    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium: install Debian's chromium package (.ci/run does)")
    from simulator.dashboard.assets import complete_marker, prefetch

    if shutil.which("npm") is None and not complete_marker(CACHE).exists():
        pytest.skip("npm is needed to fetch the dashboard's browser assets without a CDN (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    prefetch(CACHE, port=free_port())
    with DashboardServer(port=free_port(), cache_dir=CACHE) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield server, browser
        browser.close()


class Student:
    """One browser context (its own cookies: its own Solara session) on the dashboard."""

    def __init__(self, server, browser) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        started = time.perf_counter()
        self.page.goto(server.url, timeout=90_000)
        self.page.locator(".vega-embed svg").nth(2).wait_for(timeout=90_000)
        self.load_seconds = time.perf_counter() - started

    def step_count(self) -> int:
        text = self.page.get_by_text("Step: ").first.inner_text(timeout=90_000)
        return int(text.split(":")[1].split()[0])

    def charts(self) -> list[str]:
        return self.page.eval_on_selector_all(".vega-embed svg", "els => els.map(e => e.innerHTML)")

    def step(self) -> float:
        """Press Step; seconds until the counter and the revenue chart show the new step."""
        before, chart = self.step_count(), self.charts()[1]
        started = time.perf_counter()
        self.page.get_by_role("button", name="Step", exact=True).click()
        self.page.get_by_text(f"Step: {before + 1}").first.wait_for(timeout=30_000)
        self.page.wait_for_function(
            "old => document.querySelectorAll('.vega-embed svg')[1].innerHTML !== old", arg=chart, timeout=30_000
        )
        return time.perf_counter() - started

    def play_rate(self, seconds: float = 4.0) -> float:
        """Steps per second while playing at the fastest speed."""
        self.choose("Play speed", "as fast as it draws")
        start = self.step_count()
        self.page.get_by_role("button", name="Play", exact=True).click()
        began = time.perf_counter()
        self.page.wait_for_timeout(seconds * 1000)
        self.page.get_by_role("button", name="Pause", exact=True).click()
        elapsed = time.perf_counter() - began
        # read the counter once paused: while playing as fast as it draws, a loaded machine (the
        # whole suite on two cores) can keep the page redrawing past any timeout
        self.page.get_by_role("button", name="Play", exact=True).wait_for(timeout=90_000)
        return (self.step_count() - start) / elapsed

    def choose(self, label: str, option: str) -> None:
        self.page.locator(".v-select", has_text=label).first.locator(".v-select__slot").click()
        self.page.locator(".menuable__content__active").get_by_role("option", name=option, exact=True).click()

    def apply(self, refused: bool = False) -> None:
        """Press Apply; wait until the settings are applied (the button disables) unless they are refused."""
        from playwright.sync_api import expect

        button = self.page.get_by_role("button", name="Apply", exact=True)
        button.click()
        if not refused:
            expect(button).to_be_disabled(timeout=90_000)  # generous: CI machines may be loaded


@pytest.mark.slow
def test_two_students_step_their_own_ecosystems(dashboard) -> None:
    """Two browser sessions: stepping one leaves the other at its own step; charts update on Step."""
    server, browser = dashboard
    first, second = Student(server, browser), Student(server, browser)
    assert "A: default" in first.charts()[1]  # the start (step 0) is drawn
    first.step()
    first.step()
    assert (first.step_count(), second.step_count()) == (2, 0)
    second.step()
    assert (first.step_count(), second.step_count()) == (2, 1)
    assert not first.errors and not second.errors, first.errors + second.errors
    first.context.close()
    second.context.close()


@pytest.mark.slow
def test_scenarios_what_if_sliders_and_refusals_in_the_browser(dashboard) -> None:
    """Each preset loads with its question; an A/B run draws two curves; sliders show values;
    a refused combination shows its reason and keeps the ecosystem; timings are measured."""
    from playwright.sync_api import expect

    server, browser = dashboard
    student = Student(server, browser)
    page = student.page
    timings: dict[str, float] = {"page_load_s": student.load_seconds}

    for name, scenario in reversed(list(scenarios().items())):  # ends on default
        student.choose("Teaching scenario", name)
        student.apply()
        page.get_by_text(f"Scenario: {scenario.title}", exact=True).wait_for(timeout=30_000)
        if scenario.question:
            assert page.get_by_text(scenario.question).first.is_visible()
    assert student.step_count() == 0

    # slider value labels, and Apply only when something changed
    assert page.get_by_text("0.15 (share of sales through the platform)").first.is_visible()
    assert page.get_by_role("button", name="Apply", exact=True).is_disabled()
    fee = page.get_by_role("slider").nth(3)
    fee.focus()
    fee.press("ArrowRight")
    page.get_by_text("0.16 (share of sales through the platform)").first.wait_for(timeout=10_000)
    # the label and the button are separate updates from the server: wait for the button too
    # (a loaded machine delivered the label first)
    expect(page.get_by_role("button", name="Apply", exact=True)).to_be_enabled(timeout=30_000)
    fee.press("ArrowLeft")

    # A/B: a what-if run with a higher fee, same seed; the revenue chart has both runs
    student.choose("Change one lever", "platform.fee")
    what_if = page.get_by_role("slider").nth(7)
    what_if.focus()
    for _ in range(10):
        what_if.press("ArrowRight")
    # wait until the server has seen every key press: an Apply sent before the last of them
    # applies an earlier value, and the later ones leave the settings pending again
    page.get_by_text(re.compile(r"Run B platform fee: 0\.25 ")).first.wait_for(timeout=30_000)
    student.apply()
    page.get_by_text("Step: 0").first.wait_for(timeout=30_000)
    student.step()
    page.wait_for_function(
        "() => document.querySelectorAll('.vega-embed svg')[1].textContent.includes('B: platform fee = 0.25')",
        timeout=30_000,
    )
    assert "A: default" in student.charts()[1]

    # a refused combination: the lock-in scenario's two platform settings need two platforms
    student.choose("Change one lever", "no what-if (run A only)")
    student.choose("Teaching scenario", "platform_lockin_fee_hike")
    platforms = page.get_by_role("slider").nth(2)
    platforms.focus()
    platforms.press("Home")
    student.apply(refused=True)
    page.get_by_text("Not applied: platform.per_platform").first.wait_for(timeout=30_000)
    assert page.get_by_text("Traceback").count() == 0
    assert student.step_count() == 1  # the last valid ecosystem stays, at its step

    # timings at the default size, then at 2,000 SMBs
    student.choose("Teaching scenario", "default")
    student.apply()
    page.get_by_text("Step: 0").first.wait_for(timeout=30_000)
    timings["step_to_screen_s_default"] = float(np.median([student.step() for _ in range(5)]))
    timings["play_steps_per_s_default"] = student.play_rate()
    smbs = page.get_by_role("slider").nth(0)
    smbs.focus()
    smbs.press("End")
    page.get_by_text("2000 SMBs").first.wait_for(timeout=10_000)
    student.apply()
    page.get_by_text("Step: 0").first.wait_for(timeout=30_000)
    timings["step_to_screen_s_2000"] = float(np.median([student.step() for _ in range(5)]))
    timings["play_steps_per_s_2000"] = student.play_rate()
    assert "alliance network by group" in student.charts()[0]  # 2,000 SMBs: the aggregate view
    assert not student.errors, student.errors
    print(json.dumps(timings, indent=1))
    if TIMINGS:
        Path(TIMINGS).write_text(json.dumps(timings, indent=1))
    student.context.close()
