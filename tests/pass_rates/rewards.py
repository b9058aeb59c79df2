"""Reward-batch rows as the reward stage writes them, from short tuples."""

import polars as pl


def rewards(rows):
    """rows: (row_index, sample_index, passed, outcome, answer[, response_tokens, finish_reason])"""
    return pl.DataFrame(
        [
            {
                "row_index": r,
                "row_id": str(r),
                "data_source": "math__t",
                "sample_index": s,
                "passed": p,
                "outcome": o,
                "answer": a,
                "response_tokens": rest[0] if rest else 5,
                "finish_reason": rest[1] if rest else "stop",
                "prompt_tokens": 10,
                "too_long": False,
                "score": float(p),
            }
            for r, s, p, o, a, *rest in rows
        ],
        schema_overrides={"answer": pl.String},
    )
