r"""Numbers and quantities as written in answers: ``1,000``, ``\frac{1}{2}``, ``3.2e5``, ``42%``, ``5 km``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from .answer_extraction import MAX_PARSE_CHARS
from .text_forms import unwrap_text


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
        num, den = (
            (match.group("fn"), match.group("fd"))
            if match.group("fn") is not None
            else (match.group("sn"), match.group("sd"))
        )
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
    return number, s[match.end() :].strip()


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
            if abs(p - g) <= rel_cap * abs(g) and (
                _rounds_to(p, pred.quantum, g, truth.quantum) or _rounds_to(g, truth.quantum, p, pred.quantum)
            ):
                return True
    return False


def _rounds_to(precise: Fraction, fine: Fraction | None, rounded: Fraction, quantum: Fraction | None) -> bool:
    """`rounded` (written to `quantum`, >= 2 significant digits) is `precise` (written to `fine`) rounded."""
    return (
        quantum is not None
        and abs(rounded) >= 10 * quantum
        and (fine is None or fine <= quantum)
        and abs(precise - rounded) <= quantum / 2
    )


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
