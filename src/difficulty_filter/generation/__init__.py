"""Generation stage: sample `n` responses per prompt with vLLM (offline engine or OpenAI-compatible server)."""

from .shard import run_shard

__all__ = ["run_shard"]
