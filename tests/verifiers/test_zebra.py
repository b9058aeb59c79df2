"""Zebra puzzles: spec §4.8 rows and bugs 8.1.6 / 8.2.9 (DOTALL, case and type of cells)."""

from __future__ import annotations

import json

import pytest

from .helpers import outcome, run

SRC = "logic__zebra_puzzle_dataset"
TRUTH = {"header": ["Position", "Nationality"], "rows": [["1", "british"], ["2", "polish"]]}


def tagged(obj) -> str:
    return f"<answer>{obj if isinstance(obj, str) else json.dumps(obj)}</answer>"


CASES = [
    # (response, expected outcome, expected score)
    (tagged(TRUTH), "correct", 1.0),
    (tagged({"header": ["Position", "Nationality"], "rows": [["1", "british"], ["2", "german"]]}), "wrong", 0.75),
    (tagged({"header": ["Position", "Nationality"], "rows": [["1", "british"]]}), "wrong", 0.5),  # was 0.0
    ("<answer>\n" + json.dumps(TRUTH, indent=2) + "\n</answer>", "correct", 1.0),  # bug: no DOTALL
    (tagged({"rows": [["1", "British"], ["2", "polish"]]}), "correct", 1.0),  # case-insensitive
    (tagged({"rows": [[1, "british"], [2, "polish"]]}), "correct", 1.0),  # "1" == 1
    (tagged({"rows": [[1.0, "british"], [2.0, "polish"]]}), "correct", 1.0),
    (
        tagged(str({"header": ["Position", "Nationality"], "rows": [["1", "british"], ["2", "polish"]]})),
        "correct",
        1.0,
    ),  # Python literal
    (
        tagged({"header": ["Nationality", "Position"], "rows": [["british", "1"], ["polish", "2"]]}),
        "correct",
        1.0,
    ),  # permuted columns
    (tagged({"rows": [["2", "polish"], ["1", "british"]]}), "correct", 1.0),  # rows by position key
    (tagged({"rows": [["1", "polish"], ["2", "british"]]}), "wrong", 0.5),
    (tagged([["1", "british"], ["2", "polish"]]), "correct", 1.0),  # bare rows
    (
        tagged({"rows": [{"Position": "1", "Nationality": "british"}, {"Position": "2", "Nationality": "polish"}]}),
        "correct",
        1.0,
    ),
    (tagged({"rows": [["1", " british "], ["2", "polish"]]}), "correct", 1.0),
    (tagged("```json\n" + json.dumps(TRUTH) + "\n```"), "correct", 1.0),
    (tagged("The table is " + json.dumps(TRUTH) + " as derived."), "correct", 1.0),
    (tagged({"rows": []}), "wrong", 0.0),
    (tagged({"rows": [["1"], ["2"]]}), "wrong", 0.5),  # short rows
    (tagged({"rows": [["1", "british", "extra"], ["2", "polish"]]}), "correct", 1.0),
    (tagged("not a table"), "no_answer", 0.0),
    (tagged(42), "no_answer", 0.0),
    (json.dumps(TRUTH), "no_answer", 0.0),  # no tag
    ("<think>" + tagged(TRUTH) + "</think>" + tagged({"rows": [["1", "polish"], ["2", "polish"]]}), "wrong", 0.75),
    ("<think>" + tagged(TRUTH), "truncated", 0.0),
    (tagged({"rows": [["1", "german"]]}) + " wait " + tagged(TRUTH), "correct", 1.0),  # last tag wins
    (tagged(TRUTH) + " wait " + tagged({"rows": [["1", "german"], ["2", "polish"]]}), "wrong", 0.75),
    ("<ANSWER>" + json.dumps(TRUTH) + "</ANSWER>", "correct", 1.0),
    (tagged({"header": ["Position", "Nationality"], "rows": [["3", "british"], ["4", "polish"]]}), "wrong", 0.5),
    (tagged({"rows": [["1", "british"], ["2", "polish"], ["3", "danish"]]}), "wrong", 4 / 6),  # extra row
    (r"\boxed{" + json.dumps(TRUTH) + "}", "correct", 1.0),  # boxed instead of tags
]


@pytest.mark.parametrize("response,expected,score", CASES)
def test_zebra_cases(response, expected, score):
    result = run(SRC, response, TRUTH)
    assert (result.outcome, result.score) == (expected, pytest.approx(score))


def test_partial_credit_never_passes_at_threshold_one():
    partial = CASES[1][0]
    assert run(SRC, partial, TRUTH).passed is False
    assert run(SRC, partial, TRUTH, settings={"correct_threshold": 0.7}).passed is True


@pytest.mark.parametrize("source", ["zebra_puzzle_dataset", "logic__zebra_puzzle_dataset", "logic__zebra_puzzle"])
def test_unprefixed_and_prefixed_names(source):
    # Bug 8.2.6: the preprocessors emit `zebra_puzzle_dataset`, which HEAD could not route.
    assert run(source, tagged(TRUTH), TRUTH).outcome == "correct"


def test_json_string_truth():
    assert outcome(SRC, tagged(TRUTH), json.dumps(TRUTH)) == "correct"


def test_empty_truth_is_a_verifier_error_not_a_zero():
    # Bug 8.1.6: the inference stage stored "" for zebra ground truths -> every response scored 0.
    assert outcome(SRC, tagged(TRUTH), "") == "verifier_error"
