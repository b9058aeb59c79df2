"""Config -> vLLM arguments, for the offline engine and the managed server alike."""

import os

from difficulty_filter import config
from difficulty_filter.generation.engines import vllm_sized_threads
from difficulty_filter.generation.engines.managed_server import server_command
from difficulty_filter.generation.engines.offline import llm_kwargs
from difficulty_filter.generation.requests import engine_args


def model(**fields):
    return config.section("model", {"path": "/m", **fields})


CPU = model(gpus_per_job=0)


def test_cpu_turns_chunked_prefill_off_unless_overridden():
    assert engine_args(CPU) == {"enable_chunked_prefill": False}
    assert engine_args(model(gpus_per_job=0, engine_args={"enable_chunked_prefill": True})) == {
        "enable_chunked_prefill": True
    }
    assert engine_args(model(gpus_per_job=1)) == {}
    assert "--no-enable-chunked-prefill" in server_command(CPU, 1, seed=0)
    assert llm_kwargs(CPU, seed=0)["enable_chunked_prefill"] is False


def test_llm_kwargs_maps_parallelism_and_passthrough():
    cfg = model(
        dtype="bfloat16",
        tensor_parallel_size=2,
        enable_expert_parallel=True,
        max_model_len=4096,
        gpu_memory_utilization=0.8,
        engine_args={"max_num_seqs": 32},
    )
    kw = llm_kwargs(cfg, seed=3)
    assert (kw["model"], kw["dtype"], kw["tensor_parallel_size"], kw["enable_expert_parallel"]) == (
        "/m",
        "bfloat16",
        2,
        True,
    )
    assert kw["max_model_len"] == 4096 and kw["seed"] == 3 and kw["max_num_seqs"] == 32


def test_gpus_needed_counts_managed_server_replicas():
    assert model(tensor_parallel_size=2, data_parallel_size=4).gpus_needed == 2
    assert model(engine="server", tensor_parallel_size=2, data_parallel_size=4).gpus_needed == 8
    assert (
        model(
            engine="server", tensor_parallel_size=2, data_parallel_size=4, server={"urls": ["http://h:8000"]}
        ).gpus_needed
        == 2
    )


def test_thread_env_hidden_from_the_engine_and_restored(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    monkeypatch.setenv("MKL_NUM_THREADS", "2")
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    with vllm_sized_threads():
        assert "OMP_NUM_THREADS" not in os.environ and "MKL_NUM_THREADS" not in os.environ
    assert os.environ["OMP_NUM_THREADS"] == "2" and "OPENBLAS_NUM_THREADS" not in os.environ
