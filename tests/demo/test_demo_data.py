"""The committed demo dataset is exactly what the generator in the package builds."""

from pathlib import Path

import pyarrow.parquet as pq

from difficulty_filter.demo.dataset import build

REPO = Path(__file__).resolve().parents[2]


def test_committed_demo_dataset_is_reproducible(tmp_path):
    fresh = pq.read_table(build(tmp_path / "demo.parquet"))
    committed = pq.read_table(REPO / "data/demo.parquet")
    assert fresh.equals(committed)
    assert committed.num_rows == 40
    assert set(committed.column("data_source").to_pylist()) >= {"math__arithmetic", "codegen__taco", "table__hitab"}
