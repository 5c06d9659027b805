"""Value mechanics shared by forecasting (at formation) and realization (each step).

Keeping both in one place means an SMB forecasts an alliance with the same formulas that later
pay it out; only its forecasting error and what changes in between (trust, scope, demand,
other alliances) separate expectation from realization.
"""

from __future__ import annotations

import numpy as np

from simulator.config import AllianceConfig, ModelConfig, SMBConfig
from simulator.core.roles import DELIVERS_SUPPLY, role_reach
from simulator.core.rowwise import last_axis_mean
from simulator.core.vocabulary import INNOVATION, PILOT


def complementarity(partner_capability: np.ndarray, smb_capability: np.ndarray) -> np.ndarray:
    """How much a partner is strong where the SMB is weak.

    The mean over competence dimensions of ``max(0, partner - smb)``; 0 when the partner is
    nowhere better, 1 when it is perfect where the SMB has nothing.
    """
    return last_axis_mean(np.clip(partner_capability - smb_capability, 0.0, None))


def base_channel_weight(
    config: ModelConfig, role: np.ndarray, alliance_type: np.ndarray, compl: np.ndarray
) -> np.ndarray:
    """Channel weight an alliance adds before scope, trust and exclusivity.

    ``reach(role) x complementarity multiplier``, times ``alliance.innovation_reach_factor`` for
    innovation alliances, with ``reach(role)`` the role's ``partner.<role>_reach`` if it sells
    and zero otherwise (:func:`simulator.core.roles.role_reach`).
    """
    reach = role_reach(config.partner)[role]
    factor = np.where(alliance_type == INNOVATION, config.alliance.innovation_reach_factor, 1.0)
    return reach * complementarity_multiplier(config.alliance, compl) * factor


def complementarity_multiplier(config: AllianceConfig, compl: np.ndarray) -> np.ndarray:
    """How a partner's reach and supply-chain saving scale with complementarity:
    ``complementarity_floor + complementarity_slope x complementarity`` (1 at 0.25 by default)."""
    return config.complementarity_floor + config.complementarity_slope * compl


def captured_share(total_weight: np.ndarray) -> np.ndarray:
    """Share of an SMB's market it reaches through channels of total weight ``W``: 1 - e^-W."""
    return 1.0 - np.exp(-total_weight)


def channel_revenue(market_size: np.ndarray, total_weight: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Revenue through one channel: the captured market split in proportion to weights."""
    return split_revenue(market_size * captured_share(total_weight), total_weight, weight)


def split_revenue(revenue: np.ndarray, total_weight: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Revenue through one channel from the revenue already captured (``market_size x
    captured_share(total_weight)``): :func:`channel_revenue` without computing the captured share
    again, with the same bits."""
    return revenue * weight / total_weight


def bargaining_power(
    partner_size: np.ndarray,
    smb_size: np.ndarray,
    smb_dependence: np.ndarray,
    partner_dependence: np.ndarray,
    smb_influence: np.ndarray | float = 0.0,
) -> np.ndarray:
    """The counterpart's bargaining power in [0, 1].

    The mean of its relative size, ``P / (P + S)``, and the SMB's relative dependence,
    ``d_smb / (d_smb + d_partner)``: the side that needs the deal less and is bigger wins more.
    The SMB's ecosystem influence ``I`` in [0, 1) scales it down by ``(1 - I)``.
    """
    size_term = partner_size / np.maximum(partner_size + smb_size, 1e-12)
    dep_total = smb_dependence + partner_dependence
    dep_term = np.where(dep_total > 0, smb_dependence / np.maximum(dep_total, 1e-12), 0.5)
    return 0.5 * (size_term + dep_term) * (1.0 - smb_influence)


def member_fee(fee: np.ndarray, fee_bargaining: np.ndarray, smb_influence: np.ndarray) -> np.ndarray:
    """The fee a platform member pays: the posted fee ``f`` bargained down by the member's
    ecosystem influence ``I``, ``f x (1 - b x I)`` with ``b`` the platform's ``fee_bargaining``
    (0: every member takes the posted fee; 1: the platform's power is scaled like a partner's in
    :func:`bargaining_power`)."""
    return fee * (1.0 - fee_bargaining * smb_influence)


def capability_edge(smb_capability: np.ndarray, partner_capability: np.ndarray) -> np.ndarray:
    """How much an SMB is stronger than a partner: ``sum_d max(0, c_smb,d - c_partner,d)`` over the
    competence dimensions (what the partner could learn from it; the mirror of :func:`complementarity`)."""
    return np.clip(smb_capability - partner_capability, 0.0, None).sum(axis=-1)


def appropriation(leaked: np.ndarray, edge: np.ndarray) -> np.ndarray:
    """Share of the SMB's capability edge a partner has learned in the alliance, in [0, 1].

    ``min(L / E0, 1)`` with ``L`` the knowledge the alliance leaked to the partner (the gap it
    closed on the dimensions where the SMB was stronger, ODD 7.8) and ``E0`` the SMB's edge over the
    partner when the alliance was formed (:func:`capability_edge`); 0 where the SMB had no edge.
    The SMB's side of the race is the same formula on the knowledge it gained and the partner's
    edge over it (:func:`simulator.rules.review.absorption`).
    """
    return np.where(edge > 0, np.minimum(leaked / np.maximum(edge, 1e-12), 1.0), 0.0)


def appropriated_power(
    power: np.ndarray, appropriated: np.ndarray, leverage: float, absorbed: np.ndarray | float = 0.0
) -> np.ndarray:
    """A counterpart's bargaining power after the learning race (Hamel 1991), both ways.

    ``power + leverage x (appropriated x (1 - power) - absorbed x power)``: a partner that has
    learned a share ``appropriated`` of the SMB's edge takes that share (times
    ``alliance.appropriation_leverage``) of the power the SMB had left, since what the SMB brings
    is that much easier to replace; an SMB that has learned a share ``absorbed`` of the partner's
    edge over it takes that share of the partner's power, since what the partner brings is that
    much easier to do without. Stays in [0, 1] for ``leverage`` in [0, 1].
    """
    return power + leverage * (appropriated * (1.0 - power) - absorbed * power)


def imitation_erosion(rivalry: float, imitated: np.ndarray) -> np.ndarray:
    """What is left of an SMB's direct-channel reach once partners imitate its edge (ODD 7.29).

    ``1 - rivalry x imitated``: partners that learned the share ``imitated`` of the SMB's edge
    (summed over its alliances, at most 1) replicate it and sell it to the SMB's direct customers,
    taking ``alliance.imitation_rivalry`` of that share of its reach.
    """
    return 1.0 - rivalry * imitated


def negotiated_share(config: AllianceConfig, power: np.ndarray) -> np.ndarray:
    """The partner's revenue share: ``share_min + (share_max - share_min) * power``."""
    return config.share_min + (config.share_max - config.share_min) * power


def scope(config: AllianceConfig, phase: np.ndarray) -> np.ndarray:
    """Share of its full scope an alliance in ``phase`` delivers: ``pilot_scope`` during its
    pilot, 1 once committed."""
    return np.where(phase == PILOT, config.pilot_scope, 1.0)


def supplies(kind: np.ndarray, alliance_type: np.ndarray) -> np.ndarray:
    """Whether each alliance supplies inputs (supply-chain savings, stock-outs): its partner's
    role delivers supply-chain savings and it was not formed as an innovation alliance."""
    return DELIVERS_SUPPLY[kind] & (alliance_type != INNOVATION)


def supply_chain_saving(config: AllianceConfig, compl: np.ndarray) -> np.ndarray:
    """Share of variable cost a supply-chain alliance saves: ``supply_chain_saving x complementarity
    multiplier``."""
    return config.supply_chain_saving * complementarity_multiplier(config, compl)


def variable_cost_rate(config: SMBConfig, automation: np.ndarray) -> np.ndarray:
    """Variable cost per unit of revenue after automation."""
    return config.variable_cost * (1.0 - config.automation_efficiency * automation)


def automation_savings(config: SMBConfig, automation: np.ndarray, revenue: np.ndarray) -> np.ndarray:
    """Variable cost saved by automation at this revenue."""
    return config.variable_cost * config.automation_efficiency * automation * revenue


def running_cost(config: AllianceConfig, fixed_cost: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Monthly management cost booked on each alliance of an SMB holding ``held`` alliances.

    ``fixed_cost x (coordination_cost + attention_cost x held)``: summed over its ``held``
    alliances, the SMB pays ``fixed_cost x (coordination_cost x n + attention_cost x n^2)``.
    """
    return fixed_cost * (config.coordination_cost + config.attention_cost * held)


def added_running_cost(config: AllianceConfig, fixed_cost: np.ndarray, held: np.ndarray) -> np.ndarray:
    """How much an SMB holding ``held`` alliances adds to its monthly management cost by taking one
    more: ``fixed_cost x (coordination_cost + attention_cost x (2 held + 1))`` (the new alliance's
    own cost and the extra attention it takes from the others)."""
    return fixed_cost * (config.coordination_cost + config.attention_cost * (2 * held + 1))


def setup_cost(config: AllianceConfig, fixed_cost: np.ndarray) -> np.ndarray:
    """One-off cost of forming an alliance: ``setup_cost`` months of the SMB's fixed cost."""
    return config.setup_cost * fixed_cost


def setup_hurdle(config: AllianceConfig, fixed_cost: np.ndarray) -> np.ndarray:
    """Net monthly value an alliance must be forecast to beat to be formed: its setup cost spread
    over ``payback_months``."""
    return setup_cost(config, fixed_cost) / config.payback_months


def credit_line(config: AllianceConfig, fixed_cost: np.ndarray) -> np.ndarray:
    """Credit line a support-service alliance grants: ``credit_months`` of fixed cost."""
    return config.credit_months * fixed_cost


def support_value(config: AllianceConfig, line: np.ndarray) -> np.ndarray:
    """Monthly value of a credit line to the SMB: the interest it would cost on the open market
    (``credit_market_multiple`` times the line's own rate) on the full line."""
    return config.credit_market_multiple * config.credit_interest * line


def support_retainer(config: AllianceConfig, share: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Monthly retainer the SMB pays a support service: its share of the line's value."""
    return share * support_value(config, line)
