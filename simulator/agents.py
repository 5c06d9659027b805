"""The Mesa agents: one object per SMB, partner firm and platform.

Each agent is a readable view onto its row of the role arrays in
:mod:`simulator.core.population`; the rules that change those arrays live in the mechanism modules
(:mod:`simulator.core.market`, :mod:`simulator.rules.formation`, :mod:`simulator.rules.economy`,
:mod:`simulator.rules.learning`, :mod:`simulator.rules.review`, :mod:`simulator.rules.failure`) so that they run
vectorized over all firms of a role at once. Use the agents to inspect a single firm, e.g. in a
notebook or the dashboard::

    smb = model.agents_by_type[SMB].select(lambda a: a.cash < 0)[0]
    smb.revenue_by_channel()
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from simulator.core.vocabulary import ALLIANCE_TYPES, CAPABILITIES, COUNTERPART_KINDS

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


class SMB(mesa.Agent):
    """A small or medium business: the firm whose strategy the user studies.

    Parameters
    ----------
    model
        The model the SMB belongs to.
    index
        Its row in ``model.smbs``.
    """

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def strategy(self) -> str:
        """Name of the SMB's alliance strategy."""
        return self.model.strategies[self.model.smbs.strategy_id[self.index]].name

    @property
    def sector(self) -> int:
        """Sector code."""
        return int(self.model.smbs.sector[self.index])

    @property
    def cash(self) -> float:
        """Cash at the end of the last step."""
        return float(self.model.smbs.cash[self.index])

    @property
    def revenue(self) -> float:
        """Total revenue in the last step."""
        return float(self.model.smbs.revenue[self.index])

    @property
    def capability(self) -> dict[str, float]:
        """Capability in each competence dimension, in [0, 1]."""
        return dict(zip(CAPABILITIES, self.model.smbs.capability[self.index].tolist(), strict=True))

    @property
    def automation(self) -> float:
        """Automation level in [0, 1]."""
        return float(self.model.smbs.automation[self.index])

    @property
    def knowledge(self) -> float:
        """Knowledge stock accumulated from partners."""
        return float(self.model.smbs.knowledge[self.index])

    @property
    def alive(self) -> bool:
        """False once the SMB has failed."""
        return bool(self.model.smbs.alive[self.index])

    def alliance_ids(self) -> np.ndarray:
        """Rows of the SMB's active alliances in ``model.ledger`` (valid within a step)."""
        ledger = self.model.ledger
        active = ledger.active_ids
        return active[ledger.smb[active] == self.index]

    def revenue_by_channel(self) -> dict[str, float]:
        """Last step's revenue by channel: ``direct`` and one entry per alliance."""
        ledger = self.model.ledger
        channels = {"direct": float(self.model.smbs.direct_revenue[self.index])}
        for a in self.alliance_ids():
            label = f"{COUNTERPART_KINDS[ledger.kind[a]]}:{ledger.counterpart_uid[a]}"
            channels[label] = float(ledger.revenue[a])
        return channels

    def portfolio(self) -> list[dict[str, object]]:
        """The SMB's active alliances as readable records."""
        ledger = self.model.ledger
        return [
            {
                "alliance_id": int(ledger.alliance_id[a]),
                "type": ALLIANCE_TYPES[ledger.type[a]],
                "counterpart_kind": COUNTERPART_KINDS[ledger.kind[a]],
                "counterpart_id": int(ledger.counterpart_uid[a]),
                "share": float(ledger.share[a]),
                "trust": float(ledger.trust[a]),
                "age": int(self.model.steps - ledger.formed_step[a]),
            }
            for a in self.alliance_ids()
        ]


class PartnerFirm(mesa.Agent):
    """A partner firm in one of the DPN roles (complementary business, technology provider,
    marketing and distribution partner, support service).

    Parameters
    ----------
    model
        The model the partner belongs to.
    index
        Its slot in ``model.partners``.
    """

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def role(self) -> str:
        """DPN role name."""
        return COUNTERPART_KINDS[self.model.partners.role[self.index]]

    @property
    def capacity(self) -> int:
        """Most alliances the partner holds at once."""
        return int(self.model.partners.capacity[self.index])

    @property
    def size(self) -> float:
        """Monthly own income, the partner's size and source of bargaining power."""
        return float(self.model.partners.size[self.index])

    @property
    def capability(self) -> dict[str, float]:
        """Capability in each competence dimension, in [0, 1]."""
        return dict(zip(CAPABILITIES, self.model.partners.capability[self.index].tolist(), strict=True))

    @property
    def reputation(self) -> float:
        """Share of the partner's reviewed alliances that met expectations (prior 1/2)."""
        return float(self.model.partners.reputation()[self.index])


class Platform(mesa.Agent):
    """A digital platform (marketplace, app store, SaaS ecosystem).

    Parameters
    ----------
    model
        The model the platform belongs to.
    index
        Its row in ``model.platforms``.
    """

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def fee(self) -> float:
        """Commission share taken of sales through the platform."""
        return float(self.model.platforms.fee[self.index])

    @property
    def members(self) -> int:
        """Number of SMBs on the platform."""
        return int(self.model.platforms.members[self.index])

    @property
    def sales(self) -> float:
        """Last step's sales through the platform."""
        return float(self.model.platforms.sales[self.index])
