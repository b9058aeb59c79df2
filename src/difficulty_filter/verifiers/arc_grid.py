r"""ARC-AGI / BARC: the grid in the last ``<answer>`` tag (else ``\boxed{}``) must equal the truth exactly."""

from __future__ import annotations

import re
from typing import Any

from ..outcomes import NO_ANSWER, Verdict, binary_verdict
from ..settings import RewardSettings
from .answer_extraction import tagged_answer
from .literals import balanced_spans, literal_or_none, strip_fence, structured_truth

_ROW_RE = re.compile(r"[\d\s,]+")
_SEPARATOR_RE = re.compile(r"[\s,]+")


def verify(response: str, ground_truth: Any, extra_info: dict, settings: RewardSettings) -> Verdict:
    """Grade an ARC-style grid answer (all or nothing)."""
    truth = as_grid(structured_truth(ground_truth))
    if truth is None:
        raise ValueError(f"ground truth is not a grid of integers: {str(ground_truth)[:80]!r}")
    content = tagged_answer(response)
    if content is None:
        return Verdict(0.0, NO_ANSWER, "no <answer> tag")
    grid = answer_grid(content)
    if grid is None:
        return Verdict(0.0, NO_ANSWER, "no grid in the answer", content[:200])
    same = grid == truth
    detail = (
        "same grid"
        if same
        else ("different cells" if _shape(grid) == _shape(truth) else f"shape {_shape(grid)} != {_shape(truth)}")
    )
    return binary_verdict(same, detail, str(grid)[:200])


def as_grid(value: Any) -> list[list[int]] | None:
    """A non-empty list of non-empty lists of integers (integral floats and digit strings allowed)."""
    if not isinstance(value, list) or not value or not all(isinstance(r, list) and r for r in value):
        return None
    try:
        return [[_int(c) for c in row] for row in value]
    except (TypeError, ValueError):
        return None


def _int(cell: Any) -> int:
    if isinstance(cell, bool) or (isinstance(cell, float) and not cell.is_integer()):
        raise ValueError(cell)
    return int(cell)


def answer_grid(content: str) -> list[list[int]] | None:
    """The grid in an answer: a list literal (the last ``[[...]]`` in the text) or rows of digits."""
    content = strip_fence(content)
    for candidate in [content] + balanced_spans(content, "[", "]")[::-1]:
        grid = as_grid(literal_or_none(candidate))
        if grid is not None:
            return grid
    lines = [line.strip() for line in content.splitlines() if line.strip()]
    if not lines or not all(_ROW_RE.fullmatch(line) for line in lines):
        return None
    if not any(_SEPARATOR_RE.search(line) for line in lines):
        return as_grid([list(line) for line in lines])  # "0120": one digit per cell
    return as_grid([[x for x in _SEPARATOR_RE.split(line) if x] for line in lines])


def _shape(grid: list[list[int]]) -> tuple[int, ...]:
    return (len(grid),) + tuple(sorted({len(r) for r in grid}))
