"""Open the configured engine for one shard: offline `vllm.LLM`, a managed server, or external servers."""

from __future__ import annotations

import contextlib
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
    with gpu_slots(gpu_lock_dir, gpus):
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


def _counter(tokenizer: Any):
    """Token count of a response text, for servers that do not return token ids."""
    return lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"])
