"""Reference check: each codegen row's own solution (`extra_info.reference`) graded like a response.

A row whose reference fails its tests has broken tests (or a broken reference); its pass rate says nothing
about the models, so the filter can drop or flag it (`filter.drop_broken_tests`). The reference goes through
the codegen verifier and the scoring pool exactly as a model's response does.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .. import atomic
from ..outcomes import CORRECT, SANDBOX_ERROR, ScoreRequest, ScoreResult
from ..settings import RewardSettings, as_dict
from ..verifiers.registry import VERIFIER_VERSIONS
from . import score_requests

SCHEMA = {
    "row_index": pl.Int64,
    "row_id": pl.String,
    "has_reference": pl.Boolean,
    "reference_passed": pl.Boolean,
    "detail": pl.String,
}


def triggers(reward: RewardSettings) -> dict:
    """Settings that change the reference check's results."""
    return {"code": as_dict(reward.code), "codegen": VERIFIER_VERSIONS["codegen"]}


def as_response(reference: str) -> str:
    """The reference as a model would write it: in a python fence unless it already has one."""
    return reference if "```" in reference else f"```python\n{reference}\n```"


def passed_of(result: ScoreResult) -> bool | None:
    """True/False when the sandbox judged the reference, None when the sandbox itself failed."""
    return None if result.outcome == SANDBOX_ERROR else result.outcome == CORRECT


def check_references(rows: list[dict], reward: RewardSettings) -> list[dict]:
    """{"reference_passed", "detail"} per codegen row that has a reference (dataset rows as dicts)."""
    if not reward.code.check_reference:
        return [{"reference_passed": None, "detail": "reference check disabled"} for _ in rows]
    requests = [
        ScoreRequest(
            row["data_source"],
            as_response(row["extra_info"]["reference"]),
            row["reward_model"]["ground_truth"],
            row["extra_info"],
        )
        for row in rows
    ]
    return [
        {"reference_passed": passed_of(r), "detail": f"reference {r.outcome}: {r.detail}"}
        for r in score_requests(requests, reward)
    ]


def write_reference_check(
    dataset_path: str | Path, index: pl.DataFrame, out_path: str | Path, reward: RewardSettings
) -> dict:
    """The reference_check stage: one row per codegen row with a reference, as Parquet; returns counts."""
    candidates = index.filter(pl.col("has_reference") & (pl.col("verifier") == "codegen"))
    positions = candidates["row_index"].to_list()
    rows = (
        pl.scan_parquet(dataset_path)
        .with_row_index("row_index")
        .filter(pl.col("row_index").is_in(positions))
        .select("data_source", "reward_model", "extra_info")
        .collect()
        .to_dicts()
    )
    results = check_references(rows, reward)
    table = pl.DataFrame(
        {
            "row_index": positions,
            "row_id": candidates["row_id"].to_list(),
            "has_reference": [True] * len(positions),
            "reference_passed": [r["reference_passed"] for r in results],
            "detail": [r["detail"] for r in results],
        },
        schema=SCHEMA,
    )
    atomic.write_parquet(out_path, table.to_arrow())
    return {"checked": table.height, "failed": int((~table["reference_passed"].fill_null(True)).sum())}
