"""Shared vocabulary of the scoring stage: outcomes, verdicts, requests and results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CORRECT = "correct"
WRONG = "wrong"
NO_ANSWER = "no_answer"
TRUNCATED = "truncated"
TIMEOUT = "timeout"
SANDBOX_ERROR = "sandbox_error"
VERIFIER_ERROR = "verifier_error"
UNKNOWN_SOURCE = "unknown_source"
INVALID_INPUT = "invalid_input"

#: Outcomes a scored response can have, in report order.
OUTCOMES = (CORRECT, WRONG, NO_ANSWER, TRUNCATED, TIMEOUT, SANDBOX_ERROR, VERIFIER_ERROR, UNKNOWN_SOURCE)
#: Outcomes caused by infrastructure rather than by the model; optionally left out of pass rates.
INFRA_OUTCOMES = (TIMEOUT, SANDBOX_ERROR, VERIFIER_ERROR)
#: Start of the detail of every verdict an LLM judge decided (see ScoreResult.judged).
JUDGE_DETAIL_PREFIX = "judge: "


@dataclass(frozen=True)
class Verdict:
    """What one verifier says about one response.

    score: float in [0, 1] (partial credit allowed); outcome: one of OUTCOMES;
    detail: short human-readable reason; answer: the extracted final answer (None if none).
    """

    score: float
    outcome: str
    detail: str = ""
    answer: str | None = None


def binary_verdict(same: bool, detail: str = "", answer: str | None = None) -> Verdict:
    """All-or-nothing verdict: score 1 and `correct` when `same`, else score 0 and `wrong`."""
    return Verdict(1.0 if same else 0.0, CORRECT if same else WRONG, detail, answer)


@dataclass(frozen=True)
class ScoreRequest:
    """One response to score, with everything the verifier needs."""

    data_source: str
    response: str
    ground_truth: Any
    extra_info: dict = field(default_factory=dict)
    finish_reason: str | None = None


@dataclass(frozen=True)
class ScoreResult:
    """A verdict plus the pass decision taken with the configured threshold."""

    score: float
    passed: bool
    outcome: str
    detail: str = ""
    answer: str | None = None
    verifier: str = ""

    @property
    def judged(self) -> bool:
        """The verdict came from an LLM judge, not from the rules."""
        return self.detail.startswith(JUDGE_DETAIL_PREFIX)
