"""Dependence: what an SMB stands to lose, and how long it would take to replace, if its most
important counterpart left.

Lock-in in the sources is about dependence, not breadth: an SMB with four small partners is not
more locked in than one that sells everything through one marketplace. For each SMB the
counterpart that matters most is the one whose departure would cost the most revenue; the
measures below describe that counterpart's hold on the SMB, using the model's own channel
mechanics (the other channels recapture part of its customers, since reach saturates).

- ``revenue_at_risk``: share of the SMB's revenue lost if that counterpart left tomorrow:
  ``1 - captured(W - w) / captured(W)`` with ``W`` the SMB's total channel weight and ``w`` the
  counterpart's (its customers partly return through the other channels).
- ``income_at_risk``: the net income lost in that case, as a share of revenue: the margin on
  the revenue at risk, less what the SMB no longer pays the counterpart.
- ``replacement_months``: expected months to find an equivalent counterpart of the same kind:
  ``1 / (search_rate x P(a search finds one))`` plus the market's pilot length, where a search
  samples ``alliance.candidates`` partners (for a partner role, ``P = 1 - (1 - q)^k`` with ``q``
  the share of available partners of that role) or sees every platform (``P`` is 1 if another
  platform is up and open to the SMB, else 0). Capped at :data:`REPLACEMENT_CAP` months.
- ``exit_cost_months``: what leaving that counterpart would cost (exit or switching cost), in
  months of the net income it brings.
- ``data_held``: the largest share of the SMB's data any platform holds (data lock-in).

SMBs without any channel alliance have zero dependence on every measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from simulator.core.vocabulary import PARTNER_ROLES, PLATFORM_KIND
from simulator.rules import value

if TYPE_CHECKING:
    from simulator.model import EcosystemModel

REPLACEMENT_CAP = 120.0
"""Months reported when no equivalent counterpart can be found (ten years)."""


@dataclass
class Dependence:
    """Per-SMB dependence on its most important counterpart (arrays over all SMBs)."""

    revenue_at_risk: np.ndarray
    income_at_risk: np.ndarray
    replacement_months: np.ndarray
    exit_cost_months: np.ndarray
    data_held: np.ndarray


def dependence(model: EcosystemModel) -> Dependence:
    """Measure each SMB's dependence on the counterpart whose departure would cost it most."""
    smbs, ledger = model.smbs, model.ledger
    n = smbs.n
    ids = ledger.active_ids
    holder = ledger.smb[ids]
    channel = ledger.revenue[ids] > 0
    rev_at_risk = _revenue_lost(model, ids, holder) * channel
    largest = _argmax_by_smb(holder, rev_at_risk, n)
    has = largest >= 0
    rows = ids[largest[has]]
    who = np.flatnonzero(has)

    revenue = np.maximum(smbs.revenue[who], 1e-9)
    lost_revenue = rev_at_risk[largest[has]]
    vc_rate = value.variable_cost_rate(model.config.smb, smbs.automation[who])
    lost_income = lost_revenue * (1.0 - vc_rate) - ledger.value_to_partner[rows]
    contribution = np.maximum(ledger.value_to_smb[rows], 1e-9)

    out = Dependence(*(np.zeros(n) for _ in range(5)))
    out.revenue_at_risk[who] = lost_revenue / revenue
    out.income_at_risk[who] = np.maximum(lost_income, 0.0) / revenue
    out.replacement_months[who] = _replacement_months(model, rows)
    out.exit_cost_months[who] = np.minimum(ledger.exit_cost[rows] / contribution, REPLACEMENT_CAP)
    on_platform = ledger.kind[ids] == PLATFORM_KIND
    out.data_held = ledger.max_by_smb(ids[on_platform], ledger.data_held[ids[on_platform]], n)
    return out


def _revenue_lost(model: EcosystemModel, ids: np.ndarray, holder: np.ndarray) -> np.ndarray:
    """Revenue each alliance's SMB would lose without it, net of recapture by its other channels."""
    smbs, ledger = model.smbs, model.ledger
    market = smbs.market_size[holder]
    total = smbs.channel_weight[holder]
    captured = value.captured_share(total)
    reached = np.maximum(market * captured, 1e-12)
    weight = ledger.revenue[ids] / reached * total  # the channel's weight, from its revenue share
    without = market * value.captured_share(np.maximum(total - weight, 0.0))
    return np.maximum(smbs.revenue[holder] - without, 0.0) * (market > 0)


def _replacement_months(model: EcosystemModel, rows: np.ndarray) -> np.ndarray:
    """Expected months to find a counterpart of the same kind as each alliance in ``rows``."""
    cfg = model.config.alliance
    ledger, partners, platforms = model.ledger, model.partners, model.platforms
    kind = ledger.kind[rows]
    chance = np.zeros(len(rows))
    on_platform = kind == PLATFORM_KIND
    if on_platform.any():
        smb = ledger.smb[rows[on_platform]]
        own = ledger.counterpart[rows[on_platform]]
        open_to = platforms.up[None, :] & (platforms.barred_until[smb] <= model.steps)
        open_to[np.arange(len(smb)), own] = False
        chance[on_platform] = open_to.any(axis=1)
    if (~on_platform).any() and partners.n:
        load = ledger.partner_load()
        available = partners.alive & (load < partners.capacity)
        share = np.bincount(partners.role[available], minlength=len(PARTNER_ROLES)) / max(int(partners.alive.sum()), 1)
        chance[~on_platform] = 1.0 - (1.0 - share[kind[~on_platform]]) ** cfg.candidates
    rate = cfg.search_rate * chance
    months = np.where(rate > 0, 1.0 / np.maximum(rate, 1e-12) + cfg.pilot_steps, REPLACEMENT_CAP)
    return np.minimum(months, REPLACEMENT_CAP)


def _argmax_by_smb(holder: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """For each SMB, the position in ``values`` of its largest positive value (-1 if none)."""
    best = np.full(n, -1, dtype=np.int64)
    positive = np.flatnonzero(values > 0)
    if len(positive) == 0:
        return best
    order = positive[np.lexsort((values[positive], holder[positive]))]
    last = np.r_[holder[order][1:] != holder[order][:-1], True]
    best[holder[order][last]] = order[last]
    return best
