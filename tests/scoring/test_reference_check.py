"""Reference check: a codegen row whose own reference solution fails its tests is flagged."""

from __future__ import annotations

import json

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from difficulty_filter import config
from difficulty_filter.index import build_index
from difficulty_filter.scoring.reference_check import write_reference_check

REWARD = config.section("reward", {"workers": 2, "code": {"test_timeout": 1, "total_timeout": 5}})
STDIO = json.dumps({"inputs": ["1 2\n"], "outputs": ["3\n"]})


def _row(index, reference, ground_truth=STDIO, source="codegen__taco", **extra):
    return {
        "data_source": source,
        "prompt": [{"role": "user", "content": "sum"}],
        "reward_model": {"ground_truth": ground_truth},
        "extra_info": {"index": index, "reference": reference, "prefix": extra.get("prefix")},
    }


def _check(tmp_path, rows, reward=REWARD):
    path = tmp_path / "d.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    index = pl.from_arrow(build_index(path, "id", reward))
    out = tmp_path / "reference_check.parquet"
    summary = write_reference_check(path, index, out, reward)
    return summary, pl.read_parquet(out)


def test_reference_results(tmp_path):
    rows = [
        _row(0, "a, b = map(int, input().split())\nprint(a + b)\n"),
        _row(1, "```python\na, b = map(int, input().split())\nprint(a + b)\n```"),
        _row(2, "print(4)\n"),
        _row(
            3,
            "class Solution:\n    def f(self, xs: List[int]) -> int:\n        return sum(xs)\n",
            json.dumps({"functional": "assert Solution().f([1, 2]) == 3"}),
            prefix="from typing import List",
        ),
        _row(4, None),  # no reference: not checked
        _row(5, "print(3)", ground_truth="42", source="math__x"),  # not a codegen row
    ]
    summary, table = _check(tmp_path, rows)
    assert table["row_index"].to_list() == [0, 1, 2, 3] and table["row_id"].to_list() == ["0", "1", "2", "3"]
    assert table["reference_passed"].to_list() == [True, True, False, True]
    assert "wrong" in table["detail"][2]
    assert summary == {"checked": 4, "failed": 1}


def test_disabled_check_runs_nothing(tmp_path):
    off = config.section("reward", {"code": {"check_reference": False}})
    summary, table = _check(tmp_path, [_row(0, "print(4)")], off)
    assert table["reference_passed"].to_list() == [None] and table["detail"][0] == "reference check disabled"
    assert summary == {"checked": 1, "failed": 0}
