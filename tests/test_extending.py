"""The README's "Extending the model" snippets work: a strategy, a shock kind and a metric,
each one definition, reach the outputs and the docs with no other edit."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DRIVER = r"""
import json, sys, types
from pathlib import Path

snippets = json.loads(sys.argv[1])
out = Path(sys.argv[2])
for name in ("data_guard", "boom"):
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(compile(snippets[name], f"{name}.py", "exec"), module.__dict__)

import simulator.observe.metrics as metrics
exec(compile("METRICS.add(\n" + snippets["metric"] + "\n)", "metric entry", "exec"), vars(metrics))

import pandas as pd
from simulator.analysis.docs import render
from simulator.config import ModelConfig, ShockConfig
from simulator.run.runner import run_simulation, write_run

config = ModelConfig(
    n_smbs=60, n_partners=10, steps=12, twin=True,
    strategy={"name": "mix", "shares": {"data_guard": 0.5, "opportunistic": 0.5}},
    shocks=[ShockConfig(kind="demand_boom", start=5, duration=3, size=0.2)],
)
run_dir = write_run(run_simulation(config), out)
ts = pd.read_parquet(run_dir / "timeseries.parquet")
by = pd.read_parquet(run_dir / "timeseries_by_strategy.parquet")
summary = json.loads((run_dir / "summary.json").read_text())
events = pd.read_parquet(run_dir / "events.parquet")
committed = Path("README.md").read_text() + Path("docs/ODD.md").read_text()
docs = render(Path("README.md").read_text()) + render(Path("docs/ODD.md").read_text())
print(json.dumps({
    "columns": list(ts.columns),
    "by_columns": list(by.columns),
    "strategies": sorted(by.strategy.unique()),
    "group_keys": sorted({k for g in summary["by_strategy"].values() for k in g}),
    "shock_events": events.loc[events.event == "shock", "reason"].tolist(),
    "docs": {w: docs.count(w) - committed.count(w) for w in ("`data_guard`", "`demand_boom`", "`mean_credit_line`")},
}))
"""


def snippets() -> dict[str, str]:
    """The Python blocks of the README's "Extending the model", by what they define."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Extending the model") :]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    found = {}
    for block in blocks:
        first = block.splitlines()[0]
        for key, path in (
            ("data_guard", "simulator/strategies/data_guard.py"),
            ("boom", "simulator/shocks/boom.py"),
            ("metric", "simulator/observe/metrics.py"),
        ):
            if first.startswith(f"# {path}"):
                found[key] = block
    assert set(found) == {"data_guard", "boom", "metric"}, sorted(found)
    return found


def test_readme_extension_snippets_reach_outputs_and_docs(tmp_path: Path) -> None:
    """Defining the README's strategy, shock kind and metric is enough for a run and the docs."""
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(snippets()), str(tmp_path / "run")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    columns = got["columns"]
    assert columns[columns.index("total_cash") + 1] == "mean_credit_line"  # last of its section (CASH)
    assert "mean_credit_line" in got["by_columns"] and "mean_credit_line" in got["group_keys"]
    assert got["strategies"] == ["data_guard", "opportunistic"]
    assert any(reason.startswith("demand_boom: demand x1.2") for reason in got["shock_events"])
    assert all(added >= 1 for added in got["docs"].values()), got["docs"]  # new rows in the generated tables
