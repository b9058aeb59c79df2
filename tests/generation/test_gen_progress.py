"""run_shard reports to a Progress: the work left after the resume cache, phases, model loads, written batches."""

import json
import os

import pytest

from difficulty_filter.generation import run_shard
from difficulty_filter.results.progress import DONE, FAILED, Progress

from .gen_fakes import write_dataset


def parts_for(out, bounds):
    return [(a, b, str(out / f"batch_s00000_p{i:03d}.parquet")) for i, (a, b) in enumerate(bounds)]


def test_progress_counts_the_work_of_this_job(tmp_path, cfgs, fake_engine):
    data = write_dataset(tmp_path / "d.parquet", 6)
    parts = parts_for(tmp_path / "gen", [(0, 3), (3, 6), (6, 6)])
    record_path = tmp_path / "progress" / "generate_s00000.json"
    fake_engine["die_after"] = 1
    with pytest.raises(KeyboardInterrupt), Progress(record_path, interval=3600) as progress:
        run_shard(data, parts, *cfgs, cache_dir=str(tmp_path / "cache"), progress=progress)
    killed = json.loads(record_path.read_text())
    assert (killed["state"], killed["phase"], killed["prompts"], killed["prompts_total"]) == (
        FAILED,
        "generating",
        3,
        6,
    )
    for _, _, path in parts:
        if os.path.exists(path):
            os.unlink(path)
    with Progress(record_path, interval=3600) as progress:  # the rerun reuses the first batch
        run_shard(data, parts, *cfgs, cache_dir=str(tmp_path / "cache"), progress=progress)
    record = json.loads(record_path.read_text())
    assert (record["state"], record["prompts"], record["prompts_total"], record["responses_total"]) == (DONE, 3, 3, 6)
    assert (record["responses"], record["tokens"], record["extra"]) == (6, 3 * (2 + 3), {"model_loads": 1})
