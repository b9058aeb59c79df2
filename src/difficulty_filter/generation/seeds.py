"""One seed per (prompt, sample): a sample's text never depends on how the work is cut into requests or rounds.

Every sample is its own engine request (`n = 1`) with the seed `sample_seed(sampling.seed, row_index, j)`,
so sample j of row i is the same whether it is drawn with the prompt's other samples, alone, in a later
round of adaptive sampling, or after a resume. (vLLM's own `n > 1` seeding gives sample j the seed
`seed + j`, which made neighbouring rows share random streams: with seed + row_index per prompt, row i + 1's
sample j was row i's sample j + 1, so repeated prompts on consecutive rows shared n - 1 of their samples.)
"""

from __future__ import annotations

import hashlib

#: Seeds stay below 2**63 so that every engine and JSON client takes them as a signed 64-bit integer.
SEED_BITS = 63


def sample_seed(base_seed: int, row_index: int, sample_index: int) -> int:
    """The seed of sample `sample_index` of dataset row `row_index` under `sampling.seed = base_seed`."""
    digest = hashlib.blake2b(f"{base_seed}:{row_index}:{sample_index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - SEED_BITS)


def prompt_seeds(base_seed: int, row_index: int, n: int) -> tuple[int, ...]:
    """The seeds of samples 0..n-1 of one row."""
    return tuple(sample_seed(base_seed, row_index, j) for j in range(n))
