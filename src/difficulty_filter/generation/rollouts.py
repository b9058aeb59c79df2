"""Generations a model already has (`engine: file`): imported once per dataset x model, then read per batch.

A source is a generations Parquet file or a folder of them (the schema of docs/architecture.md; rows matched by
`row_index`, or by `row_id` when the file has one), or a JSONL file in the `score` command's format (one
`{"id", "data_source", "response"[, "finish_reason"]}` per line; rows matched by `data_source` and `id`;
ground truth and extra_info always come from the dataset). A source may hold rows of other datasets: they are
left out. Every row of the dataset needs exactly `sampling.n` responses (or one `sample_index = -1` row for a
prompt that could not be generated); responses of a row without `sample_index` are numbered in file order.

The import writes one Parquet file sorted by row, in row groups small enough that a batch reads only its own.
"""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import atomic
from ..results.batch_check import Expected, check_table
from ..results.progress import Progress
from ..settings import SamplingSettings
from .records import FINISH_REASONS, SCHEMA, write_batch, write_placeholder

log = logging.getLogger(__name__)

JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSONL_SCHEMA = {"id": pl.String, "data_source": pl.String, "response": pl.String, "finish_reason": pl.String}
#: Rows per row group of the imported file (a batch of 128 prompts x n=16 spans one or two).
ROW_GROUP_ROWS = 16_384


class RolloutsError(ValueError):
    """The rollouts file cannot provide this dataset's generations; the message names the file."""


def triggers(sampling: SamplingSettings) -> dict:
    """Settings that change an import: the responses each row must have."""
    return {"n": sampling.n}


def scan_source(path: str | Path) -> pl.LazyFrame:
    """The source's rows, lazily; a JSONL file's `id` becomes `row_id`."""
    path = Path(path)
    if not path.exists():
        raise RolloutsError(f"{path}: rollouts file not found (models.<name>.generations)")
    if path.suffix in JSONL_SUFFIXES:
        return pl.scan_ndjson(path, schema=JSONL_SCHEMA).rename({"id": "row_id"})
    return pl.scan_parquet(path / "**" / "*.parquet" if path.is_dir() else path)


def import_rollouts(source: str | Path, index: pl.DataFrame, n: int, out_path: str | Path) -> dict:
    """Write the dataset's generations from `source` (`index`: row_index, row_id, data_source per dataset row)."""
    rows = _matched(source, index)
    with atomic.atomic_path(out_path) as tmp:
        rows.sink_parquet(tmp, row_group_size=ROW_GROUP_ROWS)
        keys = pl.read_parquet(tmp, columns=["row_index", "sample_index"])
        _check_complete(source, keys, index, n)
    summary = {"source": str(source), "rows": index.height, "responses": int((keys["sample_index"] >= 0).sum())}
    log.info("imported %s", summary)
    return summary


def read_batch(imported: str | Path, start: int, stop: int, n: int) -> pa.Table:
    """Rows [start, stop) of an imported file, checked to be complete (row groups outside are not read)."""
    table = pq.read_table(imported, filters=[("row_index", ">=", start), ("row_index", "<", stop)], schema=SCHEMA)
    check_table(imported, table, Expected(start, stop, n))
    return table


def copy_rollouts(
    imported: str | Path | None, parts: list[tuple[int, int, str]], n: int, metadata: dict, progress: Progress
) -> int:
    """Write a shard's batch files (`(start, stop, path)` parts) from an imported file; return the prompts."""
    if imported is None:
        raise RolloutsError("engine: file needs the imported rollouts file (rule import_generations)")
    prompts = sum(max(stop - start, 0) for start, stop, _ in parts)
    progress.expect(prompts=prompts, responses=prompts * n)
    progress.phase("copying rollouts")
    for start, stop, out in parts:
        if stop <= start:
            write_placeholder(out, metadata)
            continue
        table = read_batch(imported, start, stop, n)
        write_batch(out, table, metadata)
        progress.add(prompts=stop - start, responses=pc.sum(pc.greater_equal(table["sample_index"], 0)).as_py())
        log.info("wrote %s (%d rows)", out, table.num_rows)
    return prompts


def _matched(source: str | Path, index: pl.DataFrame) -> pl.LazyFrame:
    """Source rows joined to dataset rows, in the generations schema, sorted by row and sample."""
    frame = scan_source(source)
    names = frame.collect_schema().names()
    if "response" not in names:
        raise RolloutsError(f"{source}: no `response` column/field")
    if "row_id" in names:
        keys = ["row_id"]
        frame = frame.with_columns(pl.col("row_id").cast(pl.String)).drop("row_index", strict=False)
    elif "row_index" in names:
        keys = ["row_index"]
    else:
        raise RolloutsError(f"{source}: rows need `row_id` (JSONL: `id`) or `row_index` to be matched to the dataset")
    keys += ["data_source"] if "data_source" in names else []
    frame = frame.with_row_index("_order").join(index.lazy().select("row_index", "row_id", "data_source"), on=keys)
    if "sample_index" not in names:
        frame = frame.sort("_order").with_columns(pl.int_range(pl.len()).over("row_index").alias("sample_index"))
    reason = pl.col("finish_reason") if "finish_reason" in names else pl.lit(None, pl.String)
    defaults = {
        "response_tokens": pl.lit(None, pl.Int32),
        "prompt_tokens": pl.lit(None, pl.Int32),
        "too_long": pl.lit(False),
        "prompt_truncated": pl.lit(False),
    }
    columns = {name: pl.col(name) if name in names else default for name, default in defaults.items()}
    columns["finish_reason"] = (
        pl.when(reason.is_null())
        .then(pl.lit("stop"))
        .when(reason.is_in(list(FINISH_REASONS)))
        .then(reason)
        .otherwise(pl.lit("abort"))
    )
    dtypes = dict(zip(SCHEMA.names, pl.from_arrow(SCHEMA.empty_table()).dtypes))
    return (
        frame.with_columns(**columns)
        .select([pl.col(name).cast(dtype) for name, dtype in dtypes.items()])
        .sort("row_index", "sample_index")
    )


def _check_complete(source: str | Path, keys: pl.DataFrame, index: pl.DataFrame, n: int) -> None:
    """Every dataset row has its n responses; the errors name the rows by id."""
    found = keys["row_index"].unique()
    if found.len() == 0:
        raise RolloutsError(
            f"{source}: no rollout matches a row of this dataset (ids like "
            f"{', '.join(map(repr, index['row_id'].head(3).to_list()))})"
        )
    absent = index.filter(~pl.col("row_index").is_in(found.implode()))
    if absent.height:
        shown = ", ".join(f"{rid!r} (row {pos})" for pos, rid in absent.select("row_index", "row_id").head(5).rows())
        raise RolloutsError(
            f"{source}: no responses for {absent.height} of the dataset's {index.height} rows: "
            f"{shown}{' ...' if absent.height > 5 else ''}"
        )
    try:
        check_table(source, keys, Expected(0, index.height, n))
    except ValueError as exc:
        raise RolloutsError(f"{exc} (sampling.n is {n})") from None
