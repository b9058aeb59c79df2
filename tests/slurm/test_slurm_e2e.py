"""The workflow on a real SLURM cluster, with `--profile profiles/slurm` and the CPU demo model.

One workflow copy goes through three SLURM runs, another through one local run of the same config:
  1. the generate job is cancelled (`scancel`) once it has finished a batch: the run fails;
  2. the rerun resumes the shard; the shard's reward job is cancelled: the run fails again;
  3. the next run resubmits that reward job alone and completes the workflow.
Every generate and reward job goes through sbatch, the cancelled generate job keeps its finished batches, and
the outputs equal the local run's. Needs a running cluster with accounting (`.ci/slurm/start.sh`, as root).
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from difficulty_filter.commands.run import check_cluster
from difficulty_filter.demo.cluster import SLURM_ARGS, cluster_missing
from difficulty_filter.demo.workflow import copy_workflow, workflow_command

from ..conftest import verl_row
from ..e2e.crash_harness import differences, outputs
from ..e2e.test_workflow import job_counts

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 420  # s per Snakemake call: the executor plugin can wait forever when its status queries fail
# The user profile, adapted to the test cluster on the command line: the demo model is a CPU model, so generate
# runs on the CPU partition (asking for 1 of the node's 2 CPUs leaves room for the reference check), and short
# jobs are polled soon.
AGGREGATE_RULES = {"pass_rates", "annotate", "filter", "analyze"}  # local rules: they never reach sbatch
BATCHES = ["s00000_p000", "s00000_p001", "s00000_p002"]
GENERATIONS = "results/tiny/smol/generations"
CACHE = "results/.cache/generations/tiny/smol"  # the resume cache of the shard
VICTIM = "tiny_smol_00000"  # wildcards of the reward job of the shard (one per shard, like generate)

pytestmark = [pytest.mark.e2e, pytest.mark.vllm, pytest.mark.slurm]


def start(work: Path, *args: str, slurm: bool = True) -> subprocess.Popen:
    """Start Snakemake in `work`, on SLURM unless `slurm` is false; its output goes to `work`/snakemake-<n>.out."""
    cmd = workflow_command(
        work,
        *(["--profile", str(work / "profiles/slurm"), *SLURM_ARGS] if slurm else ["--cores", "2"]),
        *args,
        resumable=False,
    )
    output = work / f"snakemake-{len(list(work.glob('snakemake-*.out'))) + 1}.out"
    with open(output, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    proc.output = output
    return proc


def finish(proc: subprocess.Popen, while_running=None) -> tuple[int, str]:
    """Wait (under a hard timeout) for a `start`ed Snakemake; return its exit code and output.

    `while_running()` is called every 0.5 s until it exits.
    """
    deadline = time.monotonic() + TIMEOUT
    while proc.poll() is None:
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            pytest.fail(f"{' '.join(proc.args)} ran over {TIMEOUT} s")
        if while_running:
            while_running()
        time.sleep(0.5)
    return proc.returncode, proc.output.read_text()


def snakemake(work: Path, *args: str, while_running=None) -> tuple[int, str]:
    """Run Snakemake on SLURM in `work` (see `start` and `finish`)."""
    return finish(start(work, *args), while_running)


def queue(work: Path) -> dict[str, str]:
    """This workflow's queued or running SLURM jobs: job id -> comment (rule_<rule>_wildcards_<...>)."""
    lines = subprocess.run(
        ["squeue", "-h", "-o", "%i|%Z|%k"], capture_output=True, text=True, timeout=20
    ).stdout.splitlines()
    return {job: comment for job, workdir, comment in (line.split("|", 2) for line in lines) if workdir == str(work)}


def cancel_job_of(work: Path, comment: str, when=lambda: True):
    """A `while_running` callback: scancel the job whose comment is `comment` once `when()` holds.

    Its `cancelled` attribute lists the ids of the jobs it cancelled.
    """
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
    out = subprocess.run(
        ["sacct", "-X", "-n", "-P", "-S", "now-1days", "--name", run_id, "-o", "JobID,State,Partition,Comment"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    jobs = []
    for line in out.splitlines():
        job, state, partition, comment = line.split("|", 3)
        rule, _, wildcards = comment.removeprefix("rule_").partition("_wildcards_")
        jobs.append(
            {"id": job, "state": state.split()[0], "partition": partition, "rule": rule, "wildcards": wildcards}
        )
    return jobs


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def processes_in(work: Path, grace: float = 15) -> list[str]:
    """Processes whose working directory is `work` (where SLURM jobs run) once `grace` seconds have passed or
    none is left: a cancelled job's processes get SIGKILL 5 s after SIGTERM (KillWait)."""
    deadline = time.monotonic() + grace
    while True:
        pids = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and Path(os.readlink(proc / "cwd")) == work:
                    pids.append(proc.name)
            except OSError:
                continue
        if not pids or time.monotonic() > deadline:
            return pids
        time.sleep(0.5)


@pytest.fixture(scope="module")
def cluster():
    reason = cluster_missing()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def make_workflow(tmp_path_factory, smollm2_dir):
    """A copy of the workflow with a 6-row dataset and one CPU model: 1 generate job of 3 batches, 1 reward job."""
    model = {
        "path": str(smollm2_dir),
        "engine": "offline",
        "dtype": "float32",
        "max_model_len": 512,
        "gpus_per_job": 0,
        "gpu_memory_utilization": 0.2,
        "enforce_eager": True,
        # one sequence at a time: batches finish one after another, so a cancel lands mid-shard, and a
        # resumed shard computes exactly what an uninterrupted one does
        "engine_args": {"max_num_seqs": 1, "enable_prefix_caching": False},
        "slurm": {"runtime": 15},  # mem_mb: the schema's default, which fits the test node (pre-flight)
    }
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
    made = []

    def make(name: str) -> Path:
        work = copy_workflow(REPO, tmp_path_factory.mktemp(name), config)
        (work / "data").mkdir()
        rows = [verl_row(i, f"What is {i} + {i + 1}?", str(2 * i + 1)) for i in range(6)]
        pq.write_table(pa.Table.from_pylist(rows), work / "data/tiny.parquet")
        made.append(work)
        return work

    yield make
    for work in made:  # leave no job of ours behind
        for job in queue(work):
            subprocess.run(["scancel", job], timeout=20)


@pytest.fixture(scope="module")
def history(cluster, make_workflow):
    """The three SLURM runs and the local run of the module docstring, and what each left behind."""
    local, work = make_workflow("local"), make_workflow("slurm")
    # the pre-flight of `difficulty-filter run` accepts this config with the profile's defaults
    assert check_cluster(["--profile", str(work / "profiles/slurm"), *SLURM_ARGS], work) is True
    cached = lambda: list((work / CACHE).rglob("*.parquet"))  # noqa: E731
    cancel_generate = cancel_job_of(work, "rule_generate_wildcards_tiny_smol_00000", when=lambda: bool(cached()))
    code, first = snakemake(work, "--retries", "0", while_running=cancel_generate)
    assert cancel_generate.cancelled and code != 0, first[-4000:]
    kept, leftovers = {digest(p) for p in cached()}, processes_in(work)

    # The local run starts once run 2 has generated (from then on the SLURM run mostly waits for status
    # checks): two vLLM engines on 2 CPUs crawl.
    local_run = []
    cancel_reward = cancel_job_of(work, f"rule_reward_wildcards_{VICTIM}")

    def while_second_runs():
        if not local_run and all((work / GENERATIONS / f"batch_{b}.parquet").exists() for b in BATCHES):
            local_run.append(start(local, slurm=False))
        cancel_reward()

    try:
        code, second = snakemake(work, "--retries", "0", while_running=while_second_runs)
        assert cancel_reward.cancelled and code != 0, second[-4000:]
        generate_log = (work / "logs/generate/tiny/smol/s00000.log").read_text()
        code, third = snakemake(work)
        assert code == 0, third[-4000:]
        local_code, local_out = finish(local_run[0] if local_run else start(local, slurm=False))
        assert local_code == 0, local_out[-4000:]
    finally:
        for proc in local_run:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    return SimpleNamespace(
        work=work,
        local=local,
        runs=[first, second, third],
        kept=kept,
        leftovers=leftovers,
        generate_log=generate_log,
        local_counts=job_counts(local_out),
    )


def test_every_generate_and_reward_job_went_through_sbatch(history):
    jobs = [job for run in history.runs for job in accounting(run)]
    completed = Counter(job["rule"] for job in jobs if job["state"] == "COMPLETED")
    assert completed["generate"] == 1 and completed["reward"] == 1  # one job per shard, K batch files
    assert {rule: completed[rule] for rule in completed} == {rule: history.local_counts[rule] for rule in completed}
    assert not AGGREGATE_RULES & set(completed) and {job["partition"] for job in jobs} == {"cpu"}


def test_a_generate_job_cancelled_mid_shard_keeps_its_finished_batches(history):
    assert 0 < len(history.kept) < len(BATCHES), "the cancel did not land mid-shard"
    assert not history.leftovers, "the cancelled job left processes behind"
    reused = re.findall(r"reused cached batch .* -> \S+/batch_(\w+)\.parquet", history.generate_log)
    written = re.findall(r"wrote \S+/batch_(\w+)\.parquet", history.generate_log)
    assert len(reused) == len(history.kept) and sorted(reused + written) == BATCHES
    generations = {digest(p) for p in (history.work / GENERATIONS).glob("*.parquet")}
    assert history.kept <= generations and not list((history.work / CACHE).rglob("*.parquet"))


@pytest.mark.xfail(
    strict=False,
    reason="2026-12-07, with one reward job per shard: run 2 once showed the victim's reward job COMPLETED and then "
    "a second submission of it CANCELLED; the third run did resubmit it alone. Not yet explained (open gap).",
)
def test_a_cancelled_job_is_resubmitted_alone_by_the_next_run(history):
    _, second, third = history.runs
    assert [(job["rule"], job["wildcards"], job["state"]) for job in accounting(third)] == [
        ("reward", VICTIM, "COMPLETED")
    ]
    assert [job["state"] for job in accounting(second) if job["wildcards"] == VICTIM] == ["CANCELLED"]


def test_outputs_equal_a_local_run(history):
    assert differences(outputs(history.work), outputs(history.local)) == []
