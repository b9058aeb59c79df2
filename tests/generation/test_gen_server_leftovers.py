"""A managed server left behind by a SIGKILLed generate job does not outlive the next job's start."""

import os
import signal
import subprocess
import sys
import textwrap
import time

from difficulty_filter.generation.engines.managed_server import managed_server
from difficulty_filter.generation.engines.server_records import stop_orphans

from .test_gen_managed_server import CFG, RAW, alive, all_gone, fake, pids

JOB = """
import sys, time
from difficulty_filter import config
from difficulty_filter.generation.engines.managed_server import managed_server
with managed_server(config.section("model", {raw!r}), 0, command={cmd!r}, port={port}, records={records!r}):
    print("ready", flush=True)
    time.sleep(600)
"""


def test_server_of_a_killed_job_gets_sigterm_and_its_leftover_workers_are_stopped_by_the_next_job(tmp_path):
    cmd, port = fake(tmp_path)
    records = str(tmp_path / "servers")
    job = tmp_path / "job.py"
    job.write_text(textwrap.dedent(JOB.format(raw=RAW, cmd=cmd, port=port, records=records)))
    proc = subprocess.Popen([sys.executable, str(job)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    server, worker = pids(tmp_path)
    assert len(os.listdir(records)) == 1
    proc.send_signal(signal.SIGKILL)  # the job can clean up nothing
    proc.wait(10)
    assert exits(server)  # PR_SET_PDEATHSIG: the server got SIGTERM
    assert alive(worker)  # ...but its engine worker is orphaned
    (tmp_path / "pids").unlink()
    cmd, port = fake(tmp_path)
    with managed_server(CFG, 0, command=cmd, port=port, records=records):  # the next generate job
        assert not alive(worker)
        assert len(os.listdir(records)) == 1  # only its own server's record
    assert os.listdir(records) == [] and all_gone(tmp_path)


def test_records_of_live_jobs_are_left_alone(tmp_path):
    cmd, port = fake(tmp_path)
    records = tmp_path / "servers"
    with managed_server(CFG, 0, command=cmd, port=port, records=records):
        assert stop_orphans(records) == [] and all(alive(p) for p in pids(tmp_path))
    assert all_gone(tmp_path)


def exits(pid, timeout=10.0):
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
