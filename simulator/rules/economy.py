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

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from simulator.core.grouped import largest_by
from simulator.core.roles import PAID_RETAINER, PAID_SAVINGS_SHARE, SELLS
from simulator.core.vocabulary import PLATFORM_KIND
from simulator.rules import value
from simulator.rules.platforms import membership_weight, switching_months

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
    "alliance_management",
    "alliance_setup",
    "owner_payouts",
    "strategy_switching",
)
"""Money flows of one step, summed over SMBs; all but ``revenue`` reduce SMB cash.
``strategy_switching`` is booked (and reported) only in runs where strategies evolve
(:func:`booked_flows`)."""


def booked_flows(adaptive: bool) -> tuple[str, ...]:
    """The flows a run books and reports: every flow of :data:`FLOWS`, ``strategy_switching`` only
    in a run where strategies evolve (so that a run without it writes what it always wrote)."""
    return FLOWS if adaptive else tuple(name for name in FLOWS if name != "strategy_switching")


def trade(model: EcosystemModel) -> None:
    """Realize one step of sales, payments and alliance value; update cash.

    The steps are those of ODD 7.2 (channels and market capture), 7.23 (supply-chain deliveries)
    and 7.6 (payments, cash, counterpart income, alliance state, lock-in indicators).
    """
    alliances = _active_alliances(model)
    weight = _channel_weights(model, alliances)
    supply = _supply_deliveries(model, alliances, weight)
    sales = _capture_market(model, alliances, weight)
    pay = _payments(model, alliances, sales, supply)
    _settle_cash(model, alliances, sales, pay, supply.cost_cut)
    _counterpart_income(model, alliances, sales, pay)
    _alliance_state(model, alliances, sales, pay)
    _lock_in_indicators(model, alliances, sales)


@dataclass
class Alliances:
    """The active alliances at trade, one entry per alliance; the platform memberships' and the
    partner alliances' entries are selected once (``platform_*``, ``partner_*``) for every rule
    of the step that needs them."""

    ids: np.ndarray
    smb_idx: np.ndarray  # the SMB of each alliance
    kind: np.ndarray
    counterpart: np.ndarray
    net_share: np.ndarray  # the counterpart's take, after the SMB's equity stake returns its part
    on_platform: np.ndarray
    sales_partner: np.ndarray

    @cached_property
    def revenue_share(self) -> np.ndarray:
        """Channels paid a share of the sales through them: platform memberships and sales partners."""
        return self.on_platform | self.sales_partner

    @cached_property
    def sales_rows(self) -> np.ndarray:
        """Entries of the sales-partner alliances."""
        return np.flatnonzero(self.sales_partner)

    @cached_property
    def platform_ids(self) -> np.ndarray:
        """Ids of the platform memberships."""
        return self.ids[self.on_platform]

    @cached_property
    def platform_smb(self) -> np.ndarray:
        """The SMB of each platform membership."""
        return self.smb_idx[self.on_platform]

    @cached_property
    def platform_counterpart(self) -> np.ndarray:
        """The platform of each platform membership."""
        return self.counterpart[self.on_platform]

    @cached_property
    def partner_counterpart(self) -> np.ndarray:
        """The partner of each partner alliance (every alliance that is not a platform membership)."""
        return self.counterpart[~self.on_platform]

    @cached_property
    def vendor_rows(self) -> np.ndarray:
        """Entries of the technology alliances, paid a share of the automation savings."""
        return np.flatnonzero(PAID_SAVINGS_SHARE[self.kind])

    @cached_property
    def credit_rows(self) -> np.ndarray:
        """Entries of the support-service alliances, which grant credit and are paid a retainer."""
        return np.flatnonzero(PAID_RETAINER[self.kind])


@dataclass
class SupplyDeliveries:
    """What the supply-chain alliances delivered this step (ODD 7.23)."""

    rows: np.ndarray  # entries of the supply-chain alliances (delivering or not)
    saving: np.ndarray  # per supply-chain alliance: its part of the SMB's capped variable-cost saving
    cost_cut: np.ndarray  # per SMB: share of variable cost saved, at most max_supply_chain_saving


@dataclass
class Sales:
    """Revenue this step: per SMB and per alliance (sales channels only)."""

    revenue: np.ndarray  # per SMB
    smb_revenue: np.ndarray  # per alliance: its SMB's revenue (gathered once for every rule)
    channel_revenue: np.ndarray  # per alliance


@dataclass
class Payments:
    """What each alliance costs and brings the SMB this step (ODD 7.6)."""

    payment: np.ndarray  # per alliance: SMB to counterpart
    value_to_smb: np.ndarray  # per alliance
    retainer: np.ndarray  # per support-service alliance (Alliances.credit_rows): its retainer
    interest: np.ndarray  # per support-service alliance: interest on the credit drawn on its line
    base_vc_rate: np.ndarray  # per SMB: variable cost rate before supply-chain savings
    automation_savings: np.ndarray  # per SMB
    vendors_held: np.ndarray  # per SMB: technology alliances (pilots included)
    management: np.ndarray  # per alliance: the SMB's cost of managing it (ODD 7.6, alliance costs)


def _active_alliances(model: EcosystemModel) -> Alliances:
    ledger = model.ledger
    ids = ledger.active_ids
    kind = ledger.kind[ids]
    return Alliances(
        ids=ids,
        smb_idx=ledger.smb[ids],
        kind=kind,
        counterpart=ledger.counterpart[ids],
        net_share=ledger.share[ids] * (1.0 - ledger.equity_stake[ids]),
        on_platform=kind == PLATFORM_KIND,
        sales_partner=SELLS[kind],
    )


def _channel_weights(model: EcosystemModel, alliances: Alliances) -> np.ndarray:
    """Channel weight of each alliance before stock-outs (ODD 7.2)."""
    cfg = model.config.alliance
    smbs, platforms, ledger = model.smbs, model.platforms, model.ledger
    ids = alliances.ids
    weight = np.zeros(len(ids))
    if platforms.n:
        platforms.member_share = platforms.members / max(int(smbs.alive.sum()), 1)
        weight[alliances.on_platform] = membership_weight(model, alliances.platform_counterpart, alliances.platform_smb)
    rows = alliances.sales_rows  # the other alliances add no reach
    ids = alliances.ids[rows]
    rent = 1.0 + cfg.relational_rent * ledger.trust[ids] * np.minimum(
        ledger.specific_investment[ids] / np.maximum(ledger.expected_value[ids], 1e-9), 1.0
    )
    premium = 1.0 + cfg.exclusivity_premium * ledger.exclusive[ids]
    weight[rows] = ledger.base_weight[ids] * value.scope(cfg, ledger.phase[ids]) * premium * rent
    return weight


def _supply_deliveries(model: EcosystemModel, alliances: Alliances, weight: np.ndarray) -> SupplyDeliveries:
    """Draw stock-outs (their channel weight drops to 0) and the capped variable-cost savings of
    the supply-chain alliances that delivered (ODD 7.23)."""
    cfg = model.config.alliance
    ledger = model.ledger
    sales = alliances.sales_rows  # suppliers sell too (core.roles)
    rows = sales[value.supplies(alliances.kind[sales], ledger.type[alliances.ids[sales]])]
    ids, smb_idx = alliances.ids[rows], alliances.smb_idx[rows]
    delivered = model.rng.random(len(rows)) >= cfg.stockout_rate
    weight[rows[~delivered]] = 0.0
    model.stockouts = len(rows) - int(delivered.sum())
    scope = value.scope(cfg, ledger.phase[ids])
    saving = np.where(delivered, value.supply_chain_saving(cfg, ledger.complementarity[ids]) * scope, 0.0)
    total_saving = np.bincount(smb_idx, weights=saving, minlength=model.smbs.n)
    cost_cut = np.minimum(total_saving, cfg.max_supply_chain_saving)
    saving *= (cost_cut / np.maximum(total_saving, 1e-12))[smb_idx]  # each alliance's part of the capped cut
    return SupplyDeliveries(rows=rows, saving=saving, cost_cut=cost_cut)


def _capture_market(model: EcosystemModel, alliances: Alliances, weight: np.ndarray) -> Sales:
    """Market size, captured share and its split over the channels (ODD 7.1, 7.2)."""
    smbs = model.smbs
    n = smbs.n
    smb_idx = alliances.smb_idx
    smbs.market_size = np.where(
        smbs.alive, smbs.potential * model.market.demand_factor(smbs.sector, smbs.demand_level) * smbs.quality(), 0.0
    )
    direct_weight = smbs.direct_weight(model.config.smb.direct_reach)
    rivalry = model.config.alliance.imitation_rivalry
    if rivalry > 0:  # partners that replicated the SMB's edge sell it to its direct customers (ODD 7.29)
        direct_weight *= value.imitation_erosion(rivalry, smbs.imitated)
    total_weight = direct_weight + np.bincount(smb_idx, weights=weight, minlength=n)
    smbs.channel_weight = total_weight
    revenue = smbs.market_size * value.captured_share(total_weight)
    smb_revenue = revenue[smb_idx]
    # each channel's part of the captured market (the captured share computed once per SMB)
    channel_revenue = value.split_revenue(smb_revenue, total_weight[smb_idx], weight)
    smbs.direct_revenue = value.split_revenue(revenue, total_weight, direct_weight)
    return Sales(revenue=revenue, smb_revenue=smb_revenue, channel_revenue=channel_revenue)


def _payments(model: EcosystemModel, alliances: Alliances, sales: Sales, supply: SupplyDeliveries) -> Payments:
    """Each alliance's payment to its counterpart and value to the SMB (ODD 7.6, table)."""
    cfg = model.config
    smbs = model.smbs
    n = smbs.n
    smb_idx, share = alliances.smb_idx, alliances.net_share
    revenue, channel_rev = sales.revenue, sales.channel_revenue
    base_vc_rate = value.variable_cost_rate(cfg.smb, smbs.automation)
    automation_savings = value.automation_savings(cfg.smb, smbs.automation, revenue)
    # each alliance is paid by the rule of its kind (a role is paid one way: core.roles), each
    # rule computed on its own alliances only
    vendor, credit = alliances.vendor_rows, alliances.credit_rows
    vendor_smb = smb_idx[vendor]
    vendors_held = np.bincount(vendor_smb, minlength=n)
    vendor_savings = automation_savings[vendor_smb] / np.maximum(vendors_held[vendor_smb], 1)
    line, interest = _credit(model, alliances)
    retainer = value.support_retainer(cfg.alliance, share[credit], line)

    gross = alliances.revenue_share
    payment = np.where(gross, share * channel_rev, 0.0)
    payment[vendor] = share[vendor] * vendor_savings
    payment[credit] = retainer + interest

    # channel margins before supply-chain savings, which are credited to the supply chains alone
    vc_rate = base_vc_rate[smb_idx]
    value_to_smb = np.where(gross, (1.0 - share - vc_rate) * channel_rev, 0.0)
    value_to_smb[vendor] = (1.0 - share[vendor]) * vendor_savings
    supplies = supply.rows
    value_to_smb[supplies] += supply.saving * vc_rate[supplies] * sales.smb_revenue[supplies]
    value_to_smb[credit] = value.support_value(cfg.alliance, line) - retainer
    held = model.ledger.active_count_by_smb(n)  # the alliances at trade are the active ones
    # the cost of running one alliance is the same for all of an SMB's alliances
    management = value.running_cost(cfg.alliance, smbs.fixed_cost, held)[smb_idx]
    value_to_smb -= management  # each alliance's value is net of what it costs the SMB to run it
    return Payments(
        payment=payment,
        value_to_smb=value_to_smb,
        retainer=retainer,
        interest=interest,
        base_vc_rate=base_vc_rate,
        automation_savings=automation_savings,
        vendors_held=vendors_held,
        management=management,
    )


def _credit(model: EcosystemModel, alliances: Alliances) -> tuple[np.ndarray, np.ndarray]:
    """Each support-service alliance's credit line (:attr:`Alliances.credit_rows`) and the
    interest on what the SMB drew on it; sets the SMBs' total credit lines."""
    cfg = model.config.alliance
    smbs = model.smbs
    smb_idx = alliances.smb_idx[alliances.credit_rows]
    line = value.credit_line(cfg, smbs.fixed_cost[smb_idx]) * model.partners.credit_factor
    smbs.credit_line = np.bincount(smb_idx, weights=line, minlength=smbs.n)
    drawn = np.clip(-smbs.cash, 0.0, smbs.credit_line)
    interest = cfg.credit_interest * drawn
    line_part = line / np.maximum(smbs.credit_line[smb_idx], 1e-12)
    return line, interest[smb_idx] * line_part


def _settle_cash(
    model: EcosystemModel, alliances: Alliances, sales: Sales, pay: Payments, cost_cut: np.ndarray
) -> None:
    """Net income into cash, the owners' payout, and the step's money flows (ODD 7.6)."""
    cfg = model.config.smb
    smbs = model.smbs
    n = smbs.n
    smb_idx, on_platform = alliances.smb_idx, alliances.on_platform
    revenue = sales.revenue
    paid = np.bincount(smb_idx, weights=pay.payment, minlength=n)
    platform_fees = pay.payment[on_platform]
    smbs.platform_fees = np.bincount(alliances.platform_smb, weights=platform_fees, minlength=n)
    smbs.vendor_dependence = np.where(pay.vendors_held > 0, pay.automation_savings / np.maximum(revenue, 1e-9), 0.0)
    variable_cost = pay.base_vc_rate * (1.0 - cost_cut) * revenue
    fixed_cost = np.where(smbs.alive, smbs.fixed_cost, 0.0)
    management = np.bincount(smb_idx, weights=pay.management, minlength=n)
    smbs.alliance_cost = management
    smbs.net_income = revenue - variable_cost - fixed_cost - paid - management
    smbs.cash = np.where(smbs.alive, smbs.cash + smbs.net_income, smbs.cash)
    # owners take out what exceeds the cash buffer
    smbs.payout = np.where(smbs.alive, np.maximum(smbs.cash - cfg.cash_cap_months * smbs.fixed_cost, 0.0), 0.0)
    smbs.cash -= smbs.payout
    smbs.revenue = revenue
    first = (smbs.first_revenue == 0) & smbs.alive
    smbs.first_revenue[first] = revenue[first]

    flows = model.flows
    flows["revenue"] += revenue.sum()
    flows["variable_cost"] += variable_cost.sum()
    flows["fixed_cost"] += fixed_cost.sum()
    flows["platform_fees"] += platform_fees.sum()
    flows["partner_shares"] += pay.payment[alliances.sales_partner].sum()
    flows["vendor_fees"] += pay.payment[alliances.vendor_rows].sum()
    flows["support_retainers"] += pay.retainer.sum()
    flows["credit_interest"] += pay.interest.sum()
    flows["alliance_management"] += management.sum()
    flows["owner_payouts"] += smbs.payout.sum()


def _counterpart_income(model: EcosystemModel, alliances: Alliances, sales: Sales, pay: Payments) -> None:
    """Every payment is its counterpart's income; platforms also book the sales through them."""
    platforms, partners = model.platforms, model.partners
    on_platform = alliances.on_platform
    if platforms.n:
        platform = alliances.platform_counterpart
        platforms.sales = np.bincount(platform, weights=sales.channel_revenue[on_platform], minlength=platforms.n)
        platforms.income = np.bincount(platform, weights=pay.payment[on_platform], minlength=platforms.n)
    partner = alliances.partner_counterpart
    partners.income = np.bincount(partner, weights=pay.payment[~on_platform], minlength=partners.n)


def _alliance_state(model: EcosystemModel, alliances: Alliances, sales: Sales, pay: Payments) -> None:
    """Realized value, its smoothed record, dependences and platform switching costs (ODD 7.6)."""
    ledger, platforms, partners = model.ledger, model.platforms, model.partners
    ids, on_platform = alliances.ids, alliances.on_platform
    gross = alliances.revenue_share
    channel_rev, value_to_smb, payment = sales.channel_revenue, pay.value_to_smb, pay.payment
    ledger.revenue[ids] = np.where(gross, channel_rev, 0.0)
    ledger.value_to_smb[ids] = value_to_smb
    ledger.value_to_partner[ids] = payment
    smoothing = model.config.alliance.value_smoothing
    ledger.value_ema[ids] = (1 - smoothing) * ledger.value_ema[ids] + smoothing * value_to_smb
    ledger.smb_dependence[ids] = np.where(gross, channel_rev, np.maximum(value_to_smb, 0.0)) / np.maximum(
        sales.smb_revenue, 1e-9
    )
    counterpart_income = np.zeros(len(ids))
    if platforms.n:
        counterpart_income[on_platform] = platforms.income[alliances.platform_counterpart]
    counterpart_income[~on_platform] = partners.income[alliances.partner_counterpart]
    ledger.partner_dependence[ids] = payment / np.maximum(counterpart_income, 1e-9)
    platform_ids = alliances.platform_ids
    ledger.exit_cost[platform_ids] = switching_months(model, platform_ids) * channel_rev[on_platform]


def _lock_in_indicators(model: EcosystemModel, alliances: Alliances, sales: Sales) -> None:
    """Per-SMB revenue concentration, largest channel and platform shares, exit cost (ODD 9.1)."""
    smbs, ledger = model.smbs, model.ledger
    n = smbs.n
    ids, smb_idx, on_platform = alliances.ids, alliances.smb_idx, alliances.on_platform
    gross = alliances.revenue_share
    revenue, channel_rev = sales.revenue, sales.channel_revenue
    safe_rev = np.maximum(revenue, 1e-12)
    squares = smbs.direct_revenue**2 + np.bincount(smb_idx, weights=channel_rev**2, minlength=n)
    smbs.revenue_hhi = np.where(revenue > 0, squares / safe_rev**2, 1.0)
    channel_share = channel_rev / np.maximum(sales.smb_revenue, 1e-12)
    smbs.largest_channel_share = largest_by(smb_idx[gross], channel_share[gross], n)
    smbs.largest_platform_share = largest_by(alliances.platform_smb, channel_share[on_platform], n)
    smbs.exit_cost = np.bincount(smb_idx, weights=ledger.exit_cost[ids], minlength=n)
