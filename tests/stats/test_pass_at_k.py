"""pass@k against hand-computed values and the product form of Chen et al.; per-prompt columns."""

import math

import numpy as np
import polars as pl
import pytest

from difficulty_filter.stats.pass_at_k import pass_at_k, with_pass_at_k


def product_form(n, c, k):
    """The numerically stable form printed in the Codex paper."""
    if n - c < k:
        return 1.0
    return 1.0 - float(np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


@pytest.mark.parametrize(
    "n, c, k, expected",
    [
        (10, 1, 1, 0.1),
        (10, 1, 5, 0.5),
        (10, 0, 4, 0.0),
        (10, 10, 1, 1.0),
        (16, 2, 8, 1 - 3003 / 12870),  # C(14,8) / C(16,8)
        (5, 3, 3, 1.0),  # fewer than k wrong samples: any k draws include a correct one
        (6, 3, 1, 0.5),  # pass@1 is the pass rate
        (4, 1, 2, 0.5),  # 3 of the 6 pairs miss the correct sample
    ],
)
def test_known_values(n, c, k, expected):
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-15)


def test_matches_the_product_form():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 200))
        c, k = int(rng.integers(0, n + 1)), int(rng.integers(1, n + 1))
        assert pass_at_k(n, c, k) == pytest.approx(product_form(n, c, k), rel=1e-9, abs=1e-12)


def test_exact_where_floating_binomials_overflow():
    assert math.comb(10_000, 5_000) > 10**3000  # far beyond float range
    assert pass_at_k(10_000, 1, 5_000) == 0.5
    assert pass_at_k(10_000, 1, 1) == 1e-4  # tiny value, no cancellation


@pytest.mark.parametrize("n, c, k", [(4, 5, 1), (4, 1, 0), (4, 1, 5), (3, -1, 1)])
def test_rejects_impossible_counts(n, c, k):
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)


def test_columns_are_null_where_k_exceeds_the_samples():
    frame = pl.DataFrame({"n": [16, 4, 0, None], "n_passed": [2, 1, 0, None]})
    table = with_pass_at_k(frame, [1, 8])
    assert table["pass@1"].to_list() == [pytest.approx(0.125), 0.25, None, None]
    assert table["pass@8"].to_list() == [pytest.approx(1 - 3003 / 12870), None, None, None]
