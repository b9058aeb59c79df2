"""Validate a workflow config against the package's schema.yaml and return typed `Settings`.

The schema is the one place where a setting's default is written; validation fills defaults into a copy of
the raw config, checks what JSON Schema cannot (cross-references, impossible combinations, model paths) and
builds the frozen objects of `difficulty_filter.settings`.
"""

from __future__ import annotations

import copy
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from . import settings as typed

#: Section name -> its settings class; each is `$defs/<name>` in schema.yaml.
SECTIONS: dict[str, type] = {
    "model": typed.ModelSettings,
    "sampling": typed.SamplingSettings,
    "prompts": typed.PromptSettings,
    "batching": typed.BatchingSettings,
    "reward": typed.RewardSettings,
    "filter": typed.FilterSettings,
    "report": typed.ReportSettings,
    "prepare": typed.PrepareSettings,
}
#: Model folders that rule materialize_model builds (they need not exist before the run).
BUILT_MODELS_DIR = "resources/models/"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
#: Memory (MB) of a reward or reference_check job, and its minutes per batch scored (a reward job scores the
#: batches_per_job batches of one shard; a reference check counts as one batch). See `reward_job_resources`.
REWARD_JOB_MEM_MB = 8000
REWARD_MINUTES_PER_BATCH = 60


#: Set (by `difficulty-filter --debug`) to keep the traceback of a config error, also inside the Snakefile.
DEBUG_VAR = "DIFFICULTY_FILTER_DEBUG"


class ConfigError(ValueError):
    """The config is malformed or impossible; the message names the source and the offending key."""


@contextmanager
def errors_reported() -> Iterator[None]:
    """For the Snakefile: a ConfigError or DatasetError raised inside ends the parse with its message alone on
    stderr and exit status 1 (Snakemake would wrap it in its own traceback); with $DIFFICULTY_FILTER_DEBUG set
    (`difficulty-filter --debug ...`) the exception goes through unchanged.

        with errors_reported():
            PLAN = plan_workflow(config, workflow.configfiles, ...)
    """
    from .dataset import DatasetError

    try:
        yield
    except (ConfigError, DatasetError) as exc:
        if os.environ.get(DEBUG_VAR):
            raise
        print(f"error: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """The workflow config schema shipped inside the package."""
    return yaml.safe_load(resources.files(__package__).joinpath("schema.yaml").read_text())


def validate(config: dict, source: str = "config") -> typed.Settings:
    """Typed settings of a raw config mapping (left unchanged), or ConfigError naming every mistake."""
    filled = _filled(copy.deepcopy(config), load_schema(), source)
    settings = typed.build(typed.Settings, filled)
    _check_references(settings, source)
    _check_parallelism(settings, source)
    return settings


def section(name: str, raw: dict | None = None, source: str = "settings") -> Any:
    """One section's typed settings from a partial mapping (schema defaults filled): `section("reward")`."""
    schema = load_schema()
    filled = _filled(copy.deepcopy(raw or {}), {**schema["$defs"][name], "$defs": schema["$defs"]}, source)
    return typed.build(SECTIONS[name], filled)


def load(path: str | Path) -> typed.Settings:
    """Read and validate a YAML config file."""
    path = Path(path)
    try:
        config = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return validate(config, str(path))


def _filled(instance: dict, schema: dict, source: str) -> dict:
    validator = _with_defaults(jsonschema.Draft202012Validator, schema)(schema)
    # several passes: defaults of nested objects created by one pass are filled by the next
    for _ in range(3):
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            raise ConfigError("\n".join(_describe(source, e) for e in errors))
    return instance


def _with_defaults(validator_class, root: dict):
    validate_props = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for prop, sub in properties.items():
                sub = _deref(root, sub)
                if "default" in sub and prop not in instance:
                    instance[prop] = copy.deepcopy(sub["default"])
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


def _describe(source: str, error: jsonschema.ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "<top level>"
    return f"{source}: {where}: {error.message}"


def _check_references(s: typed.Settings, source: str) -> None:
    named = [(f"filter.{side}.model", s.filter.model_of(side)) for side in ("low", "high")]
    named += [("reward.judge.model", s.reward.judge.model), ("prepare.tokenizer_model", s.prepare.tokenizer_model)]
    for key, model in named:
        if model is not None and model not in s.models:
            raise ConfigError(f"{source}: {key}: unknown model {model!r}; known models: {', '.join(s.models)}")


def _check_parallelism(s: typed.Settings, source: str) -> None:
    for name, model in s.models.items():
        key = f"{source}: models.{name}"
        if model.data_parallel_size > 1 and not model.is_managed_server:
            raise ConfigError(f"{key}.data_parallel_size: replicas need a managed server (engine: server, no urls)")
        if model.gpus_per_job > 0 and model.gpus_per_job != model.gpus_needed:
            raise ConfigError(
                f"{key}.gpus_per_job: {model.gpus_per_job} GPUs, but tensor_parallel_size x "
                f"data_parallel_size uses {model.gpus_needed}; make them equal"
            )


def reward_job_resources(s: typed.Settings, rule: str) -> dict[str, int]:
    """`mem_mb` and `runtime` (minutes) of one job of rule `reward` (one shard) or `reference_check`; the rules
    and the SLURM pre-flight (`run_control.cluster_check`) read them from here."""
    batches = s.batching.batches_per_job if rule == "reward" else 1
    return {"mem_mb": REWARD_JOB_MEM_MB, "runtime": REWARD_MINUTES_PER_BATCH * batches}


def check_model_paths(s: typed.Settings, source: str = "config") -> None:
    """Every model path and tokenizer loads without a download, and every rollouts file of engine: file exists
    (run before a workflow plans any job)."""
    for name, model in s.models.items():
        if model.engine == "file":
            if not Path(model.generations).exists():
                raise ConfigError(f"{source}: models.{name}.generations: {model.generations!r} does not exist")
            continue
        for field in ("path", "tokenizer"):
            problem = _missing_model_folder(getattr(model, field))
            if problem:
                raise ConfigError(f"{source}: models.{name}.{field}: {problem}")


def _missing_model_folder(path: str | None) -> str | None:
    """Why a model path cannot be loaded without a download, or None (hub ids must be in the local cache)."""
    if path is None or path.startswith(BUILT_MODELS_DIR) or Path(path).exists():
        return None
    if _HUB_ID.match(path) and _in_hub_cache(path):
        return None
    return f"{path!r} is neither a folder here nor a hub id in the local cache (nothing is downloaded at run time)"


def _in_hub_cache(repo_id: str) -> bool:
    import os

    home = Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface"))
    cache = Path(os.environ.get("HF_HUB_CACHE", home / "hub"))
    return (cache / ("models--" + repo_id.replace("/", "--"))).is_dir()
