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

    def leftovers(self, timeout: float = 3.0) -> list[int]:
        """Program processes still running under this sandbox's uid, i.e. all but the jail (whose parent is
        the zygote's root-owned setup process). Other test runs on the host use other uids."""
        if self.handle._uid is None:
            return []
        uid = self.handle._uid[0]
        deadline = time.monotonic() + timeout
        while (left := _processes_of(uid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        return left

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


def _processes_of(uid: int) -> list[int]:
    """Processes of `uid` whose parent also runs as `uid`."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and os.stat(f"/proc/{entry}").st_uid == uid:
                parent = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1]
                if os.stat(f"/proc/{parent}").st_uid == uid:
                    found.append(int(entry))
        except OSError:
            pass
    return found


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
