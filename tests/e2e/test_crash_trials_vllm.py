"""Crash proofs with real vLLM (CPU, SmolLM2-135M): kill -9 of the whole workflow while a shard is half
generated, once with the offline engine and once with a managed `vllm serve`, then the same command resumes.

The generations must equal an uninterrupted run's; a batch finished before a kill is never generated again (it
comes from the resume cache); the managed server of the killed job does not outlive the resume.
"""

from __future__ import annotations

import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from difficulty_filter.demo.workflow import copy_workflow
from difficulty_filter.run_control.leftovers import processes_with_token
from difficulty_filter.run_control.lock import RunLock

from ..conftest import verl_row
from .crash_harness import REPO, Run, differences, log_lines, outputs, run_to_end, torn_parquet

pytestmark = [pytest.mark.e2e, pytest.mark.vllm]

MODELS = {"smol": "offline", "smolsrv": "server"}
PARTS = 3
#: Only the generations: downstream stages are proven by the file-engine trials.
TARGETS = tuple(f"results/tiny/{m}/generations/batch_s00000_p{p:03d}.parquet" for m in MODELS for p in range(PARTS))


@pytest.fixture(scope="module")
def vllm_config(tmp_path_factory, smollm2_dir):
    data = tmp_path_factory.mktemp("vllm_data") / "tiny.parquet"
    pq.write_table(
        pa.Table.from_pylist([verl_row(i, f"What is {i} + {i + 1}?", str(2 * i + 1)) for i in range(6)]), data
    )
    return {
        "datasets": {"tiny": str(data)},
        "models": {
            name: {
                "path": str(smollm2_dir),
                "engine": engine,
                "dtype": "float32",
                "max_model_len": 512,
                "gpus_per_job": 0,
                "gpu_memory_utilization": 0.2,
                "enforce_eager": True,
                "engine_args": {"max_num_seqs": 2},  # two samples at a time: a shard's batches finish in turn
            }
            for name, engine in MODELS.items()
        },
        "sampling": {"n": 2, "temperature": 0.8, "max_new_tokens": 8, "seed": 7},
        "prompts": {"max_prompt_length": 256},
        "batching": {"batch_size": 2, "batches_per_job": PARTS},  # 6 rows: one shard of 3 batches per model
        "reward": {"workers": 1},
    }


def half_generated(work, model: str) -> bool:
    """The model's shard job has written its first batch but not its last."""
    folder = work / "results/tiny" / model / "generations"
    return (folder / "batch_s00000_p000.parquet").exists() and not (folder / "batch_s00000_p002.parquet").exists()


def test_kill_9_mid_shard_with_both_engines_then_resume(tmp_path, vllm_config):
    baseline = copy_workflow(REPO, tmp_path / "baseline", vllm_config)
    done = run_to_end(baseline, *TARGETS)
    assert done.returncode == 0, done.stderr[-4000:]
    work = copy_workflow(REPO, tmp_path / "w", vllm_config)
    logs, killed, tokens = set(), [], []
    for number in range(len(MODELS)):
        run = Run(work, TARGETS).start(number)
        deadline = time.monotonic() + 600
        while not (model := next((m for m in MODELS if m not in killed and half_generated(work, m)), None)):
            assert run.proc.poll() is None, run.text()[-4000:]
            assert time.monotonic() < deadline
            time.sleep(0.05)
        run.kill()
        killed.append(model)
        assert not torn_parquet(work)
        logs |= log_lines(work, "generate")
        tokens.append(RunLock(work).previous().token)
    done = run_to_end(work, *TARGETS)
    assert done.returncode == 0, done.stderr[-4000:]
    logs |= log_lines(work, "generate")
    assert differences(outputs(work), outputs(baseline)) == []
    for model in MODELS:
        first = f"results/tiny/{model}/generations/batch_s00000_p000.parquet"
        assert sum(line.endswith(f"wrote {first} (4 rows)") for line in logs) == 1, f"{first} generated twice"
        assert any(line.endswith(f"-> {first}") and "reused cached batch" in line for line in logs)
    for token in tokens:
        assert processes_with_token(token) == [], "a process of a killed run (e.g. its vLLM server) is still alive"
