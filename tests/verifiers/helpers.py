"""Grade one response in-process, the way the scoring workers do."""

from __future__ import annotations

from difficulty_filter import config
from difficulty_filter.outcomes import ScoreRequest, ScoreResult
from difficulty_filter.verifiers import grade


def run(
    data_source: str,
    response: str,
    truth,
    extra_info: dict | None = None,
    finish_reason: str | None = None,
    settings: dict | None = None,
) -> ScoreResult:
    """`settings`: a partial `reward` config section (schema defaults fill the rest)."""
    reward = config.section("reward", settings)
    return grade(ScoreRequest(data_source, response, truth, extra_info or {}, finish_reason), reward)


def outcome(data_source: str, response: str, truth, **kwargs) -> str:
    return run(data_source, response, truth, **kwargs).outcome
