"""The batch plan: rows -> batches of `batch_size` -> shards of `batches_per_job` batches (one model load each)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Batch:
    shard: int
    part: int
    start: int
    stop: int

    @property
    def name(self) -> str:
        return batch_name(self.shard, self.part)

    @property
    def is_placeholder(self) -> bool:
        """Parts past the end of the data in the last shard hold no rows and are never scored."""
        return self.stop <= self.start


def batch_name(shard: int | str, part: int | str) -> str:
    return f"s{int(shard):05d}_p{int(part):03d}"


def plan(n_rows: int, batch_size: int, batches_per_job: int) -> list[Batch]:
    """Every batch of every shard, placeholders included, in row order."""
    n_batches = math.ceil(n_rows / batch_size)
    n_shards = math.ceil(n_batches / batches_per_job)
    batches = []
    for shard in range(n_shards):
        for part in range(batches_per_job):
            start = min((shard * batches_per_job + part) * batch_size, n_rows)
            batches.append(Batch(shard, part, start, min(start + batch_size, n_rows)))
    return batches
