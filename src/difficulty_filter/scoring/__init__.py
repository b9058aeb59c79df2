"""The scoring stage: grade ScoreRequests with the verifiers, every call bounded in time."""

from __future__ import annotations

from collections.abc import Sequence

from ..outcomes import ScoreRequest, ScoreResult
from ..settings import RewardSettings
from .pool import OnResult, VerifierPool, ignore_result


def open_pool(reward: RewardSettings) -> VerifierPool:
    """A VerifierPool sized by ``reward.workers``; workers start on the first `score` call and are reused."""
    return VerifierPool(reward, reward.workers)


def score_requests(
    requests: Sequence[ScoreRequest], reward: RewardSettings, on_result: OnResult = ignore_result
) -> list[ScoreResult]:
    """Grade every request in worker processes (timeouts always enforced, even with one worker); input order.
    `on_result` gets each result as it arrives."""
    if not requests:
        return []
    with open_pool(reward) as pool:
        return pool.score(requests, on_result)
