"""The zygote's life cycle: lazy start, restart after death, one per (forked) process, honest description."""

from __future__ import annotations

import os
import signal

from difficulty_filter.sandbox import calibration, executor, zygote
from difficulty_filter.sandbox.suite import TestSuite

from .conftest import LIMITS

ECHO = TestSuite("stdio", ("5\n",), ("5\n",))


def test_restarts_after_the_zygote_dies():
    handle = zygote.Zygote("process")
    try:
        assert executor.run_in(handle, "print(input())", ECHO, LIMITS).passed
        os.killpg(handle._proc.pid, signal.SIGKILL)
        handle._proc.wait()
        assert executor.run_in(handle, "print(input())", ECHO, LIMITS).passed
    finally:
        handle.close()


def test_missing_bwrap_is_a_sandbox_error(monkeypatch):
    monkeypatch.setattr(zygote.shutil, "which", lambda name: None)
    result = executor.run_in(zygote.Zygote("bwrap"), "print(input())", ECHO, LIMITS)
    assert result.status == "sandbox_error" and "bubblewrap" in result.detail


def test_forked_worker_gets_its_own_zygote():
    parent = zygote.shared("process")
    parent.describe()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # a scoring worker forked after the parent started its zygote
        try:
            child = zygote.shared("process")
            ok = child is not parent and executor.run_in(child, "print(input())", ECHO, LIMITS).passed
            child.close()
            os.write(write_fd, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write_fd)
    assert os.read(read_fd, 1) == b"1"
    os.waitpid(pid, 0)
    assert executor.run_in(parent, "print(input())", ECHO, LIMITS).passed


def test_client_environment_never_reaches_the_program(monkeypatch):
    monkeypatch.setenv("DF_TEST_SECRET_TOKEN", "leaked-token")
    handle = zygote.Zygote("process")
    try:
        program = (
            "import os\ntry:\n    env = open('/proc/self/environ').read()\nexcept OSError:\n    env = ''\n"
            "print('leaked-token' in env + str(os.environ))\n"
        )
        result = executor.run_in(handle, program, TestSuite("stdio", ("",), ("False",)), LIMITS)
        assert result.passed, result.summary()
    finally:
        handle.close()


def test_description_is_honest():
    text = zygote.shared("process").describe()
    assert text.startswith("process: ")
    if os.geteuid() == 0:
        assert "netns" in text and "uid" in text
    none = zygote.Zygote("none")
    try:
        assert none.describe() == "none: no isolation (limits and timeouts only)"
    finally:
        none.close()


def test_calibration_factor_is_cached_and_at_least_one():
    assert calibration.factor() >= 1.0
    assert calibration.factor() is calibration.factor()
    assert calibration.measure() > 0
