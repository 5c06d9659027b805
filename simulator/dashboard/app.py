"""The interactive dashboard: Mesa's SolaraViz on the ecosystem model.

Start it with ``ecosim-dashboard`` (or ``solara run simulator/dashboard/app.py``) and open the printed
address. The sidebar holds Mesa's controls (step, play, reset) and sliders for the main
parameters and the strategy mix; the page draws the alliance network live (SMBs, partners and
platforms in distinct shapes and colours, alliances coloured by type), plots growth, lock-in and
resilience (legends use the metric registry's labels), and has buttons that trigger a shock at
the next step. The sliders start at :class:`~simulator.config.ModelConfig`'s defaults and take
their ranges from the parameters' declared bounds where those make a usable slider. A slider combination the
model refuses (e.g. every strategy share at zero) shows a readable message instead of a
traceback, and the dashboard keeps the last valid ecosystem.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import solara
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from simulator.config import ModelConfig, PlatformConfig, ShockConfig
from simulator.config.parameters import parameter
from simulator.core.roles import ROLES
from simulator.core.vocabulary import ALLIANCE_TYPES, KIND_STYLE, PLATFORM_KIND, TYPE_COLOURS
from simulator.errors import ConfigError
from simulator.model import EcosystemModel
from simulator.observe.metrics import METRICS
from simulator.shocks import SHOCKS

MIX_STRATEGIES = ("platform_first", "diversification", "multi_homing", "go_it_alone")
DASHBOARD_SHOCKS = {
    "demand drop (30%, 12 steps)": {"kind": "demand_shock", "size": 0.3, "duration": 12},
    "largest platform outage (3 steps)": {"kind": "platform_outage", "size": 1.0, "duration": 3, "target": "largest"},
    "fee hike on largest platform (+10 points)": {
        "kind": "platform_fee_hike",
        "size": 0.1,
        "duration": 0,
        "target": "largest",
    },
    "best-connected partner fails": {"kind": "partner_failure", "size": 1.0, "duration": 12, "target": "largest"},
}


DEFAULTS = ModelConfig()
"""The model's defaults, which the sliders start from."""


class DashboardModel(EcosystemModel):
    """The ecosystem model built from flat keyword parameters, as Mesa's sliders set them.

    Strategy shares are normalized to sum to 1. A refused combination keeps a valid default
    ecosystem and records the reason in ``config_error`` for the page to show.
    """

    def __init__(
        self,
        n_smbs: int = DEFAULTS.n_smbs,
        n_partners: int = DEFAULTS.n_partners,
        n_platforms: int = DEFAULTS.n_platforms,
        platform_fee: float = DEFAULTS.platform.fee,
        network_effect: float = DEFAULTS.platform.network_effect,
        base_hazard: float = DEFAULTS.alliance.base_hazard,
        share_platform_first: float = 0.4,
        share_diversification: float = 0.3,
        share_multi_homing: float = 0.2,
        share_go_it_alone: float = 0.1,
        seed: int = DEFAULTS.seed,
    ) -> None:
        shares = np.array([share_platform_first, share_diversification, share_multi_homing, share_go_it_alone])
        self.config_error: str | None = None
        try:
            if shares.sum() <= 0:
                raise ConfigError("strategy.shares", "at least one strategy needs a share above 0")
            config = ModelConfig(
                seed=int(seed),
                n_smbs=int(n_smbs),
                n_partners=int(n_partners),
                n_platforms=int(n_platforms),
                scenario="dashboard",
                platform=PlatformConfig(fee=float(platform_fee), network_effect=float(network_effect)),
                strategy={
                    "name": "mix",
                    "shares": {name: float(s / shares.sum()) for name, s in zip(MIX_STRATEGIES, shares, strict=True)},
                },
            )
            config.alliance.base_hazard = float(base_hazard)
            super().__init__(config)
        except ConfigError as err:
            self.config_error = f"Not a valid ecosystem: {err}. Showing the default one instead."
            super().__init__(replace(ModelConfig(), scenario="dashboard"))
        self.layout = network_layout(self)
        self.step()  # a first step so that every plot has data

    def trigger_shock(self, label: str) -> None:
        """Schedule one of :data:`DASHBOARD_SHOCKS` to hit at the next step."""
        spec = {"target": "all", **DASHBOARD_SHOCKS[label]}
        config = ShockConfig(start=self.steps + 1, share=1.0, **spec)
        shock = SHOCKS[config.kind](config, len(self.shocks.shocks))
        shock.check(self.config)
        self.shocks.shocks.append(shock)


def network_layout(model: EcosystemModel) -> np.ndarray:
    """Fixed node positions: platforms at the centre, partners on an inner ring grouped by
    role, SMBs on an outer ring grouped by sector."""
    smbs, partners, platforms = model.smbs, model.partners, model.platforms
    pos = np.zeros((smbs.n + partners.n + platforms.n, 2))
    order = np.argsort(smbs.sector, kind="stable")
    angle = 2 * np.pi * np.arange(smbs.n) / max(smbs.n, 1)
    pos[order] = np.c_[np.cos(angle), np.sin(angle)]
    order = np.argsort(partners.role, kind="stable")
    angle = 2 * np.pi * np.arange(partners.n) / max(partners.n, 1)
    pos[smbs.n + order] = 0.55 * np.c_[np.cos(angle), np.sin(angle)]
    angle = 2 * np.pi * np.arange(platforms.n) / max(platforms.n, 1)
    pos[smbs.n + partners.n :] = 0.15 * np.c_[np.cos(angle), np.sin(angle)]
    return pos


def network_figure(model: DashboardModel) -> Figure:
    """The alliance network now: SMBs (circles), partners in their role's style (the roles
    table), platforms (stars); alliances coloured by type."""
    smbs, partners, ledger = model.smbs, model.partners, model.ledger
    ids = ledger.active_ids
    other = ledger.counterpart[ids] + np.where(ledger.kind[ids] == PLATFORM_KIND, smbs.n + partners.n, smbs.n)
    if len(model.layout) != smbs.n + partners.n + model.platforms.n:
        model.layout = network_layout(model)  # SMBs entered: place them all again
    pos = model.layout
    fig = Figure(figsize=(6.4, 6.4))
    ax = fig.subplots()
    for code, name in enumerate(ALLIANCE_TYPES):
        rows = ledger.type[ids] == code
        if rows.any():
            segments = np.stack([pos[ledger.smb[ids][rows]], pos[other[rows]]], axis=1)
            ax.add_collection(
                LineCollection(segments, colors=TYPE_COLOURS[name], linewidths=0.6, alpha=0.5, label=name)
            )
    alive = smbs.alive
    marker, colour, _ = KIND_STYLE["smb"]
    ax.scatter(*pos[: smbs.n][alive].T, s=14, c=colour, marker=marker, label="SMB", zorder=3)
    ax.scatter(*pos[: smbs.n][~alive].T, s=10, c="#cccccc", marker="x", label="failed SMB", zorder=3)
    part = pos[smbs.n : smbs.n + partners.n]
    for code, role in enumerate(ROLES):
        shown = partners.alive & (partners.role == code)
        if shown.any():
            ax.scatter(*part[shown].T, s=role.size, c=role.colour, marker=role.marker, label=role.label, zorder=4)
    marker, colour, _ = KIND_STYLE["platform"]
    ax.scatter(*pos[smbs.n + partners.n :].T, s=220, c=colour, marker=marker, label="platform", zorder=5)
    ax.set_xlim(-1.15, 1.15)
    ax.set_ylim(-1.15, 1.15)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"Alliance network, step {model.steps}: {len(ids)} active alliances")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


@solara.component
def NetworkView(model: DashboardModel):
    """Live drawing of the alliance network."""
    update_counter.get()
    solara.FigureMatplotlib(network_figure(model), format="png", dependencies=[model.steps, id(model)])


@solara.component
def ShockPanel(model: DashboardModel):
    """Status line, the refusal message if any, and the shock buttons."""
    update_counter.get()
    with solara.Card("Ecosystem"):
        if model.config_error:
            solara.Error(model.config_error)
        alive = int(model.smbs.alive.sum())
        solara.Markdown(
            f"**SMBs:** {model.config.n_smbs} at the start, {model.smbs.n} so far ({alive} alive) &nbsp; "
            f"**Partners:** {model.partners.n} &nbsp; "
            f"**Platforms:** {model.platforms.n} &nbsp; **Fees:** {', '.join(f'{f:.2f}' for f in model.platforms.fee)}"
        )
        solara.Markdown("**Trigger a shock at the next step:**")
        for label in DASHBOARD_SHOCKS:
            if model.platforms.n == 0 and "platform" in label:
                continue
            solara.Button(label, on_click=lambda label=label: model.trigger_shock(label), outlined=True)
        logged = [e for e in model.events.to_frame().query("event == 'shock'").reason.tolist()][-3:]
        if logged:
            solara.Markdown("**Shocks so far:** " + "; ".join(logged))


def slider(key: str, label: str, step: float, low: float | None = None, high: float | None = None) -> dict:
    """A sidebar slider for a model parameter: its default and declared bounds from the schema.

    Parameters
    ----------
    key
        Dotted key of the parameter in :class:`ModelConfig`.
    label
        The slider's label.
    step
        The slider's step.
    low, high
        Slider ends where the declared range makes no usable slider (no upper bound, or a
        lower bound such as 1 SMB that is off the slider's grid); the declared bounds otherwise.
    """
    declared = parameter(key)
    low = declared.low if low is None else low
    high = declared.high if high is None else high
    if low is None or high is None:
        raise ValueError(f"{key} has no declared bound on one side; give the slider's end")
    kind = "SliderInt" if declared.type_name == "int" else "SliderFloat"
    return {"type": kind, "value": declared.default, "label": label, "min": low, "max": high, "step": step}


MODEL_PARAMS = {
    "n_smbs": slider("n_smbs", "SMBs", 10, low=20, high=1000),
    "n_partners": slider("n_partners", "Partner firms", 2, low=4, high=150),
    "n_platforms": slider("n_platforms", "Platforms", 1, high=4),
    "platform_fee": slider("platform.fee", "Platform fee", 0.01),
    "network_effect": slider("platform.network_effect", "Network effect", 0.1, high=4.0),
    # declared [0, 1]; beyond 0.1 per step alliances last under ten months, so the slider stops there
    "base_hazard": slider("alliance.base_hazard", "Alliance base hazard", 0.001, high=0.1),
    "share_platform_first": {
        "type": "SliderFloat",
        "value": 0.4,
        "label": "Share platform-first",
        "min": 0.0,
        "max": 1.0,
        "step": 0.05,
    },
    "share_diversification": {
        "type": "SliderFloat",
        "value": 0.3,
        "label": "Share diversification",
        "min": 0.0,
        "max": 1.0,
        "step": 0.05,
    },
    "share_multi_homing": {
        "type": "SliderFloat",
        "value": 0.2,
        "label": "Share multi-homing",
        "min": 0.0,
        "max": 1.0,
        "step": 0.05,
    },
    "share_go_it_alone": {
        "type": "SliderFloat",
        "value": 0.1,
        "label": "Share go-it-alone",
        "min": 0.0,
        "max": 1.0,
        "step": 0.05,
    },
    "seed": {"type": "InputText", "value": DEFAULTS.seed, "label": "Seed"},
}
"""Sliders of the sidebar (Mesa's model_params format); strategy shares are normalized."""


def labelled(ax) -> None:
    """Name each plotted series by its metric label and unit (a ``post_process`` for Mesa's plots)."""
    for line in ax.get_lines():
        line.set_label(METRICS.label(line.get_label()))
    ax.legend(loc="best", fontsize=8)


def metric_plot(colours: dict[str, str]):
    """A live plot of ``timeseries.parquet`` columns (column -> colour), legends from the registry."""
    return make_plot_component(colours, post_process=labelled, backend="matplotlib")


def make_page(model: DashboardModel | None = None):
    """Build the SolaraViz page for a model (a default dashboard model when omitted)."""
    model = model or DashboardModel()
    components = [
        (NetworkView, 0),
        (ShockPanel, 0),
        metric_plot({"total_revenue": "#1f77b4"}),
        metric_plot({"survival_rate": "#2ca02c", "mean_direct_share": "#9467bd"}),
        metric_plot({"mean_revenue_hhi": "#d62728", "mean_largest_platform_share": "#ff7f0e"}),
        metric_plot({"platform_hhi": "#8c564b", "mean_fee_share": "#e377c2"}),
        metric_plot({"shocks_active": "#7f7f7f", "failures": "#000000"}),
    ]
    return SolaraViz(model, components=components, model_params=MODEL_PARAMS, name="SMB ecosystem", play_interval=150)


page = make_page()


def main() -> None:
    """``ecosim-dashboard [solara run options]``: serve this page with Solara."""
    from solara.__main__ import main as solara_main

    sys.argv = ["solara", "run", str(Path(__file__).resolve()), *sys.argv[1:]]
    solara_main()
