"""Chat templating and truncation of the templated prompt tokens (left | right | error)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..settings import ModelSettings, PromptSettings, SamplingSettings


@dataclass(frozen=True)
class PreparedPrompt:
    token_ids: list[int]  # what the engine sees (after truncation)
    prompt_tokens: int  # templated prompt length before truncation
    too_long: bool  # prompt_tokens > prompts.max_prompt_length
    truncated: bool


class PromptTooLong(ValueError):
    """A templated prompt exceeds the limit and `truncation` is `error`."""

    def __init__(self, tokens: int, limit: int):
        super().__init__(
            f"templated prompt has {tokens} tokens, more than the limit of {limit} (prompts.truncation: error)"
        )
        self.tokens, self.limit = tokens, limit


def load_tokenizer(model: ModelSettings) -> Any:
    """The model's own tokenizer (with its chat template), from the local folder or cache."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(
        model.tokenizer or model.path, revision=model.revision, trust_remote_code=model.trust_remote_code
    )


def prompt_limit(model: ModelSettings, sampling: SamplingSettings, prompts: PromptSettings) -> int:
    """Most prompt tokens allowed: max_prompt_length, and room for max_new_tokens within max_model_len."""
    limit = prompts.max_prompt_length
    if model.max_model_len:
        room = model.max_model_len - sampling.max_new_tokens
        if room < 1:
            raise ValueError(
                f"max_model_len={model.max_model_len} leaves no room for a prompt next to "
                f"max_new_tokens={sampling.max_new_tokens}"
            )
        limit = min(limit, room)
    return limit


def template_ids(tokenizer: Any, messages: list[dict], chat_template_kwargs: dict) -> list[int]:
    """Token ids of the chat-templated prompt with a generation prompt, exactly as `LLM.chat` builds them."""
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True, **chat_template_kwargs)
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def truncate(ids: list[int], limit: int, max_prompt_length: int, mode: str) -> PreparedPrompt:
    """Cut `ids` to `limit` tokens: `left` keeps the end, `right` keeps the start, `error` raises."""
    n = len(ids)
    too_long = n > max_prompt_length
    if n <= limit:
        return PreparedPrompt(ids, n, too_long, False)
    if mode == "error":
        raise PromptTooLong(n, limit)
    if mode not in ("left", "right"):
        raise ValueError(f"unknown truncation mode {mode!r}")
    kept = ids[n - limit :] if mode == "left" else ids[:limit]
    return PreparedPrompt(kept, n, too_long, True)
