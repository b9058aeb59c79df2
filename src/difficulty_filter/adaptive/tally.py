"""What the samples drawn so far say about a prompt's full-n pass rate."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tally:
    """`drawn` (m) of `n` samples, `passes` (k) of them passed, `excluded` (e) had an infra outcome that the
    pass rate leaves out (`reward.exclude_infra_errors`; then `excluding` is true, else e is always 0).

    The full-n pass rate is (k + a) / (n - e - b) for the a passes and b excluded among the r = n - m samples
    not drawn. Over all a + b <= r its least value is k / (n - e) (a = b = 0) and its greatest (k + r) / (n - e)
    (a = r, since k <= m - e); it is missing (0 / 0) only if every sample is excluded.
    """

    n: int
    drawn: int = 0
    passes: int = 0
    excluded: int = 0
    excluding: bool = False

    def __post_init__(self) -> None:
        if not (
            0 <= self.drawn <= self.n
            and self.passes >= 0
            and self.excluded >= 0
            and self.passes + self.excluded <= self.drawn
        ):
            raise ValueError(f"inconsistent tally {self}")
        if self.excluded and not self.excluding:
            raise ValueError("excluded samples need excluding=True")

    @property
    def remaining(self) -> int:
        return self.n - self.drawn

    def add(self, passed: bool, infra: bool = False) -> Tally:
        """The tally after one more sample; an infra outcome is left out of the pass rate when excluding."""
        excluded = infra and self.excluding
        return Tally(
            self.n, self.drawn + 1, self.passes + (passed and not excluded), self.excluded + excluded, self.excluding
        )

    def observed_rate(self) -> float | None:
        """Pass rate of the drawn samples, as the pass-rate stage computes it (None without a denominator)."""
        scored = self.drawn - self.excluded
        return self.passes / scored if scored else None

    def count_range(self) -> tuple[int, int]:
        """Least and greatest number of passes the full n samples can have: [k, k + n - m]."""
        return self.passes, self.passes + self.remaining

    def rate_range(self) -> tuple[float | None, float | None]:
        """Least and greatest full-n pass rate still possible (None, None when nothing can be scored)."""
        denominator = self.n - self.excluded
        if not denominator:
            return None, None
        low, high = self.count_range()
        return low / denominator, high / denominator

    def may_be_missing(self) -> bool:
        """Whether the full-n pass rate can still come out missing (every sample excluded)."""
        return self.excluded == self.drawn and (self.excluding or self.n == 0)
