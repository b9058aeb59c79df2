"""Fixtures of the generation tests (configs with schema defaults, a fake engine)."""

from __future__ import annotations

import contextlib

import pytest

from difficulty_filter.generation import shard

from .gen_fakes import FakeEngine, WordTokenizer


@pytest.fixture
def cfgs():
    model = {"path": "fake-model", "revision": None, "tokenizer": None, "engine": "offline", "dtype": "auto",
             "max_model_len": None, "tensor_parallel_size": 1, "data_parallel_size": 1,
             "enable_expert_parallel": False, "gpus_per_job": 0, "gpu_memory_utilization": 0.3,
             "enforce_eager": True, "trust_remote_code": False, "chat_template_kwargs": {}, "engine_args": {},
             "server": {"urls": [], "api_key": None, "max_in_flight": 4, "request_timeout": 30,
                        "max_retries": 2, "startup_timeout": 60}}
    sampling = {"n": 2, "temperature": 1.0, "top_p": 0.9, "top_k": 100, "repetition_penalty": 1.0,
                "max_new_tokens": 16, "seed": 7}
    prompts = {"max_prompt_length": 4096, "truncation": "left"}
    return model, sampling, prompts


@pytest.fixture
def fake_engine(monkeypatch):
    """Replace tokenizer loading and the engine; `loads` counts engine openings; set `die_after` to kill it."""
    state = {"loads": 0, "engine": None, "die_after": None}

    @contextlib.contextmanager
    def open_engine(model_cfg, sampling_cfg, tokenizer, gpu_lock_dir):
        state["loads"] += 1
        state["engine"] = FakeEngine(sampling_cfg["n"], state.pop("die_after", None))
        yield state["engine"], 1

    monkeypatch.setattr(shard, "open_engine", open_engine)
    monkeypatch.setattr(shard, "load_tokenizer", lambda cfg: WordTokenizer())
    return state
