"""Which samples to draw next, prompt by prompt, with no barrier between rounds.

Each prompt hands out sample indices 0, 1, 2, ... and takes results back in any order; its tally follows the
*prefix* of samples whose results are in (so where a prompt stops never depends on which sample finished
first, and a rerun stops at the same place). A prompt keeps at least as many samples outstanding as could
close it (`StopRule.samples_to_close`); when the engine has room beyond that, open prompts get further
samples round-robin (speculation at the tail of a job, where few prompts are left: on a GPU idle batch slots
cost almost no time, while serial rounds would). Samples handed out past the stopping point are aborted or
discarded and never recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .record import FULL, PromptRecord
from .rules import StopRule
from .tally import Tally


@dataclass
class PromptProgress:
    """One prompt's sampling: the decided prefix, what is outstanding, and (once closed) why it stopped."""

    row_index: int
    rule: StopRule
    tally: Tally
    handed_out: int = 0
    results: dict[int, tuple[bool, bool]] = field(default_factory=dict)  # j -> (passed, infra), past the prefix
    stop_reason: str | None = None

    @property
    def closed(self) -> bool:
        return self.stop_reason is not None

    @property
    def outstanding(self) -> list[int]:
        """Sample indices handed out whose results have not joined the prefix."""
        return [j for j in range(self.tally.drawn, self.handed_out) if j not in self.results]

    def wanted(self) -> int:
        """Further samples this prompt should hand out now to be able to close."""
        if self.closed:
            return 0
        ahead = self.handed_out - self.tally.drawn
        return max(0, min(self.rule.samples_to_close(self.tally), self.tally.remaining) - ahead)

    def hand_out(self, count: int) -> list[int]:
        count = min(count, self.tally.n - self.handed_out) if not self.closed else 0
        indices = list(range(self.handed_out, self.handed_out + count))
        self.handed_out += count
        return indices

    def record(self, sample_index: int, passed: bool, infra: bool = False) -> list[int]:
        """Take one sample's result; if the prompt closes, return the indices still outstanding (to abort)."""
        if self.closed or sample_index < self.tally.drawn:
            return []
        self.results[sample_index] = (passed, infra)
        while self.tally.drawn in self.results:
            self.tally = self.tally.add(*self.results.pop(self.tally.drawn))
            decision, reason = self.rule.verdict(self.tally)
            if self.tally.remaining == 0 or decision:
                self.stop_reason = FULL if self.tally.remaining == 0 else reason
                self.results.clear()
                return [j for j in range(self.tally.drawn, self.handed_out)]
        return []

    def close(self, stop_reason: str) -> None:
        """Close without (further) samples: cascade-skipped or rejected by the engine."""
        self.stop_reason = stop_reason

    def record_of(self) -> PromptRecord:
        return PromptRecord.of(self.row_index, self.tally, self.stop_reason)


class Scheduler:
    """Hands out samples over many prompts: first what each open prompt needs, in prompt order, then, while
    fewer than `capacity` samples are in flight, one more per open prompt per pass (speculation; none with
    capacity 0)."""

    def __init__(self, prompts: Iterable[PromptProgress], capacity: int):
        self.prompts = list(prompts)
        self.capacity = max(0, capacity)
        self._changed = set(range(len(self.prompts)))  # prompts whose needs may have changed

    def changed(self, position: int) -> None:
        """Tell the scheduler that a prompt took a result or closed."""
        self._changed.add(position)

    def hand_out(self, generating: int) -> list[tuple[int, int]]:
        """(prompt position, sample index) pairs to submit now, given `generating` samples in the engine."""
        changed, self._changed = sorted(self._changed), set()
        out = [(p, j) for p in changed for j in self.prompts[p].hand_out(self.prompts[p].wanted())]
        while generating + len(out) < self.capacity:
            extra = []
            for p, prompt in enumerate(self.prompts):
                if generating + len(out) + len(extra) >= self.capacity:
                    break
                extra += [(p, j) for j in prompt.hand_out(1)]
            if not extra:
                break
            out += extra
        return out

    @property
    def open(self) -> bool:
        return any(not p.closed for p in self.prompts)
