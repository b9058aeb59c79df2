"""Bucket edges (exclusive interior edges, unlike the original) and Wilson bounds against published values."""

import pytest

from difficulty_filter.report.render import bucket_range
from difficulty_filter.report.tables import values_table
from difficulty_filter.stats.buckets import BUCKET_NAMES, bucket_counts, bucket_of
from difficulty_filter.stats.wilson import wilson_interval

EDGES = [
    (0.0, "Impossible"),
    (1e-9, "Very Hard"),
    (0.2, "Hard"),
    (0.4, "Medium"),
    (0.6, "Easy"),
    (0.8, "Very Easy"),
    (1 - 1e-9, "Very Easy"),
    (1.0, "Perfect"),
    (0.1999999, "Very Hard"),
    (0.3999999, "Hard"),
    (0.5999999, "Medium"),
    (0.7999999, "Easy"),
]


@pytest.mark.parametrize("rate, bucket", EDGES)
def test_edges_land_in_exactly_one_bucket(rate, bucket):
    assert bucket_of(rate) == bucket
    counts = bucket_counts([rate])
    assert sum(counts.values()) == 1 and counts[bucket] == 1


@pytest.mark.parametrize("rate", [-0.01, 1.01])
def test_out_of_range_is_an_error(rate):
    with pytest.raises(ValueError):
        bucket_of(rate)


def test_table_counts_each_edge_once():
    rates = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    row = values_table({"edges": rates}).row(0, named=True)
    assert row["total"] == 6
    assert [row[b] for b in BUCKET_NAMES] == [1, 0, 1, 1, 1, 1, 1]
    assert row["mean"] == pytest.approx(0.5) and row["median"] == pytest.approx(0.5)
    assert row["std"] == pytest.approx(0.3415650255)  # population std, as the original's np.std


def test_bucket_ranges_follow_the_bucket_definitions():
    assert [bucket_range(b) for b in BUCKET_NAMES] == [
        "= 0",
        "(0, 0.2)",
        "[0.2, 0.4)",
        "[0.4, 0.6)",
        "[0.6, 0.8)",
        "[0.8, 1)",
        "= 1",
    ]


@pytest.mark.parametrize(
    "k, n, low, high", [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (10, 10, 0.7225, 1.0), (1, 10, 0.0179, 0.4042)]
)
def test_wilson_matches_published_values(k, n, low, high):
    assert wilson_interval(k, n) == pytest.approx((low, high), abs=1e-4)


def test_wilson_without_samples_is_uninformative():
    assert wilson_interval(0, 0) == (0.0, 1.0)
