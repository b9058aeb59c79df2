"""Helpers for the prepare tests: verl-style rows and Parquet files, and the tiny tokenizer's chat template."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

#: One token per whitespace-separated word; the template adds "<s> role :" per message, "<s> assistant :" at the end,
#: and "/no_think" when called with think=False (a chat_template_kwargs stand-in).
CHAT_TEMPLATE = (
    "{% for m in messages %}<s> {{ m['role'] }} : {{ m['content'] }} {% endfor %}"
    "{% if add_generation_prompt %}<s> assistant : {% endif %}"
    "{% if think is defined and not think %}/no_think{% endif %}"
)


def templated_tokens(words: int) -> int:
    """Token count of a single user message of `words` words under CHAT_TEMPLATE."""
    return words + 6


def row(data_source: str, content: str, ground_truth: str = "1", index: int = 0, **columns) -> dict:
    return {
        "data_source": data_source,
        "prompt": [{"role": "user", "content": content}],
        "ability": "x",
        "apply_chat_template": True,
        "reward_model": {"style": "rule", "ground_truth": ground_truth},
        "extra_info": {"split": "train", "index": index},
        **columns,
    }


def rows(data_source: str, n: int, words: int = 3, start: int = 0, **columns) -> list[dict]:
    return [row(data_source, " ".join(["w"] * words), index=start + i, **columns) for i in range(n)]


def stdin_truth(n_tests: int) -> str:
    return json.dumps({"inputs": [f"{i}\n" for i in range(n_tests)], "outputs": [f"{2 * i}\n" for i in range(n_tests)]})


def write(path: Path, data: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(data).write_parquet(path)
    return path
