"""The scoring stage: grade ScoreRequests with the verifiers, every call bounded in time."""

from __future__ import annotations

import copy
from typing import Mapping, Sequence

from ..outcomes import ScoreRequest, ScoreResult
from .pool import VerifierPool

#: Defaults of the config's `reward` section (config/schema.yaml) for callers that pass a partial one.
REWARD_DEFAULTS: dict = {
    "workers": 4,
    "timeout": 30.0,
    "correct_threshold": 1.0,
    "exclude_infra_errors": False,
    "custom_verifiers": {},
    "code": {"total_timeout": 60.0},
    "judge": {"model": None, "url": None},
}


def reward_settings(reward_cfg: Mapping | None) -> dict:
    """The `reward` section with defaults filled in (nested sections merged one level deep)."""
    settings = copy.deepcopy(REWARD_DEFAULTS)
    for key, value in (reward_cfg or {}).items():
        if isinstance(value, Mapping) and isinstance(settings.get(key), dict) and key != "custom_verifiers":
            settings[key].update(value)
        elif value is not None or key not in settings:
            settings[key] = value
    return settings


def open_pool(reward_cfg: Mapping | None) -> VerifierPool:
    """A VerifierPool sized by ``reward.workers``; workers start on the first `score` call and are reused."""
    settings = reward_settings(reward_cfg)
    return VerifierPool(settings, settings["workers"])


def score_requests(requests: Sequence[ScoreRequest], reward_cfg: Mapping | None) -> list[ScoreResult]:
    """Grade every request in worker processes (timeouts always enforced, even with one worker); input order."""
    if not requests:
        return []
    with open_pool(reward_cfg) as pool:
        return pool.score(requests)
