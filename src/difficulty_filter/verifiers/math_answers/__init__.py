r"""Math: the last ``\boxed{}`` after the reasoning (boxes glued to it join as a list), graded by .grader.

Parser / grader split, as in math-verify: .normalize, .structure and .units read the answer's form
(wrappers, unicode, ordinals, qualifiers, lists, labels, units, angles) and .parsing turns values into
sympy; .grader decides. An AMC-style ``\textbf{(C)}\ 12`` on either side matches its letter or its
value on the other; a GSM8K truth stored as ``#### 1,250`` is read without its marker. When the rules say
"wrong" without being sure (a parse failure, a text answer, values of different kinds) and
``reward.judge.domains`` lists ``math``, the LLM judge decides; a clear mismatch (two numbers, two lists of
numbers, ...) is never sent to it.
"""

from __future__ import annotations

import re
from typing import Any

from ...outcomes import NO_ANSWER, Verdict, binary_verdict
from ..answer_extraction import boxed_answers, final_text, last_boxed
from ..judge import judge_target, judged_verdict, question_of
from .grader import Comparison, compare
from .normalize import clean
from .structure import asks_for_order

__all__ = ["Comparison", "compare", "equivalent", "truth_text", "verify"]

_OPTION_LABEL_RE = re.compile(
    r"\s*(?:\\(?:text|mathrm)\s*\{\s*)?\(\s*([A-E])\s*\)\s*\}?\s*(?:\\[ ,;:]|~)?\s*(\S.*)", re.DOTALL
)
#: GSM8K keeps its answer after "####"; a ground truth stored with the marker is read without it.
_GSM8K_MARK_RE = re.compile(r"^\s*####\s*")


def verify(response: str, ground_truth: Any, extra_info: dict, settings) -> Verdict:
    """Grade a math response; every ``reward_metric`` uses these rules."""
    answers = list(dict.fromkeys(boxed_answers(final_text(response))))
    if not answers:
        return Verdict(0.0, NO_ANSWER, "no \\boxed{} answer after the reasoning")
    answer = ", ".join(answers)
    truth = truth_text(ground_truth)
    comparison = compare(truth, answer, ordered=asks_for_order(question_of(extra_info)))
    if not comparison.same and _option_matches(truth, answer):
        comparison = Comparison(True, "option letter or value matches")
    if not comparison.same and not comparison.conclusive:
        target = judge_target(settings, "math")
        if target is not None:
            return judged_verdict(target, extra_info, truth, answer, rules=comparison.reason)
    return binary_verdict(comparison.same, comparison.reason, answer)


def _option_matches(truth: str, answer: str) -> bool:
    r"""An AMC-style option ``\textbf{(C)}\ 12`` on either side matches its letter or its value on the other."""
    label = _OPTION_LABEL_RE.fullmatch(clean(answer))
    if label and any(compare(truth, part).same for part in label.groups()):
        return True
    label = _OPTION_LABEL_RE.fullmatch(clean(truth))
    return bool(label) and any(compare(part, answer).same for part in label.groups())


def truth_text(ground_truth: Any) -> str:
    r"""The ground truth as one LaTeX string (lists are joined; a boxed truth is unboxed)."""
    if isinstance(ground_truth, (list, tuple)) or hasattr(ground_truth, "tolist"):
        items = list(ground_truth.tolist() if hasattr(ground_truth, "tolist") else ground_truth)
        return ", ".join(str(x) for x in items)
    text = _GSM8K_MARK_RE.sub("", str(ground_truth))
    return last_boxed(text) or text.strip()


def equivalent(truth: str, answer: str) -> bool:
    """True when `answer` states the same mathematical object as `truth`."""
    return compare(truth, answer).same
