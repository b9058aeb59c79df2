"""The warm zygote: a pre-imported interpreter holding the jail (jail.py), and its client handle.

The client starts it lazily (one per scoring process, restarted when it dies) as `python -I -c BOOT` with a
scrubbed environment, under bubblewrap for the `bwrap` level. The zygote probes the isolation features,
builds the jail (forked from it, so every test process is a fork of a warm interpreter) and relays requests
to it, rebuilding it when it dies or overruns a deadline. Messages are length-prefixed JSON over the
zygote's stdin/stdout: a hello with the isolation features (or why no sandbox could be built), then one reply
per request: {"events": [...], "timed_out": bool}.
"""

from __future__ import annotations

import atexit
import fcntl
import gc
import importlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import framing, isolation, jail
from .limits import DISK_BYTES

#: Modules solutions commonly import, loaded once in the zygote so each fork gets them for free.
PRELOAD = (
    "array",
    "bisect",
    "collections",
    "copy",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "fractions",
    "functools",
    "heapq",
    "io",
    "itertools",
    "math",
    "operator",
    "random",
    "re",
    "statistics",
    "string",
    "typing",
)
#: First uid of the dedicated sandbox uids (one per zygote, picked with a lock file).
UID_BASE = 3_000_000_000
UID_SLOTS = 4096
START_TIMEOUT = 30.0
STOP_TIMEOUT = 2.0
#: Seconds the zygote allows beyond a response's budget for setup and teardown.
SLACK = 5.0
MAX_EVENTS = 1 << 20
BOOT = (
    "import sys; src = sys.argv[1]; sys.path.insert(0, src); "
    "from difficulty_filter.sandbox import zygote; sys.path.remove(src); zygote.serve(sys.argv[2])"
)


class SandboxUnavailable(RuntimeError):
    """The sandbox could not be started or died: an infrastructure failure, not the program's."""


# ------------------------------------------------------------------------------------------------ server
def _count_processes(uid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        try:
            count += entry.isdigit() and os.stat(f"/proc/{entry}").st_uid == uid
        except OSError:
            pass
    return count


class JailError(RuntimeError):
    """The jail could not be built."""


class _Jail:
    """The zygote's handle on its jail (see jail.py)."""

    def __init__(self, features: list, uid: int | None, expose: list[str]):
        self.features, self.uid = features, uid
        self.base_dir = None if "mntns" in features else tempfile.mkdtemp(prefix="difficulty-filter-sandbox-")
        if self.base_dir and "uid" in features:
            os.chown(self.base_dir, uid, uid)
        request_r, self.requests = os.pipe()
        self.events, events_w = os.pipe()
        zygote_pid = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.requests)
            os.close(self.events)
            os._exit(jail.main(features, uid, expose, request_r, events_w, zygote_pid, self.base_dir))
        os.close(request_r)
        os.close(events_w)
        self.buffer = b""
        self.alive = True
        ready = self._read(time.monotonic() + START_TIMEOUT)
        if not self.alive or ready[-1:] != [{"event": "ready"}]:
            detail = ready[-1].get("detail") if ready else "no answer"
            self.close()
            raise JailError(f"cannot build the sandbox: {detail}")

    def _read(self, deadline: float) -> list[dict]:
        """Events up to the next ready/done/error; marks the jail dead on EOF or when `deadline` passes."""
        events = []
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                try:
                    events.append(json.loads(line))
                except ValueError:
                    continue
                if events[-1].get("event") in ("ready", "done", "error"):
                    self.alive = events[-1]["event"] != "error"
                    return events
            if not select.select([self.events], [], [], max(0.0, deadline - time.monotonic()))[0]:
                self.alive = False
                return events
            chunk = os.read(self.events, 65536)
            if not chunk or len(self.buffer) > MAX_EVENTS:
                self.alive = False
                return events
            self.buffer += chunk

    def run(self, request: dict, deadline: float) -> dict:
        try:
            framing.send(self.requests, request)
        except OSError:
            self.alive = False
            return {"events": [], "timed_out": False}
        events = self._read(deadline)
        return {"events": events, "timed_out": not self.alive and time.monotonic() >= deadline}

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        isolation.kill_leftovers(self.features, self.uid, self.pid)
        os.close(self.requests)
        os.close(self.events)
        if self.base_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)


def serve(config_json: str) -> None:
    """Main loop of the zygote process: one jail, rebuilt whenever it dies; one reply per request."""
    config = json.loads(config_json)
    sys.dont_write_bytecode = True
    for name in PRELOAD:
        importlib.import_module(name)
    gc.freeze()  # keep the collector from touching (and so copying) the zygote's objects in forks
    expose = [path for path in sys.path if path]
    uid = config["uid"]
    available = isolation.probe(config["level"], uid, DISK_BYTES, expose)
    features = available if config["features"] is None else config["features"]
    missing = sorted(set(features) - set(available) - {"pyguard"})
    current = None
    try:
        if missing:
            raise JailError(f"not available here: {', '.join(missing)}")
        current = _Jail(features, uid, expose)
    except JailError as exc:
        framing.send(1, {"features": features, "error": str(exc)})
        return
    framing.send(1, {"features": features, "error": None})
    host_processes = 0 if "uid" in features else _count_processes(os.getuid())
    while True:
        try:
            request = framing.recv(0)
        except EOFError:
            break
        request["host_processes"] = host_processes
        deadline = time.monotonic() + request["limits"]["total_seconds"] + SLACK
        try:
            current = current or _Jail(features, uid, expose)
            reply = current.run(request, deadline)
        except JailError as exc:
            reply = {"events": [{"event": "error", "detail": str(exc)}], "timed_out": False}
        del request
        if current is not None and not current.alive:
            current.close()
            current = None
        framing.send(1, reply)
    if current is not None:
        current.close()


# ------------------------------------------------------------------------------------------------ client
def bwrap_command() -> list[str]:
    """bubblewrap prefix for the zygote: read-only host filesystem, private /tmp and /run, own namespaces.

    The zygote keeps the capabilities it needs to build each response's inner sandbox (namespaces, uid).
    """
    exe = shutil.which("bwrap")
    if exe is None:
        raise SandboxUnavailable("isolation 'bwrap' needs bubblewrap (bwrap) on PATH")
    caps = [arg for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_SYS_ADMIN", "CAP_CHOWN") for arg in ("--cap-add", cap)]
    return [
        exe,
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--tmpfs",
        "/tmp",
        "--tmpfs",
        "/var/tmp",
        "--tmpfs",
        "/run",
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        *caps,
    ]


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
        self._proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd="/",
            env=isolation.scrubbed_env("/tmp"),
            start_new_session=True,
        )
        try:
            hello = framing.recv(self._proc.stdout.fileno(), time.monotonic() + START_TIMEOUT)
        except (OSError, EOFError, TimeoutError, ValueError) as exc:
            self._stop()
            raise SandboxUnavailable(f"zygote ({self.level}) did not start: {exc}") from exc
        if hello["error"]:
            self._stop()
            raise SandboxUnavailable(f"zygote ({self.level}): {hello['error']}")
        self.features = hello["features"]

    def _stop(self) -> None:
        """Close the zygote's stdin so it tears its jail down itself; kill its process group if it lingers."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.stdin.close()
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
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
                framing.send(self._proc.stdin.fileno(), request)
                return framing.recv(self._proc.stdout.fileno(), time.monotonic() + timeout)
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
