r"""Graph search: the path in the last ``<answer>`` tag (else ``\boxed{}``); case and separators ignored."""

from __future__ import annotations

import re
from typing import Any

from ..outcomes import NO_ANSWER, Verdict, binary_verdict
from ..settings import RewardSettings
from .answer_extraction import tagged_answer

_SEPARATORS_RE = re.compile(r"[\s,'\"`]|->|→|-|–")


def verify(response: str, ground_truth: Any, extra_info: dict, settings: RewardSettings) -> Verdict:
    """Grade a graph-path response: ``fdebme``, ``FDEBME``, ``f -> d -> e -> b -> m -> e`` all match."""
    truth = path(str(ground_truth))
    if not truth:
        raise ValueError(f"ground truth is not a path: {ground_truth!r}")
    content = tagged_answer(response)
    if content is None:
        return Verdict(0.0, NO_ANSWER, "no <answer> tag")
    answer = path(content)
    if not answer:
        return Verdict(0.0, NO_ANSWER, "empty answer")
    same = answer == truth
    return binary_verdict(same, "same path" if same else "different path", answer)


def path(text: str) -> str:
    """Lower-case path string with separators and quotes removed."""
    return _SEPARATORS_RE.sub("", text.strip().strip("[]()")).lower()
