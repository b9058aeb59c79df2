r"""Is an answer the same mathematical object as the ground truth? Rules, in order:

1. identical text (after removing spacing and ``\dfrac``-style variants) matches; answers too large to
   evaluate are compared as text only; two integers are compared exactly;
2. a textual ground truth (``\text{odd}``, ``Monday``) is compared as normalized text, never as a product of
   symbols (math-verify says ``no == on``);
3. lists (see .structure; two pairs ``(a, b)`` compare as lists, points and open intervals alike): parts
   with the same labels on both sides are paired by label; otherwise tuples, a question that asks for an
   order, one labelled side (its variables taken alphabetically: ``y = 3, x = 4`` is ``4, 3``), and a gold
   that repeats values outside ascending order (``7, 2, 2, 5``) make the list ordered; sets (``\{\}``)
   ignore order and repeats, and never equal tuples or labelled lists; any other bare list ignores order
   but not repeats (``2, 5, 7`` is not ``7, 2, 2, 5``); inequalities joined by "or" are the union of their
   ranges ("and": the intersection) and compare with intervals and set-builder sets;
4. one value: a percentage and a number match when the number is the percentage's number or its hundredth
   (``12.5\%`` is ``12.5`` and ``0.125``); units only where written as units, degrees vs radians (see
   .units), then math-verify, with exact rational values required to be exactly equal (its 15-digit check
   says ``1/2004! == 1/2006!``) and a decimal with >= 4 significant digits accepted for an irrational gold
   it rounds or truncates (``6.28318`` for ``2\pi``; ``0.3333`` is still not ``1/3``);
5. a gold the parser rejects (after the clean-up) is compared as normalized text.

A mismatch is *conclusive* when both sides parsed to objects of one kind (two numbers or expressions, two
sets, two tuples...); parse failures, text answers and mismatched kinds are not, and only those may go to
the optional judge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from math_verify import verify as mv_verify
from sympy import Basic, Float, MatrixBase, Mul, Rational, Tuple, UnevaluatedExpr
from sympy.core.relational import Relational
from sympy.logic.boolalg import BooleanFunction
from sympy.sets.sets import Set

from ..quantities import parse_number
from ..text_forms import normalize_text, unwrap_text
from .normalize import clean
from .parsing import combined, parse_latex, real_set, too_costly
from .structure import PAIR, SET, TUPLE, Part, Parts, is_inequality, split_parts
from .units import DEGREES, in_radians, measure, mentions_pi, scaled, split_unit, without_bare_unit

_TEXT_RE = re.compile(r"[A-Za-z][A-Za-z\s'-]*\.?")
_DECIMAL_RE = re.compile(r"-?(\d+)\.(\d+)")
_NOISE_RE = re.compile(r"\\(?:left|right|displaystyle)(?![A-Za-z])|\\[,;:! ]|\s+|\$")
_LOOSE_NOISE_RE = re.compile(r"[{}\s*]|\\cdot(?![A-Za-z])|\\[,;:! ]")
_VARIABLE_RE = re.compile(r"[A-Za-z]")
_MIN_APPROX_DIGITS = 4
_MAX_LIST = 64  # longer lists are compared part by part as text only
_PERCENT = UnevaluatedExpr(Rational(1, 100))


@dataclass(frozen=True)
class Comparison:
    """Whether the answer states the gold, why, and whether a mismatch is certain (see the module docstring)."""

    same: bool
    reason: str
    conclusive: bool = True


def compare(truth: str, answer: str, ordered: bool = False) -> Comparison:
    """Grade `answer` against `truth`; `ordered`: the question asks for the values in order."""
    if canonical(truth) == canonical(answer):
        return Comparison(True, "same expression")
    if too_costly(answer) or too_costly(truth):
        return Comparison(False, "answer too large to evaluate; differs as text")
    gold, pred = clean(truth), clean(answer)
    fast = _fast(gold, pred)
    if fast is not None:
        return fast
    if _is_text(gold):
        same = normalize_text(gold) == normalize_text(pred)
        return Comparison(same, "same text" if same else "text differs", conclusive=False)
    gold_parts, pred_parts = split_parts(gold), split_parts(pred)
    if gold_parts.is_list or pred_parts.is_list or gold_parts.kind == pred_parts.kind == PAIR:
        return _compare_lists(gold_parts, pred_parts, ordered)
    result = _compare_values(gold_parts.value, pred_parts.value)
    if not result.same and (gold_parts.value, pred_parts.value) != (gold, pred):
        whole = _compare_values(gold, pred)  # a dropped label may be half of an equation: y = 2x vs 2x - y = 0
        return whole if whole.same else result
    return result


def canonical(s: str) -> str:
    """`s` without spacing, delimiters and ``\\dfrac``/``\\tfrac`` variants (identical answers match fast)."""
    s = unwrap_text(_NOISE_RE.sub("", s)).replace("dfrac", "frac").replace("tfrac", "frac")
    return s.rstrip(".")


def _fast(gold: str, pred: str) -> Comparison | None:
    """The verdict on identical texts, two integers (the common cases) or a percentage and a number, else None."""
    if canonical(gold) == canonical(pred):
        return Comparison(True, "same expression")
    integers = _integer(gold), _integer(pred)
    if None not in integers:
        same = integers[0] == integers[1]
        return Comparison(same, "same integer" if same else "different integer")
    if "%" in gold or "%" in pred or "percent" in gold or "percent" in pred:
        numbers = parse_number(gold), parse_number(pred)
        if None not in numbers and (numbers[0].percent or numbers[1].percent):
            same = bool(set(numbers[0].candidates()) & set(numbers[1].candidates()))
            return Comparison(same, "same percentage" if same else "different percentage")
    return None


def _integer(s: str) -> int | None:
    number = parse_number(s)
    if number is None or number.quantum is not None or number.percent or number.value.denominator != 1:
        return None
    return int(number.value)


def _is_text(truth: str) -> bool:
    """A word answer (two or more letters, no digits or LaTeX commands left after unwrapping)."""
    plain = unwrap_text(truth)
    return _TEXT_RE.fullmatch(plain) is not None and sum(c.isalpha() for c in plain) >= 2


# ------------------------------------------------------------------------------------------------- lists


def _compare_lists(gold: Parts, pred: Parts, ordered: bool) -> Comparison:
    if all(is_inequality(p.value) for p in gold.items) or all(is_inequality(p.value) for p in pred.items):
        regions = _regions(gold, pred)
        if regions is not None:
            return regions
    kinds = {gold.kind, pred.kind}
    if SET in kinds and (kinds & {TUPLE, PAIR} or gold.labels or pred.labels):
        return Comparison(False, "a set is not a tuple", conclusive=False)
    gold_items, pred_items = gold.items, pred.items
    if SET in kinds:
        gold_items, pred_items = _distinct(gold_items), _distinct(pred_items)
    if gold.labels and pred.labels and set(gold.labels) == set(pred.labels):
        by_label = {p.label: p for p in pred_items}
        return _pairwise([(g, by_label[g.label]) for g in gold_items], "same value for every label")
    if len(gold_items) != len(pred_items):
        return Comparison(False, f"{len(pred_items)} values, {len(gold_items)} expected")
    if len(gold_items) > _MAX_LIST:
        same = [canonical(g.value) for g in gold_items] == [canonical(p.value) for p in pred_items]
        return Comparison(same, "long list compared as text")
    if _is_ordered(gold, pred, ordered):
        return _pairwise(list(zip(_in_label_order(gold_items), _in_label_order(pred_items))), "same values in order")
    return _matched(gold_items, pred_items)


def _regions(gold: Parts, pred: Parts) -> Comparison | None:
    """Compare two unions / intersections of ranges of the reals; None when a side is not one."""
    sets = []
    for parts in (gold, pred):
        regions = [real_set(p.value) for p in parts.items]
        if None in regions:
            return None
        sets.append(combined(regions, parts.conjunctive))
    try:
        same = sets[0] == sets[1] or bool(sets[0].symmetric_difference(sets[1]).is_empty)
    except Exception:  # sympy could not decide: let the value rules try
        return None
    return Comparison(same, "same range" if same else "different range")


def _distinct(items: tuple[Part, ...]) -> tuple[Part, ...]:
    seen: dict[str, Part] = {}
    for item in items:
        seen.setdefault(canonical(item.value), item)
    return tuple(seen.values())


def _is_ordered(gold: Parts, pred: Parts, asked: bool) -> bool:
    """Whether list order counts (see rule 3 of the module docstring)."""
    kinds = {gold.kind, pred.kind}
    if SET in kinds:
        return False
    if asked or kinds & {TUPLE, PAIR} or bool(gold.labels) != bool(pred.labels) or gold.labels:
        return True
    return _unsorted_repeats(gold.items)


def _in_label_order(items: tuple[Part, ...]) -> tuple[Part, ...]:
    """Parts labelled by variable names (``y = 3, x = 4``) in alphabetical order, the order a plain gold
    list lists variables in; other parts as written."""
    labels = [p.label for p in items]
    if None in labels or not all(_VARIABLE_RE.fullmatch(label) for label in labels):
        return items
    return tuple(sorted(items, key=lambda p: p.label))


def _unsorted_repeats(items: tuple[Part, ...]) -> bool:
    """A gold that repeats a value outside ascending order is a sequence (``7, 2, 2, 5``), not a collection."""
    texts = [canonical(p.value) for p in items]
    if len(set(texts)) == len(texts):
        return False
    numbers = [parse_number(p.value) for p in items]
    if None in numbers:
        return True
    values = [n.value for n in numbers]
    return values != sorted(values)


def _pairwise(pairs: list[tuple[Part, Part]], agreed: str) -> Comparison:
    results = [_compare_values(g.value, p.value) for g, p in pairs]
    for k, result in enumerate(results):
        if not result.same:
            return Comparison(False, f"value {k + 1}: {result.reason}", all(r.same or r.conclusive for r in results))
    return Comparison(True, agreed)


def _matched(gold: tuple[Part, ...], pred: tuple[Part, ...]) -> Comparison:
    """Each gold value matched to a different answer value, in any order."""
    unmatched, certain = list(pred), True
    for g in gold:
        for p in unmatched:
            result = _compare_values(g.value, p.value)
            if result.same:
                unmatched.remove(p)
                break
            certain = certain and result.conclusive
        else:
            return Comparison(False, f"no answer value matches {g.value[:40]}", certain)
    return Comparison(True, "same values")


# ------------------------------------------------------------------------------------------------ values


def _compare_values(gold: str, pred: str) -> Comparison:
    """One value against one value: units, angles, then math-verify with the exactness rules."""
    (gold, gold_unit), (pred, pred_unit) = split_unit(gold), split_unit(pred)
    if gold_unit and not pred_unit:
        pred = without_bare_unit(pred)
    elif pred_unit and not gold_unit:
        gold = without_bare_unit(gold)
    if (gold_unit == DEGREES) != (pred_unit == DEGREES):
        if gold_unit == DEGREES and mentions_pi(pred):
            gold = in_radians(gold)
        elif pred_unit == DEGREES and mentions_pi(gold):
            pred = in_radians(pred)
    elif gold_unit and pred_unit and gold_unit != pred_unit:
        sizes = measure(gold_unit), measure(pred_unit)
        if None not in sizes:
            if sizes[0][0] != sizes[1][0]:
                return Comparison(False, f"{pred_unit} is not a unit of the same kind as {gold_unit}")
            gold, pred = scaled(gold, sizes[0][1]), scaled(pred, sizes[1][1])
    fast = _fast(gold, pred)
    if fast is not None:
        return fast
    gold_expr, pred_expr = parse_latex(gold), parse_latex(pred)
    if not gold_expr:
        same = _LOOSE_NOISE_RE.sub("", canonical(gold)) == _LOOSE_NOISE_RE.sub("", canonical(pred))
        return Comparison(
            same, "ground truth not parseable; " + ("same text" if same else "differs as text"), conclusive=False
        )
    if not pred_expr:
        return Comparison(False, "answer not parseable", conclusive=False)
    if mv_verify(list(gold_expr), list(pred_expr), timeout_seconds=None, allow_set_relation_comp=True):
        if _exact_mismatch(gold_expr[0], pred_expr[0]):
            return Comparison(False, "different exact values")
        return Comparison(True, "equivalent")
    if _approximates(gold_expr[0], pred):
        return Comparison(True, "decimal approximation of an irrational value")
    return Comparison(False, "not equivalent", conclusive=_kind(gold_expr[0]) == _kind(pred_expr[0]))


def _kind(expr: Any) -> str:
    """The family of a parsed value: mismatches across families are not conclusive."""
    if isinstance(expr, MatrixBase):
        return "matrix"
    if isinstance(expr, Tuple):
        return f"tuple of {len(expr)}"
    if isinstance(expr, (Set, Relational, BooleanFunction)):
        return "range or set"
    return "expression" if isinstance(expr, Basic) else "text"


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
    match = _DECIMAL_RE.fullmatch(canonical(answer))
    if match is None or len((match.group(1) + match.group(2)).lstrip("0")) < _MIN_APPROX_DIGITS:
        return False
    if (
        not isinstance(gold, Basic)
        or gold.free_symbols
        or gold.atoms(Float)
        or not gold.is_number
        or gold.is_rational is not False
    ):
        return False
    value = gold.evalf(30)
    if not value.is_real:
        return False
    return abs(Float(match.group(0), 30) - value) < Rational(1, 10 ** len(match.group(2)))
