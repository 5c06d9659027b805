"""Demand: the economy's trend, sector cycles and each firm's persistent demand deviation."""

from __future__ import annotations

import numpy as np

from simulator.config import MarketConfig


class Market:
    """The demand each SMB faces.

    Each sector's log demand factor follows an AR(1) process around the economy's trend; each
    SMB's log demand deviates from its potential by its own AR(1) process with persistence
    ``firm_persistence`` and stationary std. dev. ``firm_volatility`` (independent noise every step
    when the persistence is 0).

    Parameters
    ----------
    config
        Market parameters.
    rng
        The market's stream: sector shocks, and the firm shocks of the ``n_initial`` initial SMBs.
    entrant_rng
        The stream of the firm shocks of SMBs that entered during the run (rows ``n_initial`` on),
        so that the number of entrants never shifts the market's stream.
    n_initial
        Number of initial SMBs (all of them when omitted).
    focal_rng
        The stream of the focal firm's shocks, when there is one: it is row ``n_initial``, and the
        entrants follow it.
    """

    def __init__(
        self,
        config: MarketConfig,
        rng: np.random.Generator,
        entrant_rng: np.random.Generator | None = None,
        n_initial: int | None = None,
        focal_rng: np.random.Generator | None = None,
    ) -> None:
        self.config = config
        self._rng = rng
        self._entrant_rng = entrant_rng
        self._n_initial = n_initial
        self._focal_rng = focal_rng
        self.log_sector_factor = np.zeros(config.n_sectors)
        self.log_trend = 0.0
        self.shock_factor = np.ones(config.n_sectors)  # demand shocks multiply sectors' demand

    def advance(self) -> None:
        """Move the trend and the sector cycles one step forward."""
        c = self.config
        self.log_trend += np.log1p(c.demand_trend)
        shock = c.sector_volatility * self._rng.standard_normal(c.n_sectors)
        self.log_sector_factor = c.sector_persistence * self.log_sector_factor + shock

    def demand_factor(self, sector: np.ndarray, level: np.ndarray) -> np.ndarray:
        """Advance each SMB's log demand deviation ``level`` one step (in place) and return the
        multiplier on each SMB's market potential this step (trend x sector x own deviation x
        demand shocks).

        ``level <- rho x level + sigma x sqrt(1 - rho^2) x u`` with ``u`` standard normal, so that
        a level drawn from the stationary law N(0, sigma^2) keeps it; the factor uses
        ``level - sigma^2 / 2``, whose exponential has mean 1 under that law.
        """
        c = self.config
        sigma, rho = c.firm_volatility, c.firm_persistence
        level *= rho
        level += sigma * np.sqrt(1.0 - rho**2) * self._firm_shocks(len(sector))
        noise = level - 0.5 * sigma**2
        return np.exp(self.log_trend + self.log_sector_factor[sector] + noise) * self.shock_factor[sector]

    def _firm_shocks(self, n: int) -> np.ndarray:
        """Standard normal shocks of ``n`` SMBs: the initial ones from the market's stream, the
        focal firm's (if any) from its own, the entrants from theirs."""
        n_initial = n if self._n_initial is None else min(self._n_initial, n)
        shocks = self._rng.standard_normal(n_initial)
        if n > n_initial and self._focal_rng is not None:
            shocks = np.concatenate([shocks, self._focal_rng.standard_normal(1)])
            n_initial += 1
        if n > n_initial:
            if self._entrant_rng is None:
                raise ValueError("the market has no stream for entrants' demand")
            shocks = np.concatenate([shocks, self._entrant_rng.standard_normal(n - n_initial)])
        return shocks
