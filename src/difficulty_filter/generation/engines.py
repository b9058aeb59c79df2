"""Open the configured engine for one shard: offline `vllm.LLM`, a managed server, or external servers."""

from __future__ import annotations

import contextlib
import os
from typing import Any, Iterator

from .gpu_slots import gpu_slots
from .managed_server import managed_server
from .offline import OfflineEngine
from .server_client import ServerClient


def gpus_needed(model_cfg: dict) -> int:
    """Devices the engine itself uses: tensor-parallel size times data-parallel replicas (servers only)."""
    dp = model_cfg.get("data_parallel_size", 1) if model_cfg.get("engine") == "server" else 1
    return model_cfg.get("tensor_parallel_size", 1) * dp


@contextlib.contextmanager
def open_engine(model_cfg: dict, sampling_cfg: dict, tokenizer: Any,
                gpu_lock_dir: str | None) -> Iterator[tuple[Any, int]]:
    """Yield (engine with `generate(batches)`, number of model loads it cost this process)."""
    server_cfg = model_cfg.get("server") or {}
    if model_cfg.get("engine") == "server" and server_cfg.get("urls"):
        client = ServerClient(server_cfg["urls"], server_cfg, sampling_cfg, _counter(tokenizer))
        client.connect()
        yield client, 0
        return
    gpus = model_cfg.get("gpus_per_job", 1)
    if 0 < gpus < gpus_needed(model_cfg):
        raise ValueError(f"gpus_per_job={gpus} is less than the {gpus_needed(model_cfg)} GPUs that "
                         f"tensor_parallel_size x data_parallel_size needs")
    with gpu_slots(gpu_lock_dir, gpus), vllm_sized_threads():
        if model_cfg.get("engine", "offline") == "offline":
            engine = OfflineEngine(model_cfg, sampling_cfg)
            try:
                yield engine, 1
            finally:
                engine.close()
        else:
            with managed_server(model_cfg, sampling_cfg["seed"]) as server:
                client = ServerClient([server.url], server_cfg, sampling_cfg, _counter(tokenizer),
                                      alive=server.alive)
                client.connect()
                yield client, 1


#: What Snakemake exports to script jobs (= the rule's threads); see vllm_sized_threads.
THREAD_ENV = ("OMP_NUM_THREADS", "GOTO_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


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
