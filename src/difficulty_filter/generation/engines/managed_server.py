"""A vLLM OpenAI-compatible server owned by one generate job: started, health-checked, always stopped.

The server runs in its own process group (and, on Linux, gets SIGTERM if this process dies), so stopping
it means SIGTERM to the whole group, then SIGKILL after a grace period: no engine process is orphaned,
whether the job succeeds, fails, is interrupted (Ctrl-C) or is terminated (SIGTERM from Snakemake/SLURM).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

from ...settings import ModelSettings
from ..requests import engine_args
from .server_records import record, stop_orphans

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _flag(key: str) -> str:
    return "--" + key.replace("_", "-")


def server_command(model: ModelSettings, port: int, seed: int, host: str = "127.0.0.1") -> list[str]:
    """`python -m vllm.entrypoints.openai.api_server ...` for a model's settings."""
    cmd = [
        sys.executable,
        "-m",
        "vllm.entrypoints.openai.api_server",
        "--model",
        model.path,
        "--host",
        host,
        "--port",
        str(port),
        "--seed",
        str(seed),
        "--dtype",
        model.dtype,
        "--tensor-parallel-size",
        str(model.tensor_parallel_size),
        "--data-parallel-size",
        str(model.data_parallel_size),
        "--gpu-memory-utilization",
        str(model.gpu_memory_utilization),
        # sampling defaults come from the request alone, exactly as in the offline engine
        "--generation-config",
        "vllm",
    ]
    for key in ("tokenizer", "revision", "max_model_len"):
        if getattr(model, key) is not None:
            cmd += [_flag(key), str(getattr(model, key))]
    for key in ("enable_expert_parallel", "enforce_eager", "trust_remote_code"):
        if getattr(model, key):
            cmd.append(_flag(key))
    for key, value in engine_args(model).items():
        if value is True:
            cmd.append(_flag(key))
        elif value is False:
            cmd.append("--no-" + key.replace("_", "-"))
        elif isinstance(value, (dict, list)):
            cmd += [_flag(key), json.dumps(value)]
        elif value is not None:
            cmd += [_flag(key), str(value)]
    return cmd


def _child_setup(parent: int) -> None:
    """In the child: new session (own process group) and SIGTERM when the parent dies (Linux), also when it
    died before the request was made."""
    os.setsid()
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGTERM)


@dataclass
class ManagedServer:
    process: subprocess.Popen
    url: str

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(
                    f"the vLLM server exited with code {self.process.returncode} while starting "
                    f"(its output is in this job's log)"
                )
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url + "/health", timeout=5) as resp:
                    if resp.status == 200:
                        return
            time.sleep(1.0)
        raise TimeoutError(
            f"the vLLM server at {self.url} was not healthy after {timeout:.0f} s "
            f"(models.<name>.server.startup_timeout)"
        )

    def stop(self, grace_seconds: float = 30.0) -> None:
        """SIGTERM the process group, SIGKILL it after `grace_seconds`."""
        pgid = self.process.pid  # the child called setsid(): its pid is the group id
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            log.warning("vLLM server did not stop within %.0f s; killing it", grace_seconds)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)  # engine workers left in the group
        self.process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # SIGKILL is asynchronous: return once the group is gone
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        log.warning("processes of the vLLM server group %d are still alive after SIGKILL", pgid)


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt while the server runs, so the cleanup below always happens."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def managed_server(
    model: ModelSettings,
    seed: int,
    command: list[str] | None = None,
    port: int | None = None,
    stop_grace_seconds: float = 30.0,
    records: str | os.PathLike | None = None,
) -> Iterator[ManagedServer]:
    """Start the server (or `command`, for tests) on a free local port; yield once /health answers.

    With a `records` folder, servers left there by dead jobs are stopped first, and this one is recorded
    while it runs (see `server_records`)."""
    port = port or free_port()
    cmd = command or server_command(model, port, seed)
    startup_timeout = model.server.startup_timeout
    with _sigterm_raises():
        log.info("starting vLLM server: %s", " ".join(cmd))
        if records is not None:
            stop_orphans(records)
        process = subprocess.Popen(cmd, preexec_fn=functools.partial(_child_setup, os.getpid()))
        server = ManagedServer(process, f"http://127.0.0.1:{port}")
        entry = record(records, process.pid) if records is not None else None
        try:
            started = time.monotonic()
            server.wait_healthy(startup_timeout)
            log.info(
                "vLLM server (pid %d) healthy at %s after %.1f s",
                server.process.pid,
                server.url,
                time.monotonic() - started,
            )
            yield server
        finally:
            server.stop(stop_grace_seconds)
            if entry is not None:
                entry.unlink(missing_ok=True)
            log.info("vLLM server stopped")
