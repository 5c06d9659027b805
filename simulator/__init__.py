"""Agent-based simulator of SMB alliance strategies in business ecosystems.

Build and run a model without Hydra::

    from simulator import EcosystemModel, ModelConfig
    model = EcosystemModel(ModelConfig(n_smbs=200, strategy={"name": "diversification"}))
    model.run(60)
    model.datacollector.get_model_vars_dataframe().tail()
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
