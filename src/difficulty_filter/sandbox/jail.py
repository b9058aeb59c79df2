"""The jail: a long-lived process in its own namespaces, under the sandbox uid, running responses one by one.

Built once per zygote, rebuilt when it dies or overruns a response's deadline:
  zygote ─ setup process (new session; new network, mount, IPC and pid namespaces; private tmpfs mounts)
         ─ jail (pid 1 of the new pid namespace, so the program can neither kill it nor outlive it; dedicated
           uid; scrubbed environment)
         ─ one test process per response (harness.py), forked from the jail: no interpreter start.
Per response the jail reads a request, runs the tests in a fresh working directory, streams events, then kills
everything the program left and wipes the private /tmp, /var/tmp, /dev/shm and /run/lock.
Events, one JSON line each: {"event": "ready"} once built; per response the harness's test/budget events then
{"event": "done"}; {"event": "error"} when the jail cannot be built or fails (it then exits).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile

from . import framing, harness, isolation
from .limits import DISK_BYTES


def _emitter(fd: int):
    def emit(event: dict) -> None:
        os.write(fd, (json.dumps(event) + "\n").encode())

    return emit


def main(
    features: list,
    uid: int | None,
    expose: list[str],
    request_fd: int,
    events_fd: int,
    zygote_pid: int,
    base_dir: str | None,
) -> int:
    """Entry point of the setup process forked by the zygote; returns its exit status.

    expose: the interpreter's sys.path, made reachable for the sandbox uid; base_dir: where working
    directories go when there is no private /tmp."""
    emit = _emitter(events_fd)
    try:
        os.setsid()
        isolation.die_with_parent(zygote_pid)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        keep = sorted((request_fd, events_fd))
        os.closerange(3, keep[0])
        os.closerange(keep[0] + 1, keep[1])
        os.closerange(keep[1] + 1, 1 << 16)
        isolation.enter_namespaces(features, DISK_BYTES, expose)
        if "pidns" not in features:
            return _serve(features, uid, request_fd, emit, base_dir, expose)
        pid = os.fork()
        if pid == 0:
            isolation.die_with_parent(None)
            os._exit(_serve(features, uid, request_fd, emit, base_dir, expose))
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except BaseException as exc:
        emit({"event": "error", "detail": f"{type(exc).__name__}: {exc}"})
        return 1


def _serve(features: list, uid: int | None, request_fd: int, emit, base_dir: str | None, expose: list[str]) -> int:
    try:
        isolation.enter_pid_namespace(features)
        isolation.become_subreaper()
        if "uid" in features:
            isolation.drop_privileges(uid)
        os.chdir("/")
        private = isolation.private_dirs(expose) if "mntns" in features else []
        emit({"event": "ready"})
        while True:
            try:
                request = framing.recv(request_fd)
            except EOFError:
                return 0
            workdir = _fresh_workdir(features, base_dir, private)
            os.environ.clear()
            os.environ.update(isolation.scrubbed_env(workdir))
            harness.run_tests(request, features, workdir, emit)
            del request
            _wipe(workdir, private)
            emit({"event": "done"})
    except BaseException as exc:
        emit({"event": "error", "detail": f"{type(exc).__name__}: {exc}"})
        return 1


def _fresh_workdir(features: list, base_dir: str | None, private: list[str]) -> str:
    if "mntns" in features and any(isolation.NS_WORKDIR.startswith(top + "/") for top in private):
        os.mkdir(isolation.NS_WORKDIR, 0o700)
        return isolation.NS_WORKDIR
    return tempfile.mkdtemp(dir=base_dir)


def _force_remove(function, path, _exc_info) -> None:
    """rmtree error handler: the program may have taken away permissions on its own files."""
    try:
        os.chmod(os.path.dirname(path), 0o700)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, 0o700)
        function(path)
    except OSError:
        pass


def _wipe(workdir: str, private: list[str]) -> None:
    """Remove the working directory and everything else written to the private tmpfs mounts."""
    if os.path.exists(workdir) and not any(workdir.startswith(top + "/") for top in private):
        shutil.rmtree(workdir, onerror=_force_remove)
    for top in private:
        for entry in os.scandir(top):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, onerror=_force_remove)
            else:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
