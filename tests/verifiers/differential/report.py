"""Per-family precision and recall of ours and Math-Verify on the generated corpus (``correct`` positive).

python -m tests.verifiers.differential.report [--misses]
"""

from __future__ import annotations

import sys
from collections import Counter

from .grading import Graded, graded


def confusion(rows: tuple[Graded, ...], grader: str) -> dict[str, Counter]:
    """Per family (and ``all``): tp, fp, fn, tn of `grader` ("ours" or "math_verify")."""
    counts: dict[str, Counter] = {}
    for row in rows:
        passed = getattr(row, grader)
        key = ("tp" if passed else "fn") if row.pair.correct else ("fp" if passed else "tn")
        for family in (row.pair.family, "all"):
            counts.setdefault(family, Counter())[key] += 1
    return counts


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "-"


def table(rows: tuple[Graded, ...]) -> str:
    ours, theirs = confusion(rows, "ours"), confusion(rows, "math_verify")
    lines = [
        "| form | n | ours: precision | ours: recall | Math-Verify: precision | Math-Verify: recall |",
        "|---|---|---|---|---|---|",
    ]
    for family in sorted(ours, key=lambda f: (f == "all", f)):
        cells = [family, str(sum(ours[family].values()))]
        for c in (ours[family], theirs[family]):
            cells += [_ratio(c["tp"], c["tp"] + c["fp"]), _ratio(c["tp"], c["tp"] + c["fn"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    rows = graded()
    print(table(rows))
    if "--misses" in argv:
        for row in rows:
            if row.ours != row.pair.correct:
                print(f"ours {'passes' if row.ours else 'fails'}: {row.pair}")


if __name__ == "__main__":
    main(sys.argv[1:])
