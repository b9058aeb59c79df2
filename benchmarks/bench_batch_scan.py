"""Cost of the footer check of every batch file that the workflow runs before planning its jobs.

    python benchmarks/bench_batch_scan.py [--batches 10000] [--batch-size 128] [--n 16] [--out FILE]

Writes `--batches` generations batches and as many rewards batches (real schemas, short responses: the footer's
size depends on the columns and row groups, not on the text) and times `batch_repair.remove_damaged` over all
of them twice (files in the page cache, as right after a run): a first scan that reads every footer, then,
after 1 in 1000 files is truncated, a scan that reads only the footers of files changed since they were found
intact. Reports seconds and microseconds per file; writes benchmarks/results/bench_batch_scan.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from difficulty_filter import atomic
from difficulty_filter.generation.records import METADATA_KEY, SCHEMA
from difficulty_filter.results.batch_check import Expected
from difficulty_filter.workflow.batch_repair import Batch, Shard, remove_damaged

ROOT = Path(__file__).resolve().parents[1]


def batch_table(start: int, rows: int, n: int) -> pa.Table:
    index = [start + i // n for i in range(rows * n)]
    return pa.table(
        {
            "row_index": pa.array(index, pa.int64()),
            "data_source": ["math__synthetic"] * len(index),
            "sample_index": pa.array([i % n for i in range(len(index))], pa.int32()),
            "response": ["\\boxed{1}"] * len(index),
            "response_tokens": pa.array([3] * len(index), pa.int32()),
            "finish_reason": ["stop"] * len(index),
            "prompt_tokens": pa.array([9] * len(index), pa.int32()),
            "too_long": [False] * len(index),
            "prompt_truncated": [False] * len(index),
        },
        schema=SCHEMA,
    )


def write_batches(folder: Path, batches: int, batch_size: int, n: int, per_shard: int = 8) -> list[Shard]:
    shards = []
    for s in range(0, batches, per_shard):
        members = []
        for b in range(s, min(s + per_shard, batches)):
            name = f"batch_s{b // per_shard:05d}_p{b % per_shard:03d}.parquet"
            table = batch_table(b * batch_size, batch_size, n)
            gen, rew = folder / "generations" / name, folder / "rewards" / name
            atomic.write_parquet(gen, table, {METADATA_KEY: {"cache_key": f"key{b}"}})
            atomic.write_parquet(
                rew, table.drop_columns(["response"]).append_column("score", pa.array([1.0] * table.num_rows))
            )
            members.append(Batch(str(gen), str(rew), Expected(b * batch_size, (b + 1) * batch_size, n)))
        shards.append(Shard(str(folder / "cache"), members))
    return shards


def damage(shards: list[Shard], every: int = 1000) -> int:
    files = [path for shard in shards for batch in shard.batches for path in (batch.generations, batch.rewards)]
    for path in files[::every]:
        with open(path, "r+b") as fh:
            fh.truncate(os.path.getsize(path) // 2)
    return len(files[::every])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--n", type=int, default=16)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/bench_batch_scan.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_scan_") as tmp:
        started = time.monotonic()
        shards = write_batches(Path(tmp), args.batches, args.batch_size, args.n)
        written = time.monotonic() - started
        known_good = Path(tmp) / "known_good.json"
        started = time.monotonic()
        assert remove_damaged(shards, known_good) == []
        full = time.monotonic() - started
        damaged = damage(shards)
        started = time.monotonic()
        messages = remove_damaged(shards, known_good)
        incremental = time.monotonic() - started
    files = 2 * args.batches
    result = {
        "batches": args.batches,
        "files": files,
        "batch_size": args.batch_size,
        "n": args.n,
        "write_seconds": round(written, 2),
        "full_scan_seconds": round(full, 3),
        "full_scan_us_per_file": round(1e6 * full / files, 1),
        "damaged": damaged,
        "found": len(messages),
        "incremental_scan_seconds": round(incremental, 3),
        "incremental_scan_us_per_file": round(1e6 * incremental / files, 1),
    }
    print(json.dumps(result, indent=2))
    atomic.write_json(args.out, result)
    return 0 if len(messages) == damaged else 1


if __name__ == "__main__":
    sys.exit(main())
