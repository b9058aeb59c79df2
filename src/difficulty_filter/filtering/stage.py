"""The annotate and filter stages, as the workflow and the CLI run them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from .. import atomic, dataset
from ..settings import FilterSettings
from . import annotate, decisions, lookup


def annotate_triggers(models: list[str], filter_settings: FilterSettings) -> dict:
    """Settings that change the annotated table (besides its inputs): the models and the low/high sides."""
    return {"models": list(models), "low": filter_settings.model_of("low"), "high": filter_settings.model_of("high")}


def filter_triggers(filter_settings: FilterSettings) -> dict:
    """Settings that change the filter's decisions."""
    low, high = filter_settings.low, filter_settings.high
    return {
        "low_thresh": low.threshold if low else None,
        "high_thresh": high.threshold if high else None,
        "drop_broken_tests": filter_settings.drop_broken_tests,
    }


def annotate_dataset(
    dataset_path: str | Path,
    n_rows: int,
    pass_rate_paths: Mapping[str, str | Path],
    filter_settings: FilterSettings,
    reference_check_path: str | Path | None,
    out_path: str | Path,
    provenance: dict,
) -> pa.Table:
    """Original rows + `<model>_pass_rate`/`_difficulty`/`_samples`/`_stop_reason` + low/high_pass_rate +
    broken_tests."""
    tables = {m: pl.read_parquet(p) for m, p in pass_rate_paths.items()}
    rates = {m: lookup.by_position(t, n_rows) for m, t in tables.items()}
    records = {
        m: {c: lookup.by_position(t, n_rows, c) for c in annotate.SAMPLING_RECORD}
        for m, t in tables.items()
        if set(annotate.SAMPLING_RECORD) <= set(t.columns)
    }
    columns = annotate.pass_rate_columns(
        rates, filter_settings.model_of("low"), filter_settings.model_of("high"), records
    )
    if reference_check_path:
        reference = pl.read_parquet(reference_check_path).to_dicts()
        columns["broken_tests"] = annotate.broken_tests_column(reference, n_rows)
    provenance = {**provenance, "input_sha256": _sha256(dataset_path), "input": str(dataset_path)}
    return annotate.write_annotated(dataset_path, columns, out_path, provenance)


def annotate_from_json(
    parquet_in: str | Path,
    out_path: str | Path,
    low_json: str | Path | None,
    high_json: str | Path | None,
    key_by: str = "id",
) -> pa.Table:
    """The original run_add_pr.py, with its key mismatch fixed: rows missing from a JSON get null, not 0.0."""
    rows = dataset.read_columns(parquet_in, ["data_source", "extra_info"])
    sources = [r["data_source"] for r in rows]
    infos = [r.get("extra_info") for r in rows]
    columns = {}
    for name, path in (("low_pass_rate", low_json), ("high_pass_rate", high_json)):
        if path:
            columns[name] = lookup.by_json_keys(lookup.load_json_map(path), sources, infos, parquet_in, key_by)
    table = annotate.with_columns(pq.read_table(parquet_in), columns)
    atomic.write_parquet(
        out_path, table, {annotate.PROVENANCE_KEY: {"low_json": str(low_json), "high_json": str(high_json)}}
    )
    return table


def filter_table(
    table: pa.Table, low_thresh: float | None, high_thresh: float | None, drop_broken_tests: bool = False
) -> tuple[pa.Table, list[str | None], dict]:
    """Kept rows, the reason per input row (None = kept) and the summary."""

    def column(name):
        return table.column(name).to_pylist() if name in table.column_names else None

    low, high = column("low_pass_rate"), column("high_pass_rate")
    if low_thresh is not None and low is None:
        raise ValueError("filter.low is configured but the table has no low_pass_rate column")
    if high_thresh is not None and high is None:
        raise ValueError("filter.high is configured but the table has no high_pass_rate column")
    reasons = decisions.decide(low, high, low_thresh, high_thresh, column("broken_tests"), drop_broken_tests)
    keep = pa.array([r is None for r in reasons])
    summary = decisions.summarize(reasons, column("data_source"))
    summary["thresholds"] = {
        "low_thresh": low_thresh,
        "high_thresh": high_thresh,
        "drop_broken_tests": drop_broken_tests,
    }
    return table.filter(keep), reasons, summary


def filter_annotated(
    annotated_path: str | Path,
    filtered_out: str | Path,
    summary_out: str | Path,
    low_thresh: float | None,
    high_thresh: float | None,
    drop_broken_tests: bool = False,
    decisions_out: str | Path | None = None,
) -> dict:
    """The filter stage: filtered Parquet (all columns kept), per-row decisions and a JSON summary."""
    table = pq.read_table(annotated_path)
    kept, reasons, summary = filter_table(table, low_thresh, high_thresh, drop_broken_tests)
    provenance = atomic.read_metadata(annotated_path, annotate.PROVENANCE_KEY) or {}
    provenance = {**provenance, "thresholds": summary["thresholds"]}
    summary["provenance"] = provenance
    atomic.write_parquet(filtered_out, kept, {annotate.PROVENANCE_KEY: provenance})
    if decisions_out:
        per_row = pa.table(
            {
                "row_index": pa.array(range(len(reasons)), pa.int64()),
                "data_source": table.column("data_source"),
                "kept": pa.array([r is None for r in reasons]),
                "filter_reason": pa.array(reasons, pa.string()),
            }
        )
        atomic.write_parquet(decisions_out, per_row)
    atomic.write_json(summary_out, summary)
    return summary


def _sha256(path: str | Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
