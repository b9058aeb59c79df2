"""A filter side as one model sees it: which pass rates make the filter drop a row."""

from __future__ import annotations

from dataclasses import dataclass

LOW, HIGH = "low", "high"


@dataclass(frozen=True)
class Side:
    """`low` drops a row whose pass rate is <= threshold (too hard), `high` one whose rate is >= threshold
    (too easy); a missing pass rate drops the row on either side (the filter's `missing_pass_rate`)."""

    kind: str
    threshold: float

    def __post_init__(self) -> None:
        if self.kind not in (LOW, HIGH):
            raise ValueError(f"side must be {LOW!r} or {HIGH!r}, got {self.kind!r}")

    def drops(self, rate: float | None) -> bool:
        if rate is None:
            return True
        return rate <= self.threshold if self.kind == LOW else rate >= self.threshold
