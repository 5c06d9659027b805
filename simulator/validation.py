"""Checks a configuration before a run starts, reporting the first problem in one line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

from simulator.config import ModelConfig, PlatformConfig, check_dataclass_values, partner_role_shares, platform_configs
from simulator.errors import ConfigError

SHARE_TOLERANCE = 1e-6


def validate(config: ModelConfig) -> None:
    """Raise :class:`ConfigError` for the first invalid value in ``config``.

    Checks every parameter's type and range (from the field metadata of
    :mod:`simulator.config`), that the partner role shares sum to 1, that paired bounds are
    ordered, each platform's settings, that strategies' cash buffers stay below the owners'
    cash cap, that the SMBs entering over the run fit in ``MAX_POPULATION_GROWTH x n_smbs`` rows,
    that the strategy (or every strategy of a mix, with shares summing to 1) exists with valid
    parameters, and that scheduled shocks fit the ecosystem.

    Parameters
    ----------
    config
        The configuration to check.
    """
    from simulator.strategies import build_population

    check_dataclass_values(config, "")
    shares = partner_role_shares(config.partner)
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        listed = ", ".join(f"{k}_share={v:g}" for k, v in shares.items())
        raise ConfigError("partner", f"role shares must sum to 1, got {total:g} ({listed})")
    _ordered(config.alliance.share_min, config.alliance.share_max, "alliance.share_min", "alliance.share_max")
    _ordered(config.smb.fixed_cost_low, config.smb.fixed_cost_high, "smb.fixed_cost_low", "smb.fixed_cost_high")
    _check_platforms(config)
    _check_investment_buffers(config)
    _check_population_growth(config)
    build_population(config.strategy)
    for i, shock in enumerate(config.shocks):
        check_dataclass_values(shock, f"shocks[{i}]")
    from simulator.shocks import ShockSchedule

    ShockSchedule.build(config)


def _check_platforms(config: ModelConfig) -> None:
    allowed = [f.name for f in fields(PlatformConfig) if f.name != "per_platform"]
    per = config.platform.per_platform
    if len(per) > config.n_platforms:
        raise ConfigError("platform.per_platform", f"has {len(per)} entries for n_platforms={config.n_platforms}")
    for i, override in enumerate(per):
        key = f"platform.per_platform[{i}]"
        if not isinstance(override, Mapping):
            raise ConfigError(key, f"must be a mapping of platform keys, got {override!r}")
        unknown = sorted(set(override) - set(allowed))
        if unknown:
            raise ConfigError(f"{key}.{unknown[0]}", f"not a platform key; allowed: {', '.join(allowed)}")
    for i, platform in enumerate(platform_configs(config)):
        prefix = f"platform.per_platform[{i}]" if i < len(per) else "platform"
        check_dataclass_values(platform, prefix)
        _ordered(platform.fee_min, platform.fee_max, f"{prefix}.fee_min", f"{prefix}.fee_max")
        if platform.governance != "fixed" and not platform.fee_min <= platform.fee <= platform.fee_max:
            bounds = f"[fee_min, fee_max] = [{platform.fee_min:g}, {platform.fee_max:g}]"
            raise ConfigError(
                f"{prefix}.fee", f"must be in {bounds} under {platform.governance} governance, got {platform.fee:g}"
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
