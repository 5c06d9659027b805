"""The alliance network as a Vega-Lite specification: firm by firm, or by group above a few hundred SMBs.

Up to :data:`AGGREGATE_ABOVE` alive SMBs every firm is a node: SMBs on an outer ring (grouped by
sector) coloured by strategy (:data:`~simulator.dashboard.charts.STRATEGY_COLOURS`), partners on
an inner ring coloured by role, platforms in the centre; alliances are lines coloured by type
(:data:`~simulator.core.vocabulary.TYPE_COLOURS`). Above it, thousands of lines would be a solid
disc, so the view aggregates: strategy groups on the left, partner roles and platforms on the
right, each node sized by its firms and each link as wide as the alliances between them. The
legends sit inside the chart.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

import numpy as np

from simulator.core.roles import ROLES
from simulator.core.vocabulary import ALLIANCE_TYPES, PLATFORM_KIND, TYPE_COLOURS
from simulator.dashboard.charts import STRATEGY_COLOURS, VEGA_LITE
from simulator.model import EcosystemModel

AGGREGATE_ABOVE = 400
"""Alive SMBs above which the network is drawn by group, not firm by firm."""
PLATFORM_COLOUR = "#e41a1c"
SIZE = 310
SUBTITLE = "SMBs (circles) by strategy, partners (squares) by role, platforms (diamonds)"
_LAYOUTS: WeakKeyDictionary[EcosystemModel, np.ndarray] = WeakKeyDictionary()


def layout(model: EcosystemModel) -> np.ndarray:
    """Node positions (SMBs, then partners, then platforms), kept while the firm counts stay.

    Platforms sit in the centre, partners on an inner ring grouped by role, SMBs on an outer
    ring grouped by sector. Entrants make the SMB ring be laid out again.
    """
    smbs, partners, platforms = model.smbs, model.partners, model.platforms
    n = smbs.n + partners.n + platforms.n
    pos = _LAYOUTS.get(model)
    if pos is not None and len(pos) == n:
        return pos
    pos = np.zeros((n, 2))
    order = np.argsort(smbs.sector, kind="stable")
    angle = 2 * np.pi * np.arange(smbs.n) / max(smbs.n, 1)
    pos[order] = np.c_[np.cos(angle), np.sin(angle)]
    order = np.argsort(partners.role, kind="stable")
    angle = 2 * np.pi * np.arange(partners.n) / max(partners.n, 1)
    pos[smbs.n + order] = 0.55 * np.c_[np.cos(angle), np.sin(angle)]
    angle = 2 * np.pi * np.arange(platforms.n) / max(platforms.n, 1)
    pos[smbs.n + partners.n :] = 0.15 * np.c_[np.cos(angle), np.sin(angle)]
    _LAYOUTS[model] = pos
    return pos


def network_spec(model: EcosystemModel, label: str = "") -> dict[str, Any]:
    """The network of ``model`` now: firm by firm up to :data:`AGGREGATE_ABOVE` alive SMBs, else by group."""
    if int(model.smbs.alive.sum()) > AGGREGATE_ABOVE:
        return aggregate_spec(model, label)
    return firms_spec(model, label)


def _counterparts(model: EcosystemModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the active alliances: SMB index, counterpart node index (partners after SMBs, then platforms), type."""
    ledger, smbs, partners = model.ledger, model.smbs, model.partners
    ids = ledger.active_ids
    is_platform = ledger.kind[ids] == PLATFORM_KIND
    node = ledger.counterpart[ids] + np.where(is_platform, smbs.n + partners.n, smbs.n)
    return ledger.smb[ids], node, ledger.type[ids]


def _legend(title: str) -> dict[str, Any]:
    return {"title": title, "orient": "right", "labelLimit": 140}


def _colour(field: str, title: str, domain: list[str], colours: list[str]) -> dict[str, Any]:
    return {
        "field": field,
        "type": "nominal",
        "scale": {"domain": domain, "range": colours},
        "legend": _legend(title),
    }


def _axes() -> dict[str, Any]:
    hidden = {"type": "quantitative", "axis": None, "scale": {"domain": [-1.1, 1.1]}}
    return {"x": {"field": "x", **hidden}, "y": {"field": "y", **hidden}}


def firms_spec(model: EcosystemModel, label: str = "") -> dict[str, Any]:
    """Every alive firm as a node and every active alliance as a line."""
    smbs, partners, platforms = model.smbs, model.partners, model.platforms
    pos = np.round(layout(model), 4)
    smb, node, kind = _counterparts(model)
    types = [name.replace("_", " ") for name in ALLIANCE_TYPES]
    edges = [
        {"x": a[0], "y": a[1], "x2": b[0], "y2": b[1], "type": types[t]}
        for a, b, t in zip(pos[smb].tolist(), pos[node].tolist(), kind.tolist(), strict=True)
    ]
    alive = np.flatnonzero(smbs.alive)
    names = [s.name for s in model.strategies]
    smb_rows = [
        {"x": p[0], "y": p[1], "strategy": names[g]}
        for p, g in zip(pos[alive].tolist(), smbs.strategy_id[alive].tolist(), strict=True)
    ]
    shown = np.flatnonzero(partners.alive)
    partner_rows = [
        {"x": p[0], "y": p[1], "role": ROLES[r].label}
        for p, r in zip(pos[smbs.n + shown].tolist(), partners.role[shown].tolist(), strict=True)
    ]
    platform_rows = [
        {"x": p[0], "y": p[1], "name": f"platform {i}"} for i, p in enumerate(pos[smbs.n + partners.n :].tolist())
    ]
    used = sorted({g for g in names})
    layers: list[dict[str, Any]] = [
        {
            "data": {"name": "edges"},
            "mark": {"type": "rule", "opacity": 0.35, "strokeWidth": 0.7},
            "encoding": {
                **_axes(),
                "x2": {"field": "x2"},
                "y2": {"field": "y2"},
                "color": _colour("type", "alliance type", types, [TYPE_COLOURS[name] for name in ALLIANCE_TYPES]),
            },
        },
        {
            "data": {"name": "smb_rows"},
            "mark": {"type": "circle", "size": 28, "opacity": 0.9},
            "encoding": {
                **_axes(),
                "color": _colour("strategy", "SMB strategy", used, [STRATEGY_COLOURS[g] for g in used]),
                "tooltip": [{"field": "strategy"}],
            },
        },
        {
            "data": {"name": "partner_rows"},
            "mark": {"type": "square", "size": 70, "opacity": 1},
            "encoding": {
                **_axes(),
                "color": _colour("role", "partner role", [r.label for r in ROLES], [r.colour for r in ROLES]),
                "tooltip": [{"field": "role"}],
            },
        },
    ]
    if platforms.n:
        layers.append(
            {
                "data": {"name": "platform_rows"},
                "mark": {"type": "point", "shape": "diamond", "size": 260, "filled": True, "color": PLATFORM_COLOUR},
                "encoding": {**_axes(), "tooltip": [{"field": "name"}]},
            }
        )
    return {
        "$schema": VEGA_LITE,
        "title": {"text": f"{label}alliance network", "subtitle": SUBTITLE},
        "datasets": {
            "edges": edges,
            "smb_rows": smb_rows,
            "partner_rows": partner_rows,
            "platform_rows": platform_rows,
        },
        "width": SIZE,
        "height": SIZE,
        "layer": layers,
        "resolve": {"scale": {"color": "independent"}, "legend": {"color": "independent"}},
        "config": {"view": {"stroke": None}},
    }


def aggregate_spec(model: EcosystemModel, label: str = "") -> dict[str, Any]:
    """Strategy groups, partner roles and platforms as nodes; links as wide as their alliances."""
    smbs, partners, platforms = model.smbs, model.partners, model.platforms
    smb, node, _ = _counterparts(model)
    names = [s.name for s in model.strategies]
    # group of each node: strategy groups 0..G-1, roles G..G+R-1, platforms after
    g, r = len(names), len(ROLES)
    left = smbs.strategy_id[smb]
    is_partner = node < smbs.n + partners.n
    right = np.where(is_partner, g + partners.role[np.minimum(node - smbs.n, partners.n - 1)], 0)
    right = np.where(is_partner, right, g + r + (node - smbs.n - partners.n))
    links = np.zeros((g, r + platforms.n), dtype=int)
    np.add.at(links, (left, right - g), 1)
    alive = smbs.alive
    members = np.bincount(smbs.strategy_id[alive], minlength=g)
    role_firms = np.bincount(partners.role[partners.alive], minlength=r)
    right_labels = [role.label for role in ROLES] + [f"platform {i}" for i in range(platforms.n)]
    right_sizes = [*role_firms.tolist(), *np.bincount(right[right >= g + r] - g - r, minlength=platforms.n).tolist()]
    right_colours = [role.colour for role in ROLES] + [PLATFORM_COLOUR] * platforms.n
    ly = np.linspace(0.9, -0.9, g) if g > 1 else np.zeros(1)
    ry = np.linspace(0.9, -0.9, len(right_labels))
    nodes = [
        {"x": -0.6, "y": float(ly[i]), "name": names[i], "firms": int(members[i]), "what": "SMBs", "anchor": "right"}
        for i in range(g)
    ] + [
        {"x": 0.6, "y": float(ry[j]), "name": right_labels[j], "firms": int(right_sizes[j]),
         "what": "firms" if j < r else "member SMBs", "anchor": "left"}
        for j in range(len(right_labels))
    ]  # fmt: skip
    edges = [
        {"x": -0.6, "y": float(ly[i]), "x2": 0.6, "y2": float(ry[j]), "alliances": int(links[i, j]),
         "from": names[i], "to": right_labels[j]}
        for i in range(g)
        for j in range(len(right_labels))
        if links[i, j] > 0
    ]  # fmt: skip
    colours = {name: STRATEGY_COLOURS[name] for name in names} | dict(zip(right_labels, right_colours, strict=True))
    domain = list(colours)
    colour = {"field": "name", "type": "nominal", "scale": {"domain": domain, "range": list(colours.values())}}
    layers = [
        {
            "data": {"name": "edges"},
            "mark": {"type": "rule", "opacity": 0.45, "color": "#888"},
            "encoding": {
                **_axes(),
                "x2": {"field": "x2"},
                "y2": {"field": "y2"},
                "strokeWidth": {
                    "field": "alliances",
                    "type": "quantitative",
                    "scale": {"range": [0.5, 14]},
                    "legend": _legend("alliances"),
                },
                "tooltip": [{"field": "from"}, {"field": "to"}, {"field": "alliances"}],
            },
        },
        {
            "data": {"name": "nodes"},
            "mark": {"type": "circle", "opacity": 1},
            "encoding": {
                **_axes(),
                "size": {"field": "firms", "type": "quantitative", "scale": {"range": [40, 900]}, "legend": None},
                "color": {**colour, "legend": None},
                "tooltip": [{"field": "name"}, {"field": "firms"}, {"field": "what"}],
            },
        },
        {
            "data": {"name": "nodes"},
            "transform": [{"calculate": "datum.name + ' (' + datum.firms + ' ' + datum.what + ')'", "as": "text"}],
            "mark": {"type": "text", "dx": 0, "dy": -14, "fontSize": 11},
            "encoding": {**_axes(), "text": {"field": "text"}},
        },
    ]
    subtitle = f"more than {AGGREGATE_ABOVE} SMBs: strategy groups (left), partner roles and platforms (right)"
    return {
        "$schema": VEGA_LITE,
        "title": {"text": f"{label}alliance network by group", "subtitle": subtitle},
        "datasets": {"edges": edges, "nodes": nodes},
        "width": SIZE,
        "height": SIZE,
        "layer": layers,
        "config": {"view": {"stroke": None}},
    }
