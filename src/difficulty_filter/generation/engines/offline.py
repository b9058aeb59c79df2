"""Offline engine: one in-process `vllm.LLM` serves every batch of a shard."""

from __future__ import annotations

import logging
from collections.abc import Hashable, Sequence

from ...settings import ModelSettings, SamplingSettings
from ..records import Sample, finish_reason
from ..requests import engine_args, sampling_fields
from ..stream import POLL_SECONDS, SampleStream

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


class OfflineEngine(SampleStream):
    """Loads the model once; every sample is one seeded request in the engine's queue (continuous batching)."""

    def __init__(self, model: ModelSettings, sampling: SamplingSettings):
        from vllm import LLM

        self.fields = sampling_fields(sampling)
        self.llm = LLM(**llm_kwargs(model, sampling.seed))
        self.capacity = self.llm.llm_engine.vllm_config.scheduler_config.max_num_seqs
        self._owner: dict[str, Hashable] = {}  # vLLM's request id -> tag
        self._refused: list[tuple[Hashable, None]] = []

    def submit(self, tag: Hashable, token_ids: list[int], seed: int) -> None:
        from vllm import SamplingParams, TokensPrompt
        from vllm.exceptions import VLLMValidationError

        try:
            [rid] = self.llm.enqueue(
                TokensPrompt(prompt_token_ids=token_ids), SamplingParams(seed=seed, **self.fields), use_tqdm=False
            )
        except (VLLMValidationError, ValueError) as exc:
            log.warning("sample %s refused by vLLM: %s", tag, exc)
            self._refused.append((tag, None))
            return
        # enqueue returns the internal id "<counter>-<random>"; outputs and abort use "<counter>"
        self._owner[rid.split("-", 1)[0]] = tag

    def poll(self, timeout: float = POLL_SECONDS) -> list[tuple[Hashable, Sample | None]]:
        done, self._refused = self._refused, []
        engine = self.llm.llm_engine
        if not done and self._owner:
            if not engine.has_unfinished_requests():
                raise RuntimeError(f"vLLM finished without answering {len(self._owner)} request(s)")
            for out in engine.step():
                if out.finished and out.request_id in self._owner:
                    [c] = out.outputs
                    done.append(
                        (
                            self._owner.pop(out.request_id),
                            Sample(c.text, len(c.token_ids), finish_reason(c.finish_reason)),
                        )
                    )
        return done

    def abort(self, tags: Sequence[Hashable]) -> None:
        wanted = set(tags)
        ids = [rid for rid, tag in self._owner.items() if tag in wanted]
        if ids:
            self.llm.llm_engine.abort_request(ids)
        for rid in ids:
            del self._owner[rid]

    @property
    def running(self) -> int:
        return len(self._owner) + len(self._refused)

    def close(self) -> None:
        """Shut the engine (and its worker processes) down."""
        core = getattr(self.llm.llm_engine, "engine_core", None)
        if core is not None:
            core.shutdown()
        del self.llm
