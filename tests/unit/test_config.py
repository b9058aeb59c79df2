"""Config validation: defaults filled, every mistake named by its key."""

import copy

import pytest
import yaml

from difficulty_filter import config
from difficulty_filter.config import ConfigError

BASE = {"datasets": {"d": "data/x.parquet"}, "models": {"m": {"path": "models/m"}}}


def test_defaults_are_filled():
    cfg = config.validate(copy.deepcopy(BASE))
    assert cfg["sampling"]["n"] == 16 and cfg["prompts"]["truncation"] == "left"
    assert cfg["models"]["m"]["engine"] == "offline" and cfg["models"]["m"]["server"]["max_retries"] == 5
    assert cfg["reward"]["code"]["isolation"] == "process"
    assert cfg["filter"]["key_by"] == "id"


@pytest.mark.parametrize("patch, message", [
    ({"sampling": {"n": 0}}, "sampling.n: 0 is less than the minimum"),
    ({"prompts": {"truncation": "middle"}}, "prompts.truncation: 'middle' is not one of"),
    ({"samplng": {}}, "Additional properties are not allowed"),
    ({"models": {"m": {"path": "x", "tensor_parallel_size": "2"}}}, "models.m.tensor_parallel_size"),
    ({"filter": {"low": {"model": "nope", "threshold": 0.1}}}, "filter.low.model: unknown model 'nope'"),
    ({"filter": {"high": {"model": "m", "threshold": 1.5}}}, "filter.high.threshold"),
    ({"reward": {"custom_verifiers": {"x": "no_function"}}}, "reward.custom_verifiers.x"),
])
def test_mistakes_are_named(patch, message):
    cfg = copy.deepcopy(BASE)
    cfg.update(patch)
    with pytest.raises(ConfigError, match=message):
        config.validate(cfg, "my.yaml")


def test_load_names_the_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("datasets: [unclosed")
    with pytest.raises(ConfigError, match="c.yaml: not valid YAML"):
        config.load(path)


def test_shipped_configs_are_valid():
    from pathlib import Path

    for path in Path(__file__).resolve().parents[2].glob("config/*.yaml"):
        if path.name != "schema.yaml":
            config.validate(yaml.safe_load(path.read_text()), str(path))
