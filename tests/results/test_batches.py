"""The batch plan: rows -> batches -> shards of K batches (placeholders only at the end)."""

import pytest

from difficulty_filter.results.batches import batch_name, plan


@pytest.mark.parametrize(
    "n_rows, batch_size, k", [(1, 1, 1), (10, 3, 1), (10, 3, 2), (40, 8, 5), (41, 8, 5), (100, 7, 4)]
)
def test_every_row_exactly_once_in_order(n_rows, batch_size, k):
    batches = plan(n_rows, batch_size, k)
    rows = [r for b in batches for r in range(b.start, b.stop)]
    assert rows == list(range(n_rows))
    assert all(b.stop - b.start <= batch_size for b in batches)
    assert len(batches) % k == 0  # every shard has exactly K parts


def test_placeholders_only_in_the_last_shard():
    batches = plan(10, 3, 3)  # 4 real batches, 2 shards -> 2 placeholders
    assert [b.name for b in batches] == [batch_name(s, p) for s in range(2) for p in range(3)]
    assert [b.is_placeholder for b in batches] == [False] * 4 + [True] * 2
    assert {b.shard for b in batches if b.is_placeholder} == {1}


def test_names_are_zero_padded():
    assert batch_name(3, 7) == "s00003_p007"


def test_empty_dataset_has_no_batches():
    assert plan(0, 8, 2) == []
