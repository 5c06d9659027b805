"""Unit tests of the metric building blocks with known values."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.observe.stats import compound_growth, gini, herfindahl, sales_shares


def test_compound_growth_known_values():
    """Compound per-period growth: 100 -> 121 over 2 periods is 10% per period."""
    assert compound_growth(121.0, 100.0, 2) == pytest.approx(0.1)
    assert compound_growth(100.0, 100.0, 5) == pytest.approx(0.0)
    assert compound_growth(50.0, 100.0, 1) == pytest.approx(-0.5)
    assert compound_growth(800.0, 100.0, 3) == pytest.approx(1.0)


def test_compound_growth_edge_cases():
    """No periods gives 0; zero current gives -1; zero initial gives 0."""
    assert compound_growth(150.0, 100.0, 0) == 0.0
    assert compound_growth(0.0, 100.0, 4) == -1.0
    assert compound_growth(10.0, 0.0, 4) == 0.0


def test_compound_growth_on_arrays():
    """compound_growth works elementwise on arrays and keeps their shape."""
    out = compound_growth(np.array([121.0, 81.0, 0.0, 5.0]), np.array([100.0, 100.0, 100.0, 0.0]), 2)
    np.testing.assert_allclose(out, [0.1, -0.1, -1.0, 0.0])
    zero = compound_growth(np.array([1.0, 2.0]), np.array([1.0, 1.0]), 0)
    np.testing.assert_array_equal(zero, [0.0, 0.0])


@pytest.mark.parametrize("periods", [1, 3, 17, 59])
def test_compound_growth_element_by_element(periods: int) -> None:
    """Each SMB's growth has the same bits whichever SMBs it is computed with and whether the
    periods come as one number or one per SMB: the per-strategy median growth takes each
    group's part of the growth computed over every alive SMB."""
    rng = np.random.default_rng(periods)
    current, initial = rng.lognormal(3.0, 1.0, 2_000), rng.lognormal(3.0, 1.0, 2_000)
    current[::50], initial[::70] = 0.0, 0.0
    whole = compound_growth(current, initial, np.full(2_000, periods))
    part = rng.permutation(2_000)[:700]
    assert np.array_equal(compound_growth(current[part], initial[part], periods), whole[part])
    assert np.array_equal(compound_growth(current, initial, periods), whole)


def test_herfindahl_known_values():
    """HHI of equal shares is 1/n, of one holder 1, of 3:1 is 0.625, of nothing 0."""
    assert herfindahl(np.array([1.0, 1.0, 1.0, 1.0])) == pytest.approx(0.25)
    assert herfindahl(np.array([7.0])) == pytest.approx(1.0)
    assert herfindahl(np.array([0.0, 5.0, 0.0])) == pytest.approx(1.0)
    assert herfindahl(np.array([3.0, 1.0])) == pytest.approx(0.625)
    assert herfindahl(np.array([0.0, 0.0])) == 0.0
    assert herfindahl(np.array([2.0, 6.0])) == pytest.approx(herfindahl(np.array([1.0, 3.0])))


def test_sales_shares():
    """Shares sum to one, or are all zero when nothing sold."""
    np.testing.assert_allclose(sales_shares(np.array([1.0, 3.0])), [0.25, 0.75])
    np.testing.assert_array_equal(sales_shares(np.array([0.0, 0.0])), [0.0, 0.0])


def test_gini_known_values():
    """Gini is 0 for equality, (n-1)/n when one holds everything, 0.25 for 1,2,3,4."""
    assert gini(np.array([5.0, 5.0, 5.0, 5.0])) == pytest.approx(0.0)
    assert gini(np.array([0.0, 0.0, 0.0, 1.0])) == pytest.approx(0.75)
    assert gini(np.array([4.0, 1.0, 3.0, 2.0])) == pytest.approx(0.25)
    assert gini(np.array([1.0, 3.0])) == pytest.approx(0.25)


def test_gini_matches_mean_absolute_difference():
    """Gini equals the mean absolute difference over twice the mean, and is scale invariant."""
    values = np.random.default_rng(0).lognormal(size=50)
    expected = np.abs(values[:, None] - values[None, :]).mean() / (2 * values.mean())
    assert gini(values) == pytest.approx(expected)
    assert gini(values * 10) == pytest.approx(gini(values))


def test_gini_edge_cases():
    """Gini is 0 for fewer than two values or an all-zero array."""
    assert gini(np.array([])) == 0.0
    assert gini(np.array([3.0])) == 0.0
    assert gini(np.zeros(4)) == 0.0


def test_network_structure_reflects_concentrated_and_spread_portfolios():
    """A single-platform population has constraint 1 and degree 1; diversifiers broker more."""
    from simulator import ModelConfig
    from simulator.observe.network import degrees, network_structure
    from simulator.run.runner import run_simulation

    single = run_simulation(ModelConfig(n_smbs=120, n_partners=16, steps=30, strategy={"name": "platform_first"}))
    spread = run_simulation(ModelConfig(n_smbs=120, n_partners=16, steps=30, strategy={"name": "diversification"}))
    one, many = network_structure(single.model), network_structure(spread.model)
    assert one["mean_smb_constraint"] == 1.0 and one["degree_p50"] == 1.0
    assert many["mean_smb_constraint"] < 0.6 and many["degree_p50"] > 1
    assert degrees(spread.model).sum() == 2 * len(spread.model.ledger.active_ids)
    assert one["degree_max"] <= spread.model.smbs.n
