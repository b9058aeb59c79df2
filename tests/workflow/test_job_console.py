"""job_console: every kind of job output lands in the rule's log; the console gets one line, or the error's tail."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from difficulty_filter.workflow.job_console import REMOTE_LINES, job_title, relayed_job_lines

PRELUDE = """
import logging, os, subprocess, sys, warnings
from types import SimpleNamespace
from difficulty_filter.workflow.job_console import job_console
snakemake = SimpleNamespace(log=[sys.argv[1]], rule="generate",
                            wildcards={"dataset": "demo", "model": "m", "shard": "00000"})
"""


def run_job(tmp_path, body, env=None):
    script = tmp_path / "job.py"
    script.write_text(PRELUDE + textwrap.dedent(body))
    log = tmp_path / "logs" / "job.log"
    done = subprocess.run(
        [sys.executable, str(script), str(log)], capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env
    )
    return done, log.read_text()


def test_all_output_goes_to_the_log_and_one_line_to_the_console(tmp_path):
    done, log = run_job(
        tmp_path,
        """
        with job_console(snakemake) as job:
            print("python stdout")
            print("python stderr", file=sys.stderr)
            os.write(1, b"C-level fd 1\\n")
            os.write(2, b"C-level fd 2\\n")
            subprocess.run([sys.executable, "-c", "print('child process')"], check=True)
            logging.getLogger("vllm").info("engine started")
            warnings.warn("deprecated thing")
            job.summary = "40 prompts, 240 responses"
    """,
    )
    assert done.returncode == 0
    assert done.stdout == ""
    assert done.stderr == "generate demo/m s00000: 40 prompts, 240 responses\n"
    for text in (
        "python stdout",
        "python stderr",
        "C-level fd 1",
        "C-level fd 2",
        "child process",
        "vllm INFO engine started",
        "deprecated thing",
    ):
        assert text in log


def test_a_failing_job_shows_its_error_and_the_end_of_its_log(tmp_path):
    done, log = run_job(
        tmp_path,
        """
        def load_model():
            raise RuntimeError("CUDA out of memory\\nmore detail")

        with job_console(snakemake) as job:
            print("\\n".join(f"noise {i}" for i in range(100)))
            load_model()
    """,
    )
    assert done.returncode == 1 and done.stdout == ""
    console = done.stderr.splitlines()
    assert console[0] == "generate demo/m s00000 failed: RuntimeError: CUDA out of memory"
    assert "  | RuntimeError: CUDA out of memory" in console and "  |     load_model()" in console
    assert "noise 10" not in done.stderr  # only the tail
    assert console[-1].startswith("  full log: ") and console[-1].endswith("logs/job.log")
    assert "Traceback (most recent call last)" in log and "noise 0" in log


def test_progress_record_is_named_after_the_job(tmp_path):
    done, _ = run_job(
        tmp_path,
        f"""
        with job_console(snakemake) as job, job.progress({str(tmp_path / "results")!r}) as progress:
            progress.expect(prompts=8)
            progress.add(prompts=8, responses=48, tokens=300)
    """,
    )
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "results" / "demo" / "m" / "progress" / "generate_s00000.json").read_text())
    assert (record["state"], record["job"], record["prompts"], record["kind"]) == (
        "done",
        "generate demo/m s00000",
        8,
        "generate",
    )
    assert record["log"].endswith("logs/job.log")


@pytest.mark.parametrize(
    "rule, wildcards, title",
    [
        ("generate", {"dataset": "d", "model": "m", "shard": "00001"}, "generate d/m s00001"),
        ("reward", {"dataset": "d", "model": "m", "shard": "00001", "part": "002"}, "reward d/m s00001_p002"),
        ("filter", {"dataset": "d"}, "filter d"),
        ("analyze_combined", {"model": "m"}, "analyze_combined m"),
        ("prepare", {"domain": "math"}, "prepare math"),
        ("materialize_model", {}, "materialize_model"),
    ],
)
def test_job_title(rule, wildcards, title):
    assert job_title(rule, wildcards) == title


def test_a_cluster_job_leaves_its_line_and_run_relays_it_once(tmp_path, capsys):
    with relayed_job_lines(tmp_path):
        done, _ = run_job(
            tmp_path,
            """
            with job_console(snakemake) as job:
                job.summary = "40 prompts, 160 responses"
            """,
            env={**os.environ, "SLURM_JOB_ID": "42"},
        )
        assert done.returncode == 0, done.stderr
    relayed = capsys.readouterr().err
    assert relayed == "generate demo/m s00000: 40 prompts, 160 responses\n"
    assert len(list((tmp_path / REMOTE_LINES).glob("*.txt"))) == 1


def test_lines_from_before_the_run_are_not_relayed(tmp_path, capsys):
    old = tmp_path / REMOTE_LINES / "1_1.txt"
    old.parent.mkdir(parents=True)
    old.write_text("generate demo/m s00000: an earlier run\n")
    with relayed_job_lines(tmp_path):
        pass
    assert capsys.readouterr().err == ""
