"""Math verifier: hand-made cases from mathematics, the spec's §4.1 table and the §8.2 bugs."""

from __future__ import annotations

import time

import pytest

from .helpers import outcome, run

SRC = "math__merged_deduped_dapo_or1_dataset"
PMAT = r"\begin{pmatrix}1&2\\3&4\end{pmatrix}"

CASES = [
    # (ground truth, response, expected outcome)
    ("42", r"The answer is \boxed{42}.", "correct"),
    ("42", r"<think>\boxed{41}</think> so \boxed{42}", "correct"),
    ("42", r"<think>so it is \boxed{42}</think> The answer is 42.", "no_answer"),  # box only in reasoning
    ("42", "42", "no_answer"),  # bug 8.2.10: whole unboxed response was graded
    ("42", "The answer is 42", "no_answer"),
    ("42", "answer: 42", "no_answer"),
    ("0.5", r"\boxed{\frac{1}{2}}", "correct"),
    ("50", r"\boxed{0.5}", "wrong"),  # bug 8.2.10: x100 leniency
    ("0.5", r"\boxed{50}", "wrong"),
    (r"\frac{1}{2}", r"\boxed{2/4}", "correct"),  # same value
    ("2x", r"\boxed{x+x}", "correct"),  # bug 8.2.3: dead symbolic check
    (r"2\pi", r"\boxed{6.28318}", "correct"),  # bug 8.2.4: pi path typo
    (r"2\pi", r"\boxed{2\pi}", "correct"),
    (r"2\pi", r"\boxed{6.3}", "wrong"),  # too few digits to stand for 2pi
    (r"\frac{1}{3}", r"\boxed{0.3333}", "wrong"),  # a rational needs its exact value
    ("(1,2)", r"\boxed{(1,2)}", "correct"),
    ("(1,2)", r"\boxed{(2,1)}", "wrong"),  # ordered pair
    ("3", r"\boxed{x=3}", "correct"),
    ("3", r"\boxed{3\text{ cm}}", "correct"),
    ("1,000", r"\boxed{1000}", "correct"),
    ("42", r"\boxed{42.00001}", "wrong"),  # original's rel-tol 1e-4 accepted it
    ("1000", r"\boxed{10^{3}}", "correct"),  # original rejected `^{`
    ("42", r"\fbox{42}", "correct"),
    ("(1,2)", r"\boxed{1,2}", "correct"),
    (r"\frac{1}{2004!}", r"\boxed{\frac{1}{2006!}}", "wrong"),  # 15-digit numeric check says equal
    (r"10^{-20}", r"\boxed{2\cdot 10^{-20}}", "wrong"),
    ("2021", r"\boxed{\pm 2021}", "wrong"),
    ("[1,2)", r"\boxed{[1,2)}", "correct"),
    ("[1,2)", r"\boxed{(1,2)}", "wrong"),
    (r"\{1,2\}", r"\boxed{\{2,1\}}", "correct"),
    (PMAT, rf"\boxed{{{PMAT}}}", "correct"),
    (PMAT, r"\boxed{\begin{pmatrix}1&2\\3&5\end{pmatrix}}", "wrong"),
    (r"\text{odd}", r"\boxed{\text{Odd}}", "correct"),
    ("no", r"\boxed{on}", "wrong"),  # words are not symbol products
    ("16", r"\boxed{016}", "correct"),
    (r"\frac{\sqrt{3}}{2}", r"\boxed{\frac{1}{2}\sqrt{3}}", "correct"),
    (r"\sqrt{2}", r"\boxed{1.414}", "correct"),
    ("0.75", r"\boxed{\dfrac{3}{4}}", "correct"),
    ("(x+1)^2", r"\boxed{x^2+2x+1}", "correct"),
    ("50", r"\boxed{50\%}", "correct"),
    ("45^\\circ", r"\boxed{45}", "correct"),
    (r"\infty", r"\boxed{\infty}", "correct"),
    (r"(-\infty, 3]", r"\boxed{(-\infty,3]}", "correct"),
    ("3", r"\boxed{-3}", "wrong"),
    (r"\frac{1}{2}", r"\boxed{\frac{1}{3}}", "wrong"),
    ("5", r"\boxed{\boxed{5}}", "correct"),
    ("5", r"so \boxed 5", "correct"),
    ("2, 3", r"\boxed{2} and \boxed{3}", "correct"),
    ("3", r"\boxed{2} and \boxed{3}", "wrong"),  # hedging between two answers
    ("3", r"first \boxed{2}. Then, checking again, \boxed{3}", "correct"),
    ("42", r"The answer is \boxed{42", "no_answer"),  # unclosed box
    (["42"], r"\boxed{42}", "correct"),  # list-valued ground truth
    ("12", r"\boxed{\textbf{(C) }12}", "correct"),  # AMC style: option label and value
    ("C", r"\boxed{\textbf{(C)}\ 12}", "correct"),
    ("10", r"\boxed{\textbf{(C)}\ 12}", "wrong"),
    ("18.90", r"\boxed{\$18.90}", "correct"),
    ("4", r"\boxed{x=4 \text{ or } x=-4}", "wrong"),
    (r"\pm 4", r"\boxed{4, -4}", "correct"),
    ("1", r"\boxed{0.999999}", "wrong"),
    (r"-\infty", r"\boxed{\infty}", "wrong"),
    ("1, 3", r"\boxed{3, 1}", "correct"),  # a list of solutions is unordered
    # issue 18: forms of real data
    (r"3,\!250", r"\boxed{3250}", "correct"),  # MATH's thousands separator
    ("3250", r"\boxed{3,\!250}", "correct"),
    (r"\$16,\!386.20", r"\boxed{16386.20}", "correct"),
    ("11111111100", r"\boxed{11,\! 111,\! 111,\! 100}", "correct"),
    ("(3, 250)", r"\boxed{3250}", "wrong"),  # a pair is not a number
    (r"3,\!250", r"\boxed{(3, 250)}", "wrong"),
    ("1,000", r"\boxed{1}", "wrong"),
    ("0,1", r"\boxed{(0,1)}", "correct"),  # 1-digit groups: a list
    ("125 miles", r"\boxed{125\textnormal{ miles}}", "correct"),
    ("1/3", r"\boxed{\frac{1}{3} \textbf{meters}}", "correct"),
    ("{1,2,3}", r"\boxed{1, 2, 3}", "correct"),  # a set without backslashes
    ("1, 2, 3", r"\boxed{\{3, 2, 1\}}", "correct"),
    (r"\pm 2021", r"\boxed{\{-2021, 2021\}}", "correct"),
    ("{-2021, 2021}", r"\boxed{\pm 2021}", "correct"),
    ("p=5,q=2;p=7,q=2", r"\boxed{(5,2),(7,2)}", "correct"),  # labelled solution set
    ("p=5,q=2;p=7,q=2", r"\boxed{(2,5),(7,2)}", "wrong"),
    (r"12.5\%", r"\boxed{12.5}", "correct"),
    ("12.5", r"\boxed{12.5\%}", "correct"),
    (r"12.5\%", r"\boxed{1.25}", "wrong"),
]


@pytest.mark.parametrize("truth,response,expected", CASES)
def test_math_cases(truth, response, expected):
    assert outcome(SRC, response, truth) == expected


def test_answer_is_reported():
    result = run(SRC, r"\boxed{\frac{1}{2}}", "0.5")
    assert (result.answer, result.score, result.passed, result.verifier) == (r"\frac{1}{2}", 1.0, True, "math")


def test_unclosed_think_is_truncated():
    # Bug 8.1.8: a trace cut inside <think> was graded on its intermediate \boxed.
    assert outcome(SRC, r"<think>maybe \boxed{42} ... let me check", "42") == "truncated"


@pytest.mark.parametrize(
    "finish_reason,expected", [("length", "truncated"), ("stop", "no_answer"), (None, "no_answer")]
)
def test_no_answer_at_max_tokens_is_truncated(finish_reason, expected):
    assert outcome(SRC, "long derivation without an answer", "42", finish_reason=finish_reason) == expected


def test_answer_found_despite_max_tokens_is_graded():
    assert outcome(SRC, r"\boxed{42} and then more", "42", finish_reason="length") == "correct"


@pytest.mark.parametrize("metric", ["prime_math", "math_llm_judge", "default"])
def test_reward_metric_uses_the_same_rules(metric):
    # Bugs 8.2.2 / 8.2.7: prime_math's nested multiprocessing and the judge's missing question gave 0.
    assert outcome(SRC, r"\boxed{x+x}", "2x", extra_info={"reward_metric": metric}) == "correct"
    assert outcome(SRC, r"\boxed{41}", "42", extra_info={"reward_metric": metric}) == "wrong"


@pytest.mark.parametrize(
    "answer",
    [
        r"9^{9^{9^{9}}}",
        "1" * 1_000_000,
        r"x^{10000000}",
        r"1000000!",
        r"(2^{64})!",
        r"\sum_{k=1}^{10^{9}} k^{k}",
        r"\binom{10^{9}}{10^{5}}",
        "(" * 400 + "1" + ")" * 400,
    ],
)
def test_pathological_answers_are_cheap(answer):
    start = time.monotonic()
    assert outcome(SRC, rf"\boxed{{{answer}}}", "10") == "wrong"
    assert time.monotonic() - start < 2.0


def test_grading_leaves_sigalrm_alone():
    # Bug 8.2.1: inner signal.alarm() calls cancelled the runner's outer 35 s alarm.
    import signal

    previous = signal.signal(signal.SIGALRM, lambda *_: None)
    try:
        signal.alarm(100)
        assert outcome(SRC, r"\boxed{\frac{x^2-1}{x-1}}", "x+1") == "correct"
        assert signal.alarm(0) > 90
    finally:
        signal.signal(signal.SIGALRM, previous)
