r"""Table QA (HiTab, MultiHier, FinQA): boxed answer, ``|``-separated multi-answers, rounding-aware numbers.

Never evaluates model text. Numbers match when equal or when one is the other rounded to its written
precision (``12.35`` for ``12.3456``); ``42%`` matches ``42`` and ``0.42``; ``0.42`` never matches ``42``.
Multi-answers are compared as multisets (order-free); an answer listed with commas instead of ``|``
is split when that gives the expected number of items.
"""

from __future__ import annotations

import re
from typing import Any

from ..outcomes import CORRECT, NO_ANSWER, WRONG, Verdict
from ..settings import RewardSettings
from .answer_extraction import boxed_answers, final_text
from .quantities import quantities_match
from .text_forms import normalize_text

#: Commas that separate items (not thousands separators), semicolons and "and".
_LIST_SPLIT_RE = re.compile(r"\s*(?:;|,(?!\d{3}(?!\d))|\band\b)\s*")


def verify(response: str, ground_truth: Any, extra_info: dict, settings: RewardSettings) -> Verdict:
    """Grade a table-QA response."""
    answers = boxed_answers(final_text(response))
    if not answers:
        return Verdict(0.0, NO_ANSWER, "no \\boxed{} answer after the reasoning")
    answer = " | ".join(dict.fromkeys(answers))
    truth = _items(str(ground_truth), "|")
    pred = _items(answer, "|")
    if len(truth) > 1 and len(pred) == 1:
        split = _items(pred[0], _LIST_SPLIT_RE)
        pred = split if len(split) == len(truth) else pred
    if len(pred) != len(truth):
        return Verdict(0.0, WRONG, f"{len(pred)} answers for {len(truth)} expected", answer)
    unmatched = list(pred)
    for item in truth:
        hit = next((p for p in unmatched if item_matches(p, item)), None)
        if hit is None:
            return Verdict(0.0, WRONG, f"nothing matches {item!r}", answer)
        unmatched.remove(hit)
    return Verdict(1.0, CORRECT, "all answers match", answer)


def item_matches(pred: str, truth: str) -> bool:
    """One answer against one expected item: same number (and unit) when both are numbers, else same text."""
    numeric = quantities_match(pred, truth)
    if numeric is not None:
        return numeric
    return normalize_text(pred) == normalize_text(truth) != ""


def _items(text: str, separator: str | re.Pattern) -> list[str]:
    parts = separator.split(text) if isinstance(separator, re.Pattern) else text.split(separator)
    return [p.strip() for p in parts if p.strip()]
