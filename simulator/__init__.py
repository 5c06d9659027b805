"""Agent-based simulator of SMB alliance strategies in business ecosystems.

Build and run a model without Hydra, as any Mesa model::

    from simulator import EcosystemModel
    model = EcosystemModel(n_smbs=200, steps=60, strategy="diversification", platform_fee=0.2)
    while model.running:
        model.step()
    model.datacollector.get_model_vars_dataframe().tail()

or from a whole configuration: ``EcosystemModel(ModelConfig(...))``.
"""

from simulator.agents import SMB, PartnerFirm, Platform
from simulator.config import ModelConfig, from_dict
from simulator.errors import ConfigError
from simulator.model import EcosystemModel
from simulator.strategies import STRATEGIES, Strategy, register

__all__ = [
    "SMB",
    "STRATEGIES",
    "ConfigError",
    "EcosystemModel",
    "ModelConfig",
    "PartnerFirm",
    "Platform",
    "Strategy",
    "from_dict",
    "register",
]
