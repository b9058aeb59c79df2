"""Fixtures of the generation tests (configs with schema defaults, a fake engine)."""

from __future__ import annotations

import contextlib

import pytest

from difficulty_filter import config
from difficulty_filter.generation import shard

from .gen_fakes import FakeEngine, WordTokenizer


@pytest.fixture
def cfgs():
    """(model, sampling, prompts) settings of a small CPU run."""
    model = config.section(
        "model",
        {
            "path": "fake-model",
            "gpus_per_job": 0,
            "gpu_memory_utilization": 0.3,
            "enforce_eager": True,
            "server": {"max_in_flight": 4, "request_timeout": 30, "max_retries": 2, "startup_timeout": 60},
        },
    )
    sampling = config.section("sampling", {"n": 2, "max_new_tokens": 16, "seed": 7})
    return model, sampling, config.section("prompts")


@pytest.fixture
def fake_engine(monkeypatch):
    """Replace tokenizer loading and the engine; `loads` counts engine openings; set `die_after` to kill it."""
    state = {"loads": 0, "engine": None, "die_after": None}

    @contextlib.contextmanager
    def open_engine(model, sampling, tokenizer, gpu_lock_dir):
        state["loads"] += 1
        state["engine"] = FakeEngine(sampling.n, state.pop("die_after", None))
        yield state["engine"], 1

    monkeypatch.setattr(shard, "open_engine", open_engine)
    monkeypatch.setattr(shard, "load_tokenizer", lambda cfg: WordTokenizer())
    return state
