"""Table verifier: spec §4.11 rows (bugs fixed), rounding-aware numbers, multi-answers, no eval()."""

from __future__ import annotations

import pytest

from .helpers import outcome, run

SRC = "table__hitab"

CASES = [
    # (ground truth, response, expected outcome)
    ("42", r"\boxed{42}", "correct"),
    ("42", r"<think>\boxed{41}</think>\boxed{42}", "correct"),
    ("42", r"\boxed{42.1}", "wrong"),
    ("42", r"\boxed{42.0}", "correct"),
    ("42", r"\boxed{0.42}", "wrong"),  # bug 8.2.10: accepted 0.42 for 42
    ("0.42", r"\boxed{42}", "wrong"),
    ("42", r"\boxed{42\%}", "correct"),
    ("0.42", r"\boxed{42\%}", "correct"),  # 42% is 0.42
    ("1000", r"\boxed{\$1,000}", "correct"),
    ("2011|2012", r"\boxed{2012|2011}", "correct"),  # order-free
    ("a|b", r"\boxed{b|a}", "correct"),
    ("1|2|3", r"\boxed{1|2}", "wrong"),
    ("2011|2012", r"\boxed{2011, 2012}", "correct"),  # the original rejected comma lists
    ("2011|2012", r"\boxed{2011|2013}", "wrong"),
    ("2011|2012", r"\boxed{2011} | \boxed{2012}", "correct"),
    ("2011", r"\boxed{2012}", "wrong"),  # integers are exact
    ("canada", r"\boxed{\text{Canada}}", "correct"),  # bug 8.2.9: \text{} was kept
    ("canada", r"\boxed{Canada}", "correct"),
    ("canada", r"\boxed{Mexico}", "wrong"),
    ("the united states", r"\boxed{United States}", "correct"),
    ("42", "The answer is 42", "no_answer"),  # no box: no guess from the whole text
    ("42", r"\fbox{42}", "correct"),  # bug 8.2.9: \fbox crashed the original
    ("0.75", r"\boxed{3/4}", "correct"),
    ("0.75", r"\boxed{\frac{3}{4}}", "correct"),  # the original rejected \frac
    ("1000", r"\boxed{1e3}", "correct"),
    ("12.35", r"\boxed{12.3456}", "correct"),  # the truth is the answer rounded
    ("12.34", r"\boxed{12.3}", "correct"),  # the answer is the truth rounded
    ("12.35", r"\boxed{12.4}", "correct"),  # 12.35 rounded half up
    ("12.35", r"\boxed{12.5}", "wrong"),
    ("0.5", r"\boxed{0.46}", "wrong"),  # a one-digit truth needs the exact value
    ("-5", r"\boxed{5}", "wrong"),
    ("-5", r"\boxed{-5.0}", "correct"),
    ("1.2 million", r"\boxed{1,200,000}", "correct"),
    ("42", r"\boxed{42 years}", "correct"),
    ("2011", r"\boxed{2011 and 2012}", "wrong"),
    ("5", r"\boxed{__import__('os').getpid()}", "wrong"),  # bug 8.2.11: eval() of model text
    ("42", r"\boxed{}", "no_answer"),
    (42.0, r"\boxed{42}", "correct"),  # FinQA float truth
    (0.123456, r"\boxed{0.1235}", "correct"),
    (0.123456, r"\boxed{12.35\%}", "correct"),
]


@pytest.mark.parametrize("truth,response,expected", CASES)
def test_table_cases(truth, response, expected):
    assert outcome(SRC, response, truth) == expected


def test_eval_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    response = rf"\boxed{{__import__('pathlib').Path('{marker}').touch()}}"
    assert outcome(SRC, response, "1") == "wrong"
    assert not marker.exists()


def test_multihier_and_finqa_share_the_rules():
    assert run("table__multihier", r"\boxed{7.5\%}", "7.5").outcome == "correct"
    assert run("table__finqa", r"\boxed{7.5}", 7.5).verifier == "table"
