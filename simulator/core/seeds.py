"""Random streams of a run, all derived from its base seed and replicate number.

Replicate ``r`` of base seed ``s`` runs on ``SeedSequence(s, spawn_key=(r,))``: independent of
every other replicate, reproducible, and never the global random state. Within a run, child
streams keep parts of the model apart (see :data:`STREAMS`).
"""

from __future__ import annotations

import numpy as np

STREAMS = {
    "model": 0,
    "shocks": 1,
    "robustness": 2,
    "market": 3,
    "entrant_demand": 4,
    "firm_ages": 5,
    "focal": 6,
    "adaptation": 7,
}
"""Child stream of each part: the model's own draws, scheduled shocks' targets, the ordering of
random node removals, the market's exogenous demand path (so a no-shock twin meets the
same demand), the demand noise of SMBs that entered during the run (so that the number of
entrants, which differs between a run and its twin after a shock, does not shift the market's
stream), the initial SMBs' ages (so that drawing them changes no other draw), and the focal
firm's demand noise (so that putting it in changes no draw of the market's or the entrants'
streams), and strategy revision (so that letting strategies evolve changes no other stream's draws)."""


def run_seed(seed: int, replicate: int) -> int:
    """A 64-bit summary of replicate ``replicate``'s stream, recorded in config.yaml to tell runs
    apart; a run is reproduced from ``(seed, replicate)``, not from this number."""
    return int(np.random.SeedSequence(seed, spawn_key=(replicate,)).generate_state(1, dtype=np.uint64)[0])


def stream(seed: int, replicate: int, part: str) -> np.random.Generator:
    """A numpy Generator for one part of a run (a key of :data:`STREAMS`)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replicate, STREAMS[part])))
