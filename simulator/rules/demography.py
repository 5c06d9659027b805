"""An open SMB population: firms are born and, besides failing, exit for outside reasons.

- Entry: each step ``N ~ Poisson(smb.entry_rate x n_smbs)`` new SMBs enter (``n_smbs`` is the
  initial population, so the rate is a share of it). Each entrant is a new firm: drawn as an
  initial SMB is, but with ``smb.entrant_cash_months`` of fixed cost in cash and demand at
  ``smb.entrant_size`` of its potential, from which it grows (7.1); no alliances; a strategy
  drawn with the population's strategy shares; a new Mesa ``unique_id``, its agent made when
  asked for (:meth:`~simulator.model.EcosystemModel.add_smbs`).
- Exogenous exit: each alive SMB exits with probability ``smb.exit_hazard`` per step (its owners
  retire, sell or close it for reasons outside the model): cause ``owner_exit``, its alliances
  end (event ``smb_failed``, reason ``owner_exit``).

With both rates 0 nothing is drawn, and the population is closed as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.core.vocabulary import OWNER_EXIT
from simulator.rules.failure import close_smbs

if TYPE_CHECKING:
    from simulator.model import EcosystemModel

MAX_POPULATION_GROWTH = 10.0
"""Most rows a run may need for SMBs, as a multiple of ``n_smbs``: the validator refuses an
``smb.entry_rate`` whose expected entrants over the run, ``entry_rate x n_smbs x steps``, exceed
``(MAX_POPULATION_GROWTH - 1) x n_smbs`` (rows of exited SMBs are kept for survival records)."""


def enter_smbs(model: EcosystemModel) -> np.ndarray:
    """Let this step's entrants in; return their SMB indices."""
    rate = model.config.smb.entry_rate
    if rate <= 0:
        return np.zeros(0, dtype=np.int64)
    k = int(model.rng.poisson(rate * model.config.n_smbs))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    return model.add_smbs(k)


def exit_smbs(model: EcosystemModel) -> np.ndarray:
    """Draw this step's exogenous exits among alive SMBs; return their indices."""
    hazard = model.config.smb.exit_hazard
    if hazard <= 0:
        return np.zeros(0, dtype=np.int64)
    alive = np.flatnonzero(model.smbs.alive)
    leaving = alive[model.rng.random(len(alive)) < hazard]
    close_smbs(model, leaving, OWNER_EXIT)
    return leaving
