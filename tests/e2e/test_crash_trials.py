"""Crash proofs with `engine: file` models (no vLLM): kill -9 of the whole workflow at seeded random moments in
every stage, then the same command resumes; damaged batch files; full disk; read-only results.

Every run must end with outputs identical (by content) to one uninterrupted run; after every kill, no Parquet
file under a final name may be half-written.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess

import pytest

from difficulty_filter.demo.synthetic import write
from difficulty_filter.demo.workflow import copy_workflow

from .crash_harness import REPO, Kill, Run, differences, kill_when, outputs, run_to_end, torn_parquet
from .test_workflow import job_counts

pytestmark = [pytest.mark.e2e]

ROWS, N = 24, 3
#: Pipeline stages in order; a kill aimed at a stage fires at the first job of it or of any later stage.
STAGES = (
    ("row_index", "import_generations"),
    ("generate",),
    ("reward", "reference_check"),
    ("pass_rates",),
    ("annotate",),
    ("filter",),
    ("report_dataset", "report_combined"),
)
#: (chain seed, kills): 2 chains of 10 kills, each resume killed again until the last one runs to the end.
CHAINS = ((11, 10), (12, 10))
KILLS: list[Kill] = []


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash_data")
    write(folder / "syn.parquet", folder / "weak.jsonl", ROWS, N, seed=3, code_share=0.1)
    write(folder / "same.parquet", folder / "strong.parquet", ROWS, N, seed=3, code_share=0.1)
    return folder


def config(data) -> dict:
    return {
        "datasets": {"syn": str(data / "syn.parquet")},
        "models": {
            "weak": {"engine": "file", "generations": str(data / "weak.jsonl")},  # score JSONL
            "strong": {"engine": "file", "generations": str(data / "strong.parquet")},
        },  # generations
        "sampling": {"n": N, "seed": 5},
        "batching": {"batch_size": 8, "batches_per_job": 2},
        "reward": {"workers": 1},
        "filter": {"low": {"model": "strong", "threshold": 0.0}, "high": {"model": "weak", "threshold": 0.9}},
    }


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, data):
    work = copy_workflow(REPO, tmp_path_factory.mktemp("baseline") / "w", config(data))
    done = run_to_end(work)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return work, outputs(work)


def plan(seed: int, kills: int) -> list[Kill]:
    """One kill during start-up (parsing, DAG, unlock), then one aimed at each stage in pipeline order, the rest
    at stages drawn at random; each fires a random 0-1.5 s after a job of its stage (or a later one) starts."""
    rng = random.Random(seed)
    stages = sorted([*range(len(STAGES)), *rng.choices(range(len(STAGES)), k=kills - 1 - len(STAGES))])
    return [Kill((), rng.uniform(0, 0.5), after=rng.uniform(0.3, 3.0))] + [
        Kill(tuple(r for stage in STAGES[s:] for r in stage), rng.uniform(0, 1.5)) for s in stages
    ]


@pytest.mark.parametrize("seed, kills", CHAINS)
def test_kill_9_at_random_moments_then_the_same_command_resumes(tmp_path, data, baseline, seed, kills):
    work = copy_workflow(REPO, tmp_path / "w", config(data))
    for number, kill in enumerate(plan(seed, kills)):
        run = Run(work).start(number)
        kill_when(run, kill)
        if kill.missed:
            break
        KILLS.append(kill)
        assert not torn_parquet(work), f"half-written file under a final name after kill {number}"
    print("\n".join(f"kill {i}: running {k.hit}" for i, k in enumerate(KILLS)))
    done = run_to_end(work)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert differences(outputs(work), baseline[1]) == []
    assert not list((work / ".snakemake" / "locks").glob("*.lock"))


def test_kills_were_aimed_at_every_stage_and_hit_reward_and_aggregates():
    """Every stage got a kill aimed at it; the rules running at the kills (timing-dependent: a file-engine generate
    job lasts about a second, so only the vLLM trial is sure to kill one) include reward and aggregate stages."""
    assert len(KILLS) >= 20, f"only {len(KILLS)} kills landed"
    aimed = {kill.rules[0] for kill in KILLS if kill.rules}
    assert aimed == {stage[0] for stage in STAGES}, aimed
    hit = {rule for kill in KILLS for rule in kill.hit}
    assert "reward" in hit and hit & {"pass_rates", "annotate", "filter", "report_dataset", "report_combined"}, hit


def copy_of(baseline, tmp_path):
    """The finished baseline workdir (outputs, Snakemake metadata, mtimes) at a new place."""
    work = tmp_path / "w"
    shutil.copytree(baseline[0], work, symlinks=True)
    return work


def test_a_truncated_batch_file_is_named_deleted_and_rebuilt(tmp_path, baseline):
    work = copy_of(baseline, tmp_path)
    generations = work / "results/syn/weak/generations/batch_s00001_p000.parquet"
    rewards = work / "results/syn/strong/rewards/batch_s00000_p001.parquet"
    for path in (generations, rewards):
        with open(path, "r+b") as fh:
            fh.truncate(os.path.getsize(path) // 2)
    done = run_to_end(work)
    assert done.returncode == 0, done.stderr[-4000:]
    for path in (generations, rewards):
        assert f"{path.relative_to(work)}: not a readable Parquet file" in done.stderr
    counts = job_counts(done.stderr)
    assert counts["generate"] == 1 and counts["reward"] == 2  # exactly the damaged files' jobs
    assert "wildcards: dataset=syn, model=weak, shard=00001" in done.stderr
    assert differences(outputs(work), baseline[1]) == []


@pytest.fixture
def mount():
    """mount(args...) as root; everything mounted is unmounted at the end. Skips where mounting is impossible."""
    points = []

    def do(*args: str) -> None:
        result = subprocess.run(["mount", *args], capture_output=True, text=True)
        if result.returncode:
            pytest.skip(f"cannot mount here ({result.stderr.strip()}); needs root in a system that allows mounts")
        points.append(args[-1])

    yield do
    for point in reversed(points):
        subprocess.run(["umount", point], capture_output=True)


def test_full_disk_fails_clearly_and_keeps_earlier_outputs(tmp_path, data, baseline, mount):
    work = copy_workflow(REPO, tmp_path / "w", config(data))
    (work / "results").mkdir()
    mount("-t", "tmpfs", "-o", "size=600k", "tmpfs", str(work / "results"))
    failed = run_to_end(work)
    assert failed.returncode != 0
    assert "No space left on device" in failed.stdout + failed.stderr
    assert not torn_parquet(work)
    assert not [p for p in (work / "results").rglob("*.tmp")], "a temp file outlived its failed write"
    kept = outputs(work)
    assert kept and all(
        baseline[1][k].equals(v) if hasattr(v, "equals") else baseline[1][k] == v for k, v in kept.items()
    )  # what was written is complete and right
    mount("-o", "remount,size=64m", str(work / "results"))
    done = run_to_end(work)
    assert done.returncode == 0, done.stderr[-4000:]
    assert differences(outputs(work), baseline[1]) == []


def test_read_only_results_fail_clearly_and_keep_every_output(tmp_path, baseline, mount):
    work = copy_of(baseline, tmp_path)
    mount("--bind", str(work / "results"), str(work / "results"))
    mount("-o", "remount,ro,bind", str(work / "results"))
    failed = run_to_end(work, "--forcerun", "filter")
    assert failed.returncode != 0
    assert "Read-only file system" in failed.stdout + failed.stderr
    assert differences(outputs(work), baseline[1]) == []
