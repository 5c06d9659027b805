"""Configuration: every YAML option composes into a valid ModelConfig; bad values name their key."""

from __future__ import annotations

from dataclasses import fields, is_dataclass

import pytest
import yaml
from conftest import CONFIG_DIR, small_config
from hydra import compose, initialize_config_dir

from simulator.cli.app import model_config
from simulator.config import ModelConfig, from_dict
from simulator.errors import ConfigError
from simulator.model import EcosystemModel
from simulator.strategies import MIX, STRATEGIES, build_population, make_strategy
from simulator.validation import validate

STRATEGY_FILES = sorted((CONFIG_DIR / "strategy").glob("*.yaml"))
# each strategy's own file is named after it; other files are presets (mixes or tuned strategies)
SINGLE_STRATEGY_FILES = [p for p in STRATEGY_FILES if yaml.safe_load(p.read_text())["name"] == p.stem != MIX]
SCENARIO_FILES = sorted((CONFIG_DIR / "scenario").glob("*.yaml"))


def _compose(overrides: list[str]) -> ModelConfig:
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=overrides)
    return model_config(cfg)


def _load(path):
    return yaml.safe_load(path.read_text())


def test_config_groups_are_not_empty():
    """The strategy and scenario groups offer options: one per registered strategy, plus the mix."""
    assert SCENARIO_FILES
    assert {p.stem for p in SINGLE_STRATEGY_FILES} == set(STRATEGIES)


@pytest.mark.parametrize("path", STRATEGY_FILES, ids=lambda p: p.stem)
def test_strategy_option_composes_and_validates(path):
    """Each strategy YAML composes through Hydra into a valid ModelConfig using that strategy."""
    config = _compose([f"strategy={path.stem}"])
    validate(config)
    assert config.strategy == _load(path)
    population = build_population(config.strategy)
    assert population
    if path in SINGLE_STRATEGY_FILES:
        assert make_strategy(config.strategy).name == path.stem
    model = EcosystemModel(config)
    assert {s.name for s in model.strategies} == {s.name for s, _ in population}


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("strategy", [p.stem for p in STRATEGY_FILES])
def test_scenario_option_composes_and_validates(path, strategy):
    """Each scenario YAML composes with each strategy into a valid ModelConfig holding its values
    (a platform strategy in a scenario without platforms is refused, naming the strategy, and so is
    a single strategy in a scenario where strategies evolve)."""
    config = _compose([f"scenario={path.stem}", f"strategy={strategy}"])
    population = build_population(config.strategy)
    needs_platforms = [s.name for s, share in population if s.needs_platforms]
    if config.n_platforms == 0 and needs_platforms:
        with pytest.raises(ConfigError, match=f"{needs_platforms[0]} is a platform strategy but n_platforms=0"):
            validate(config)
        return
    if config.adaptation.revision_rate > 0 and len(population) < 2:
        with pytest.raises(ConfigError, match=r"^adaptation\.revision_rate: strategies can only evolve among two"):
            validate(config)
        return
    validate(config)
    assert config.scenario == path.stem
    for key, value in _load(path).items():
        if key == "defaults":  # group choices (population, shock), checked by composing
            continue
        node = config
        for part in key.split("."):
            node = getattr(node, part)
        if is_dataclass(node):
            for sub, sub_value in value.items():
                assert getattr(node, sub) == sub_value, f"{key}.{sub}"
        else:
            assert node == value, key


def test_default_composition_matches_python_defaults():
    """The command line's default configuration is the Python ModelConfig() default."""
    composed = _compose([])
    default = ModelConfig()
    validate(composed)
    for f in fields(ModelConfig):
        if f.name == "strategy":
            continue
        assert getattr(composed, f.name) == getattr(default, f.name), f.name
    assert make_strategy(composed.strategy).params == make_strategy(default.strategy).params


def test_command_line_overrides_reach_the_model_config():
    """Overrides of top-level keys, sections and strategy parameters land in the ModelConfig."""
    config = _compose(
        [
            "seed=7",
            "steps=9",
            "platform.fee=0.2",
            "alliance.base_hazard=0.05",
            "strategy=diversification",
            "strategy.max_share=0.5",
        ]
    )
    assert config.seed == 7
    assert config.steps == 9
    assert config.platform.fee == 0.2
    assert config.alliance.base_hazard == 0.05
    assert config.strategy["name"] == "diversification"
    assert config.strategy["max_share"] == 0.5
    validate(config)


@pytest.mark.parametrize("path", SINGLE_STRATEGY_FILES, ids=lambda p: p.stem)
def test_strategy_yaml_keys_are_its_parameters(path):
    """A strategy YAML holds exactly 'name' and the fields of its Params dataclass, at their defaults."""
    data = _load(path)
    cls = STRATEGIES[data["name"]]
    assert data["name"] == path.stem
    names = {f.name for f in fields(cls.Params)}
    assert set(data) == names | {"name"}
    defaults = cls.Params()
    for name in names:
        assert data[name] == getattr(defaults, name), name


def test_mix_yaml_lists_every_strategy_with_shares_summing_to_one():
    """The mix YAML names every registered strategy once, with shares in [0, 1] summing to 1."""
    data = _load(CONFIG_DIR / "strategy" / f"{MIX}.yaml")
    assert data["name"] == MIX
    assert set(data) <= {"name", "shares", "params"}
    assert set(data["shares"]) == set(STRATEGIES)
    assert all(0 <= v <= 1 for v in data["shares"].values())
    assert sum(data["shares"].values()) == pytest.approx(1.0)


def test_mix_overrides_compose():
    """A mix set on the command line (shares and a member's parameter) gives that population."""
    config = _compose(
        [
            "strategy=mix",
            "strategy.shares.platform_first=0.5",
            "strategy.shares.diversification=0.5",
            "strategy.shares.phased=0",
            "++strategy.params.diversification.max_share=0.5",
        ]
    )
    validate(config)
    population = dict((s.name, (s, share)) for s, share in build_population(config.strategy))
    assert set(population) == {"platform_first", "diversification"}
    assert population["diversification"][0].params.max_share == 0.5
    assert population["platform_first"][1] == 0.5


# ------------------------------------------------------------------------ bad values
@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"n_smbs": -5}, "n_smbs"),
        ({"n_smbs": 0}, "n_smbs"),
        ({"n_partners": -1}, "n_partners"),
        ({"steps": 0}, "steps"),
        ({"seed": -1}, "seed"),
        ({"platform": {"fee": 1.5}}, "platform.fee"),
        ({"platform": {"fee": -0.1}}, "platform.fee"),
        ({"alliance": {"base_hazard": 2.0}}, "alliance.base_hazard"),
        ({"n_smbs": 10.5}, "n_smbs"),
        ({"n_smbs": "many"}, "n_smbs"),
        ({"partner": {"replace_failed": "yes"}}, "partner.replace_failed"),
        ({"platform": {"fee": float("nan")}}, "platform.fee"),
        ({"alliance": {"share_min": 0.5, "share_max": 0.2}}, "alliance.share_min"),
    ],
)
def test_validate_names_the_bad_key(overrides, key):
    """validate raises ConfigError whose key is the offending configuration key."""
    config = small_config(**overrides)
    with pytest.raises(ConfigError) as err:
        validate(config)
    assert err.value.key == key
    assert str(err.value).startswith(key)
    assert "\n" not in str(err.value)


def test_role_shares_must_sum_to_one():
    """Partner role shares that do not sum to 1 are refused, naming the partner shares."""
    config = small_config(partner={"support_service_share": 0.9})
    with pytest.raises(ConfigError) as err:
        validate(config)
    assert err.value.key.startswith("partner")
    assert "support_service_share" in str(err.value)
    assert "sum to 1" in str(err.value)


def test_unknown_strategy_is_refused_with_allowed_names():
    """An unknown strategy name is refused, naming strategy.name and the registered strategies."""
    with pytest.raises(ConfigError) as err:
        validate(small_config("nope"))
    assert err.value.key == "strategy.name"
    assert "nope" in str(err.value)
    for name in STRATEGIES:
        assert name in str(err.value)


def test_unknown_strategy_parameter_is_refused():
    """A parameter the strategy does not have is refused, naming it and the allowed ones."""
    with pytest.raises(ConfigError) as err:
        validate(small_config({"name": "diversification", "max_sahre": 0.3}))
    assert err.value.key == "strategy.max_sahre"
    assert "max_share" in str(err.value)


@pytest.mark.parametrize(
    ("shares", "key"),
    [
        ({"platform_first": 0.5, "diversification": 0.3}, "strategy.shares"),
        ({"platform_first": 0.5, "nope": 0.5}, "strategy.shares.nope"),
        ({"platform_first": 1.5, "diversification": -0.5}, "strategy.shares.platform_first"),
    ],
)
def test_bad_mix_is_refused(shares, key):
    """A mix whose proportions do not sum to 1, name an unknown strategy or leave [0, 1] is refused."""
    with pytest.raises(ConfigError) as err:
        validate(small_config({"name": MIX, "shares": shares}))
    assert err.value.key == key


def test_strategy_parameter_out_of_range_is_refused():
    """A strategy parameter outside its range is refused, naming strategy.<param>."""
    with pytest.raises(ConfigError) as err:
        validate(small_config({"name": "diversification", "max_share": 1.5}))
    assert err.value.key == "strategy.max_share"


def test_model_refuses_invalid_config():
    """Building a model from an invalid configuration raises ConfigError before any step."""
    with pytest.raises(ConfigError):
        EcosystemModel(small_config(n_smbs=-5))


def _bounded_fields(obj, prefix=""):
    for f in fields(obj):
        value = getattr(obj, f.name)
        key = f"{prefix}.{f.name}" if prefix else f.name
        if is_dataclass(value):
            yield from _bounded_fields(value, key)
        elif any(f.metadata.get(b) is not None for b in ("ge", "le", "gt")):
            yield key, f


BOUNDED = list(_bounded_fields(ModelConfig()))


@pytest.mark.parametrize(("key", "field_"), BOUNDED, ids=[k for k, _ in BOUNDED])
def test_every_declared_bound_is_enforced(key, field_):
    """For every parameter with a declared range, a value just outside it is refused by key."""
    meta = field_.metadata
    step = 1 if isinstance(field_.default, int) and not isinstance(field_.default, bool) else 0.5
    bad = []
    if meta.get("ge") is not None:
        bad.append(meta["ge"] - step)
    if meta.get("gt") is not None:
        bad.append(meta["gt"])
    if meta.get("le") is not None:
        bad.append(meta["le"] + step)
    for value in bad:
        value = int(value) if step == 1 else float(value)
        data: dict = {}
        node = data
        *sections, name = key.split(".")
        for section in sections:
            node = node.setdefault(section, {})
        node[name] = value
        with pytest.raises(ConfigError) as err:
            validate(from_dict(data))
        assert err.value.key == key, (key, value)
