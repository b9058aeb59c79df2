"""Per-sample seeds: stable, distinct within a prompt, and not shared between neighbouring rows."""

from difficulty_filter.generation.seeds import SEED_BITS, prompt_seeds, sample_seed


def test_seeds_are_stable_and_fit_a_signed_64_bit_integer():
    assert sample_seed(0, 12, 3) == sample_seed(0, 12, 3)
    assert prompt_seeds(0, 12, 4) == tuple(sample_seed(0, 12, j) for j in range(4))
    assert all(0 <= s < 2**SEED_BITS for s in prompt_seeds(7, 10**9, 64))


def test_neighbouring_rows_do_not_share_random_streams():
    """The old scheme (seed + row + j) gave row i + 1's sample j the seed of row i's sample j + 1."""
    seeds = [s for row in range(200) for s in prompt_seeds(1234, row, 16)]
    assert len(set(seeds)) == len(seeds)
    assert sample_seed(1234, 5, 0) != sample_seed(1234, 4, 1) and sample_seed(1, 0, 0) != sample_seed(0, 0, 0)
