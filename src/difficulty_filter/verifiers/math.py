r"""Math: the last ``\boxed{}`` after the reasoning, compared with math-verify.

Extra rules on top of math-verify, each one a fix for a known false verdict:
- textual ground truths (``\text{odd}``, ``Monday``) are compared as normalized text, never as symbol
  products (math-verify says ``no == on``);
- exact rational values must be exactly equal (math-verify's 15-digit numeric check says
  ``1/2004! == 1/2006!``);
- a decimal with >= 4 significant digits that rounds or truncates an irrational ground truth is accepted
  (``6.28318`` for ``2\pi``), rationals still need the exact value (``0.3333`` is not ``1/3``);
- answers too large to evaluate (``9^{9^{9}}``, 1 MB of digits) are compared as text only;
- an AMC-style ``\textbf{(C)}\ 12`` counts when either its letter or its value is the truth.
Identical strings and plain integers are decided without parsing (the common, fast case).
math-verify's own signal-based timeouts are disabled: the scoring pool bounds every call instead.
"""

from __future__ import annotations

import logging
import math
import re
from functools import lru_cache
from typing import Any

from math_verify import LatexExtractionConfig
from math_verify import parse as mv_parse
from math_verify import verify as mv_verify
from sympy import Basic, Float, Mul, Rational, UnevaluatedExpr

from ..outcomes import NO_ANSWER, Verdict, binary_verdict
from .answer_extraction import MAX_PARSE_CHARS, boxed_answers, final_text, last_boxed
from .quantities import parse_number
from .text_forms import normalize_text, unwrap_text

logging.getLogger("math_verify").setLevel(logging.ERROR)  # "timeout disabled" warnings: the pool times us

_LATEX = (LatexExtractionConfig(),)
_TOWER_RE = re.compile(r"\d\s*\^\s*\{?\s*\d+\s*\^\s*\{?\s*\d")  # 9^{9^{9}}, 9^9^9 (not 2^{2^n})
_HUGE_RE = re.compile(r"\^\s*\{?\s*[-+]?\d{6,}|\d{6,}\s*!")      # x^{1000000}, 1000000!
_COMBINATORIAL_RE = re.compile(r"!|\\binom|\\choose|\\Gamma|\\sum|\\prod")
_POWER_RE = re.compile(r"(\d{1,5})\s*\^\s*\{?\s*(\d{1,5})")
_MAX_DEPTH = 16  # bracket nesting; the LaTeX parser slows down steeply with depth
_TEXT_RE = re.compile(r"[A-Za-z][A-Za-z\s'-]*\.?")
_OPTION_LABEL_RE = re.compile(r"\s*(?:\\textbf\{\s*)?\(([A-E])\)\s*\}?\s*(?:\\[ ,;:]|~)?\s*(\S.*)", re.DOTALL)
_DECIMAL_RE = re.compile(r"-?(\d+)\.(\d+)")
_NOISE_RE = re.compile(r"\\(?:left|right|displaystyle)(?![A-Za-z])|\\[,;:! ]|\s+|\$")
_MIN_APPROX_DIGITS = 4
_PERCENT = UnevaluatedExpr(Rational(1, 100))


def verify(response: str, ground_truth: Any, extra_info: dict, settings: dict) -> Verdict:
    """Grade a math response; every ``reward_metric`` uses this rule-based check."""
    answers = list(dict.fromkeys(boxed_answers(final_text(response))))
    if not answers:
        return Verdict(0.0, NO_ANSWER, "no \\boxed{} answer after the reasoning")
    answer = ", ".join(answers)
    truth = truth_text(ground_truth)
    same, why = compare(truth, answer)
    label = _OPTION_LABEL_RE.fullmatch(answer)
    if not same and label:  # "\textbf{(C)}\ 12": the option letter or the value may be the truth
        same = any(compare(truth, part)[0] for part in label.groups())
        why = "option letter or value matches" if same else why
    return binary_verdict(same, why, answer)


def truth_text(ground_truth: Any) -> str:
    r"""The ground truth as one LaTeX string (lists are joined; a boxed truth is unboxed)."""
    if isinstance(ground_truth, (list, tuple)) or hasattr(ground_truth, "tolist"):
        items = list(ground_truth.tolist() if hasattr(ground_truth, "tolist") else ground_truth)
        return ", ".join(str(x) for x in items)
    text = str(ground_truth)
    return last_boxed(text) or text.strip()


def equivalent(truth: str, answer: str) -> bool:
    """True when `answer` states the same mathematical object as `truth`."""
    return compare(truth, answer)[0]


def compare(truth: str, answer: str) -> tuple[bool, str]:
    """(equivalent?, short reason)."""
    if _canonical(truth) == _canonical(answer):
        return True, "same expression"
    if _too_costly(answer) or _too_costly(truth):
        return False, "answer too large to evaluate; differs as text"
    integers = _integer(truth), _integer(answer)
    if None not in integers:  # fast exact path for the most common answer type
        same = integers[0] == integers[1]
        return same, "same integer" if same else "different integer"
    if _is_text(truth):
        same = normalize_text(truth) == normalize_text(answer)
        return same, "same text" if same else "text differs"
    gold, pred = _parse(truth), _parse(answer)
    if not gold:
        return False, "ground truth not parseable; differs as text"
    if not pred:
        return False, "answer not parseable"
    if mv_verify(list(gold), list(pred), timeout_seconds=None):
        if _exact_mismatch(gold[0], pred[0]):
            return False, "different exact values"
        return True, "equivalent"
    if _approximates(gold[0], answer):
        return True, "decimal approximation of an irrational value"
    return False, "not equivalent"


def _canonical(s: str) -> str:
    s = unwrap_text(_NOISE_RE.sub("", s)).replace("dfrac", "frac").replace("tfrac", "frac")
    return s.rstrip(".")


def _integer(s: str) -> int | None:
    number = parse_number(s)
    if number is None or number.quantum is not None or number.percent or number.value.denominator != 1:
        return None
    return int(number.value)


def _is_text(truth: str) -> bool:
    """A word answer (two or more letters, no digits or LaTeX commands left after unwrapping)."""
    plain = unwrap_text(truth)
    return _TEXT_RE.fullmatch(plain) is not None and sum(c.isalpha() for c in plain) >= 2


def _too_costly(s: str) -> bool:
    """Cheap guards against answers whose parsing or evaluation could take seconds to forever."""
    if len(s) > MAX_PARSE_CHARS or _TOWER_RE.search(s) or _HUGE_RE.search(s) or _depth(s) > _MAX_DEPTH:
        return True
    # factorials, binomials, sums of huge numbers: (2^{64})!, \binom{10^9}{10^5}, \sum_{k=1}^{10^9} k^k
    return bool(_COMBINATORIAL_RE.search(s)) and any(
        int(exponent) * math.log10(max(int(base), 2)) >= 5 for base, exponent in _POWER_RE.findall(s))


def _depth(s: str) -> int:
    depth = deepest = 0
    for c in s:
        if c in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in ")]}":
            depth -= 1
    return deepest


@lru_cache(maxsize=8192)
def _parse(latex: str) -> tuple:
    """math-verify parse of one answer (cached: each ground truth and common answer recur n times)."""
    latex = latex.replace("\\$", "").replace("$", "")
    return tuple(mv_parse(f"${latex}$", extraction_config=_LATEX, fallback_mode="no_fallback",
                          parsing_timeout=None))


def _exact_values(expr: Any) -> set:
    """The exact rational values an expression denotes (a percentage denotes two), else empty."""
    if not isinstance(expr, Basic) or expr.free_symbols or expr.atoms(Float):
        return set()
    forms = [expr]
    if isinstance(expr, Mul) and len(expr.args) == 2 and expr.args[1] == _PERCENT:
        forms.append(expr.args[0])
    values = set()
    for form in forms:
        value = form.doit()
        if value.is_Rational:
            values.add(value)
    return values


def _exact_mismatch(gold: Any, pred: Any) -> bool:
    gold_values, pred_values = _exact_values(gold), _exact_values(pred)
    return bool(gold_values and pred_values and not gold_values & pred_values)


def _approximates(gold: Any, answer: str) -> bool:
    """`answer` is a decimal with enough digits that rounds or truncates an exact irrational `gold`."""
    match = _DECIMAL_RE.fullmatch(_canonical(answer))
    if match is None or len((match.group(1) + match.group(2)).lstrip("0")) < _MIN_APPROX_DIGITS:
        return False
    if not isinstance(gold, Basic) or gold.free_symbols or gold.atoms(Float) or not gold.is_number \
            or gold.is_rational is not False:
        return False
    value = gold.evalf(30)
    if not value.is_real:
        return False
    return abs(Float(match.group(0), 30) - value) < Rational(1, 10 ** len(match.group(2)))
