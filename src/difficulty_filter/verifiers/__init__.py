"""Rule-based verifiers, one module per answer format, and `grade`: one request -> one ScoreResult.

`grade` runs in-process and has no time limit; `difficulty_filter.scoring` runs it in killable worker
processes. It applies the rules every domain shares: an unknown data_source is ``unknown_source``; a
response that ends inside ``<think>`` is ``truncated`` (partial reasoning is never graded); ``no_answer``
on a generation cut at max tokens is ``truncated``; an exception is ``verifier_error``.
"""

from __future__ import annotations

from math import isnan  # not `import math`: the submodule .math would shadow it here

from ..outcomes import (
    CORRECT,
    NO_ANSWER,
    OUTCOMES,
    TRUNCATED,
    VERIFIER_ERROR,
    WRONG,
    ScoreRequest,
    ScoreResult,
    Verdict,
)
from ..settings import RewardSettings
from .answer_extraction import ends_in_open_think
from .registry import VERIFIER_VERSIONS, Route, resolve

__all__ = ["VERIFIER_VERSIONS", "Route", "grade", "resolve", "verdict_result"]

#: Longest extracted answer kept in a result.
MAX_ANSWER_CHARS = 500
MAX_DETAIL_CHARS = 500


def grade(request: ScoreRequest, settings: RewardSettings) -> ScoreResult:
    """Grade one response in this process (no time limit: use difficulty_filter.scoring for that)."""
    route = resolve(request.data_source, settings.custom_verifiers)
    return verdict_result(_verdict(route, request, settings), request, route, settings)


def _verdict(route: Route, request: ScoreRequest, settings: RewardSettings) -> Verdict:
    if not isinstance(request.response, str):
        return Verdict(0.0, VERIFIER_ERROR, f"response is {type(request.response).__name__}, not a string")
    if route.name != "unknown" and ends_in_open_think(request.response):
        return Verdict(0.0, TRUNCATED, "response ends inside an unclosed <think> block")
    try:
        verdict = route.verify(request.response, request.ground_truth, dict(request.extra_info or {}), settings)
    except Exception as exc:  # a verifier bug or broken ground truth is counted, never hidden as wrong
        return Verdict(0.0, VERIFIER_ERROR, f"{type(exc).__name__}: {exc}")
    problem = _invalid(verdict)
    return Verdict(0.0, VERIFIER_ERROR, problem) if problem else verdict


def _invalid(verdict: object) -> str | None:
    if not isinstance(verdict, Verdict):
        return f"verifier returned {type(verdict).__name__}, not a Verdict"
    if verdict.outcome not in OUTCOMES:
        return f"verifier returned unknown outcome {verdict.outcome!r}"
    if not isinstance(verdict.score, (int, float)) or isnan(verdict.score) or not 0.0 <= verdict.score <= 1.0:
        return f"verifier returned score {verdict.score!r} outside [0, 1]"
    return None


def verdict_result(verdict: Verdict, request: ScoreRequest, route: Route, settings: RewardSettings) -> ScoreResult:
    """The ScoreResult for a verdict: truncation rule, pass decision (graded outcomes only), size caps."""
    if verdict.outcome == NO_ANSWER and request.finish_reason == "length":
        verdict = Verdict(0.0, TRUNCATED, f"hit max tokens; {verdict.detail}", verdict.answer)
    graded = verdict.outcome in (CORRECT, WRONG)
    score = float(verdict.score) if graded else 0.0
    answer = None if verdict.answer is None else str(verdict.answer)[:MAX_ANSWER_CHARS]
    return ScoreResult(
        score=score,
        passed=graded and score >= settings.correct_threshold,
        outcome=verdict.outcome,
        detail=str(verdict.detail)[:MAX_DETAIL_CHARS],
        answer=answer,
        verifier=route.name,
    )
