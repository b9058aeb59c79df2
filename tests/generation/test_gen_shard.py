"""run_shard with a fake engine: outputs, seeds, placeholders, resume cache, truncation errors."""

import os
import shutil
from dataclasses import replace

import pyarrow.parquet as pq
import pytest

from difficulty_filter import atomic, config
from difficulty_filter.dataset import DatasetError
from difficulty_filter.generation import run_shard
from difficulty_filter.generation.records import METADATA_KEY
from difficulty_filter.generation.resume_cache import ResumeCache
from difficulty_filter.generation.seeds import sample_seed

from .gen_fakes import write_dataset


def parts_for(out, bounds):
    return [(a, b, str(out / f"batch_s00000_p{i:03d}.parquet")) for i, (a, b) in enumerate(bounds)]


def test_writes_every_part_with_one_load(tmp_path, cfgs, fake_engine):
    data = write_dataset(tmp_path / "d.parquet", 10)
    parts = parts_for(tmp_path / "gen", [(0, 4), (4, 8), (8, 10), (10, 10)])
    stats = run_shard(data, parts, *cfgs, cache_dir=str(tmp_path / "cache"))
    assert stats["model_loads"] == 1 and fake_engine["loads"] == 1
    assert stats["prompts"] == 10 and stats["reused_batches"] == 0
    assert stats["output_tokens"] == 10 * (2 + 3)
    tables = [pq.read_table(p) for _, _, p in parts]
    assert [t.num_rows for t in tables] == [8, 8, 4, 0]
    first = tables[0].to_pylist()
    assert [r["row_index"] for r in first[:4]] == [0, 0, 1, 1]
    assert "row_id" not in first[0] and first[2]["response"].startswith("len=")  # ids live in the row index
    seeds = [int(r["response"].split("seed=")[1].split()[0]) for r in first]
    assert seeds == [sample_seed(7, row, j) for row in (0, 1, 2, 3) for j in (0, 1)]  # one seed per sample
    meta = atomic.read_metadata(parts[0][2], METADATA_KEY)
    assert meta["sampling"]["n"] == 2 and meta["cache_key"] and "api_key" not in meta["model"]["server"]


def test_killed_shard_resumes_from_cache(tmp_path, cfgs, fake_engine):
    """A job killed after its first batch does not redo that batch when Snakemake reruns it."""
    data = write_dataset(tmp_path / "d.parquet", 6)
    parts = parts_for(tmp_path / "gen", [(0, 3), (3, 6)])
    fake_engine["die_after"] = 1
    with pytest.raises(KeyboardInterrupt):
        run_shard(data, parts, *cfgs, cache_dir=str(tmp_path / "cache"))
    first = pq.read_table(parts[0][2]).to_pylist()
    for _, _, p in parts:  # what Snakemake does before rerunning a job
        if os.path.exists(p):
            os.unlink(p)
    stats = run_shard(data, parts, *cfgs, cache_dir=str(tmp_path / "cache"))
    assert stats["reused_batches"] == 1 and stats["model_loads"] == 1 and fake_engine["engine"].batches_seen == 1
    assert pq.read_table(parts[0][2]).to_pylist() == first


def test_finished_shard_keeps_its_cache_until_each_batch_is_used(tmp_path, cfgs, fake_engine):
    """Killed after its last batch but before Snakemake recorded it, a shard job reruns with nothing to generate;
    once the reward jobs forgot the entries, a forced rerun (snakemake -R generate) rebuilds the batches from the
    sample store without loading the model, and draws again once the store is gone."""
    data = write_dataset(tmp_path / "d.parquet", 6)
    parts = parts_for(tmp_path / "gen", [(0, 3), (3, 6)])
    run_shard(data, parts, *cfgs, cache_dir=str(tmp_path / "cache"))
    stats = run_shard(data, parts, *cfgs, cache_dir=str(tmp_path / "cache"))
    assert stats["reused_batches"] == 2 and stats["model_loads"] == 0 and fake_engine["loads"] == 1
    for _, _, path in parts:
        ResumeCache(tmp_path / "cache").forget(path)
    assert not list((tmp_path / "cache").rglob("*.parquet"))
    first = [pq.read_table(p).to_pylist() for _, _, p in parts]
    stats = run_shard(data, parts, *cfgs, cache_dir=str(tmp_path / "cache"))
    assert (stats["reused_batches"], stats["reused_samples"], stats["model_loads"]) == (0, 12, 0)
    assert [pq.read_table(p).to_pylist() for _, _, p in parts] == first and fake_engine["loads"] == 1
    for _, _, path in parts:
        ResumeCache(tmp_path / "cache").forget(path)
    shutil.rmtree(tmp_path / "cache.samples")
    stats = run_shard(data, parts, *cfgs, cache_dir=str(tmp_path / "cache"))
    assert stats["reused_batches"] == 0 and stats["model_loads"] == 1 and fake_engine["loads"] == 2


def test_changed_sampling_does_not_reuse(tmp_path, cfgs, fake_engine):
    data = write_dataset(tmp_path / "d.parquet", 3)
    parts = parts_for(tmp_path / "gen", [(0, 3)])
    run_shard(data, parts, *cfgs, cache_dir=str(tmp_path / "cache"))
    model, sampling, prompts = cfgs
    stats = run_shard(
        data, parts, model, replace(sampling, temperature=0.5), prompts, cache_dir=str(tmp_path / "cache")
    )
    assert stats["reused_batches"] == 0 and stats["model_loads"] == 1


def test_k1_single_batch(tmp_path, cfgs, fake_engine):
    data = write_dataset(tmp_path / "d.parquet", 2)
    stats = run_shard(data, parts_for(tmp_path / "gen", [(0, 2)]), *cfgs, cache_dir=str(tmp_path / "c"))
    assert stats["prompts"] == 2 and stats["model_loads"] == 1


def test_only_placeholders_loads_nothing(tmp_path, cfgs, fake_engine):
    data = write_dataset(tmp_path / "d.parquet", 2)
    stats = run_shard(data, parts_for(tmp_path / "gen", [(2, 2), (2, 2)]), *cfgs, cache_dir=str(tmp_path / "c"))
    assert stats["model_loads"] == 0 and fake_engine["loads"] == 0


def test_truncation_error_names_file_row_field_before_loading(tmp_path, cfgs, fake_engine):
    data = write_dataset(tmp_path / "d.parquet", 4, words=50)
    model, sampling, _ = cfgs
    with pytest.raises(DatasetError) as err:
        run_shard(
            data,
            parts_for(tmp_path / "gen", [(0, 4)]),
            model,
            sampling,
            config.section("prompts", {"max_prompt_length": 20, "truncation": "error"}),
            cache_dir=str(tmp_path / "c"),
        )
    assert str(data) in str(err.value) and "row 0" in str(err.value) and "'prompt'" in str(err.value)
    assert fake_engine["loads"] == 0


def test_left_truncation_flags_rows(tmp_path, cfgs, fake_engine):
    data = write_dataset(tmp_path / "d.parquet", 2, words=50)
    model, sampling, _ = cfgs
    parts = parts_for(tmp_path / "gen", [(0, 2)])
    run_shard(
        data,
        parts,
        model,
        sampling,
        config.section("prompts", {"max_prompt_length": 20}),
        cache_dir=str(tmp_path / "c"),
    )
    row = pq.read_table(parts[0][2]).to_pylist()[0]
    assert row["too_long"] and row["prompt_truncated"] and row["prompt_tokens"] > 20
    assert row["response"].startswith("len=20 ")
