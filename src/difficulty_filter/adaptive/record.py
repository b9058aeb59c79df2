"""The honest record of one prompt's sampling: what was drawn, what passed, why it stopped, what is still open."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from .tally import Tally

#: Every sample was drawn (adaptive sampling off, or no earlier stop was possible).
FULL = "full"
#: Stopped because no outcome of the samples not drawn can change the filter's decision.
EXACT = "exact"
#: Stopped because the configured confidence interval lies on one side of the threshold(s).
CONFIDENCE = "confidence"
#: Not sampled: an earlier model of the cascade already dropped the row.
CASCADE = "cascade"
#: Not sampled: the engine rejected the prompt (too long).
NOT_GENERATED = "not_generated"
STOP_REASONS = (FULL, EXACT, CONFIDENCE, CASCADE, NOT_GENERATED)

#: Columns an adaptive generations batch adds to every row (the record of the row's prompt, repeated per sample).
RECORD_COLUMNS = pa.schema(
    [
        ("stop_reason", pa.string()),
        ("samples_target", pa.int32()),
        ("samples_drawn", pa.int32()),
        ("passes_at_stop", pa.int32()),
        ("full_rate_low", pa.float64()),
        ("full_rate_high", pa.float64()),
    ]
)


@dataclass(frozen=True)
class PromptRecord:
    """`drawn` of `n` samples, `passes` of them passed; the full-n pass rate lies in [full_rate_low,
    full_rate_high] (equal when every sample was drawn; None when nothing could be scored)."""

    row_index: int
    n: int
    drawn: int
    passes: int
    stop_reason: str
    full_rate_low: float | None
    full_rate_high: float | None

    @classmethod
    def of(cls, row_index: int, tally: Tally, stop_reason: str) -> PromptRecord:
        if stop_reason not in STOP_REASONS:
            raise ValueError(f"unknown stop reason {stop_reason!r}")
        low, high = tally.rate_range()
        return cls(row_index, tally.n, tally.drawn, tally.passes, stop_reason, low, high)

    def columns(self) -> dict:
        """This record as RECORD_COLUMNS values."""
        return {
            "stop_reason": self.stop_reason,
            "samples_target": self.n,
            "samples_drawn": self.drawn,
            "passes_at_stop": self.passes,
            "full_rate_low": self.full_rate_low,
            "full_rate_high": self.full_rate_high,
        }
