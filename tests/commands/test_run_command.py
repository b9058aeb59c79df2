"""`difficulty-filter run`: after kill -9 the same command resumes (stale lock, orphaned jobs); one run at a time."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from difficulty_filter.commands.run import looks_only, quiet_progress
from difficulty_filter.run_control.leftovers import TOKEN_VAR, processes_with_token, snakemake_processes, stop_processes

SNAKEFILE = """
rule all:
    input: "out.txt"

rule slow:
    output: "out.txt"
    shell: "echo $$ > job.pid; sleep {config[sleep]}; echo done > {output}"
"""


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "Snakefile").write_text(SNAKEFILE)
    return tmp_path


@pytest.fixture
def start():
    """Start `difficulty-filter run` in its own process group (a test can kill the whole workflow); reap at the end."""
    groups = []

    def run(workdir: Path, sleep: float) -> subprocess.Popen:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "difficulty_filter.cli",
                "run",
                "--directory",
                str(workdir),
                "--snakefile",
                str(workdir / "Snakefile"),
                "--cores",
                "1",
                "--config",
                f"sleep={sleep}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        groups.append(proc.pid)
        return proc

    yield run
    for pgid in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)


def wait_for(path: Path, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.read_text().strip()):
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
    return int(path.read_text())


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def snakemake_child(wrapper_pid: int) -> int:
    children = Path(f"/proc/{wrapper_pid}/task/{wrapper_pid}/children").read_text().split()
    assert len(children) == 1
    return int(children[0])


def snakemake(workdir: Path, sleep: float, **popen) -> subprocess.Popen:
    """Plain `snakemake` (not our wrapper) on the test workflow."""
    cmd = [sys.executable, "-m", "snakemake", "--directory", str(workdir), "--snakefile", str(workdir / "Snakefile")]
    return subprocess.Popen([*cmd, "--cores", "1", "--config", f"sleep={sleep}"], text=True, **popen)


@pytest.mark.parametrize("first", ["difficulty-filter run", "plain snakemake"])
def test_kill_9_of_the_whole_workflow_then_the_same_command_resumes(workdir, start, first):
    if first == "difficulty-filter run":
        run = start(workdir, 60)
    else:
        run = snakemake(workdir, 60, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(workdir / "job.pid")
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    assert list((workdir / ".snakemake/locks").glob("*.lock")), "Snakemake left no lock: the test proves nothing"
    _out, err = snakemake(workdir, 0, stdout=subprocess.PIPE, stderr=subprocess.PIPE).communicate(timeout=120)
    assert "Directory cannot be locked" in err
    (workdir / "job.pid").unlink()
    resumed = start(workdir, 0)
    _out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err[-3000:]
    assert "removing the Snakemake lock" in err
    assert (workdir / "out.txt").read_text() == "done\n"


def test_orphaned_job_of_a_killed_controller_is_stopped_before_the_rerun(workdir, start):
    run = start(workdir, 600)
    job = wait_for(workdir / "job.pid")
    os.kill(snakemake_child(run.pid), signal.SIGKILL)  # the controller only: its job is orphaned
    run.wait(30)
    assert alive(job)
    (workdir / "job.pid").unlink()
    resumed = start(workdir, 0)
    _out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err[-3000:]
    assert "left by the interrupted run" in err and str(job) in err
    assert not alive(job)
    assert (workdir / "out.txt").read_text() == "done\n"


def test_a_second_run_is_refused_while_one_is_live_even_if_the_wrapper_died(workdir, start):
    run = start(workdir, 600)
    wait_for(workdir / "job.pid")
    os.kill(run.pid, signal.SIGKILL)  # the wrapper only: Snakemake still holds the lock
    run.wait()
    second = start(workdir, 0)
    _out, err = second.communicate(timeout=60)
    assert second.returncode == 3 and "another `difficulty-filter run` is running" in err


def test_sigterm_is_passed_on_to_snakemake(workdir, start):
    run = start(workdir, 3)
    wait_for(workdir / "job.pid")
    run.send_signal(signal.SIGTERM)
    _out, err = run.communicate(timeout=60)
    assert "Will exit after finishing currently running jobs" in err  # Snakemake's own graceful stop
    assert not list((workdir / ".snakemake/locks").glob("*.lock"))


def test_leftover_processes_are_found_by_token_and_stopped():
    token = "test-token-123"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time; "
            "signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); "
            "time.sleep(600)",
        ],
        env={**os.environ, TOKEN_VAR: token},
        stdout=subprocess.PIPE,
    )
    assert child.stdout.readline() == b"ready\n"
    assert processes_with_token(token) == [child.pid]
    assert stop_processes([child.pid], grace_seconds=0.5) == [child.pid]  # SIGTERM ignored: SIGKILL follows
    assert child.wait(10) == -signal.SIGKILL
    assert processes_with_token(token) == []


def test_the_lock_of_a_live_plain_snakemake_run_is_not_taken_away(workdir, start):
    plain = snakemake(workdir, 600, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(workdir / "job.pid")
        assert snakemake_processes(workdir) == [plain.pid]
        ours = start(workdir, 0)
        _out, err = ours.communicate(timeout=60)
        assert ours.returncode == 3 and f"snakemake (pid {plain.pid}) is running in" in err
        assert list((workdir / ".snakemake/locks").glob("*.lock"))
    finally:
        os.killpg(plain.pid, signal.SIGKILL)
        plain.wait()


def test_a_real_run_drops_snakemakes_step_lines_unless_told_otherwise(tmp_path):
    local = str(Path(__file__).resolve().parents[2] / "profiles/local")
    assert quiet_progress(["--profile", local], tmp_path) == ["--quiet", "host", "reason", "rules", "progress"]
    assert quiet_progress(["--profile", local, "--quiet", "host"], tmp_path) == []  # the user's choice
    assert quiet_progress(["--cores", "2"], tmp_path) == []  # no profile: Snakemake's own default


@pytest.mark.parametrize("args", [["-n"], ["--dag"], ["--summary"], ["-np"], ["--rulegraph"], ["--list-rules"]])
def test_looking_at_the_plan_is_not_a_real_run(args):
    assert looks_only(["--cores", "2", *args])


def test_a_run_is_a_real_run():
    assert not looks_only(["--cores", "2", "--profile", "profiles/local", "-j4"])
