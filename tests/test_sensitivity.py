"""Global sensitivity analysis: known indices on Ishigami, the design sweep end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ecosim, sweep_dirs

from simulator import ConfigError, ModelConfig
from simulator.analysis.sensitivity import analyze_function, load_space, main, write_design
from simulator.config import apply_design

ISHIGAMI = {"num_vars": 4, "names": ["x1", "x2", "x3", "unused"], "bounds": [[-np.pi, np.pi]] * 4}


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """The Ishigami function of the first three inputs (the fourth is ignored)."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_ishigami_match_the_analytic_values() -> None:
    """First-order and total Sobol indices come out right; an unused input gets none."""
    table = analyze_function(ISHIGAMI, "sobol", 2048, ishigami, seed=1).set_index("parameter")
    np.testing.assert_allclose(table.S1[["x1", "x2", "x3"]], [0.3139, 0.4424, 0.0], atol=0.04)
    np.testing.assert_allclose(table.ST[["x1", "x2", "x3"]], [0.5576, 0.4424, 0.2437], atol=0.05)
    assert abs(table.S1["unused"]) < 0.02 and abs(table.ST["unused"]) < 0.02


def test_morris_ranks_ishigami_inputs_and_ignores_the_unused_one() -> None:
    """Morris mu* puts x2 and x1 above x3 and gives the unused input zero."""
    table = analyze_function(ISHIGAMI, "morris", 200, ishigami, seed=2).set_index("parameter")
    assert table.mu_star["unused"] == pytest.approx(0.0, abs=1e-9)
    assert table.mu_star["x2"] > table.mu_star["x3"] and table.mu_star["x1"] > table.mu_star["x3"]


@pytest.mark.parametrize("space", sorted((Path(__file__).parents[1] / "experiments" / "sensitivity").glob("*.yaml")))
def test_shipped_space_files_load_with_defaults_inside_their_ranges(space: Path) -> None:
    """Every shipped space names real numeric parameters, and each range holds today's default
    (a space around the defaults, as the files say)."""
    from functools import reduce

    problem = load_space(space)
    defaults = ModelConfig()
    for name, (low, high) in zip(problem["names"], problem["bounds"], strict=True):
        assert low <= reduce(getattr, name.split("."), defaults) <= high, name


def test_space_file_is_checked(tmp_path: Path) -> None:
    """Unknown or non-numeric keys and empty ranges are refused, naming the key."""
    for text, key in [
        ("parameters: {platform.colour: [0, 1]}", "parameters.platform.colour"),
        ("parameters: {platform.governance: [0, 1]}", "parameters.platform.governance"),
        ("parameters: {platform.fee: [0.3, 0.1]}", "parameters.platform.fee"),
    ]:
        path = tmp_path / "space.yaml"
        path.write_text(text)
        with pytest.raises(ConfigError) as err:
            load_space(path)
        assert err.value.key == key


def test_design_points_set_the_parameters(tmp_path: Path) -> None:
    """A run at design point i takes that row's values, integers rounded."""
    space = tmp_path / "space.yaml"
    space.write_text("parameters: {platform.fee: [0.05, 0.3], n_partners: [10, 30]}")
    design = write_design(tmp_path, load_space(space), "morris", 2, seed=0)
    config = apply_design(ModelConfig(design=str(design), design_point=3))
    assert 0.05 <= config.platform.fee <= 0.3 and isinstance(config.n_partners, int)
    with pytest.raises(ConfigError):
        apply_design(ModelConfig(design=str(design), design_point=99))


@pytest.mark.slow
def test_design_sweep_end_to_end(tmp_path: Path) -> None:
    """Sample, run the design as a Hydra sweep, analyze: one row of indices per parameter."""
    space = tmp_path / "space.yaml"
    space.write_text("method: morris\nparameters: {platform.fee: [0.05, 0.4], smb.variable_cost: [0.45, 0.6]}")
    assert main(["sample", "--space", str(space), "--n", "3", "--out", str(tmp_path / "design")]) == 0
    design = tmp_path / "design" / "design.json"
    run = ecosim(
        "-m",
        f"design={design}",
        "design_point=range(9)",
        "steps=12",
        "n_smbs=50",
        "n_partners=8",
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    sweep = sweep_dirs(tmp_path)[-1]
    assert main(["analyze", str(sweep), "--metric", "total_revenue"]) == 0
    assert (sweep / "sensitivity_total_revenue.csv").read_text().count("\n") == 3
    assert (sweep / "sensitivity_total_revenue.png").stat().st_size > 5_000


def test_morris_noise_floor_is_what_noise_alone_gives() -> None:
    """With a noisy output, mu* of a parameter without effect sits at the noise floor, and only
    the parameter with an effect is above it."""
    from simulator.analysis.sensitivity import indices, replicate_noise, sample, with_noise_floor

    problem = {"num_vars": 2, "names": ["active", "inert"], "bounds": [[0.0, 1.0], [0.0, 1.0]]}
    x = sample(problem, "morris", 200, seed=1)
    rng = np.random.default_rng(0)
    replicates, sd = 4, 0.5
    runs = pd.DataFrame(
        {
            "design_point": np.repeat(np.arange(len(x)), replicates),
            "y": np.repeat(2.0 * x[:, 0], replicates) + rng.normal(0.0, sd, len(x) * replicates),
        }
    )
    y = runs.groupby("design_point").y.mean().to_numpy()
    table = with_noise_floor(indices(problem, "morris", x, y), "morris", y, replicate_noise(runs, "y"))
    expected_floor = np.sqrt(2 * sd**2 / replicates) / (2 / 3) * np.sqrt(2 / np.pi)
    assert table.noise_floor.iloc[0] == pytest.approx(expected_floor, rel=0.1)
    rows = table.set_index("parameter")
    assert rows.mu_star["inert"] == pytest.approx(expected_floor, rel=0.2)
    assert rows.above_noise.to_dict() == {"active": True, "inert": False}
    # without replicates the floor is unknown, not zero
    single = runs.groupby("design_point", as_index=False).first()
    assert replicate_noise(single, "y") is None
    assert np.isnan(with_noise_floor(indices(problem, "morris", x, y), "morris", y, None).noise_floor.iloc[0])
