"""The model's categorical vocabulary: roles, alliance types, forms, phases, events, reasons.

Arrays store the integer code (the position in each tuple); outputs write the names.
"""

from __future__ import annotations

from simulator.core.roles import PARTNER_ROLES, ROLES

CAPABILITIES: tuple[str, ...] = ("production", "marketing", "technology", "data", "finance")
"""Competence dimensions of every firm's capability vector."""

COUNTERPART_KINDS: tuple[str, ...] = (*PARTNER_ROLES, "platform")
"""What the SMB's counterpart in an alliance is: one of the partner roles (:mod:`simulator.core.roles`)
or a platform, which follows the roles."""

PLATFORM_KIND = COUNTERPART_KINDS.index("platform")

ALLIANCE_TYPES: tuple[str, ...] = (
    "supply_chain",
    "marketing_sales",
    "technology_integration",
    "innovation",
    "support",
    "platform_membership",
)
"""DPN alliance types; ``support`` covers credit lines and advice of support services, which the
DPN typology names as a member role but not as an alliance type."""

SUPPLY_CHAIN, MARKETING_SALES, TECHNOLOGY_INTEGRATION, INNOVATION, SUPPORT_TYPE, PLATFORM_MEMBERSHIP = range(6)

ALLIANCE_FORMS: tuple[str, ...] = ("contractual", "equity_alliance", "joint_venture")
CONTRACTUAL, EQUITY_ALLIANCE, JOINT_VENTURE = range(3)

PHASES: tuple[str, ...] = ("pilot", "committed", "ended")
PILOT, COMMITTED, ENDED = range(3)

EVENTS: tuple[str, ...] = (
    "formed",
    "pilot_committed",
    "renegotiated",
    "dissolved",
    "partner_failed",
    "smb_failed",
    "shock",
    "platform_outage",
    "platform_entry",
    "strategy_switched",
)
"""Alliance lifecycle events. ``dissolved`` is a decision of one side; ``partner_failed`` and
``smb_failed`` end an alliance because a member failed. Events about no single alliance
(alliance_id -1): ``shock`` (a scheduled shock starts or ends), ``platform_outage`` (a random
outage starts) and ``platform_entry`` (a platform enters a sector with its own offer). ``strategy_switched`` is
about an SMB, not an alliance (alliance_id -1, ``smb_id`` and ``strategy`` the switcher's new one;
7.27)."""

ENDING_EVENTS: frozenset[str] = frozenset({"dissolved", "partner_failed", "smb_failed"})

EXIT_CAUSES: tuple[str, ...] = ("cash_flow", "owner_exit")
"""Why an SMB left the ecosystem: ``cash_flow`` (cash below its liquidity floor past the grace
period) or ``owner_exit`` (its owners closed or sold it for reasons outside the model, such as
retirement: the exogenous hazard ``smb.exit_hazard``). Each name is also the reason of the
``smb_failed`` events that end the SMB's alliances."""
CASH_FLOW_EXIT = EXIT_CAUSES.index("cash_flow")
OWNER_EXIT = EXIT_CAUSES.index("owner_exit")

KIND_STYLE: dict[str, tuple[str, str, int]] = {
    "smb": ("o", "#377eb8", 12),
    **{role.name: (role.marker, role.colour, role.size) for role in ROLES},
    "platform": ("*", "#e41a1c", 260),
}
TYPE_COLOURS: dict[str, str] = dict(
    zip(ALLIANCE_TYPES, ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6a6a6"), strict=True)
)
"""Marker, colour and size of each kind of firm, and the colour of each alliance type, in every
figure and the dashboard."""
