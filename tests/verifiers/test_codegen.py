"""codegen: spec §4.4 rows (with the hacks closed), extraction rules and outcome mapping."""

from __future__ import annotations

import json

import pytest

from difficulty_filter import config
from difficulty_filter.sandbox.suite import TestSuite
from difficulty_filter.verifiers import codegen
from difficulty_filter.verifiers.code_extract import extract_program, needed_names

from .helpers import run

SETTINGS = {"code": {"test_timeout": 1, "total_timeout": 5}}
REWARD = config.section("reward", SETTINGS)
STDIO = json.dumps({"inputs": ["1 2\n", "3 4\n"], "outputs": ["3\n", "7\n"]})
ADD = json.dumps({"functional": "def check(candidate):\n    assert candidate(1, 2) == 3\n\ncheck(add)"})
SUM = "a, b = map(int, input().split())\nprint(a + b)"


def block(body: str, lang: str = "python") -> str:
    return f"```{lang}\n{body}\n```"


def verify(response, truth=STDIO, extra_info=None):
    return codegen.verify(response, truth, extra_info or {}, REWARD)


CASES = [
    (block(SUM), STDIO, "correct"),
    (block(SUM.replace("+", "*")), STDIO, "wrong"),
    (block("a, b = map(int, input().split())\nprint(a + b + 1e-7)"), STDIO, "correct"),
    (SUM, STDIO, "no_answer"),  # no fenced block
    ("```python\nprint(3)```", STDIO, "wrong"),  # runs: fence need not start a line
    ("<think>" + block("print(1)") + "</think>" + block(SUM), STDIO, "correct"),
    (
        block("def add(a, b):\n    return a + b") + "\n" + block("a, b = map(int, input().split())\nprint(add(a, b))"),
        STDIO,
        "correct",
    ),  # helper block + main block
    (block(SUM) + "\nSample:\n" + block("1 2", "") + "\n" + block("3", ""), STDIO, "correct"),  # data blocks skipped
    (block(SUM, ""), STDIO, "correct"),  # untagged code block
    (block(SUM) + "\n" + block("print(solve(1, 2))"), STDIO, "correct"),  # usage example after it
    (block("def add(a, b):\n    return a + b"), ADD, "correct"),
    (block("import sys\nsys.exit(0)"), ADD, "wrong"),  # hack closed
    (block("import os\nos._exit(0)"), ADD, "wrong"),  # hack closed
    (block("print('YES')"), json.dumps({"inputs": [""], "outputs": ["yes"]}), "correct"),
    (block("def f(:"), STDIO, "wrong"),
    (block("while True:\n    pass"), STDIO, "wrong"),  # timeout on test 1
    (block("# prints 3") + block(SUM), STDIO, "correct"),  # comment-only block skipped
    (block(SUM), "not json", "verifier_error"),
    (block(SUM), json.dumps({"tests": []}), "verifier_error"),
    # stdout comparison: line endings, trailing whitespace, float formatting
    (block("a, b = map(int, input().split())\nprint(a + b, end='  \\r\\n')"), STDIO, "correct"),
    (block("a, b = map(int, input().split())\nprint(f'{a + b:.6f}')"), STDIO, "correct"),  # 3.000000 == 3
    (block("a, b = map(int, input().split())\nprint(a + b + 0.01)"), STDIO, "wrong"),  # beyond 1e-6
    (block("a, b = map(int, input().split())\nprint(a + b)\nprint(a + b)"), STDIO, "wrong"),  # extra line
    (block("a, b = map(int, input().split())\nprint(a, b)"), STDIO, "wrong"),  # extra token
    (block("print(input().upper())"), json.dumps({"inputs": ["no\n"], "outputs": ["NO\n"]}), "correct"),
    (block("print('maybe')"), json.dumps({"inputs": [""], "outputs": ["Maybe"]}), "wrong"),  # only yes/no fold case
    # runtime failures are the model's fault
    (block("raise ValueError('x')"), STDIO, "wrong"),
    (block("import sys\nsys.exit(1)"), STDIO, "wrong"),
    (block("x = [0] * (10 ** 10)"), STDIO, "wrong"),  # memory limit
    (block("def add(a, b):\n    return a - b"), ADD, "wrong"),
    (block("def add(a, b):\n    raise SystemExit(0)"), ADD, "wrong"),  # exit inside the call
    (block("def add(a, b):\n    return a + b\nimport builtins\nbuiltins.exit = lambda *a: None"), ADD, "correct"),
    (block("print('no program here')", "text"), STDIO, "no_answer"),  # not a python block
    ("", STDIO, "no_answer"),
]


@pytest.mark.parametrize("response, truth, expected", CASES)
def test_cases(response, truth, expected):
    assert verify(response, truth).outcome == expected


def test_leetcode_prefix_is_prepended_once():
    truth = json.dumps(
        {"functional": "def check(candidate):\n    assert candidate([2, 7], 9) == [0, 1]\n\ncheck(Solution().twoSum)"}
    )
    response = block(
        "class Solution:\n    def twoSum(self, nums: List[int], target: int) -> List[int]:\n        return [0, 1]"
    )
    assert verify(response, truth).outcome == "wrong"
    verdict = verify(response, truth, {"prefix": "from typing import *\nimport collections"})
    assert (verdict.outcome, verdict.score) == ("correct", 1.0)


def test_detail_names_the_failing_test_and_reason():
    truth = json.dumps({"inputs": ["1", "2", "3"], "outputs": ["1", "2", "3"]})
    verdict = verify(block("n = int(input())\nprint(n if n < 2 else 1 / 0)"), truth)
    assert verdict.outcome == "wrong" and verdict.detail.startswith("test 2/3: runtime error: ZeroDivisionError")
    verdict = verify(block("n = int(input())\nwhile n == 3:\n    pass\nprint(n)"), truth)
    assert verdict.outcome == "wrong" and verdict.detail.startswith("test 3/3: timeout")


def test_sandbox_and_budget_outcomes():
    unreachable = config.section("reward", {"code": {"isolation": "remote", "remote_url": "http://127.0.0.1:9"}})
    assert codegen.verify(block(SUM), STDIO, {}, unreachable).outcome == "sandbox_error"
    slow = config.section("reward", {"code": {"test_timeout": 0.5, "total_timeout": 0.6, "calibrate": False}})
    truth = json.dumps({"inputs": ["1"] * 5, "outputs": ["1"] * 5})
    assert codegen.verify(block("import time\ntime.sleep(0.3)\nprint(1)"), truth, {}, slow).outcome == "timeout"


def test_default_settings_work():
    assert codegen.verify(block(SUM), STDIO, {}, config.section("reward")).outcome == "correct"


def test_routed_by_the_registry():
    result = run("codegen__taco", block(SUM), STDIO, settings=SETTINGS)
    assert (result.outcome, result.verifier, result.passed) == ("correct", "codegen", True)


def test_functional_extraction_prefers_the_block_defining_the_entry_point():
    suite = TestSuite("functional", code="assert Solution().f(1) == 2")
    response = block("class Solution:\n    def f(self, x):\n        return x + 1") + block("print(Solution().f(1))")
    assert needed_names(suite) == {"Solution"}
    assert extract_program(response, needed_names(suite)).startswith("class Solution")


def test_broken_python_block_is_still_an_answer():
    assert extract_program(block("def f(:\n    pass")).strip() == "def f(:\n    pass"
    assert extract_program(block("no code here", "text")) is None
