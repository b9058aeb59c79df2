r"""Units on a math answer: removed only where written as units, never a letter that is a variable.

- A trailing ``\text{...}`` / ``\mathrm{...}`` of unit words (``12 \text{ cm}``, ``5\,\mathrm{m/s}``,
  ``9 \text{ cm}^2``) and a degree sign (``45^\circ``, ``\text{ degrees}``) are units.
- A bare unit symbol after a number (``7 m``) is a unit only when the other side writes its unit; otherwise
  ``3t`` is 3 times t and ``\frac{5}{4}s`` is 5/4 times s.
- Degrees and radians meet only where one side is in degrees and the other is a multiple of ``\pi``:
  ``135^\circ`` is ``\frac{3\pi}{4}``, while a plain ``30`` is not ``\frac{\pi}{6}``.
- Units both sides write are compared when both are known lengths, times or masses (and their products,
  quotients and powers): ``4 \text{ hours}`` is ``240 \text{ minutes}``, ``8 \text{ cm}^3`` is not
  ``8 \text{ m}^3``. Other units (``\text{ apples}``, ``\text{ square units}``) are ignored.
"""

from __future__ import annotations

import re
from fractions import Fraction

from ..quantities import unit_key

DEGREES = "deg"
_SPACING = r"(?:\s|\\[,;:! ]|~)*"
_UNIT_GROUP = r"\\(?:text|mathrm|textrm|mbox|rm)\s*\{\s*[A-Za-z][A-Za-z\s./-]*\}(?:\s*\^\s*\{?\s*-?\d\s*\}?)?"
_WRITTEN_UNIT_RE = re.compile(rf"(.*?\S){_SPACING}({_UNIT_GROUP}(?:\s*(?:/|\\cdot)\s*{_UNIT_GROUP})*)\s*", re.DOTALL)
_DEGREE_SIGN_RE = re.compile(r"(.*?\S)\s*(?:\^\s*\{?\s*\\circ\s*\}?|\\degree(?![A-Za-z]))\s*", re.DOTALL)
_BARE_UNIT_RE = re.compile(
    r"(.*?[\d}])\s*(?:m|cm|mm|km|s|ms|h|hr|min|g|kg|mg|L|mL|ml|N|J|W|Pa|V|A|K|Hz|mol|ft|in|yd|mi|lb|oz)"
    r"(?:\s*\^\s*\{?\s*\d\s*\}?)?\s*",
    re.DOTALL,
)
_DEGREE_WORDS = frozenset({DEGREES, "degree", "degrees"})
_CONNECTIVES = frozenset({"and", "or", "for", "where", "only", "if", "when"})
#: Known units: name -> (dimension: length, time or mass; size in metres, seconds or grams).
_SIZES = {
    **dict.fromkeys(("mm", "millimeter", "millimetre"), ("length", Fraction(1, 1000))),
    **dict.fromkeys(("cm", "centimeter", "centimetre"), ("length", Fraction(1, 100))),
    **dict.fromkeys(("m", "meter", "metre"), ("length", Fraction(1))),
    **dict.fromkeys(("km", "kilometer", "kilometre"), ("length", Fraction(1000))),
    **dict.fromkeys(("in", "inch"), ("length", Fraction(127, 5000))),
    **dict.fromkeys(("ft", "foot", "feet"), ("length", Fraction(381, 1250))),
    **dict.fromkeys(("yd", "yard"), ("length", Fraction(1143, 1250))),
    **dict.fromkeys(("mi", "mile"), ("length", Fraction(201168, 125))),
    **dict.fromkeys(("s", "sec", "second"), ("time", Fraction(1))),
    **dict.fromkeys(("min", "minute"), ("time", Fraction(60))),
    **dict.fromkeys(("h", "hr", "hour"), ("time", Fraction(3600))),
    **dict.fromkeys(("day",), ("time", Fraction(86400))),
    **dict.fromkeys(("week",), ("time", Fraction(604800))),
    **dict.fromkeys(("mg", "milligram"), ("mass", Fraction(1, 1000))),
    **dict.fromkeys(("g", "gram"), ("mass", Fraction(1))),
    **dict.fromkeys(("kg", "kilogram"), ("mass", Fraction(1000))),
}
_FACTOR_RE = re.compile(r"([*/]?)([A-Za-z]+)(?:\^(-?\d))?")


def split_unit(text: str) -> tuple[str, str | None]:
    """(value, canonical unit) of an answer; the unit is None when none is written."""
    degree = _DEGREE_SIGN_RE.fullmatch(text)
    if degree:
        return degree.group(1), DEGREES
    written = _WRITTEN_UNIT_RE.fullmatch(text)
    if written and not _CONNECTIVES & set(re.findall(r"[a-z]+", written.group(2).lower())):
        key = unit_key(written.group(2))
        return written.group(1), DEGREES if key.lower() in _DEGREE_WORDS else key
    return text, None


def without_bare_unit(text: str) -> str:
    """`text` without a unit symbol after its number (call only when the other side writes a unit)."""
    bare = _BARE_UNIT_RE.fullmatch(text)
    return bare.group(1) if bare else text


def in_radians(degrees: str) -> str:
    r"""LaTeX for an angle given in degrees, in radians."""
    return rf"\frac{{({degrees})\pi}}{{180}}"


def mentions_pi(text: str) -> bool:
    return re.search(r"\\pi(?![A-Za-z])", text) is not None


def measure(unit: str) -> tuple[tuple[tuple[str, int], ...], Fraction] | None:
    """(dimension exponents, size in base units) of a canonical unit such as ``km/h`` or ``cm^3``; None if unknown."""
    dimensions: dict[str, int] = {}
    size = Fraction(1)
    position = 0
    for match in _FACTOR_RE.finditer(unit):
        if match.start() != position:
            return None
        position = match.end()
        name = match.group(2)
        known = next((_SIZES[n] for n in (name, name.removesuffix("s"), name.removesuffix("es")) if n in _SIZES), None)
        if known is None:
            return None
        power = int(match.group(3) or 1) * (-1 if match.group(1) == "/" else 1)
        dimensions[known[0]] = dimensions.get(known[0], 0) + power
        size *= known[1] ** power
    if position != len(unit) or not dimensions:
        return None
    return tuple(sorted((d, p) for d, p in dimensions.items() if p)), size


def scaled(value: str, size: Fraction) -> str:
    """LaTeX for `value` times `size`."""
    return rf"({value}) \cdot \frac{{{size.numerator}}}{{{size.denominator}}}"
