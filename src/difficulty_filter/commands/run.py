"""`difficulty-filter run [snakemake arguments]`: run the workflow; after any crash the same command resumes it.

Every argument goes to Snakemake unchanged (plus `--rerun-incomplete`, so outputs of killed jobs are rebuilt).
Before Snakemake starts, with this working directory's run lock held (so no other run of ours is live):

1. processes left by a previous run that died (orphaned jobs, a managed `vllm serve`) are stopped;
2. a stale Snakemake lock ("Directory cannot be locked") is removed (what `snakemake --unlock` does; that
   command itself, which builds the whole DAG, runs only for another `--persistence-backend`);
3. unless the arguments only look at the plan (`-n`, `--dag`, `--summary`, ...), Snakemake is told to delete
   damaged batch files before it plans (`workflow.batch_repair`), so exactly their jobs rerun.

With a SLURM profile (`executor: slurm`, e.g. `--profile profiles/slurm`) a real run first checks every job's
request (partition, memory, CPUs, GPUs, time) against the cluster's nodes (`sinfo`) and refuses, with exit
code 2 and one line per problem naming the setting to change, before any sbatch
(`run_control.cluster_check`).

A second `difficulty-filter run` in the same directory while one is live is refused.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from ..run_control import cluster_check
from ..run_control.leftovers import (
    TOKEN_VAR,
    processes_with_token,
    snakemake_directory,
    snakemake_processes,
    stop_processes,
)
from ..run_control.lock import AlreadyRunning, RunLock, RunRecord
from ..workflow.batch_repair import REPAIR_VAR
from ..workflow.job_console import relayed_job_lines

#: Snakemake arguments that only show the plan or metadata: such a run changes no file.
LOOK_ONLY = {
    "-n",
    "--dry-run",
    "--dryrun",
    "--dag",
    "--rulegraph",
    "--filegraph",
    "--d3dag",
    "-S",
    "--summary",
    "-D",
    "--detailed-summary",
    "--lint",
    "-l",
    "--list-rules",
    "--list",
    "--lt",
    "--list-target-rules",
    "--lc",
    "--list-code-changes",
    "--li",
    "--list-input-changes",
    "--lp",
    "--list-params-changes",
    "--list-changes",
    "--print-compilation",
    "--unlock",
    "--report",
    "--containerize",
    "--export-cwl",
}
#: Signals passed on to Snakemake (SIGINT from a terminal already reaches the whole foreground group).
FORWARDED = (signal.SIGTERM, signal.SIGHUP)


def add_parser(sub, name):
    p = sub.add_parser(
        name,
        add_help=False,
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="run the Snakemake workflow (any snakemake arguments); rerun the same command to resume",
    )
    p.set_defaults(func=run, passthrough=True)


def run(args) -> int:
    snakemake_args = list(args.extra)
    workdir = snakemake_workdir(snakemake_args)
    on_cluster = None if looks_only(snakemake_args) else check_cluster(snakemake_args, workdir)
    if on_cluster is False:
        return 2
    try:
        with RunLock(workdir) as lock:
            recover(lock, workdir, snakemake_args)
            record = RunRecord(token=uuid.uuid4().hex, pid=os.getpid(), args=snakemake_args, started=time.time())
            lock.write(record)
            repair = not looks_only(snakemake_args)
            console = quiet_progress(snakemake_args, workdir) if repair else []
            with relayed_job_lines(workdir, enabled=bool(on_cluster)):
                args = ["--rerun-incomplete", *console, *snakemake_args]
                record.exit_code = run_snakemake(args, record.token, lock.fd, repair)
            lock.write(record)
            return record.exit_code
    except AlreadyRunning as exc:
        print(f"difficulty-filter run: error: {exc}", file=sys.stderr)
        return 3


def check_cluster(snakemake_args: list[str], workdir: Path) -> bool | None:
    """None when these arguments do not submit to SLURM; else whether every job fits the cluster (each problem
    is said)."""
    try:
        slurm_run = cluster_check.slurm_run(snakemake_args, workdir)
        if slurm_run is None:
            return None
        problems = cluster_check.run_problems(slurm_run)
    except cluster_check.PreflightError as exc:
        say(f"error: SLURM pre-flight: {exc}")
        return False
    for problem in problems:
        say(f"error: {problem}")
    if problems:
        say(f"refused before any sbatch: {len(problems)} request(s) the cluster cannot run (sinfo)")
        return False
    if hint := cluster_check.account_hint(slurm_run.slurm):
        say(f"note: {hint}")
    return True


def quiet_progress(snakemake_args: list[str], workdir: Path) -> list[str]:
    """`--quiet <the profile's list> progress` for a real run: our one line per job says what Snakemake's "n of
    m steps" lines would; nothing when the arguments set `--quiet` or the profile sets no `quiet`."""
    if any(arg in ("-q", "--quiet") or arg.startswith("--quiet=") for arg in snakemake_args):
        return []
    name = cluster_check.option_value(snakemake_args, "--profile") or os.environ.get("SNAKEMAKE_PROFILE")
    folder = cluster_check.profile_dir(name, workdir) if name else None
    quiet = list((cluster_check.read_profile(folder) if folder else {}).get("quiet") or [])
    return ["--quiet", *quiet, "progress"] if quiet and not {"all", "progress"} & set(quiet) else []


def recover(lock: RunLock, workdir: Path, snakemake_args: list[str]) -> None:
    """Clean up after a previous run that died: its leftover processes, then Snakemake's stale lock."""
    previous = lock.previous()
    if previous is not None:
        stopped = stop_processes(processes_with_token(previous.token))  # none unless its controller died
        if stopped:
            say(
                f"stopped {len(stopped)} process(es) left by the interrupted run of "
                f"{time.ctime(previous.started)}: {' '.join(map(str, stopped))}"
            )
    locks = workdir / ".snakemake" / "locks"
    if any(locks.glob("*.lock")):
        if live := snakemake_processes(workdir):  # a plain `snakemake` run (not ours) holds them
            raise AlreadyRunning(
                f"snakemake (pid {' '.join(map(str, live))}) is running in {workdir}; wait for it or stop it first"
            )
        say("removing the Snakemake lock left by an interrupted run")
        shutil.rmtree(locks)  # all that `snakemake --unlock` does with its default (file) persistence
    elif previous is not None and previous.killed and other_persistence(snakemake_args):
        say("removing the Snakemake lock left by an interrupted run (snakemake --unlock)")
        done = subprocess.run(
            [sys.executable, "-m", "snakemake", "--unlock", *snakemake_args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"difficulty-filter run: `snakemake --unlock` failed:\n{done.stderr[-3000:]}")


def other_persistence(snakemake_args: list[str]) -> bool:
    """Snakemake keeps its metadata and locks somewhere else than .snakemake/ (e.g. a database)."""
    return any(arg.startswith("--persistence-backend") for arg in snakemake_args)


def looks_only(snakemake_args: list[str]) -> bool:
    """The arguments ask for a dry run, a picture, a summary or a listing (short flags may be grouped: -np)."""
    for arg in snakemake_args:
        name = arg.split("=", 1)[0]
        if name in LOOK_ONLY:
            return True
        if arg.startswith("-") and not arg.startswith("--") and arg[1:].isalpha() and set(arg[1:]) & {"n", "S", "D"}:
            return True
    return False


def run_snakemake(snakemake_args: list[str], token: str, lock_fd: int, repair: bool = True) -> int:
    """Snakemake as a child holding the run lock too; SIGTERM/SIGHUP are passed on; returns its exit code."""
    env = {**os.environ, TOKEN_VAR: token} | ({REPAIR_VAR: "1"} if repair else {})
    child = subprocess.Popen([sys.executable, "-m", "snakemake", *snakemake_args], env=env, pass_fds=(lock_fd,))
    previous = {sig: signal.signal(sig, lambda signum, frame: child.send_signal(signum)) for sig in FORWARDED}
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal signals Snakemake itself
    try:
        code = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code if code >= 0 else 128 - code


def snakemake_workdir(snakemake_args: list[str]) -> Path:
    """The working directory Snakemake will use: `-d/--directory`, else the current one."""
    return Path(snakemake_directory(snakemake_args, os.getcwd()))


def say(message: str) -> None:
    print(f"difficulty-filter run: {message}", file=sys.stderr, flush=True)
