"""Ordering puzzles: spec §4.9 rows and bugs 8.2.9 (DOTALL, truth not lower-cased) and 8.2.11 (eval)."""

from __future__ import annotations

import numpy as np
import pytest

from .helpers import outcome, run

SRC = "logic__ordering_puzzle_dataset"
BIRDS = ["pigeon", "sparrow", "quail"]
PEOPLE = ["Emma", "Liam", "Olivia"]

CASES = [
    # (ground truth, response, expected outcome)
    (BIRDS, '<answer>["pigeon", "sparrow", "quail"]</answer>', "correct"),
    (BIRDS, "<answer>[pigeon, sparrow, quail]</answer>", "correct"),
    (BIRDS, "<answer>['Pigeon', 'Sparrow', 'Quail']</answer>", "correct"),
    (BIRDS, '<answer>["sparrow", "pigeon", "quail"]</answer>', "wrong"),
    (BIRDS, '<answer>\n["pigeon", "sparrow", "quail"]\n</answer>', "correct"),  # bug: no DOTALL
    (BIRDS, "<answer>pigeon, sparrow, quail</answer>", "correct"),
    (BIRDS, "<answer>pigeon > sparrow > quail</answer>", "correct"),
    (BIRDS, "<answer>\n1. pigeon\n2. sparrow\n3. quail\n</answer>", "correct"),
    (BIRDS, "<answer>\n- pigeon\n- sparrow\n- quail\n</answer>", "correct"),
    (BIRDS, "<answer>pigeon, sparrow, and quail</answer>", "correct"),
    (BIRDS, '<answer>["pigeon", "sparrow"]</answer>', "wrong"),
    (BIRDS, '<answer>["pigeon", "sparrow", "quail", "owl"]</answer>', "wrong"),
    (BIRDS, '["pigeon", "sparrow", "quail"]', "no_answer"),
    (BIRDS, "<answer></answer>", "no_answer"),
    (BIRDS, '<answer>["owl"]</answer> then <answer>["pigeon", "sparrow", "quail"]</answer>', "correct"),
    (BIRDS, '<answer>["pigeon", "sparrow", "quail"]</answer> then <answer>["owl"]</answer>', "wrong"),
    (BIRDS, '<think><answer>["pigeon", "sparrow", "quail"]</answer></think>no idea', "no_answer"),
    (BIRDS, '<think><answer>["pigeon", "sparrow", "quail"]</answer>', "truncated"),
    (BIRDS, '<answer>```json\n["pigeon", "sparrow", "quail"]\n```</answer>', "correct"),
    (BIRDS, '<answer>The order is: ["pigeon", "sparrow", "quail"]</answer>', "correct"),
    (BIRDS, '<answer>["pigeon",  "sparrow" ,"quail" ]</answer>', "correct"),
    (PEOPLE, '<answer>["Emma", "Liam", "Olivia"]</answer>', "correct"),  # bug: capitalised truth unsolvable
    (PEOPLE, '<answer>["emma", "liam", "olivia"]</answer>', "correct"),
    (PEOPLE, '<answer>["Liam", "Emma", "Olivia"]</answer>', "wrong"),
    (["Mary Ann", "Bob"], '<answer>["mary  ann", "bob"]</answer>', "correct"),
    (["Mary Ann", "Bob"], '<answer>["maryann", "bob"]</answer>', "wrong"),
    (BIRDS, "<answer>[__import__('os').getpid()]</answer>", "wrong"),  # bug 8.2.11: eval() of model text
    (np.array(BIRDS), '<answer>["pigeon", "sparrow", "quail"]</answer>', "correct"),  # numpy truth
    ('["pigeon", "sparrow", "quail"]', '<answer>["pigeon", "sparrow", "quail"]</answer>', "correct"),  # JSON truth
    (BIRDS, r"\boxed{pigeon, sparrow, quail}", "correct"),
    (BIRDS, "<answer>pigeon; sparrow; quail</answer>", "correct"),
]


@pytest.mark.parametrize("truth,response,expected", CASES)
def test_ordering_cases(truth, response, expected):
    assert outcome(SRC, response, truth) == expected


@pytest.mark.parametrize("source", ["ordering_puzzle_dataset", "logic__ordering_puzzle_dataset"])
def test_unprefixed_and_prefixed_names(source):
    assert run(source, "<answer>[pigeon, sparrow, quail]</answer>", BIRDS).verifier == "ordering"


def test_eval_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    response = f"<answer>[__import__('pathlib').Path('{marker}').touch()]</answer>"
    assert outcome(SRC, response, BIRDS) == "wrong"
    assert not marker.exists()
