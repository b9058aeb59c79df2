"""The workflow on a real SLURM cluster, with `--profile profiles/slurm` and the CPU demo model.

Every generate and reward job goes through sbatch, the outputs equal a local run's, a job cancelled with
`scancel` is resubmitted alone by the next run, and a generate job cancelled mid-shard keeps its finished
batches. Needs a running cluster with accounting (`.ci/slurm/start.sh`, as root); skips without one.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from ..conftest import verl_row
from ..e2e.test_workflow import COPY, job_counts

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 420  # s per Snakemake call: the executor plugin can wait forever when its status queries fail
# The user profile, adapted to the test cluster on the command line: the demo model is a CPU model, so generate
# runs on the CPU partition (asking for 1 of the node's 2 CPUs leaves room for the reference check), and short
# jobs are polled soon.
SLURM_ARGS = ["--set-resources", "generate:slurm_partition=cpu", "--set-threads", "generate=1",
              "--slurm-init-seconds-before-status-checks", "2"]
SLURM_RULES = {"generate", "reward", "reference_check"}  # every other rule is local
BATCHES = ["s00000_p000", "s00000_p001", "s00000_p002"]

pytestmark = [pytest.mark.e2e, pytest.mark.vllm, pytest.mark.slurm]


def cluster_missing() -> str | None:
    """Why no SLURM cluster can take this module's jobs, or None."""
    hint = "start one as root with .ci/slurm/start.sh"
    if not shutil.which("sbatch"):
        return f"SLURM is not installed ({hint})"
    try:
        nodes = subprocess.run(["sinfo", "-h", "-N", "-o", "%T"], capture_output=True, text=True, timeout=20)
        sacct = subprocess.run(["sacct", "-n", "-X"], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return f"SLURM does not answer ({hint})"
    if not {"idle", "mixed", "allocated"} & set(nodes.stdout.split()):
        return f"no SLURM node is up: {nodes.stdout.strip() or nodes.stderr.strip()} ({hint})"
    if sacct.returncode:
        return f"SLURM accounting (sacct) does not work: {sacct.stderr.strip()} ({hint})"
    return None


def start(work: Path, *args: str, slurm: bool = True) -> subprocess.Popen:
    """Start Snakemake in `work`, on SLURM unless `slurm` is false; its output goes to `work`/snakemake.out."""
    cmd = [sys.executable, "-m", "snakemake", "--directory", str(work), "--snakefile", str(work / "Snakefile"),
           *(["--profile", str(work / "profiles/slurm"), *SLURM_ARGS] if slurm else ["--cores", "2"]), *args]
    with open(work / "snakemake.out", "w") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def finish(work: Path, proc: subprocess.Popen, while_running=None) -> tuple[int, str]:
    """Wait (under a hard timeout) for Snakemake `start`ed in `work`; return its exit code and output.

    `while_running()` is called every 0.2 s until it exits.
    """
    deadline = time.monotonic() + TIMEOUT
    while proc.poll() is None:
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            pytest.fail(f"{' '.join(proc.args)} ran over {TIMEOUT} s")
        if while_running:
            while_running()
        time.sleep(0.2)
    return proc.returncode, (work / "snakemake.out").read_text()


def snakemake(work: Path, *args: str, while_running=None) -> tuple[int, str]:
    """Run Snakemake on SLURM in `work` (see `start` and `finish`)."""
    return finish(work, start(work, *args), while_running)


def queue(work: Path) -> dict[str, str]:
    """This workflow's queued or running SLURM jobs: job id -> comment (rule_<rule>_wildcards_<...>)."""
    lines = subprocess.run(["squeue", "-h", "-o", "%i|%Z|%k"], capture_output=True, text=True,
                           timeout=20).stdout.splitlines()
    return {job: comment for job, workdir, comment in (line.split("|", 2) for line in lines)
            if workdir == str(work)}


def cancel_job_of(work: Path, comment: str, when=lambda: True):
    """A `while_running` callback: scancel the job whose comment is `comment` once `when()` holds; returns ids."""
    cancelled = []

    def poll():
        if cancelled or not when():
            return
        for job, job_comment in queue(work).items():
            if job_comment == comment:
                subprocess.run(["scancel", job], check=True, timeout=20)
                cancelled.append(job)
    poll.cancelled = cancelled
    return poll


def accounting(output: str) -> list[dict]:
    """The SLURM jobs of the Snakemake run that printed `output`, as accounting knows them."""
    run_id = re.search(r"SLURM run ID: (\S+)", output).group(1)  # the plugin's job name for the run's jobs
    out = subprocess.run(["sacct", "-X", "-n", "-P", "-S", "now-1days", "--name", run_id,
                          "-o", "JobID,State,Partition,Comment"],
                         capture_output=True, text=True, check=True, timeout=30).stdout
    jobs = []
    for line in out.splitlines():
        job, state, partition, comment = line.split("|", 3)
        rule, _, wildcards = comment.removeprefix("rule_").partition("_wildcards_")
        jobs.append({"id": job, "state": state.split()[0], "partition": partition, "rule": rule,
                     "wildcards": wildcards})
    return jobs


def outputs(work: Path) -> dict[str, object]:
    """Every Parquet and JSON output of the dataset, as frames and dicts."""
    results = work / "results/tiny"
    tables = {str(p.relative_to(results)): pl.read_parquet(p) for p in sorted(results.rglob("*.parquet"))}
    docs = {str(p.relative_to(results)): json.loads(p.read_text()) for p in sorted(results.rglob("*.json"))}
    return {**tables, **docs}


def assert_same_outputs(work: Path, reference: Path) -> None:
    ours, theirs = outputs(work), outputs(reference)
    assert ours.keys() == theirs.keys()
    for name, value in ours.items():
        same = value.equals(theirs[name]) if isinstance(value, pl.DataFrame) else value == theirs[name]
        assert same, f"{name} differs between the SLURM and the local run"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def cluster():
    reason = cluster_missing()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def make_workflow(tmp_path_factory, smollm2_dir):
    """A copy of the workflow with a 6-row dataset and one CPU model: 1 generate job of 3 batches, 3 reward jobs."""
    made = []

    def make(name: str) -> Path:
        work = tmp_path_factory.mktemp(name)
        for item in COPY:
            if (REPO / item).exists():
                (shutil.copytree if (REPO / item).is_dir() else shutil.copy)(REPO / item, work / item)
        (work / "data").mkdir()
        rows = [verl_row(i, f"What is {i} + {i + 1}?", str(2 * i + 1)) for i in range(6)]
        pq.write_table(pa.Table.from_pylist(rows), work / "data/tiny.parquet")
        model = {"path": str(smollm2_dir), "engine": "offline", "dtype": "float32", "max_model_len": 512,
                 "gpus_per_job": 0, "gpu_memory_utilization": 0.2, "enforce_eager": True,
                 # one sequence at a time: batches finish one after another, so a cancel lands mid-shard, and
                 # a resumed shard computes exactly what an uninterrupted one does
                 "engine_args": {"max_num_seqs": 1, "enable_prefix_caching": False},
                 "slurm": {"mem_mb": 4000, "runtime": 15}}
        config = {
            "results_dir": "results",
            "datasets": {"tiny": "data/tiny.parquet"},
            "models": {"smol": model},
            "sampling": {"n": 2, "temperature": 0.8, "max_new_tokens": 24, "seed": 7},
            "prompts": {"max_prompt_length": 256, "truncation": "left"},
            "batching": {"batch_size": 2, "batches_per_job": 3},
            "reward": {"workers": 1, "timeout": 20},
            "filter": {"low": {"model": "smol", "threshold": 0.0}, "high": {"model": "smol", "threshold": 0.9}},
        }
        (work / "config/config.yaml").write_text(yaml.safe_dump(config))
        made.append(work)
        return work

    yield make
    for job, workdir in (line.split("|") for line in subprocess.run(  # leave no job of ours behind
            ["squeue", "-h", "-o", "%i|%Z"], capture_output=True, text=True).stdout.splitlines()):
        if any(workdir == str(work) for work in made):
            subprocess.run(["scancel", job])


@pytest.fixture(scope="module")
def baseline(cluster, make_workflow):
    """The workflow run on SLURM, and locally. The local run starts once the SLURM generate job has written its
    batches (from then on the SLURM run mostly waits for status checks): two vLLM engines on 2 CPUs crawl."""
    local, on_slurm = make_workflow("local"), make_workflow("slurm")
    generations = [on_slurm / f"results/tiny/smol/generations/batch_{b}.parquet" for b in BATCHES]
    local_run = []

    def start_local_once_generated():
        if not local_run and all(p.exists() for p in generations):
            local_run.append(start(local, slurm=False))

    code, out = snakemake(on_slurm, while_running=start_local_once_generated)
    local_code, local_out = finish(local, local_run[0] if local_run else start(local, slurm=False))
    assert code == 0, out[-6000:]
    assert local_code == 0, local_out[-6000:]
    return on_slurm, accounting(out), local, job_counts(local_out)


def test_every_generate_and_reward_job_went_through_sbatch(baseline):
    _, jobs, _, local_counts = baseline
    submitted = {rule: sum(j["rule"] == rule for j in jobs) for rule in {j["rule"] for j in jobs}}
    assert submitted == {rule: n for rule, n in local_counts.items() if rule in SLURM_RULES}
    assert submitted["generate"] == 1 and submitted["reward"] == len(BATCHES)
    assert {(j["state"], j["partition"]) for j in jobs} == {("COMPLETED", "cpu")}


def test_outputs_equal_a_local_run(baseline):
    on_slurm, _, local, _ = baseline
    assert_same_outputs(on_slurm, local)


def test_a_cancelled_job_is_resubmitted_alone_by_the_next_run(baseline):
    work, _, local, _ = baseline
    rewards = work / "results/tiny/smol/rewards"
    for batch in BATCHES[1:]:
        (rewards / f"batch_{batch}.parquet").unlink()
    victim = "tiny_smol_00000_001"  # wildcards of BATCHES[1]
    cancel = cancel_job_of(work, f"rule_reward_wildcards_{victim}")
    code, cancelled_run = snakemake(work, "--retries", "0", while_running=cancel)
    assert cancel.cancelled and code != 0, cancelled_run[-4000:]
    assert not (rewards / f"batch_{BATCHES[1]}.parquet").exists() and (rewards / f"batch_{BATCHES[2]}.parquet").exists()

    code, out = snakemake(work)
    assert code == 0, out[-4000:]
    counts = job_counts(out)
    assert {rule: n for rule, n in counts.items() if rule in SLURM_RULES} == {"reward": 1}
    states = [j["state"] for run in (cancelled_run, out) for j in accounting(run) if j["wildcards"] == victim]
    assert states == ["CANCELLED", "COMPLETED"]
    assert_same_outputs(work, local)


def test_a_generate_job_cancelled_mid_shard_keeps_its_finished_batches(baseline):
    work, _, local, _ = baseline
    (work / f"results/tiny/smol/generations/batch_{BATCHES[0]}.parquet").unlink()   # reruns the whole shard
    cache = work / "results/.cache/generations/tiny/smol"
    cached = lambda: sorted(cache.rglob("*.parquet")) if cache.exists() else []  # noqa: E731
    cancel = cancel_job_of(work, "rule_generate_wildcards_tiny_smol_00000", when=lambda: bool(cached()))
    code, out = snakemake(work, "--retries", "0", while_running=cancel)
    assert cancel.cancelled and code != 0, out[-4000:]
    kept = {digest(p) for p in cached()}
    assert 0 < len(kept) < len(BATCHES), "the cancel did not land mid-shard"

    code, out = snakemake(work)
    assert code == 0, out[-4000:]
    log = (work / "logs/generate/tiny/smol/s00000.log").read_text()
    stats = ast.literal_eval(log.rsplit("shard done: ", 1)[1].splitlines()[0])
    assert stats["reused_batches"] == len(kept) and stats["prompts"] == 2 * (len(BATCHES) - len(kept))
    generations = {digest(p) for p in (work / "results/tiny/smol/generations").glob("*.parquet")}
    assert kept <= generations and not cached()
    assert_same_outputs(work, local)
