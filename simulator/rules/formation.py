"""Alliance formation: search, evaluate, negotiate, accept on both sides, form.

Each step, every alive SMB below its strategy's targets searches with probability
``alliance.search_rate``. A partner search samples ``alliance.candidates`` partners with spare
capacity (never a scan of all firms), a platform search looks at every platform (there are few).
Offers are evaluated with the value mechanics of :mod:`simulator.rules.value`, ranked by the SMB's
strategy, checked against the partner's reservation, and conflicts over a partner's last free
places are settled in random order. Formation is vectorized over all searchers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.core.decisions import PartnerOffers, PlatformOffers, TermsRequest, market_terms
from simulator.core.population import TECHNOLOGY_DIM
from simulator.core.roles import DELIVERS_AUTOMATION, DELIVERS_CREDIT, INNOVATES, ROLES, SELLS
from simulator.core.vocabulary import (
    ALLIANCE_TYPES,
    COMMITTED,
    CONTRACTUAL,
    INNOVATION,
    PILOT,
    PLATFORM_KIND,
    PLATFORM_MEMBERSHIP,
)
from simulator.rules import value
from simulator.rules.review import commit, expected_now

if TYPE_CHECKING:
    from simulator.model import EcosystemModel
    from simulator.strategies.base import Strategy

ROLE_TYPES = np.array([ALLIANCE_TYPES.index(role.alliance_type) for role in ROLES], dtype=np.int8)
"""DPN alliance type code of each partner role's alliances (roles that innovate form innovation
alliances instead with probability ``partner.innovation_share``)."""

INITIAL_TRUST = 0.2
PLATFORM_NOISE_FACTOR = 0.25
"""Platforms' terms, reach and size are public: SMBs forecast them with a quarter of the error
(``alliance.evaluation_noise``) they make about a partner."""
REQUEST_TERMS = ("info_sharing", "pilot", "pilot_steps", "exit_months", "form", "equity_stake", "review_interval")
"""Terms the SMB's request fixes directly in the alliance record."""


def form_alliances(model: EcosystemModel) -> None:
    """Run one step of partner and platform search for every strategy group."""
    smbs = model.smbs
    rng = model.rng
    partners_held, platforms_held = model.ledger.holdings(model.smbs.n)
    partner_batches: list[dict[str, np.ndarray]] = []
    platform_batches: list[dict[str, np.ndarray]] = []
    for sid, strategy in enumerate(model.strategies):
        members = np.flatnonzero(smbs.alive & (smbs.strategy_id == sid))
        if len(members) == 0:
            continue
        want_partners, want_platforms = strategy.alliance_targets(model, members)
        searching = rng.random(len(members)) < model.config.alliance.search_rate
        seek_partner = members[searching & (partners_held[members] < want_partners)]
        seek_platform = members[searching & (platforms_held[members] < want_platforms)]
        if len(seek_partner) and model.partners.n:
            partner_batches.append(_choose_partner(model, strategy, seek_partner))
        if len(seek_platform) and model.platforms.n:
            platform_batches.append(_choose_platform(model, strategy, seek_platform))
    if partner_batches:
        _form_partner_alliances(model, _concat(partner_batches))
    if platform_batches:
        _join_platforms(model, _concat(platform_batches))


def evaluate_partner_offers(
    model: EcosystemModel,
    smbs_idx: np.ndarray,
    request: TermsRequest | None = None,
    replacing: bool = False,
) -> tuple[PartnerOffers, dict[str, np.ndarray]]:
    """Sample candidate partners for each SMB in ``smbs_idx`` and evaluate them.

    Parameters
    ----------
    model
        The model.
    smbs_idx
        SMB indices, one row of offers each.
    request
        The terms each SMB asks for (exclusivity, equity stake, share premium...); the
        market's default terms when omitted. Exclusive terms add a premium to a sales
        partner's reach, unless the SMB already has an alliance in that role.
    replacing
        The SMB is looking for a replacement of an alliance it holds, so its own exclusive
        alliances do not block offers in their role.

    Returns
    -------
    offers
        What the strategy sees, shape (m, k).
    terms
        The negotiated terms behind each offer (share, type, flows) for forming the alliance.
    """
    cfg = model.config
    smbs, partners, ledger = model.smbs, model.partners, model.ledger
    m, k = len(smbs_idx), cfg.alliance.candidates
    rng = model.rng
    load = model.ledger.partner_load()
    available = np.flatnonzero(partners.alive & (load < partners.capacity))
    none_available = len(available) == 0
    if none_available:  # sample a placeholder; every offer is marked infeasible below
        available = np.zeros(1, dtype=np.int64)
    cand = available[rng.integers(0, len(available), size=(m, k))]
    role = partners.role[cand]
    innovation = INNOVATES[role] & (rng.random((m, k)) < cfg.partner.innovation_share)
    alliance_type = np.where(innovation, INNOVATION, ROLE_TYPES[role]).astype(np.int8)
    smb_cap = smbs.capability[smbs_idx][:, None, :]
    compl = value.complementarity(partners.capability[cand], smb_cap)

    if request is None:
        request = market_terms(cfg.alliance, smbs.switching_factor[smbs_idx])
    channel = SELLS[role]
    held_roles = (
        np.take_along_axis(model.ledger.role_holdings(model.smbs.n)[smbs_idx], role.astype(np.int64), axis=1) > 0
    )
    exclusive = channel & request.accept_exclusivity[:, None] & ~held_roles
    weight = value.base_channel_weight(cfg, role, alliance_type, compl)
    full_weight = weight * (1.0 + cfg.alliance.exclusivity_premium * exclusive)

    # forecasts are for the committed alliance at full scope, at today's demand
    market = smbs.market_size[smbs_idx][:, None]
    total = smbs.channel_weight[smbs_idx][:, None] + full_weight
    revenue_now = np.maximum(smbs.revenue[smbs_idx], 1e-9)[:, None]
    channel_rev = np.where(channel, value.channel_revenue(market, total, full_weight), 0.0)

    automation = smbs.automation[smbs_idx][:, None]
    vendor_level = partners.capability[cand, TECHNOLOGY_DIM]
    # the savings of the automation the vendor would add to what the SMB has
    added = np.clip(vendor_level - automation, 0.0, None)
    savings = value.automation_savings(cfg.smb, added, revenue_now) * DELIVERS_AUTOMATION[role]
    line = value.credit_line(cfg.alliance, smbs.fixed_cost[smbs_idx])[:, None] * DELIVERS_CREDIT[role]
    line *= partners.credit_factor
    support = value.support_value(cfg.alliance, line)
    gross_flow = channel_rev + savings + support  # what the alliance moves each month

    smb_dep = gross_flow / (revenue_now + channel_rev)
    size_p = partners.size[cand]
    share_guess = value.negotiated_share(cfg.alliance, 0.5)
    partner_dep = share_guess * gross_flow / (partners.income[cand] + share_guess * gross_flow + 1e-12)
    influence = smbs.influence[smbs_idx][:, None]
    power = value.bargaining_power(size_p, revenue_now, smb_dep, partner_dep, influence)
    share = np.clip(value.negotiated_share(cfg.alliance, power) + request.share_premium[:, None], 0.0, 1.0)
    net_share = share * (1.0 - request.equity_stake[:, None])  # owners get their part of the take back

    vc_rate = value.variable_cost_rate(cfg.smb, automation)
    supply_saving = np.where(
        value.supplies(role, alliance_type), value.supply_chain_saving(cfg.alliance, compl) * vc_rate * revenue_now, 0.0
    )
    true_value = np.where(
        channel, (1.0 - net_share - vc_rate) * channel_rev + supply_saving, (1.0 - net_share) * (savings + support)
    )
    noise = np.exp(cfg.alliance.evaluation_noise * rng.standard_normal((m, k)))
    expected_value = true_value * noise

    partner_income = net_share * gross_flow
    reservation = cfg.partner.reservation_share * size_p * (1.0 + load[cand] / partners.capacity[cand])
    pairs_taken = ledger.has_pair(np.repeat(smbs_idx, k), role.reshape(-1), cand.reshape(-1)).reshape(m, k)
    exclusive_roles = model.ledger.exclusive_holdings(model.smbs.n)[smbs_idx]  # (m, roles) bool
    blocked = np.take_along_axis(exclusive_roles, role.astype(np.int64), axis=1) & (not replacing)
    feasible = (partner_income >= reservation) & ~pairs_taken & ~blocked & (gross_flow > 0)
    if none_available:
        feasible[:] = False

    degree = load.astype(float)
    centrality = degree[cand] / max(degree.max(), 1.0)
    offers = PartnerOffers(
        partner=cand,
        role=role,
        complementarity=compl,
        expected_value=expected_value,
        expected_revenue=channel_rev,
        reputation=partners.reputation()[cand],
        centrality=centrality,
        size=size_p,
        alliance_type=alliance_type,
        feasible=feasible,
    )
    terms = {
        "type": alliance_type,
        "share": share,
        "exclusive": exclusive,
        "base_weight": weight,
        "gross_flow": gross_flow,
    }
    return offers, terms


def evaluate_platform_offers(model: EcosystemModel, smbs_idx: np.ndarray) -> PlatformOffers:
    """Evaluate every platform for each SMB in ``smbs_idx``, shape (m, n_platforms)."""
    cfg = model.config
    smbs, platforms = model.smbs, model.platforms
    m = len(smbs_idx)
    erosion = platforms.commoditization[None, :] * platforms.entry[:, smbs.sector[smbs_idx]].T
    weight = platforms.channel_weight()[None, :] * (1.0 - erosion)
    market = smbs.market_size[smbs_idx][:, None]
    total = smbs.channel_weight[smbs_idx][:, None] + weight
    revenue = value.channel_revenue(market, total, weight)
    vc_rate = value.variable_cost_rate(cfg.smb, smbs.automation[smbs_idx])[:, None]
    true_value = (1.0 - platforms.fee[None, :] - vc_rate) * revenue
    noise = np.exp(PLATFORM_NOISE_FACTOR * cfg.alliance.evaluation_noise * model.rng.standard_normal((m, platforms.n)))
    member = model.ledger.has_pair(
        np.repeat(smbs_idx, platforms.n),
        np.full(m * platforms.n, PLATFORM_KIND),
        np.tile(np.arange(platforms.n), m),
    ).reshape(m, platforms.n)
    return PlatformOffers(
        expected_value=true_value * noise,
        member_share=np.broadcast_to(platforms.member_share, (m, platforms.n)),
        fee=np.broadcast_to(platforms.fee, (m, platforms.n)),
        feasible=~member & (platforms.barred_until[smbs_idx] <= model.steps),
    )


def best_fresh_offer(model: EcosystemModel, smbs_idx: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """Best feasible expected value a fresh search would find, for the same counterpart kind.

    Used at review by strategies that leave for a better alternative. Returns 0 where the
    search finds nothing.
    """
    best = np.zeros(len(smbs_idx))
    on_platform = kinds == PLATFORM_KIND
    if on_platform.any() and model.platforms.n:
        offers = evaluate_platform_offers(model, smbs_idx[on_platform])
        vals = np.where(offers.feasible, offers.expected_value, 0.0)
        best[on_platform] = vals.max(axis=1, initial=0.0)
    rest = ~on_platform
    if rest.any() and model.partners.n:
        offers, _ = evaluate_partner_offers(model, smbs_idx[rest], replacing=True)
        same_kind = offers.role == kinds[rest][:, None]
        vals = np.where(offers.feasible & same_kind, offers.expected_value, 0.0)
        best[rest] = vals.max(axis=1, initial=0.0)
    return best


# ------------------------------------------------------------------------ internals
def _choose_partner(model: EcosystemModel, strategy: Strategy, seekers: np.ndarray) -> dict[str, np.ndarray]:
    request = strategy.terms(model, seekers)
    offers, terms = evaluate_partner_offers(model, seekers, request)
    scores = strategy.score_partners(model, seekers, offers)
    best = np.argmax(scores, axis=1)
    rows = np.arange(len(seekers))
    ok = np.isfinite(scores[rows, best]) & (scores[rows, best] > 0)
    pick = (rows[ok], best[ok])
    return {
        "smb": seekers[ok],
        "partner": offers.partner[pick],
        "role": offers.role[pick],
        "type": terms["type"][pick],
        "share": terms["share"][pick],
        "exclusive": terms["exclusive"][pick],
        "base_weight": terms["base_weight"][pick],
        "complementarity": offers.complementarity[pick],
        "expected_value": offers.expected_value[pick],
        "gross_flow": terms["gross_flow"][pick],
        **{name: getattr(request, name)[ok] for name in REQUEST_TERMS},
    }


def _choose_platform(model: EcosystemModel, strategy: Strategy, seekers: np.ndarray) -> dict[str, np.ndarray]:
    data_sharing = strategy.terms(model, seekers).data_sharing
    offers = evaluate_platform_offers(model, seekers)
    scores = strategy.score_platforms(model, seekers, offers)
    best = np.argmax(scores, axis=1)
    rows = np.arange(len(seekers))
    ok = np.isfinite(scores[rows, best]) & (offers.expected_value[rows, best] > 0)
    return {
        "smb": seekers[ok],
        "platform": best[ok],
        "expected_value": offers.expected_value[rows[ok], best[ok]],
        "data_sharing": data_sharing[ok],
    }


def _form_partner_alliances(model: EcosystemModel, p: dict[str, np.ndarray]) -> None:
    """Settle competition for partners' free places, then record the alliances."""
    if len(p["smb"]) == 0:
        return
    cfg = model.config
    partners = model.partners
    spare = partners.capacity - model.ledger.partner_load()
    order = model.rng.permutation(len(p["smb"]))
    order = order[np.argsort(p["partner"][order], kind="stable")]
    grouped = p["partner"][order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    lengths = np.diff(np.r_[starts, len(grouped)])
    rank = np.arange(len(grouped)) - np.repeat(starts, lengths)
    accepted = np.sort(order[rank < spare[grouped]])
    take = {k: v[accepted] for k, v in p.items()}
    pilot = take["pilot"] & (take["pilot_steps"] > 0)
    equity = take["form"] != CONTRACTUAL
    exit_months = take["exit_months"] * np.where(equity, cfg.alliance.equity_exit_multiplier, 1.0)
    ids = model.ledger.add(
        smb=take["smb"],
        smb_uid=model.smbs.uid[take["smb"]],
        kind=take["role"],
        counterpart=take["partner"],
        counterpart_uid=partners.uid[take["partner"]],
        type=take["type"],
        form=take["form"],
        phase=PILOT,  # committed right below unless the alliance starts with a pilot
        share=take["share"],
        exclusive=take["exclusive"],
        exit_cost=exit_months * take["gross_flow"],
        info_sharing=take["info_sharing"],
        equity_stake=take["equity_stake"],
        review_interval=take["review_interval"],
        pilot_steps=np.where(pilot, take["pilot_steps"], 0),
        formed_step=model.steps,
        base_weight=take["base_weight"],
        complementarity=take["complementarity"],
        trust=INITIAL_TRUST,
        expected_value=take["expected_value"],
        value_ema=0.0,  # set to what the SMB expects at age 0 right below
    )
    model.ledger.value_ema[ids] = expected_now(model, ids)
    model.events.record(model.steps, "formed", ids, "search")
    commit(model, ids[~pilot])


def _join_platforms(model: EcosystemModel, p: dict[str, np.ndarray]) -> None:
    if len(p["smb"]) == 0:
        return
    platforms = model.platforms
    cfg = model.config
    ids = model.ledger.add(
        smb=p["smb"],
        smb_uid=model.smbs.uid[p["smb"]],
        kind=PLATFORM_KIND,
        counterpart=p["platform"],
        counterpart_uid=platforms.uid[p["platform"]],
        type=PLATFORM_MEMBERSHIP,
        form=CONTRACTUAL,
        phase=COMMITTED,
        share=platforms.fee[p["platform"]],
        info_sharing=p["data_sharing"],
        review_interval=cfg.alliance.review_interval,
        formed_step=model.steps,
        trust=INITIAL_TRUST,
        expected_value=p["expected_value"],
        value_ema=p["expected_value"],
    )
    model.events.record(model.steps, "formed", ids, "search")
    platforms.members += np.bincount(p["platform"], minlength=platforms.n)


def _concat(batches: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([b[k] for b in batches]) for k in batches[0]}
