"""What SLURM adds to a real run: sbatch submissions, jobs, wall time, and each job's wait before its script.

    python benchmarks/bench_slurm.py [--rows 3000] [--batch-size 64] [--batches-per-job 8] [--smoke]

Needs a running SLURM cluster with accounting (`.ci/slurm/start.sh`, as root, starts a one-node one in about
30 s; exit status 3 there means SLURM cannot run on this machine). A temp copy of the workflow gets a synthetic
math dataset and two `engine: file` models (rollouts written by `difficulty_filter.demo.synthetic`, so no GPU
and no vLLM), and runs once with `--profile profiles/slurm`, adapted to a CPU-only cluster on the command line
(generate on the `cpu` partition with 1 CPU; status checks from 2 s on). Reported, from the Snakemake output,
`sacct` and the jobs' progress records (docs/architecture.md):

* `sbatch_submissions`: jobs the run submitted (each one sbatch call and one allocation), per rule;
* `jobs`: every job of the run, local aggregates included (Snakemake's job stats);
* `wall_seconds`: from the start of Snakemake to the newest output under results/ (`to_exit_seconds`: to its exit);
* `before_script_seconds` per rule (min / median / max over its jobs): from the sbatch submission (`Submit` in
  sacct) to the job script's first progress record (`started`); split into `queue_seconds` (Submit to Start:
  waiting for the allocation) and `startup_seconds` (Start to the script: the job's own Snakemake parsing the
  Snakefile and building its one-job DAG).

`--smoke` is a tiny run (tests/benchmarks/test_bench_slurm.py). Writes benchmarks/results/bench_slurm.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

from difficulty_filter.demo.cluster import SLURM_ARGS, cluster_missing
from difficulty_filter.demo.synthetic import write
from difficulty_filter.demo.workflow import copy_workflow, workflow_command

ROOT = Path(__file__).resolve().parents[1]
# The user profile on the CI cluster: one `cpu` partition, no GPU (engine: file needs none).
EXIT_NO_CLUSTER = 3


def config(data: Path, batch_size: int, batches_per_job: int, n: int) -> dict:
    return {
        "results_dir": "results",
        "datasets": {"synthetic": str(data / "synthetic.parquet")},
        "models": {
            "weak": {"engine": "file", "generations": str(data / "weak.parquet")},
            "strong": {"engine": "file", "generations": str(data / "strong.parquet")},
        },
        "sampling": {"n": n, "seed": 1},
        "batching": {"batch_size": batch_size, "batches_per_job": batches_per_job},
        "reward": {"workers": 1},
        "filter": {"low": {"model": "strong", "threshold": 0.0}, "high": {"model": "weak", "threshold": 0.9}},
    }


def accounting(run_id: str) -> list[dict]:
    """The run's SLURM jobs (the plugin names them after the run ID) as sacct knows them."""
    out = subprocess.run(
        ["sacct", "-X", "-n", "-P", "-S", "now-1days", "--name", run_id, "-o", "JobID,State,Submit,Start,Comment"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    jobs = []
    for line in out.splitlines():
        job, state, submit, start, comment = line.split("|", 4)
        rule, _, wildcards = comment.removeprefix("rule_").partition("_wildcards_")
        jobs.append(
            {
                "id": job,
                "state": state.split()[0],
                "rule": rule,
                "wildcards": wildcards,
                "submit": _epoch(submit),
                "start": _epoch(start),
            }
        )
    return jobs


def _epoch(stamp: str) -> float | None:
    try:
        return datetime.fromisoformat(stamp).timestamp()  # sacct prints local time without a zone
    except ValueError:  # Unknown, None
        return None


def script_starts(work: Path) -> dict[tuple[str, str], float]:
    """(rule, progress job name such as reward_s00001) -> epoch seconds the job's script started, per model."""
    starts = {}
    for path in (work / "results").glob("*/*/progress/*.json"):
        record = json.loads(path.read_text())
        starts[(record["model"], path.stem)] = record["started"]
    return starts


def spread(values: list[float]) -> dict | None:
    if not values:
        return None
    return {
        "min": round(min(values), 2),
        "median": round(statistics.median(values), 2),
        "max": round(max(values), 2),
        "jobs": len(values),
    }


def measure(work: Path, timeout: int) -> dict:
    cmd = workflow_command(work, "--profile", str(work / "profiles/slurm"), *SLURM_ARGS, resumable=False)
    start = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    exited = time.time()
    output = proc.stdout + proc.stderr
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{output[-4000:]}")
    newest = max(p.stat().st_mtime for p in (work / "results").rglob("*") if p.is_file())
    run_id = re.search(r"SLURM run ID: (\S+)", output).group(1)
    jobs = accounting(run_id)
    total = re.search(r"^total\s+(\d+)", output, re.M)
    starts = script_starts(work)
    waits, queue, startup = defaultdict(list), defaultdict(list), defaultdict(list)
    for job in jobs:
        wildcards = job["wildcards"].split("_")  # <dataset>_<model>_<shard>: names of this run hold no "_"
        if len(wildcards) != 3:  # reference_check (per dataset) keeps no progress record
            continue
        model, shard = wildcards[1], wildcards[2]
        started = starts.get((model, f"{job['rule']}_s{shard}"))
        if job["state"] != "COMPLETED" or started is None or job["submit"] is None:
            continue
        waits[job["rule"]].append(started - job["submit"])
        if job["start"] is not None:
            queue[job["rule"]].append(job["start"] - job["submit"])
            startup[job["rule"]].append(started - job["start"])
    return {
        "sbatch_submissions": dict(Counter(job["rule"] for job in jobs)),
        "sbatch_total": len(jobs),
        "jobs": int(total.group(1)) if total else None,
        "wall_seconds": round(newest - start, 1),
        "to_exit_seconds": round(exited - start, 1),
        "before_script_seconds": {rule: spread(v) for rule, v in waits.items()},
        "queue_seconds": {rule: spread(v) for rule, v in queue.items()},
        "startup_seconds": {rule: spread(v) for rule, v in startup.items()},
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=3000)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--batches-per-job", type=int, default=8)
    p.add_argument("--n", type=int, default=4, help="responses per prompt")
    p.add_argument("--smoke", action="store_true", help="a tiny run: 48 rows, batches of 8, 3 per job, n 2")
    p.add_argument("--timeout", type=int, default=3600, help="seconds for the whole run")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "bench_slurm.json")
    args = p.parse_args()
    if args.smoke:
        args.rows, args.batch_size, args.batches_per_job, args.n = 48, 8, 3, 2
    reason = cluster_missing()
    if reason:
        print(f"bench_slurm: {reason}", file=sys.stderr)
        raise SystemExit(EXIT_NO_CLUSTER)

    # on the shared file system the jobs see: the temp folder of this host is the node's (one-node CI cluster)
    work = Path(tempfile.mkdtemp(prefix="bench-slurm-"))
    try:
        data = work / "data"
        data.mkdir()
        write(data / "synthetic.parquet", data / "weak.parquet", args.rows, args.n, seed=1)
        write(data / "same.parquet", data / "strong.parquet", args.rows, args.n, seed=1)
        wf = copy_workflow(ROOT, work / "w", config(data, args.batch_size, args.batches_per_job, args.n))
        result = measure(wf, args.timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "load": os.getloadavg()[0]},
        "setup": {
            "rows": args.rows,
            "models": 2,
            "n": args.n,
            "batch_size": args.batch_size,
            "batches_per_job": args.batches_per_job,
        },
        **result,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
