"""Static figures for papers and slides, from one run and from a sweep."""

from __future__ import annotations

from pathlib import Path

from simulator import ModelConfig
from simulator.analysis.figures import final_network, main
from simulator.config import ShockConfig
from simulator.run.runner import run_simulation, write_run


def test_run_figures_are_written_as_png_and_svg(tmp_path: Path) -> None:
    """Every standard figure of a shocked run with its twin exists, in both formats, non-empty."""
    config = ModelConfig(
        n_smbs=80, n_partners=12, steps=40, twin=True, shocks=[ShockConfig(kind="demand_shock", start=20, size=0.4)]
    )
    result = run_simulation(config)
    run_dir = write_run(result, tmp_path / "run")
    assert main([str(run_dir)]) == 0
    for name in ("network", "growth", "lock_in", "platform_shares", "shock_response"):
        for fmt in ("png", "svg"):
            path = run_dir / "figures" / f"{name}.{fmt}"
            assert path.exists() and path.stat().st_size > 5_000, path


def test_network_figure_replays_the_final_alliances() -> None:
    """The drawn network has exactly the alliances active at the end."""
    result = run_simulation(ModelConfig(n_smbs=60, n_partners=10, steps=30))
    graph = final_network(result.events)
    assert graph.number_of_edges() == len(result.model.ledger.active_ids)


def test_bad_path_is_refused(tmp_path: Path) -> None:
    """A path that is neither a run nor a sweep gives one line and exit status 2."""
    assert main([str(tmp_path / "nowhere")]) == 2
