"""The architecture contract: the model core stays apart from the tooling."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLING = ("hydra", "omegaconf", "SALib", "ema_workbench", "matplotlib", "solara", "ipywidgets")


def test_building_a_model_imports_no_tooling():
    """``from simulator import EcosystemModel`` (and a run) loads none of the front-end libraries."""
    code = (
        "import sys\n"
        "from simulator import EcosystemModel, ModelConfig\n"
        "EcosystemModel(ModelConfig(n_smbs=20, n_partners=5, steps=2)).run()\n"
        f"print(','.join(m for m in {TOOLING!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


def _lint_imports() -> str | None:
    """import-linter's command beside this Python (its virtual environment need not be active)."""
    beside = Path(sys.executable).parent / "lint-imports"
    return str(beside) if beside.exists() else shutil.which("lint-imports")


@pytest.mark.skipif(_lint_imports() is None, reason="import-linter is not installed (dev extra)")
def test_import_contract_holds():
    """The layers of pyproject.toml's [tool.importlinter] hold, and no package has an import cycle."""
    out = subprocess.run([_lint_imports()], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-3000:]
