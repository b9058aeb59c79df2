"""Multiple choice (GPQA / SuperGPQA): spec §4.13-4.14 rows and bugs 8.2.8-8.2.9."""

from __future__ import annotations

import pytest

from .helpers import outcome, run

CASES = [
    # (ground truth, response, expected outcome)
    ("B", r"\boxed{B}", "correct"),
    ("B", r"\boxed{C}", "wrong"),
    ("D", r"\boxed{\text{(D) Energy}}", "correct"),
    ("E", r"\boxed{Energy}", "no_answer"),  # bug: "E" of "Energy" was taken as the letter
    ("A", "I am not sure.", "no_answer"),  # bug 8.2.8: a random letter was returned
    ("B", "Answer: B", "correct"),
    ("C", "answer : $c$", "correct"),  # bug 8.2.9: case-sensitive comparison
    ("B", "The answer is B", "correct"),
    ("B", "Answer: A ... on reflection, Answer: B", "correct"),  # bug 8.2.9: the first match was used
    ("A", "Answer: A ... on reflection, Answer: B", "wrong"),
    ("A", "The answer is a bit tricky to see.", "no_answer"),  # the article "a" is no answer
    ("C", "**Answer:** (C)", "correct"),
    ("C", "**Final Answer: C**", "correct"),
    ("D", "Option C is wrong. The correct answer is (D).", "correct"),
    ("C", r"the answer is $\boxed{c}$", "correct"),
    ("C", "Final answer: c)", "correct"),
    ("B", "Answer: (b)", "correct"),
    ("A", r"\boxed{C} but wait, the answer is A", "correct"),
    ("C", r"The answer is A. Hmm, no. \boxed{C}", "correct"),
    ("B", "answer is A.\nThe answer is B", "correct"),
    ("J", r"\boxed{J}", "correct"),  # SuperGPQA has ten options
    ("C", r"\boxed{(C)}", "correct"),
    ("C", r"\boxed{C.}", "correct"),
    ("C", r"\boxed{\textbf{C}}", "correct"),
    ("C", r"\boxed{Option C}", "correct"),
    ("C", "The correct option is C.", "correct"),
    ("C", "Choice: [C]", "correct"),
    ("C", r"<think>The answer is C.</think>The answer is D.", "wrong"),
    ("C", r"<think>The answer is C.</think>I cannot decide.", "no_answer"),
    ("C", r"<think>The answer is C.", "truncated"),  # partial reasoning is never graded
    ("C", "Option C is interesting.", "no_answer"),  # mentioning an option is no commitment
    ("(C)", r"\boxed{C}", "correct"),  # ground truth written as "(C)"
    ("c", r"\boxed{C}", "correct"),
    ("B", "Answer: The energy is 4.5 eV, which corresponds to option B.", "correct"),
    ("B", "Weighing both, I choose (B).", "correct"),
    ("B", "The correct answer is **(B) 4.5 eV**", "correct"),
    ("B", "Answer: B\n\nExplanation: answer choice A is incorrect because ...", "correct"),
    ("B", "The answer is (B). Double-checking, the answer is not A.", "correct"),
]


@pytest.mark.parametrize("truth,response,expected", CASES)
def test_gpqa_cases(truth, response, expected):
    assert outcome("stem__gpqa_diamond", response, truth) == expected


@pytest.mark.parametrize("source", ["stem__gpqa", "stem__gpqa_diamond_no_box", "stem__supergpqa"])
def test_all_multiple_choice_sources(source):
    result = run(source, "Answer: C", "C")
    assert (result.outcome, result.answer, result.verifier) == ("correct", "C", "multiple_choice")


def test_no_answer_is_deterministic():
    assert {outcome("stem__supergpqa", "no letter at all", "A") for _ in range(20)} == {"no_answer"}


def test_bad_ground_truth_is_a_verifier_error():
    result = run("stem__gpqa", r"\boxed{A}", "Energy")
    assert result.outcome == "verifier_error" and "ValueError" in result.detail
