"""Reference check: run each code row's own solution (`extra_info.reference`) against its tests once.

A row whose reference fails has broken tests (or a broken reference); its pass rate says nothing about the
models, so the filter can drop or flag it (`filter.drop_broken_tests`).
"""

from __future__ import annotations

from ..verifiers.code_extract import extract_program, needed_names
from .executor import run_tests
from .limits import code_settings
from .result import SANDBOX_ERROR
from .suite import BadGroundTruth, from_ground_truth, program_text


def _no_reference(detail: str) -> dict:
    return {"has_reference": False, "reference_passed": None, "detail": detail}


def check_reference(row: dict, code_cfg: dict) -> dict:
    """{"has_reference", "reference_passed" (None when not run or the sandbox failed), "detail"} for one row."""
    extra_info = row.get("extra_info") or {}
    reference = extra_info.get("reference")
    if not str(row.get("data_source", "")).startswith("codegen"):
        return _no_reference("not a codegen row")
    if not isinstance(reference, str) or not reference.strip():
        return _no_reference("no reference solution")
    if not code_cfg["check_reference"]:
        return {"has_reference": True, "reference_passed": None, "detail": "reference check disabled"}
    try:
        suite = from_ground_truth((row.get("reward_model") or {}).get("ground_truth"))
    except BadGroundTruth as exc:
        return {"has_reference": True, "reference_passed": False, "detail": f"unusable ground truth: {exc}"}
    solution = extract_program(reference, needed_names(suite)) if "```" in reference else reference
    result = run_tests(program_text(solution or reference, suite, extra_info), suite, code_cfg)
    if result.status == SANDBOX_ERROR:
        return {"has_reference": True, "reference_passed": None, "detail": result.summary()}
    return {"has_reference": True, "reference_passed": result.passed, "detail": "reference " + result.summary()}


def check_references(rows: list[dict], code_cfg: dict) -> list[dict]:
    """check_reference for each row; `code_cfg` is the `reward.code` section (defaults filled if missing)."""
    code_cfg = code_settings({"code": code_cfg})
    return [check_reference(row, code_cfg) for row in rows]


def write_reference_check(dataset_path, out_path, code_cfg: dict) -> dict:
    """The reference_check stage: one row per codegen row with a reference, as Parquet; returns counts."""
    import polars as pl

    from .. import atomic, dataset

    rows = dataset.read_columns(dataset_path, ["data_source", "reward_model", "extra_info"])
    candidates = [(i, row) for i, row in enumerate(rows)
                  if str(row.get("data_source", "")).startswith("codegen")
                  and (row.get("extra_info") or {}).get("reference")]
    results = check_references([row for _, row in candidates], code_cfg)
    table = pl.DataFrame({
        "row_index": [i for i, _ in candidates],
        "row_id": [dataset.row_id(row.get("extra_info"), i) for i, row in candidates],
        "has_reference": [r["has_reference"] for r in results],
        "reference_passed": [r["reference_passed"] for r in results],
        "detail": [r["detail"] for r in results],
    }, schema={"row_index": pl.Int64, "row_id": pl.String, "has_reference": pl.Boolean, "reference_passed": pl.Boolean,
               "detail": pl.String})
    atomic.write_parquet(out_path, table.to_arrow())
    return {"checked": table.height, "failed": int((table["reference_passed"] == False).sum())}  # noqa: E712
