"""Decide which rows to keep, with the original's --low_thresh/--high_thresh semantics and explicit reasons."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

TOO_HARD = "too_hard"
TOO_EASY = "too_easy"
MISSING = "missing_pass_rate"
BROKEN = "broken_tests"


def decide(
    low_rates: Sequence | None,
    high_rates: Sequence | None,
    low_thresh: float | None,
    high_thresh: float | None,
    broken: Sequence | None = None,
    drop_broken: bool = False,
) -> list[str | None]:
    """Per row: None to keep, else the reason to drop.

    Too hard: low-model pass rate <= low_thresh. Too easy: high-model pass rate >= high_thresh.
    A row whose deciding pass rate is missing is dropped as `missing_pass_rate` (the original kept it silently),
    unless the other side's pass rate drops it anyway: then that side is the reason (the adaptive cascade does
    not sample a row an earlier model already dropped, so the later model has no pass rate for it).
    """
    n = len(next(s for s in (low_rates, high_rates, broken) if s is not None))
    reasons: list[str | None] = []
    for i in range(n):
        low = low_rates[i] if low_rates is not None else None
        high = high_rates[i] if high_rates is not None else None
        too_hard = low_thresh is not None and low is not None and low <= low_thresh
        too_easy = high_thresh is not None and high is not None and high >= high_thresh
        missing = (low_thresh is not None and low is None) or (high_thresh is not None and high is None)
        if missing and not (too_hard or too_easy):
            reasons.append(MISSING)
        elif drop_broken and broken is not None and broken[i]:
            reasons.append(BROKEN)
        elif too_hard:
            reasons.append(TOO_HARD)
        elif too_easy:
            reasons.append(TOO_EASY)
        else:
            reasons.append(None)
    return reasons


def summarize(reasons: Sequence[str | None], data_sources: Sequence[str]) -> dict:
    """Counts kept/dropped overall, by reason, and by data_source."""
    by_source: dict[str, Counter] = {}
    for reason, source in zip(reasons, data_sources):
        by_source.setdefault(source, Counter())[reason or "kept"] += 1
    dropped = Counter(r for r in reasons if r)
    return {
        "input_rows": len(reasons),
        "kept_rows": sum(r is None for r in reasons),
        "dropped_rows": sum(dropped.values()),
        "dropped_by_reason": {k: dropped.get(k, 0) for k in (TOO_HARD, TOO_EASY, MISSING, BROKEN)},
        "by_data_source": {s: dict(c) for s, c in sorted(by_source.items())},
    }


def threshold_suffix(low_thresh: float | None, high_thresh: float | None) -> str:
    """The original's output name suffix, e.g. `_l1e-05_h0.9` (Python float formatting)."""
    return f"_l{low_thresh}_h{high_thresh}"
