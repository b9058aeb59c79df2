"""Math answers in a form other than the gold's (issue 13): the hand-made corpus in math_forms.yaml.

Precision and recall per form (``correct`` is the positive class):

    python -m tests.verifiers.test_math_forms
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from .helpers import outcome

SRC = "math__forms"
CORPUS = [tuple(entry) for entry in yaml.safe_load((Path(__file__).parent / "math_forms.yaml").read_text())]


def graded(gold: str, answer: str) -> str:
    return outcome(SRC, rf"\boxed{{{answer}}}", gold)


@pytest.mark.parametrize("form,gold,answer,expected", CORPUS, ids=[f"{e[0]}:{e[1]}|{e[2]}" for e in CORPUS])
def test_form(form, gold, answer, expected):
    assert graded(gold, answer) == expected


def test_corpus_mixes_verdicts_in_every_form():
    assert len(CORPUS) >= 150
    verdicts: dict[str, set] = {}
    for form, _, _, expected in CORPUS:
        verdicts.setdefault(form, set()).add(expected)
    assert all(v == {"correct", "wrong"} for v in verdicts.values()), verdicts


def confusion() -> dict[str, Counter]:
    """Per form: tp, fp, fn, tn counts of the current verifier on the corpus."""
    counts: dict[str, Counter] = {}
    for form, gold, answer, expected in CORPUS:
        passed = graded(gold, answer) == "correct"
        key = ("tp" if passed else "fn") if expected == "correct" else ("fp" if passed else "tn")
        counts.setdefault(form, Counter())[key] += 1
        counts.setdefault("ALL", Counter())[key] += 1
    return counts


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "  -  "


if __name__ == "__main__":
    print(f"{'form':22} {'n':>4} {'tp':>3} {'fp':>3} {'fn':>3} {'tn':>3} {'precision':>9} {'recall':>7}")
    for form, c in sorted(confusion().items(), key=lambda item: (item[0] == "ALL", item[0])):
        print(
            f"{form:22} {sum(c.values()):>4} {c['tp']:>3} {c['fp']:>3} {c['fn']:>3} {c['tn']:>3} "
            f"{_ratio(c['tp'], c['tp'] + c['fp']):>9} {_ratio(c['tp'], c['tp'] + c['fn']):>7}"
        )
