import random

import numpy as np
import pytest

from difficulty_filter.prepare.sampling import apportion, proportional_quotas, rng, sample_positions


def test_apportion_always_adds_up_and_stays_within_one_of_the_exact_share():
    cases = random.Random(0)
    for _ in range(300):
        weights = [cases.randint(0, 50) for _ in range(cases.randint(1, 6))]
        if not sum(weights):
            continue
        total = cases.randint(0, 200)
        parts = apportion(total, weights)
        assert sum(parts) == total
        for part, weight in zip(parts, weights):
            assert abs(part - total * weight / sum(weights)) < 1


def test_apportion_gives_remainders_to_the_largest_fractions_then_the_earlier_weight():
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(10, [1, 2, 3]) == [2, 3, 5]  # exact 1.67/3.33/5 -> the 0.67 remainder wins
    assert apportion(5, [0.4, 0.4, 0.2]) == [2, 2, 1]
    assert apportion(0, [3, 4]) == [0, 0]


def test_proportional_quotas_use_the_given_post_filter_sizes_and_add_up():
    # the original's int(target * n_i / total) would give 33 + 33 + 33 = 99
    assert proportional_quotas([1, 1, 1], 100) == [34, 33, 33]
    assert proportional_quotas([20, 20], 20) == [10, 10]
    assert proportional_quotas([5, 7], -1) == [5, 7]
    assert proportional_quotas([0, 0], 10) == [0, 0]
    quotas = proportional_quotas([3, 1], 40)  # more than available: shares exceed the sizes
    assert quotas == [30, 10] and sum(quotas) == 40
    with pytest.raises(ValueError):
        proportional_quotas([1], -2)


def test_sampling_is_deterministic_sorted_and_keyed_by_name_not_order():
    candidates = np.arange(0, 100, 3)
    first = sample_positions(candidates, 10, rng(42, "math__a"))
    assert np.array_equal(first, sample_positions(candidates, 10, rng(42, "math__a")))
    assert np.all(np.diff(first) > 0) and set(first) <= set(candidates)
    assert not np.array_equal(first, sample_positions(candidates, 10, rng(43, "math__a")))
    assert not np.array_equal(first, sample_positions(candidates, 10, rng(42, "math__b")))
    assert np.array_equal(sample_positions(candidates, 1000, rng(1, "x")), candidates)
