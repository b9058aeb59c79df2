"""Graph search: spec §4.10 rows and bug 8.2.9 (no DOTALL)."""

from __future__ import annotations

import pytest

from .helpers import outcome, run

SRC = "logic__graph_logical_dataset"

CASES = [
    # (ground truth, response, expected outcome)
    ("fdebme", "<answer>fdebme</answer>", "correct"),
    ("fdebme", "<answer>FDEBME</answer>", "correct"),
    ("fdebme", "<answer>\nfdebme\n</answer>", "correct"),  # bug: no DOTALL
    ("fdebme", "<answer>f -> d -> e -> b -> m -> e</answer>", "correct"),
    ("fdebme", "<answer>f, d, e, b, m, e</answer>", "correct"),
    ("fdebme", "<answer>f-d-e-b-m-e</answer>", "correct"),
    ("fdebme", "<answer>f → d → e → b → m → e</answer>", "correct"),
    ("fdebme", "<answer>['f', 'd', 'e', 'b', 'm', 'e']</answer>", "correct"),
    ("fdebme", "<answer>fde bme</answer>", "correct"),  # a space inside the path
    ("fdebme", "<answer>fdebm</answer>", "wrong"),
    ("fdebme", "<answer>fdebmee</answer>", "wrong"),
    ("fdebme", "<answer>edbmef</answer>", "wrong"),
    ("fdebme", "<answer>xyz</answer> then <answer>fdebme</answer>", "correct"),
    ("fdebme", "<answer>fdebme</answer> then <answer>xyz</answer>", "wrong"),
    ("fdebme", "fdebme", "no_answer"),
    ("fdebme", "<answer></answer>", "no_answer"),
    ("fdebme", "<answer> </answer>", "no_answer"),
    ("fdebme", "<think><answer>fdebme</answer>", "truncated"),
    ("fdebme", "<think><answer>xx</answer></think><answer>fdebme</answer>", "correct"),
    ("fdebme", "<think><answer>fdebme</answer></think>", "no_answer"),
    ("abc1", "<answer>abc1</answer>", "correct"),  # the original always gave 0
    ("abc1", "<answer>abc2</answer>", "wrong"),
    ("FDEBME", "<answer>fdebme</answer>", "correct"),
    ("fdebme", "<Answer>fdebme</Answer>", "correct"),
    ("fdebme", "<answer>The path is fdebme</answer>", "wrong"),
    ("fdebme", r"\boxed{fdebme}", "correct"),
    ("fdebme", "<answer>fdebme</answer>", "correct"),
    ("ab", "<answer>a b</answer>", "correct"),
    ("ab", "<answer>ba</answer>", "wrong"),
    ("ab", "<answer>'ab'</answer>", "correct"),
]


@pytest.mark.parametrize("truth,response,expected", CASES)
def test_graph_cases(truth, response, expected):
    assert outcome(SRC, response, truth) == expected


@pytest.mark.parametrize("source", ["graph_logical_dataset", "logic__graph_logical_dataset", "logic__graph_search"])
def test_routes(source):
    assert run(source, "<answer>ab</answer>", "ab").verifier == "graph"
