"""Build the row index of one dataset: stream its row groups, check every row, write one row per prompt."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from .. import atomic
from ..dataset import REQUIRED_COLUMNS, DatasetError, check_columns, open_parquet
from ..domains import domain_of
from ..settings import FilterSettings, RewardSettings, as_dict
from ..verifiers.registry import resolve
from . import checks
from .row_id import row_id

log = logging.getLogger(__name__)

#: Bump when the index's columns or checks change (its rule's params carry it).
INDEX_FORMAT_VERSION = "2"  # 2: chat roles checked, blank ground truths refused
METADATA_KEY = "difficulty_filter.index"
INDEX_COLUMNS = pa.schema(
    [
        ("row_index", pa.int64()),
        ("row_id", pa.string()),
        ("data_source", pa.string()),
        ("domain", pa.string()),
        ("verifier", pa.string()),
        ("has_reference", pa.bool_()),
    ]
)
#: Rows read at a time (the dataset is never held whole).
READ_ROWS = 2048
#: Problems listed in one error before the pass stops.
MAX_PROBLEMS = 20
_COLUMNS = (*REQUIRED_COLUMNS, "extra_info", "apply_chat_template")


def triggers(filter_settings: FilterSettings, reward: RewardSettings) -> dict:
    """Settings that change the index: how rows are keyed and how data sources route to verifiers."""
    return {
        "format": INDEX_FORMAT_VERSION,
        "key_by": filter_settings.key_by,
        "custom_verifiers": as_dict(reward.custom_verifiers),
    }


def build_index(path: str | Path, key_by: str, reward: RewardSettings) -> pa.Table:
    """The index table of a dataset, or DatasetError naming file, row and field of every problem (up to 20)."""
    check_columns(path)
    columns: dict[str, list] = {name: [] for name in INDEX_COLUMNS.names}
    problems: list[str] = []
    seen: dict[str, int] = {}
    for position, row in _rows(path):
        route = resolve(row["data_source"], reward.custom_verifiers) if isinstance(row["data_source"], str) else None
        found = list(checks.data_source_problems(row["data_source"]))
        found += checks.prompt_problems(row["prompt"], row.get("apply_chat_template"))
        if route is not None:
            found += checks.ground_truth_problems(row["reward_model"], route, row.get("extra_info"), reward)
        rid = row_id(row.get("extra_info"), position, key_by)
        if rid is None:
            found.append(
                (
                    "extra_info",
                    "no row id (none of index, idx, id is set); set filter.key_by: position to key rows by position",
                )
            )
        else:
            key = f"{row['data_source']}_{rid}"
            if key in seen:
                found.append(
                    (
                        "extra_info",
                        f"id key {key!r} repeats row {seen[key]}; set filter.key_by: position to key rows by position",
                    )
                )
            seen.setdefault(key, position)
        problems += [str(DatasetError(path, position, field, message)) for field, message in found]
        if len(problems) >= MAX_PROBLEMS:
            break
        if not found:
            _append(columns, position, rid, row, route)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        more = " (stopped at the first 20 problems)" if len(problems) >= MAX_PROBLEMS else ""
        raise DatasetError(path, None, "<rows>", f"{len(problems)} bad row field(s){more}:\n  " + "\n  ".join(shown))
    return pa.table(columns, schema=INDEX_COLUMNS)


def write_index(dataset_path: str | Path, out_path: str | Path, key_by: str, reward: RewardSettings) -> dict:
    """The index stage: validate, then write the index atomically; returns its summary (also in the metadata)."""
    table = build_index(dataset_path, key_by, reward)
    verifiers = Counter(table.column("verifier").to_pylist())
    summary = {
        "rows": table.num_rows,
        "key_by": key_by,
        "verifiers": dict(verifiers),
        "unknown_sources": verifiers.get("unknown", 0),
    }
    if summary["unknown_sources"]:
        log.warning(
            "%s: %d row(s) have a data_source no verifier knows; they are scored unknown_source",
            dataset_path,
            summary["unknown_sources"],
        )
    atomic.write_parquet(out_path, table, {METADATA_KEY: summary})
    return summary


def _rows(path: str | Path) -> Iterator[tuple[int, dict]]:
    """(position, row) over the file, READ_ROWS at a time; a corrupt page is an error naming its rows."""
    parquet = open_parquet(path)
    names = [c for c in _COLUMNS if c in parquet.schema_arrow.names]
    position = 0
    for group in range(parquet.num_row_groups):
        try:
            for batch in parquet.iter_batches(batch_size=READ_ROWS, row_groups=[group], columns=names):
                for row in batch.to_pylist():
                    yield position, row
                    position += 1
        except (OSError, ValueError, pa.ArrowException, UnicodeDecodeError) as exc:
            raise DatasetError(path, position, f"<row group {group}>", f"unreadable data ({exc})") from None


def _append(columns: dict[str, list], position: int, rid: str, row: dict, route) -> None:
    extra_info = row.get("extra_info") if isinstance(row.get("extra_info"), dict) else {}
    reference = extra_info.get("reference")
    for name, value in (
        ("row_index", position),
        ("row_id", rid),
        ("data_source", row["data_source"]),
        ("domain", domain_of(row["data_source"])),
        ("verifier", route.name),
        ("has_reference", isinstance(reference, str) and bool(reference.strip())),
    ):
        columns[name].append(value)
