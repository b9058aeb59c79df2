"""Typed, frozen settings built from a validated config (defaults live only in schema.yaml).

`config.validate` fills the schema's defaults and returns a `Settings`; every module reads these objects and
none re-derives a default. A field here matches a schema property of the same name (a test keeps them in step).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ServerSettings:
    urls: tuple[str, ...]
    api_key: str | None
    max_in_flight: int
    request_timeout: float
    max_retries: int
    startup_timeout: float


@dataclass(frozen=True)
class SlurmSettings:
    runtime: int | str
    mem_mb: int


@dataclass(frozen=True)
class ModelSettings:
    path: str | None
    revision: str | None
    tokenizer: str | None
    engine: str
    generations: str | None
    dtype: str
    max_model_len: int | None
    tensor_parallel_size: int
    data_parallel_size: int
    enable_expert_parallel: bool
    gpus_per_job: int
    gpu_memory_utilization: float
    enforce_eager: bool
    trust_remote_code: bool
    chat_template_kwargs: dict
    engine_args: dict
    server: ServerSettings
    slurm: SlurmSettings
    cost: float | None

    @property
    def is_managed_server(self) -> bool:
        return self.engine == "server" and not self.server.urls

    @property
    def gpus_needed(self) -> int:
        """Devices the engine itself uses: tensor-parallel size times data-parallel replicas (managed servers)."""
        return self.tensor_parallel_size * (self.data_parallel_size if self.is_managed_server else 1)


@dataclass(frozen=True)
class ConfidenceSettings:
    interval: str
    level: float


@dataclass(frozen=True)
class SamplingSettings:
    n: int
    temperature: float
    top_p: float
    top_k: int
    repetition_penalty: float
    max_new_tokens: int
    seed: int
    adaptive: str
    confidence: ConfidenceSettings

    def __post_init__(self) -> None:
        if self.adaptive is False:  # YAML 1.1 reads a bare `off` as false
            object.__setattr__(self, "adaptive", "off")


@dataclass(frozen=True)
class PromptSettings:
    max_prompt_length: int
    truncation: str


@dataclass(frozen=True)
class BatchingSettings:
    batch_size: int
    batches_per_job: int


@dataclass(frozen=True)
class CodeSettings:
    isolation: str
    test_timeout: float
    total_timeout: float
    memory_mb: int
    max_processes: int
    max_output_bytes: int
    calibrate: bool
    check_reference: bool
    remote_url: str | None


@dataclass(frozen=True)
class JudgeSettings:
    model: str | None
    url: str | None
    domains: tuple[str, ...]


@dataclass(frozen=True)
class RewardSettings:
    workers: int
    timeout: float
    correct_threshold: float
    exclude_infra_errors: bool
    custom_verifiers: dict
    code: CodeSettings
    judge: JudgeSettings


@dataclass(frozen=True)
class FilterSide:
    model: str
    threshold: float


@dataclass(frozen=True)
class FilterSettings:
    low: FilterSide | None
    high: FilterSide | None
    key_by: str
    drop_broken_tests: bool

    def model_of(self, side: str) -> str | None:
        """The model deciding `side` ("low" or "high"), or None when that side is off."""
        rule = getattr(self, side)
        return rule.model if rule else None


@dataclass(frozen=True)
class SuspectLabelSettings:
    min_samples: int
    min_share: float
    witness_min_pass_rate: float
    agreeing_models: int
    agreeing_min_share: float


@dataclass(frozen=True)
class ReportSettings:
    pass_at_k: tuple[int, ...]
    outcome_warn_share: dict[str, float]
    all_fail_min_prompts: int
    suspect_label: SuspectLabelSettings


@dataclass(frozen=True)
class PrepareSettings:
    inputs: dict
    target_sample_size: int
    max_prompt_tokens: int | None
    tokenizer_model: str | None
    seed: int
    output_dir: str


@dataclass(frozen=True)
class Settings:
    results_dir: str
    datasets: dict
    models: dict[str, ModelSettings]
    sampling: SamplingSettings
    prompts: PromptSettings
    batching: BatchingSettings
    reward: RewardSettings
    filter: FilterSettings
    report: ReportSettings
    prepare: PrepareSettings


def build(cls: type, data: dict) -> Any:
    """An instance of dataclass `cls` from a validated, defaults-filled mapping."""
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _convert(hints[f.name], data[f.name]) for f in dataclasses.fields(cls)})


def _convert(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _convert(next(a for a in args if a is not type(None)), value)
    if dataclasses.is_dataclass(hint):
        return build(hint, value)
    if origin is tuple:
        return tuple(_convert(args[0], v) for v in value)
    if origin is dict and args:
        return {k: _convert(args[1], v) for k, v in value.items()}
    if hint is float:
        return float(value)
    return value


def as_dict(value: Any) -> Any:
    """Plain JSON-ready data (dicts and lists) of a settings object, for rule params and file metadata."""
    if dataclasses.is_dataclass(value):
        return {f.name: as_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: as_dict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_dict(v) for v in value]
    return value
