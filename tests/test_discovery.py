"""Scenario discovery: PRIM recovers a planted box; the command runs on a sweep."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ecosim, sweep_dirs

from simulator.analysis.discovery import box_table, find_box, main


def test_prim_recovers_a_planted_box() -> None:
    """Where the claim holds only for x1 > 0.6 and x2 < 0.4, the box finds those limits."""
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(0, 1, size=(2000, 3)), columns=["x1", "x2", "x3"])
    y = (x.x1 > 0.6) & (x.x2 < 0.4)
    table = box_table(find_box(x, y.to_numpy(), threshold=0.9)).set_index("parameter")
    assert table.loc["x1", "low"] == pytest.approx(0.6, abs=0.05)
    assert table.loc["x2", "high"] == pytest.approx(0.4, abs=0.05)
    assert "x3" not in table.index or (table.loc["x3", "low"] < 0.05 and table.loc["x3", "high"] > 0.95)
    assert table.density.iloc[0] > 0.9 and table.coverage.iloc[0] > 0.8


@pytest.mark.slow
def test_discovery_on_a_sweep(tmp_path: Path) -> None:
    """On a fee sweep, 'platform fees above 0.2' is found where fee income per sale is high."""
    run = ecosim(
        "-m",
        "platform.fee=0.05,0.15,0.25,0.35",
        "replicate=0,1",
        "steps=12",
        "n_smbs=50",
        "n_partners=8",
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    sweep = sweep_dirs(tmp_path)[-1]
    assert main([str(sweep), "--outcome", "`flows.platform_fees` / `flows.revenue` > 0.06", "--threshold", "0.9"]) == 0
    boxes = pd.read_csv(sweep / "discovery_boxes.csv").set_index("parameter")
    assert boxes.loc["platform.fee", "low"] >= 0.05
    assert (sweep / "discovery_tradeoff.png").exists()
    assert main([str(sweep), "--outcome", "`survival_rate` > 2"]) == 2  # never true: refused with a message
