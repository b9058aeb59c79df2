"""Offline engine: one in-process `vllm.LLM` serves every batch of a shard."""

from __future__ import annotations

import logging
from typing import Iterator, Sequence

from ..settings import ModelSettings, SamplingSettings
from .records import Sample, finish_reason
from .settings import Request, engine_args, sampling_fields

log = logging.getLogger(__name__)


def llm_kwargs(model: ModelSettings, seed: int) -> dict:
    """Keyword arguments of `vllm.LLM` (data-parallel replicas need a managed server; config refuses them here)."""
    kwargs = {
        "model": model.path,
        "tokenizer": model.tokenizer,
        "revision": model.revision,
        "dtype": model.dtype,
        "max_model_len": model.max_model_len,
        "tensor_parallel_size": model.tensor_parallel_size,
        "enable_expert_parallel": model.enable_expert_parallel,
        "gpu_memory_utilization": model.gpu_memory_utilization,
        "enforce_eager": model.enforce_eager,
        "trust_remote_code": model.trust_remote_code,
        "seed": seed,
    }
    return {**kwargs, **engine_args(model)}


class OfflineEngine:
    """Loads the model once; `generate` streams finished batches while vLLM batches across all of them."""

    def __init__(self, model: ModelSettings, sampling: SamplingSettings):
        from vllm import LLM

        self.fields = sampling_fields(sampling)
        self.llm = LLM(**llm_kwargs(model, sampling.seed))

    def generate(self, batches: Sequence[Sequence[Request]]) -> Iterator[tuple[int, list[list[Sample] | None]]]:
        """Yield (batch number, per-prompt samples) as batches finish; None marks a prompt vLLM rejected."""
        from vllm import SamplingParams, TokensPrompt
        from vllm.exceptions import VLLMValidationError

        results: list[list[list[Sample] | None]] = [[None] * len(b) for b in batches]
        pending = [len(b) for b in batches]
        owner: dict[str, tuple[int, int]] = {}
        for b, requests in enumerate(batches):
            for i, req in enumerate(requests):
                try:
                    [rid] = self.llm.enqueue(TokensPrompt(prompt_token_ids=req.token_ids),
                                             SamplingParams(seed=req.seed, **self.fields), use_tqdm=False)
                except (VLLMValidationError, ValueError) as exc:
                    log.warning("prompt %d of batch %d rejected by vLLM: %s", i, b, exc)
                    pending[b] -= 1
                    continue
                # enqueue returns the internal id "<counter>-<random>"; outputs carry "<counter>"
                owner[rid.split("-", 1)[0]] = (b, i)
        yield from ((b, results[b]) for b in range(len(batches)) if pending[b] == 0)
        engine = self.llm.llm_engine
        while engine.has_unfinished_requests():
            for out in engine.step():
                if not out.finished:
                    continue
                b, i = owner.pop(out.request_id)
                results[b][i] = [Sample(c.text, len(c.token_ids), finish_reason(c.finish_reason))
                                 for c in out.outputs]
                pending[b] -= 1
                if pending[b] == 0:
                    yield b, results[b]
        if owner:
            raise RuntimeError(f"vLLM finished without answering {len(owner)} request(s)")

    def close(self) -> None:
        """Shut the engine (and its worker processes) down."""
        core = getattr(self.llm.llm_engine, "engine_core", None)
        if core is not None:
            core.shutdown()
        del self.llm
