r"""Text rewrites of one LaTeX answer before it is split and parsed; each keeps the meaning.

- display-math wrappers go (``\[ \]``, ``\( \)``, ``$$``, ``\displaystyle``), as do ``\left``/``\right`` and
  the non-breaking space ``~``;
- a repeating decimal is its fraction: ``0.\overline{3}`` is ``\frac{3}{9}``, ``1.1\overline{6}`` ``\frac{105}{90}``;
- thousands separators go where every group after the first has 3 digits (and the first 1-3, not 0):
  ``3,\!250``, ``10{,}000``, ``1\,000``, ``11,\! 111`` anywhere; a plain ``1,000`` only outside brackets (inside
  them ``(100,200)`` is a pair) and not next to another comma and digit (``5,1,000``);
- text commands are ``\text``: ``\textnormal{ miles}``, ``\textbf{meters}``, ``\mbox{odd}``;
- unicode symbols become LaTeX (``∞ ∪ √ ≤ π − ∅`` ...), ``\varnothing`` is ``\emptyset``;
- ordinal suffixes go, only the one that fits the number (``21^{\text{st}}``, ``8th``; ``3th`` stays);
- trailing qualifiers go (``\text{ for all } x``, ``\forall x``, ``\text{, where } c ...``, ``\text{ only}``);
- a function applied without parentheses gets them, so it cannot swallow the rest of a product
  (``\tan u \cdot v`` is ``\tan(u) \cdot v``, ``\sin 2x`` is ``\sin(2x)``);
- one-token ``\frac``/``\sqrt`` arguments get braces (``\frac{2+b}d``, ``\frac a b``, ``\sqrt3``), as does a
  parenthesized radicand (``4\sqrt(2)`` is ``4\sqrt{2}``, not 4);
- subscripts become plain names (``v_{\min}``, ``E_{\text{kin}}`` are ``v_{min}``, ``E_{kin}``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..answer_extraction import braced

_WRAPPER_RE = re.compile(r"(?<!\\)\\[\[\]()]|\$|~|\\(?:displaystyle|textstyle|left(?![A-Za-z])|right(?![A-Za-z])|!)")
_REPEATING_RE = re.compile(r"(?<![\d.])(\d*)\.(\d*)\\overline\s*\{\s*(\d+)\s*\}")
_GROUPS_RE = re.compile(r"(?<![\d.])[1-9]\d{0,2}(?:(?:(?:,\\!|\{,\}|\\[,!])\s*|,)\d{3})+(?!\d)")
_LATEX_SEPARATOR_RE = re.compile(r",\\!|\{,\}|\\[,!]")
_TEXT_COMMAND_RE = re.compile(r"\\(?:textnormal|textrm|textbf|textit|textsf|texttt|textup|mbox|hbox)(?![A-Za-z])")
_UNICODE = {
    "−": "-",
    "–": "-",
    "∞": r"\infty ",
    "∪": r"\cup ",
    "∩": r"\cap ",
    "≤": r"\le ",
    "≥": r"\ge ",
    "≠": r"\ne ",
    "π": r"\pi ",
    "×": r"\times ",
    "·": r"\cdot ",
    "⋅": r"\cdot ",
    "±": r"\pm ",
    "∓": r"\mp ",
    "°": r"^\circ ",
    "θ": r"\theta ",
    "α": r"\alpha ",
    "β": r"\beta ",
    "∈": r"\in ",
    "ℝ": r"\mathbb{R}",
    "∣": r"\mid ",
    "∅": r"\emptyset ",
    r"\varnothing": r"\emptyset ",
}
_UNICODE_RE = re.compile("|".join(map(re.escape, _UNICODE)))
_ROOT_TOKEN_RE = re.compile(r"\s*(\d+(?:\.\d+)?|[A-Za-z]|\\[A-Za-z]+)")
_ORDINAL_RE = re.compile(
    r"(?<![\d.])(\d+)\s*(?:\^\s*\{\s*(?:\\(?:text|mathrm|textrm)\s*\{\s*)?(st|nd|rd|th)\s*\}?\s*\}"
    r"|\^\s*(st|nd|rd|th)(?![A-Za-z])|\\(?:text|mathrm|textrm)\s*\{\s*(st|nd|rd|th)\s*\}|(st|nd|rd|th)(?![A-Za-z]))"
)
_QUALIFIER_RE = re.compile(
    r"(?:\s|,|\\[,;:! ]|\\q?quad)*(?:\\(?:text|mathrm|textrm|mbox)\s*\{\s*,?\s*"
    r"(?:for\s+(?:all|every|any|each)|where|only)(?![A-Za-z])|\\forall(?![A-Za-z])"
    r"|for\s+(?:all|every|any|each)(?![A-Za-z])).*$",
    re.DOTALL,
)
_FUNCTIONS = "arcsin|arccos|arctan|sinh|cosh|tanh|sin|cos|tan|cot|sec|csc|ln|log|lg|exp"
GREEK = (
    r"\\(?:alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|mu|nu|xi|pi"
    r"|rho|sigma|tau|upsilon|phi|varphi|chi|psi|omega)(?![A-Za-z])"
)
_APPLICATION_RE = re.compile(
    rf"(\\(?:{_FUNCTIONS})(?![A-Za-z])(?:\s*[_^]\s*(?:\{{[^{{}}]*\}}|\d|[A-Za-z]))*)\s*"
    rf"((?:\d+(?:\.\d+)?(?:[A-Za-z]|{GREEK}\s*)*|(?:[A-Za-z]|{GREEK}\s*)+)(?:\s*\^\s*(?:\{{[^{{}}]*\}}|\d|[A-Za-z]))?)"
)
_BRACED_COMMAND_RE = re.compile(r"\\[dt]?frac(?![A-Za-z])|\\sqrt(?![A-Za-z])")
_ROOT_INDEX_RE = re.compile(r"\s*\[[^\]]*\]")
_ARGUMENT_TOKEN_RE = re.compile(r"\\[A-Za-z]+|[A-Za-z0-9]")
_SUBSCRIPT_RE = re.compile(
    r"_\s*\{\s*\\(?:text|mathrm|textrm|rm|operatorname)?\s*\{?\s*\\?([A-Za-z]+)\s*\}?\s*\}"
    r"|_\s*\\(min|max)(?![A-Za-z])"
)


@lru_cache(maxsize=8192)
def clean(latex: str) -> str:
    """`latex` with the rewrites listed in the module docstring applied (cached: golds recur n times)."""
    text = _UNICODE_RE.sub(lambda m: _UNICODE[m.group(0)], latex.replace("\\$", ""))
    text = _TEXT_COMMAND_RE.sub(r"\\text", _ungroup(text))
    text = _roots(_WRAPPER_RE.sub(" ", _REPEATING_RE.sub(_repeating, text)))
    text = _ORDINAL_RE.sub(_ordinal, text)
    qualifier = _QUALIFIER_RE.search(text)
    if qualifier and qualifier.start() > 0 and text[: qualifier.start()].strip():
        text = text[: qualifier.start()]
    text = _SUBSCRIPT_RE.sub(lambda m: f"_{{{m.group(1) or m.group(2)}}}", text)
    text = _APPLICATION_RE.sub(lambda m: f"{m.group(1)}({m.group(2).strip()})", _brace_arguments(text))
    return " ".join(text.split()).rstrip(".").strip()


def _repeating(match: re.Match) -> str:
    r"""``0.1\overline{6}`` as the exact fraction it denotes (``\frac{15}{90}``)."""
    whole, fixed, period = match.group(1) or "0", match.group(2), match.group(3)
    denominator = 10 ** len(fixed) * (10 ** len(period) - 1)
    numerator = int(whole) * denominator + int(fixed + period) - int(fixed or "0")
    return rf"\frac{{{numerator}}}{{{denominator}}}"


def _ungroup(text: str) -> str:
    """`text` without the thousands separators of its numbers (see the module docstring)."""

    def digits(match: re.Match) -> str:
        run = match.group(0)
        plain = _LATEX_SEPARATOR_RE.search(run) is None
        before, after = text[: match.start()], text[match.end() :]
        if plain and (_depth(before) or before.endswith(",") or re.match(r",\d", after)):
            return run
        return re.sub(r"\D", "", run)

    return _GROUPS_RE.sub(digits, text)


def _depth(text: str) -> int:
    return sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")


def _roots(text: str) -> str:
    r"""``√(x+1)``, ``√x``, ``√2`` as ``\sqrt{...}``."""
    out, i = [], 0
    while (j := text.find("√", i)) != -1:
        out.append(text[i:j] + "\\sqrt")
        k = j + 1
        while k < len(text) and text[k] == " ":
            k += 1
        if text[k : k + 1] == "(":
            close = _matching_paren(text, k)
            if close is not None:
                out.append("{" + text[k + 1 : close] + "}")
                i = close + 1
                continue
        token = _ROOT_TOKEN_RE.match(text, j + 1)
        if token and text[k : k + 1] != "{":
            out.append("{" + token.group(1) + "}")
            i = token.end()
        else:
            i = j + 1
    return "".join(out) + text[i:]


def _matching_paren(text: str, start: int) -> int | None:
    depth = 0
    for k in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[k], 0)
        if depth == 0:
            return k
    return None


def _ordinal(match: re.Match) -> str:
    number = int(match.group(1))
    suffix = next(s for s in match.groups()[1:] if s)
    fits = "th" if number % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return match.group(1) if suffix == fits else match.group(0)


def _brace_arguments(text: str) -> str:
    r"""Braces around one-token arguments: ``\frac ab`` -> ``\frac{a}{b}``, ``\sqrt3`` -> ``\sqrt{3}``."""
    out, i = [], 0
    for match in _BRACED_COMMAND_RE.finditer(text):
        if match.start() < i:
            continue  # inside an argument already rewritten
        out.append(text[i : match.end()])
        i = match.end()
        index = _ROOT_INDEX_RE.match(text, i) if "sqrt" in match.group(0) else None
        if index:
            out.append(index.group(0))
            i = index.end()
        for _ in range(2 if "frac" in match.group(0) else 1):
            argument = _argument(text, i, parenthesized="sqrt" in match.group(0))
            if argument is None:
                break
            out.append("{" + _brace_arguments(argument[0]) + "}")
            i = argument[1]
    return "".join(out) + text[i:]


def _argument(text: str, start: int, parenthesized: bool = False) -> tuple[str, int] | None:
    """A command argument at `start`: a braced group, a ``(...)`` group if `parenthesized`, or one token."""
    while text[start : start + 1] == " ":
        start += 1
    if text[start : start + 1] == "{":
        return braced(text, start)
    if parenthesized and text[start : start + 1] == "(":
        close = _matching_paren(text, start)
        return (text[start + 1 : close], close + 1) if close is not None else None
    token = _ARGUMENT_TOKEN_RE.match(text, start)
    return (token.group(0), token.end()) if token else None
