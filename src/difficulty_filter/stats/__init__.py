"""Pass-rate statistics: difficulty buckets, confidence intervals, per-prompt aggregation."""
