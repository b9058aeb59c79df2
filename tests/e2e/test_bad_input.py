"""Bad input through the real workflow: refused by config validation (parse time) or by the row index,
with file, row and field named, before any generate job starts and with nothing half-written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from difficulty_filter.demo.workflow import copy_workflow

from ..conftest import verl_row

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


def _config(model_dir: Path, **changes) -> dict:
    config = {
        "datasets": {"d": "data/d.parquet"},
        "models": {"m": {"path": str(model_dir), "gpus_per_job": 0, "dtype": "float32"}},
        "sampling": {"n": 2, "max_new_tokens": 4},
        "batching": {"batch_size": 2, "batches_per_job": 2},
        "filter": {"low": {"model": "m", "threshold": 0.0}},
    }
    for key, value in changes.items():
        section, _, field = key.partition("__")
        if field:
            config[section] = {**config.get(section, {}), field: value}
        else:
            config[section] = value
    return config


ROWS = [verl_row(i) for i in range(4)]
CASES = {
    "duplicate ids": ([*ROWS, verl_row(2)], {}, "data/d.parquet, row 4, field 'extra_info': id key 'math__toy_2'"),
    "missing ground truth": (
        [*ROWS, {**verl_row(4), "reward_model": {"style": "rule"}}],
        {},
        "row 4, field 'reward_model.ground_truth': is null",  # Parquet structs store a missing key as null
    ),
    "codegen truth unusable": (
        [*ROWS, {**verl_row(4, source="codegen__x"), "reward_model": {"ground_truth": "print(1)"}}],
        {},
        "row 4, field 'reward_model.ground_truth': not usable by the codegen verifier",
    ),
    "n = 0": (ROWS, {"sampling__n": 0}, "sampling.n: 0 is less than the minimum of 1"),
    "threshold > 1": (ROWS, {"filter": {"low": {"model": "m", "threshold": 1.5}}}, "filter.low.threshold"),
    "unknown key": (ROWS, {"sampling__temprature": 0.5}, "'temprature' was unexpected"),
    "model path missing": (
        ROWS,
        {"models": {"m": {"path": "/nowhere/model", "gpus_per_job": 0}}},
        "models.m.path: '/nowhere/model' is neither a folder here nor a hub id",
    ),
    "tensor parallel vs GPUs": (
        ROWS,
        {"models": {"m": {"path": "/tmp", "gpus_per_job": 1, "tensor_parallel_size": 2}}},
        "models.m.gpus_per_job: 1 GPUs, but tensor_parallel_size x data_parallel_size uses 2",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_before_any_generate_job(tmp_path, smollm2_dir, case):
    rows, changes, message = CASES[case]
    work = copy_workflow(REPO, tmp_path / "wf", _config(smollm2_dir, **changes))
    (work / "data").mkdir()
    pq.write_table(pa.Table.from_pylist(rows), work / "data/d.parquet")
    res = subprocess.run(
        [sys.executable, "-m", "snakemake", "--directory", str(work), "--cores", "2"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode != 0
    assert message in res.stdout + res.stderr
    assert not (work / "logs" / "generate").exists()  # no generate job started
    leftovers = [p for p in (work / "results").rglob("*") if p.is_file()] if (work / "results").exists() else []
    assert leftovers == []  # nothing half-written
