"""Checks of one dataset row; each problem is (field, message) and the caller adds file and row.

The ground truth's shape is checked by the row's own verifier, graded against an empty response: every
built-in verifier parses its ground truth first and raises (or answers `verifier_error`) on one it cannot
use, so this refuses exactly the rows the reward stage would turn into verifier errors, with no second
parser to drift.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..dataset import prompt_messages
from ..outcomes import VERIFIER_ERROR
from ..settings import RewardSettings
from ..verifiers.registry import Route

Problem = tuple[str, str]


def prompt_problems(prompt: Any, apply_chat_template: Any) -> Iterator[Problem]:
    """The prompt must be a non-empty list of {role, content} strings (or a JSON string of one)."""
    if apply_chat_template is False:
        yield "apply_chat_template", "is false; only chat prompts are supported"
    try:
        prompt = prompt_messages(prompt)
    except json.JSONDecodeError:
        yield "prompt", "a string that is not a JSON message list"
        return
    if not isinstance(prompt, list) or not prompt:
        yield "prompt", f"expected a non-empty list of messages, got {_describe(prompt)}"
        return
    for i, message in enumerate(prompt):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            yield f"prompt[{i}]", "expected {role: str, content: str}"
            continue
        content = message.get("content")
        if isinstance(content, bytes):
            yield from _bytes_problem(f"prompt[{i}].content", content)
        elif not isinstance(content, str):
            yield f"prompt[{i}].content", f"expected a string, got {_describe(content)}"
        elif "\x00" in content:
            yield f"prompt[{i}].content", "contains a NUL byte"


def data_source_problems(data_source: Any) -> Iterator[Problem]:
    if not isinstance(data_source, str) or not data_source:
        yield "data_source", f"expected a non-empty string, got {data_source!r}"


def ground_truth_problems(
    reward_model: Any, route: Route, extra_info: Any, reward: RewardSettings
) -> Iterator[Problem]:
    """Present, not null, clean text, and usable by the row's verifier (unknown sources are not checked)."""
    field = "reward_model.ground_truth"
    if not isinstance(reward_model, dict) or "ground_truth" not in reward_model:
        yield field, "missing"
        return
    truth = reward_model["ground_truth"]
    if truth is None:
        yield field, "is null"
        return
    if isinstance(truth, bytes):
        yield from _bytes_problem(field, truth)
        return
    if isinstance(truth, str) and "\x00" in truth:
        yield field, "contains a NUL byte"
        return
    if route.name == "unknown":
        return
    try:
        verdict = route.verify("", truth, extra_info if isinstance(extra_info, dict) else {}, reward)
    except Exception as exc:  # the verifier's own words say what is wrong with the shape
        yield field, f"not usable by the {route.name} verifier: {exc}"
        return
    if verdict.outcome == VERIFIER_ERROR:
        yield field, f"not usable by the {route.name} verifier: {verdict.detail}"


def _bytes_problem(field: str, value: bytes) -> Iterator[Problem]:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield field, f"not valid UTF-8 ({exc.reason} at byte {exc.start})"
        return
    yield field, "is binary; expected a string"


def _describe(value: Any) -> str:
    return "an empty list" if value == [] else type(value).__name__
