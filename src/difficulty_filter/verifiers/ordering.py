r"""Ordering puzzles: the list of names in the last ``<answer>`` tag (else ``\boxed{}``), in order, any case."""

from __future__ import annotations

import re
from typing import Any

from ..outcomes import NO_ANSWER, Verdict, binary_verdict
from ..settings import RewardSettings
from .answer_extraction import tagged_answer
from .literals import literal_or_none, strip_fence, structured_truth

_SPLIT_RE = re.compile(r"\s*(?:,|;|\n|>|→|->)\s*")
_ITEM_NOISE_RE = re.compile(r"^(?:\d+[.)]|[-*•]|and\b)\s*")


def verify(response: str, ground_truth: Any, extra_info: dict, settings: RewardSettings) -> Verdict:
    """Grade an ordering-puzzle response (all or nothing)."""
    truth = structured_truth(ground_truth)
    if not isinstance(truth, list) or not truth:
        raise ValueError(f"ground truth is not a list of names: {str(ground_truth)[:80]!r}")
    content = tagged_answer(response)
    if content is None:
        return Verdict(0.0, NO_ANSWER, "no <answer> tag")
    items = answer_items(content)
    if not items:
        return Verdict(0.0, NO_ANSWER, "empty answer", content[:200])
    same = items == [_name(x) for x in truth]
    return binary_verdict(same, "same order" if same else "different order or names", ", ".join(items))


def _name(value: Any) -> str:
    return " ".join(str(value).strip().strip("'\"`").split()).lower()


def answer_items(content: str) -> list[str]:
    """Names listed in the answer: a JSON/Python list, ``[a, b]`` unquoted, or a comma/line/arrow list."""
    content = strip_fence(content)
    value = literal_or_none(content)
    if isinstance(value, (list, tuple)):
        return [_name(x) for x in value]
    start, end = content.find("["), content.rfind("]")
    if 0 <= start < end:
        content = content[start + 1 : end]
    names = (_name(_ITEM_NOISE_RE.sub("", part.strip())) for part in _SPLIT_RE.split(content))
    return [n for n in names if n]
