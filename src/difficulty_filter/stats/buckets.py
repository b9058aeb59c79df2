"""The seed README's seven difficulty buckets, with exclusive interior edges (the original double-counted)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

#: (name, lower, upper, lower_inclusive, upper_inclusive), in order from hardest to easiest.
BUCKETS = (
    ("Impossible", 0.0, 0.0, True, True),
    ("Very Hard", 0.0, 0.2, False, False),
    ("Hard", 0.2, 0.4, True, False),
    ("Medium", 0.4, 0.6, True, False),
    ("Easy", 0.6, 0.8, True, False),
    ("Very Easy", 0.8, 1.0, True, False),
    ("Perfect", 1.0, 1.0, True, True),
)
BUCKET_NAMES = tuple(b[0] for b in BUCKETS)


def bucket_of(pass_rate: float) -> str:
    """Name of the bucket holding `pass_rate`; every value in [0, 1] lands in exactly one bucket."""
    if not 0.0 <= pass_rate <= 1.0:
        raise ValueError(f"pass rate {pass_rate!r} is outside [0, 1]")
    if pass_rate == 0.0:
        return "Impossible"
    if pass_rate == 1.0:
        return "Perfect"
    if pass_rate < 0.2:
        return "Very Hard"
    if pass_rate < 0.4:
        return "Hard"
    if pass_rate < 0.6:
        return "Medium"
    if pass_rate < 0.8:
        return "Easy"
    return "Very Easy"


def bucket_of_range(low: float | None, high: float | None) -> str | None:
    """The bucket of every pass rate in [low, high], or None when the range spans buckets: adaptive sampling
    stopped before the prompt's full-n bucket was known (one lucky sample does not make it Perfect)."""
    if low is None or high is None:
        return None
    bucket = bucket_of(low)
    return bucket if bucket_of(high) == bucket else None


def bucket_counts(pass_rates: Iterable[float]) -> dict[str, int]:
    """Count of values per bucket, every bucket present, in BUCKET_NAMES order."""
    counts = Counter(bucket_of(float(p)) for p in pass_rates)
    return {name: counts.get(name, 0) for name in BUCKET_NAMES}
