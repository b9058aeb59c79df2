"""Load the workflow config and validate it against config/schema.yaml, filling defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "config" / "schema.yaml"


class ConfigError(ValueError):
    """The config file is malformed; the message names the file and the offending key."""


def _fill_defaults(validator_class, root: dict):
    validate_props = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for prop, sub in properties.items():
                sub = _deref(root, sub)
                if "default" in sub and prop not in instance:
                    instance[prop] = _copy(sub["default"])
        yield from validate_props(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


def _deref(root: dict, sub: dict) -> dict:
    ref = sub.get("$ref", "")
    if not ref.startswith("#/"):
        return sub
    target = root
    for part in ref[2:].split("/"):
        target = target[part]
    return target


def _copy(value: Any) -> Any:
    return yaml.safe_load(yaml.safe_dump(value))


def load_schema(path: str | Path = SCHEMA_PATH) -> dict:
    return yaml.safe_load(Path(path).read_text())


def validate(config: dict, source: str = "config", schema: dict | None = None) -> dict:
    """Validate `config` in place (defaults filled) and check cross-references; return it."""
    schema = schema or load_schema()
    validator = _fill_defaults(jsonschema.Draft202012Validator, schema)(schema)
    # several passes: defaults of nested objects created by the first pass are filled by the second
    for _ in range(3):
        errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
        if errors:
            raise ConfigError("\n".join(_describe(source, e) for e in errors))
    _check_references(config, source)
    return config


def _describe(source: str, error: jsonschema.ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "<top level>"
    return f"{source}: {where}: {error.message}"


def _check_references(config: dict, source: str) -> None:
    models = config["models"]
    for side in ("low", "high"):
        rule = (config.get("filter") or {}).get(side)
        if rule and rule["model"] not in models:
            raise ConfigError(f"{source}: filter.{side}.model: unknown model {rule['model']!r}; "
                              f"known models: {', '.join(models)}")
    judge = config.get("reward", {}).get("judge", {}).get("model")
    if judge and judge not in models:
        raise ConfigError(f"{source}: reward.judge.model: unknown model {judge!r}")
    tok = config.get("prepare", {}).get("tokenizer_model")
    if tok and tok not in models:
        raise ConfigError(f"{source}: prepare.tokenizer_model: unknown model {tok!r}")
    for name, model in models.items():
        if model["engine"] == "server" and model["server"]["urls"] and model["data_parallel_size"] > 1:
            raise ConfigError(f"{source}: models.{name}.data_parallel_size applies to managed servers only")


def load(path: str | Path) -> dict:
    """Read and validate a YAML config file."""
    path = Path(path)
    try:
        config = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return validate(config, str(path))
