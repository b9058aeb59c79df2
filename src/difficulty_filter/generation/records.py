"""Generations batch tables (schema of docs/architecture.md) and their atomic Parquet files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

from .. import atomic
from ..adaptive.record import CASCADE, RECORD_COLUMNS, PromptRecord
from .inputs import Row
from .prompts import PreparedPrompt

METADATA_KEY = "difficulty_filter.generation"
FINISH_REASONS = ("stop", "length", "abort", "prompt_too_long", "skipped")

SCHEMA = pa.schema(
    [
        ("row_index", pa.int64()),
        ("data_source", pa.string()),
        ("sample_index", pa.int32()),
        ("response", pa.string()),
        ("response_tokens", pa.int32()),
        ("finish_reason", pa.string()),
        ("prompt_tokens", pa.int32()),
        ("too_long", pa.bool_()),
        ("prompt_truncated", pa.bool_()),
    ]
)


@dataclass(frozen=True)
class Sample:
    text: str
    tokens: int
    finish_reason: str


def finish_reason(raw: str | None) -> str:
    """vLLM's finish reason, folded onto the documented set (anything unexpected counts as `abort`)."""
    return raw if raw in ("stop", "length") else "abort"


def batch_table(
    rows: Sequence[Row],
    prompts: Sequence[PreparedPrompt],
    results: Sequence[list[Sample] | None],
    records: Sequence[PromptRecord] | None = None,
) -> pa.Table:
    """One row per (prompt, sample); a prompt with no samples (None) keeps one `sample_index = -1` row:
    `prompt_too_long` when the engine rejected it, `skipped` when the adaptive cascade did not sample it.
    With `records` (adaptive sampling) every row also carries its prompt's record (RECORD_COLUMNS)."""
    schema = SCHEMA if records is None else pa.schema([*SCHEMA, *RECORD_COLUMNS])
    columns: dict[str, list] = {name: [] for name in schema.names}
    for k, (row, prompt, samples) in enumerate(zip(rows, prompts, results, strict=True)):
        record = records[k] if records is not None else None
        unsampled = "skipped" if record is not None and record.stop_reason == CASCADE else "prompt_too_long"
        entries = list(enumerate(samples)) if samples is not None else [(-1, Sample("", 0, unsampled))]
        extra = record.columns() if record is not None else {}
        for j, sample in entries:
            for name, value in (
                ("row_index", row.index),
                ("data_source", row.data_source),
                ("sample_index", j),
                ("response", sample.text),
                ("response_tokens", sample.tokens),
                ("finish_reason", sample.finish_reason),
                ("prompt_tokens", prompt.prompt_tokens),
                ("too_long", prompt.too_long),
                ("prompt_truncated", prompt.truncated),
                *extra.items(),
            ):
                columns[name].append(value)
    return pa.table(columns, schema=schema)


def write_batch(path: str, table: pa.Table, metadata: dict) -> None:
    atomic.write_parquet(path, table, {METADATA_KEY: metadata})


def write_placeholder(path: str, metadata: dict) -> None:
    """Zero-row file for a part past the end of the data."""
    write_batch(path, SCHEMA.empty_table(), metadata)
