"""When a prompt may stop sampling: the exact rule, the confidence rule, or never (adaptive sampling off)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from statistics import NormalDist

from ..stats.jeffreys import jeffreys_interval
from ..stats.wilson import wilson_interval
from .record import CONFIDENCE, EXACT
from .sides import Side
from .tally import Tally

KEEP, DROP = "keep", "drop"
MODES = ("off", "exact", "confidence")
INTERVALS = ("wilson", "jeffreys")


@dataclass(frozen=True)
class StopRule:
    """Stopping for a model that decides `sides` (none: it only annotates and always draws every sample).

    `exact` stops when every full-n pass rate still possible gives the same decision; `confidence` also stops
    when the `interval` at `level` (and the observed pass rate) lies on one side. A row is dropped as soon as
    one side drops it, and kept once every side keeps it.
    """

    sides: tuple[Side, ...]
    mode: str = "exact"
    interval: str = "wilson"
    level: float = 0.95

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"adaptive mode must be one of {MODES}, got {self.mode!r}")
        if self.interval not in INTERVALS:
            raise ValueError(f"interval must be one of {INTERVALS}, got {self.interval!r}")
        if not 0.0 < self.level < 1.0:
            raise ValueError(f"confidence level must be in (0, 1), got {self.level}")

    def verdict(self, tally: Tally) -> tuple[str | None, str | None]:
        """(KEEP or DROP, EXACT or CONFIDENCE) once sampling may stop, else (None, None)."""
        if self.mode == "off" or not self.sides:
            return None, None
        exact = [_side_verdict(s, *tally.rate_range(), tally.may_be_missing()) for s in self.sides]
        decision = _row_verdict(exact)
        if decision or self.mode == "exact":
            return decision, EXACT if decision else None
        confident = [e or self._confident_side(s, tally) for s, e in zip(self.sides, exact)]
        decision = _row_verdict(confident)
        return decision, CONFIDENCE if decision else None

    def samples_to_close(self, tally: Tally) -> int:
        """Fewest further samples after which sampling could stop (all passing or all failing); at least 1
        while samples remain. A scheduling hint: drawing fewer cannot close the prompt. Cached: the scheduler
        asks for every open prompt whenever it hands out work."""
        return _samples_to_close(self, tally)

    def _confident_side(self, side: Side, tally: Tally) -> str | None:
        observed = tally.observed_rate()
        if observed is None:
            return None
        scored = tally.drawn - tally.excluded
        if self.interval == "wilson":
            low, high = wilson_interval(tally.passes, scored, NormalDist().inv_cdf(0.5 + self.level / 2))
        else:
            low, high = jeffreys_interval(tally.passes, scored, self.level)
        return _side_verdict(side, min(low, observed), max(high, observed), False)


@functools.lru_cache(maxsize=1 << 16)
def _samples_to_close(rule: StopRule, tally: Tally) -> int:
    for extra in range(1, tally.remaining):
        for passed in (True, False):
            grown = tally
            for _ in range(extra):
                grown = grown.add(passed)
            if rule.verdict(grown)[0]:
                return extra
    return tally.remaining


def _side_verdict(side: Side, low: float | None, high: float | None, may_be_missing: bool) -> str | None:
    """The side's decision if it is the same for every pass rate in [low, high] (the side's drop region is an
    interval, so the two ends decide) and, when `may_be_missing`, for a missing rate too."""
    drops = {side.drops(low), side.drops(high)} | ({True} if may_be_missing else set())
    return None if len(drops) > 1 else DROP if drops == {True} else KEEP


def _row_verdict(side_verdicts: list[str | None]) -> str | None:
    if DROP in side_verdicts:
        return DROP
    return KEEP if all(v == KEEP for v in side_verdicts) else None
