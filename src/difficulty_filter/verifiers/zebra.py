r"""Zebra puzzles: a ``{"header": [...], "rows": [[...]]}`` table in the last ``<answer>`` tag, graded per cell.

Cells compare case- and type-insensitively (``"1" == 1``, ``"British" == "british"``); columns are
matched by header name when the answer gives a permuted header, rows by their first cell when the
answer lists them in another order. Score = share of right cells (rows beyond the truth's count as
wrong); ``correct`` only when all are right.
"""

from __future__ import annotations

from typing import Any

from ..outcomes import CORRECT, NO_ANSWER, WRONG, Verdict
from ..settings import RewardSettings
from .answer_extraction import tagged_answer
from .literals import balanced_spans, literal_or_none, strip_fence, structured_truth


def verify(response: str, ground_truth: Any, extra_info: dict, settings: RewardSettings) -> Verdict:
    """Grade a zebra-puzzle response with partial credit."""
    truth = structured_truth(ground_truth)
    if not (
        isinstance(truth, dict)
        and isinstance(truth.get("header"), list)
        and isinstance(truth.get("rows"), list)
        and truth["rows"]
        and all(isinstance(r, list) and len(r) == len(truth["header"]) for r in truth["rows"])
    ):
        raise ValueError(f"ground truth is not a zebra table {{header, rows}}: {str(ground_truth)[:80]!r}")
    content = tagged_answer(response)
    if content is None:
        return Verdict(0.0, NO_ANSWER, "no <answer> tag")
    rows = _answer_rows(_answer_value(content), truth["header"])
    if rows is None:
        return Verdict(0.0, NO_ANSWER, "answer is not a table", content[:200])
    right, total = _right_cells(rows, truth)
    return Verdict(right / total, CORRECT if right == total else WRONG, f"{right}/{total} cells right", content[:200])


def _answer_value(content: str) -> Any:
    value = literal_or_none(strip_fence(content))
    if value is None:
        spans = balanced_spans(content)
        value = literal_or_none(spans[-1]) if spans else None
    return value


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()).lower()


def _answer_rows(value: Any, header: list) -> list[list[str]] | None:
    """The answer's rows as lists of normalized cells in the truth's column order (None if no table)."""
    answer_header = None
    if isinstance(value, dict):
        answer_header, value = value.get("header"), value.get("rows")
    if not isinstance(value, list) or not all(isinstance(r, (list, dict)) for r in value):
        return None
    names = [_cell(h) for h in header]
    order = list(range(len(names)))
    if isinstance(answer_header, list) and sorted(map(_cell, answer_header)) == sorted(names):
        given = [_cell(h) for h in answer_header]
        order = [given.index(name) for name in names]
    rows = []
    for row in value:
        if isinstance(row, dict):
            by_name = {_cell(k): v for k, v in row.items()}
            rows.append([_cell(by_name[n]) if n in by_name else None for n in names])
        else:
            rows.append([_cell(row[j]) if j < len(row) else None for j in order])
    return rows


def _right_cells(rows: list[list[str | None]], truth: dict) -> tuple[int, int]:
    expected = [[_cell(c) for c in row] for row in truth["rows"]]
    keys = [row[0] for row in expected]
    given_keys = [row[0] for row in rows]
    if len(set(keys)) == len(keys) and len(set(given_keys)) == len(given_keys) and set(given_keys) <= set(keys):
        by_key = dict(zip(given_keys, rows))
        rows = [by_key.get(key, []) for key in keys]
    right = sum(
        1
        for i, row in enumerate(expected)
        if i < len(rows)
        for j, cell in enumerate(row)
        if j < len(rows[i]) and rows[i][j] == cell
    )
    return right, max(len(expected), len(rows)) * len(expected[0])  # extra rows count as wrong
