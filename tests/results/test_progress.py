"""Progress records: counters, rates from the phase start, heartbeat writes, end states, dead-job detection."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from difficulty_filter.results.paths import Layout
from difficulty_filter.results.progress import DONE, FAILED, RUNNING, Progress, compact, describe, is_stale


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def read(path):
    return json.loads(path.read_text())


def test_record_counts_rates_and_eta(tmp_path):
    clock, path = Clock(), Path(Layout(str(tmp_path)).progress_record("demo", "m", "generate_s00000"))
    assert path == tmp_path / "demo" / "m" / "progress" / "generate_s00000.json"
    with Progress(path, {"kind": "generate", "job": "generate demo/m s00000"}, interval=3600, clock=clock) as progress:
        progress.expect(prompts=40, responses=240)
        first = progress.publish()
        assert (first["state"], first["phase"], first["prompts"], first["eta_s"]) == (RUNNING, "starting", 0, None)
        clock.now += 60
        progress.phase("generating")  # the model load does not count in the rates
        clock.now += 10
        progress.add(prompts=10, responses=60, tokens=400)
        progress.note(model_loads=1)
        record = progress.publish()
        assert record["prompts_per_s"] == 1.0 and record["tokens_per_s"] == 40.0
        assert record["eta_s"] == 30.0  # 30 prompts left at 1 prompt/s
        assert describe(record) == "10/40 prompts, 60 responses, 400 tokens, 40 tok/s, ETA 30s"
        assert read(path)["kind"] == "generate" and read(path)["extra"] == {"model_loads": 1}
    final = read(path)
    assert final["state"] == DONE and final["error"] is None and final["pid"] > 0
    assert describe(final) == "10 prompts, 60 responses, 400 tokens, 40 tok/s"


def test_heartbeat_rewrites_the_record_and_logs(tmp_path, caplog):
    path = tmp_path / "p.json"
    with caplog.at_level(logging.INFO, logger="difficulty_filter.results.progress"):
        with Progress(path, {}, interval=0.05) as progress:
            progress.add(prompts=1)
            beat = read(path)["updated"]
            deadline = time.time() + 5
            while read(path)["updated"] == beat and time.time() < deadline:
                time.sleep(0.02)
            assert read(path)["updated"] > beat and read(path)["prompts"] == 1
    assert sum("progress (running" in r.message for r in caplog.records) >= 2


def test_a_failing_job_leaves_a_failed_record_with_the_error(tmp_path):
    path = tmp_path / "p.json"
    with pytest.raises(RuntimeError):
        with Progress(path, {}, interval=3600):
            raise RuntimeError("CUDA out of memory\nTried to allocate 2.00 GiB")
    record = read(path)
    assert record["state"] == FAILED and record["error"] == "Tried to allocate 2.00 GiB"


def test_unwritable_record_does_not_fail_the_job(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OSError):
        Progress(blocker / "p.json", {}, interval=3600).publish()
    with Progress(tmp_path / "ok.json", {}, interval=3600) as progress:
        progress.path = blocker / "p.json"  # the filesystem goes away mid-run


def test_without_a_path_it_only_counts(tmp_path, caplog):
    with caplog.at_level(logging.INFO), Progress(None) as progress:
        progress.add(prompts=2, responses=4, tokens=9)
    assert progress.record()["tokens"] == 9 and progress.record()["state"] == DONE
    assert caplog.records == [] and list(tmp_path.iterdir()) == []


def test_stale_records():
    host = socket.gethostname()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    alive = {"state": RUNNING, "updated": 1000.0, "interval_s": 10.0, "host": host, "pid": os.getpid()}
    assert not is_stale(alive, now=1030.0)
    assert is_stale(alive, now=1061.0)  # no heartbeat for 6 intervals
    assert is_stale(alive | {"pid": int(dead.stdout)}, now=1001.0)  # its process is gone
    assert not is_stale(alive | {"pid": int(dead.stdout), "host": "elsewhere"}, now=1001.0)
    assert not is_stale(alive | {"state": DONE}, now=9999.0)


@pytest.mark.parametrize("number, text", [(950, "950"), (3100, "3.1k"), (12_000_000, "12.0M")])
def test_compact(number, text):
    assert compact(number) == text
