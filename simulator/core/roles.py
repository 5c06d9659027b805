"""Partner roles: one table of what each DPN role is, delivers and is paid.

:data:`ROLES` lists the partner roles of the Digital Partnership Network source in array-code
order: ``partners.role`` and the ledger's ``kind`` hold a role's position in this table, and the
platform kind follows the roles (:data:`simulator.core.vocabulary.PLATFORM_KIND` is
``len(ROLES)``). Every mechanism, figure and the dashboard reads role facts from here (through the
lookups below), never by comparing with a particular role's code.

Adding a role is one :class:`Role` entry here plus its configuration fields in
:class:`simulator.config.schema.PartnerConfig`: ``<name>_share`` (its share of the partner
population) and, for a role that sells, ``<name>_reach`` (the channel weight it adds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

PAYMENTS: tuple[str, ...] = ("revenue_share", "savings_share", "retainer")
"""How an SMB pays a partner: ``revenue_share`` of the sales through it (sales channels),
``savings_share`` of the automation savings it brings (technology vendors), ``retainer``: a share
of the credit line's value plus interest on drawn credit (support services)."""

DELIVERIES: tuple[str, ...] = ("supply_chain_savings", "automation", "credit_line")
"""What a partner delivers besides sales: ``supply_chain_savings`` (inputs that cut the SMB's
variable cost, with occasional stock-outs; not in its innovation alliances), ``automation`` (its
technology level, which the SMB adopts), ``credit_line`` (credit the SMB may draw)."""

_PAID_FOR: dict[str, str] = {"savings_share": "automation", "retainer": "credit_line"}
"""The delivery each payment other than a revenue share is the price of (one each way)."""


@dataclass(frozen=True)
class Role:
    """One partner role: its names, figure style, DPN alliance type, payment and deliveries.

    Parameters
    ----------
    name
        Identifier used in outputs, configuration keys (``partner.<name>_share``) and shock
        targets (``role:<name>``).
    label
        Human name for figures and the dashboard.
    colour, marker, size
        Matplotlib colour, marker and marker size of its firms in network figures.
    alliance_type
        The DPN alliance type (:data:`simulator.core.vocabulary.ALLIANCE_TYPES`) its alliances
        have.
    payment
        How the SMB pays it, one of :data:`PAYMENTS`.
    sells
        Whether it is a sales channel: its alliances add reach (``partner.<name>_reach``) and
        revenue, of which it takes its share.
    strengths
        Capability dimensions (:data:`simulator.core.vocabulary.CAPABILITIES`) in which its firms
        are strong (drawn from ``partner.strength_alpha/beta``).
    delivers
        What it delivers besides sales, from :data:`DELIVERIES`.
    innovates
        Whether a share ``partner.innovation_share`` of its alliances are formed as innovation
        alliances (more learning, less reach, no supply-chain savings) instead.
    """

    name: str
    label: str
    colour: str
    marker: str
    size: int
    alliance_type: str
    payment: str
    sells: bool
    strengths: tuple[str, ...]
    delivers: tuple[str, ...] = ()
    innovates: bool = False

    def __post_init__(self) -> None:
        if self.payment not in PAYMENTS:
            raise ValueError(f"role {self.name}: payment must be one of {PAYMENTS}, got {self.payment!r}")
        unknown = set(self.delivers) - set(DELIVERIES)
        if unknown:
            raise ValueError(f"role {self.name}: delivers {sorted(unknown)}, not among {DELIVERIES}")
        if self.sells != (self.payment == "revenue_share"):
            raise ValueError(f"role {self.name}: a role is paid a revenue share exactly when it sells")
        for payment, delivery in _PAID_FOR.items():
            if (self.payment == payment) != (delivery in self.delivers):
                raise ValueError(f"role {self.name}: a role is paid a {payment} exactly when it delivers {delivery}")
        supplies = "supply_chain_savings" in self.delivers
        if supplies and not self.sells:
            raise ValueError(f"role {self.name}: supply-chain savings come with sales (a supplier sells too)")
        if supplies != (self.alliance_type == "supply_chain"):
            raise ValueError(f"role {self.name}: supply-chain savings go with the supply_chain type")


ROLES: tuple[Role, ...] = (
    Role(
        name="complementary_business",
        label="complementary business",
        colour="#1b9e77",
        marker="s",
        size=40,
        alliance_type="supply_chain",
        payment="revenue_share",
        sells=True,
        strengths=("production",),
        delivers=("supply_chain_savings",),
        innovates=True,
    ),
    Role(
        name="technology_provider",
        label="technology provider",
        colour="#7570b3",
        marker="s",
        size=40,
        alliance_type="technology_integration",
        payment="savings_share",
        sells=False,
        strengths=("technology", "data"),
        delivers=("automation",),
    ),
    Role(
        name="marketing_distribution",
        label="marketing and distribution partner",
        colour="#d95f02",
        marker="s",
        size=40,
        alliance_type="marketing_sales",
        payment="revenue_share",
        sells=True,
        strengths=("marketing",),
    ),
    Role(
        name="support_service",
        label="support service",
        colour="#66a61e",
        marker="s",
        size=40,
        alliance_type="support",
        payment="retainer",
        sells=False,
        strengths=("finance",),
        delivers=("credit_line",),
    ),
)
"""The partner roles, in array-code order."""

PARTNER_ROLES: tuple[str, ...] = tuple(role.name for role in ROLES)
"""Role names in array-code order."""


def _by_kind(values: list[Any], platform: Any) -> np.ndarray:
    """A lookup array indexed by counterpart kind: one entry per role, then the platform's."""
    return np.array([*values, platform])


SELLS = _by_kind([role.sells for role in ROLES], False)
"""``SELLS[kind]``: the counterpart is a partner that sells (a sales-partner alliance)."""
PAID_SAVINGS_SHARE = _by_kind([role.payment == "savings_share" for role in ROLES], False)
"""``PAID_SAVINGS_SHARE[kind]``: the SMB pays the partner a share of its automation savings."""
PAID_RETAINER = _by_kind([role.payment == "retainer" for role in ROLES], False)
"""``PAID_RETAINER[kind]``: the SMB pays the partner a retainer and interest on drawn credit."""
DELIVERS_SUPPLY = _by_kind(["supply_chain_savings" in role.delivers for role in ROLES], False)
"""``DELIVERS_SUPPLY[kind]``: the partner supplies inputs (supply-chain savings and stock-outs)."""
DELIVERS_AUTOMATION = _by_kind(["automation" in role.delivers for role in ROLES], False)
"""``DELIVERS_AUTOMATION[kind]``: the partner brings automation the SMB adopts."""
DELIVERS_CREDIT = _by_kind(["credit_line" in role.delivers for role in ROLES], False)
"""``DELIVERS_CREDIT[kind]``: the partner grants a credit line."""
INNOVATES = _by_kind([role.innovates for role in ROLES], False)
"""``INNOVATES[kind]``: some of the partner's alliances are innovation alliances."""


def share_key(role: Role) -> str:
    """The configuration field of the role's population share, ``<name>_share``."""
    return f"{role.name}_share"


def reach_key(role: Role) -> str:
    """The configuration field of a selling role's channel weight, ``<name>_reach``."""
    return f"{role.name}_reach"


def role_shares(partner: Any) -> np.ndarray:
    """Population share of each role, in array-code order, from ``partner.<name>_share``."""
    return np.array([getattr(partner, share_key(role)) for role in ROLES], dtype=float)


def role_reach(partner: Any) -> np.ndarray:
    """Channel weight each role adds at complementarity multiplier 1: ``partner.<name>_reach``
    for roles that sell, 0 for the others; in array-code order."""
    return np.array([getattr(partner, reach_key(role)) if role.sells else 0.0 for role in ROLES], dtype=float)
