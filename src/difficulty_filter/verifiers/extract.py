"""Shared answer-extraction helpers: reasoning stripping, boxed answers, answer tags, literals, numbers.

Every scan here is linear in the response length, so a 1 MB response costs milliseconds.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
#: Longest extracted answer handed to a parser (longer ones are compared as text only).
MAX_PARSE_CHARS = 1000
#: Longest literal (JSON / Python) handed to a literal parser.
MAX_LITERAL_CHARS = 1_000_000


def ends_in_open_think(response: str) -> bool:
    """True when the response ends inside an unclosed ``<think>`` block (partial reasoning)."""
    opened = response.rfind(THINK_OPEN)
    return opened != -1 and response.rfind(THINK_CLOSE) < opened


def final_text(response: str) -> str:
    """The text after the last ``</think>``; the whole response when there is none."""
    closed = response.rfind(THINK_CLOSE)
    return response if closed == -1 else response[closed + len(THINK_CLOSE):]


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
                return text[start + 1:i], i + 1
        i += 1
    return None


def _box_at(text: str, end_of_command: int) -> tuple[str, int] | None:
    r"""Argument of a ``\boxed`` whose name ends at ``end_of_command``: ``{...}`` or ``\boxed 5`` (one token)."""
    i = end_of_command
    while i < len(text) and text[i] in " \t":
        i += 1
    if i < len(text) and text[i] == "{":
        return braced(text, i)
    token = re.match(r"[^\s${}]+", text[i:i + MAX_PARSE_CHARS])
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
    return text[start + len("<answer>"):end].strip()


def tagged_answer(response: str) -> str | None:
    r"""The final answer of a tag-format task: last ``<answer>`` tag after the reasoning, else last box."""
    text = final_text(response)
    answer = answer_tag(text)
    if answer is None:
        answer = last_boxed(text)
    return answer or None


# ---------------------------------------------------------------------------------------------- literals

_FENCE_RE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)```", re.DOTALL)


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(language tag, body) of every fenced code block, in order; the closing fence may end a line."""
    return [(m.group(1).lower(), m.group(2)) for m in _FENCE_RE.finditer(text)]


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
                spans.append(text[start:i + 1])
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


# -------------------------------------------------------------------------------------------- text forms

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


# ------------------------------------------------------------------------------------------------ numbers

@dataclass(frozen=True)
class Number:
    """A number as written: exact value, and the rounding unit when written with a decimal point or exponent."""

    value: Fraction
    quantum: Fraction | None = None  # None: an exact integer or fraction
    percent: bool = False

    def candidates(self) -> tuple[Fraction, ...]:
        """The values the text may stand for (``42%`` is 42 or 0.42)."""
        return (self.value, self.value / 100) if self.percent else (self.value,)


_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+"
_QUANTITY_RE = re.compile(
    rf"\s*(?P<sign>[-+])?\s*(?:\\?\$|€|£|¥)?\s*"
    rf"(?:\\[dt]?frac\{{(?P<fn>{_NUM})\}}\{{(?P<fd>{_NUM})\}}|(?P<sn>\d+)\s*/\s*(?P<sd>\d+)(?![\d.])"
    rf"|(?P<num>{_NUM})(?:\s*(?:[eE](?P<e1>[-+]?\d+)"
    rf"|(?:\\times|\\cdot|×|x|\*)\s*10\s*\^\s*\{{?\s*(?P<e2>[-+−]?\d+)\s*\}}?))?)"
    rf"\s*(?P<pct>\\?%|percent\b)?\s*(?P<scale>(?:thousand|million|billion|trillion)\b)?"
)


def split_quantity(s: str) -> tuple[Number, str] | None:
    """Parse a leading number (commas, fractions, ``e``/``\\times 10^{}`` exponents, %, scale words)
    and return it with the remaining text (a unit, usually); None when the text does not start with one."""
    s = unwrap_text(s.replace("\\$", "$")).replace("−", "-").replace("\\!", "").replace("{,}", ",")
    match = _QUANTITY_RE.match(s)
    if match is None or match.end() > MAX_PARSE_CHARS:
        return None
    sign = -1 if match.group("sign") == "-" else 1
    if match.group("fn") is not None or match.group("sn") is not None:
        num, den = (match.group("fn"), match.group("fd")) if match.group("fn") is not None else \
            (match.group("sn"), match.group("sd"))
        den_value = _decimal(den)[0]
        if den_value == 0:
            return None
        number = Number(sign * _decimal(num)[0] / den_value)
    else:
        value, quantum = _decimal(match.group("num"))
        exponent = match.group("e1") or match.group("e2")
        if exponent is not None:
            scale = Fraction(10) ** int(exponent.replace("−", "-"))
            value, quantum = value * scale, (quantum or Fraction(1)) * scale
        number = Number(sign * value, quantum)
    if match.group("scale"):
        factor = _SCALES[match.group("scale")]
        number = Number(number.value * factor, number.quantum * factor if number.quantum else None)
    if match.group("pct"):
        number = Number(number.value, number.quantum, percent=True)
    return number, s[match.end():].strip()


def _decimal(text: str) -> tuple[Fraction, Fraction | None]:
    """Exact value of a decimal numeral and its rounding unit (None for integers)."""
    text = text.replace(",", "")
    if "." not in text:
        return Fraction(int(text)), None
    decimals = len(text.split(".")[1])
    return Fraction(text), Fraction(1, 10**decimals)


def parse_number(s: str) -> Number | None:
    """A text that is exactly one number (see split_quantity), else None."""
    parsed = split_quantity(s)
    return parsed[0] if parsed and not parsed[1].strip(" .") else None


def numbers_match(pred: Number, truth: Number, rel_cap: Fraction = Fraction(1, 100)) -> bool:
    """Equal values, or one is the other rounded to the precision it is written with.

    ``12.35`` matches ``12.3456`` (and ``12.3`` matches ``12.34``), but integers only match exactly
    (``2011`` never matches ``2012``), ``0.42`` never matches ``42``, a one-significant-digit value
    (``0.5``, ``2e3``) only matches exactly, and a rounding that moves the value by more than
    `rel_cap` of it is rejected.
    """
    for p in pred.candidates():
        for g in truth.candidates():
            if p == g:
                return True
            if abs(p - g) <= rel_cap * abs(g) and (_rounds_to(p, pred.quantum, g, truth.quantum)
                                                    or _rounds_to(g, truth.quantum, p, pred.quantum)):
                return True
    return False


def _rounds_to(precise: Fraction, fine: Fraction | None, rounded: Fraction, quantum: Fraction | None) -> bool:
    """`rounded` (written to `quantum`, >= 2 significant digits) is `precise` (written to `fine`) rounded."""
    return (quantum is not None and abs(rounded) >= 10 * quantum and (fine is None or fine <= quantum)
            and abs(precise - rounded) <= quantum / 2)


_EXPONENT_RE = re.compile(r"\^\s*\{?\s*[-+]?\d+\s*\}?")
_NOT_UNIT_RE = re.compile(r"\d|\b(?:and|or|to|than|from|between|of)\b|[=<>]", re.IGNORECASE)


def _is_unit(text: str) -> bool:
    """Short text without numbers (exponents aside) or connectives: ``m/s^2``, ``\\text{ cm}``, ``%``."""
    text = _EXPONENT_RE.sub("", text)
    return len(text.split()) <= 4 and not _NOT_UNIT_RE.search(text)


def unit_key(unit: str) -> str:
    r"""Canonical spelling of a unit: ``\text{m/s}``, ``m / s`` and ``\mathrm{m}/\mathrm{s}`` agree."""
    u = unwrap_text(re.sub(r"\\[,;:! ]", " ", unit))
    u = re.sub(r"\^\s*\{?\\circ\}?|°|\\circ", "deg", u)
    u = re.sub(r"\\mu\b|μ", "µ", u).replace("\\Omega", "Ω")
    u = re.sub(r"\\cdot|\\times|·|×", "*", u)
    return re.sub(r"[{}\\\s~]", "", u).rstrip(".")


def quantities_match(pred: str, truth: str) -> bool | None:
    """Compare two ``number [unit]`` texts: None when either is not one, else whether they agree.

    Numbers agree by numbers_match; units must be equal when both sides give one (``5 km`` is not
    ``5 m``); a bare number matches a number with a unit.
    """
    parsed_pred, parsed_truth = split_quantity(pred), split_quantity(truth)
    if parsed_pred is None or parsed_truth is None:
        return None
    (p, p_unit), (t, t_unit) = parsed_pred, parsed_truth
    if not (_is_unit(p_unit) and _is_unit(t_unit)):
        return None
    p_key, t_key = unit_key(p_unit), unit_key(t_unit)
    return numbers_match(p, t) and (p_key == t_key or not p_key or not t_key)
