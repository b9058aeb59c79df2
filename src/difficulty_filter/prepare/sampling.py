"""Quota arithmetic (largest remainder, exact) and seeded row sampling."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from fractions import Fraction

import numpy as np


def apportion(total: int, weights: Sequence[int | float | Fraction]) -> list[int]:
    """Split `total` in proportion to `weights` by largest remainder: the parts always add up to `total`.

    Exact rational arithmetic; equal remainders go to the earlier weight, so the result is deterministic.
    """
    if total < 0:
        raise ValueError(f"total must be >= 0, got {total}")
    exact = [Fraction(w) for w in weights]
    if any(w < 0 for w in exact):
        raise ValueError(f"weights must be >= 0, got {list(weights)}")
    whole = sum(exact)
    if whole == 0:
        if total:
            raise ValueError("cannot apportion a positive total over zero weights")
        return [0] * len(exact)
    shares = [total * w / whole for w in exact]
    parts = [int(s) for s in shares]  # floor: shares are >= 0
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def proportional_quotas(sizes: Sequence[int], target: int) -> list[int]:
    """Each file's share of `target`, proportional to its (post-filter) size; -1 means every row.

    When `target` exceeds the total, the shares exceed the sizes: the caller takes every row and reports the shortfall.
    """
    if target < -1:
        raise ValueError(f"target must be -1 (all) or >= 0, got {target}")
    if target == -1:
        return list(sizes)
    if sum(sizes) == 0:
        return [0] * len(sizes)
    return apportion(target, sizes)


def rng(seed: int, *keys: str) -> np.random.Generator:
    """A generator determined by `seed` and string keys (e.g. the file stem), independent of processing order."""
    return np.random.default_rng([seed % 2**64, *(zlib.crc32(k.encode()) for k in keys)])


def sample_positions(candidates: np.ndarray, k: int, generator: np.random.Generator) -> np.ndarray:
    """`k` of `candidates` without replacement (all if k >= len), returned in ascending (input) order."""
    if k >= len(candidates):
        return np.sort(candidates)
    return np.sort(generator.choice(candidates, size=k, replace=False))
