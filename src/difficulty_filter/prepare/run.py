"""The prepare stage end to end: scan (patch, validate, length-filter) every input file in batches, compute quotas on
the post-filter sizes, sample, and write each file's sample plus a JSON summary, all atomically."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from .. import __version__
from ..atomic import atomic_path, write_json
from ..dataset import num_rows
from ..settings import Settings
from . import patches
from .bucket_quotas import bucket_labels, sample_by_bucket
from .checks import check_rows, check_schema
from .length_filter import PromptLengthFilter
from .naming import PrepareError, check_domain, output_name, output_prefix
from .sampling import proportional_quotas, rng, sample_positions

log = logging.getLogger(__name__)
METADATA_KEY = "difficulty_filter.prepare"


@dataclass(frozen=True)
class DomainJob:
    """What one prepare run over a domain's files needs."""

    domain: str
    output_dir: Path
    target_sample_size: int = -1
    seed: int = 42
    length_filter: PromptLengthFilter | None = None
    max_tests: int = 8
    max_prompt_chars: int = 4096 * 5
    bucket_quotas: dict[str, Fraction] | None = None
    pass_rate_column: str | None = None
    batch_rows: int = 4096
    summary_path: Path | None = None

    @property
    def patch_options(self) -> patches.PatchOptions:
        return patches.PatchOptions(seed=self.seed, max_tests=self.max_tests, max_prompt_chars=self.max_prompt_chars)


@dataclass
class FileScan:
    path: Path
    rows_input: int = 0
    kept: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    labels: np.ndarray | None = None
    patched: Counter = field(default_factory=Counter)

    @property
    def stem(self) -> str:
        return self.path.name.removesuffix(".parquet")


def triggers(settings: Settings) -> dict:
    """Every setting that changes a domain's sample (rule prepare's rerun triggers)."""
    prepare_ = settings.prepare
    model = settings.models[prepare_.tokenizer_model] if prepare_.max_prompt_tokens is not None else None
    return {
        "target_sample_size": prepare_.target_sample_size,
        "seed": prepare_.seed,
        "max_prompt_tokens": prepare_.max_prompt_tokens,
        "tokenizer": (model.tokenizer or model.path) if model else None,
        "chat_template_kwargs": model.chat_template_kwargs if model else {},
    }


def domain_job(settings: Settings, domain: str, output_dir: Path) -> DomainJob:
    """The prepare run of one domain of the workflow's `prepare` section, into `output_dir`."""
    options = triggers(settings)
    length_filter = (
        None
        if options["max_prompt_tokens"] is None
        else PromptLengthFilter(
            options["tokenizer"], options["max_prompt_tokens"], chat_template_kwargs=options["chat_template_kwargs"]
        )
    )
    return DomainJob(
        domain=domain,
        output_dir=output_dir,
        target_sample_size=options["target_sample_size"],
        seed=options["seed"],
        length_filter=length_filter,
        summary_path=output_dir / "summary.json",
    )


def prepare(inputs: Sequence[str | Path], settings: DomainJob) -> dict[str, Any]:
    """Run the stage on `inputs` (Parquet paths named `<domain>__<name>.parquet`); return the summary."""
    paths = [Path(p) for p in inputs]
    _check_settings(paths, settings)
    scans = [scan(path, settings) for path in paths]
    quotas = proportional_quotas([len(s.kept) for s in scans], settings.target_sample_size)
    files = [_sample_and_write(s, quota, settings) for s, quota in zip(scans, quotas)]
    summary = _summary(files, settings)
    write_json(settings.summary_path or settings.output_dir / f"{settings.domain}_summary.json", summary)
    return summary


def _check_settings(paths: list[Path], settings: DomainJob) -> None:
    check_domain(settings.domain)
    _ = settings.patch_options  # validates the codegen limits
    if not paths:
        raise PrepareError("no input files")
    if settings.target_sample_size < -1:
        raise PrepareError(f"target sample size must be -1 (all) or >= 0, got {settings.target_sample_size}")
    prefixes = Counter(output_prefix(settings.domain, p.name.removesuffix(".parquet")) for p in paths)
    clashes = [prefix for prefix, n in prefixes.items() if n > 1]
    if clashes:
        raise PrepareError(f"several inputs would be written as {clashes}; their names after '__' must differ")
    if settings.bucket_quotas is not None:
        if settings.target_sample_size == -1:
            raise PrepareError("bucket quotas need a target sample size (not -1)")
        if not settings.pass_rate_column:
            raise PrepareError("bucket quotas need a pass-rate column")


def scan(path: Path, settings: DomainJob) -> FileScan:
    """Patch, validate and length-filter `path` batch by batch; keep only the surviving row positions."""
    result = FileScan(path, rows_input=num_rows(path))
    parquet = pq.ParquetFile(path)
    check_schema(path, pl.from_arrow(parquet.schema_arrow.empty_table()).schema)
    kept, labels, offset = [], [], 0
    for batch in parquet.iter_batches(batch_size=settings.batch_rows):
        frame = pl.from_arrow(batch)
        check_rows(frame, path, offset)
        frame, changed = patches.apply(frame, settings.domain, settings.patch_options, path, offset)
        result.patched.update(changed)
        keep = (
            np.ones(frame.height, dtype=bool)
            if settings.length_filter is None
            else settings.length_filter.keep(frame["prompt"].to_list())
        )
        kept.append(offset + np.flatnonzero(keep))
        if settings.bucket_quotas is not None:
            labels.append(bucket_labels(frame, settings.pass_rate_column, path, offset)[keep])
        offset += frame.height
    if kept:
        result.kept = np.concatenate(kept)
    if settings.bucket_quotas is not None:
        result.labels = np.concatenate(labels) if labels else np.zeros(0, dtype=object)
    log.info(
        "%s: %d rows, %d after the length filter, patched %s",
        path,
        result.rows_input,
        len(result.kept),
        dict(result.patched),
    )
    return result


def _sample_and_write(scan_: FileScan, quota: int, settings: DomainJob) -> dict[str, Any]:
    key = scan_.stem
    record: dict[str, Any] = {
        "input": str(scan_.path),
        "rows_input": scan_.rows_input,
        "rows_after_length_filter": len(scan_.kept),
        "patched_input_rows": dict(scan_.patched),
        "quota": quota,
    }
    if settings.bucket_quotas is not None:
        positions, record["bucket_quotas"] = sample_by_bucket(
            scan_.kept, scan_.labels, quota, settings.bucket_quotas, settings.seed, key
        )
    else:
        positions = sample_positions(scan_.kept, quota, rng(settings.seed, key))
    record["rows_sampled"] = len(positions)
    record["shortfall"] = quota - record["rows_sampled"]
    if record["shortfall"]:
        log.warning(
            "%s: quota %d but only %d rows could be sampled; took them all", scan_.path, quota, record["rows_sampled"]
        )
    name = output_name(settings.domain, key, len(positions))
    write_rows(scan_.path, positions, settings.output_dir / name, settings)
    record["output"] = name
    return record


def write_rows(path: Path, positions: np.ndarray, out_path: Path, settings: DomainJob) -> None:
    """Write the rows at sorted `positions` of `path`, patched, streaming batch by batch, atomically."""
    parquet = pq.ParquetFile(path)
    empty, _ = patches.apply(
        pl.from_arrow(parquet.schema_arrow.empty_table()), settings.domain, settings.patch_options, path
    )
    metadata = {
        "source": str(path),
        "domain": settings.domain,
        "seed": settings.seed,
        "rows": len(positions),
        "version": __version__,
    }
    schema = empty.to_arrow().schema.with_metadata({METADATA_KEY: json.dumps(metadata)})
    offset = 0
    with atomic_path(out_path) as tmp, pq.ParquetWriter(tmp, schema) as writer:
        for batch in parquet.iter_batches(batch_size=settings.batch_rows):
            low, high = np.searchsorted(positions, [offset, offset + batch.num_rows])
            if high > low:
                frame = pl.from_arrow(batch.take(pa.array(positions[low:high] - offset)))
                frame, _ = patches.apply(frame, settings.domain, settings.patch_options, path)
                writer.write_table(frame.to_arrow().cast(schema))
            offset += batch.num_rows
            if high == len(positions):
                break


def _summary(files: list[dict[str, Any]], settings: DomainJob) -> dict[str, Any]:
    target = settings.target_sample_size
    sampled = sum(f["rows_sampled"] for f in files)
    lengths = settings.length_filter
    return {
        "domain": settings.domain,
        "version": __version__,
        "settings": {
            "target_sample_size": target,
            "seed": settings.seed,
            "max_prompt_tokens": lengths.max_prompt_tokens if lengths else None,
            "length_tolerance": lengths.tolerance if lengths else None,
            "tokenizer": lengths.tokenizer_dir if lengths else None,
            "chat_template_kwargs": lengths.chat_template_kwargs if lengths else None,
            "codegen_max_tests": settings.max_tests,
            "codegen_max_prompt_chars": settings.max_prompt_chars,
            "bucket_quotas": {k: float(v) for k, v in (settings.bucket_quotas or {}).items()} or None,
            "pass_rate_column": settings.pass_rate_column,
        },
        "totals": {
            "rows_input": sum(f["rows_input"] for f in files),
            "rows_after_length_filter": sum(f["rows_after_length_filter"] for f in files),
            "rows_sampled": sampled,
            "shortfall": max(target - sampled, 0) if target != -1 else 0,
        },
        "files": files,
    }
