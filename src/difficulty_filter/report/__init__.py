"""Difficulty report: bucket tables, health notes, plots, and the original's map/analyze commands."""
