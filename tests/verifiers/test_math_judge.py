"""Math: the optional LLM judge decides only what the rules leave open (issue 13), against a stand-in server."""

from __future__ import annotations

import pytest

from difficulty_filter.verifiers.math import compare
from difficulty_filter.verifiers.quantities import parse_number

from .helpers import run
from .test_math_forms import CORPUS

SRC = "math__judge"


def _settings(url: str, domains=("stem_web", "math")) -> dict:
    return {"judge": {"url": url, "model": "judge-model", "domains": list(domains)}, "timeout": 5}


@pytest.mark.parametrize("reply,expected", [("Same set.\nFinal Decision: Yes", "correct"),
                                            ("Final Decision: No", "wrong")])
def test_inconclusive_answer_goes_to_the_judge(judge_server, reply, expected):
    judge_server.replies = [reply]
    result = run(SRC, r"\boxed{\text{divisible by two}}", r"\text{even}",
                 extra_info={"original_question": "Is 6 odd or even?"}, settings=_settings(judge_server.url))
    assert result.outcome == expected and result.judged
    assert result.detail.startswith("judge: ") and "rules: text differs" in result.detail
    sent = judge_server.seen[0]
    assert sent["model"] == "judge-model" and "Is 6 odd or even?" in sent["messages"][0]["content"]


@pytest.mark.parametrize("truth,answer", [("42", "41"), (r"\frac{1}{2}", "0.4"), ("2, 3", "2, 3, 4"),
                                          ("(1, 2)", "(2, 1)"), (r"x^2 + 1", r"x^2 - 1"), ("3", "3t")])
def test_clear_mismatch_never_reaches_the_judge(judge_server, truth, answer):
    judge_server.replies = ["Final Decision: Yes"]
    result = run(SRC, rf"\boxed{{{answer}}}", truth, settings=_settings(judge_server.url))
    assert (result.outcome, result.judged, judge_server.seen) == ("wrong", False, [])


def test_rule_based_pass_never_asks(judge_server):
    assert run(SRC, r"\boxed{0.5}", r"\frac{1}{2}", settings=_settings(judge_server.url)).outcome == "correct"
    assert judge_server.seen == []


def test_judge_only_for_listed_domains(judge_server):
    result = run(SRC, r"\boxed{\text{divisible by two}}", r"\text{even}",
                 settings=_settings(judge_server.url, domains=["stem_web"]))
    assert (result.outcome, result.judged, judge_server.seen) == ("wrong", False, [])


def test_mismatched_numbers_in_the_corpus_are_conclusive():
    pairs = [(gold, answer) for _, gold, answer, expected in CORPUS
             if expected == "wrong" and parse_number(gold) is not None and parse_number(answer) is not None]
    assert pairs and all(compare(gold, answer).conclusive for gold, answer in pairs)
