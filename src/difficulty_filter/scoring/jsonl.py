"""Score a JSONL file of responses: each line comes back with score, passed, outcome, detail, answer, verifier.

Input lines: ``{"id", "data_source", "response", "ground_truth", "extra_info"}`` (+ optional
``finish_reason``). A malformed line gets ``outcome: "invalid_input"`` and a message, and the run goes
on; blank lines are skipped. The output keeps the input order and is written atomically.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import atomic
from ..outcomes import INVALID_INPUT, OUTCOMES, ScoreRequest, ScoreResult
from ..settings import RewardSettings
from . import open_pool

#: Lines scored per pool call (bounds memory on large files).
CHUNK_LINES = 4096


def score_jsonl(in_path: str | Path, out_path: str | Path, reward: RewardSettings) -> dict[str, int]:
    """Score `in_path` into `out_path`; return counts: total, passed, and one per outcome (+ invalid_input)."""
    counts: Counter = Counter({outcome: 0 for outcome in (*OUTCOMES, INVALID_INPUT)})
    with open_pool(reward) as pool, atomic.atomic_path(out_path) as tmp, open(tmp, "w", encoding="utf-8") as out:
        for chunk in _chunks(_records(Path(in_path))):
            requests = [request for _, request in chunk if isinstance(request, ScoreRequest)]
            results = iter(pool.score(requests))
            for record, request in chunk:
                if isinstance(request, ScoreRequest):
                    record.update(_fields(next(results)))
                else:
                    record.update(score=0.0, passed=False, outcome=INVALID_INPUT, detail=request)
                counts[record["outcome"]] += 1
                counts["passed"] += bool(record["passed"])
                out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    counts["total"] = sum(counts[o] for o in (*OUTCOMES, INVALID_INPUT))
    return dict(counts)


def _fields(result: ScoreResult) -> dict[str, Any]:
    return {
        "score": result.score,
        "passed": result.passed,
        "outcome": result.outcome,
        "detail": result.detail,
        "answer": result.answer,
        "verifier": result.verifier,
    }


def _records(path: Path) -> Iterator[tuple[dict, ScoreRequest | str]]:
    """(output record, request or the reason the line is invalid) per non-blank line."""
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                yield {"line": number}, f"line {number}: not JSON ({exc})"
                continue
            if not isinstance(record, dict):
                yield {"line": number}, f"line {number}: expected a JSON object, got {type(record).__name__}"
                continue
            yield record, _request(record, number)


def _request(record: dict, number: int) -> ScoreRequest | str:
    problems = [
        f"{key} must be a string" for key in ("data_source", "response") if not isinstance(record.get(key), str)
    ]
    if "ground_truth" not in record or record["ground_truth"] is None:
        problems.append("ground_truth is missing")
    extra_info = record.get("extra_info") or {}
    if not isinstance(extra_info, dict):
        problems.append("extra_info must be an object")
    finish_reason = record.get("finish_reason")
    if finish_reason is not None and not isinstance(finish_reason, str):
        problems.append("finish_reason must be a string")
    if problems:
        return f"line {number}: " + "; ".join(problems)
    return ScoreRequest(record["data_source"], record["response"], record["ground_truth"], extra_info, finish_reason)


def _chunks(items: Iterator, size: int = CHUNK_LINES) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
