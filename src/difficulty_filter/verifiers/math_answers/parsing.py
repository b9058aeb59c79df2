r"""LaTeX -> sympy through math-verify, with guards against answers too costly to parse or evaluate.

math-verify's unit stripping is off (it removes any trailing ``t``, ``s``, ``m``..., so ``3t`` parsed as 3):
units are handled by .units where they are written as units. Its signal-based timeouts are off too: the
scoring pool bounds every call instead.
"""

from __future__ import annotations

import logging
import math
import re
from functools import lru_cache
from typing import Any

from latex2sympy2_extended import NormalizationConfig
from math_verify import LatexExtractionConfig
from math_verify import parse as mv_parse
from math_verify.grader import unwrap_fcs
from sympy import And, Intersection, Or, Union
from sympy.core.relational import Relational
from sympy.sets.sets import Set

from ..answer_extraction import MAX_PARSE_CHARS

logging.getLogger("math_verify").setLevel(logging.ERROR)  # "timeout disabled" warnings: the pool times us

_LATEX = (
    LatexExtractionConfig(
        normalization_config=NormalizationConfig(
            basic_latex=True, units=False, malformed_operators=True, nits=True, boxed="all", equations=False
        )
    ),
)
_TOWER_RE = re.compile(r"\d\s*\^\s*\{?\s*\d+\s*\^\s*\{?\s*\d")  # 9^{9^{9}}, 9^9^9 (not 2^{2^n})
_HUGE_RE = re.compile(r"\^\s*\{?\s*[-+]?\d{6,}|\d{6,}\s*!")  # x^{1000000}, 1000000!
_COMBINATORIAL_RE = re.compile(r"!|\\binom|\\choose|\\Gamma|\\sum|\\prod")
_POWER_RE = re.compile(r"(\d{1,5})\s*\^\s*\{?\s*(\d{1,5})")
_MAX_DEPTH = 16  # bracket nesting; the LaTeX parser slows down steeply with depth


@lru_cache(maxsize=8192)
def parse_latex(latex: str) -> tuple:
    """math-verify's parse of one answer, () when it fails (cached: each gold and common answer recur n times)."""
    return tuple(mv_parse(f"${latex}$", extraction_config=_LATEX, fallback_mode="no_fallback", parsing_timeout=None))


def too_costly(s: str) -> bool:
    """Cheap guards against answers whose parsing or evaluation could take seconds to forever."""
    if len(s) > MAX_PARSE_CHARS or _TOWER_RE.search(s) or _HUGE_RE.search(s) or _depth(s) > _MAX_DEPTH:
        return True
    # factorials, binomials, sums of huge numbers: (2^{64})!, \binom{10^9}{10^5}, \sum_{k=1}^{10^9} k^k
    return bool(_COMBINATORIAL_RE.search(s)) and any(
        int(exponent) * math.log10(max(int(base), 2)) >= 5 for base, exponent in _POWER_RE.findall(s)
    )


def _depth(s: str) -> int:
    depth = deepest = 0
    for c in s:
        if c in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in ")]}":
            depth -= 1
    return deepest


def real_set(latex: str) -> Set | None:
    """The set of reals an interval, union or one-variable inequality denotes (None for anything else)."""
    parsed = parse_latex(latex)
    expr: Any = parsed[0] if parsed else None
    if isinstance(expr, Set):
        return expr
    if isinstance(expr, (Relational, And, Or)) and len(expr.free_symbols) == 1:
        try:
            return unwrap_fcs(expr).as_set()
        except Exception:  # sympy cannot solve it: not a region we can compare
            return None
    return None


def combined(sets: list[Set], conjunctive: bool) -> Set:
    """Union (parts joined by "or" or commas) or intersection (joined by "and") of regions."""
    return Intersection(*sets) if conjunctive else Union(*sets)
