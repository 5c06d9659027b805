"""Alliance formation: search, evaluate, negotiate, accept on both sides, form.

Each step, every alive SMB below its strategy's targets searches with probability
``alliance.search_rate``. A partner search samples ``alliance.candidates`` partners with spare
capacity (never a scan of all firms), a platform search looks at every platform (there are few).
Offers are evaluated with the value mechanics of :mod:`simulator.rules.value`, ranked by the SMB's
strategy, checked against the partner's reservation, and conflicts over a partner's last free
places are settled in random order. Formation is vectorized over all searchers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, TypeVar

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
from simulator.rules.platforms import member_fees, membership_weight
from simulator.rules.review import commit, expected_now, schedule_reviews

if TYPE_CHECKING:
    from simulator.model import EcosystemModel
    from simulator.strategies.base import Strategy

ROLE_TYPES = np.array([ALLIANCE_TYPES.index(role.alliance_type) for role in ROLES], dtype=np.int8)
"""DPN alliance type code of each partner role's alliances (roles that innovate form innovation
alliances instead with probability ``partner.innovation_share``)."""

REQUEST_TERMS = ("info_sharing", "pilot", "pilot_steps", "exit_months", "form", "equity_stake", "review_interval")
"""Terms the SMB's request fixes directly in the alliance record."""


def form_alliances(model: EcosystemModel) -> None:
    """Run one step of partner and platform search for every strategy group.

    The groups search in turn and draw their offers' randomness group by group; the offers of
    all groups are then evaluated together (the same values: nothing in an evaluation depends on
    the other searchers) and each group's strategy picks among its own.
    """
    smbs = model.smbs
    rng = model.rng
    partners_held, platforms_held = model.ledger.holdings(model.smbs.n)
    partner_searches: list[PartnerSearch] = []
    platform_searches: list[PlatformSearch] = []
    groups = smbs.alive_groups(len(model.strategies))
    for strategy, group_smb_idx in zip(model.strategies, groups, strict=True):
        if len(group_smb_idx) == 0:
            continue
        want_partners, want_platforms = strategy.alliance_targets(model, group_smb_idx)
        searching = rng.random(len(group_smb_idx)) < model.config.alliance.search_rate
        partner_smb_idx = group_smb_idx[searching & (partners_held[group_smb_idx] < want_partners)]
        platform_smb_idx = group_smb_idx[searching & (platforms_held[group_smb_idx] < want_platforms)]
        if len(partner_smb_idx) and model.partners.n:
            partner_searches.append(
                PartnerSearch(
                    strategy,
                    partner_smb_idx,
                    strategy.terms(model, partner_smb_idx),
                    draw_partner_offers(model, len(partner_smb_idx)),
                )
            )
        if len(platform_smb_idx) and model.platforms.n:
            platform_searches.append(
                PlatformSearch(
                    strategy,
                    platform_smb_idx,
                    strategy.terms(model, platform_smb_idx).data_sharing,
                    draw_platform_noise(model, len(platform_smb_idx)),
                )
            )
    # both choices are made before either kind of alliance is formed
    partner_choices = _choose_partners(model, partner_searches) if partner_searches else None
    platform_choices = _choose_platforms(model, platform_searches) if platform_searches else None
    if partner_choices is not None:
        _form_partner_alliances(model, partner_choices)
    if platform_choices is not None:
        _join_platforms(model, platform_choices)


def evaluate_partner_offers(
    model: EcosystemModel,
    smb_idx: np.ndarray,
    request: TermsRequest | None = None,
    replacing: bool = False,
    draws: PartnerDraws | None = None,
) -> tuple[PartnerOffers, dict[str, np.ndarray]]:
    """Sample candidate partners for each SMB in ``smb_idx`` and evaluate them (ODD 7.4).

    Parameters
    ----------
    model
        The model.
    smb_idx
        SMB indices, one row of offers each.
    request
        The terms each SMB asks for (exclusivity, equity stake, share premium...); the
        market's default terms when omitted. Exclusive terms add a premium to a sales
        partner's reach, unless the SMB already has an alliance in that role.
    replacing
        The SMB is looking for a replacement of an alliance it holds, so its own exclusive
        alliances do not block offers in their role.
    draws
        The offers' random draws (:func:`draw_partner_offers`); drawn here when omitted.

    Returns
    -------
    offers
        What the strategy sees, shape (m, k).
    terms
        The negotiated terms behind each offer (share, type, flows) for forming the alliance.
    """
    cfg = model.config
    smbs, partners = model.smbs, model.partners
    if draws is None:
        draws = draw_partner_offers(model, len(smb_idx))
    cand, load = draws.candidates, draws.load
    role = partners.role[cand]
    holds_role = _holds_role(model, smb_idx, role)
    alliance_type = _offer_types(model, role, draws.innovation_draw)
    # rows gathered with take: numpy's fancy indexing of whole rows is several times slower
    compl = value.complementarity(
        np.take(partners.capability, cand, axis=0), np.take(smbs.capability, smb_idx, axis=0)[:, None, :]
    )
    if request is None:
        request = market_terms(cfg.alliance, smbs.switching_factor[smb_idx])
    flows = _forecast_flows(model, smb_idx, cand, alliance_type, compl, request, holds_role)
    share = _negotiate(model, smb_idx, cand, flows, request)
    net_share = share * (1.0 - request.equity_stake[:, None])  # owners get their part of the take back
    added_cost, hurdle = alliance_costs(model, smb_idx, replacing)
    expected_value = (
        _forecast_value(model, smb_idx, role, alliance_type, compl, flows, net_share, draws.forecast_noise)
        - added_cost[:, None]
    )
    feasible = _acceptable(model, smb_idx, cand, load, flows, net_share, holds_role, replacing) & draws.found
    feasible &= _pays_back(expected_value, hurdle[:, None])
    offers = PartnerOffers(
        partner=cand,
        role=role,
        complementarity=compl,
        expected_value=expected_value,
        expected_revenue=flows.channel_revenue,
        reputation=partners.reputation()[cand],
        centrality=_centrality(load, cand),
        size=partners.size[cand],
        alliance_type=alliance_type,
        feasible=feasible,
    )
    terms = {
        "type": alliance_type,
        "share": share,
        "exclusive": flows.exclusive,
        "base_weight": flows.base_weight,
        "gross_flow": flows.gross,
    }
    return offers, terms


def evaluate_platform_offers(
    model: EcosystemModel, smb_idx: np.ndarray, replacing: bool = False, noise: np.ndarray | None = None
) -> PlatformOffers:
    """Evaluate every platform for each SMB in ``smb_idx``, shape (m, n_platforms).

    The forecast value is net of the management cost the membership adds (:func:`alliance_costs`;
    as a replacement of a membership held when ``replacing``), and an offer is feasible only if it
    pays back its setup cost. ``noise`` is the forecasts' standard normal draw
    (:func:`draw_platform_noise`), drawn here when omitted.
    """
    cfg = model.config
    smbs, platforms = model.smbs, model.platforms
    m = len(smb_idx)
    if noise is None:
        noise = draw_platform_noise(model, m)
    weight = membership_weight(model, np.arange(platforms.n)[None, :], smb_idx[:, None])
    market = smbs.market_size[smb_idx][:, None]
    total = smbs.channel_weight[smb_idx][:, None] + weight
    revenue = value.channel_revenue(market, total, weight)
    vc_rate = value.variable_cost_rate(cfg.smb, smbs.automation[smb_idx])[:, None]
    fee = member_fees(model, np.arange(platforms.n)[None, :], smb_idx[:, None])
    true_value = (1.0 - fee - vc_rate) * revenue
    added_cost, hurdle = alliance_costs(model, smb_idx, replacing)
    expected_value = (
        true_value * np.exp(cfg.alliance.platform_noise_factor * cfg.alliance.evaluation_noise * noise)
        - added_cost[:, None]
    )
    member = model.ledger.has_pair(
        np.repeat(smb_idx, platforms.n),
        np.full(m * platforms.n, PLATFORM_KIND),
        np.tile(np.arange(platforms.n), m),
    ).reshape(m, platforms.n)
    return PlatformOffers(
        expected_value=expected_value,
        member_share=np.broadcast_to(platforms.member_share, (m, platforms.n)),
        fee=fee,
        feasible=~member
        & (platforms.barred_until[smb_idx] <= model.steps)
        & _pays_back(expected_value, hurdle[:, None]),
    )


def alliance_costs(
    model: EcosystemModel, smb_idx: np.ndarray, replacing: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """What one more alliance would cost each SMB in ``smb_idx`` (ODD 7.4, alliance costs).

    Returns
    -------
    added_cost
        The monthly management cost it adds (:func:`simulator.rules.value.added_running_cost`);
        as a replacement of an alliance held (``replacing``), that of holding as many as now.
    hurdle
        The net monthly value it must beat to pay back its setup cost
        (:func:`simulator.rules.value.setup_hurdle`).
    """
    cfg = model.config.alliance
    ledger = model.ledger
    fixed_cost = model.smbs.fixed_cost[smb_idx]
    held = ledger.active_count_by_smb(model.smbs.n)[smb_idx]
    if replacing:
        held = np.maximum(held - 1, 0)
    return value.added_running_cost(cfg, fixed_cost, held), value.setup_hurdle(cfg, fixed_cost)


def _pays_back(expected_value: np.ndarray, hurdle: np.ndarray) -> np.ndarray:
    """Offers whose forecast net monthly value beats the setup hurdle: an SMB does not knowingly
    take an alliance it expects to lose money on."""
    return expected_value > hurdle


def best_fresh_offer(model: EcosystemModel, smb_idx: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """Best feasible expected value a fresh search would find, for the same counterpart kind.

    Used at review by strategies that leave for a better alternative. Returns 0 where the
    search finds nothing.
    """
    best = np.zeros(len(smb_idx))
    on_platform = kinds == PLATFORM_KIND
    if on_platform.any() and model.platforms.n:
        offers = evaluate_platform_offers(model, smb_idx[on_platform])
        vals = np.where(offers.feasible, offers.expected_value, 0.0)
        best[on_platform] = vals.max(axis=1, initial=0.0)
    rest = ~on_platform
    if rest.any() and model.partners.n:
        offers, _ = evaluate_partner_offers(model, smb_idx[rest], replacing=True)
        same_kind = offers.role == kinds[rest][:, None]
        vals = np.where(offers.feasible & same_kind, offers.expected_value, 0.0)
        best[rest] = vals.max(axis=1, initial=0.0)
    return best


# ------------------------------------------------------------------------ internals
@dataclass
class PartnerDraws:
    """The random draws behind the partner offers of ``m`` searchers, shape (m, k) each."""

    candidates: np.ndarray  # the partners offered (:func:`_sample_candidates`)
    load: np.ndarray  # every partner's load when they were drawn
    found: bool  # whether any partner had spare capacity
    innovation_draw: np.ndarray  # uniform draw deciding innovation offers (:func:`_offer_types`)
    forecast_noise: np.ndarray  # standard normal draw of the value forecast (:func:`_forecast_value`)


def draw_partner_offers(model: EcosystemModel, m: int) -> PartnerDraws:
    """Draw the randomness of ``m`` searchers' partner offers from the model stream, in the order
    an evaluation uses it: candidates, offer types, forecast noise."""
    candidates, load, found = _sample_candidates(model, m)
    innovation_draw = model.rng.random(candidates.shape)
    return PartnerDraws(candidates, load, found, innovation_draw, model.rng.standard_normal(candidates.shape))


def draw_platform_noise(model: EcosystemModel, m: int) -> np.ndarray:
    """The standard normal draw of ``m`` searchers' forecasts of every platform, shape (m, n_platforms)."""
    return model.rng.standard_normal((m, model.platforms.n))


@dataclass
class PartnerSearch:
    """One strategy group's partner search: who searches, on what terms, with which draws."""

    strategy: Strategy
    smb_idx: np.ndarray
    request: TermsRequest
    draws: PartnerDraws


@dataclass
class PlatformSearch:
    """One strategy group's platform search: who searches, the data they share, their forecast noise."""

    strategy: Strategy
    smb_idx: np.ndarray
    data_sharing: np.ndarray
    noise: np.ndarray


Rows = TypeVar("Rows")
"""A dataclass of per-searcher arrays (offers, terms requests)."""


def offer_rows(offers: Rows, rows: slice | np.ndarray) -> Rows:
    """The rows ``rows`` of every array of a dataclass of per-searcher arrays (offers, requests)."""
    return type(offers)(**{f.name: getattr(offers, f.name)[rows] for f in fields(offers)})


def _stacked(parts: list[Any]) -> Any:
    """The searchers of several dataclasses of per-searcher arrays, one after the other."""
    return type(parts[0])(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(parts[0])})


def _group_rows(searches: list[PartnerSearch] | list[PlatformSearch]) -> list[slice]:
    """Each search's rows among all searches' searchers, in order."""
    ends = np.cumsum([len(search.smb_idx) for search in searches])
    return [slice(int(end - len(search.smb_idx)), int(end)) for search, end in zip(searches, ends, strict=True)]


@dataclass
class OfferFlows:
    """What a partner offer would move each month, forecast at today's state for the committed
    alliance at full scope (ODD 7.4, forecast of a partner offer); shape (m, k) each."""

    base_weight: np.ndarray  # channel weight before scope, trust and exclusivity
    exclusive: np.ndarray  # whether the terms are exclusive
    channel_revenue: np.ndarray  # sales through it (sales channels; 0 for others)
    automation_savings: np.ndarray  # savings of the automation it adds (0 where it brings none)
    credit_value: np.ndarray  # value of its credit line (0 where it grants none)
    gross: np.ndarray  # the sum of the three: the alliance's gross monthly flow
    revenue_now: np.ndarray  # the SMB's last revenue (at least 1e-9), shape (m, 1)


def _sample_candidates(model: EcosystemModel, m: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Draw ``alliance.candidates`` partners with spare capacity per searching SMB, with
    replacement; return them, the partners' loads, and whether any partner had spare capacity
    (if none had, the candidates are placeholders to be marked infeasible)."""
    partners = model.partners
    load = model.ledger.partner_load()
    available = np.flatnonzero(partners.alive & (load < partners.capacity))
    found = len(available) > 0
    if not found:
        available = np.zeros(1, dtype=np.int64)
    cand = available[model.rng.integers(0, len(available), size=(m, model.config.alliance.candidates))]
    return cand, load, found


def _in_offer_roles(by_role: np.ndarray, smb_idx: np.ndarray, role: np.ndarray) -> np.ndarray:
    """Entry ``by_role[smb, role]`` (a per-SMB, per-role table) for each offer: its SMB in
    ``smb_idx`` and its role in ``role`` (shape (m, k)); rows gathered with take, several times
    faster than fancy indexing of whole rows."""
    return np.take_along_axis(np.take(by_role, smb_idx, axis=0), role.astype(np.int64), axis=1)


def _holds_role(model: EcosystemModel, smb_idx: np.ndarray, role: np.ndarray) -> np.ndarray:
    """Whether each SMB in ``smb_idx`` already holds an alliance in the role of each of its
    offers (``role``, shape (m, k))."""
    return _in_offer_roles(model.ledger.role_holdings(model.smbs.n), smb_idx, role) > 0


def _offer_types(model: EcosystemModel, role: np.ndarray, innovation_draw: np.ndarray) -> np.ndarray:
    """The DPN type of each offer: its role's type, or innovation for a share
    ``partner.innovation_share`` of the offers of roles that innovate (where the uniform
    ``innovation_draw`` falls below it)."""
    innovation = INNOVATES[role] & (innovation_draw < model.config.partner.innovation_share)
    return np.where(innovation, INNOVATION, ROLE_TYPES[role]).astype(np.int8)


def _forecast_flows(
    model: EcosystemModel,
    smb_idx: np.ndarray,
    cand: np.ndarray,
    alliance_type: np.ndarray,
    compl: np.ndarray,
    request: TermsRequest,
    holds_role: np.ndarray,
) -> OfferFlows:
    """Forecast each offer's sales, automation savings and credit value (ODD 7.4); exclusive terms
    are offered only in roles the SMB holds no alliance in (``holds_role``)."""
    cfg = model.config
    smbs, partners = model.smbs, model.partners
    role = partners.role[cand]
    sells = SELLS[role]
    exclusive = sells & request.accept_exclusivity[:, None] & ~holds_role
    weight = value.base_channel_weight(cfg, role, alliance_type, compl)
    full_weight = weight * (1.0 + cfg.alliance.exclusivity_premium * exclusive)
    market = smbs.market_size[smb_idx][:, None]
    total = smbs.channel_weight[smb_idx][:, None] + full_weight
    revenue_now = np.maximum(smbs.revenue[smb_idx], 1e-9)[:, None]
    channel_revenue = np.where(sells, value.channel_revenue(market, total, full_weight), 0.0)
    # the savings of the automation the vendor would add to what the SMB has
    added = np.clip(partners.capability[cand, TECHNOLOGY_DIM] - smbs.automation[smb_idx][:, None], 0.0, None)
    automation_savings = value.automation_savings(cfg.smb, added, revenue_now) * DELIVERS_AUTOMATION[role]
    line = value.credit_line(cfg.alliance, smbs.fixed_cost[smb_idx])[:, None] * DELIVERS_CREDIT[role]
    line *= partners.credit_factor
    credit_value = value.support_value(cfg.alliance, line)
    return OfferFlows(
        base_weight=weight,
        exclusive=exclusive,
        channel_revenue=channel_revenue,
        automation_savings=automation_savings,
        credit_value=credit_value,
        gross=channel_revenue + automation_savings + credit_value,
        revenue_now=revenue_now,
    )


def _negotiate(
    model: EcosystemModel, smb_idx: np.ndarray, cand: np.ndarray, flows: OfferFlows, request: TermsRequest
) -> np.ndarray:
    """The partner's revenue share from both sides' bargaining power, plus the share premium the
    SMB offers (ODD 7.4, bargaining power and negotiated share)."""
    cfg = model.config.alliance
    smbs, partners = model.smbs, model.partners
    gross = flows.gross
    smb_dep = gross / (flows.revenue_now + flows.channel_revenue)
    share_guess = value.negotiated_share(cfg, 0.5)  # the midpoint share: neither side assumed stronger
    partner_dep = share_guess * gross / (partners.income[cand] + share_guess * gross + 1e-12)
    influence = smbs.influence[smb_idx][:, None]
    power = value.bargaining_power(partners.size[cand], flows.revenue_now, smb_dep, partner_dep, influence)
    return np.clip(value.negotiated_share(cfg, power) + request.share_premium[:, None], 0.0, 1.0)


def _forecast_value(
    model: EcosystemModel,
    smb_idx: np.ndarray,
    role: np.ndarray,
    alliance_type: np.ndarray,
    compl: np.ndarray,
    flows: OfferFlows,
    net_share: np.ndarray,
    noise: np.ndarray,
) -> np.ndarray:
    """The SMB's noisy forecast of each offer's monthly value to it (ODD 7.4, value forecast);
    ``noise`` is the forecast's standard normal draw."""
    cfg = model.config
    revenue_now = flows.revenue_now
    vc_rate = value.variable_cost_rate(cfg.smb, model.smbs.automation[smb_idx][:, None])
    supply_saving = np.where(
        value.supplies(role, alliance_type), value.supply_chain_saving(cfg.alliance, compl) * vc_rate * revenue_now, 0.0
    )
    true_value = np.where(
        SELLS[role],
        (1.0 - net_share - vc_rate) * flows.channel_revenue + supply_saving,
        (1.0 - net_share) * (flows.automation_savings + flows.credit_value),
    )
    return true_value * np.exp(cfg.alliance.evaluation_noise * noise)


def _acceptable(
    model: EcosystemModel,
    smb_idx: np.ndarray,
    cand: np.ndarray,
    load: np.ndarray,
    flows: OfferFlows,
    net_share: np.ndarray,
    holds_role: np.ndarray,
    replacing: bool,
) -> np.ndarray:
    """Offers the partner accepts (its income reaches its reservation) and the SMB may take: no
    alliance with this partner yet, no exclusive alliance in its role (unless replacing), and a
    positive gross flow (ODD 7.4, acceptance and feasibility)."""
    partners, ledger = model.partners, model.ledger
    m, k = cand.shape
    role = partners.role[cand]
    partner_income = net_share * flows.gross
    reservation = (
        model.config.partner.reservation_share * partners.size[cand] * (1.0 + load[cand] / partners.capacity[cand])
    )
    acceptable = (partner_income >= reservation) & (flows.gross > 0)
    if not replacing:  # a replacement is not blocked by the exclusive alliance it replaces
        acceptable &= ~_in_offer_roles(ledger.exclusive_holdings(model.smbs.n), smb_idx, role)
    # the pairs are looked up last, for the offers still open: a partner's alliances are all in its
    # role, so only an SMB holding that role can hold the pair already
    ask = acceptable & holds_role
    acceptable[ask] = ~ledger.has_pair(np.broadcast_to(smb_idx[:, None], (m, k))[ask], role[ask], cand[ask])
    return acceptable


def _centrality(load: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """Each candidate's load over the largest load of any partner."""
    degree = load.astype(float)
    return degree[cand] / max(degree.max(), 1.0)


def _choose_partners(model: EcosystemModel, searches: list[PartnerSearch]) -> dict[str, np.ndarray]:
    """Evaluate the partner offers of every group's searchers at once; each group's strategy
    picks its best offer per searcher (if it scores above 0)."""
    offers, terms = evaluate_partner_offers(
        model,
        np.concatenate([search.smb_idx for search in searches]),
        _stacked([search.request for search in searches]),
        draws=_stacked_draws([search.draws for search in searches]),
    )
    return _concat(
        [
            _pick_partner(model, search, offer_rows(offers, rows), {k: v[rows] for k, v in terms.items()})
            for search, rows in zip(searches, _group_rows(searches), strict=True)
        ]
    )


def _stacked_draws(draws: list[PartnerDraws]) -> PartnerDraws:
    """The draws of several searches, one after the other (drawn at the same partner loads)."""
    return PartnerDraws(
        candidates=np.concatenate([d.candidates for d in draws]),
        load=draws[0].load,
        found=draws[0].found,
        innovation_draw=np.concatenate([d.innovation_draw for d in draws]),
        forecast_noise=np.concatenate([d.forecast_noise for d in draws]),
    )


def _pick_partner(
    model: EcosystemModel, search: PartnerSearch, offers: PartnerOffers, terms: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    smb_idx, request = search.smb_idx, search.request
    scores = search.strategy.score_partners(model, smb_idx, offers)
    best = np.argmax(scores, axis=1)
    rows = np.arange(len(smb_idx))
    ok = np.isfinite(scores[rows, best]) & (scores[rows, best] > 0)
    pick = (rows[ok], best[ok])
    return {
        "smb": smb_idx[ok],
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


def _choose_platforms(model: EcosystemModel, searches: list[PlatformSearch]) -> dict[str, np.ndarray]:
    """Evaluate every platform for every group's searchers at once; each group's strategy picks
    its best platform per searcher (if its forecast value is positive)."""
    offers = evaluate_platform_offers(
        model,
        np.concatenate([search.smb_idx for search in searches]),
        noise=np.concatenate([search.noise for search in searches]),
    )
    return _concat(
        [
            _pick_platform(model, search, offer_rows(offers, rows))
            for search, rows in zip(searches, _group_rows(searches), strict=True)
        ]
    )


def _pick_platform(model: EcosystemModel, search: PlatformSearch, offers: PlatformOffers) -> dict[str, np.ndarray]:
    smb_idx = search.smb_idx
    scores = search.strategy.score_platforms(model, smb_idx, offers)
    best = np.argmax(scores, axis=1)
    rows = np.arange(len(smb_idx))
    ok = np.isfinite(scores[rows, best]) & (offers.expected_value[rows, best] > 0)
    return {
        "smb": smb_idx[ok],
        "platform": best[ok],
        "expected_value": offers.expected_value[rows[ok], best[ok]],
        "data_sharing": search.data_sharing[ok],
    }


def _form_partner_alliances(model: EcosystemModel, proposals: dict[str, np.ndarray]) -> None:
    """Settle competition for partners' free places, then record the alliances."""
    if len(proposals["smb"]) == 0:
        return
    cfg = model.config
    partners = model.partners
    spare = partners.capacity - model.ledger.partner_load()
    order = model.rng.permutation(len(proposals["smb"]))
    order = order[np.argsort(proposals["partner"][order], kind="stable")]
    grouped = proposals["partner"][order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    lengths = np.diff(np.r_[starts, len(grouped)])
    rank = np.arange(len(grouped)) - np.repeat(starts, lengths)
    accepted = np.sort(order[rank < spare[grouped]])
    take = {k: v[accepted] for k, v in proposals.items()}
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
        smb_edge=value.capability_edge(
            np.take(model.smbs.capability, take["smb"], axis=0), np.take(partners.capability, take["partner"], axis=0)
        ),
        trust=cfg.alliance.initial_trust,
        expected_value=take["expected_value"],
        value_ema=0.0,  # set to what the SMB expects right below
    )
    schedule_reviews(model, ids)
    model.events.record(model.steps, "formed", ids, "search")
    _pay_setup(model, take["smb"])
    commit(model, ids[~pilot])
    # after commitment, so that an alliance that starts committed expects its full scope
    model.ledger.value_ema[ids] = expected_now(model, ids)


def _join_platforms(model: EcosystemModel, proposals: dict[str, np.ndarray]) -> None:
    if len(proposals["smb"]) == 0:
        return
    platforms = model.platforms
    cfg = model.config
    ids = model.ledger.add(
        smb=proposals["smb"],
        smb_uid=model.smbs.uid[proposals["smb"]],
        kind=PLATFORM_KIND,
        counterpart=proposals["platform"],
        counterpart_uid=platforms.uid[proposals["platform"]],
        type=PLATFORM_MEMBERSHIP,
        form=CONTRACTUAL,
        phase=COMMITTED,
        share=member_fees(model, proposals["platform"], proposals["smb"]),
        info_sharing=proposals["data_sharing"],
        review_interval=cfg.alliance.review_interval,
        formed_step=model.steps,
        trust=cfg.alliance.initial_trust,
        expected_value=proposals["expected_value"],
        value_ema=proposals["expected_value"],
    )
    schedule_reviews(model, ids)
    model.events.record(model.steps, "formed", ids, "search")
    _pay_setup(model, proposals["smb"])
    platforms.members += np.bincount(proposals["platform"], minlength=platforms.n)


def _concat(batches: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([b[k] for b in batches]) for k in batches[0]}


def _pay_setup(model: EcosystemModel, smb_idx: np.ndarray) -> None:
    """The SMBs of new alliances pay their setup cost; it leaves the ecosystem (flow ``alliance_setup``)."""
    cost = value.setup_cost(model.config.alliance, model.smbs.fixed_cost[smb_idx])
    model.smbs.cash -= np.bincount(smb_idx, weights=cost, minlength=model.smbs.n)
    model.flows["alliance_setup"] += float(cost.sum())
