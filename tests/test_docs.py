"""The generated tables of README.md and docs/ODD.md match the code that defines them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator.analysis.docs import COMMAND, DOCUMENTS, REGIONS, main, render, stale

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("doc", DOCUMENTS)
def test_committed_docs_match_the_generator(doc: str) -> None:
    """The docs' generated regions are what the generator writes from the schema and the registries."""
    text = (ROOT / doc).read_text()
    assert render(text, doc) == text, f"{doc} is out of date with the code; regenerate it with `{COMMAND}`"


def test_every_generator_is_placed() -> None:
    """Each region appears in the docs (a generator nobody places is dead code)."""
    text = "".join((ROOT / doc).read_text() for doc in DOCUMENTS)
    for name in REGIONS:
        assert f"<!-- BEGIN GENERATED: {name} -->" in text, name


def test_render_rewrites_regions_and_nothing_else() -> None:
    """A stale region is rewritten, text around it is kept, and a second pass changes nothing."""
    text = "intro\n<!-- BEGIN GENERATED: strategies -->\nold table\n<!-- END GENERATED: strategies -->\noutro\n"
    once = render(text)
    assert once.startswith("intro\n<!-- BEGIN GENERATED: strategies -->\n| name | idea |")
    assert once.endswith("<!-- END GENERATED: strategies -->\noutro\n") and "old table" not in once
    assert render(once) == once


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<!-- BEGIN GENERATED: nonsense -->\n<!-- END GENERATED: nonsense -->", "no generator"),
        ("<!-- BEGIN GENERATED: strategies -->\n", "unbalanced"),
    ],
)
def test_bad_markers_are_refused(text: str, message: str) -> None:
    """An unknown region name or a missing END marker is an error, not a silent skip."""
    with pytest.raises(ValueError, match=message):
        render(text)


def test_check_reports_stale_docs_and_the_command_fixes_them(tmp_path: Path, capsys) -> None:
    """``--check`` fails on a hand-edited table and names the command; running it restores the docs."""
    for doc in DOCUMENTS:
        (tmp_path / doc).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / doc, tmp_path / doc)
    odd = tmp_path / "docs" / "ODD.md"
    odd.write_text(odd.read_text().replace("| `n_smbs` | 300 |", "| `n_smbs` | 200 |"))
    assert stale(tmp_path) == [odd]
    assert main(["--check", "--root", str(tmp_path)]) == 1
    assert COMMAND in capsys.readouterr().out
    assert main(["--root", str(tmp_path)]) == 0
    assert main(["--check", "--root", str(tmp_path)]) == 0
    assert odd.read_text() == (ROOT / "docs" / "ODD.md").read_text()


def test_the_readme_lists_every_shock_preset() -> None:
    """The README's preset table names every file of configs/shock/."""
    root = Path(__file__).resolve().parent.parent
    text = (root / "README.md").read_text()
    missing = [p.stem for p in sorted((root / "configs" / "shock").glob("*.yaml")) if f"| `{p.stem}`" not in text]
    assert not missing, f"shock presets missing from the README's table: {missing}"
