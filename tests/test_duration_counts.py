"""The ledger's running count of ended alliances by duration, and the per-step duration metrics
read from it, equal what every alliance's history gives."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import EcosystemModel
from simulator.config import config_from_keywords
from simulator.core import ledger as ledger_module
from simulator.core.ledger import AllianceLedger
from simulator.core.vocabulary import COMMITTED
from simulator.observe.metrics import METRICS
from simulator.observe.registry import STEP, Scope


def _durations_from_history(ledger: AllianceLedger) -> np.ndarray:
    ended = ledger.history("ended_step")
    return (ended - ledger.history("formed_step"))[ended >= 0]


FOCAL = {  # a focal firm whose alliances were formed 20 and 6 steps before the run
    "enabled": True,
    "revenue": 80.0,
    "strategy": {"name": "platform_first"},
    "alliances": [
        {"counterpart": "platform", "index": 0, "exclusive": True, "tenure": 20},
        {"counterpart": "complementary_business", "share": 0.2, "tenure": 6},
    ],
}
FEE_HIKE = [{"kind": "platform_fee_hike", "start": 6, "duration": 0, "size": 0.3, "target": "0"}]


@pytest.mark.parametrize("spill_rows", [ledger_module.SPILL_ROWS, 0])
@pytest.mark.parametrize("focal", [False, True])
def test_duration_counts_and_metrics_equal_the_history_every_step(monkeypatch, spill_rows: int, focal: bool) -> None:
    """Step by step (ended rows kept in the table, or moved to disk every step; with a focal
    firm whose alliances are older than the run), the count by duration is the histogram of the
    history's durations, and ``early_failure_share`` and ``mean_duration`` are, bit for bit, the
    share and mean of those durations."""
    monkeypatch.setattr(ledger_module, "SPILL_ROWS", spill_rows)
    extra = {"focal": FOCAL, "shocks": FEE_HIKE} if focal else {}
    model = EcosystemModel(config_from_keywords(n_smbs=200, n_partners=30, steps=12, seed=3, **extra))
    window = model.config.alliance.early_failure_window
    for _ in range(12):
        model.step()
        durations = _durations_from_history(model.ledger)
        counts = model.ledger.ended_durations
        assert np.array_equal(counts, np.bincount(durations, minlength=len(counts)))
        row = METRICS.values(STEP, Scope(model))
        if len(durations):
            assert row["early_failure_share"] == float((durations <= window).mean())
            assert row["mean_duration"] == float(durations.mean())
        else:
            assert row["early_failure_share"] == row["mean_duration"] == 0.0
    assert model.ledger.spilled_rows > 0 or spill_rows > 0
    assert len(_durations_from_history(model.ledger)) > 0


def test_an_alliance_ended_again_counts_at_its_last_duration_once() -> None:
    """Ending rows given twice in one call, or ending an ended alliance again later, leaves each
    counted once, at ``ended_step - formed_step`` as the ledger now holds it (also when that is
    longer than the run)."""
    ledger = AllianceLedger(n_counterparts=4, n_partners=4)
    smb = np.array([0, 1, 2])
    ledger.add(smb=smb, smb_uid=smb, kind=np.zeros(3, dtype=np.int8), counterpart=smb, phase=COMMITTED,
               formed_step=np.array([0, 1, -30]))  # fmt: skip
    ledger.end(np.array([0, 0, 1]), 2, "dissolved")
    ledger.end(np.array([1, 2]), 5, "dissolved")
    durations = ledger.ended_step - ledger.formed_step
    assert durations.tolist() == [2, 4, 35]  # the last formed before the run, as a focal firm's
    assert np.array_equal(ledger.ended_durations, np.bincount(durations, minlength=len(ledger.ended_durations)))
    with pytest.raises(ValueError, match="read-only"):
        ledger.ended_durations[2] += 1  # the count is the ledger's own: a reader cannot bend it
