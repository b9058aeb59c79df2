"""Plain-text forms of short answers: LaTeX text wrappers removed, case / spacing / punctuation normalized."""

from __future__ import annotations

import re

_WRAPPER_RE = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname|emph)\s*\{([^{}]*)\}")


def unwrap_text(s: str) -> str:
    r"""Replace ``\text{x}``, ``\mathrm{x}``, ... by ``x`` and drop math delimiters and markdown bold."""
    previous = None
    while previous != s:
        previous, s = s, _WRAPPER_RE.sub(r"\1", s)
    return s.replace("$", "").replace("**", "").strip()


_ARTICLES = frozenset({"a", "an", "the"})


def normalize_text(s: str) -> str:
    """Case-, space- and punctuation-insensitive form of a short textual answer (SQuAD style)."""
    s = unwrap_text(s).lower()
    s = re.sub(r"\\[,;:! ]|~", " ", s)
    words = re.sub(r"[^\w\s]", " ", s).split()
    return " ".join([w for w in words if w not in _ARTICLES] or words)
