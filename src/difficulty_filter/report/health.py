"""Health notes: signs that a dataset's scores are broken rather than hard, and the rows to look at."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import polars as pl

from ..outcomes import NO_ANSWER, SANDBOX_ERROR, TIMEOUT, TRUNCATED, UNKNOWN_SOURCE, VERIFIER_ERROR
from ..settings import ReportSettings, SuspectLabelSettings

#: Outcome -> what to check when its share reaches `report.outcome_warn_share.<outcome>`.
OUTCOME_HINTS = {
    NO_ANSWER: "no final answer was extracted: check the answer-format instruction and the extractor",
    TRUNCATED: "responses hit max_new_tokens: raise sampling.max_new_tokens",
    TIMEOUT: "verification timed out: check reward.timeout / reward.code.total_timeout and hanging tests",
    SANDBOX_ERROR: "the code sandbox failed: check reward.code.isolation and the sandbox",
    VERIFIER_ERROR: "the verifier raised: see the `detail` column of the rewards",
    UNKNOWN_SOURCE: "no verifier handles this data_source: add a reward.custom_verifiers entry",
}
#: Outcomes expected at low rates: below their warning share they make no note at all.
EXPECTED_OUTCOMES = (NO_ANSWER, TRUNCATED)
NOTE_SCHEMA = {"severity": pl.String, "kind": pl.String, "model": pl.String, "count": pl.Int64, "message": pl.String}
FLAGGED_SCHEMA = {
    "row_index": pl.Int64,
    "row_id": pl.String,
    "data_source": pl.String,
    "flag": pl.String,
    "detail": pl.String,
}


@dataclass(frozen=True)
class Note:
    """One finding: `severity` is `warning` or `info`; `model` is None for dataset-wide findings."""

    severity: str
    kind: str
    model: str | None
    count: int
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def notes_frame(notes: list[Note]) -> pl.DataFrame:
    return pl.DataFrame([n.as_dict() for n in notes], schema=NOTE_SCHEMA)


def outcome_notes(frame: pl.DataFrame, warn_shares: Mapping[str, float]) -> list[Note]:
    """Per model and watched outcome: a warning naming the data_sources where its share reaches the
    outcome's `warn_shares` entry; an `info` note when it occurs below that everywhere (expected outcomes:
    nothing)."""
    notes = []
    for outcome, hint in OUTCOME_HINTS.items():
        warn_share = warn_shares[outcome]
        column = f"n_{outcome}"
        if column not in frame.columns:
            continue
        by_source = (
            frame.group_by("model", "data_source")
            .agg(hits=pl.col(column).fill_null(0).sum(), n=pl.col("n").fill_null(0).sum())
            .with_columns(share=pl.col("hits") / pl.col("n"))
            .sort("share", "data_source", descending=[True, False])
        )
        for (model,), rows in sorted(by_source.group_by("model"), key=lambda g: g[0]):
            hits = int(rows["hits"].sum())
            if not hits:
                continue
            flagged = rows.filter((pl.col("share") >= warn_share) & (pl.col("hits") > 0))
            if flagged.is_empty() and outcome in EXPECTED_OUTCOMES:
                continue
            message = f"{outcome}: {hits} responses ({hits / int(rows['n'].sum()):.1%})"
            if not flagged.is_empty():
                top = flagged.select("data_source", "share").head(3).iter_rows()
                worst = ", ".join(f"{source} ({share:.1%})" for source, share in top)
                more = f" and {flagged.height - 3} more" if flagged.height > 3 else ""
                message += f", {warn_share:.0%} or more in {worst}{more}"
            notes.append(Note("info" if flagged.is_empty() else "warning", outcome, model, hits, f"{message}. {hint}"))
    return notes


def prompt_notes(frame: pl.DataFrame) -> list[Note]:
    """Per model, prompts too long for the context and prompts without a pass rate."""
    notes = []
    for (model,), rows in sorted(frame.group_by("model"), key=lambda g: g[0]):
        too_long = int(rows["too_long"].fill_null(False).sum()) if "too_long" in rows.columns else 0
        if too_long:
            notes.append(
                Note(
                    "warning",
                    "too_long",
                    model,
                    too_long,
                    f"{too_long} prompts are longer than prompts.max_prompt_length (truncated or not generated)",
                )
            )
        missing = rows["pass_rate"].null_count()
        if missing:
            notes.append(
                Note(
                    "warning",
                    "missing_pass_rate",
                    model,
                    missing,
                    f"{missing} prompts have no pass rate (no scored response)",
                )
            )
    return notes


def all_fail_notes(frame: pl.DataFrame, min_prompts: int) -> list[Note]:
    """data_sources of at least `min_prompts` prompts where every model fails every prompt: more often a
    verifier or label problem than difficulty."""
    per_source = (
        frame.group_by("data_source")
        .agg(prompts=pl.col("row_index").n_unique(), best=pl.col("pass_rate").max())
        .filter((pl.col("best") == 0) & (pl.col("prompts") >= min_prompts))
        .sort("data_source")
    )
    return [
        Note(
            "warning",
            "all_fail",
            None,
            row["prompts"],
            f"every model fails all {row['prompts']} prompts of {row['data_source']}: "
            "check the verifier and the labels before calling it hard",
        )
        for row in per_source.iter_rows(named=True)
    ]


def reference_failures(reference_check: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose reference solution fails their own tests, as flagged rows (data_source taken from `frame`)."""
    sources = frame.select(pl.col("row_index").cast(pl.Int64), "data_source").unique("row_index")
    failed = reference_check.filter(
        pl.col("has_reference").fill_null(False) & ~pl.col("reference_passed").fill_null(True)
    )
    return (
        failed.with_columns(pl.col("row_index").cast(pl.Int64))
        .join(sources, on="row_index", how="left")
        .select(
            "row_index",
            pl.col("row_id").cast(pl.String),
            "data_source",
            pl.lit("reference_failed").alias("flag"),
            pl.col("detail").cast(pl.String),
        )
    )


def _strongest_models(frame: pl.DataFrame, min_pass_rate: float) -> pl.DataFrame:
    """Per dataset, the model passing the largest share of its graded responses (ties: first name), kept
    only when that share reaches `min_pass_rate`: a weak model's consistent answers say little."""
    return (
        frame.group_by("dataset", "model")
        .agg(skill=pl.col("n_passed").sum() / pl.col("n").sum())
        .sort("dataset", "skill", "model", descending=[False, True, False])
        .group_by("dataset", maintain_order=True)
        .first()
        .filter(pl.col("skill") >= min_pass_rate)
        .select("dataset", "model")
    )


def suspect_labels(frame: pl.DataFrame, rule: SuspectLabelSettings) -> pl.DataFrame:
    """Prompts whose label is likelier wrong than the prompt hard, as flagged rows (`report.suspect_label`).

    A prompt qualifies only when no response of any model passes. Then either the strongest model (see
    `_strongest_models`, `rule.witness_min_pass_rate`) gives one and the same wrong answer in at least
    `rule.min_share` of at least `rule.min_samples` responses, or `rule.agreeing_models` models with
    `rule.min_samples` responses each give the same most common wrong answer in at least
    `rule.agreeing_min_share` of their responses.
    """
    share = pl.col("top_wrong_count") / pl.col("n")
    witnesses = frame.filter((pl.col("n") >= rule.min_samples) & pl.col("top_wrong_answer").is_not_null())
    witnesses = witnesses.with_columns(share=share, said=pl.format("{} {}/{}", "model", "top_wrong_count", "n"))
    keys = ["dataset", "row_index"]
    failed = (
        frame.group_by(keys)
        .agg(
            pl.col("row_id").first(),
            pl.col("data_source").first(),
            failed=(pl.col("n_passed").fill_null(0).sum() == 0) & (pl.col("n").sum() > 0),
        )
        .filter("failed")
        .drop("failed")
    )
    strongest = (
        witnesses.join(_strongest_models(frame, rule.witness_min_pass_rate), on=["dataset", "model"])
        .filter(pl.col("share") >= rule.min_share)
        .select(*keys, answer=pl.col("top_wrong_answer"), evidence=pl.lit("strongest model ") + pl.col("said"))
    )
    agreeing = (
        witnesses.filter(pl.col("share") >= rule.agreeing_min_share)
        .group_by(*keys, "top_wrong_answer")
        .agg(models=pl.len(), said=pl.col("said").sort().str.join(", "))
        .filter(pl.col("models") >= rule.agreeing_models)
        .select(*keys, answer=pl.col("top_wrong_answer"), evidence=pl.format("{} models agree: {}", "models", "said"))
    )
    answer = pl.col("answer").cast(pl.String).str.slice(0, 80).map_elements(repr, return_dtype=pl.String)
    findings = (
        pl.concat([strongest, agreeing])
        .join(failed, on=keys)
        .group_by(*keys, "answer")
        .agg(pl.col("row_id", "data_source").first(), evidence=pl.col("evidence").str.join("; "))
        .sort("row_index", "answer")
        .group_by(keys, maintain_order=True)
        .agg(
            pl.col("row_id", "data_source").first(),
            detail=pl.format("answer {} ({})", answer, "evidence").str.join("; "),
        )
    )
    return findings.select(
        pl.col("row_index").cast(pl.Int64),
        pl.col("row_id").cast(pl.String),
        "data_source",
        pl.lit("suspect_label").alias("flag"),
        "detail",
    )


def flagged_rows(frame: pl.DataFrame, reference_check: pl.DataFrame, rule: SuspectLabelSettings) -> pl.DataFrame:
    """Suspect labels (`rule`: `report.suspect_label`) and failing reference solutions, one row per finding."""
    parts = [suspect_labels(frame, rule), reference_failures(reference_check, frame)]
    return pl.concat([p.cast(FLAGGED_SCHEMA) for p in parts]).sort("row_index", "flag")


def health_notes(frame: pl.DataFrame, flagged: pl.DataFrame, report: ReportSettings) -> list[Note]:
    """Every note for one dataset (thresholds from `report`, the config's report section): outcomes, prompt
    problems, all-fail data_sources, flagged-row counts."""
    counts = flagged["flag"].value_counts().sort("flag").iter_rows()
    texts = {
        "suspect_label": "prompts nobody solves where the models agree on one other answer: the label may be wrong",
        "reference_failed": "rows whose reference solution fails its own tests: the tests may be broken",
    }
    return (
        outcome_notes(frame, report.outcome_warn_share)
        + prompt_notes(frame)
        + all_fail_notes(frame, report.all_fail_min_prompts)
        + [Note("warning", flag, None, n, f"{n} {texts[flag]} (listed in the flagged rows)") for flag, n in counts]
    )
