"""Differential test (issue 18): our math grader against the generated pairs' verdicts and against
Math-Verify as verl calls it. Every difference between the two graders must match a reviewed entry of
differential/reviewed_differences.yaml; per-family figures: ``python -m tests.verifiers.differential.report``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from .differential.forms import FAMILIES, generate
from .differential.grading import Graded, graded, math_verify, ours

REVIEWED = yaml.safe_load((Path(__file__).parent / "differential" / "reviewed_differences.yaml").read_text())
VERDICTS = {"correct": True, "wrong": False}


def matches(entry: dict, family: str, gold: str, answer: str, verdict: bool) -> bool:
    families = entry.get("family", family)
    return (
        VERDICTS[entry["ours"]] == verdict
        and family in ([families] if isinstance(families, str) else families)
        and all(re.search(entry[side], text) for side, text in (("gold", gold), ("answer", answer)) if side in entry)
        and ("either" not in entry or any(re.search(entry["either"], text) for text in (gold, answer)))
    )


def differences() -> list[Graded]:
    return [row for row in graded() if row.ours != row.math_verify]


def describe(rows: list[Graded]) -> str:
    return "\n".join(f"{r.pair.family}: {r.pair.gold!r} vs {r.pair.answer!r}: ours {r.ours}" for r in rows)


def test_corpus_is_large_and_mixed():
    pairs = generate()
    assert len(pairs) >= 1500 and pairs == generate()  # deterministic
    verdicts = Counter((p.family, p.correct) for p in pairs)
    assert all(verdicts[(family, True)] and verdicts[(family, False)] for family in FAMILIES), verdicts


def test_ours_gives_every_generated_verdict():
    wrong = [row for row in graded() if row.ours != row.pair.correct]
    assert not wrong, "ours disagrees with the generated verdict:\n" + describe(wrong)


def test_every_difference_from_math_verify_is_reviewed():
    unmatched = [
        row
        for row in differences()
        if not any(matches(entry, row.pair.family, row.pair.gold, row.pair.answer, row.ours) for entry in REVIEWED)
    ]
    assert not unmatched, "differences from Math-Verify without a reviewed entry:\n" + describe(unmatched)


@pytest.mark.parametrize("entry", REVIEWED, ids=[e["rule"] for e in REVIEWED])
def test_reviewed_entry_is_current(entry):
    assert {"rule", "why", "example", "ours"} <= set(entry) and entry["ours"] in VERDICTS
    assert {"family", "gold", "answer", "either"} & set(entry), "an entry needs a matcher"
    hits = [r for r in differences() if matches(entry, r.pair.family, r.pair.gold, r.pair.answer, r.ours)]
    assert hits, f"stale: {entry['rule']} matches no difference"
    gold, answer = entry["example"]["gold"], entry["example"]["answer"]
    verdict = ours(gold, answer)
    assert verdict != math_verify(gold, answer) and verdict == VERDICTS[entry["ours"]], "example is no difference"
    family = entry.get("family", "")
    assert matches(entry, family if isinstance(family, str) else family[0], gold, answer, verdict), "example unmatched"
