"""Add pass-rate columns to the original rows, keeping every original column and its types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .. import atomic
from ..stats.buckets import bucket_of, bucket_of_range

#: pass_rates.parquet columns that describe how a prompt was sampled (present since sampling.adaptive).
SAMPLING_RECORD = ("n", "stop_reason", "full_rate_low", "full_rate_high")

PROVENANCE_KEY = "difficulty_filter.workflow.job_settings.provenance"


def with_columns(table: pa.Table, columns: Mapping[str, Sequence]) -> pa.Table:
    """`table` with `columns` appended (replacing same-named columns from an earlier annotation)."""
    for name, values in columns.items():
        if name in table.column_names:
            table = table.drop_columns([name])
        table = table.append_column(name, pa.array(list(values)))
    return table


def pass_rate_columns(
    model_rates: Mapping[str, Sequence],
    low_model: str | None,
    high_model: str | None,
    model_records: Mapping[str, Mapping[str, Sequence]] | None = None,
) -> dict[str, list]:
    """`<model>_pass_rate` and `<model>_difficulty` per model, plus the original's low/high names.

    With `model_records` ({model: pass_rates.parquet columns by row}, see SAMPLING_RECORD) a model also gets
    `<model>_samples` (samples drawn) and `<model>_stop_reason`, and its difficulty is the bucket of the whole
    range its full-n pass rate could take (null while adaptive sampling left that range across buckets)."""
    columns: dict[str, list] = {}
    for model, rates in model_rates.items():
        columns[f"{model}_pass_rate"] = list(rates)
        record = (model_records or {}).get(model)
        if record is None:
            columns[f"{model}_difficulty"] = [None if r is None else bucket_of(r) for r in rates]
            continue
        columns[f"{model}_difficulty"] = [
            bucket_of_range(low, high) if rate is not None else None
            for rate, low, high in zip(rates, record["full_rate_low"], record["full_rate_high"])
        ]
        columns[f"{model}_samples"] = list(record["n"])
        columns[f"{model}_stop_reason"] = list(record["stop_reason"])
    if low_model:
        columns["low_pass_rate"] = list(model_rates[low_model])
    if high_model:
        columns["high_pass_rate"] = list(model_rates[high_model])
    return columns


def broken_tests_column(reference: Sequence[dict], n_rows: int) -> list:
    """True where the row's own reference solution fails its tests, None where there is no reference."""
    values: list = [None] * n_rows
    for rec in reference:
        if rec.get("has_reference") and rec.get("reference_passed") is not None:
            values[rec["row_index"]] = not rec["reference_passed"]
    return values


def write_annotated(
    dataset_path: str | Path, columns: Mapping[str, Sequence], out_path: str | Path, provenance: dict
) -> pa.Table:
    table = with_columns(pq.read_table(dataset_path), columns)
    atomic.write_parquet(out_path, table, {PROVENANCE_KEY: provenance})
    return table
