"""Isolation primitives used inside the sandbox's process tree (Linux only, stdlib + ctypes).

Features (each probed, never assumed):
  userns  own user namespace (non-root only; makes the others possible without privileges)
  netns   own network namespace with no interface up: no connection can leave, not even to 127.0.0.1
  mntns   own mount and IPC namespaces, fresh tmpfs on /tmp, /var/tmp, /dev/shm, /run/lock (wiped after every
          response, gone with the sandbox); SysV/POSIX IPC objects never reach the host
  pidns   own pid namespace: the harness is its init, so the program cannot kill it, and every process
          left behind dies with it
  uid     a dedicated unprivileged uid/gid (root only): file permissions protect the host, RLIMIT_NPROC
          counts only the sandbox's processes; with mntns, interpreter directories behind a directory the uid
          cannot enter (e.g. a Python under /root) are bind-mounted into an otherwise empty tmpfs there
  pyguard a Python audit hook refusing sockets, subprocesses, signals, ctypes and writes outside the working
          directory; only a fallback where netns, mntns or uid is missing (code using ctypes can get around it)
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 8, 0x1000, 0x4000, 0x40000
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36

PRIVATE_DIRS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")
#: Working directory inside a private /tmp.
NS_WORKDIR = "/tmp/work"
ROOT_ORDER = ("netns", "mntns", "pidns", "uid")
USER_ORDER = ("userns", "netns", "mntns", "pidns")

_libc = ctypes.CDLL(None, use_errno=True)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    def enc(s: str | None) -> bytes | None:
        return s.encode() if s is not None else None

    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def die_with_parent(parent_pid: int | None) -> None:
    """Get SIGKILL when the parent exits; exit at once if it already has (checkable only when `parent_pid`
    is visible, i.e. not from the first process of a new pid namespace)."""
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def become_subreaper() -> None:
    """Orphaned descendants are re-parented to the caller, which can then reap them."""
    _check(_libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "prctl(CHILD_SUBREAPER)")


def _map_to_root() -> None:
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER), "unshare(user)")
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w") as fh:
            fh.write(text)


def _closed_ancestor(path: str) -> str | None:
    """The first directory on the way to `path` that others may not enter, if any."""
    current = "/"
    for part in path.split("/")[1:]:
        if not os.stat(current).st_mode & 0o001:
            return current
        current = os.path.join(current, part)
    return None


def private_dirs(expose=()) -> list[str]:
    """PRIVATE_DIRS that get a fresh tmpfs: all but those holding the interpreter's own packages (a venv
    under /tmp stays visible; that directory is then shared with the host, like at level `none`)."""
    real = [os.path.realpath(p) for p in expose]
    return [
        d
        for d in PRIVATE_DIRS
        if os.path.isdir(d) and not os.path.islink(d) and not any(p == d or p.startswith(d + "/") for p in real)
    ]


def _expose(paths) -> None:
    """Make `paths` reachable for an unprivileged uid: cover each closed ancestor with an empty tmpfs and
    bind-mount just those paths back into it."""
    groups: dict[str, list[str]] = {}
    for path in sorted({os.path.realpath(p) for p in paths if os.path.isdir(p)}):
        ancestor = _closed_ancestor(path)
        group = groups.setdefault(ancestor, []) if ancestor else None
        if group is not None and not any(path.startswith(q + "/") for q in group):
            group.append(path)
    for ancestor, group in groups.items():
        handles = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in group]
        _mount("tmpfs", ancestor, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
        for path, fd in handles:
            os.makedirs(path, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
            os.close(fd)


def enter_namespaces(features, disk_bytes: int, expose=()) -> None:
    """Called in the sandbox's first process: create the namespaces and the private mounts; with a
    dedicated uid, make the directories in `expose` (the interpreter's sys.path) reachable for it."""
    if "userns" in features:
        _map_to_root()
    flags = (
        (CLONE_NEWNET if "netns" in features else 0)
        | (CLONE_NEWNS | CLONE_NEWIPC if "mntns" in features else 0)
        | (CLONE_NEWPID if "pidns" in features else 0)
    )
    if flags:
        _check(_libc.unshare(flags), "unshare")
    if "mntns" in features:
        _mount("none", "/", None, MS_REC | MS_PRIVATE)
        for path in private_dirs(expose):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={disk_bytes},mode=1777")
        if "uid" in features:
            _expose(expose)


def enter_pid_namespace(features) -> None:
    """Called in the first process of the new pid namespace: give it its own /proc."""
    if "pidns" in features:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def kill_leftovers(features, uid: int | None, pgid: int) -> None:
    """Kill every process the sandbox may have left behind (the dedicated uid's, else the process group)."""
    if "uid" in features and uid is not None:
        pid = os.fork()
        if pid == 0:
            try:
                drop_privileges(uid)
                os.kill(-1, signal.SIGKILL)  # every process of this uid except the caller
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def scrubbed_env(workdir: str) -> dict:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def install_pyguard(workdir: str) -> None:
    """Audit hook refusing network access, subprocesses, ctypes and writes outside `workdir`."""
    root = os.path.realpath(workdir) + os.sep
    refused = {
        "socket.connect",
        "socket.bind",
        "socket.sendto",
        "socket.getaddrinfo",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.kill",
        "os.killpg",
        "ctypes.dlopen",
        "ctypes.dlsym",
        "ctypes.cdata",
    }
    path_events = {
        "os.remove",
        "os.rename",
        "os.rmdir",
        "os.mkdir",
        "os.chmod",
        "os.chown",
        "os.link",
        "os.symlink",
        "os.truncate",
        "shutil.rmtree",
        "os.utime",
    }
    realpath, fspath = os.path.realpath, os.fspath
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC

    def outside(path) -> bool:
        if isinstance(path, int):
            return False
        return not (realpath(fspath(path)) + os.sep).startswith(root)

    def hook(event, args):
        if event in refused or (event == "socket.sendmsg" and args[1] is not None):  # (unaddressed: socketpairs)
            raise PermissionError(f"sandbox: {event} is not allowed")
        if event == "open" and (args[2] or 0) & write_flags and outside(args[0]):
            raise PermissionError(f"sandbox: writing {args[0]!r} is not allowed")
        if event in path_events and outside(args[0]):
            raise PermissionError(f"sandbox: {event} {args[0]!r} is not allowed")

    sys.addaudithook(hook)


def _works(features, uid: int | None, disk_bytes: int, expose) -> bool:
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            enter_namespaces(features, disk_bytes, expose)
            if "pidns" in features:
                inner = os.fork()
                if inner == 0:
                    try:
                        enter_pid_namespace(features)
                        os._exit(0)
                    except BaseException:
                        os._exit(1)
                code = os.waitstatus_to_exitcode(os.waitpid(inner, 0)[1])
            else:
                code = 0
            if code == 0 and "uid" in features:
                drop_privileges(uid)
                code = 0 if all(os.access(p, os.R_OK | os.X_OK) for p in expose if os.path.isdir(p)) else 1
        except BaseException:
            code = 1
        os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


def probe(level: str, uid: int | None, disk_bytes: int, expose=()) -> list[str]:
    """Features usable at `level` on this host (`none` uses none; `process`/`bwrap` use all that work).

    `uid` only counts when the interpreter directories in `expose` are readable under it."""
    if level == "none":
        return []
    order = ROOT_ORDER if os.geteuid() == 0 else USER_ORDER
    features: list[str] = []
    for feature in order:
        if feature == "pidns" and "mntns" not in features:
            continue  # its /proc must not replace the host's
        if feature == "uid" and uid is None:
            continue
        if _works(features + [feature], uid, disk_bytes, expose):
            features.append(feature)
    if any(f not in features for f in ("netns", "mntns", "uid")):
        features.append("pyguard")
    return features


def describe(level: str, features) -> str:
    """One line saying honestly what the sandbox guarantees."""
    if level == "none":
        return "none: no isolation (limits and timeouts only)"
    missing = [f for f in ("netns", "mntns", "pidns", "uid") if f not in features]
    base = "read-only host filesystem, " if level == "bwrap" else ""
    text = f"{level}: {base}" + ", ".join(f for f in features if f != "pyguard")
    if missing:
        text += f"; missing {', '.join(missing)}"
    if "pyguard" in features:
        text += "; Python audit-hook guard (bypassable with ctypes)"
    return text
