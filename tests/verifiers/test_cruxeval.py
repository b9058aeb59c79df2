"""cruxeval: spec §4.6 rows, with `assert True` and non-f assertions closed."""

from __future__ import annotations

import json

import pytest

from difficulty_filter import config
from difficulty_filter.verifiers import cruxeval

from .helpers import run

SETTINGS = {"code": {"test_timeout": 1, "total_timeout": 5}}
REWARD = config.section("reward", SETTINGS)
TRUTH = json.dumps({"functional": "def f(x):\n    return x + 1"})


def block(body: str, lang: str = "python") -> str:
    return f"```{lang}\n{body}\n```"


CASES = [
    (block("assert f(1) == 2"), "correct"),
    (block("assert f(1) == 3"), "wrong"),
    (block("assert True"), "wrong"),  # hack closed
    (block("assert 2 == 2"), "wrong"),  # does not call f
    (block("assert f(1) == 2 or True"), "wrong"),
    (block("x = 1\nassert f(x) == 2"), "wrong"),  # argument is not a literal
    (block("assert f(__import__('os')._exit(0)) == 2"), "wrong"),
    (block("assert 2 == f(1)"), "correct"),  # either side
    ("assert f(1) == 2", "correct"),  # bare text
    ("So the answer is `assert f(1) == 2`.", "correct"),  # inline code
    ("<think>" + block("assert f(1) == 3") + "</think>" + block("assert f(1) == 2"), "correct"),
    (block("assert f(1) == 3") + "\nCorrection:\n" + block("assert f(1) == 2"), "correct"),  # last block wins
    (block("assert f(1) == 3\nassert f(1) == 2"), "correct"),  # last assert wins
    ("I am not sure.", "no_answer"),
    (block("assert f('a') == 2"), "wrong"),  # f raises TypeError
    (block("assert f(-1) == 0"), "correct"),  # negative literal argument
    (block("assert f(1.5) == 2.5"), "correct"),
    (block("assert f(0) == 0"), "wrong"),
    (block("assert f(1) != 3"), "wrong"),  # only == comparisons count
    (block("assert f(1) == 2 == 2"), "wrong"),  # chained comparison is not the form
    (block("assert g(1) == 2"), "wrong"),  # calls some other function
    (block("assert f(1) == (lambda: 2)()"), "wrong"),  # expected side is not a literal
    (block("assert f(1) == 2", "py"), "correct"),
    (block("assert f(1) == 2", ""), "correct"),  # untagged block
    ("The output is 2.", "no_answer"),  # no assertion at all
    ("", "no_answer"),
]


OUTPUT_TRUTH = json.dumps({"functional": "def f(s):\n    return s[::-1]"})
LIST_TRUTH = json.dumps({"functional": "def f(xs):\n    return sorted(set(xs))"})


@pytest.mark.parametrize(
    "truth, response, expected",
    [
        (OUTPUT_TRUTH, block("assert f('abc') == 'cba'"), "correct"),
        (OUTPUT_TRUTH, block('assert f("abc") == "abc"'), "wrong"),
        (LIST_TRUTH, block("assert f([3, 1, 3]) == [1, 3]"), "correct"),
        (LIST_TRUTH, block("assert f([3, 1, 3]) == [3, 1]"), "wrong"),
    ],
)
def test_other_functions(truth, response, expected):
    assert cruxeval.verify(response, truth, {}, REWARD).outcome == expected


@pytest.mark.parametrize("response, expected", CASES)
def test_cases(response, expected):
    assert cruxeval.verify(response, TRUTH, {}, REWARD).outcome == expected


def test_answer_is_the_normalised_assertion():
    verdict = cruxeval.verify(block("assert f(1)==2, 'msg'"), TRUTH, {}, REWARD)
    assert (verdict.outcome, verdict.answer) == ("correct", "assert f(1) == 2")


def test_input_that_never_terminates_is_wrong_not_stuck():
    truth = json.dumps({"functional": "def f(n):\n    while n:\n        pass\n    return n"})
    verdict = cruxeval.verify(block("assert f(1) == 1"), truth, {}, REWARD)
    assert verdict.outcome == "wrong" and "timeout" in verdict.detail


def test_bad_ground_truth_is_a_verifier_error():
    assert cruxeval.verify(block("assert f(1) == 2"), "{}", {}, REWARD).outcome == "verifier_error"
    assert cruxeval.verify(block("assert f(1) == 2"), "nope", {}, REWARD).outcome == "verifier_error"


def test_routed_by_the_registry():
    result = run("simulation__cruxeval-o", block("assert f(1) == 2"), TRUTH, settings=SETTINGS)
    assert (result.outcome, result.verifier) == ("correct", "cruxeval")
