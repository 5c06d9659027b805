"""Checks a configuration before a run starts, reporting the first problem in one line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

import numpy as np

from simulator.config import (
    MEMBER_PLATFORM_KEYS,
    FocalAllianceConfig,
    ModelConfig,
    PlatformConfig,
    ShockConfig,
    check_dataclass_values,
    platform_configs,
)
from simulator.core.population import apportion
from simulator.core.roles import ROLES, reach_key, role_shares, share_key
from simulator.errors import ConfigError, did_you_mean

SHARE_TOLERANCE = 1e-6


def validate(config: ModelConfig) -> None:
    """Raise :class:`ConfigError` for the first invalid value in ``config``.

    Checks every parameter's type and range (from the field metadata of
    :mod:`simulator.config`), that the partner role shares sum to 1, that paired bounds are
    ordered, each platform's settings, that strategies' cash buffers stay below the owners'
    cash cap, that the SMBs entering over the run fit in ``MAX_POPULATION_GROWTH x n_smbs`` rows,
    that the strategy (or every strategy of a mix, with shares summing to 1) exists with valid
    parameters and has what it needs (platforms for platform strategies), that strategies that
    evolve have two or more to evolve among, and that scheduled shocks fit the ecosystem.
    Unknown keys never get this far: :func:`simulator.config.from_dict` refuses them.

    Parameters
    ----------
    config
        The configuration to check.
    """
    from simulator.strategies import build_population

    check_dataclass_values(config, "")
    if not isinstance(config.strategy, Mapping):
        raise ConfigError("strategy", f"must be a mapping with a 'name' key, got {config.strategy!r}")
    _check_roles(config)
    _ordered(config.alliance.share_min, config.alliance.share_max, "alliance.share_min", "alliance.share_max")
    _ordered(config.smb.fixed_cost_low, config.smb.fixed_cost_high, "smb.fixed_cost_low", "smb.fixed_cost_high")
    _check_platforms(config)
    _check_investment_buffers(config)
    _check_population_growth(config)
    _check_platform_strategies(config, build_population(config.strategy))
    _check_adaptation(config, build_population(config.strategy))
    for i, shock in enumerate(config.shocks):
        if not isinstance(shock, ShockConfig):
            raise ConfigError(
                f"shocks[{i}]", f"must be a shock (ShockConfig or a mapping via from_dict), got {shock!r}"
            )
        check_dataclass_values(shock, f"shocks[{i}]")
    from simulator.shocks import ShockSchedule

    ShockSchedule.build(config)
    _check_focal(config)


def _check_focal(config: ModelConfig) -> None:
    """A focal firm must fit the ecosystem it is put in: its sector, platforms and partner roles
    exist, its strategy is a registered one (not a mix) with valid parameters, the revenue
    shares it sells through partners sum to less than 1, and its capabilities are known
    dimensions in [0, 1]. Checked only when the focal firm is enabled."""
    from simulator.core.vocabulary import CAPABILITIES
    from simulator.strategies import MIX, make_strategy

    focal = config.focal
    if not focal.enabled:
        return
    if focal.sector >= config.market.n_sectors:
        raise ConfigError("focal.sector", f"is {focal.sector} but the ecosystem has {config.market.n_sectors} sectors")
    if not isinstance(focal.strategy, Mapping) or focal.strategy.get("name") == MIX:
        raise ConfigError("focal.strategy", "must be one registered strategy with its parameters, not a mix")
    strategy = make_strategy(focal.strategy, "focal.strategy")
    if strategy.needs_platforms and config.n_platforms == 0:
        raise ConfigError("focal.strategy", f"{strategy.name} is a platform strategy but n_platforms=0")
    buffer = getattr(strategy.params, "cash_buffer_months", None)
    if buffer is not None and buffer >= config.smb.cash_cap_months:
        raise ConfigError(
            "focal.strategy.cash_buffer_months",
            f"must be below smb.cash_cap_months ({config.smb.cash_cap_months:g}), got {buffer:g}",
        )
    if not isinstance(focal.capabilities, Mapping):
        raise ConfigError(
            "focal.capabilities", f"must be a mapping of capability names to [0, 1], got {focal.capabilities!r}"
        )
    for name, level in focal.capabilities.items():
        if name not in CAPABILITIES:
            raise ConfigError(
                f"focal.capabilities.{name}",
                f"not a capability{did_you_mean(str(name), CAPABILITIES)}; allowed: {', '.join(CAPABILITIES)}",
            )
        if isinstance(level, bool) or not isinstance(level, int | float) or not 0.0 <= level <= 1.0:
            raise ConfigError(f"focal.capabilities.{name}", f"must be in [0, 1], got {level!r}")
    roles = {role.name: role for role in ROLES}
    # how many partners each role has: apportion's counts do not depend on its draws
    shares = role_shares(config.partner)
    partner_counts = np.bincount(apportion(config.n_partners, shares, np.random.default_rng(0)), minlength=len(ROLES))
    sold = 0.0
    seen: set[tuple[str, int]] = set()
    for i, alliance in enumerate(focal.alliances):
        key = f"focal.alliances[{i}]"
        if not isinstance(alliance, FocalAllianceConfig):
            raise ConfigError(key, f"must be an alliance (a mapping of focal.alliances[i].* keys), got {alliance!r}")
        check_dataclass_values(alliance, key)
        if alliance.counterpart == "platform":
            if alliance.index >= config.n_platforms or config.n_platforms == 0:
                raise ConfigError(
                    f"{key}.index",
                    f"platform {max(alliance.index, 0)} does not exist (n_platforms={config.n_platforms})",
                )
            if alliance.share > 0:
                raise ConfigError(
                    f"{key}.share", "must be 0 for a platform: its share of revenue follows from the platform's reach"
                )
        else:
            role = roles.get(alliance.counterpart)
            if role is None:
                raise ConfigError(f"{key}.counterpart", f"{alliance.counterpart!r} is not a partner role of the model")
            if alliance.index >= config.n_partners:
                raise ConfigError(
                    f"{key}.index", f"partner {alliance.index} does not exist (n_partners={config.n_partners})"
                )
            if partner_counts[ROLES.index(role)] == 0:
                raise ConfigError(f"{key}.counterpart", f"the ecosystem has no {role.name} partner")
            if alliance.share > 0 and not role.sells:
                raise ConfigError(f"{key}.share", f"must be 0: a {role.name} sells nothing for the firm")
            sold += alliance.share
        pair = (alliance.counterpart, alliance.index)
        if alliance.index >= 0 and pair in seen:
            raise ConfigError(f"{key}.index", "the focal firm already holds an alliance with this counterpart")
        seen.add(pair)
    if sold >= 1.0:
        raise ConfigError(
            "focal.alliances",
            f"partner revenue shares sum to {sold:g}; they must leave the firm's own channel something (< 1)",
        )


def _check_roles(config: ModelConfig) -> None:
    """Every partner role (:data:`simulator.core.roles.ROLES`) has its configuration fields, and
    the role shares sum to 1."""
    for role in ROLES:
        keys = [share_key(role), reach_key(role)] if role.sells else [share_key(role)]
        for key in keys:
            if not hasattr(config.partner, key):
                raise ConfigError(f"partner.{key}", f"missing: role {role.name} needs it in PartnerConfig")
    shares = role_shares(config.partner)
    total = float(shares.sum())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        listed = ", ".join(f"{share_key(r)}={v:g}" for r, v in zip(ROLES, shares, strict=True))
        raise ConfigError("partner", f"role shares must sum to 1, got {total:g} ({listed})")


def _check_platforms(config: ModelConfig) -> None:
    allowed = [f.name for f in fields(PlatformConfig) if f.name not in ("per_platform", *MEMBER_PLATFORM_KEYS)]
    per = config.platform.per_platform
    if not isinstance(per, list | tuple):
        raise ConfigError("platform.per_platform", f"must be a list of mappings of platform keys, got {per!r}")
    if len(per) > config.n_platforms:
        raise ConfigError("platform.per_platform", f"has {len(per)} entries for n_platforms={config.n_platforms}")
    for i, override in enumerate(per):
        key = f"platform.per_platform[{i}]"
        if not isinstance(override, Mapping):
            raise ConfigError(key, f"must be a mapping of platform keys, got {override!r}")
        unknown = sorted(map(str, set(override) - set(allowed)))
        if unknown:
            hint = did_you_mean(f"{key}.{unknown[0]}", [f"{key}.{a}" for a in allowed])
            raise ConfigError(f"{key}.{unknown[0]}", f"not a platform key{hint}; allowed: {', '.join(allowed)}")
    for i, platform in enumerate(platform_configs(config)):
        prefix = f"platform.per_platform[{i}]" if i < len(per) else "platform"
        check_dataclass_values(platform, prefix)
        _ordered(platform.fee_min, platform.fee_max, f"{prefix}.fee_min", f"{prefix}.fee_max")
        if platform.governance != "fixed" and not platform.fee_min <= platform.fee <= platform.fee_max:
            bounds = f"[fee_min, fee_max] = [{platform.fee_min:g}, {platform.fee_max:g}]"
            raise ConfigError(
                f"{prefix}.fee", f"must be in {bounds} under {platform.governance} governance, got {platform.fee:g}"
            )


def _check_platform_strategies(config: ModelConfig, population: list) -> None:
    """A strategy about platforms means nothing in an ecosystem without one."""
    if config.n_platforms > 0:
        return
    for strategy, _ in population:
        if strategy.needs_platforms:
            key = f"strategy.shares.{strategy.name}" if config.strategy.get("name") == "mix" else "strategy"
            reason = f"{strategy.name} is a platform strategy but n_platforms=0"
            raise ConfigError(key, f"{reason}; set n_platforms >= 1 or choose another strategy")


def _check_adaptation(config: ModelConfig, population: list) -> None:
    """Strategies can only evolve among at least two strategies of the population."""
    if config.adaptation.revision_rate > 0 and len(population) < 2:
        names = ", ".join(strategy.name for strategy, _ in population)
        raise ConfigError(
            "adaptation.revision_rate",
            f"strategies can only evolve among two or more strategies, but the population has one ({names}); "
            "use strategy=mix with two or more positive shares, or revision_rate=0",
        )


def _check_investment_buffers(config: ModelConfig) -> None:
    """A strategy that keeps more cash than owners leave in the firm could never invest."""
    from simulator.strategies import MIX, build_population

    mixed = config.strategy.get("name") == MIX
    for strategy, _ in build_population(config.strategy):
        buffer = getattr(strategy.params, "cash_buffer_months", None)
        if buffer is not None and buffer >= config.smb.cash_cap_months:
            key = f"strategy.params.{strategy.name}" if mixed else "strategy"
            raise ConfigError(
                f"{key}.cash_buffer_months",
                f"must be below smb.cash_cap_months ({config.smb.cash_cap_months:g}), got {buffer:g}",
            )


def _check_population_growth(config: ModelConfig) -> None:
    """Entrants' rows are kept to the end of the run: refuse an entry rate whose expected entrants
    would need more than MAX_POPULATION_GROWTH x n_smbs rows."""
    from simulator.rules.demography import MAX_POPULATION_GROWTH

    rate = config.smb.entry_rate
    entrants = rate * config.steps  # expected entrants over the run, per initial SMB
    if entrants > MAX_POPULATION_GROWTH - 1.0:
        raise ConfigError(
            "smb.entry_rate",
            f"{rate:g} x {config.steps} steps would add {entrants:g} x n_smbs SMBs; at most "
            f"{MAX_POPULATION_GROWTH - 1.0:g} x n_smbs may enter over a run (so entry_rate <= "
            f"{(MAX_POPULATION_GROWTH - 1.0) / config.steps:.4g} for {config.steps} steps)",
        )


def _ordered(low: float, high: float, low_key: str, high_key: str) -> None:
    if low > high:
        raise ConfigError(low_key, f"must not exceed {high_key} ({high:g}), got {low:g}")
