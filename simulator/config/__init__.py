"""The model's configuration: every parameter declared once, with its default, meaning and range.

- :mod:`~simulator.config.schema`: the dataclasses (:class:`ModelConfig` and its groups);
- :mod:`~simulator.config.checks`: checking values against the declared ranges;
- :mod:`~simulator.config.design`: applying one point of a sensitivity design.
"""

from simulator.config.checks import check_dataclass_values
from simulator.config.design import apply_design, is_numeric_parameter, read_design, set_parameter
from simulator.config.keywords import config_from_keywords
from simulator.config.schema import (
    ADAPTATION_RULES,
    GOVERNANCE_POLICIES,
    MEMBER_PLATFORM_KEYS,
    NEIGHBOURHOODS,
    PERFORMANCE_SIGNALS,
    RECORDED_KEYS,
    REVIEW_SCHEDULES,
    AdaptationConfig,
    AllianceConfig,
    FocalAllianceConfig,
    FocalConfig,
    MarketConfig,
    ModelConfig,
    PartnerConfig,
    PlatformConfig,
    ResilienceConfig,
    ShockConfig,
    SMBConfig,
    from_dict,
    param,
    platform_configs,
    schema_keys,
)

__all__ = [
    "ADAPTATION_RULES",
    "GOVERNANCE_POLICIES",
    "MEMBER_PLATFORM_KEYS",
    "NEIGHBOURHOODS",
    "PERFORMANCE_SIGNALS",
    "RECORDED_KEYS",
    "REVIEW_SCHEDULES",
    "AdaptationConfig",
    "AllianceConfig",
    "FocalAllianceConfig",
    "FocalConfig",
    "MarketConfig",
    "ModelConfig",
    "PartnerConfig",
    "PlatformConfig",
    "ResilienceConfig",
    "SMBConfig",
    "ShockConfig",
    "apply_design",
    "check_dataclass_values",
    "config_from_keywords",
    "from_dict",
    "is_numeric_parameter",
    "param",
    "platform_configs",
    "read_design",
    "schema_keys",
    "set_parameter",
]
