"""Config -> vLLM arguments, for the offline engine and the managed server alike."""

import os

import pytest

from difficulty_filter.generation.engines import gpus_needed, vllm_sized_threads
from difficulty_filter.generation.managed_server import server_command
from difficulty_filter.generation.offline import llm_kwargs
from difficulty_filter.generation.settings import engine_args

CPU = {"path": "/m", "gpus_per_job": 0}


def test_cpu_turns_chunked_prefill_off_unless_overridden():
    assert engine_args(CPU) == {"enable_chunked_prefill": False}
    assert engine_args({**CPU, "engine_args": {"enable_chunked_prefill": True}}) == {"enable_chunked_prefill": True}
    assert engine_args({"path": "/m", "gpus_per_job": 1}) == {}
    assert "--no-enable-chunked-prefill" in server_command(CPU, 1, seed=0)
    assert llm_kwargs(CPU, seed=0)["enable_chunked_prefill"] is False


def test_llm_kwargs_maps_parallelism_and_passthrough():
    cfg = {"path": "/m", "dtype": "bfloat16", "tensor_parallel_size": 2, "enable_expert_parallel": True,
           "max_model_len": 4096, "gpu_memory_utilization": 0.8, "engine_args": {"max_num_seqs": 32}}
    kw = llm_kwargs(cfg, seed=3)
    assert (kw["model"], kw["dtype"], kw["tensor_parallel_size"], kw["enable_expert_parallel"]) == \
        ("/m", "bfloat16", 2, True)
    assert kw["max_model_len"] == 4096 and kw["seed"] == 3 and kw["max_num_seqs"] == 32


def test_offline_refuses_data_parallel():
    with pytest.raises(ValueError, match="engine: server"):
        llm_kwargs({"path": "/m", "data_parallel_size": 2}, seed=0)


def test_gpus_needed_counts_server_replicas():
    assert gpus_needed({"engine": "offline", "tensor_parallel_size": 2, "data_parallel_size": 4}) == 2
    assert gpus_needed({"engine": "server", "tensor_parallel_size": 2, "data_parallel_size": 4}) == 8


def test_thread_env_hidden_from_the_engine_and_restored(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    monkeypatch.setenv("MKL_NUM_THREADS", "2")
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    with vllm_sized_threads():
        assert "OMP_NUM_THREADS" not in os.environ and "MKL_NUM_THREADS" not in os.environ
    assert os.environ["OMP_NUM_THREADS"] == "2" and "OPENBLAS_NUM_THREADS" not in os.environ
