"""Structure of the alliance network at the end of a run: degrees, centrality, brokerage.

Nodes are the alive firms (SMBs, partners, platforms), edges the active alliances. Burt's
constraint of a firm i is ``sum_j (p_ij + sum_q p_iq p_qj)^2`` over its contacts j, with
``p_ij`` the share of i's tie strength invested in j. Alliances always join an SMB to a partner
or a platform, so the network is bipartite: two contacts of an SMB are never tied to each
other, the indirect terms vanish, and an SMB's constraint is ``sum_j p_ij^2``, computed here
with numpy for all SMBs, tie strength being each alliance's share of the SMB's positive
alliance value (equal shares when none delivers value). It is 1 for an SMB with one contact
and falls as its ties spread over more, equally important contacts (more brokerage).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.core.vocabulary import PLATFORM_KIND

if TYPE_CHECKING:
    from simulator.model import EcosystemModel


def degrees(model: EcosystemModel) -> np.ndarray:
    """Active alliances of every alive firm (SMBs, partners, platforms)."""
    smbs, partners, platforms, ledger = model.smbs, model.partners, model.platforms, model.ledger
    ids = ledger.active_ids
    offset = np.where(ledger.kind[ids] == PLATFORM_KIND, smbs.n + partners.n, smbs.n)
    n = smbs.n + partners.n + platforms.n
    degree = np.bincount(np.concatenate([ledger.smb[ids], ledger.counterpart[ids] + offset]), minlength=n)
    alive = np.concatenate([smbs.alive, partners.alive, np.ones(platforms.n, dtype=bool)])
    return degree[alive].astype(float)


def network_structure(model: EcosystemModel) -> dict[str, float]:
    """Degree distribution, centrality and brokerage of the final alliance network, and the
    distribution of ended alliances' durations."""
    degree = degrees(model)
    n = len(degree)
    constraint = smb_constraint(model)
    ledger = model.ledger
    ended_step = ledger.history("ended_step")
    durations = (ended_step - ledger.history("formed_step"))[ended_step >= 0]

    def quantile(values: np.ndarray, q: float) -> float:
        return float(np.quantile(values, q)) if len(values) else 0.0

    return {
        "degree_p50": quantile(degree, 0.5),
        "degree_p90": quantile(degree, 0.9),
        "degree_max": float(degree.max()) if n else 0.0,
        "degree_centrality_max": float(degree.max() / (n - 1)) if n > 1 else 0.0,
        "mean_smb_constraint": float(constraint.mean()) if len(constraint) else 0.0,
        "duration_p25": quantile(durations, 0.25),
        "duration_p50": quantile(durations, 0.5),
        "duration_p75": quantile(durations, 0.75),
    }


def smb_constraint(model: EcosystemModel) -> np.ndarray:
    """Burt's constraint of every alive SMB with at least one alliance (see the module doc)."""
    ledger, n = model.ledger, model.smbs.n
    ids = ledger.active_ids
    holder = ledger.smb[ids]
    strength = np.maximum(ledger.value_to_smb[ids], 0.0)
    total = np.bincount(holder, weights=strength, minlength=n)
    count = np.bincount(holder, minlength=n)
    share = np.where(
        total[holder] > 0, strength / np.maximum(total[holder], 1e-300), 1.0 / np.maximum(count[holder], 1)
    )
    constraint = np.bincount(holder, weights=share**2, minlength=n)
    return constraint[(count > 0) & model.smbs.alive]
