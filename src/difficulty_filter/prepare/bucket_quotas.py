"""Sampling to a target difficulty distribution: quotas per pass-rate bucket (stats.buckets), deterministic.

Quotas are weights per bucket name, normalised to sum 1 (e.g. {"Hard": 0.4, "Medium": 0.4, "Easy": 0.2}); a file's
quota is split over the buckets by largest remainder. A bucket with fewer rows than its share gives all it has and the
shortfall is reported (not moved to other buckets). Rows in unnamed buckets or without a pass rate are never taken.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ..dataset import DatasetError
from ..stats.buckets import BUCKET_NAMES, BUCKETS
from .naming import PrepareError
from .sampling import apportion, rng, sample_positions


def parse_quotas(quotas: str | dict[str, Any]) -> dict[str, Fraction]:
    """Validated, normalised bucket weights from a dict or its JSON text."""
    if isinstance(quotas, str):
        try:
            quotas = json.loads(quotas)
        except json.JSONDecodeError as exc:
            raise PrepareError(f"bucket quotas are not valid JSON: {exc}") from None
    if not isinstance(quotas, dict) or not quotas:
        raise PrepareError("bucket quotas must be a non-empty JSON object {bucket: weight}")
    unknown = [name for name in quotas if name not in BUCKET_NAMES]
    if unknown:
        raise PrepareError(f"unknown bucket(s) {unknown}; buckets are {', '.join(BUCKET_NAMES)}")
    for name, weight in quotas.items():
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight >= 0:
            raise PrepareError(f"bucket quota {name!r} must be a number >= 0, got {weight!r}")
    whole = sum(Fraction(w) for w in quotas.values())
    if whole == 0:
        raise PrepareError("bucket quotas must not all be 0")
    return {name: Fraction(quotas[name]) / whole for name in BUCKET_NAMES if name in quotas}


def bucket_labels(frame: pl.DataFrame, column: str, path: str | Path, offset: int) -> np.ndarray:
    """Bucket name of every row's pass rate (None where null/NaN); a value outside [0, 1] is an error naming the row."""
    if column not in frame.columns:
        raise DatasetError(path, None, column, "pass-rate column is missing (needed for bucket quotas)")
    rate = pl.col(column).cast(pl.Float64).fill_nan(None)
    bad = frame.select(((rate < 0) | (rate > 1)).fill_null(False).arg_true()).to_series()
    if len(bad):
        row = int(bad[0])
        raise DatasetError(path, offset + row, column, f"pass rate {frame[column][row]!r} is outside [0, 1]")
    label = pl.lit(None, dtype=pl.String)
    for name, low, high, low_inclusive, high_inclusive in reversed(BUCKETS):
        above = rate >= low if low_inclusive else rate > low
        below = rate <= high if high_inclusive else rate < high
        label = pl.when(above & below).then(pl.lit(name)).otherwise(label)
    return frame.select(label).to_series().to_numpy()


def sample_by_bucket(
    candidates: np.ndarray, labels: np.ndarray, k: int, quotas: dict[str, Fraction], seed: int, key: str
) -> tuple[np.ndarray, dict[str, Any]]:
    """`k` candidate positions split over the quota buckets, plus a per-bucket report."""
    picked, report = [], {}
    for (name, _), quota in zip(quotas.items(), apportion(k, list(quotas.values()))):
        pool = candidates[labels == name]
        chosen = sample_positions(pool, quota, rng(seed, key, name))
        picked.append(chosen)
        report[name] = {
            "available": len(pool),
            "quota": quota,
            "sampled": len(chosen),
            "shortfall": quota - len(chosen),
        }
    summary = {"buckets": report, "rows_without_pass_rate": int(np.equal(labels, None).sum())}
    return np.sort(np.concatenate(picked)), summary
