"""difficulty-filter: measure how hard each RL prompt is for given LLMs, and filter by it."""

__version__ = "0.1.0"
