"""Open the configured engine for one shard: offline `vllm.LLM`, a managed server, or external servers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from ...settings import ModelSettings, SamplingSettings
from .gpu_slots import gpu_slots
from .managed_server import managed_server
from .offline import OfflineEngine
from .server_client import ServerClient


@contextlib.contextmanager
def open_engine(
    model: ModelSettings, sampling: SamplingSettings, tokenizer: Any, gpu_lock_dir: str | None
) -> Iterator[tuple[Any, int]]:
    """Yield (engine, number of model loads it cost this process); the engine is a `SampleStream`."""
    if model.engine == "server" and model.server.urls:
        client = ServerClient(model.server.urls, model.server, sampling, _counter(tokenizer))
        client.connect()
        try:
            yield client, 0
        finally:
            client.close()
        return
    with gpu_slots(gpu_lock_dir, model.gpus_per_job), vllm_sized_threads():
        if model.engine == "offline":
            engine = OfflineEngine(model, sampling)
            try:
                yield engine, 1
            finally:
                engine.close()
        else:
            records = None if gpu_lock_dir is None else os.path.join(gpu_lock_dir, "servers")
            with managed_server(model, sampling.seed, records=records) as server:
                client = ServerClient([server.url], model.server, sampling, _counter(tokenizer), alive=server.alive)
                client.connect()
                try:
                    yield client, 1
                finally:
                    client.close()


#: What Snakemake exports to script jobs (= the rule's threads); see vllm_sized_threads.
THREAD_ENV = (
    "OMP_NUM_THREADS",
    "GOTO_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


@contextlib.contextmanager
def vllm_sized_threads() -> Iterator[None]:
    """Hide Snakemake's thread-count variables from the engine, so vLLM sizes and pins its own threads.

    With OMP_NUM_THREADS & co. set, vLLM keeps multi-threaded torch ops (spin-waiting OpenMP threads)
    in its engine processes; under Snakemake that made CPU generation 2-3x slower than a bare script.
    """
    saved = {k: os.environ.pop(k) for k in THREAD_ENV if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def _counter(tokenizer: Any):
    """Token count of a response text, for servers that do not return token ids."""
    return lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"])
