import itertools
import multiprocessing
import os
import threading
import time

import pytest

from difficulty_filter.generation.engines.gpu_slots import gpu_slots, lock_namespace, visible_gpus


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.delenv("SLURM_JOB_ID", raising=False)


def test_nested_holders_get_distinct_devices_and_env_is_restored(tmp_path):
    with gpu_slots(tmp_path, 1, devices=["0", "1"]) as a:
        assert os.environ["CUDA_VISIBLE_DEVICES"] == a[0]
        with gpu_slots(tmp_path, 1, devices=["0", "1"]) as b:
            assert a != b and os.environ["CUDA_VISIBLE_DEVICES"] == b[0]
        assert os.environ["CUDA_VISIBLE_DEVICES"] == a[0]
    assert "CUDA_VISIBLE_DEVICES" not in os.environ


def test_multi_gpu_job_takes_disjoint_sets(tmp_path):
    with (
        gpu_slots(tmp_path, 2, devices=["0", "1", "2", "3"]) as a,
        gpu_slots(tmp_path, 2, devices=["0", "1", "2", "3"]) as b,
    ):
        assert len(a) == len(b) == 2 and not set(a) & set(b)


def test_waits_until_a_device_is_released(tmp_path):
    got = []
    with gpu_slots(tmp_path, 1, devices=["0"]):
        t = threading.Thread(target=lambda: got.extend(_hold(tmp_path, ["0"])))
        t.start()
        time.sleep(0.3)
        assert not got  # still waiting
    t.join(5)
    assert got == ["0"]


def _hold(lock_dir, devices):
    with gpu_slots(lock_dir, 1, devices=devices, poll_seconds=0.05) as ids:
        return ids


def _worker(lock_dir, log_path):
    with gpu_slots(lock_dir, 1, devices=["0", "1"], poll_seconds=0.02) as ids:
        start = time.monotonic()
        time.sleep(0.15)
        with open(log_path, "a") as fh:
            fh.write(f"{ids[0]} {start} {time.monotonic()} {os.environ['CUDA_VISIBLE_DEVICES']}\n")


def test_concurrent_processes_never_share_a_device(tmp_path):
    ctx = multiprocessing.get_context("fork")
    log_path = tmp_path / "log.txt"
    procs = [ctx.Process(target=_worker, args=(tmp_path / "locks", log_path)) for _ in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    spans = [line.split() for line in log_path.read_text().splitlines()]
    assert len(spans) == 6 and all(dev == env for dev, _, _, env in spans)
    for dev in ("0", "1"):
        mine = sorted((float(s), float(e)) for d, s, e, _ in spans if d == dev)
        assert all(prev_end <= start for (_, prev_end), (start, _) in itertools.pairwise(mine))


def test_cpu_jobs_and_missing_devices(tmp_path):
    with gpu_slots(tmp_path, 0) as ids:
        assert ids == [] and "CUDA_VISIBLE_DEVICES" not in os.environ
    with pytest.raises(RuntimeError, match="needs 3 GPU"):
        with gpu_slots(tmp_path, 3, devices=["0", "1"]):
            pass


def test_visible_devices_and_slurm_namespace(tmp_path, monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,5")
    assert visible_gpus() == ["2", "5"]
    assert lock_namespace(tmp_path) == tmp_path
    monkeypatch.setenv("SLURM_JOB_ID", "123")
    assert lock_namespace(tmp_path) == tmp_path / "slurm-123"
    with gpu_slots(tmp_path, 1) as ids:
        assert ids == ["2"] and (tmp_path / "slurm-123" / "gpu2.lock").exists()
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "2,5"
