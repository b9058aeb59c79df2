"""Statistical formulas: difficulty buckets, Wilson and Jeffreys intervals, pass@k, majority vote."""
