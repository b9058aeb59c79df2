"""What a correct, a wrong and a cheating program get, for both test styles."""

from __future__ import annotations

import pytest

from difficulty_filter.sandbox.compare import difference

ADD = "def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(-1, 1) == 0\n\ncheck(add)\n"
SUM = "a, b = map(int, input().split())\nprint(a + b)\n"


@pytest.fixture(params=["process", "bwrap", "none"])
def any_box(request, sandboxes):
    """Correctness does not depend on the level, including the explicit opt-out `none`."""
    if request.param == "none":
        from difficulty_filter.sandbox import zygote

        from .conftest import Sandbox

        handle = zygote.Zygote("none")
        yield Sandbox("none", handle)
        handle.close()
    else:
        yield sandboxes(request.param)


def test_stdio_pass_and_fail_at_every_level(any_box):
    assert any_box.stdio(SUM, ["1 2\n", "3 4\n"], ["3\n", "7\n"]).passed
    result = any_box.stdio(SUM, ["1 2\n", "3 4\n", "5 5\n"], ["3\n", "8\n", "10\n"])
    assert (result.status, result.reason, result.failed_index, result.tests_passed) == ("failed", "wrong_answer", 1, 1)
    assert "expected '8', got '7'" in result.detail


def test_functional_pass_and_fail_at_every_level(any_box):
    assert any_box.functional("def add(a, b):\n    return a + b\n", ADD).passed
    result = any_box.functional("def add(a, b):\n    return a - b\n", ADD)
    assert (result.reason, result.detail) == ("wrong_answer", "AssertionError at tests line 2")


@pytest.mark.parametrize(
    "program",
    [
        "import sys\nprint(sum(map(int, sys.stdin.buffer.read().split())))\n",
        "print(sum(map(int, open(0).read().split())))\n",
        "import os\nprint(sum(map(int, os.read(0, 100).split())))\n",
        "import sys\nfor line in sys.stdin:\n    print(sum(map(int, line.split())))\n",
        "import sys, threading\nsys.setrecursionlimit(10 ** 6)\nthreading.stack_size(1 << 26)\n"
        "def main():\n    print(sum(map(int, input().split())))\nthreading.Thread(target=main).start()\n",
        "import sys\nprint(sum(map(int, input().split())))\nsys.exit(0)\n",
        "import numpy as np\nprint(int(np.array(input().split(), dtype=int).sum()))\n",
    ],
)
def test_stdin_idioms(process_box, program):
    result = process_box.stdio(program, ["1 2\n"], ["3\n"])
    assert result.passed, result.summary()


@pytest.mark.parametrize(
    "program, reason, detail",
    [
        ("def f(:\n", "compile_error", "SyntaxError at solution line 1"),
        ("x = [1]\nprint(x[5])\n", "runtime_error", "IndexError at solution line 2: list index out of range"),
        ("import sys\nsys.exit(3)\n", "runtime_error", "exit status 3"),
        ("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n", "runtime_error", "killed by SIGSEGV"),
        ("print(1)\nraise SystemExit('bye')\n", "runtime_error", "exit status 1"),
    ],
)
def test_failure_reasons(process_box, program, reason, detail):
    result = process_box.stdio(program, [""], ["1"])
    assert (result.status, result.reason) == ("failed", reason)
    assert result.detail.startswith(detail), result.detail


@pytest.mark.parametrize(
    "program",
    [
        "import sys\nsys.exit(0)\n",
        "import os\nos._exit(0)\n",
        "def add(a, b):\n    return 0\ntry:\n    pass\nfinally:\n    raise SystemExit(0)\n",
        "def add(a, b):\n    raise SystemExit(0)\n",
        "import os, signal\ndef add(a, b):\n    os.kill(os.getpid(), signal.SIGKILL)\n",
        "import atexit, os\natexit.register(lambda: os._exit(0))\ndef add(a, b):\n    return 0\n",
        "import builtins, os, sys\nbuiltins.print = lambda *a, **k: None\nsys.exit = os._exit = lambda *a: None\n"
        "os.write = lambda fd, data: len(data)\ndef add(a, b):\n    return 0\n",
        "import threading, os\ndef add(a, b):\n    threading.Timer(0, lambda: os._exit(0)).start()\n    return 0\n",
    ],
)
def test_exit_tricks_never_pass_functional_tests(process_box, program):
    result = process_box.functional(program, ADD)
    assert not result.passed, result.summary()


def test_functional_stdout_is_ignored_but_capped(process_box):
    assert process_box.functional("def add(a, b):\n    print('debug', a, b)\n    return a + b\n", ADD).passed


def test_test_code_that_does_not_compile_is_flagged(process_box):
    result = process_box.functional("def add(a, b):\n    return a + b\n", "assert add(1, 2) ==\n")
    assert result.reason == "bad_tests"


def test_budget_exhaustion_is_not_a_wrong_answer(process_box):
    from difficulty_filter.sandbox.limits import MIB, Limits

    limits = Limits(test_seconds=0.5, total_seconds=1.0, memory_bytes=256 * MIB, processes=8, output_bytes=4096)
    program = "import time\ntime.sleep(0.4)\nprint(input())\n"
    result = process_box.stdio(program, [str(i) for i in range(10)], [str(i) for i in range(10)], limits)
    assert result.status == "budget" and 0 < result.tests_passed < 10
    assert process_box.seconds < 3


def test_tests_do_not_share_state(process_box):
    program = "import os\nprint(os.path.exists('marker'))\nopen('marker', 'w').close()\n"
    assert process_box.stdio(program, ["", ""], ["False", "True"]).passed  # same working directory per response
    assert process_box.stdio(program, [""], ["False"]).passed  # fresh directory per response


@pytest.mark.parametrize(
    "actual, expected, same",
    [
        ("3\n", "3", True),
        ("3  \r\n4\r\n\n", "3\n4\n", True),
        ("YES\n", "yes\n", True),
        ("0.1000001\n", "0.1\n", True),
        ("1000000.5\n", "1000000.0\n", True),  # relative 5e-7
        ("0.101\n", "0.1\n", False),
        ("1 2\n", "1  2\n", True),
        ("1\n\n2\n", "1\n2\n", False),
        ("1_0\n", "10\n", False),
        ("abc\n", "abd\n", False),
        ("", "1\n", False),
    ],
)
def test_output_comparison(actual, expected, same):
    assert (difference(actual, expected) is None) is same
