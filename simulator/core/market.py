"""Demand: the economy's trend, sector cycles and firm-level noise."""

from __future__ import annotations

import numpy as np

from simulator.config import MarketConfig


class Market:
    """The demand each SMB faces.

    Each sector's log demand factor follows an AR(1) process around the economy's trend;
    each SMB draws an independent log-normal noise every step.

    Parameters
    ----------
    config
        Market parameters.
    rng
        The model's random generator.
    """

    def __init__(self, config: MarketConfig, rng: np.random.Generator) -> None:
        self.config = config
        self._rng = rng
        self.log_sector_factor = np.zeros(config.n_sectors)
        self.log_trend = 0.0
        self.shock_factor = np.ones(config.n_sectors)  # demand shocks multiply sectors' demand

    def advance(self) -> None:
        """Move the trend and the sector cycles one step forward."""
        c = self.config
        self.log_trend += np.log1p(c.demand_trend)
        shock = c.sector_volatility * self._rng.standard_normal(c.n_sectors)
        self.log_sector_factor = c.sector_persistence * self.log_sector_factor + shock

    def demand_factor(self, sector: np.ndarray) -> np.ndarray:
        """Multiplier on each SMB's market potential this step (trend x sector x own noise x
        demand shocks)."""
        sigma = self.config.firm_volatility
        noise = sigma * self._rng.standard_normal(len(sector)) - 0.5 * sigma**2
        return np.exp(self.log_trend + self.log_sector_factor[sector] + noise) * self.shock_factor[sector]
