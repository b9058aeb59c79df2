"""Structured answers written as data: fenced code blocks, bracketed spans, JSON / Python literals."""

from __future__ import annotations

import ast
import json
import re
from typing import Any

#: Longest literal (JSON / Python) handed to a literal parser.
MAX_LITERAL_CHARS = 1_000_000

_FENCE_RE = re.compile(r"```[ \t]*([\w+#.-]*)[^\n`]*\n(.*?)(```|\Z)", re.DOTALL)


def fenced_blocks(text: str, unclosed: bool = False) -> list[tuple[str, str]]:
    """(lowercased language tag, body) of every fenced code block, in order; a closing fence may end a line.

    `unclosed`: also keep a last block whose closing fence is missing (code cut off at the end of a response).
    """
    return [(m.group(1).lower(), m.group(2)) for m in _FENCE_RE.finditer(text) if unclosed or m.group(3)]


def strip_fence(text: str) -> str:
    """The body of a text that is one fenced block, else the text itself (stripped)."""
    blocks = fenced_blocks(text)
    if len(blocks) == 1 and text.strip().startswith("```"):
        return blocks[0][1].strip()
    return text.strip()


def balanced_spans(text: str, opener: str = "{", closer: str = "}") -> list[str]:
    """Top-level bracket-balanced spans (quotes inside the brackets are respected), in order."""
    spans, depth, start, quote, i, n = [], 0, 0, "", 0, len(text)
    while i < n:
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c == opener:
            if depth == 0:
                start = i
            depth += 1
        elif c == closer and depth:
            depth -= 1
            if depth == 0:
                spans.append(text[start : i + 1])
        elif c in "\"'" and depth:
            quote = c
        i += 1
    return spans


#: Returned by parse_literal when the text is no literal (None is a valid literal).
MISSING = object()


def parse_literal(text: str) -> Any:
    """A JSON value, else a Python literal (``ast.literal_eval``, never ``eval``); ``MISSING`` on failure."""
    text = text.strip()
    if not text or len(text) > MAX_LITERAL_CHARS:
        return MISSING
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return MISSING


def literal_or_none(text: str | None) -> Any:
    """parse_literal, with None for missing input or failure (for callers where None is never valid)."""
    if text is None:
        return None
    value = parse_literal(text)
    return None if value is MISSING else value


def plain(value: Any) -> Any:
    """numpy arrays / scalars (as read from Parquet) turned into Python lists and scalars, recursively."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def structured_truth(ground_truth: Any) -> Any:
    """A ground truth that may arrive JSON/Python-encoded (mixed-domain Parquet) as Python data."""
    if isinstance(ground_truth, str):
        value = parse_literal(ground_truth)
        return ground_truth if value is MISSING else plain(value)
    return plain(ground_truth)
