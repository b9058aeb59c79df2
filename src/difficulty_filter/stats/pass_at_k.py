"""Unbiased pass@k (Chen et al., 2021): the chance that at least one of k samples drawn without replacement
from n graded samples, c of them correct, is correct."""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl


def pass_at_k(n: int, c: int, k: int) -> float:
    """1 - C(n-c, k) / C(n, k), computed exactly in integers and rounded once (no cancellation at any n)."""
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"need 0 <= c <= n and 1 <= k <= n, got n={n}, c={c}, k={k}")
    total = math.comb(n, k)
    return (total - math.comb(n - c, k)) / total


def usable_ks(ks: Sequence[int], most_samples: int | None) -> list[int]:
    """The configured k values that a prompt with `most_samples` graded samples has enough samples for."""
    return [k for k in ks if k <= (most_samples or 0)]


def pass_at_k_name(k: int) -> str:
    return f"pass@{k}"


def with_pass_at_k(frame: pl.DataFrame, ks: Sequence[int], n: str = "n", passed: str = "n_passed") -> pl.DataFrame:
    """`frame` plus one `pass@k` column per k: null where a prompt has fewer than k graded samples."""
    counts = list(zip(frame[n].to_list(), frame[passed].to_list()))
    return frame.with_columns(
        pl.Series(
            pass_at_k_name(k),
            [pass_at_k(t, c, k) if t is not None and t >= k else None for t, c in counts],
            dtype=pl.Float64,
        )
        for k in ks
    )
