"""Math: the optional LLM judge decides only what the rules leave open (issue 13), against a stand-in server."""

from __future__ import annotations

import time

import pytest

from difficulty_filter import config
from difficulty_filter.verifiers.math_answers import compare
from difficulty_filter.verifiers.quantities import parse_number

from .helpers import run
from .test_math_forms import CORPUS

SRC = "math__judge"


def _settings(url: str, domains=("stem_web", "math")) -> dict:
    return {"judge": {"url": url, "model": "judge-model", "domains": list(domains)}, "timeout": 5}


@pytest.mark.parametrize(
    "reply,expected", [("Same set.\nFinal Decision: Yes", "correct"), ("Final Decision: No", "wrong")]
)
def test_inconclusive_answer_goes_to_the_judge(judge_server, reply, expected):
    judge_server.replies = [reply]
    result = run(
        SRC,
        r"\boxed{\text{divisible by two}}",
        r"\text{even}",
        extra_info={"original_question": "Is 6 odd or even?"},
        settings=_settings(judge_server.url),
    )
    assert result.outcome == expected and result.judged
    assert result.detail.startswith("judge: ") and "rules: text differs" in result.detail
    sent = judge_server.seen[0]
    assert sent["model"] == "judge-model" and "Is 6 odd or even?" in sent["messages"][0]["content"]


@pytest.mark.parametrize(
    "truth,answer",
    [
        ("42", "41"),
        (r"\frac{1}{2}", "0.4"),
        ("2, 3", "2, 3, 4"),
        ("(1, 2)", "(2, 1)"),
        (r"x^2 + 1", r"x^2 - 1"),
        ("3", "3t"),
    ],
)
def test_clear_mismatch_never_reaches_the_judge(judge_server, truth, answer):
    judge_server.replies = ["Final Decision: Yes"]
    result = run(SRC, rf"\boxed{{{answer}}}", truth, settings=_settings(judge_server.url))
    assert (result.outcome, result.judged, judge_server.seen) == ("wrong", False, [])


def test_rule_based_pass_never_asks(judge_server):
    assert run(SRC, r"\boxed{0.5}", r"\frac{1}{2}", settings=_settings(judge_server.url)).outcome == "correct"
    assert judge_server.seen == []


def test_judge_only_for_listed_domains(judge_server):
    result = run(
        SRC,
        r"\boxed{\text{divisible by two}}",
        r"\text{even}",
        settings=_settings(judge_server.url, domains=["stem_web"]),
    )
    assert (result.outcome, result.judged, judge_server.seen) == ("wrong", False, [])


def test_mismatched_numbers_in_the_corpus_are_conclusive():
    pairs = [
        (gold, answer)
        for _, gold, answer, expected in CORPUS
        if expected == "wrong" and parse_number(gold) is not None and parse_number(answer) is not None
    ]
    assert pairs and all(compare(gold, answer).conclusive for gold, answer in pairs)


@pytest.mark.vllm
def test_demo_model_as_a_stand_in_judge(smollm2_dir):
    """The real path: a managed vLLM CPU server with the demo model gets the request and its reply is read.

    SmolLM2-135M rarely writes "Final Decision: Yes/No", so a reply without one (verifier_error naming the
    missing decision, not a connection error) counts as a working round trip too."""
    pytest.importorskip("vllm")
    from difficulty_filter.generation.engines.managed_server import free_port, managed_server, server_command

    model = config.section(
        "model",
        {
            "path": str(smollm2_dir),
            "dtype": "float32",
            "max_model_len": 2048,
            "gpu_memory_utilization": 0.15,
            "server": {"startup_timeout": 600},
        },
    )
    port = free_port()
    command = server_command(model, port, 0) + ["--served-model-name", "judge"]
    with managed_server(model, 0, command=command, port=port) as server:
        started = time.monotonic()
        result = run(
            SRC,
            r"\boxed{\text{divisible by two}}",
            r"\text{even}",
            extra_info={"question": "Is 6 odd or even?"},
            settings={"judge": {"url": server.url, "model": "judge", "domains": ["math"]}, "timeout": 75},
        )
        print(f"judge round trip: {time.monotonic() - started:.1f} s, {result.outcome}: {result.detail[:200]}")
    assert result.judged or (result.outcome == "verifier_error" and "Final Decision" in result.detail)
