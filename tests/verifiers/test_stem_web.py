"""Free-form STEM (WebInstruct): rule-based check and the optional LLM judge (bugs 8.2.5-8.2.7)."""

from __future__ import annotations

import socket

import pytest

from difficulty_filter.verifiers.judge import chat_url

from .helpers import outcome, run

SRC = "stem_web"

CASES = [
    # (ground truth, response, expected outcome)
    ("5 m/s", r"\boxed{5 \text{ m/s}}", "correct"),
    ("5 m/s", r"\boxed{5\,\mathrm{m/s}}", "correct"),
    ("5 m/s", r"\boxed{5}", "correct"),  # unit left out
    ("5 m/s", r"\boxed{5 km/s}", "wrong"),  # different unit
    ("5 m/s", r"\boxed{6 m/s}", "wrong"),
    ("3.46 m/s", r"\boxed{3.464 m/s}", "correct"),  # truth is the answer rounded
    ("3.46 m/s", r"\boxed{3.47 m/s}", "wrong"),
    ("1.2 \\times 10^{-3} J", r"\boxed{1.2e-3 J}", "correct"),
    ("1.2 \\times 10^{-3} J", r"\boxed{0.0012\text{ J}}", "correct"),
    ("1.2 \\times 10^{-3} J", r"\boxed{1.2 \times 10^{-4} J}", "wrong"),
    ("6.02e23", r"\boxed{6.022 \times 10^{23}}", "correct"),
    ("0.35", r"\boxed{35\%}", "correct"),
    ("35%", r"\boxed{0.35}", "correct"),
    ("0.35", r"\boxed{35}", "wrong"),
    ("45°", r"\boxed{45^\circ}", "correct"),
    ("-273.15", r"\boxed{-273.15}", "correct"),
    ("-273.15", r"\boxed{273.15}", "wrong"),
    ("NaCl", r"\boxed{\text{NaCl}}", "correct"),
    ("Increase", r"\boxed{increase}", "correct"),
    ("Increase", r"\boxed{decrease}", "wrong"),
    (r"\frac{1}{2}mv^2", r"\boxed{0.5 m v^2}", "correct"),
    ("x^2 + 1", r"\boxed{1 + x^2}", "correct"),
    (r"\sqrt{2}/2", r"\boxed{\frac{\sqrt{2}}{2}}", "correct"),
    ("2x", r"\boxed{2y}", "wrong"),
    ("$1,200", r"\boxed{1200}", "correct"),
    ("1200", r"\boxed{1.2 thousand}", "correct"),
    ("12", r"\boxed{12.4}", "wrong"),
    ("5 m/s", "The speed is 5 m/s.", "no_answer"),  # no box, no judge call
    ("5 m/s", r"<think>\boxed{5 m/s}</think>I think it is about five.", "no_answer"),
    ("5 m/s", r"<think>\boxed{5 m/s}", "truncated"),
    ("0.5", r"\boxed{1/2}", "correct"),
]


@pytest.mark.parametrize("truth,response,expected", CASES)
def test_stem_web_rules(truth, response, expected):
    assert outcome(SRC, response, truth) == expected


def test_stem__web_quirk_routes_to_the_same_verifier():
    # Bug 8.2.6: the Guru file is `stem__web` but the router only knew `stem_web`.
    assert run("stem__web", r"\boxed{5 m/s}", "5 m/s").verifier == "stem_web"


@pytest.mark.parametrize("base", ["http://h:1", "http://h:1/", "http://h:1/v1", "http://h:1/v1/chat/completions"])
def test_judge_url_is_never_doubled(base):
    # Bug 8.2.7: the docstring and the code disagreed on whether the path was part of the URL.
    assert chat_url(base) == "http://h:1/v1/chat/completions"


def _settings(url):
    return {"judge": {"url": url, "model": "general-verifier"}, "timeout": 5}


def test_judge_accepts_what_rules_reject(judge_server):
    judge_server.replies = ["Equivalent.\nFinal Decision: Yes"]
    result = run(
        SRC,
        r"\boxed{five metres per second}",
        "5 m/s",
        extra_info={"question": "How fast?"},
        settings=_settings(judge_server.url),
    )
    assert (result.outcome, result.detail) == ("correct", "judge: yes")
    sent = judge_server.seen[0]
    assert sent["path"] == "/v1/chat/completions" and sent["model"] == "general-verifier"
    assert "How fast?" in sent["messages"][0]["content"]


def test_judge_says_no(judge_server):
    judge_server.replies = ["Final Decision: No"]
    assert outcome(SRC, r"\boxed{7 m/s}", "5 m/s", settings=_settings(judge_server.url)) == "wrong"


def test_judge_not_called_when_rules_accept(judge_server):
    assert outcome(SRC, r"\boxed{5 m/s}", "5 m/s", settings=_settings(judge_server.url)) == "correct"
    assert judge_server.seen == []


def test_judge_reply_without_decision_is_an_error(judge_server):
    judge_server.replies = ["I do not know"]
    assert outcome(SRC, r"\boxed{7 m/s}", "5 m/s", settings=_settings(judge_server.url)) == "verifier_error"


def test_unreachable_judge_is_a_verifier_error_not_a_zero():
    # Bug 8.2.5: a judge outage turned the whole STEM set into pass rate 0.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run(SRC, r"\boxed{7 m/s}", "5 m/s", settings=_settings(f"http://127.0.0.1:{port}"))
    assert result.outcome == "verifier_error" and "JudgeError" in result.detail


def test_slow_judge_times_out_as_a_verifier_error(judge_server):
    # Bug 8.2.7: the math judge request had no timeout.
    judge_server.replies, judge_server.delay = ["Final Decision: Yes"], 1.5
    result = run(SRC, r"\boxed{7 m/s}", "5 m/s", settings={**_settings(judge_server.url), "timeout": 1})
    assert result.outcome == "verifier_error" and "timed out" in result.detail
