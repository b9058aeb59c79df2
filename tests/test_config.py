"""Config validation: defaults filled, every mistake named by its key."""

import copy
import dataclasses

import pytest
import yaml

from difficulty_filter import config, settings
from difficulty_filter.config import ConfigError

BASE = {"datasets": {"d": "data/x.parquet"}, "models": {"m": {"path": "models/m"}}}


def test_defaults_are_filled_into_frozen_typed_settings():
    raw = copy.deepcopy(BASE)
    s = config.validate(raw)
    assert raw == BASE  # the raw mapping is left as it was
    assert s.sampling.n == 16 and s.prompts.truncation == "left"
    assert s.models["m"].engine == "offline" and s.models["m"].server.max_retries == 5
    assert s.reward.code.isolation == "process" and s.reward.judge.domains == ("stem_web",)
    assert s.filter.key_by == "id" and s.filter.low is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.sampling.n = 4


def _schema_fields(schema: dict, node: dict) -> set[str]:
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return set(node.get("properties", {}))


def test_every_schema_property_has_a_settings_field():
    """The schema (defaults, descriptions) and the dataclasses name the same settings."""
    schema = config.load_schema()
    assert _schema_fields(schema, schema) == {f.name for f in dataclasses.fields(settings.Settings)}
    for name, cls in config.SECTIONS.items():
        assert _schema_fields(schema, schema["$defs"][name]) == {f.name for f in dataclasses.fields(cls)}, name
    assert _schema_fields(schema, schema["$defs"]["model"]["properties"]["server"]) == {
        f.name for f in dataclasses.fields(settings.ServerSettings)
    }
    reward = schema["$defs"]["reward"]["properties"]
    assert _schema_fields(schema, reward["code"]) == {f.name for f in dataclasses.fields(settings.CodeSettings)}
    assert _schema_fields(schema, reward["judge"]) == {f.name for f in dataclasses.fields(settings.JudgeSettings)}


def test_section_fills_defaults_of_a_partial_mapping():
    reward = config.section("reward", {"timeout": 5, "code": {"memory_mb": 512}})
    assert reward.timeout == 5.0 and reward.code.memory_mb == 512 and reward.code.total_timeout == 60.0
    with pytest.raises(ConfigError, match="reward.*workers"):
        config.section("reward", {"workers": 0}, "reward")


@pytest.mark.parametrize(
    "model, message",
    [
        (
            {"path": "x", "gpus_per_job": 2},
            "gpus_per_job: 2 GPUs, but tensor_parallel_size x data_parallel_size uses 1",
        ),
        ({"path": "x", "gpus_per_job": 1, "tensor_parallel_size": 2}, "uses 2"),
        ({"path": "x", "data_parallel_size": 2}, "data_parallel_size: replicas need a managed server"),
    ],
)
def test_impossible_parallelism_is_refused(model, message):
    with pytest.raises(ConfigError, match=message):
        config.validate({**BASE, "models": {"m": model}}, "my.yaml")
    assert config.validate(
        {
            **BASE,
            "models": {
                "m": {
                    "path": "x",
                    "engine": "server",
                    "gpus_per_job": 4,
                    "tensor_parallel_size": 2,
                    "data_parallel_size": 2,
                }
            },
        }
    )


def test_model_paths_must_load_without_a_download(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    (tmp_path / "hub" / "models--org--cached").mkdir(parents=True)
    (tmp_path / "local").mkdir()
    ok = {
        "a": {"path": str(tmp_path / "local")},
        "b": {"path": "org/cached"},
        "c": {"path": "resources/models/Built"},
    }  # built by rule materialize_model
    config.check_model_paths(config.validate({**BASE, "models": ok}))
    missing = config.validate({**BASE, "models": {"m": {"path": str(tmp_path / "nowhere")}}})
    with pytest.raises(ConfigError, match="models.m.path: .*nowhere.* is neither a folder here nor a hub id"):
        config.check_model_paths(missing, "my.yaml")


@pytest.mark.parametrize(
    "patch, message",
    [
        ({"sampling": {"n": 0}}, "sampling.n: 0 is less than the minimum"),
        ({"prompts": {"truncation": "middle"}}, "prompts.truncation: 'middle' is not one of"),
        ({"samplng": {}}, "Additional properties are not allowed"),
        ({"models": {"m": {"path": "x", "tensor_parallel_size": "2"}}}, "models.m.tensor_parallel_size"),
        ({"filter": {"low": {"model": "nope", "threshold": 0.1}}}, "filter.low.model: unknown model 'nope'"),
        ({"filter": {"high": {"model": "m", "threshold": 1.5}}}, "filter.high.threshold"),
        ({"sampling": {"n": 0}}, "sampling.n"),
        ({"reward": {"workers": 2, "wrokers": 3}}, "reward: Additional properties are not allowed .'wrokers'"),
        ({"reward": {"custom_verifiers": {"x": "no_function"}}}, "reward.custom_verifiers.x"),
    ],
)
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

    paths = sorted(Path(__file__).resolve().parents[1].glob("config/*.yaml"))
    assert [p.name for p in paths] == ["config.yaml", "two-models.yaml"]
    for path in paths:
        settings = config.validate(yaml.safe_load(path.read_text()), str(path))
        assert settings.datasets and settings.models, path


# ---- config errors are reported without a traceback ------------------------------------------------------

BAD = {**BASE, "sampling": {"n": 0}}


def _cli(tmp_path, *args):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "difficulty_filter.cli", *args], cwd=tmp_path, capture_output=True, text=True
    )


def test_a_command_reports_a_config_error_with_key_and_file_and_no_traceback(tmp_path):
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(BAD))
    done = _cli(tmp_path, "validate", "bad.yaml")
    assert done.returncode == 2
    assert done.stderr == "difficulty-filter validate: error: bad.yaml: sampling.n: 0 is less than the minimum of 1\n"
    debug = _cli(tmp_path, "--debug", "validate", "bad.yaml")
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "ConfigError" in debug.stderr


SNAKEFILE = """\
from difficulty_filter.config import errors_reported, validate

configfile: "config.yaml"

with errors_reported():
    SETTINGS = validate(config, ", ".join(workflow.configfiles) or "config")

rule all:
    output: "x"
    shell: "touch {output}"
"""


@pytest.mark.parametrize("debug", [False, True])
def test_a_config_error_in_the_snakefile_is_one_line(tmp_path, monkeypatch, debug):
    import subprocess
    import sys

    (tmp_path / "Snakefile").write_text(SNAKEFILE)
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(BAD))
    if debug:
        monkeypatch.setenv(config.DEBUG_VAR, "1")
    else:
        monkeypatch.delenv(config.DEBUG_VAR, raising=False)
    done = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    if debug:  # Snakemake's own report, with the file and line of each frame
        assert "ConfigError in file" in done.stdout + done.stderr and 'File "' in done.stdout + done.stderr
    else:
        assert done.stderr == "error: config.yaml: sampling.n: 0 is less than the minimum of 1\n"
