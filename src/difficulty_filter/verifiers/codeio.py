"""CodeIO: predict a program's output (or input) as JSON ``{"output": ...}`` / ``{"input": ...}``.

The last JSON object in the final text that carries the expected key is the answer (a later block
wins over an earlier one; a bare value or dict without the key is no answer). Comparison is
structural: object key order is irrelevant, ``1 == 1.0``, but ``true`` is not ``1`` and ``"1"`` is not ``1``.
"""

from __future__ import annotations

import math
from typing import Any

from ..outcomes import NO_ANSWER, Verdict, binary_verdict
from ..settings import RewardSettings
from .answer_extraction import final_text
from .literals import MISSING, balanced_spans, parse_literal, plain

_KEYS = ("output", "input")


def verify(response: str, ground_truth: Any, extra_info: dict, settings: RewardSettings) -> Verdict:
    """Grade a CodeIO response."""
    key, expected = truth_fragment(ground_truth)
    for span in reversed(balanced_spans(final_text(response))):
        value = parse_literal(span)
        if isinstance(value, dict) and key in value:
            answer = plain(value[key])
            same = same_value(answer, expected)
            return binary_verdict(same, f"{key} {'matches' if same else 'differs'}", span[:200])
    return Verdict(0.0, NO_ANSWER, f'no JSON object with "{key}"')


def truth_fragment(ground_truth: Any) -> tuple[str, Any]:
    """(key, value) of a ground truth like ``"output": [1, 2]`` (a fragment without braces) or a dict."""
    value = ground_truth
    if isinstance(ground_truth, str):
        text = ground_truth.strip()
        value = parse_literal(text if text.startswith("{") else "{" + text + "}")
    value = plain(value)
    if value is MISSING or not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in _KEYS:
        raise ValueError(f'ground truth is not an "output"/"input" fragment: {str(ground_truth)[:80]!r}')
    return next(iter(value.items()))


def same_value(a: Any, b: Any) -> bool:
    """Structural equality; numbers by value (1 == 1.0, floats to 1e-9 relative), bools only equal bools."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return a == b or math.isclose(a, b, rel_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b
