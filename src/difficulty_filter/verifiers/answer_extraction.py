r"""Where the final answer is in a response: text after the reasoning, ``\boxed{}`` answers, ``<answer>`` tags.

Every scan here is linear in the response length, so a 1 MB response costs milliseconds.
"""

from __future__ import annotations

import re

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
#: Longest extracted answer handed to a parser (longer ones are compared as text only).
MAX_PARSE_CHARS = 1000


def ends_in_open_think(response: str) -> bool:
    """True when the response ends inside an unclosed ``<think>`` block (partial reasoning)."""
    opened = response.rfind(THINK_OPEN)
    return opened != -1 and response.rfind(THINK_CLOSE) < opened


def final_text(response: str) -> str:
    """The text after the last ``</think>``; the whole response when there is none."""
    closed = response.rfind(THINK_CLOSE)
    return response if closed == -1 else response[closed + len(THINK_CLOSE) :]


# ----------------------------------------------------------------------------------------------- boxes

_BOX_RE = re.compile(r"\\(?:boxed|fbox)(?![A-Za-z])")
#: What may separate consecutive boxes that together state one multi-part answer.
_GLUE_RE = re.compile(r"(?:[\s,;|$.]|\\[,;:!]|\\q?quad|\\text\{\s*(?:and|or|,)?\s*\}|\band\b|\bor\b)*")


def braced(text: str, start: int) -> tuple[str, int] | None:
    r"""Content of the ``{...}`` group opening at ``text[start]`` and the index after it (``\{`` is not a brace)."""
    depth, i, n = 0, start, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i], i + 1
        i += 1
    return None


def _box_at(text: str, end_of_command: int) -> tuple[str, int] | None:
    r"""Argument of a ``\boxed`` whose name ends at ``end_of_command``: ``{...}`` or ``\boxed 5`` (one token)."""
    i = end_of_command
    while i < len(text) and text[i] in " \t":
        i += 1
    if i < len(text) and text[i] == "{":
        return braced(text, i)
    token = re.match(r"[^\s${}]+", text[i : i + MAX_PARSE_CHARS])
    if i == end_of_command or token is None:
        return None
    return token.group(0), i + token.end()


def _unbox(content: str) -> str:
    r"""Strip redundant nesting such as ``\boxed{\boxed{42}}``."""
    content = content.strip()
    while True:
        match = _BOX_RE.match(content)
        box = _box_at(content, match.end()) if match else None
        if box is None or box[1] != len(content):
            return content
        content = box[0].strip()


def boxes(text: str) -> list[tuple[int, int, str]]:
    r"""(start, end, content) of every complete top-level ``\boxed{}``/``\fbox{}``, in order."""
    found: list[tuple[int, int, str]] = []
    pos = 0
    for match in _BOX_RE.finditer(text):
        if match.start() < pos:
            continue  # nested inside the previous box
        box = _box_at(text, match.end())
        if box is None:
            if text.find("{", match.end(), match.end() + 2) != -1:
                break  # an unclosed brace swallows the rest of the text
            continue
        content, pos = box
        found.append((match.start(), pos, _unbox(content)))
    return found


def boxed_answers(text: str) -> list[str]:
    r"""The last ``\boxed{}``/``\fbox{}`` answer, together with the boxes glued to it.

    Boxes separated only by whitespace, punctuation, ``and``/``or`` or ``\quad`` form one multi-part
    answer (``\boxed{2} and \boxed{3}``); the list is empty when the text has no complete box.
    """
    found = boxes(text)
    group: list[str] = []
    for k in range(len(found) - 1, -1, -1):
        if group and not _GLUE_RE.fullmatch(text, found[k][1], found[k + 1][0]):
            break
        if found[k][2]:
            group.append(found[k][2])
    return group[::-1]


def last_boxed(text: str) -> str | None:
    r"""Content of the last complete ``\boxed{}``/``\fbox{}`` (None when there is none)."""
    answers = boxed_answers(text)
    return answers[-1] if answers else None


# ------------------------------------------------------------------------------------------ answer tags


def answer_tag(text: str) -> str | None:
    """Content of the last complete ``<answer>...</answer>`` pair (any case, may span lines)."""
    lower = text.lower()
    end = lower.rfind("</answer>")
    start = lower.rfind("<answer>", 0, end) if end != -1 else -1
    if start == -1:
        return None
    return text[start + len("<answer>") : end].strip()


def tagged_answer(response: str) -> str | None:
    r"""The final answer of a tag-format task: last ``<answer>`` tag after the reasoning, else last box."""
    text = final_text(response)
    answer = answer_tag(text)
    if answer is None:
        answer = last_boxed(text)
    return answer or None
