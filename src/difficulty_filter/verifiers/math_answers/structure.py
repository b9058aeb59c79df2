r"""The shape of a cleaned answer: one value or a list of parts, each part maybe labelled.

- Containers: ``(a, b, c)``, ``\langle a, b \rangle``, ``[a, b, c]`` and one-row / one-column matrices are
  tuples (ordered); ``\{a, b\}`` and ``{a, b}`` are sets; a two-part ``(a, b)`` is a pair (a tuple, or an
  open interval: the other side decides); parts joined by ``,`` ``;`` ``and`` ``or`` ``\quad`` without
  brackets are a bare list.
- Set-builder notation ``\{x \mid P(x)\}`` / ``\{x : P(x)\}`` is its condition ``P(x)``.
- One ``\pm`` / ``\mp`` is two parts (``\pm 4`` is ``4, -4``).
- Labelled solution sets ``p=5,q=2;p=7,q=2`` (the same labels in every ``;`` group) are the list of tuples
  ``(5, 2), (7, 2)``.
- Labels: ``x = 5``, ``f(x) = ...``, ``(x, y) = ...``, ``v_{min} = ...``, ``x \in ...`` (names before ``=`` or
  ``\in``) and, in lists, words after an amount (``12 \text{ red}``). Labels count only when a side's are all
  present and distinct (``x = 2 \text{ or } x = 3`` is the list ``2, 3``).
- A number with thousands separators (``1,000``) is one value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..quantities import parse_number
from .normalize import GREEK

SINGLE, BARE, TUPLE, SET, PAIR = "single", "bare", "tuple", "set", "pair"

_CONNECTOR_RE = re.compile(r"(?<![A-Za-z\\])(?:and|or)(?![A-Za-z])|,|;")
_TEXT_GROUP_RE = re.compile(r"\\(?:text|mbox|textrm|mathrm)\s*\{([^{}]*)\}")
_WORD_SEPARATOR_RE = re.compile(
    r"\s*(?:(?<![A-Za-z\\])(and|or)(?![A-Za-z])|\\q?quad(?![A-Za-z])|\\text\s*\{\s*,\s*\})\s*"
)
_SET_BUILDER_RE = re.compile(
    r"\\\{\s*[A-Za-z](?:\s*\\in\s*\\mathbb\s*\{?\s*[RZNQC]\s*\}?)?\s*(?:\\mid|\\vert|\||:)\s*(.+)\\\}", re.DOTALL
)
_MATRIX_RE = re.compile(r"\\begin\{([pbBvV]?matrix)\}(.*)\\end\{\1\}", re.DOTALL)
_NAME = (
    rf"(?:[A-Za-z]?(?:\^\s*\{{\s*-1\s*\}})?\s*\(\s*[A-Za-z](?:\s*,\s*[A-Za-z])*\s*\)"  # f(x), (x, y)
    rf"|(?:[A-Za-z]|{GREEK}|[A-Z]{{2,3}})(?:_\s*(?:\{{[A-Za-z0-9, ]+\}}|[A-Za-z0-9]))?'*)"
)  # x_1, \theta, AB
_LABEL_RE = re.compile(rf"\s*({_NAME})\s*(?:(?<![<>!:\\])=(?!=)|\\in(?![A-Za-z]))(.*)", re.DOTALL)
_WORD_LABEL_RE = re.compile(
    r"(.*?\S)\s*\\(?:text|mbox|textrm|mathrm)\s*\{\s*([A-Za-z][A-Za-z' -]*?)\s*\}\s*"
    r"|(-?[\d.,/]+)\s+([A-Za-z][A-Za-z' -]*)",
    re.DOTALL,
)
_INEQUALITY_RE = re.compile(r"<|>|\\(?:le|ge|leq|geq|lt|gt|ne|neq|leqslant|geqslant)(?![A-Za-z])")
_ORDER_WORDS_RE = re.compile(
    r"\b(?:in (?:that|this|the given|the same|increasing|decreasing|ascending|descending) "
    r"order|in order|respectively|ordered (?:pair|triple|tuple|list))\b",
    re.IGNORECASE,
)
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_LOOSE_SPACE_RE = re.compile(r"^(?:\s|\\[,;:! ]|~)+|(?:\s|\\[,;:! ]|~)+$")


@dataclass(frozen=True)
class Part:
    """One value of an answer and its label (a name or the words after an amount), if any."""

    value: str
    label: str | None = None


@dataclass(frozen=True)
class Parts:
    """An answer as parts: `value` is the whole answer without its label; `kind` is SINGLE, BARE, TUPLE, SET
    or PAIR; `conjunctive`: the parts were joined by "and"."""

    value: str
    items: tuple[Part, ...]
    kind: str = SINGLE
    conjunctive: bool = False

    @property
    def is_list(self) -> bool:
        """More than one value for certain (a pair only counts as a list next to one)."""
        return self.kind in (BARE, TUPLE, SET)

    @property
    def labels(self) -> tuple[str, ...] | None:
        """The labels when every part has one and they differ, else None."""
        labels = tuple(p.label for p in self.items)
        return labels if len(labels) > 1 and None not in labels and len(set(labels)) == len(labels) else None


def split_parts(text: str) -> Parts:
    """The parts of a cleaned answer (see the module docstring)."""
    if parse_number(text) is not None:
        return Parts(text, (Part(text),))
    solutions = _solution_groups(text)
    if solutions:
        return Parts(text, tuple(Part(s) for s in solutions), BARE)
    pieces, conjunctive = _split(_split_text_groups(text))
    if len(pieces) > 1:
        return Parts(text, tuple(_labelled(p, words=True) for p in pieces), BARE, conjunctive)
    part = _labelled(text, words=False)
    builder = _SET_BUILDER_RE.fullmatch(part.value)
    if builder:
        condition = builder.group(1).strip()
        return Parts(condition, (Part(condition, part.label),))
    signs = re.findall(r"\\(?:pm|mp)(?![A-Za-z])", part.value)
    if len(signs) == 1:
        plus, minus = ("+", "-") if signs[0] == "\\pm" else ("-", "+")
        values = [re.sub(r"\\(?:pm|mp)(?![A-Za-z])", sign, part.value).strip() for sign in (plus, minus)]
        return Parts(part.value, tuple(Part(v, part.label) for v in values), BARE)
    container = _container(part.value)
    if container is not None:
        return Parts(part.value, tuple(Part(_loose(v)) for v in container[1]), container[0])
    return Parts(part.value, (part,))


def is_inequality(text: str) -> bool:
    """The value states a range with <, >, \\le, \\ge or \\ne (a region of the real line, usually)."""
    return _INEQUALITY_RE.search(text) is not None


def asks_for_order(question: str) -> bool:
    """The question wants the values in a given order ("in increasing order", "respectively", ...)."""
    return _ORDER_WORDS_RE.search(question) is not None


def _labelled(text: str, words: bool) -> Part:
    text = _loose(text)
    match = _LABEL_RE.fullmatch(text)
    if match and match.group(2).strip():
        value = re.split(r"(?<![<>!:\\])=(?!=)", match.group(2))[-1]  # a chain x = 2 + 3 = 5 ends in its value
        return Part(_loose(value), re.sub(r"[\s{}]", "", match.group(1)))
    if words:
        unwrapped = _TEXT_GROUP_RE.fullmatch(text)
        word_match = _WORD_LABEL_RE.fullmatch(unwrapped.group(1).strip() if unwrapped else text)
        if word_match:
            value, label = (
                (word_match.group(1), word_match.group(2))
                if word_match.group(1)
                else (word_match.group(3), word_match.group(4))
            )
            return Part(_loose(value), " ".join(label.lower().split()))
    return Part(text)


def _solution_groups(text: str) -> list[str] | None:
    """``p=5,q=2;p=7,q=2`` (groups of the same labels between semicolons) as the tuples ``(5, 2)``, ``(7, 2)``;
    single-letter labels are taken alphabetically, others in the first group's order. None for anything else."""
    groups = _split(text, ";")[0] if ";" in text else []
    if len(groups) < 2:
        return None
    tuples, order = [], None
    for group in groups:
        parts = [_labelled(piece, words=False) for piece in _split(group)[0]]
        values = {p.label: p.value for p in parts}
        if len(parts) < 2 or len(values) < len(parts) or None in values or (order and set(values) != set(order)):
            return None
        order = order or (sorted(values) if all(len(label) == 1 for label in values) else list(values))
        tuples.append("(" + ", ".join(values[label] for label in order) + ")")
    return tuples


def _container(text: str) -> tuple[str, list[str]] | None:
    """(kind, inner parts) when the whole text is one bracketed list or vector."""
    matrix = _MATRIX_RE.fullmatch(text)
    if matrix:
        rows = [[c for c in re.split(r"(?<!\\)&", row)] for row in re.split(r"\\\\", matrix.group(2)) if row.strip()]
        if len(rows) == 1 and len(rows[0]) > 1:
            return TUPLE, rows[0]
        if len(rows) > 1 and all(len(r) == 1 for r in rows):
            return TUPLE, [r[0] for r in rows]
        return None
    for opener, closer, kind in ((r"\langle", r"\rangle", TUPLE), (r"\{", r"\}", SET)):
        if text.startswith(opener) and text.endswith(closer) and _closes_at_end(text, len(opener), len(closer)):
            if kind == SET and _SET_BUILDER_RE.fullmatch(text):
                return None
            return kind, _split(text[len(opener) : -len(closer)])[0]
    if text[:1] == "{" and text[-1:] == "}" and _closes_at_end(text, 1):  # {1, 2, 3}: a set without backslashes
        inner = _split(text[1:-1])[0]
        return (SET, inner) if len(inner) > 1 else None
    if text[:1] in "([" and text[-1:] in ")]" and _closes_at_end(text, 1):
        inner = _split(text[1:-1])[0]
        if len(inner) >= 3:
            return TUPLE, inner
        if len(inner) == 2 and text[0] + text[-1] == "()":
            return PAIR, inner
    return None


def _closes_at_end(text: str, start: int, closer: int = 1) -> bool:
    """The bracket opened before `start` closes with the last `closer` characters of `text` (not earlier)."""
    depth = 1
    for i in range(start, len(text) - closer):
        depth += _depth_change(text, i)
        if depth == 0:
            return False
    return True


def _depth_change(text: str, i: int) -> int:
    c = text[i]
    if c in "([{" or text.startswith(r"\langle", i):
        return 1
    if c in ")]}" or text.startswith(r"\rangle", i):
        return -1
    return 0


def _split(text: str, separators: str = ",;\0") -> tuple[list[str], bool]:
    """Top-level parts of `text` (outside every bracket) and whether "and" joined any of them."""
    marked = _WORD_SEPARATOR_RE.sub(lambda m: f" \0{m.group(1) or ''}\0 ", text)
    parts, depth, start, conjunctive, i = [], 0, 0, False, 0
    while i < len(marked):
        c = marked[i]
        if c == "\\" and i + 1 < len(marked) and not marked[i + 1].isalpha():  # \, \; \\ \{ \}
            depth += {"{": 1, "}": -1}.get(marked[i + 1], 0)
            i += 2
            continue
        depth += _depth_change(marked, i)
        if depth == 0 and c in separators:
            if c == "\0" and marked.startswith("and\0", i + 1):
                conjunctive = True
            parts.append(marked[start:i])
            start = i + 1
        i += 1
    parts.append(marked[start:])
    pieces = [p for p in (_loose(p.replace("\0", "")) for p in parts) if p and p not in ("and", "or")]
    return (pieces or [text.strip()]), conjunctive


def _split_text_groups(text: str) -> str:
    r"""``\text{ apples and }`` -> ``\text{ apples} and``: connectors inside text groups become separators."""

    def split_group(match: re.Match) -> str:
        content = match.group(1)
        if not _CONNECTOR_RE.search(content):
            return match.group(0)
        pieces = re.split(r"((?<![A-Za-z\\])(?:and|or)(?![A-Za-z])|,|;)", content)
        return " ".join(p if i % 2 else (rf"\text{{{p}}}" if p.strip() else "") for i, p in enumerate(pieces))

    return _TEXT_GROUP_RE.sub(split_group, text)


def _loose(text: str) -> str:
    """`text` without surrounding spaces and spacing commands."""
    return _LOOSE_SPACE_RE.sub("", text)
