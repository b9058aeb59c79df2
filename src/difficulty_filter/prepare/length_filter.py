"""Prompt-length filter: tokens of the chat-templated prompt, counted with a local model folder's tokenizer.

A row is kept iff `tokens <= max_prompt_tokens - tolerance`. The count is that of
`apply_chat_template(prompt, add_generation_prompt=True)`, i.e. exactly what the generate stage sends, so the default
tolerance is 0; the original's 100-token safety margin is `tolerance=100`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .naming import PrepareError


class PromptLengthFilter:
    def __init__(
        self,
        tokenizer_dir: str | Path,
        max_prompt_tokens: int,
        tolerance: int = 0,
        chat_template_kwargs: dict[str, Any] | None = None,
    ):
        if max_prompt_tokens - tolerance < 1:
            raise PrepareError(f"max_prompt_tokens ({max_prompt_tokens}) - length tolerance ({tolerance}) must be >= 1")
        self.tokenizer_dir = str(tokenizer_dir)
        self.max_prompt_tokens = max_prompt_tokens
        self.tolerance = tolerance
        self.limit = max_prompt_tokens - tolerance
        self.chat_template_kwargs = dict(chat_template_kwargs or {})
        self.tokenizer = load_tokenizer(tokenizer_dir)

    def count(self, prompts: Sequence[list[dict]]) -> np.ndarray:
        """Token count of every templated prompt (one batched template + tokenizer call)."""
        if not prompts:
            return np.zeros(0, dtype=np.int64)
        texts = self.tokenizer.apply_chat_template(
            list(prompts), tokenize=False, add_generation_prompt=True, **self.chat_template_kwargs
        )
        ids = self.tokenizer(texts, add_special_tokens=False, return_attention_mask=False)["input_ids"]
        return np.fromiter((len(row) for row in ids), dtype=np.int64, count=len(ids))

    def keep(self, prompts: Sequence[list[dict]]) -> np.ndarray:
        return self.count(prompts) <= self.limit


def load_tokenizer(tokenizer_dir: str | Path):
    """A tokenizer with a chat template from a local HF folder (or the local HF cache); never downloads."""
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise PrepareError(f"cannot load a tokenizer from {tokenizer_dir} without downloading: {exc}") from None
    if not getattr(tokenizer, "chat_template", None):
        raise PrepareError(f"tokenizer in {tokenizer_dir} has no chat template")
    return tokenizer
