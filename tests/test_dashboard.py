"""The browser dashboard, driven in a real headless Chromium through Playwright."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from simulator.config import ModelConfig
from simulator.dashboard.app import DASHBOARD_SHOCKS, MODEL_PARAMS, DashboardModel, labelled, network_figure
from simulator.dashboard.server import CHROMIUM_ARGS, DashboardServer, chromium_path

CACHE = Path.home() / ".cache" / "ecosim" / "solara-cdn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dashboard_model_builds_from_slider_values() -> None:
    """Slider values become the model's configuration; shares are normalized."""
    model = DashboardModel(
        n_smbs=120,
        platform_fee=0.2,
        share_platform_first=2,
        share_diversification=2,
        share_multi_homing=0,
        share_go_it_alone=0,
    )
    assert model.config.n_smbs == 120 and model.platforms.fee.tolist() == [0.2, 0.2]
    assert sorted(s.name for s in model.strategies) == ["diversification", "platform_first"]
    assert model.config_error is None and model.steps == 1


def test_refused_slider_combination_gives_a_message_not_a_crash() -> None:
    """All shares at zero keeps a valid default ecosystem and explains why."""
    model = DashboardModel(share_platform_first=0, share_diversification=0, share_multi_homing=0, share_go_it_alone=0)
    assert model.config_error and "strategy.shares" in model.config_error
    assert model.config.n_smbs == ModelConfig().n_smbs


def test_sliders_start_at_the_model_defaults_within_the_declared_ranges() -> None:
    """Each parameter slider starts at ModelConfig's default and stays inside the declared range."""
    default = ModelConfig()
    expected = {
        "n_smbs": default.n_smbs,
        "n_partners": default.n_partners,
        "n_platforms": default.n_platforms,
        "platform_fee": default.platform.fee,
        "network_effect": default.platform.network_effect,
        "base_hazard": default.alliance.base_hazard,
        "seed": default.seed,
    }
    for name, value in expected.items():
        assert MODEL_PARAMS[name]["value"] == value, name
    assert (MODEL_PARAMS["platform_fee"]["min"], MODEL_PARAMS["platform_fee"]["max"]) == (0.0, 1.0)
    for name in ("n_smbs", "n_partners", "network_effect", "base_hazard"):
        spec = MODEL_PARAMS[name]
        assert spec["min"] <= spec["value"] <= spec["max"] and spec["min"] >= 0, name
        assert (spec["value"] - spec["min"]) / spec["step"] == pytest.approx(
            round((spec["value"] - spec["min"]) / spec["step"])
        )


def test_plot_legends_use_the_metric_labels() -> None:
    """The live plots name series by label and unit, not by column name."""
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    ax.plot([1, 2], [3, 4], label="total_revenue")
    ax.plot([1, 2], [0.9, 0.8], label="survival_rate")
    labelled(ax)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["total SMB revenue (thousand currency units per month)", "survival rate"]


def test_shock_buttons_schedule_shocks_for_the_next_step() -> None:
    """Each shock button schedules its shock at the next step, and it shows in the log."""
    model = DashboardModel(n_smbs=60, n_partners=10)
    for label in DASHBOARD_SHOCKS:
        model.trigger_shock(label)
    model.step()
    logged = model.events.to_frame().query("event == 'shock'")
    assert len(logged) == len(DASHBOARD_SHOCKS)
    assert network_figure(model).axes  # the network draws after shocks too


def test_network_draws_entrants() -> None:
    """SMBs entering while the dashboard runs get a place in the network figure."""
    model = DashboardModel(n_smbs=60, n_partners=10)
    before = len(model.layout)
    while model.smbs.n == 60:
        model.step()
    figure = network_figure(model)
    assert figure.axes
    assert len(model.layout) == before + model.smbs.n - 60


@pytest.fixture(scope="module")
def browser_page():
    """A page of the running dashboard in headless Chromium (skips without a browser)."""
    pytest.importorskip("playwright", reason="playwright is not installed (dev extra)")
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium: install Debian's chromium package (.ci/run does)")
    if shutil.which("npm") is None:
        pytest.skip("npm is needed to fetch the dashboard's browser assets without a CDN")
    from playwright.sync_api import sync_playwright

    from simulator.dashboard.assets import prefetch

    prefetch(CACHE, port=free_port())
    with DashboardServer(port=free_port(), cache_dir=CACHE) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(server.url, timeout=90_000)
        page.get_by_text("Trigger a shock").first.wait_for(timeout=120_000)
        yield page
        browser.close()


@pytest.mark.slow
def test_page_renders_network_plots_and_controls(browser_page) -> None:
    """The page shows the network, the ecosystem card, the plots and Mesa's controls."""
    page = browser_page
    assert page.locator("img").count() >= 5  # network + plots
    for label in ("Reset", "Step"):
        assert page.get_by_role("button", name=label, exact=True).is_visible()
    assert page.get_by_text(f"SMBs: {ModelConfig().n_smbs}").first.is_visible()


@pytest.mark.slow
def test_step_button_advances_the_model(browser_page) -> None:
    """Clicking Step advances the model by one step."""
    page = browser_page
    before = int(page.get_by_text("Step:").first.inner_text().split(":")[1])
    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_text(f"Step: {before + 1}").first.wait_for(timeout=30_000)


@pytest.mark.slow
def test_slider_changes_a_parameter(browser_page) -> None:
    """Moving the SMBs slider and resetting builds an ecosystem of that size."""
    page = browser_page
    sliders = page.get_by_role("slider")
    smbs = sliders.nth(2)  # after Mesa's play and render interval sliders
    smbs.focus()
    smbs.press("ArrowRight")
    smbs.press("ArrowRight")
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text(f"SMBs: {ModelConfig().n_smbs + 20}").first.wait_for(timeout=30_000)


@pytest.mark.slow
def test_invalid_sliders_show_a_readable_message(browser_page) -> None:
    """All strategy shares at zero shows a message, not a traceback."""
    page = browser_page
    sliders = page.get_by_role("slider")
    for i in range(8, 12):  # the four strategy shares
        sliders.nth(i).focus()
        sliders.nth(i).press("Home")
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text("Not a valid ecosystem").first.wait_for(timeout=30_000)
    assert page.get_by_text("Traceback").count() == 0


@pytest.mark.slow
def test_shock_button_triggers_a_shock(browser_page) -> None:
    """A shock button schedules a shock that the next step applies and lists."""
    page = browser_page
    page.get_by_role("button", name="Demand drop (30%, 12 steps)").click()
    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_text("Shocks so far").first.wait_for(timeout=30_000)
