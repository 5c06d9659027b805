"""The model's configuration: every parameter declared once, with its default, meaning and range.

- :mod:`~simulator.config.schema`: the dataclasses (:class:`ModelConfig` and its groups);
- :mod:`~simulator.config.checks`: checking values against the declared ranges;
- :mod:`~simulator.config.design`: applying one point of a sensitivity design.
"""

from simulator.config.checks import check_dataclass_values
from simulator.config.design import apply_design, set_parameter
from simulator.config.schema import (
    GOVERNANCE_POLICIES,
    AllianceConfig,
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
)

__all__ = [
    "GOVERNANCE_POLICIES",
    "AllianceConfig",
    "MarketConfig",
    "ModelConfig",
    "PartnerConfig",
    "PlatformConfig",
    "ResilienceConfig",
    "SMBConfig",
    "ShockConfig",
    "apply_design",
    "check_dataclass_values",
    "from_dict",
    "param",
    "platform_configs",
    "set_parameter",
]
