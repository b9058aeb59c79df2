"""ARC-AGI / BARC grids: spec §4.7 rows and routing under both prefixes (bug 8.2.6)."""

from __future__ import annotations

import numpy as np
import pytest

from .helpers import outcome, run

SRC = "simulation__arcagi1"
GRID = [[1, 2], [3, 4]]

CASES = [
    # (ground truth, response, expected outcome)
    (GRID, "<answer>[[1,2],[3,4]]</answer>", "correct"),
    (GRID, "<answer>\n[[1, 2],\n [3, 4]]\n</answer>", "correct"),
    (GRID, "<answer>[[1,2],[3,5]]</answer>", "wrong"),
    (GRID, "[[1,2],[3,4]]", "no_answer"),  # no tags
    (GRID, "<answer>[[1,2],[3,4]]</answer> <answer>[[0]]</answer>", "wrong"),  # last tag counts
    (GRID, "<answer>[[0]]</answer> <answer>[[1,2],[3,4]]</answer>", "correct"),
    (GRID, "<answer>[[1,2],[3,4],[5,6]]</answer>", "wrong"),  # 3x2 grid
    (GRID, "<answer>[[1,2,0],[3,4,0]]</answer>", "wrong"),
    (GRID, "<answer>[[1,2],[3]]</answer>", "wrong"),
    (GRID, "<answer>The grid is [[1,2],[3,4]] ok</answer>", "correct"),
    (GRID, "<answer>input [[0,0],[0,0]] becomes [[1,2],[3,4]]</answer>", "correct"),
    (GRID, "<answer>```\n[[1,2],[3,4]]\n```</answer>", "correct"),
    (GRID, "<answer>\n1 2\n3 4\n</answer>", "correct"),
    (GRID, "<answer>\n12\n34\n</answer>", "correct"),
    (GRID, "<answer>\n1, 2\n3, 4\n</answer>", "correct"),
    (GRID, "<answer>[[1,2],...]</answer>", "no_answer"),
    (GRID, "<answer>no idea</answer>", "no_answer"),
    (GRID, "<answer>[1,2,3,4]</answer>", "no_answer"),  # not 2-D
    (GRID, "<answer>[['1','2'],['3','4']]</answer>", "correct"),
    (GRID, "<answer>[[1.0,2.0],[3.0,4.0]]</answer>", "correct"),
    (GRID, "<answer>[[1.5,2],[3,4]]</answer>", "no_answer"),
    (GRID, "<think><answer>[[1,2],[3,4]]</answer>", "truncated"),
    (GRID, "<think><answer>[[1,2],[3,4]]</answer></think><answer>[[1,2],[3,3]]</answer>", "wrong"),
    (np.array(GRID), "<answer>[[1,2],[3,4]]</answer>", "correct"),  # BARC numpy truth
    ([np.array([1, 2]), np.array([3, 4])], "<answer>[[1,2],[3,4]]</answer>", "correct"),
    ("[[1, 2], [3, 4]]", "<answer>[[1,2],[3,4]]</answer>", "correct"),  # JSON truth
    ([[0]], "<answer>[[0]]</answer>", "correct"),
    ([[0]], "<answer>[[1]]</answer>", "wrong"),
    (GRID, r"\boxed{[[1,2],[3,4]]}", "correct"),
    (GRID, "<ANSWER>[[1,2],[3,4]]</ANSWER>", "correct"),
]


@pytest.mark.parametrize("truth,response,expected", CASES)
def test_arc_cases(truth, response, expected):
    assert outcome(SRC, response, truth) == expected


@pytest.mark.parametrize(
    "source",
    [
        "simulation__arcagi1",
        "simulation__arcagi2",
        "simulation__barc",
        "logic__arcagi1",
        "logic__arcagi2",
        "logic__barc",
    ],
)
def test_both_prefixes_route_to_arc(source):
    assert run(source, "<answer>[[1]]</answer>", [[1]]).verifier == "arc_grid"


def test_bad_truth_is_a_verifier_error():
    assert outcome(SRC, "<answer>[[1]]</answer>", "not a grid") == "verifier_error"
