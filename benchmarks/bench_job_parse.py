"""Seconds a cluster job spends parsing the workflow before its script starts, on a large results tree.

    python benchmarks/bench_job_parse.py [--batches 10000] [--repeats 3] [--repo PATH] [--smoke]

A copy of the workflow at `--repo` (default: this checkout; run with PYTHONPATH=<repo>/src to time another
checkout's library) gets a dataset of `--batches` one-row batches and one `engine: file` model, and a results
tree holding every generations and rewards batch file (so a parse-time scan would have 2 x batches footers to
read). Timed: what a SLURM job runs first, Snakemake in remote mode building one job's DAG
(`--mode remote --target-jobs pass_rates:... -n`), and, for comparison, the main process's dry run of the
whole plan (`-n`). Prints median wall and CPU seconds (user + system, unaffected by other load) and writes
benchmarks/results/bench_job_parse.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

from difficulty_filter.demo.workflow import copy_workflow

ROOT = Path(__file__).resolve().parents[1]


def make_tree(work: Path, batches: int) -> None:
    """Dataset, rollouts file and a results tree with every batch file of the plan (one row each)."""
    (work / "data").mkdir()
    rows = [
        {
            "data_source": "math__synthetic",
            "prompt": [{"role": "user", "content": f"{i}+1=?"}],
            "ability": "math",
            "reward_model": {"style": "rule", "ground_truth": str(i + 1)},
            "extra_info": {"index": i},
        }
        for i in range(batches)
    ]
    pq.write_table(pa.Table.from_pylist(rows), work / "data/big.parquet")
    (work / "data/rollouts.jsonl").write_text("")
    template = work / "template.parquet"
    pq.write_table(pa.table({"row_index": [0], "sample_index": [0], "response": ["1"]}), template)
    for kind in ("generations", "rewards"):
        folder = work / "results/big/m" / kind
        folder.mkdir(parents=True)
        for b in range(batches):
            shutil.copyfile(template, folder / f"batch_s{b // 8:05d}_p{b % 8:03d}.parquet")


def timed(cmd: list[str], cwd: Path, repeats: int) -> dict[str, float]:
    """Median wall seconds and CPU seconds (user + system, independent of other load) of `cmd`."""
    wall, cpu = [], []
    for _ in range(repeats):
        before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall.append(time.perf_counter() - start)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode:
            sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    return {"wall_s": round(statistics.median(wall), 2), "cpu_s": round(statistics.median(cpu), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--smoke", action="store_true", help="16 batches, one repeat")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/bench_job_parse.json")
    args = parser.parse_args()
    if args.smoke:
        args.batches, args.repeats = 16, 1
    config = {
        "datasets": {"big": "data/big.parquet"},
        "models": {"m": {"engine": "file", "generations": "data/rollouts.jsonl"}},
        "batching": {"batch_size": 1, "batches_per_job": 8},
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = copy_workflow(args.repo, Path(tmp) / "w", config)
        make_tree(work, args.batches)
        snakemake = [sys.executable, "-m", "snakemake", "--cores", "1", "--quiet", "all"]
        job = [*snakemake, "--mode", "remote", "--target-jobs", "pass_rates:dataset=big,model=m"]
        job += ["--allowed-rules", "pass_rates", "-n"]
        result = {
            "batches": args.batches,
            "batch_files": 2 * args.batches,
            "repo": str(args.repo),
            "job_parse": timed(job, work, args.repeats),
            "main_dry_run": timed([*snakemake, "-n"], work, args.repeats),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        }
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
