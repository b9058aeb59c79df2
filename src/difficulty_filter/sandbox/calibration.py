"""Per-machine time calibration: slower machines get proportionally longer code time limits.

A fixed pure-Python workload is timed once per process (best of five, to see through a busy host); the factor is
max(1, measured / REFERENCE_SECONDS), so a machine at least as fast as the reference keeps the configured
limits and a slower one is not punished for its speed (cf. evalplus#5).
"""

from __future__ import annotations

import time
from functools import lru_cache

#: Best-of-five time of `_workload` on the reference machine (a 2-core cloud VM, Python 3.11).
REFERENCE_SECONDS = 0.025


def _workload() -> int:
    total = 0
    for i in range(100_000):
        total += (i * i) % 7
    table = {str(i): i for i in range(30_000)}
    return total + len(sorted(table, key=lambda k: table[k] % 1000))


def measure() -> float:
    """Best-of-five seconds of the workload on this machine, now."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        _workload()
        best = min(best, time.perf_counter() - start)
    return best


@lru_cache(maxsize=1)
def factor() -> float:
    """The calibration factor of this machine, measured once per process."""
    return max(1.0, measure() / REFERENCE_SECONDS)
