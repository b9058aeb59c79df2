"""The warm zygote: a pre-imported interpreter that forks one sandbox per response, and its client handle.

The client starts it lazily (one per scoring process, restarted when it dies) as
`python -I -c BOOT` with a scrubbed environment, under bubblewrap for the `bwrap` level. Messages are
length-prefixed JSON over the zygote's stdin/stdout: a hello with the isolation features it found, then one
reply per request.
"""

from __future__ import annotations

import atexit
import fcntl
import importlib
import json
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import harness, isolation
from .limits import DISK_BYTES

#: Modules solutions commonly import, loaded once in the zygote so each fork gets them for free.
PRELOAD = ("array", "bisect", "collections", "copy", "dataclasses", "datetime", "decimal", "enum", "fractions",
           "functools", "heapq", "io", "itertools", "math", "operator", "random", "re", "statistics", "string",
           "typing")
#: First uid of the dedicated sandbox uids (one per zygote, picked with a lock file).
UID_BASE = 3_000_000_000
UID_SLOTS = 4096
START_TIMEOUT = 30.0
#: Seconds the zygote allows beyond a response's budget for setup and teardown.
SLACK = 5.0
MAX_EVENTS = 1 << 20
BOOT = ("import sys; src = sys.argv[1]; sys.path.insert(0, src); "
        "from difficulty_filter.sandbox import zygote; sys.path.remove(src); zygote.serve(sys.argv[2])")
_HEADER = struct.Struct(">I")


class SandboxUnavailable(RuntimeError):
    """The sandbox could not be started or died: an infrastructure failure, not the program's."""


# ----------------------------------------------------------------------------------------------- framing
def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    data = b""
    while len(data) < size:
        if deadline is not None and not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise TimeoutError("no reply from the zygote in time")
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise EOFError("zygote pipe closed")
        data += chunk
    return data


def _recv(fd: int, deadline: float | None = None) -> dict:
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    return json.loads(_read_exact(fd, size, deadline))


def _send(fd: int, message: dict) -> None:
    body = json.dumps(message).encode()
    data = memoryview(_HEADER.pack(len(body)) + body)
    while data:
        data = data[os.write(fd, data):]


# ------------------------------------------------------------------------------------------------ server
def _count_processes(uid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        try:
            count += entry.isdigit() and os.stat(f"/proc/{entry}").st_uid == uid
        except OSError:
            pass
    return count


def _collect(fd: int, deadline: float) -> tuple[bytes, bool]:
    data = b""
    while len(data) < MAX_EVENTS:
        if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
            return data, True
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    return data, False


def _serve_one(request: dict, features: list, uid: int | None) -> dict:
    limits = request["limits"]
    deadline = time.monotonic() + limits["total_seconds"] + SLACK
    workdir = None if "mntns" in features else tempfile.mkdtemp(prefix="difficulty-filter-sandbox-")
    read_fd, write_fd = os.pipe()
    zygote_pid = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        os._exit(harness.sandbox_main(request, features, uid, write_fd, workdir, zygote_pid))
    os.close(write_fd)
    try:
        data, timed_out = _collect(read_fd, deadline)
    finally:
        os.close(read_fd)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        isolation.kill_leftovers(features, uid, pid)
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    events = []
    for line in data.splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            pass
    return {"events": events, "timed_out": timed_out}


def serve(config_json: str) -> None:
    """Main loop of the zygote process."""
    config = json.loads(config_json)
    sys.dont_write_bytecode = True
    for name in PRELOAD:
        importlib.import_module(name)
    available = isolation.probe(config["level"], config["uid"], DISK_BYTES)
    features = available if config["features"] is None else config["features"]
    missing = sorted(set(features) - set(available) - {"pyguard"})
    _send(1, {"features": features, "error": f"not available here: {', '.join(missing)}" if missing else None})
    if missing:
        return
    host_processes = 0 if "uid" in features else _count_processes(os.getuid())
    while True:
        try:
            request = _recv(0)
        except EOFError:
            return
        request["host_processes"] = host_processes
        _send(1, _serve_one(request, features, config["uid"]))


# ------------------------------------------------------------------------------------------------ client
def bwrap_command() -> list[str]:
    """bubblewrap prefix for the zygote: read-only host filesystem, private /tmp and /run, own namespaces.

    The zygote keeps the capabilities it needs to build each response's inner sandbox (namespaces, uid).
    """
    exe = shutil.which("bwrap")
    if exe is None:
        raise SandboxUnavailable("isolation 'bwrap' needs bubblewrap (bwrap) on PATH")
    caps = [arg for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_SYS_ADMIN", "CAP_CHOWN") for arg in ("--cap-add", cap)]
    return [exe, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
            "--tmpfs", "/var/tmp", "--tmpfs", "/run", "--unshare-ipc", "--unshare-pid", "--unshare-net",
            "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", *caps]


def _acquire_uid() -> tuple[int, int]:
    """A sandbox uid no other zygote on this host uses, held through a lock file for this process's life."""
    lock_dir = Path(tempfile.gettempdir()) / f"difficulty-filter-sandbox-uids-{os.geteuid()}"
    lock_dir.mkdir(mode=0o700, exist_ok=True)
    for slot in range(UID_SLOTS):
        fd = os.open(lock_dir / f"{slot}.lock", os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return UID_BASE + slot, fd
        except BlockingIOError:
            os.close(fd)
    raise SandboxUnavailable(f"all {UID_SLOTS} sandbox uids are in use")


class Zygote:
    """Handle on one zygote process; thread-safe; (re)started on demand."""

    def __init__(self, level: str, features: list[str] | None = None):
        self.level = level
        self.requested = features
        self.features: list[str] = []
        self._proc: subprocess.Popen | None = None
        self._uid: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        if self._uid is None and os.geteuid() == 0 and self.level != "none":
            self._uid = _acquire_uid()
        config = {"level": self.level, "uid": self._uid and self._uid[0], "features": self.requested}
        src = str(Path(__file__).resolve().parents[2])
        argv = [sys.executable, "-I", "-c", BOOT, src, json.dumps(config)]
        if self.level == "bwrap":
            argv = bwrap_command() + argv
        self._proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd="/",
                                      env=isolation.scrubbed_env("/tmp"), start_new_session=True)
        try:
            hello = _recv(self._proc.stdout.fileno(), time.monotonic() + START_TIMEOUT)
        except (OSError, EOFError, TimeoutError, ValueError) as exc:
            self._stop()
            raise SandboxUnavailable(f"zygote ({self.level}) did not start: {exc}") from exc
        if hello["error"]:
            self._stop()
            raise SandboxUnavailable(f"zygote ({self.level}): {hello['error']}")
        self.features = hello["features"]

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        proc.stdin.close()
        proc.stdout.close()

    def describe(self) -> str:
        with self._lock:
            if self._proc is None:
                self._start()
            return isolation.describe(self.level, self.features)

    def run(self, request: dict, timeout: float) -> dict:
        """Send one request; raise SandboxUnavailable if the zygote cannot start, dies or stops answering."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._stop()
                self._start()
            try:
                _send(self._proc.stdin.fileno(), request)
                return _recv(self._proc.stdout.fileno(), time.monotonic() + timeout)
            except (OSError, EOFError, TimeoutError, ValueError) as exc:
                self._stop()
                raise SandboxUnavailable(f"zygote ({self.level}) failed: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._stop()
            if self._uid is not None:
                os.close(self._uid[1])
                self._uid = None


_shared: dict[str, Zygote] = {}
_shared_pid: int | None = None
_shared_lock = threading.Lock()


def shared(level: str) -> Zygote:
    """This process's zygote for `level` (a forked worker gets its own, never its parent's)."""
    global _shared_pid
    with _shared_lock:
        if _shared_pid != os.getpid():
            _shared.clear()
            _shared_pid = os.getpid()
        if level not in _shared:
            _shared[level] = Zygote(level)
        return _shared[level]


@atexit.register
def _close_all() -> None:
    if _shared_pid == os.getpid():
        for zygote in _shared.values():
            zygote.close()
