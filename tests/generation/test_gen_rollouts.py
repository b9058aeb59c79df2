"""engine: file: rollouts from a JSONL (`score` format) or generations Parquet, imported and read per batch."""

from __future__ import annotations

import json

import polars as pl
import pyarrow.parquet as pq
import pytest

from difficulty_filter.generation.records import SCHEMA
from difficulty_filter.generation.rollouts import RolloutsError, import_rollouts, read_batch

N = 2


@pytest.fixture
def index():
    return pl.DataFrame(
        {
            "row_index": [0, 1, 2, 3],
            "row_id": ["10", "11", "12", "13"],
            "data_source": ["math__a", "math__a", "logic__b", "math__a"],
        }
    )


def jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def score_lines(index, n=N, skip=()):
    """`score` JSONL lines, interleaved across rows; ids as JSON numbers like many tools write them."""
    return [
        {
            "id": int(rid),
            "data_source": source,
            "response": f"{rid}.{j}",
            "ground_truth": "ignored",
            "extra_info": {"any": [1]},
            **({"finish_reason": "length"} if j else {}),
        }
        for j in range(n)
        for rid, source in zip(index["row_id"], index["data_source"])
        if rid not in skip
    ]


def test_score_jsonl_is_imported_sorted_and_read_per_batch(tmp_path, index):
    lines = score_lines(index) + [{"id": 99, "data_source": "other__set", "response": "x"}]  # another dataset
    out = tmp_path / "imported.parquet"
    summary = import_rollouts(jsonl(tmp_path / "r.jsonl", lines), index, N, out)
    assert summary["responses"] == 8
    table = pq.read_table(out)
    assert table.schema.names == SCHEMA.names
    rows = table.to_pylist()
    assert [(r["row_index"], r["sample_index"], r["response"]) for r in rows[:3]] == [
        (0, 0, "10.0"),
        (0, 1, "10.1"),
        (1, 0, "11.0"),
    ]
    assert rows[1]["finish_reason"] == "length" and rows[0]["finish_reason"] == "stop"
    batch = read_batch(out, 2, 4, N)
    assert batch.column("row_index").to_pylist() == [2, 2, 3, 3] and batch.schema == SCHEMA


def test_generations_parquet_folder_is_matched_by_row_index(tmp_path, index):
    folder = tmp_path / "gens"
    folder.mkdir()
    rows = [
        {
            "row_index": i,
            "data_source": s,
            "sample_index": j,
            "response": f"r{i}{j}",
            "response_tokens": 4,
            "finish_reason": "stop",
            "prompt_tokens": 7,
            "too_long": False,
            "prompt_truncated": False,
        }
        for i, s in enumerate(index["data_source"])
        for j in range(N)
    ]
    pl.DataFrame(rows[:4]).write_parquet(folder / "a.parquet")
    pl.DataFrame(rows[4:]).write_parquet(folder / "b.parquet")
    import_rollouts(folder, index, N, tmp_path / "imported.parquet")
    got = pl.read_parquet(tmp_path / "imported.parquet")
    assert got["response"].to_list() == [r["response"] for r in rows] and got["prompt_tokens"].to_list() == [7] * 8


def test_missing_rows_are_named_by_id(tmp_path, index):
    with pytest.raises(RolloutsError, match=r"r\.jsonl: no responses for 1 of the dataset's 4 rows: '12' \(row 2\)"):
        import_rollouts(
            jsonl(tmp_path / "r.jsonl", score_lines(index, skip=("12",))), index, N, tmp_path / "imported.parquet"
        )
    assert not (tmp_path / "imported.parquet").exists()


def test_wrong_number_of_responses_is_refused(tmp_path, index):
    lines = score_lines(index) + [{"id": 11, "data_source": "math__a", "response": "third"}]
    with pytest.raises(RolloutsError, match=r"row 1 has 3 response.*\(sampling\.n is 2\)"):
        import_rollouts(jsonl(tmp_path / "r.jsonl", lines), index, N, tmp_path / "imported.parquet")


def test_rollouts_of_another_dataset_only(tmp_path, index):
    with pytest.raises(RolloutsError, match="no rollout matches a row of this dataset"):
        import_rollouts(
            jsonl(tmp_path / "r.jsonl", [{"id": 1, "data_source": "x", "response": "y"}]),
            index,
            N,
            tmp_path / "imported.parquet",
        )


def test_a_file_model_shard_is_copied_without_a_model(tmp_path, index):
    from difficulty_filter import config
    from difficulty_filter.generation import run_shard

    rollouts = jsonl(tmp_path / "r.jsonl", score_lines(index))
    settings = config.validate(
        {
            "datasets": {"d": "d.parquet"},
            "models": {"m": {"engine": "file", "generations": str(rollouts)}},
            "sampling": {"n": N},
        }
    )
    imported = tmp_path / "imported.parquet"
    import_rollouts(rollouts, index, N, imported)
    parts = [
        (0, 3, str(tmp_path / "p0.parquet")),
        (3, 4, str(tmp_path / "p1.parquet")),
        (4, 4, str(tmp_path / "p2.parquet")),
    ]
    stats = run_shard(
        "no dataset read",
        parts,
        settings.models["m"],
        settings.sampling,
        settings.prompts,
        cache_dir=str(tmp_path / "cache"),
        rollouts=str(imported),
    )
    assert stats["prompts"] == 4 and stats["model_loads"] == 0
    assert [pq.read_metadata(p).num_rows for _, _, p in parts] == [6, 2, 0]
    assert not (tmp_path / "cache").exists()


def test_a_file_model_needs_its_rollouts_not_a_model_path(tmp_path):
    from difficulty_filter import config

    with pytest.raises(config.ConfigError, match="generations"):
        config.validate({"datasets": {"d": "d.parquet"}, "models": {"m": {"engine": "file"}}})
    with pytest.raises(config.ConfigError, match="path"):
        config.validate({"datasets": {"d": "d.parquet"}, "models": {"m": {}}})
    settings = config.validate(
        {
            "datasets": {"d": "d.parquet"},
            "models": {"m": {"engine": "file", "generations": str(tmp_path / "nope.jsonl")}},
        }
    )
    with pytest.raises(config.ConfigError, match=r"models\.m\.generations: .*nope\.jsonl' does not exist"):
        config.check_model_paths(settings)
