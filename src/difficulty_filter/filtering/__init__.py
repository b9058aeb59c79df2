"""Attach pass rates to dataset rows (annotate) and drop the rows that are too easy or too hard (filter)."""
