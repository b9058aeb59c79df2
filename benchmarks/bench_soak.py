"""Soak run without a GPU: synthetic prompts x n responses (engine: file) through the whole workflow.

    python benchmarks/bench_soak.py [--rows 100000] [--n 16] [--batch-size 1024] [--batches-per-job 8]
                                    [--workers 2] [--cores 2] [--code-share 0.0005] [--workdir DIR] [--out FILE]

A copy of the workflow in `--workdir` (default: a temp folder) gets a dataset of `--rows` prompts over the
cheap domains of `difficulty_filter.demo.synthetic` (math, multiple choice, table, three logic puzzles, codeio;
codegen rows, which run in the sandbox, at `--code-share`) and one `engine: file` model with `--n` responses per
prompt, then `difficulty-filter run` builds everything: row index, import, generate (copies), reward,
reference check, pass rates, annotate, filter, reports. From Snakemake's benchmark records and log it reports
per stage the jobs, wall seconds (first start to last end), summed job seconds and the largest peak RSS of a
job; responses scored per second; and the aggregate stages' peak RSS against the size of the data they
aggregate (the rewards batches, as Arrow tables in memory). Writes benchmarks/results/bench_soak.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq

from difficulty_filter import atomic
from difficulty_filter.demo.synthetic import write
from difficulty_filter.demo.workflow import copy_workflow, workflow_command

ROOT = Path(__file__).resolve().parents[1]
#: Stages that read every response of a dataset x model (or their per-prompt results).
AGGREGATES = ("import_generations", "pass_rates", "annotate", "filter", "report_dataset", "report_combined")
STAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")
STARTED = re.compile(r"^(?:local)?rule (\w+):$")
FINISHED = re.compile(r"^Finished jobid: \d+ \(Rule: (\w+)\)$")


def prepare(work: Path, rows: int, n: int, args) -> dict:
    data = work / "data"
    data.mkdir()
    started = time.monotonic()
    write(data / "soak.parquet", data / "rollouts.parquet", rows, n, seed=0, code_share=args.code_share)
    config = {
        "datasets": {"soak": "data/soak.parquet"},
        "models": {"synthetic": {"engine": "file", "generations": "data/rollouts.parquet"}},
        "sampling": {"n": n},
        "batching": {"batch_size": args.batch_size, "batches_per_job": args.batches_per_job},
        "reward": {"workers": args.workers},
        "filter": {"low": {"model": "synthetic", "threshold": 0.0}, "high": {"model": "synthetic", "threshold": 0.9}},
    }
    copy_workflow(ROOT, work, config)
    return {
        "seconds": round(time.monotonic() - started, 1),
        "dataset_bytes": (data / "soak.parquet").stat().st_size,
        "rollouts_bytes": (data / "rollouts.parquet").stat().st_size,
    }


def stage_spans(log: Path) -> dict[str, float]:
    """Wall seconds per rule, from its first job's start to its last job's end (Snakemake's 1 s timestamps)."""
    first, last, stamp = {}, {}, None
    for line in log.read_text().splitlines():
        if m := STAMP.match(line):
            stamp = datetime.strptime(m.group(1), "%a %b %d %H:%M:%S %Y").timestamp()
        elif (m := STARTED.match(line)) and stamp is not None:
            first.setdefault(m.group(1), stamp)
        elif (m := FINISHED.match(line)) and stamp is not None:
            last[m.group(1)] = stamp
    return {rule: last[rule] - first[rule] for rule in first if rule in last}


def job_records(work: Path) -> dict[str, list[dict]]:
    """Snakemake's benchmark records (seconds, max_rss in MB, ...) per rule."""
    records = defaultdict(list)
    for path in (work / "benchmarks/runs").rglob("*.tsv"):
        rule = path.relative_to(work / "benchmarks/runs").parts[0]
        with open(path) as fh:
            records[rule] += [{k: _number(v) for k, v in row.items()} for row in csv.DictReader(fh, delimiter="\t")]
    return records


def _number(value: str):
    try:
        return float(value)
    except ValueError:
        return value


def rewards_size(work: Path) -> dict:
    """The rewards batches: responses, bytes on disk and in memory (Arrow), what the aggregate stages read."""
    files = list((work / "results/soak/synthetic/rewards").glob("*.parquet"))
    tables = [pq.read_table(p) for p in files]
    return {
        "files": len(files),
        "responses": sum(t.num_rows for t in tables),
        "bytes_on_disk": sum(p.stat().st_size for p in files),
        "bytes_in_memory": sum(t.nbytes for t in tables),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--n", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--batches-per-job", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="reward.workers (verifier processes per reward job)")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--code-share", type=float, default=0.0005, help="share of codegen rows (sandboxed)")
    parser.add_argument("--workdir", type=Path, help="keep the run here (default: a temp folder, removed)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/bench_soak.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_soak_") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        data = prepare(work, args.rows, args.n, args)
        started = time.monotonic()
        run = subprocess.run(workflow_command(work, "--cores", str(args.cores)), capture_output=True, text=True)
        wall = time.monotonic() - started
        if run.returncode:
            print(run.stderr[-6000:], file=sys.stderr)
            return 1
        spans = stage_spans(max((work / ".snakemake/log").glob("*.log")))
        records = job_records(work)
        size = rewards_size(work)
    stages = {
        rule: {
            "jobs": len(rows),
            "wall_seconds": spans.get(rule),
            "job_seconds": round(sum(r["s"] for r in rows), 1),
            "max_rss_mb": max(r["max_rss"] for r in rows if isinstance(r["max_rss"], float)),
        }
        for rule, rows in sorted(records.items())
    }
    reward = stages["reward"]
    data_mb = size["bytes_in_memory"] / 2**20
    result = {
        "rows": args.rows,
        "n": args.n,
        "batch_size": args.batch_size,
        "batches_per_job": args.batches_per_job,
        "workers": args.workers,
        "cores": args.cores,
        "code_share": args.code_share,
        "data": data,
        "workflow_wall_seconds": round(wall, 1),
        "stages": stages,
        "rewards": size,
        "responses_per_second": {
            "reward_stage_wall": round(size["responses"] / max(reward["wall_seconds"], 1), 1),
            "per_reward_job_second": round(size["responses"] / reward["job_seconds"], 1),
        },
        "aggregate_rss_vs_data": {
            rule: round(stages[rule]["max_rss_mb"] / data_mb, 2) for rule in AGGREGATES if rule in stages
        },
        "rewards_in_memory_mb": round(data_mb, 1),
    }
    print(json.dumps(result, indent=2))
    atomic.write_json(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
