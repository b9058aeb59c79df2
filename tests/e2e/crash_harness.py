"""Run the workflow with `difficulty-filter run` in a temp folder, kill its whole process group at chosen moments,
and compare what it leaves with an uninterrupted run (by content, never by mtime)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from difficulty_filter.demo.workflow import workflow_command

REPO = Path(__file__).resolve().parents[2]
#: Outputs compared by content; progress records and hidden folders (resume cache, locks) are run state.
COMPARED = (".parquet", ".json", ".tsv")
JOB_HEADER = re.compile(r"^(?:local)?rule (\w+):$", re.M)
FINISHED = re.compile(r"^Finished jobid: \d+ \(Rule: (\w+)\)$", re.M)


def command(work: Path, *targets: str) -> list[str]:
    return workflow_command(work, "--cores", "2", *targets)


def run_to_end(work: Path, *targets: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(command(work, *targets), capture_output=True, text=True, timeout=timeout)


@dataclass
class Run:
    """A workflow run in its own process group; its output goes to a file that is read while it runs."""

    work: Path
    targets: tuple[str, ...] = ()
    proc: subprocess.Popen | None = None
    out: Path | None = None
    started: float = 0.0

    def start(self, number: int) -> Run:
        self.out = self.work.parent / f"{self.work.name}.run{number}.out"
        with open(self.out, "w") as sink:
            self.proc = subprocess.Popen(
                command(self.work, *self.targets), stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started = time.monotonic()
        return self

    def text(self) -> str:
        return self.out.read_text(errors="replace")

    def running_rules(self) -> list[str]:
        """Rules of the jobs started and not finished (from Snakemake's console output)."""
        text = self.text()
        running = JOB_HEADER.findall(text)
        for rule in FINISHED.findall(text):
            with contextlib.suppress(ValueError):
                running.remove(rule)
        return running

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def wait(self, timeout: float = 900) -> int:
        return self.proc.wait(timeout)


@dataclass
class Kill:
    """Kill when a job of one of `rules` has started (or `after` seconds from the start when rules is empty),
    then `delay` seconds later."""

    rules: tuple[str, ...]
    delay: float
    after: float = 0.0
    hit: list[str] = field(default_factory=list)  # rules running at the kill
    missed: bool = False  # the run ended first


def kill_when(run: Run, kill: Kill, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if run.proc.poll() is not None:
            kill.missed = True
            return
        if (kill.rules and set(JOB_HEADER.findall(run.text())) & set(kill.rules)) or (
            not kill.rules and time.monotonic() - run.started >= kill.after
        ):
            break
        assert time.monotonic() < deadline, f"no job of {kill.rules} started in {timeout} s"
        time.sleep(0.05)
    time.sleep(kill.delay)
    kill.hit = run.running_rules() or ["<snakemake itself>"]
    run.kill()


#: Figures of how long a run took (the report's model-seconds): they differ between any two runs.
TIMINGS = {"model_seconds"}


def without_timings(value):
    """A JSON value without the keys in TIMINGS, at any depth."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k not in TIMINGS}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def outputs(work: Path) -> dict[str, object]:
    """Every compared output under results/: Parquet as a table, JSON (without timings) as data, TSV as text."""
    found = {}
    root = work / "results"
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (
            not path.is_file()
            or path.suffix not in COMPARED
            or "progress" in rel.parts
            or any(part.startswith(".") for part in rel.parts)
        ):
            continue
        if path.suffix == ".parquet":
            found[str(rel)] = pl.read_parquet(path)
        elif path.suffix == ".json":
            found[str(rel)] = without_timings(json.loads(path.read_text()))
        else:
            found[str(rel)] = path.read_text()
    return found


def differences(got: dict[str, object], want: dict[str, object]) -> list[str]:
    problems = [f"missing {k}" for k in want.keys() - got.keys()] + [f"extra {k}" for k in got.keys() - want.keys()]
    for key in sorted(want.keys() & got.keys()):
        a, b = got[key], want[key]
        same = a.equals(b) if isinstance(a, pl.DataFrame) else a == b
        if not same:
            problems.append(f"differs: {key}")
    return problems


def torn_parquet(work: Path) -> list[str]:
    """Parquet files under a final (not hidden) name whose footer cannot be read: half-written files."""
    torn = []
    for path in (work / "results").rglob("*.parquet"):
        if any(part.startswith(".") for part in path.relative_to(work).parts):
            continue
        try:
            pq.read_metadata(path)
        except Exception:
            torn.append(str(path))
    return torn


def log_lines(work: Path, rule: str) -> set[str]:
    """Lines of a rule's logs now (a rerun job rewrites its log, so callers collect them after each kill)."""
    lines = set()
    for path in (work / "logs" / rule).rglob("*.log"):
        lines |= set(path.read_text(errors="replace").splitlines())
    return lines
