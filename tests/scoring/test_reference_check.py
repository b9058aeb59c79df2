"""check_references: a row whose own reference solution fails its tests is flagged."""

from __future__ import annotations

import json

from difficulty_filter.sandbox.reference import check_references

CFG = {"test_timeout": 1, "total_timeout": 5}
STDIO = json.dumps({"inputs": ["1 2\n"], "outputs": ["3\n"]})


def _row(reference, ground_truth=STDIO, source="codegen__taco", **extra):
    return {"data_source": source, "reward_model": {"ground_truth": ground_truth},
            "extra_info": {"index": 0, "reference": reference, **extra}}


def test_reference_results():
    rows = [
        _row("a, b = map(int, input().split())\nprint(a + b)\n"),
        _row("```python\na, b = map(int, input().split())\nprint(a + b)\n```"),
        _row("print(4)\n"),
        _row("class Solution:\n    def f(self, xs: List[int]) -> int:\n        return sum(xs)\n",
             json.dumps({"functional": "assert Solution().f([1, 2]) == 3"}), prefix="from typing import List"),
        _row(None),
        _row("print(3)", source="math__x"),
        _row("print(3)", ground_truth="not json"),
    ]
    results = check_references(rows, CFG)
    assert [r["reference_passed"] for r in results] == [True, True, False, True, None, None, False]
    assert [r["has_reference"] for r in results] == [True, True, True, True, False, False, True]
    assert "wrong answer" in results[2]["detail"]
    assert "unusable ground truth" in results[6]["detail"]


def test_disabled_check_runs_nothing():
    result = check_references([_row("print(4)")], {**CFG, "check_reference": False})[0]
    assert result == {"has_reference": True, "reference_passed": None, "detail": "reference check disabled"}
