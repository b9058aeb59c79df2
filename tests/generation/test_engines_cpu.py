"""run_shard with the real vLLM CPU engine on SmolLM2-135M: offline, managed server, external server.

Slow (an engine start is ~35 s on 2 cores): run with `pytest -m vllm`. Each case uses 6 prompts in 3
batches, n=2, 8 new tokens.
"""

import logging
import re
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from difficulty_filter.generation import run_shard
from difficulty_filter.generation.engines.managed_server import free_port, managed_server, server_command
from difficulty_filter.generation.records import FINISH_REASONS

from .gen_fakes import write_dataset

pytestmark = pytest.mark.vllm
pytest.importorskip("vllm")


@pytest.fixture
def cpu_cfgs(smollm2_dir, cfgs):
    """The SmolLM2 folder comes from tests/conftest.py (DF_TEST_MODEL_DIR, else the demo folder)."""
    model, sampling, prompts = cfgs
    model = replace(
        model,
        path=str(smollm2_dir),
        dtype="float32",
        max_model_len=512,
        server=replace(model.server, startup_timeout=600),
    )  # a busy 2-core machine needs > 60 s
    return model, replace(sampling, n=2, max_new_tokens=8), prompts


def run(tmp_path, model, sampling, prompts):
    data = write_dataset(tmp_path / "d.parquet", 6)
    parts = [(2 * i, 2 * i + 2, str(tmp_path / f"gen/batch_s00000_p{i:03d}.parquet")) for i in range(3)]
    stats = run_shard(data, parts, model, sampling, prompts, cache_dir=str(tmp_path / "cache"))
    tables = [pq.read_table(p).to_pylist() for _, _, p in parts]
    for rows in tables:
        assert len(rows) == 4 and [r["sample_index"] for r in rows] == [0, 1, 0, 1]
        assert all(r["finish_reason"] in FINISH_REASONS[:2] and 0 < r["response_tokens"] <= 8 for r in rows)
        assert all(r["prompt_tokens"] > 10 and not r["prompt_truncated"] for r in rows)
    return stats, tables


def group_members(pgid):
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def test_offline(tmp_path, cpu_cfgs):
    stats, _ = run(tmp_path, *cpu_cfgs)
    assert stats["model_loads"] == 1 and stats["prompts"] == 6 and stats["output_tokens"] > 0


def test_managed_server_one_load_no_orphans(tmp_path, cpu_cfgs, caplog):
    model, sampling, prompts = cpu_cfgs
    caplog.set_level(logging.INFO, logger="difficulty_filter")
    stats, _ = run(tmp_path, replace(model, engine="server"), sampling, prompts)
    assert stats["model_loads"] == 1
    starts = [r.getMessage() for r in caplog.records if "healthy at" in r.getMessage()]
    assert len(starts) == 1
    pid = int(re.search(r"pid (\d+)", starts[0]).group(1))
    assert group_members(pid) == []


def test_external_server(tmp_path, cpu_cfgs):
    model, sampling, prompts = cpu_cfgs
    port = free_port()
    with managed_server(model, sampling.seed, command=server_command(model, port, sampling.seed), port=port) as server:
        external = replace(model, engine="server", server=replace(model.server, urls=(server.url + "/v1",)))
        stats, _ = run(tmp_path, external, sampling, prompts)
    assert stats["model_loads"] == 0 and stats["prompts"] == 6
