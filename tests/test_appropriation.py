"""Knowledge appropriation (ODD 7.28): a partner that learned the SMB's edge bargains harder."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import ConfigError, EcosystemModel
from simulator.config import from_dict
from simulator.core.vocabulary import CONTRACTUAL, PLATFORM_KIND
from simulator.observe.metrics import summary
from simulator.rules import review, value
from simulator.validation import validate


def small(leverage: float | None = None, **overrides) -> EcosystemModel:
    """A small ecosystem; ``leverage`` sets alliance.appropriation_leverage when given."""
    alliance = {} if leverage is None else {"appropriation_leverage": leverage}
    return EcosystemModel(
        from_dict({"seed": 3, "n_smbs": 60, "n_partners": 12, "steps": 36, "alliance": alliance, **overrides})
    )


def test_appropriation_is_the_share_of_the_edge_learned() -> None:
    """min(leaked / edge at formation, 1), and 0 where the SMB had no edge over the partner."""
    leaked = np.array([0.0, 0.05, 0.3, 0.1])
    edge = np.array([0.2, 0.2, 0.2, 0.0])
    assert np.allclose(value.appropriation(leaked, edge), [0.0, 0.25, 1.0, 0.0])
    smb = np.array([[0.8, 0.2, 0.5]])
    partner = np.array([[0.5, 0.9, 0.5]])
    assert np.allclose(value.capability_edge(smb, partner), [0.3])  # only where the SMB is stronger


def _planted(leverage: float) -> tuple[np.ndarray, np.ndarray, EcosystemModel, np.ndarray]:
    """Renegotiate the same contractual partner alliances twice from the same state: once with
    partners that learned nothing of the SMB's edge, once with partners that learned half of it."""
    model = small(leverage)
    model.run(12)
    ledger = model.ledger
    ids = ledger.active_ids
    ids = ids[(ledger.kind[ids] != PLATFORM_KIND) & (ledger.form[ids] == CONTRACTUAL)]
    assert len(ids) >= 5
    ledger.smb_edge[ids] = 0.2
    shares = []
    for leaked in (0.0, 0.1):
        ledger.share[ids] = model.config.alliance.share_min
        ledger.knowledge_leaked[ids] = leaked
        review._renegotiate(model, ids)
        shares.append(ledger.share[ids].copy())
    return shares[0], shares[1], model, ids


def test_a_partner_that_learned_the_smbs_edge_bargains_harder() -> None:
    """Planted case: the same alliances, renegotiated from the same state, end with a higher
    partner share when their partners have learned half the SMB's edge, by exactly
    beta' = beta + leverage x 0.5 x (1 - beta) in the bargaining power."""
    unlearned, learned, model, _ = _planted(1.0)
    cfg = model.config.alliance
    assert (learned > unlearned).all()
    span, speed, start = cfg.share_max - cfg.share_min, cfg.renegotiation_speed, cfg.share_min
    power = ((unlearned - start) / speed + start - cfg.share_min) / span
    expected = start + speed * (cfg.share_min + span * (power + 0.5 * (1.0 - power)) - start)
    assert np.allclose(learned, expected)


def test_without_leverage_learning_changes_no_bargain() -> None:
    """At alliance.appropriation_leverage=0 what a partner learned moves no share."""
    unlearned, learned, _, _ = _planted(0.0)
    assert np.array_equal(learned, unlearned)


def test_zero_leverage_is_the_model_without_appropriation() -> None:
    """A run at leverage 0 is the default run, number for number; at leverage 1 it is not (so the
    comparison can fail), and its partners learn what the ledger records against each edge."""
    default = small()
    default.run()
    off = small(0.0)
    off.run()
    on = small(1.0)
    on.run()
    assert summary(off) == summary(default)
    assert summary(on) != summary(default)
    ledger = on.ledger
    ids = np.flatnonzero(ledger.kind != PLATFORM_KIND)
    appropriated = review.appropriation(on, ids)
    assert ((appropriated >= 0) & (appropriated <= 1)).all() and appropriated.max() > 0


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_bad_leverage_is_refused_naming_the_key(bad: float) -> None:
    """A leverage outside [0, 1] is refused before the run, in one line naming the key."""
    with pytest.raises(ConfigError) as err:
        validate(from_dict({"alliance": {"appropriation_leverage": bad}}))
    assert err.value.key == "alliance.appropriation_leverage"
    assert "\n" not in str(err.value)
