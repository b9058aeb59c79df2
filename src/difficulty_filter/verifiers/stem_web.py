r"""Free-form STEM answers (WebInstruct): boxed answer, rule-based check, optional LLM judge.

Rules, in order: ``number [unit]`` on both sides (rounding-aware numbers, equal units when both give
one); same normalized text; symbolic equivalence (math-verify). When the rules reject an answer and a
judge is configured for ``stem_web`` (``reward.judge``), the judge decides; a judge that cannot be reached
raises, which the scoring layer records as ``verifier_error`` (never a silent 0).
"""

from __future__ import annotations

from typing import Any

from ..outcomes import CORRECT, NO_ANSWER, WRONG, Verdict
from . import math_answers as math_verifier
from .answer_extraction import final_text, last_boxed
from .judge import judge_target, judged_verdict
from .quantities import quantities_match
from .text_forms import normalize_text


def verify(response: str, ground_truth: Any, extra_info: dict, settings) -> Verdict:
    """Grade a free-form STEM response."""
    answer = last_boxed(final_text(response))
    if answer is None:
        return Verdict(0.0, NO_ANSWER, "no \\boxed{} answer after the reasoning")
    truth = str(ground_truth)
    if rule_match(answer, truth):
        return Verdict(1.0, CORRECT, "rule-based match", answer)
    target = judge_target(settings, "stem_web")
    if target is None:
        return Verdict(0.0, WRONG, "rule-based mismatch", answer)
    return judged_verdict(target, extra_info, truth, answer)


def rule_match(answer: str, truth: str) -> bool:
    """Rule-based equivalence of a short free-form answer."""
    numeric = quantities_match(answer, truth)
    if numeric is not None:
        return numeric
    if normalize_text(answer) == normalize_text(truth) != "":
        return True
    return math_verifier.equivalent(truth, answer)
