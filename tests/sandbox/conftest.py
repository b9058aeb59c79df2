"""Sandbox fixtures: one zygote per isolation level available here, small limits, host-trace helpers.

Every hostile program in this suite targets only canaries the tests create; limits are applied before any
of it runs, so the suite is safe on a developer machine.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from difficulty_filter.sandbox import executor, zygote
from difficulty_filter.sandbox.limits import MIB, Limits
from difficulty_filter.sandbox.suite import TestSuite

REPO = Path(__file__).resolve().parents[2]
LIMITS = Limits(test_seconds=1.0, total_seconds=6.0, memory_bytes=256 * MIB, processes=16, output_bytes=64 * 1024)

#: name -> (level, forced features or None for "all that work here").
LEVELS = {
    "process": ("process", None),
    "bwrap": ("bwrap", None),
    # the degraded path: no network namespace, so only the Python audit hook stands between code and sockets
    "process-pyguard": ("process", ["mntns", "pidns", "uid", "pyguard"] if os.geteuid() == 0 else None),
}


class Sandbox:
    """A started zygote plus helpers that time each run."""

    def __init__(self, name: str, handle: zygote.Zygote):
        self.name, self.handle = name, handle
        self.seconds = 0.0

    @property
    def features(self) -> list[str]:
        return self.handle.features

    def run(self, program: str, suite: TestSuite, limits: Limits = LIMITS):
        start = time.monotonic()
        result = executor.run_in(self.handle, program, suite, limits)
        self.seconds = time.monotonic() - start
        return result

    def stdio(self, program: str, inputs=("",), outputs=("",), limits: Limits = LIMITS):
        return self.run(program, TestSuite("stdio", tuple(inputs), tuple(outputs)), limits)

    def functional(self, program: str, tests: str, limits: Limits = LIMITS):
        return self.run(program, TestSuite("functional", code=tests), limits)


def _start(name: str) -> Sandbox:
    level, features = LEVELS[name]
    if level == "bwrap" and shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed")
    if name == "process-pyguard" and features is None:
        pytest.skip("forcing a degraded feature set needs root")
    handle = zygote.Zygote(level, features)
    try:
        handle.describe()
    except zygote.SandboxUnavailable as exc:
        pytest.skip(str(exc))
    return Sandbox(name, handle)


@pytest.fixture(scope="session")
def sandboxes():
    started: dict[str, Sandbox] = {}

    def get(name: str) -> Sandbox:
        if name not in started:
            started[name] = _start(name)
        return started[name]

    yield get
    for box in started.values():
        box.handle.close()


@pytest.fixture(params=list(LEVELS))
def box(request, sandboxes) -> Sandbox:
    """The sandbox at each isolation level available here."""
    return sandboxes(request.param)


@pytest.fixture
def process_box(sandboxes) -> Sandbox:
    return sandboxes("process")


def sandbox_processes() -> list[int]:
    """Host processes running under a dedicated sandbox uid."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            uid = os.stat(f"/proc/{entry}").st_uid if entry.isdigit() else -1
        except OSError:
            continue
        if zygote.UID_BASE <= uid < zygote.UID_BASE + zygote.UID_SLOTS:
            found.append(int(entry))
    return found


def wait_no_sandbox_processes(timeout: float = 3.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := sandbox_processes()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@pytest.fixture
def canary_dir():
    """A grader-owned directory outside every private tmpfs (so the sandbox can see it), with a canary file
    and a 0600 secret."""
    base = REPO / ".pytest_cache"
    base.mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="sandbox-canary-", dir=base))
    path.chmod(0o755)
    (path / "canary.txt").write_text("keep me\n")
    (path / "canary.txt").chmod(0o644)
    secret = path / "secret.txt"
    secret.write_text(f"secret-{uuid.uuid4().hex}\n")
    secret.chmod(0o600)
    yield path
    shutil.rmtree(path, ignore_errors=True)
