"""Synthetic datasets with rollouts: every chunk has one schema; rows and responses line up; seeds repeat."""

import json

import polars as pl

from difficulty_filter.demo import synthetic


def test_chunks_share_one_schema_and_seeds_repeat(tmp_path, monkeypatch):
    monkeypatch.setattr(synthetic, "CHUNK_ROWS", 7)  # chunks with and without codegen rows
    synthetic.write(tmp_path / "d.parquet", tmp_path / "r.parquet", 30, 3, seed=4, code_share=0.05)
    data, rollouts = pl.read_parquet(tmp_path / "d.parquet"), pl.read_parquet(tmp_path / "r.parquet")
    assert data.height == 30 and rollouts.height == 90
    assert rollouts.group_by("row_index").len()["len"].to_list() == [3] * 30
    assert data["extra_info"].struct.field("index").to_list() == list(range(30))
    synthetic.write(tmp_path / "d2.parquet", tmp_path / "r.jsonl", 30, 3, seed=4, code_share=0.05)
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [line["response"] for line in lines] == rollouts["response"].to_list()
    assert pl.read_parquet(tmp_path / "d2.parquet").equals(data)
