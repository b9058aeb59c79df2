"""Tolerant comparison of a program's stdout with the expected stdout."""

from __future__ import annotations

import math
import re

#: Numbers as a judge prints them (no underscores, no "inf"/"nan" words).
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
TOLERANCE = 1e-6


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")]


def _tokens_equal(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.lower() in ("yes", "no") and a.lower() == b.lower():
        return True
    if _NUMBER.fullmatch(a) and _NUMBER.fullmatch(b):
        return math.isclose(float(a), float(b), rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return False


def _lines_equal(a: str, b: str) -> bool:
    if a == b:
        return True
    ta, tb = a.split(), b.split()
    return len(ta) == len(tb) and all(_tokens_equal(x, y) for x, y in zip(ta, tb))


def _clip(text: str, width: int = 40) -> str:
    return repr(text if len(text) <= width else text[:width] + "...")


def difference(actual: str, expected: str) -> str | None:
    """None if `actual` matches `expected`, else a short description of the first difference.

    Line endings and trailing whitespace are ignored, blank lines in the middle are not; tokens match
    exactly, as yes/no in any case, or as numbers within 1e-6 (absolute or relative).
    """
    got, want = _lines(actual), _lines(expected)
    for number, (g, w) in enumerate(zip(got, want), 1):
        if not _lines_equal(g, w):
            return f"line {number}: expected {_clip(w)}, got {_clip(g)}"
    if len(got) != len(want):
        return f"expected {len(want)} lines, got {len(got)}"
    return None
