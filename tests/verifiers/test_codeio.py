"""CodeIO: spec §4.5 rows; the last JSON block wins (bug 8.2.9), bare dicts are no answer."""

from __future__ import annotations

import pytest

from .helpers import outcome, run

SRC = "simulation__codeio"
IN = '"input": {"upper_limit": 2719}'
OUT = '"output": [1, 2]'


def block(body: str, lang: str = "json") -> str:
    return f"```{lang}\n{body}\n```"


CASES = [
    # (ground truth, response, expected outcome)
    (IN, block('{"input": {"upper_limit": 2719}}'), "correct"),
    (IN, block('{"input": {"upper_limit": 2924}}'), "wrong"),
    (IN, block('{"upper_limit": 2719}'), "no_answer"),  # bare dict, no key
    (IN, 'The answer: {"input": {"upper_limit": 2719}} done', "correct"),
    (
        IN,
        block("def f(x):\n    return {'a': 1}", "python") + "\n" + block('{"input": {"upper_limit": 2719}}'),
        "correct",
    ),  # bug: the first block won
    (
        IN,
        block('{"input": {"upper_limit": 1}}') + "\nOn reflection:\n" + block('{"input": {"upper_limit": 2719}}'),
        "correct",
    ),  # last block wins
    (
        IN,
        block('{"input": {"upper_limit": 2719}}') + "\nOn reflection:\n" + block('{"input": {"upper_limit": 1}}'),
        "wrong",
    ),
    (IN, r'\boxed{"input": {"upper_limit": 2719}}', "correct"),
    ('"output": 42', block('{"output": 42}'), "correct"),
    ('"output": 42', block("42"), "no_answer"),  # bare value
    ('"output": 42', block('{"output": 42.0}'), "correct"),  # 1 == 1.0
    ('"output": 42', block('{"output": "42"}'), "wrong"),  # string is not a number
    ('"output": true', block('{"output": true}'), "correct"),
    ('"output": true', block('{"output": 1}'), "wrong"),  # bool is not 1
    ('"output": 1', block('{"output": true}'), "wrong"),
    ('"output": null', block('{"output": null}'), "correct"),
    ('"output": {"a": 1, "b": [1, 2]}', block('{"output": {"b": [1, 2], "a": 1}}'), "correct"),  # key order
    ('"output": {"a": 1, "b": [1, 2]}', block('{"output": {"b": [2, 1], "a": 1}}'), "wrong"),  # list order
    ('"output": {"a": 1}', block('{"output": {"a": 1, "b": 2}}'), "wrong"),
    (OUT, block('{"output": [1, 2]}'), "correct"),
    (OUT, block('{"output": [1, 2, 3]}'), "wrong"),
    (OUT, "{'output': [1, 2]}", "correct"),  # Python literal
    ('"output": 0.30000000000000004', block('{"output": 0.3}'), "correct"),  # float noise only
    ('"output": 3.141592653589793', block('{"output": 3.14159}'), "wrong"),
    ('"output": "hello"', block('{"output": "hello"}'), "correct"),
    ('"output": "hello"', block('{"output": "Hello"}'), "wrong"),
    (IN, block('{"output": {"upper_limit": 2719}}'), "no_answer"),  # wrong key
    (IN, "I cannot tell.", "no_answer"),
    (IN, '<think>{"input": {"upper_limit": 2719}}</think>no idea', "no_answer"),
    (IN, '<think>{"input": {"upper_limit": 2719}}', "truncated"),
    ({"output": [1, 2]}, block('{"output": [1, 2]}'), "correct"),  # dict truth
    ('{"output": [1, 2]}', block('{"output": [1, 2]}'), "correct"),  # braced truth
    (OUT, '{"output": [1, 2]}\nor maybe {"note": "x"}', "correct"),  # later dict without the key
    (OUT, '```json\n{"output": [1, 2]}```', "correct"),  # fence closed on the same line
]


@pytest.mark.parametrize("truth,response,expected", CASES)
def test_codeio_cases(truth, response, expected):
    assert outcome(SRC, response, truth) == expected


def test_bad_truth_is_a_verifier_error():
    result = run(SRC, block('{"output": 1}'), "42")
    assert result.outcome == "verifier_error" and "ValueError" in result.detail


def test_answer_is_the_json_block():
    assert run(SRC, block('{"output": [1, 2]}'), OUT).answer == '{"output": [1, 2]}'
