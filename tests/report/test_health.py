"""Health notes and flagged rows: broken scoring, suspect labels, failing reference solutions."""

import dataclasses

import polars as pl
import pytest

from difficulty_filter.config import section
from difficulty_filter.outcomes import OUTCOMES
from difficulty_filter.report.health import (
    all_fail_notes,
    flagged_rows,
    health_notes,
    outcome_notes,
    prompt_notes,
    reference_failures,
    suspect_labels,
)

N = 16
WARN_SHARES = {
    "no_answer": 0.1,
    "truncated": 0.1,
    "timeout": 0.01,
    "sandbox_error": 0.01,
    "verifier_error": 0.01,
    "unknown_source": 0.0,
}
REPORT = section(
    "report",
    {
        "outcome_warn_share": WARN_SHARES,
        "all_fail_min_prompts": 10,
        "suspect_label": {
            "min_samples": 8,
            "min_share": 0.6,
            "witness_min_pass_rate": 0.3,
            "agreeing_models": 2,
            "agreeing_min_share": 0.4,
        },
    },
)
RULE = REPORT.suspect_label


def prompt(model, row, source="math__x", passed=0, answer=None, count=None, n=N, **outcomes):
    """One pass_rates row; outcome counts not given are 0, the rest of the n responses are wrong."""
    counts = {o: outcomes.get(o, 0) for o in OUTCOMES}
    counts["correct"] = passed
    counts["wrong"] = n - sum(v for k, v in counts.items() if k != "wrong")
    return {
        "dataset": "d",
        "model": model,
        "row_index": row,
        "row_id": str(row),
        "data_source": source,
        "n": n,
        "n_passed": passed,
        "pass_rate": passed / n,
        "too_long": False,
        "top_wrong_answer": answer,
        "top_wrong_count": count,
        **{f"n_{o}": v for o, v in counts.items()},
    }


def frame(rows):
    return pl.DataFrame(rows)


def test_no_answer_share_warns_and_names_the_data_source():
    rows = [prompt("m", i, "stem_web", no_answer=8) for i in range(4)]
    rows += [prompt("m", 4 + i, "math__x") for i in range(4)]
    notes = outcome_notes(frame(rows), WARN_SHARES)
    assert [(n.severity, n.kind, n.model, n.count) for n in notes] == [("warning", "no_answer", "m", 32)]
    assert "stem_web (50.0%)" in notes[0].message and "25.0%" in notes[0].message


def test_small_truncation_share_is_not_a_note_but_rare_timeouts_are_info():
    rows = [prompt("m", i, truncated=1 if i == 0 else 0, timeout=1 if i == 0 else 0) for i in range(20)]
    notes = outcome_notes(frame(rows), WARN_SHARES)
    assert [(n.severity, n.kind, n.count) for n in notes] == [("info", "timeout", 1)]


def test_unknown_source_always_warns():
    notes = outcome_notes(frame([prompt("m", 0, "mystery", unknown_source=N)]), WARN_SHARES)
    assert [(n.severity, n.kind) for n in notes] == [("warning", "unknown_source")]
    assert "mystery" in notes[0].message


def test_too_long_and_missing_pass_rates():
    rows = [prompt("m", 0) | {"too_long": True}, prompt("m", 1) | {"pass_rate": None}]
    assert {(n.kind, n.count) for n in prompt_notes(frame(rows))} == {("too_long", 1), ("missing_pass_rate", 1)}


@pytest.mark.parametrize("prompts, flagged", [(10, True), (9, False)])
def test_data_source_failed_everywhere(prompts, flagged):
    rows = [prompt(m, i, "codegen__broken") for m in ("a", "b") for i in range(prompts)]
    rows += [prompt("a", 100, "math__x", passed=3), prompt("b", 100, "math__x")]
    notes = all_fail_notes(frame(rows), 10)
    assert [n.kind for n in notes] == (["all_fail"] if flagged else [])


def test_warning_shares_come_from_the_settings():
    rows = [prompt("m", i, "math__x", truncated=2) for i in range(4)]  # 12.5% truncated
    assert [n.kind for n in outcome_notes(frame(rows), WARN_SHARES)] == ["truncated"]
    assert outcome_notes(frame(rows), WARN_SHARES | {"truncated": 0.2}) == []


def skilled(model, passed, rows=range(100, 110)):
    """Prompts that set a model's overall pass rate (passed of N on each)."""
    return [prompt(model, i, passed=passed, answer="x", count=N - passed) for i in rows]


def suspects(rows, **rule):
    return suspect_labels(frame(rows), dataclasses.replace(RULE, **rule))


def test_strongest_model_with_one_consistent_wrong_answer_is_evidence():
    rows = (
        skilled("large", 12)
        + skilled("small", 4)
        + [
            prompt("large", 0, answer="42", count=12),
            prompt("small", 0, answer="41", count=5),
            prompt("large", 1, answer="7", count=9),
            prompt("small", 1, answer="7", count=3),  # 9/16 < 0.6
            prompt("small", 2, answer="5", count=16),
            prompt("large", 2, answer="6", count=6),  # the weak model
            prompt("large", 3, answer="9", count=14),
            prompt("small", 3, passed=1, answer="9", count=14),  # solved once
        ]
    )
    found = suspects(rows)
    assert found.select("row_index", "flag").rows() == [(0, "suspect_label")]
    assert found["detail"][0] == "answer '42' (strongest model large 12/16)"


def test_few_samples_or_a_weak_strongest_model_are_no_evidence():
    demo = skilled("smollm2", 2, range(100, 140)) + [prompt("smollm2", 0, answer="1", count=3, n=6)]
    assert suspects(demo).is_empty()  # "7 + 7" -> "1" three times out of six
    assert suspects(demo, min_samples=6, min_share=0.5, witness_min_pass_rate=0.0).height == 1
    weak = skilled("m", 3) + [prompt("m", 0, answer="42", count=16)]  # the model passes 19% of its responses
    assert suspects(weak).is_empty()
    assert suspects(weak, witness_min_pass_rate=0.1).height == 1


def test_models_agreeing_on_one_wrong_answer_are_evidence():
    rows = (
        skilled("a", 12)
        + skilled("b", 4)
        + skilled("c", 4)
        + [
            prompt("a", 0, answer="42", count=7),
            prompt("b", 0, answer="42", count=8),
            prompt("c", 0, answer="3", count=9),
            prompt("a", 1, answer="5", count=7),
            prompt("b", 1, answer="6", count=8),  # answers differ
            prompt("a", 2, answer="8", count=7),
            prompt("b", 2, answer="8", count=4),  # b: 4/16 < 0.4
        ]
    )
    found = suspects(rows)
    assert found["row_index"].to_list() == [0]
    assert found["detail"][0] == "answer '42' (2 models agree: a 7/16, b 8/16)"
    assert suspects(rows, agreeing_models=3).is_empty()


def test_both_kinds_of_evidence_are_listed_together():
    rows = (
        skilled("a", 12)
        + skilled("b", 4)
        + [prompt("a", 0, answer="42", count=15), prompt("b", 0, answer="42", count=10)]
    )
    assert suspects(rows)["detail"].to_list() == [
        "answer '42' (strongest model a 15/16; 2 models agree: a 15/16, b 10/16)"
    ]


def test_reference_failures_take_data_source_from_pass_rates():
    rates = frame([prompt("a", i, f"codegen__{i}") for i in range(3)])
    check = pl.DataFrame(
        {
            "row_index": [0, 1, 2],
            "row_id": ["0", "1", "2"],
            "has_reference": [True, True, False],
            "reference_passed": [False, True, None],
            "detail": ["test 2 failed", "", ""],
        }
    )
    failed = reference_failures(check, rates)
    assert failed.select("row_index", "data_source", "flag", "detail").rows() == [
        (0, "codegen__0", "reference_failed", "test 2 failed")
    ]


def test_health_notes_count_flagged_rows(dataset_inputs):
    from difficulty_filter.report.inputs import read_pass_rates

    rates = read_pass_rates({"demo": dataset_inputs["pass_rates"]})
    flagged = flagged_rows(rates, pl.read_parquet(dataset_inputs["reference_check"]), RULE)
    assert flagged.select("row_index", "flag").rows() == [(1, "reference_failed"), (7, "suspect_label")]
    kinds = {n.kind: n for n in health_notes(rates, flagged, REPORT)}
    assert kinds["suspect_label"].count == 1 and kinds["reference_failed"].count == 1
    assert "stem_web" in kinds["no_answer"].message


def test_empty_reference_check_flags_nothing():
    rates = frame([prompt("a", 0, passed=4)])
    empty = pl.DataFrame(
        schema={
            "row_index": pl.Int64,
            "row_id": pl.String,
            "has_reference": pl.Boolean,
            "reference_passed": pl.Boolean,
            "detail": pl.String,
        }
    )
    assert flagged_rows(rates, empty, RULE).is_empty()
