"""The learning race (ODD 7.28): a partner that learned the SMB's edge bargains harder, and an SMB
that learned the partner's edge bargains harder too; imitation under rivalry (ODD 7.29): what
partners learned of an SMB's edge erodes its direct channel, for good."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import ConfigError, EcosystemModel
from simulator.config import from_dict
from simulator.core.population import MARKETING_DIM, N_CAPABILITIES
from simulator.core.vocabulary import CONTRACTUAL, PLATFORM_KIND
from simulator.observe.metrics import summary
from simulator.rules import learning, review, value
from simulator.validation import validate


def small(leverage: float | None = None, alliance: dict | None = None, **overrides) -> EcosystemModel:
    """A small ecosystem; ``leverage`` sets alliance.appropriation_leverage when given."""
    alliance = dict(alliance or {}) | ({} if leverage is None else {"appropriation_leverage": leverage})
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


def _planted(leverage: float, side: str = "partner") -> tuple[np.ndarray, np.ndarray, EcosystemModel, np.ndarray]:
    """Renegotiate the same contractual partner alliances twice from the same state: once with
    neither side having learned anything of the other's edge, once with one ``side`` (the partner or
    the SMB) having learned half of the other's."""
    model = small(leverage)
    model.run(12)
    ledger = model.ledger
    ids = ledger.active_ids
    ids = ids[(ledger.kind[ids] != PLATFORM_KIND) & (ledger.form[ids] == CONTRACTUAL)]
    assert len(ids) >= 5
    ledger.smb_edge[ids] = 0.2
    ledger.complementarity[ids] = 0.2 / N_CAPABILITIES  # the partner's edge over the SMB: 0.2
    learned = ledger.knowledge_leaked if side == "partner" else ledger.knowledge_gained
    shares = []
    for amount in (0.0, 0.1):
        ledger.share[ids] = model.config.alliance.share_min
        ledger.knowledge_leaked[ids] = 0.0
        ledger.knowledge_gained[ids] = 0.0
        learned[ids] = amount
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


def test_an_smb_that_learned_the_partners_edge_bargains_harder() -> None:
    """The race both ways, planted: the same alliances, renegotiated from the same state, end with
    a lower partner share when their SMBs have learned half the partner's edge over them, by exactly
    beta' = beta - leverage x 0.5 x beta in the bargaining power."""
    unlearned, learned, model, _ = _planted(1.0, side="smb")
    cfg = model.config.alliance
    assert (learned < unlearned).all()
    span, speed, start = cfg.share_max - cfg.share_min, cfg.renegotiation_speed, cfg.share_min
    power = ((unlearned - start) / speed + start - cfg.share_min) / span
    expected = start + speed * (cfg.share_min + span * (power - 0.5 * power) - start)
    assert np.allclose(learned, expected)


def test_the_race_both_ways_keeps_power_in_bounds() -> None:
    """Whatever each side learned, the power stays in [0, 1] at any leverage in [0, 1]."""
    rng = np.random.default_rng(0)
    power, appropriated, absorbed = rng.random((3, 1000))
    for leverage in (0.0, 0.5, 1.0):
        after = value.appropriated_power(power, appropriated, leverage, absorbed)
        assert ((after >= 0) & (after <= 1)).all()
    assert np.array_equal(value.appropriated_power(power, appropriated, 1.0), power + appropriated * (1 - power))


@pytest.mark.parametrize("side", ["partner", "smb"])
def test_without_leverage_learning_changes_no_bargain(side: str) -> None:
    """At alliance.appropriation_leverage=0 what either side learned moves no share."""
    unlearned, learned, _, _ = _planted(0.0, side)
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


@pytest.mark.parametrize("key", ["appropriation_leverage", "imitation_rivalry"])
@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_bad_leverage_or_rivalry_is_refused_naming_the_key(key: str, bad: float) -> None:
    """A leverage or rivalry outside [0, 1] is refused before the run, in one line naming the key."""
    with pytest.raises(ConfigError) as err:
        validate(from_dict({"alliance": {key: bad}}))
    assert err.value.key == f"alliance.{key}"
    assert "\n" not in str(err.value)


def test_zero_rivalry_is_the_model_without_imitation() -> None:
    """A run at imitation_rivalry 0 is the default run, number for number, and no SMB counts as
    imitated; at 0.5 the run differs and SMBs' imitated edges lie in [0, 1]."""
    default = small()
    default.run()
    off = small(alliance={"imitation_rivalry": 0.0})
    off.run()
    on = small(alliance={"imitation_rivalry": 0.5})
    on.run()
    assert summary(off) == summary(default)
    assert not off.smbs.imitated.any()
    assert summary(on) != summary(default)
    imitated = on.smbs.imitated
    assert ((imitated >= 0) & (imitated <= 1)).all() and imitated.max() > 0


def test_imitation_sums_what_partners_learned_and_outlasts_the_alliance() -> None:
    """Each step an SMB's imitated edge grows by the rise, summed over its alliances, of the share
    of its edge each partner has learned (capped at 1); after its alliances end it stays, and its
    direct channel keeps only 1 - rivalry x imitated of its weight."""
    model = small(alliance={"imitation_rivalry": 0.5})
    model.run(24)
    ledger, smbs = model.ledger, model.smbs
    assert (smbs.imitated > 0).sum() >= 10
    ids = ledger.active_ids
    ids = ids[ledger.kind[ids] != PLATFORM_KIND]
    before, appropriated = smbs.imitated.copy(), review.appropriation(model, ids)
    learning.transfer_knowledge(model)
    rise = np.bincount(ledger.smb[ids], weights=review.appropriation(model, ids) - appropriated, minlength=smbs.n)
    assert rise.max() > 0
    assert np.allclose(smbs.imitated, np.minimum(before + rise, 1.0))
    i = int(np.argmax(np.where(smbs.alive, smbs.imitated, 0.0)))
    held = ledger.active_ids[ledger.smb[ledger.active_ids] == i]
    review.end_alliances(model, held, "planted")
    kept = smbs.imitated[i]
    model.step()
    assert smbs.imitated[i] == kept > 0  # nothing left to learn from it, nothing forgotten
    direct = model.config.smb.direct_reach * (0.5 + smbs.capability[i, MARKETING_DIM]) * (1 - 0.5 * kept)
    assert smbs.direct_revenue[i] == pytest.approx(smbs.revenue[i] * direct / smbs.channel_weight[i])
