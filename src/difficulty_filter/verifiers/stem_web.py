r"""Free-form STEM answers (WebInstruct): boxed answer, rule-based check, optional LLM judge.

Rules, in order: ``number [unit]`` on both sides (rounding-aware numbers, equal units when both give
one); same normalized text; symbolic equivalence (math-verify). When the rules reject an answer and
``reward.judge.url`` is set, the judge decides; a judge that cannot be reached raises, which the
scoring layer records as ``verifier_error`` (never a silent 0).
"""

from __future__ import annotations

from typing import Any

from ..outcomes import CORRECT, NO_ANSWER, WRONG, Verdict, binary_verdict
from . import math as math_verifier
from .answer_extraction import final_text, last_boxed
from .judge import judge
from .quantities import quantities_match
from .text_forms import normalize_text

_QUESTION_KEYS = ("question", "original_question", "raw_prompt")


def verify(response: str, ground_truth: Any, extra_info: dict, settings: dict) -> Verdict:
    """Grade a free-form STEM response."""
    answer = last_boxed(final_text(response))
    if answer is None:
        return Verdict(0.0, NO_ANSWER, "no \\boxed{} answer after the reasoning")
    truth = str(ground_truth)
    if rule_match(answer, truth):
        return Verdict(1.0, CORRECT, "rule-based match", answer)
    judge_cfg = settings.get("judge") or {}
    if not judge_cfg.get("url"):
        return Verdict(0.0, WRONG, "rule-based mismatch", answer)
    question = next((str(extra_info[k]) for k in _QUESTION_KEYS if extra_info.get(k)), "(not available)")
    timeout = min(60.0, 0.8 * float(settings.get("timeout", 30)))
    same = judge(question, truth, answer, url=judge_cfg["url"], model=judge_cfg.get("model") or "default",
                 timeout=timeout)
    return binary_verdict(same, f"judge: {'yes' if same else 'no'}", answer)


def rule_match(answer: str, truth: str) -> bool:
    """Rule-based equivalence of a short free-form answer."""
    numeric = quantities_match(answer, truth)
    if numeric is not None:
        return numeric
    if normalize_text(answer) == normalize_text(truth) != "":
        return True
    return math_verifier.equivalent(truth, answer)
