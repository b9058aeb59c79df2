"""Health notes and flagged rows: broken scoring, suspect labels, failing reference solutions."""

import polars as pl
import pytest

from difficulty_filter.outcomes import OUTCOMES
from difficulty_filter.report.health import (
    all_fail_notes, flagged_rows, health_notes, outcome_notes, prompt_notes, reference_failures, suspect_labels)

N = 16


def prompt(model, row, source="math__x", passed=0, answer=None, count=None, **outcomes):
    """One pass_rates row; outcome counts not given are 0, the rest of the N responses are wrong."""
    counts = {o: outcomes.get(o, 0) for o in OUTCOMES}
    counts["correct"] = passed
    counts["wrong"] = N - sum(v for k, v in counts.items() if k != "wrong")
    return {"dataset": "d", "model": model, "row_index": row, "row_id": str(row), "data_source": source,
            "n": N, "n_passed": passed, "pass_rate": passed / N, "too_long": False,
            "top_wrong_answer": answer, "top_wrong_count": count, **{f"n_{o}": v for o, v in counts.items()}}


def frame(rows):
    return pl.DataFrame(rows)


def test_no_answer_share_warns_and_names_the_data_source():
    rows = [prompt("m", i, "stem_web", no_answer=8) for i in range(4)]
    rows += [prompt("m", 4 + i, "math__x") for i in range(4)]
    notes = outcome_notes(frame(rows))
    assert [(n.severity, n.kind, n.model, n.count) for n in notes] == [("warning", "no_answer", "m", 32)]
    assert "stem_web (50.0%)" in notes[0].message and "25.0%" in notes[0].message


def test_small_truncation_share_is_not_a_note_but_rare_timeouts_are_info():
    rows = [prompt("m", i, truncated=1 if i == 0 else 0, timeout=1 if i == 0 else 0) for i in range(20)]
    notes = outcome_notes(frame(rows))
    assert [(n.severity, n.kind, n.count) for n in notes] == [("info", "timeout", 1)]


def test_unknown_source_always_warns():
    notes = outcome_notes(frame([prompt("m", 0, "mystery", unknown_source=N)]))
    assert [(n.severity, n.kind) for n in notes] == [("warning", "unknown_source")]
    assert "mystery" in notes[0].message


def test_too_long_and_missing_pass_rates():
    rows = [prompt("m", 0) | {"too_long": True}, prompt("m", 1) | {"pass_rate": None}]
    assert {(n.kind, n.count) for n in prompt_notes(frame(rows))} == {("too_long", 1), ("missing_pass_rate", 1)}


@pytest.mark.parametrize("prompts, flagged", [(10, True), (9, False)])
def test_data_source_failed_everywhere(prompts, flagged):
    rows = [prompt(m, i, "codegen__broken") for m in ("a", "b") for i in range(prompts)]
    rows += [prompt("a", 100, "math__x", passed=3), prompt("b", 100, "math__x")]
    notes = all_fail_notes(frame(rows))
    assert [n.kind for n in notes] == (["all_fail"] if flagged else [])


def test_suspect_labels_need_every_model_failing_and_a_dominant_answer():
    rows = [
        prompt("a", 0, answer="42", count=12), prompt("b", 0, answer="42", count=6),  # 18/32 = 0.56: flagged
        prompt("a", 1, answer="7", count=16), prompt("b", 1, passed=1, answer="7", count=15),  # b solves it once
        prompt("a", 2, answer="x", count=8), prompt("b", 2, answer="y", count=8),  # 8/32: no dominant answer
        prompt("a", 3, answer="5", count=16),  # model b has no row: not every model failed it
        prompt("a", 4, answer=None, count=None), prompt("b", 4, answer=None, count=None),
    ]
    suspects = suspect_labels(frame(rows), 0.5)
    assert suspects["row_index"].to_list() == [0]
    assert suspects["detail"][0] == "18/32 responses answer '42'"
    assert suspect_labels(frame(rows), 0.6).is_empty()


def test_reference_failures_take_data_source_from_pass_rates():
    rates = frame([prompt("a", i, f"codegen__{i}") for i in range(3)])
    check = pl.DataFrame({"row_index": [0, 1, 2], "row_id": ["0", "1", "2"], "has_reference": [True, True, False],
                          "reference_passed": [False, True, None], "detail": ["test 2 failed", "", ""]})
    failed = reference_failures(check, rates)
    assert failed.select("row_index", "data_source", "flag", "detail").rows() == [
        (0, "codegen__0", "reference_failed", "test 2 failed")]


def test_health_notes_count_flagged_rows(dataset_inputs):
    from difficulty_filter.report.inputs import read_pass_rates

    rates = read_pass_rates({"demo": dataset_inputs["pass_rates"]})
    flagged = flagged_rows(rates, pl.read_parquet(dataset_inputs["reference_check"]), 0.5)
    assert flagged.select("row_index", "flag").rows() == [(1, "reference_failed"), (7, "suspect_label")]
    kinds = {n.kind: n for n in health_notes(rates, flagged)}
    assert kinds["suspect_label"].count == 1 and kinds["reference_failed"].count == 1
    assert "stem_web" in kinds["no_answer"].message


def test_empty_reference_check_flags_nothing():
    rates = frame([prompt("a", 0, passed=4)])
    empty = pl.DataFrame(schema={"row_index": pl.Int64, "row_id": pl.String, "has_reference": pl.Boolean,
                                 "reference_passed": pl.Boolean, "detail": pl.String})
    assert flagged_rows(rates, empty, 0.5).is_empty()
