r"""Properties of the math grader over the generated corpus (differential/forms.py), table-driven (hypothesis is
not a dependency): swapping gold and answer, and rewrapping either side (``$...$``, ``\[...\]``, ``\left(``,
``\dfrac``, a trailing period, thousands separators, the same unit on both sides), never change the verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from difficulty_filter.verifiers.math_answers.normalize import clean
from difficulty_filter.verifiers.math_answers.structure import SINGLE, split_parts

from .differential.grading import Graded, graded, ours

PER_TRANSFORM = 60  # pairs checked per transform and side (spread over the corpus)
_INTEGER_RE = re.compile(r"(?<![\d.])\d{4,}(?!\d)")
_ONE_WAY_RE = re.compile(r"\d+\.\d{4,}")  # a decimal for an irrational gold is accepted one way only


def regrouped(text: str, separator: str) -> str:
    """`text` with `separator` between the thousands of every integer of 4+ digits (a plain comma only outside
    brackets, where the grader reads it as a separator)."""

    def group(match: re.Match) -> str:
        before = text[: match.start()]
        if separator == "," and sum(before.count(c) for c in "([{") > sum(before.count(c) for c in ")]}"):
            return match.group(0)
        return f"{int(match.group(0)):,}".replace(",", separator)

    return _INTEGER_RE.sub(group, text)


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "dollars": lambda s: f"${s}$",
    "display": lambda s: rf"\[{s}\]",
    "left_right": lambda s: s.replace("(", r"\left(").replace(")", r"\right)"),
    "dfrac": lambda s: s.replace(r"\frac", r"\dfrac"),
    "period": lambda s: s if s.endswith(".") else s + ".",
    "thin_space": lambda s: regrouped(s, r"\,"),
    "negative_space": lambda s: regrouped(s, r"\!"),
    "comma_negative_space": lambda s: regrouped(s, r",\!"),
    "braced_comma": lambda s: regrouped(s, "{,}"),
    "comma": lambda s: regrouped(s, ","),
}
UNITS = (r"\text{ cm}", r"\textnormal{ miles}", r"\mathrm{kg}", r"\textbf{ meters}")


def spread(rows: list[Graded], k: int) -> list[Graded]:
    """At most `k` rows, evenly spaced over `rows` (deterministic)."""
    return rows[:: max(1, len(rows) // k)][:k]


def changed_verdicts(rows: list[Graded], rewrite: Callable[[str, str], tuple[str, str]]) -> list[str]:
    out = []
    for row in rows:
        gold, answer = rewrite(row.pair.gold, row.pair.answer)
        if ours(gold, answer) != row.ours:
            out.append(f"{row.pair.gold!r} vs {row.pair.answer!r} -> {gold!r} vs {answer!r}: no longer {row.ours}")
    return out


def test_swapping_sides_keeps_the_verdict():
    verdicts = {(r.pair.gold, r.pair.answer): r.ours for r in graded()}
    swapped = [
        f"{gold!r} vs {answer!r}: {verdict}, swapped {verdicts[(answer, gold)]}"
        for (gold, answer), verdict in verdicts.items()
        if (answer, gold) in verdicts and verdict != verdicts[(answer, gold)] and not _ONE_WAY_RE.fullmatch(answer)
    ]
    assert len(verdicts) > 1000 and not swapped, "\n".join(swapped)


@pytest.mark.parametrize("side", ["gold", "answer"])
@pytest.mark.parametrize("name", TRANSFORMS)
def test_rewrapping_a_side_keeps_the_verdict(name, side):
    transform = TRANSFORMS[name]
    on_gold = side == "gold"
    rows = spread([r for r in graded() if transform(_side(r, on_gold)) != _side(r, on_gold)], PER_TRANSFORM)
    assert len(rows) >= 20, f"{name} rewrites too few pairs"
    changed = changed_verdicts(rows, lambda g, a: (transform(g), a) if on_gold else (g, transform(a)))
    assert not changed, "\n".join(changed)


def _side(row: Graded, gold: bool) -> str:
    return row.pair.gold if gold else row.pair.answer


def _plain_value(text: str) -> bool:
    cleaned = clean(text)
    return split_parts(cleaned).kind == SINGLE and not re.search(r"\\text|\\mathrm|%|\\circ|=|\\pi|[a-z]$", cleaned)


@pytest.mark.parametrize("unit", UNITS)
def test_the_same_unit_on_both_sides_keeps_the_verdict(unit):
    rows = spread([r for r in graded() if _plain_value(r.pair.gold) and _plain_value(r.pair.answer)], PER_TRANSFORM)
    assert len(rows) >= 50
    changed = changed_verdicts(rows, lambda g, a: (f"{g} {unit}", f"{a}{unit}"))
    assert not changed, "\n".join(changed)
