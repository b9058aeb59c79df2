"""The scoring stage: grade ScoreRequests with the verifiers, every call bounded in time."""

from __future__ import annotations

from typing import Sequence

from ..outcomes import ScoreRequest, ScoreResult
from ..settings import RewardSettings
from .pool import VerifierPool


def open_pool(reward: RewardSettings) -> VerifierPool:
    """A VerifierPool sized by ``reward.workers``; workers start on the first `score` call and are reused."""
    return VerifierPool(reward, reward.workers)


def score_requests(requests: Sequence[ScoreRequest], reward: RewardSettings) -> list[ScoreResult]:
    """Grade every request in worker processes (timeouts always enforced, even with one worker); input order."""
    if not requests:
        return []
    with open_pool(reward) as pool:
        return pool.score(requests)
