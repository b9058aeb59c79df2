"""Checks of one dataset row; each problem is (field, message) and the caller adds file and row.

`ROW_SCHEMA` declares the verl row once (fields, types, chat roles, which verifiers need a non-blank ground
truth); the check functions below read it and `ROW_SCHEMA.rules()` lists it (docs/architecture.md, row_index).
The ground truth's shape is checked by the row's own verifier, graded against an empty response: every
built-in verifier parses its ground truth first and raises (or answers `verifier_error`) on one it cannot
use, so this refuses exactly the rows the reward stage would turn into verifier errors, with no second
parser to drift.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..dataset import prompt_messages
from ..outcomes import VERIFIER_ERROR
from ..settings import RewardSettings
from ..verifiers.registry import Route

Problem = tuple[str, str]


@dataclass(frozen=True)
class RowSchema:
    """The rules every row of a verl dataset must follow (the row_index stage refuses the others)."""

    #: Roles a prompt message may have (chat templates know these).
    roles: tuple[str, ...] = ("system", "user", "assistant", "tool")
    #: Verifier routes whose ground truth may be blank: `unknown` sources are not scored, and a custom verifier
    #: (`custom:...`) decides itself. Every built-in verifier needs something to compare with.
    blank_truth_ok: tuple[str, ...] = ("unknown", "custom:")

    def truth_may_be_blank(self, route_name: str) -> bool:
        return any(route_name == ok or (ok.endswith(":") and route_name.startswith(ok)) for ok in self.blank_truth_ok)

    def rules(self) -> list[tuple[str, str]]:
        """(field, rule) for every checked field, as the docs list them."""
        return [
            ("data_source", "a non-empty string"),
            ("prompt", "a non-empty list of messages (or a JSON string of one)"),
            ("prompt[i]", "a mapping {role, content}"),
            ("prompt[i].role", f"one of {', '.join(self.roles)}"),
            ("prompt[i].content", "a UTF-8 string without NUL bytes"),
            ("apply_chat_template", "absent, null or true (only chat prompts)"),
            ("reward_model.ground_truth", "present and not null; text is UTF-8 without NUL bytes"),
            (
                "reward_model.ground_truth",
                "not blank (empty or only whitespace) for every built-in verifier, and usable by the row's verifier",
            ),
            ("extra_info", "a row id (index, idx or id) unique per data_source, unless filter.key_by: position"),
        ]


ROW_SCHEMA = RowSchema()


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
        if message["role"] not in ROW_SCHEMA.roles:
            yield f"prompt[{i}].role", f"{message['role']!r} is not a chat role ({', '.join(ROW_SCHEMA.roles)})"
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
    if ROW_SCHEMA.truth_may_be_blank(route.name):
        return
    if (isinstance(truth, str) and not truth.strip()) or (isinstance(truth, list | dict) and not truth):
        yield field, f"is blank ({truth!r}); the {route.name} verifier needs an answer to compare with"
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
