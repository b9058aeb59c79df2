"""Input-name checks and the original's output names: `<domain>__<rest>_sampled_<size>.parquet`."""

from __future__ import annotations

from ..domains import DOMAINS


class PrepareError(ValueError):
    """Bad options or inputs for the prepare stage (not a bad row: see dataset.DatasetError)."""


def check_domain(domain: str) -> str:
    if domain not in DOMAINS:
        raise PrepareError(f"unknown domain {domain!r}; expected one of {', '.join(DOMAINS)}")
    return domain


def size_suffix(size: int) -> str:
    """The original's `add_suffix` size tag: below 1000 exact, else `X.Yk` (one decimal) or `Xk` when whole."""
    if size < 0:
        raise PrepareError(f"size must be >= 0, got {size}")
    if size < 1000:
        return str(size)
    if size % 1000:
        return f"{size / 1000:.1f}k"
    return f"{size // 1000}k"


def name_part(stem: str) -> str:
    """The part of an input file stem after its first `__` (the stem must contain one)."""
    head, sep, rest = stem.partition("__")
    if not sep or not head or not rest:
        raise PrepareError(
            f"input name {stem!r} must look like '<domain>__<name>' (contain '__' with text on both sides)"
        )
    return rest


def output_prefix(domain: str, stem: str) -> str:
    """`<domain>__<part after the first "__">_sampled` (the original kept only the second `__` segment)."""
    return f"{check_domain(domain)}__{name_part(stem)}_sampled"


def output_name(domain: str, stem: str, size: int) -> str:
    return f"{output_prefix(domain, stem)}_{size_suffix(size)}.parquet"
