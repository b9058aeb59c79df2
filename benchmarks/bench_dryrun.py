"""DAG-build time of `snakemake -n` for a synthetic 1M-prompt dataset x 2 models.

    python benchmarks/bench_dryrun.py [--rows 1000000] [--batch-size 128] [--batches-per-job 8] [--repeats 2]

The workflow reads only the Parquet footer at parse time, so the dataset's rows are tiny. A temp copy of
the workflow (Snakefile, rules/, scripts/, config/) gets a two-model config (weak on 1 GPU, strong on 2
GPUs, like config/two-models.yaml); the default target (every filtered dataset) is dry-run with
`--quiet rules`, and also with `--profile profiles/slurm` (what a SLURM user sees before submitting).
Reports wall and CPU seconds (median), the load average, the job count and the largest RSS of any dry run;
writes benchmarks/results/bench_dryrun.json. Figures and where the time goes: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from difficulty_filter.demo.workflow import copy_workflow

ROOT = Path(__file__).resolve().parents[1]


def make_dataset(path: Path, rows: int, chunk: int = 100_000) -> None:
    """`rows` one-line math prompts, written in row groups of `chunk`."""
    writer = None
    for start in range(0, rows, chunk):
        ids = range(start, min(start + chunk, rows))
        table = pa.table(
            {
                "data_source": ["math__synthetic"] * len(ids),
                "prompt": [[{"role": "user", "content": f"{i}+1=?"}] for i in ids],
                "ability": ["math"] * len(ids),
                "apply_chat_template": [True] * len(ids),
                "reward_model": [{"style": "rule", "ground_truth": str(i + 1)} for i in ids],
                "extra_info": [{"split": "train", "index": i} for i in ids],
            }
        )
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()


def config(dataset: Path, models_dir: Path, batch_size: int, batches_per_job: int) -> dict:
    for name in ("weak", "strong"):
        (models_dir / name).mkdir(parents=True, exist_ok=True)
        (models_dir / name / "config.json").write_text("{}")
    return {
        "results_dir": "results",
        "datasets": {"synthetic": str(dataset)},
        "models": {
            "weak": {"path": str(models_dir / "weak"), "gpus_per_job": 1, "slurm": {"mem_mb": 64000, "runtime": 240}},
            "strong": {
                "path": str(models_dir / "strong"),
                "gpus_per_job": 2,
                "tensor_parallel_size": 2,
                "enable_expert_parallel": True,
                "slurm": {"mem_mb": 128000, "runtime": 720},
            },
        },
        "batching": {"batch_size": batch_size, "batches_per_job": batches_per_job},
        "filter": {"low": {"model": "strong", "threshold": 0.0}, "high": {"model": "weak", "threshold": 0.9}},
    }


def dry_run(work: Path, extra: list[str]) -> dict:
    cmd = [str(Path(sys.executable).parent / "snakemake"), "-n", "--quiet", "rules", "--cores", "1", *extra]
    load_before = os.getloadavg()[0]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    seconds = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    total = re.search(r"^total\s+(\d+)", proc.stdout + proc.stderr, re.M)
    return {
        "seconds": round(seconds, 2),
        # CPU seconds (user + system) of the dry run: on a busy machine the wall time is up to load/cores larger
        "cpu_seconds": round(cpu, 2),
        "jobs": int(total.group(1)) if total else None,
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--batches-per-job", type=int, default=8)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "bench_dryrun.json")
    args = p.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-dryrun-"))
    try:
        copy_workflow(ROOT, work)
        start = time.monotonic()
        make_dataset(work / "synthetic.parquet", args.rows)
        write_seconds = time.monotonic() - start
        cfg = config(work / "synthetic.parquet", work / "models", args.batch_size, args.batches_per_job)
        (work / "config" / "config.yaml").write_text(yaml.safe_dump(cfg))
        results = {}
        for label, extra in (("local", []), ("slurm_profile", ["--profile", "profiles/slurm"])):
            runs = [dry_run(work, extra) for _ in range(args.repeats)]
            results[label] = {
                "median_seconds": statistics.median(r["seconds"] for r in runs),
                "median_cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
                "runs": runs,
            }
            print(
                f"{label}: {results[label]['median_seconds']} s ({results[label]['median_cpu_seconds']} CPU s) "
                f"for {runs[0]['jobs']} jobs, load {runs[0]['load_before']}",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "setup": {
            "rows": args.rows,
            "models": 2,
            "batch_size": args.batch_size,
            "batches_per_job": args.batches_per_job,
            "dataset_write_seconds": round(write_seconds, 1),
        },
        "dry_run": results,
        # largest resident set of any dry run (getrusage of children; Linux reports KiB)
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
