r"""Both graders on the generated pairs: ours (through ``grade``, as the scoring workers call it) and
Math-Verify as verl's ``verl/utils/reward_score/math_verify.py`` calls it (the gold wrapped in ``\boxed{}``,
LaTeX extraction for the gold, expression then LaTeX extraction for the response)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

from math_verify.metric import math_metric
from math_verify.parser import ExprExtractionConfig, LatexExtractionConfig

from ..helpers import outcome
from .forms import Pair, generate

logging.getLogger("math_verify").setLevel(logging.CRITICAL)

_VERL_METRIC = math_metric(
    gold_extraction_target=(LatexExtractionConfig(),),
    pred_extraction_target=(ExprExtractionConfig(), LatexExtractionConfig()),
)


def response(answer: str) -> str:
    return rf"The answer is $\boxed{{{answer}}}$."


def ours(gold: str, answer: str) -> bool:
    return outcome("math__differential", response(answer), gold) == "correct"


def math_verify(gold: str, answer: str) -> bool:
    """verl's ``compute_score``: any error or timeout scores 0."""
    try:
        return bool(_VERL_METRIC(["\\boxed{" + gold + "}"], [response(answer)])[0])
    except Exception:
        return False


@dataclass(frozen=True)
class Graded:
    pair: Pair
    ours: bool
    math_verify: bool


@cache
def graded() -> tuple[Graded, ...]:
    """Every generated pair with both verdicts (computed once per process)."""
    return tuple(Graded(p, ours(p.gold, p.answer), math_verify(p.gold, p.answer)) for p in generate())
