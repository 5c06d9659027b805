"""Trade and cash: revenue over channels, fees, shares, costs, credit, and alliance value.

Each alive SMB faces a market of size ``potential x demand factor x quality``. Its channels
(its own direct channel, each platform, each sales partner) have weights ``w``; with total
weight ``W`` it captures ``1 - exp(-W)`` of its market, split over channels in proportion to
their weights. Platforms take their fee of sales through them, sales partners their revenue
share, technology vendors their share of the automation savings, support services a retainer
and interest on drawn credit. Everything an SMB pays a counterpart is that counterpart's income,
so money is conserved between firms; fixed and variable costs leave the ecosystem, and so does
cash above ``smb.cash_cap_months`` of fixed cost, which the owners take out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.core.vocabulary import (
    COMPLEMENTARY,
    MARKETING,
    PILOT,
    PLATFORM_KIND,
    SUPPLY_CHAIN,
    SUPPORT,
    TECHNOLOGY,
)
from simulator.rules import value
from simulator.rules.platforms import switching_months

if TYPE_CHECKING:
    from simulator.model import EcosystemModel

FLOWS: tuple[str, ...] = (
    "revenue",
    "variable_cost",
    "fixed_cost",
    "platform_fees",
    "partner_shares",
    "vendor_fees",
    "support_retainers",
    "credit_interest",
    "exit_costs",
    "switching_costs",
    "specific_investment",
    "strategy_investment",
    "owner_payouts",
)
"""Money flows of one step, summed over SMBs; all but ``revenue`` reduce SMB cash."""

VALUE_SMOOTHING = 0.3
"""Weight of the newest step in an alliance's smoothed realized value."""


def trade(model: EcosystemModel) -> None:
    """Realize one step of sales, payments and alliance value; update cash."""
    cfg = model.config
    smbs, partners, platforms, ledger = model.smbs, model.partners, model.platforms, model.ledger
    n = smbs.n
    flows = model.flows
    ids = ledger.active_ids
    holder = ledger.smb[ids]
    kind = ledger.kind[ids]
    other = ledger.counterpart[ids]
    # an SMB owning part of an alliance gets that part of the partner's take back
    share = ledger.share[ids] * (1.0 - ledger.equity_stake[ids])

    # --- channels ----------------------------------------------------------------------
    on_platform = kind == PLATFORM_KIND
    sales_partner = (kind == COMPLEMENTARY) | (kind == MARKETING)
    weight = np.zeros(len(ids))
    if platforms.n:
        platforms.member_share = platforms.members / max(int(smbs.alive.sum()), 1)
        p = other[on_platform]
        erosion = platforms.commoditization[p] * platforms.entry[p, smbs.sector[holder[on_platform]]]
        weight[on_platform] = platforms.channel_weight()[p] * (1.0 - erosion)
    scope = np.where(ledger.phase[ids] == PILOT, cfg.alliance.pilot_scope, 1.0)
    rent = 1.0 + cfg.alliance.relational_rent * ledger.trust[ids] * np.minimum(
        ledger.specific_investment[ids] / np.maximum(ledger.expected_value[ids], 1e-9), 1.0
    )
    premium = 1.0 + cfg.alliance.exclusivity_premium * ledger.exclusive[ids]
    weight[sales_partner] = (ledger.base_weight[ids] * scope * premium * rent)[sales_partner]
    # supply chains: cost savings, and stock-outs in which the partner delivers nothing this step
    supply = ledger.type[ids] == SUPPLY_CHAIN
    delivered = supply.copy()
    delivered[supply] = model.rng.random(int(supply.sum())) >= cfg.alliance.stockout_rate
    stockouts = supply & ~delivered
    weight[stockouts] = 0.0
    model.stockouts = int(stockouts.sum())
    saving = np.where(delivered, value.supply_chain_saving(cfg.alliance, ledger.complementarity[ids]) * scope, 0.0)
    total_saving = np.bincount(holder, weights=saving, minlength=n)
    cost_cut = np.minimum(total_saving, value.MAX_SUPPLY_CHAIN_SAVING)
    saving *= (cost_cut / np.maximum(total_saving, 1e-12))[holder]  # each alliance's part of the capped cut

    smbs.market_size = np.where(
        smbs.alive, smbs.potential * model.market.demand_factor(smbs.sector, smbs.demand_level) * smbs.quality(), 0.0
    )
    direct_weight = smbs.direct_weight(cfg.smb.direct_reach)
    total_weight = direct_weight + np.bincount(holder, weights=weight, minlength=n)
    smbs.channel_weight = total_weight
    revenue = smbs.market_size * value.captured_share(total_weight)
    channel_rev = value.channel_revenue(smbs.market_size[holder], total_weight[holder], weight)
    smbs.direct_revenue = value.channel_revenue(smbs.market_size, total_weight, direct_weight)

    # --- payments per alliance -----------------------------------------------------------
    base_vc_rate = value.variable_cost_rate(cfg.smb, smbs.automation)
    vc_rate = base_vc_rate * (1.0 - cost_cut)
    savings = value.automation_savings(cfg.smb, smbs.automation, revenue)
    vendor = kind == TECHNOLOGY
    vendors_held = np.bincount(holder[vendor], minlength=n)
    support = kind == SUPPORT
    line = np.where(support, value.credit_line(cfg.alliance, smbs.fixed_cost[holder]) * partners.credit_factor, 0.0)
    smbs.credit_line = np.bincount(holder, weights=line, minlength=n)
    drawn = np.clip(-smbs.cash, 0.0, smbs.credit_line)
    interest = cfg.alliance.credit_interest * drawn
    line_part = np.where(support, line / np.maximum(smbs.credit_line[holder], 1e-12), 0.0)

    payment = np.zeros(len(ids))  # SMB -> counterpart this step
    payment[on_platform | sales_partner] = (share * channel_rev)[on_platform | sales_partner]
    vendor_savings = np.where(vendor, savings[holder] / np.maximum(vendors_held[holder], 1), 0.0)
    payment[vendor] = (share * vendor_savings)[vendor]
    retainer = value.support_retainer(cfg.alliance, share, line)
    payment[support] = (retainer + interest[holder] * line_part)[support]

    value_to_smb = np.zeros(len(ids))
    gross = on_platform | sales_partner
    # channel margins before supply-chain savings, which are credited to the supply chains alone
    value_to_smb[gross] = ((1.0 - share - base_vc_rate[holder]) * channel_rev)[gross]
    value_to_smb[vendor] = ((1.0 - share) * vendor_savings)[vendor]
    value_to_smb[supply] += (saving * base_vc_rate[holder] * revenue[holder])[supply]
    value_to_smb[support] = (value.support_value(cfg.alliance, line) - retainer)[support]

    # --- cash ------------------------------------------------------------------------------
    paid = np.bincount(holder, weights=payment, minlength=n)
    smbs.platform_fees = np.bincount(holder[on_platform], weights=payment[on_platform], minlength=n)
    smbs.vendor_dependence = np.where(vendors_held > 0, savings / np.maximum(revenue, 1e-9), 0.0)
    variable_cost = vc_rate * revenue
    fixed_cost = np.where(smbs.alive, smbs.fixed_cost, 0.0)
    smbs.net_income = revenue - variable_cost - fixed_cost - paid
    smbs.cash = np.where(smbs.alive, smbs.cash + smbs.net_income, smbs.cash)
    # owners take out what exceeds the cash buffer
    smbs.payout = np.where(smbs.alive, np.maximum(smbs.cash - cfg.smb.cash_cap_months * smbs.fixed_cost, 0.0), 0.0)
    smbs.cash -= smbs.payout
    smbs.revenue = revenue
    first = (smbs.first_revenue == 0) & smbs.alive
    smbs.first_revenue[first] = revenue[first]

    flows["revenue"] += revenue.sum()
    flows["variable_cost"] += variable_cost.sum()
    flows["fixed_cost"] += fixed_cost.sum()
    flows["platform_fees"] += payment[on_platform].sum()
    flows["partner_shares"] += payment[sales_partner].sum()
    flows["vendor_fees"] += payment[vendor].sum()
    flows["support_retainers"] += retainer[support].sum()
    flows["credit_interest"] += (interest[holder] * line_part)[support].sum()
    flows["owner_payouts"] += smbs.payout.sum()

    # --- counterpart income ------------------------------------------------------------------
    if platforms.n:
        platforms.sales = np.bincount(other[on_platform], weights=channel_rev[on_platform], minlength=platforms.n)
        platforms.income = np.bincount(other[on_platform], weights=payment[on_platform], minlength=platforms.n)
    from_partners = ~on_platform
    partners.income = np.bincount(other[from_partners], weights=payment[from_partners], minlength=partners.n)

    # --- alliance state ----------------------------------------------------------------------
    ledger.revenue[ids] = np.where(gross, channel_rev, 0.0)
    ledger.value_to_smb[ids] = value_to_smb
    ledger.value_to_partner[ids] = payment
    ledger.value_ema[ids] = (1 - VALUE_SMOOTHING) * ledger.value_ema[ids] + VALUE_SMOOTHING * value_to_smb
    ledger.smb_dependence[ids] = np.where(gross, channel_rev, np.maximum(value_to_smb, 0.0)) / np.maximum(
        revenue[holder], 1e-9
    )
    counterpart_income = np.zeros(len(ids))
    if platforms.n:
        counterpart_income[on_platform] = platforms.income[other[on_platform]]
    counterpart_income[from_partners] = partners.income[other[from_partners]]
    ledger.partner_dependence[ids] = payment / np.maximum(counterpart_income, 1e-9)
    ledger.exit_cost[ids[on_platform]] = switching_months(model, ids[on_platform]) * channel_rev[on_platform]

    # --- lock-in indicators per SMB ------------------------------------------------------------
    safe_rev = np.maximum(revenue, 1e-12)
    squares = smbs.direct_revenue**2 + np.bincount(holder, weights=channel_rev**2, minlength=n)
    smbs.revenue_hhi = np.where(revenue > 0, squares / safe_rev**2, 1.0)
    channel_share = channel_rev / safe_rev[holder]
    smbs.largest_channel_share = ledger.max_by_smb(ids[gross], channel_share[gross], n)
    smbs.largest_platform_share = ledger.max_by_smb(ids[on_platform], channel_share[on_platform], n)
    smbs.exit_cost = np.bincount(holder, weights=ledger.exit_cost[ids], minlength=n)
