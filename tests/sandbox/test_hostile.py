"""Adversarial programs: each must fail (or do nothing), leave no trace on the host and finish in bounded time.

Runs at every isolation level available here (see conftest.LEVELS).
"""

from __future__ import annotations

import os
import socket
import sys
import uuid
from pathlib import Path

import pytest

from difficulty_filter.sandbox.isolation import private_dirs

from .conftest import LIMITS

#: Longest any single-test hostile run may take: the wall limit (2x CPU) plus start-up and teardown.
BOUND = LIMITS.test_wall_seconds + 2.0


def test_infinite_loop_times_out(box):
    result = box.stdio("while True:\n    pass\n")
    assert (result.status, result.reason) == ("failed", "timeout")
    assert box.seconds < BOUND


def test_sleeping_program_hits_wall_limit(box):
    result = box.stdio("import time\ntime.sleep(60)\n")
    assert (result.status, result.reason) == ("failed", "timeout")
    assert box.seconds < BOUND


def test_timeout_of_slow_test_stops_the_run(box):
    program = "n = int(input())\nif n == 2:\n    while True: pass\nprint(n)\n"
    result = box.stdio(program, ["1", "2", "3"], ["1", "2", "3"])
    assert (result.status, result.reason, result.failed_index) == ("failed", "timeout", 1)
    assert box.seconds < BOUND + 1


@pytest.mark.parametrize(
    "program",
    [
        "x = bytearray(4 * 1024 ** 3)\n",
        "chunks = []\nwhile True:\n    chunks.append(bytearray(10 ** 7))\n",
    ],
)
def test_memory_bomb_hits_memory_limit(box, program):
    result = box.stdio(program)
    assert (result.status, result.reason) == ("failed", "memory_limit")
    assert box.seconds < BOUND


def test_fork_bomb_is_bounded_and_cleaned_up(box):
    program = (
        "import os, time\n"
        "forks = 0\n"
        "for _ in range(500):\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(60)\n"
        "            os._exit(0)\n"
        "        forks += 1\n"
        "    except OSError:\n"
        "        break\n"
        "print(forks)\n"
    )
    result = box.stdio(program, [""], ["500"])
    assert result.status == "failed"
    if "uid" in box.features:
        assert result.reason == "wrong_answer" and int(result.detail.rsplit("'", 2)[-2]) <= LIMITS.processes
    assert box.seconds < BOUND
    assert box.leftovers() == []


def test_daemonised_child_does_not_outlive_the_run(box):
    program = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(30)\n"
        "    os._exit(0)\n"
        "print('ok')\n"
    )
    assert box.stdio(program, [""], ["ok"]).passed
    assert box.leftovers() == []


def test_writes_outside_the_working_directory_leave_no_trace(box, canary_dir):
    if box.name.startswith("process") and "/tmp" not in private_dirs([p for p in sys.path if p]):
        pytest.skip("the interpreter's packages live under /tmp, so /tmp is shared with the host (docs/sandbox.md)")
    tag = uuid.uuid4().hex
    targets = [
        f"/tmp/df-sandbox-test-{tag}",
        f"/var/tmp/df-sandbox-test-{tag}",
        f"/dev/shm/df-sandbox-test-{tag}",
        str(canary_dir / "written.txt"),
        str(canary_dir / "canary.txt"),
        str(Path.home() / f"df-{tag}"),
    ]
    program = (
        f"targets = {targets!r}\n"
        "for path in targets:\n"
        "    try:\n"
        "        with open(path, 'w') as fh:\n"
        "            fh.write('pwned')\n"
        "    except OSError:\n"
        "        pass\n"
        "open('inside.txt', 'w').write('fine')\n"
        "print(open('inside.txt').read())\n"
    )
    result = box.stdio(program, [""], ["fine"])
    assert result.passed, result.summary()
    for path in targets[:3] + targets[5:]:
        assert not os.path.exists(path), path
    assert not (canary_dir / "written.txt").exists()
    assert (canary_dir / "canary.txt").read_text() == "keep me\n"


def test_deleting_files_fails(box, canary_dir):
    program = (
        "import os, shutil\n"
        f"for action in (lambda: os.remove({str(canary_dir / 'canary.txt')!r}),\n"
        f"               lambda: shutil.rmtree({str(canary_dir)!r}),\n"
        f"               lambda: os.rename({str(canary_dir / 'canary.txt')!r}, 'stolen')):\n"
        "    try:\n"
        "        action()\n"
        "    except OSError:\n"
        "        pass\n"
        "print('done')\n"
    )
    box.stdio(program, [""], ["done"])
    assert (canary_dir / "canary.txt").read_text() == "keep me\n"
    assert (canary_dir / "secret.txt").exists()


def test_reading_a_grader_secret_fails(box, canary_dir):
    if "uid" not in box.features:
        pytest.skip("without a dedicated uid the program runs as the grader's user")
    secret = (canary_dir / "secret.txt").read_text()
    program = f"print(open({str(canary_dir / 'secret.txt')!r}).read(), end='')\n"
    result = box.stdio(program, [""], [secret])
    assert not result.passed
    assert "secret-" not in result.detail


def test_connection_to_a_listening_port_never_arrives(box):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        port = server.getsockname()[1]
        program = (
            "import socket\n"
            "for family, kind in ((socket.AF_INET, socket.SOCK_STREAM), (socket.AF_INET, socket.SOCK_DGRAM)):\n"
            "    try:\n"
            "        s = socket.socket(family, kind)\n"
            "        s.settimeout(1)\n"
            f"        s.connect(('127.0.0.1', {port}))\n"
            "        s.sendall(b'pwned')\n"
            "        print('connected')\n"
            "    except OSError as exc:\n"
            "        print('blocked')\n"
        )
        result = box.stdio(program, [""], ["blocked\nblocked"])
        assert result.passed, result.summary()
        server.settimeout(0.3)
        with pytest.raises(socket.timeout):
            server.accept()


def test_killing_the_harness_and_the_zygote_fails(box):
    zygote_pid = box.handle._proc.pid
    program = (
        "import os, signal\n"
        f"for pid in (os.getppid(), {zygote_pid}, 1, -1):\n"
        "    try:\n"
        "        os.kill(pid, signal.SIGKILL)\n"
        "    except OSError:\n"
        "        pass\n"
        "print('alive')\n"
    )
    result = box.stdio(program, ["", ""], ["alive", "alive"])
    assert result.passed, result.summary()  # nothing it could reach was killed, its harness included
    assert box.handle._proc.poll() is None, "the zygote was killed"
    assert box.stdio("print(input())", ["7"], ["7"]).passed


@pytest.mark.parametrize(
    "program",
    [
        "while True:\n    print('x' * 1000)\n",
        "import sys\nsys.stdout.write('x' * 10 ** 8)\n",
    ],
)
def test_huge_output_hits_output_limit(box, program):
    result = box.stdio(program)
    assert (result.status, result.reason) == ("failed", "output_limit")
    assert box.seconds < BOUND


def test_environment_is_scrubbed(box):
    result = box.stdio(
        "import os\nprint(sorted(k for k in os.environ if 'SECRET' in k or 'TOKEN' in k))\n", [""], ["[]"]
    )
    assert result.passed, result.summary()


def test_expected_outputs_are_not_reachable_as_objects(box):
    secret = uuid.uuid4().hex
    program = (
        "import gc\n"
        f"marker = '-'.join(('hidden', {secret!r}))  # built at run time, not a constant of this code\n"
        "def holds(o):\n"
        "    values = o.values() if isinstance(o, dict) else o if isinstance(o, (list, tuple)) else ()\n"
        "    return any(v == marker for v in values if isinstance(v, str))\n"
        "print('leak' if any(holds(o) for o in gc.get_objects() if o is not globals()) else 'clean')\n"
    )
    result = box.stdio(program, ["", ""], ["clean", f"hidden-{secret}"])
    assert (result.failed_index, result.reason) == (1, "wrong_answer"), result.summary()  # test 0 saw no leak
