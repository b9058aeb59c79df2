"""A batch counts only with all its rows, their ids and n responses each; damaged files are found by footer."""

from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from difficulty_filter import atomic
from difficulty_filter.generation.records import METADATA_KEY
from difficulty_filter.generation.resume_cache import ResumeCache
from difficulty_filter.results.batch_check import BatchFileError, Expected, check_table, footer_problem, read_checked
from difficulty_filter.workflow.batch_repair import Batch, Shard, remove_damaged

N = 3


def batch(start: int, stop: int, n: int = N, too_long: tuple[int, ...] = (), ids=None) -> pa.Table:
    rows = []
    for index in range(start, stop):
        samples = [-1] if index in too_long else range(n)
        rows += [
            {
                "row_index": index,
                "row_id": str(ids[index - start] if ids else 100 + index),
                "sample_index": j,
                "response": f"r{index}.{j}",
            }
            for j in samples
        ]
    return pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("row_index", pa.int64()),
                ("row_id", pa.string()),
                ("sample_index", pa.int32()),
                ("response", pa.string()),
            ]
        ),
    )


def renumber(table: pa.Table, position: int, sample_index: int) -> pa.Table:
    rows = table.to_pylist()
    rows[position]["sample_index"] = sample_index
    return pa.Table.from_pylist(rows, schema=table.schema)


def drop(table: pa.Table, position: int) -> pa.Table:
    return pa.concat_tables([table.slice(0, position), table.slice(position + 1)])


def test_complete_batch_passes_with_a_prompt_that_could_not_be_generated():
    expected = Expected(10, 14, N, row_ids=["110", "111", "112", "113"])
    check_table("b.parquet", batch(10, 14, too_long=(12,)), expected)


@pytest.mark.parametrize(
    "table, message",
    [
        (batch(10, 13), r"holds 3 rows; expected the 4 rows 10\.\.13; missing rows 13"),
        (batch(10, 15), r"holds 5 rows.*; rows 14 do not belong here"),
        (drop(batch(10, 14), 4), r"row 11 has 2 response\(s\) with sample_index 0\.\.2"),
        (batch(10, 14, n=4), r"row 10 has 4 response\(s\).*expected n=3 .*\(4 rows like it\)"),
        (batch(10, 14, ids=["110", "111", "999", "113"]), r"row 12 has id '999'; the dataset's is '112'"),
    ],
)
def test_incomplete_batches_are_refused_with_file_and_row(table, message):
    with pytest.raises(BatchFileError, match=r"^b\.parquet: " + message):
        check_table("b.parquet", table, Expected(10, 14, N, row_ids=["110", "111", "112", "113"]))


def test_duplicated_sample_is_refused():
    with pytest.raises(BatchFileError, match="row 0 has 3 response"):  # two sample 0, no sample 1
        check_table("b", renumber(batch(0, 2), 1, 0), Expected(0, 2, N))


def test_read_checked_names_a_truncated_file(tmp_path):
    path = tmp_path / "batch_s00000_p000.parquet"
    pq.write_table(batch(0, 4), path)
    assert read_checked(path, Expected(0, 4, N)).height == 4 * N
    truncate(path)
    with pytest.raises(BatchFileError, match=r"batch_s00000_p000\.parquet: cannot be read"):
        read_checked(path, Expected(0, 4, N))


def truncate(path, keep: float = 0.6) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(int(os.path.getsize(path) * keep))


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: truncate(p), "not a readable Parquet file"),
        (lambda p: p.write_bytes(b""), "not a readable Parquet file"),
        (lambda p: pq.write_table(batch(0, 3), p), "has 9 rows; 4 prompts with n=3 make 4..12|holds rows 0..2"),
        (lambda p: pq.write_table(batch(4, 8), p), "holds rows 4..7; expected 0..3"),
        (lambda p: pq.write_table(renumber(batch(0, 4), 11, 3), p), "sample_index 0..3; n=3 allows"),
        (lambda p: pq.write_table(pa.table({"x": [1]}), p), "lacks the column"),
    ],
)
def test_footer_check_spots_damaged_files(tmp_path, damage, message):
    path = tmp_path / "b.parquet"
    pq.write_table(batch(0, 4), path)
    assert footer_problem(path, Expected(0, 4, N)) is None
    damage(path)
    assert footer_problem(path, Expected(0, 4, N)) is not None
    assert any(m in footer_problem(path, Expected(0, 4, N)) for m in message.split("|"))


def test_remove_damaged_deletes_bad_files_and_keeps_intact_siblings_for_the_shard_rerun(tmp_path):
    cache_dir = tmp_path / "cache"
    batches = []
    for p, (start, stop) in enumerate([(0, 4), (4, 8), (8, 8)]):
        gen, rew = tmp_path / f"gen/batch_s00000_p{p:03d}.parquet", tmp_path / f"rew/batch_s00000_p{p:03d}.parquet"
        atomic.write_parquet(
            gen, batch(start, stop), {METADATA_KEY: {"cache_key": f"key{p}" if stop > start else None}}
        )
        if stop > start:
            atomic.write_parquet(rew, batch(start, stop))
        batches.append(Batch(str(gen), str(rew) if stop > start else None, Expected(start, stop, N)))
    shard = Shard(str(cache_dir), batches)
    assert remove_damaged([shard]) == []
    truncate(batches[1].generations)
    truncate(batches[0].rewards)
    messages = remove_damaged([shard])
    assert len(messages) == 2 and all("deleted, it will be rebuilt" in m for m in messages)
    assert batches[1].generations in messages[1] and batches[0].rewards in messages[0]
    assert not os.path.exists(batches[1].generations) and not os.path.exists(batches[0].rewards)
    assert os.path.exists(batches[0].generations) and os.path.exists(batches[1].rewards)
    cache = ResumeCache(cache_dir)
    assert cache.path("key0").exists() and not cache.path("key1").exists()  # p000 is reused, p001 regenerated


def test_batches_without_an_id_column_are_checked_by_position():
    table = batch(0, 3).drop_columns(["row_id"])
    check_table("b", table, Expected(0, 3, N, row_ids=["100", "101", "102"]))
    with pytest.raises(BatchFileError, match="row 2 has 2 response"):
        check_table("b", drop(table, 8), Expected(0, 3, N))


def test_known_good_files_are_not_read_again_until_they_change(tmp_path, monkeypatch):
    from difficulty_filter.workflow import batch_repair

    path = tmp_path / "batch_s00000_p000.parquet"
    pq.write_table(batch(0, 4), path)
    shard = Shard(str(tmp_path / "cache"), [Batch(str(path), None, Expected(0, 4, N))])
    known = tmp_path / "known_good.json"
    assert remove_damaged([shard], known) == [] and str(path) in known.read_text()
    reads = []
    monkeypatch.setattr(batch_repair, "footer_problem", lambda p, e: reads.append(p))
    assert remove_damaged([shard], known) == [] and reads == []
    truncate(path)  # changes size and mtime
    monkeypatch.undo()
    assert "not a readable Parquet file" in remove_damaged([shard], known)[0] and not path.exists()


def test_adaptive_batches_may_stop_a_row_early_but_only_after_a_prefix_of_samples():
    early = drop(batch(0, 2), 2)  # row 0 keeps samples 0 and 1
    check_table("b", early, Expected(0, 2, N, prefix=True))
    with pytest.raises(BatchFileError, match="row 0 has 2 response"):
        check_table("b", early, Expected(0, 2, N))
    with pytest.raises(BatchFileError, match=r"row 0 has 2 response.*0\.\.k-1 for some k <= n=3"):
        check_table("b", drop(batch(0, 2), 1), Expected(0, 2, N, prefix=True))  # samples 0 and 2: not a prefix
