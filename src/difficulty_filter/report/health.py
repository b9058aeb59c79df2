"""Health notes: signs that a dataset's scores are broken rather than hard, and the rows to look at."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl

from ..outcomes import NO_ANSWER, SANDBOX_ERROR, TIMEOUT, TRUNCATED, UNKNOWN_SOURCE, VERIFIER_ERROR

#: Outcome -> (share of responses from which it is a warning, what to check).
WATCHED_OUTCOMES = {
    NO_ANSWER: (0.10, "no final answer was extracted: check the answer-format instruction and the extractor"),
    TRUNCATED: (0.10, "responses hit max_new_tokens: raise sampling.max_new_tokens"),
    TIMEOUT: (0.01, "verification timed out: check reward.timeout / reward.code.total_timeout and hanging tests"),
    SANDBOX_ERROR: (0.01, "the code sandbox failed: check reward.code.isolation and the sandbox"),
    VERIFIER_ERROR: (0.01, "the verifier raised: see the `detail` column of the rewards"),
    UNKNOWN_SOURCE: (0.0, "no verifier handles this data_source: add a reward.custom_verifiers entry"),
}
#: A data_source this large that every model fails on every prompt is flagged.
ALL_FAIL_MIN_PROMPTS = 10
NOTE_SCHEMA = {"severity": pl.String, "kind": pl.String, "model": pl.String, "count": pl.Int64, "message": pl.String}
FLAGGED_SCHEMA = {"row_index": pl.Int64, "row_id": pl.String, "data_source": pl.String,
                  "flag": pl.String, "detail": pl.String}


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


def outcome_notes(frame: pl.DataFrame) -> list[Note]:
    """Per model and watched outcome: a warning naming the data_sources where its share reaches the
    outcome's threshold; an `info` note when it occurs below that everywhere (no_answer/truncated: nothing)."""
    notes = []
    for outcome, (warn_share, hint) in WATCHED_OUTCOMES.items():
        column = f"n_{outcome}"
        if column not in frame.columns:
            continue
        by_source = (frame.group_by("model", "data_source")
                     .agg(hits=pl.col(column).fill_null(0).sum(), n=pl.col("n").fill_null(0).sum())
                     .with_columns(share=pl.col("hits") / pl.col("n"))
                     .sort("share", "data_source", descending=[True, False]))
        for (model,), rows in sorted(by_source.group_by("model"), key=lambda g: g[0]):
            hits = int(rows["hits"].sum())
            if not hits:
                continue
            flagged = rows.filter((pl.col("share") >= warn_share) & (pl.col("hits") > 0))
            if flagged.is_empty() and outcome in (NO_ANSWER, TRUNCATED):
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
            notes.append(Note("warning", "too_long", model, too_long, f"{too_long} prompts are longer than "
                              "prompts.max_prompt_length (truncated or not generated)"))
        missing = rows["pass_rate"].null_count()
        if missing:
            notes.append(Note("warning", "missing_pass_rate", model, missing,
                              f"{missing} prompts have no pass rate (no scored response)"))
    return notes


def all_fail_notes(frame: pl.DataFrame) -> list[Note]:
    """data_sources where every model fails every prompt: more often a verifier or label problem than difficulty."""
    per_source = (frame.group_by("data_source")
                  .agg(prompts=pl.col("row_index").n_unique(), best=pl.col("pass_rate").max())
                  .filter((pl.col("best") == 0) & (pl.col("prompts") >= ALL_FAIL_MIN_PROMPTS))
                  .sort("data_source"))
    return [Note("warning", "all_fail", None, row["prompts"],
                 f"every model fails all {row['prompts']} prompts of {row['data_source']}: "
                 "check the verifier and the labels before calling it hard")
            for row in per_source.iter_rows(named=True)]


def reference_failures(reference_check: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose reference solution fails their own tests, as flagged rows (data_source taken from `frame`)."""
    sources = frame.select(pl.col("row_index").cast(pl.Int64), "data_source").unique("row_index")
    failed = reference_check.filter(
        pl.col("has_reference").fill_null(False) & ~pl.col("reference_passed").fill_null(True))
    return failed.with_columns(pl.col("row_index").cast(pl.Int64)).join(sources, on="row_index", how="left").select(
        "row_index", pl.col("row_id").cast(pl.String), "data_source",
        pl.lit("reference_failed").alias("flag"), pl.col("detail").cast(pl.String))


def suspect_labels(frame: pl.DataFrame, min_share: float) -> pl.DataFrame:
    """Prompts every model fails where at least `min_share` of all responses give the same wrong answer,
    as flagged rows. The share pools each model's most common wrong answer, so it is a lower bound."""
    models = frame["model"].n_unique()
    per_row = frame.group_by("dataset", "row_index").agg(
        pl.col("row_id").first(), pl.col("data_source").first(), models=pl.len(),
        failed=((pl.col("n_passed") == 0) & (pl.col("n") > 0)).all(), responses=pl.col("n").sum())
    answers = (frame.drop_nulls("top_wrong_answer")
               .group_by("dataset", "row_index", "top_wrong_answer").agg(count=pl.col("top_wrong_count").sum())
               .sort("count", "top_wrong_answer", descending=[True, False])
               .group_by("dataset", "row_index", maintain_order=True).first())
    suspects = (per_row.join(answers, on=["dataset", "row_index"])
                .filter((pl.col("models") == models) & pl.col("failed"))
                .with_columns(share=pl.col("count") / pl.col("responses"))
                .filter(pl.col("share") >= min_share)
                .sort("row_index"))
    answer = pl.col("top_wrong_answer").cast(pl.String).str.slice(0, 80).map_elements(repr, return_dtype=pl.String)
    return suspects.select(
        pl.col("row_index").cast(pl.Int64), pl.col("row_id").cast(pl.String), "data_source",
        pl.lit("suspect_label").alias("flag"),
        pl.format("{}/{} responses answer {}", "count", "responses", answer).alias("detail"))


def flagged_rows(frame: pl.DataFrame, reference_check: pl.DataFrame, min_share: float) -> pl.DataFrame:
    """Suspect labels and failing reference solutions, one row per finding."""
    parts = [suspect_labels(frame, min_share), reference_failures(reference_check, frame)]
    return pl.concat([p.cast(FLAGGED_SCHEMA) for p in parts]).sort("row_index", "flag")


def health_notes(frame: pl.DataFrame, flagged: pl.DataFrame) -> list[Note]:
    """Every note for one dataset: outcomes, prompt problems, all-fail data_sources, flagged-row counts."""
    counts = flagged["flag"].value_counts().sort("flag").iter_rows()
    texts = {"suspect_label": "prompts every model fails with one dominant wrong answer: the label may be wrong",
             "reference_failed": "rows whose reference solution fails its own tests: the tests may be broken"}
    return (outcome_notes(frame) + prompt_notes(frame) + all_fail_notes(frame)
            + [Note("warning", flag, None, n, f"{n} {texts[flag]} (listed in the flagged rows)") for flag, n in counts])
