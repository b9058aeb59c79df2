"""Engines run one sample per request; `SampleStream` is what they share: submit, poll, abort, and the batch
path (`generate`) built on them.

Every sample is a `n = 1` request with its own seed (see `seeds`), so a sample's text does not depend on
which other samples share a request, a step or a round. A prompt the engine refuses (too long) comes back as
`None` for each of its samples.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence

from .records import Sample
from .requests import Request

#: Seconds `poll` may wait for a result when nothing else is happening.
POLL_SECONDS = 0.5


class SampleStream:
    """Subclasses implement `submit`, `poll`, `abort` and `capacity` (samples the engine runs at once)."""

    capacity: int = 1

    def submit(self, tag: Hashable, token_ids: list[int], seed: int) -> None:
        """Start one sample; its result comes back from `poll` under `tag`."""
        raise NotImplementedError

    def poll(self, timeout: float = POLL_SECONDS) -> list[tuple[Hashable, Sample | None]]:
        """Samples finished since the last call (None: the engine refused the prompt); waits at most
        `timeout` seconds when none is ready, and returns at once when nothing is running."""
        raise NotImplementedError

    def abort(self, tags: Sequence[Hashable]) -> None:
        """Stop samples that are no longer needed; they never come back from `poll`."""
        raise NotImplementedError

    @property
    def running(self) -> int:
        """Samples submitted and not yet returned by `poll`."""
        raise NotImplementedError

    def generate(self, batches: Sequence[Sequence[Request]]) -> Iterator[tuple[int, list[list[Sample] | None]]]:
        """Every sample of every prompt; yield (batch number, per-prompt samples) as batches finish, with None
        for a prompt the engine refused. All batches share the engine (continuous batching across them)."""
        results: list[list[list[Sample | None]]] = [[[None] * len(r.seeds) for r in b] for b in batches]
        refused: set[tuple[int, int]] = set()
        left = [sum(len(r.seeds) for r in b) for b in batches]
        for b, requests in enumerate(batches):
            for i, request in enumerate(requests):
                for j, seed in enumerate(request.seeds):
                    self.submit((b, i, j), request.token_ids, seed)
        yield from ((b, []) for b in range(len(batches)) if not left[b])
        while any(left):
            for (b, i, j), sample in self.poll():
                left[b] -= 1
                if sample is None:
                    refused.add((b, i))
                results[b][i][j] = sample
                if not left[b]:
                    yield b, [None if (b, i) in refused else samples for i, samples in enumerate(results[b])]
