"""Managed server lifecycle with a stand-in server process (no vLLM): health wait, clean stop, no orphans."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from difficulty_filter import config
from difficulty_filter.generation.engines.managed_server import free_port, managed_server, server_command

FAKE = textwrap.dedent("""
    import http.server, os, signal, subprocess, sys, time
    port, pidfile, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])  # an 'engine worker'
    open(pidfile, "w").write(f"{os.getpid()} {child.pid}")
    if mode == "ignore_term":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if mode == "crash":
        sys.exit(3)
    if mode == "slow":
        time.sleep(600)
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *a): pass
    http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
""")

RAW = {"path": "m", "server": {"startup_timeout": 20}}
CFG = config.section("model", RAW)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is as good as dead
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split(")")[-1].split()[0] != "Z"


def all_gone(tmp_path, timeout=5.0):
    """Every process the stand-in started has exited (signals are delivered asynchronously)."""
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids(tmp_path)):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def fake(tmp_path, mode="ok"):
    script = tmp_path / "fake_server.py"
    script.write_text(FAKE)
    port = free_port()
    return [sys.executable, str(script), str(port), str(tmp_path / "pids"), mode], port


def pids(tmp_path):
    return [int(x) for x in (tmp_path / "pids").read_text().split()]


def test_healthy_server_is_stopped_with_its_group(tmp_path):
    cmd, port = fake(tmp_path)
    with managed_server(CFG, 0, command=cmd, port=port) as server:
        assert server.alive() and server.url.endswith(f":{port}")
        server_pid, worker_pid = pids(tmp_path)
        assert os.getpgid(worker_pid) == server_pid != os.getpgid(0)
    assert all_gone(tmp_path)


def test_stop_after_failure_in_the_block(tmp_path):
    cmd, port = fake(tmp_path)
    with pytest.raises(KeyError):
        with managed_server(CFG, 0, command=cmd, port=port):
            raise KeyError("client failed")
    assert all_gone(tmp_path)


def test_sigkill_when_sigterm_is_ignored(tmp_path):
    cmd, port = fake(tmp_path, "ignore_term")
    start = time.monotonic()
    with managed_server(CFG, 0, command=cmd, port=port, stop_grace_seconds=1):
        pass
    assert time.monotonic() - start < 15 and all_gone(tmp_path)


def test_crash_during_startup_is_reported(tmp_path):
    cmd, port = fake(tmp_path, "crash")
    with pytest.raises(RuntimeError, match="exited with code 3"):
        with managed_server(CFG, 0, command=cmd, port=port):
            pass
    assert all_gone(tmp_path)


def test_startup_timeout(tmp_path):
    cmd, port = fake(tmp_path, "slow")
    with pytest.raises(TimeoutError, match="startup_timeout"):
        with managed_server(
            config.section("model", {"path": "m", "server": {"startup_timeout": 2}}), 0, command=cmd, port=port
        ):
            pass
    assert all_gone(tmp_path)


def test_sigterm_to_the_job_stops_the_server(tmp_path):
    cmd, port = fake(tmp_path)
    job = tmp_path / "job.py"
    job.write_text(
        textwrap.dedent(f"""
        import sys, time
        from difficulty_filter import config
        from difficulty_filter.generation.engines.managed_server import managed_server
        with managed_server(config.section("model", {RAW!r}), 0, command={cmd!r}, port={port}):
            print("ready", flush=True)
            time.sleep(600)
    """)
    )
    proc = subprocess.Popen([sys.executable, str(job)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    assert proc.returncode != 0
    assert all_gone(tmp_path)


def test_server_command_maps_config():
    cfg = config.section(
        "model",
        {
            "path": "/m",
            "engine": "server",
            "dtype": "float32",
            "tensor_parallel_size": 2,
            "data_parallel_size": 4,
            "gpu_memory_utilization": 0.8,
            "max_model_len": 4096,
            "enable_expert_parallel": True,
            "enforce_eager": False,
            "trust_remote_code": True,
            "tokenizer": None,
            "revision": "abc",
            "engine_args": {"max_num_seqs": 64, "enable_prefix_caching": False, "limit_mm_per_prompt": {"image": 0}},
        },
    )
    cmd = server_command(cfg, 1234, seed=5)
    joined = " ".join(cmd)
    assert cmd[1:3] == ["-m", "vllm.entrypoints.openai.api_server"]
    for part in (
        "--model /m",
        "--host 127.0.0.1",
        "--port 1234",
        "--seed 5",
        "--dtype float32",
        "--tensor-parallel-size 2",
        "--data-parallel-size 4",
        "--gpu-memory-utilization 0.8",
        "--max-model-len 4096",
        "--revision abc",
        "--enable-expert-parallel",
        "--trust-remote-code",
        "--max-num-seqs 64",
        "--no-enable-prefix-caching",
        '--limit-mm-per-prompt {"image": 0}',
        "--generation-config vllm",
    ):
        assert part in joined
    assert "--enforce-eager" not in cmd and "--tokenizer" not in cmd
