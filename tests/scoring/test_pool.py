"""Killable verifier pool: deadlines with one and several workers, order, crashes, child processes."""

from __future__ import annotations

import os
import textwrap
import time

import pytest

from difficulty_filter import config
from difficulty_filter.outcomes import ScoreRequest
from difficulty_filter.scoring import open_pool, score_requests

VERIFIERS = textwrap.dedent("""
    import os, subprocess, sys, time, multiprocessing
    from difficulty_filter.outcomes import Verdict

    def behave(response, ground_truth, extra_info, settings):
        kind, _, arg = response.partition(":")
        if kind == "sleep":
            time.sleep(float(arg.split(":")[0]))
        elif kind == "burn":
            while True:
                pass
        elif kind == "raise":
            raise ZeroDivisionError("on purpose")
        elif kind == "exit":
            os._exit(3)
        elif kind == "child":   # a grandchild that would outlive a plain kill of the worker
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            with open(arg, "w") as f:
                f.write(str(child.pid))
            time.sleep(600)
        elif kind == "pid":
            time.sleep(0.2)
            return Verdict(1.0, "correct", "ok", str(os.getpid()))
        elif kind == "mp":      # nested multiprocessing: forbidden inside a daemonic Pool (bug 8.2.2)
            p = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(0,))
            p.start(); p.join()
            assert p.exitcode == 0
        return Verdict(1.0, "correct", "ok", response)
""")


@pytest.fixture
def cfg(tmp_path):
    path = tmp_path / "behave.py"
    path.write_text(VERIFIERS)
    return {"timeout": 1.0, "custom_verifiers": {"t__": f"{path}:behave"}}


def reward(raw: dict):
    return config.section("reward", raw)


def req(response: str) -> ScoreRequest:
    return ScoreRequest("t__x", response, None)


@pytest.mark.parametrize("workers", [1, 2])
def test_hanging_and_burning_verifiers_are_killed(cfg, workers):
    requests = [req("sleep:600"), req("ok:1"), req("burn"), req("ok:2")]
    start = time.monotonic()
    results = score_requests(requests, reward({**cfg, "workers": workers}))
    assert [r.outcome for r in results] == ["timeout", "correct", "timeout", "correct"]
    assert [r.answer for r in results] == [None, "ok:1", None, "ok:2"]
    assert "1 s" in results[0].detail and results[0].verifier.startswith("custom:")
    assert time.monotonic() - start < 15


def test_order_is_kept_with_uneven_durations(cfg):
    requests = [req(f"sleep:{0.2 if i % 3 == 0 else 0}:{i}") for i in range(12)]
    results = score_requests(requests, reward({**cfg, "workers": 2}))
    assert [r.answer for r in results] == [r.response for r in requests]


def test_samples_of_one_prompt_stay_on_one_worker(cfg):
    requests = [ScoreRequest("t__x", "pid", truth) for truth in "abababab"]
    results = score_requests(requests, reward({**cfg, "workers": 2}))
    assert len({r.answer for r, q in zip(results, requests) if q.ground_truth == "a"}) == 1


def test_exceptions_and_crashes_are_verifier_errors(cfg):
    results = score_requests([req("raise"), req("exit"), req("ok")], reward({**cfg, "workers": 1}))
    assert [r.outcome for r in results] == ["verifier_error", "verifier_error", "correct"]
    assert results[0].detail.startswith("ZeroDivisionError")
    assert "worker died" in results[1].detail


def test_verifiers_may_start_processes(cfg):
    assert score_requests([req("mp")], reward({**cfg, "timeout": 20}))[0].outcome == "correct"


def test_timeout_kills_the_whole_process_group(cfg, tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    assert score_requests([req(f"child:{pid_file}")], reward({**cfg, "timeout": 2}))[0].outcome == "timeout"
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"grandchild {pid} survived the worker's timeout")


def test_pool_is_reused_across_calls(cfg):
    with open_pool(reward({**cfg, "workers": 1})) as pool:
        assert pool.score([req("a")])[0].answer == "a"
        first = pool.workers[0].process.pid
        assert pool.score([req("b")])[0].answer == "b"
        assert pool.workers[0].process.pid == first


def test_math_in_workers():
    requests = [
        ScoreRequest("math__x", r"\boxed{x+x}", "2x", {"reward_metric": "prime_math"}),
        ScoreRequest("math__x", r"\boxed{9^{9^{9^{9}}}}", "10"),
        ScoreRequest("math__x", r"<think>\boxed{1}", "1"),
        ScoreRequest("nope__x", "1", "1"),
    ]
    results = score_requests(requests, reward({"workers": 1, "timeout": 10}))
    assert [r.outcome for r in results] == ["correct", "wrong", "truncated", "unknown_source"]


def test_empty_input_starts_nothing():
    assert score_requests([], reward({})) == []
