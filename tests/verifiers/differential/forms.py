r"""Generated (gold, answer, correct) pairs in the forms real math data writes, for the differential test.

Every family writes right and wrong answers from templates over seeded random values, in both directions
(each form as the gold and as the answer) where both are forms a dataset uses. ``generate()`` is
deterministic. Families: thousands, money, fraction, root, percent, unit, interval, set, tuple, labelled,
plus_minus, text, choice, decimal, pi, negative, wrapper.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction

SEED = 18
ROUNDS = 6  # instances of every template per family


@dataclass(frozen=True)
class Pair:
    family: str
    gold: str
    answer: str
    correct: bool


Rows = Iterator[tuple[str, str, bool]]

#: thousands separator styles: name -> what stands between groups of three digits
SEPARATORS = {
    "comma": ",",
    "braced": "{,}",
    "comma_neg": r",\!",
    "comma_neg_space": r",\! ",
    "thin": r"\,",
    "neg": r"\!",
}
NEG, BRACED = SEPARATORS["comma_neg"], SEPARATORS["braced"]


def grouped(n: int, separator: str) -> str:
    """`n` with `separator` between groups of three digits."""
    return f"{n:,}".replace(",", separator)


def both(a: str, b: str, correct: bool) -> Rows:
    yield a, b, correct
    yield b, a, correct


def _thousands(rng: random.Random) -> Rows:
    n = rng.randint(1_000, 9_999_999)
    for separator in SEPARATORS.values():
        yield from both(grouped(n, separator), str(n), True)
    first, second = rng.sample(sorted(SEPARATORS.values()), 2)
    yield from both(grouped(n, first), grouped(n, second), True)
    yield from both(grouped(n, first), str(n + rng.choice((1, 10, 1000))), False)
    head, tail = divmod(n, 1000)
    yield grouped(n, second), str(head), False  # 1,000 is not 1
    yield from both(f"({head}, {tail:03d})", str(n), False)  # a pair is not a number
    yield from both(f"({head}, {tail:03d})", grouped(n, NEG), False)
    yield from both(f"{head}, {tail + 1:03d}", str(n), False)  # comma and space: a list of two
    m = rng.randint(1_000, 99_999)
    yield from both(rf"{grouped(m, first)} \text{{ miles}}", str(m), True)
    yield from both(f"x = {grouped(m, second)}", str(m), True)
    yield from both(f"{grouped(m, NEG)}, {grouped(n, BRACED)}", f"{n}, {m}", True)
    yield from both(f"({grouped(m, BRACED)}, {head})", f"({m}, {head})", True)
    yield from both(f"{grouped(m, NEG)}, {grouped(n, BRACED)}", f"{m}, {n + 1}", False)
    yield from both(grouped(1_000_000 * (n % 9 + 1), first), f"{n % 9 + 1} \\times 10^{{6}}", True)
    small = rng.randint(0, 9), rng.randint(10, 99)
    yield f"{small[0]},{small[1]}", f"({small[0]}, {small[1]})", True  # 0,1: groups of 1-2 digits are a list
    yield f"{small[0]},{small[1]}", f"{small[0]}{small[1]}", False


def _money(rng: random.Random) -> Rows:
    dollars, cents = rng.randint(1_000, 999_999), rng.randint(1, 99)
    plain = f"{dollars}.{cents:02d}"
    for styled in (rf"\${grouped(dollars, NEG)}", grouped(dollars, BRACED), grouped(dollars, ",")):
        styled += f".{cents:02d}"
        yield from both(styled, plain, True)
        yield from both(styled, f"{dollars}.{(cents + 1) % 100:02d}", False)
        yield styled, f"{dollars // 10}.{dollars % 10}{cents:02d}", False
    yield from both(rf"\${grouped(dollars, NEG)}", str(dollars), True)


def _fraction(rng: random.Random) -> Rows:
    q = rng.choice((3, 4, 5, 6, 7, 8, 9, 11, 12))
    p = rng.choice([k for k in range(1, 3 * q) if Fraction(k, q).denominator == q and k != q])
    frac = rf"\frac{{{p}}}{{{q}}}"
    for other in (rf"\dfrac{{{p}}}{{{q}}}", rf"\tfrac{{{p}}}{{{q}}}", f"{p}/{q}", rf"\frac{{{2 * p}}}{{{2 * q}}}"):
        yield from both(frac, other, True)
    if p < 10 and q < 10:
        yield from both(rf"\frac{p}{q}", frac, True)
    if q in (4, 5, 8):
        yield from both(frac, str(float(Fraction(p, q))), True)
    yield from both(frac, rf"\frac{{{q}}}{{{p}}}", False)
    yield from both(f"{p}/{q}", rf"\dfrac{{{p + 1}}}{{{q}}}", False)
    yield from both(rf"-\frac{{{p}}}{{{q}}}", rf"\frac{{-{p}}}{{{q}}}", True)
    yield from both(rf"-\frac{{{p}}}{{{q}}}", frac, False)
    if q in (3, 6, 7, 9, 11, 12):
        yield frac, f"{float(Fraction(p, q)):.3f}", False  # a rational needs its exact value


def _root(rng: random.Random) -> Rows:
    a, b, c = rng.randint(2, 9), rng.choice((2, 3, 5, 6, 7)), rng.randint(2, 9)
    yield from both(rf"{a}\sqrt{{{b}}}", rf"\sqrt{{{a * a * b}}}", True)
    yield from both(rf"{a}\sqrt{{{b}}}", rf"{a}\sqrt {b}", True)
    yield from both(rf"{a}\sqrt{{{b}}}", rf"\sqrt{{{b}}} \cdot {a}", True)
    yield from both(rf"\frac{{\sqrt{{{b}}}}}{{{c}}}", rf"\frac{{1}}{{{c}}}\sqrt{{{b}}}", True)
    yield from both(rf"\frac{{\sqrt{{{b}}}}}{{{c}}}", rf"\sqrt{{{b}}}/{c}", True)
    yield from both(rf"\sqrt[3]{{{b}}}", rf"{b}^{{1/3}}", True)
    yield from both(rf"{a}\sqrt{{{b}}}", rf"{a + 1}\sqrt{{{b}}}", False)
    yield from both(rf"\sqrt[3]{{{b}}}", rf"\sqrt{{{b}}}", False)
    yield from both(rf"{a}\sqrt{{{b}}}", rf"\sqrt{{{a * b}}}", False)
    yield from both(rf"\frac{{\sqrt{{{b}}}}}{{{c}}}", rf"\frac{{{c}}}{{\sqrt{{{b}}}}}", False)


def _percent(rng: random.Random) -> Rows:
    value = Fraction(rng.randint(1, 199), rng.choice((1, 2, 4)))
    text = str(float(value)).removesuffix(".0")
    fraction = str(float(value / 100))
    yield from both(rf"{text}\%", text, True)  # a percentage and its number match both ways
    yield from both(rf"{text}\%", fraction, True)
    yield from both(rf"{text}\%", rf"{text} \%", True)
    yield from both(rf"{text}\%", rf"{text}\text{{ percent}}", True)
    yield from both(rf"{text}\%", rf"{float(value + 1):g}\%", False)
    yield from both(rf"{text}\%", f"{float(value / 10):g}", False)
    yield from both(rf"{text}\%", f"{float(value / 1000):g}", False)
    yield from both(text, fraction, False)


UNIT_WORDS = ("miles", "meters", "cm", "dollars", "apples", "square units", "km", "hours")
TEXT_COMMANDS = ("text", "textnormal", "textbf", "mathrm", "textit", "textrm", "mbox")


def _unit(rng: random.Random) -> Rows:
    n = rng.randint(2, 500)
    value = rng.choice((str(n), rf"\frac{{1}}{{{n}}}", f"{n}.5"))
    word, command = rng.choice(UNIT_WORDS), rng.choice(TEXT_COMMANDS)
    written = rf"{value}\{command}{{ {word}}}"
    yield from both(written, value, True)
    yield from both(written, rf"{value}\text{{ {word}}}", True)
    yield from both(written, rf"{value} \{rng.choice(TEXT_COMMANDS)}{{{word}}}", True)
    if value == str(n):
        yield from both(written, f"{n} {word}", True)
        yield from both(written, f"{n + 1} {word}", False)
    yield from both(written, rf"{n + 1}\{command}{{ {word}}}", False)
    yield from both(rf"{value}\text{{ {word}}}", rf"2\cdot {value}", False)
    yield str(n), f"{n}t", False  # a letter after a number is a variable
    yield from both(rf"{n}^\circ", str(n), True)
    yield from both(rf"{n}^\circ", rf"{n}\text{{ degrees}}", True)
    yield from both(r"45^\circ", r"\frac{\pi}{4}", True)
    yield from both(rf"{n}^\circ", rf"{n + 1}^{{\circ}}", False)
    yield from both(rf"{n} \text{{ hours}}", rf"{60 * n} \text{{ minutes}}", True)
    yield from both(rf"{n} \text{{ cm}}^3", rf"{n} \text{{ m}}^3", False)


def _interval(rng: random.Random) -> Rows:
    a = rng.randint(-20, 10)
    b = a + rng.randint(1, 15)
    yield from both(f"[{a}, {b})", rf"\left[{a},{b}\right)", True)
    yield from both(f"[{a}, {b})", rf"{a} \le x < {b}", True)
    yield from both(rf"(-\infty, {a}]", rf"x \le {a}", True)
    yield from both(rf"(-\infty, {a}) \cup ({b}, \infty)", rf"x < {a} \text{{ or }} x > {b}", True)
    yield from both(rf"[{a}, \infty)", rf"x \geq {a}", True)
    yield from both(rf"[{a}, \infty)", rf"[{a}, +\infty)", True)
    yield from both(f"[{a}, {b}]", rf"{a} \leq x \leq {b}", True)
    yield from both(f"[{a}, {b})", f"[{a}, {b}]", False)
    yield from both(f"[{a}, {b})", f"({a}, {b})", False)
    yield from both(rf"(-\infty, {a})", rf"x \le {a}", False)
    yield from both(rf"(-\infty, {a}) \cup ({b}, \infty)", rf"({a}, {b})", False)


def _set(rng: random.Random) -> Rows:
    values = rng.sample(range(-9, 30), rng.randint(2, 4))
    shuffled = rng.sample(values, len(values))
    plain = ", ".join(map(str, values))
    other = ", ".join(map(str, shuffled))
    forms = [rf"\{{{plain}\}}", f"{{{plain}}}", plain, rf"\left\{{{plain}\right\}}", plain.replace(" ", "")]
    for gold in forms:
        for answer in (rf"\{{{other}\}}", other, f"{{{other}}}"):
            yield gold, answer, True
    yield rf"\{{{plain}\}}", rf"x \in \{{{other}\}}", True
    yield rf"\{{{plain}\}}", " \\text{ or } ".join(f"x = {v}" for v in shuffled), True
    wrong_value = rng.choice([v for v in range(-9, 30) if v not in values])
    for gold in rng.sample(forms, 3):
        yield from both(gold, rf"\{{{', '.join(map(str, shuffled[:-1]))}\}}", False)
        yield from both(gold, ", ".join(map(str, [*shuffled[:-1], wrong_value])), False)
        yield from both(gold, f"{{{other}, {wrong_value}}}", False)


def _tuple(rng: random.Random) -> Rows:
    a, b, c = rng.sample(range(-9, 20), 3)
    yield from both(f"({a}, {b})", f"({a},{b})", True)
    yield from both(f"({a}, {b})", rf"\left( {a}, {b} \right)", True)
    yield f"({a}, {b})", f"{a}, {b}", True
    yield from both(f"({a}, {b}, {c})", rf"\left({a},{b},{c}\right)", True)
    yield from both(f"({a}, {b}, {c})", rf"\begin{{pmatrix}} {a} \\ {b} \\ {c} \end{{pmatrix}}", True)
    yield from both(f"({a}, {b})", f"({b}, {a})", False)
    yield from both(f"({a}, {b}, {c})", f"({a}, {c}, {b})", False)
    yield from both(f"({a}, {b})", f"({a}, {b}, {c})", False)
    yield from both(f"({a}, {b})", f"({a}, {b + 1})", False)


def _labelled(rng: random.Random) -> Rows:
    a, b, c, d = rng.sample(range(1, 20), 4)
    x, y = rng.choice((("x", "y"), ("p", "q"), ("a", "b"), ("m", "n")))
    yield from both(f"{x} = {a}", str(a), True)
    yield from both(f"{x}={a}, {y}={b}", f"({a}, {b})", True)
    yield from both(f"{x}={a},{y}={b};{x}={c},{y}={d}", f"({a},{b}),({c},{d})", True)
    yield from both(f"{x}={a},{y}={b};{x}={c},{y}={d}", f"({c}, {d}), ({a}, {b})", True)
    yield from both(f"({x}, {y}) = ({a}, {b})", f"({a}, {b})", True)
    yield from both(rf"{x}={a} \text{{ and }} {y}={b}", f"({a}, {b})", True)
    yield from both(f"{x}={a}, {y}={b}, z={c}", f"({a}, {b}, {c})", True)
    yield from both(f"{x}={a}; {y}={b}", f"{x}={a}, {y}={b}", True)
    yield from both(f"{x} = {a}", str(a + 1), False)
    yield from both(f"{x}={a}, {y}={b}", f"({b}, {a})", False)
    yield from both(f"{x}={a},{y}={b};{x}={c},{y}={d}", f"({a},{b}),({d},{c})", False)
    yield from both(f"{x}={a},{y}={b};{x}={c},{y}={d}", f"({a},{b})", False)


def _plus_minus(rng: random.Random) -> Rows:
    k, b = rng.randint(2, 3000), rng.choice((2, 3, 5, 7))
    yield from both(rf"\pm {k}", rf"\{{-{k}, {k}\}}", True)
    yield from both(rf"\pm {k}", f"{{{k}, -{k}}}", True)
    yield from both(rf"\pm {grouped(k, NEG)}", rf"\{{-{k}, {k}\}}", True)
    yield from both(rf"\pm {k}", f"{k}, -{k}", True)
    yield from both(rf"x = \pm {k}", f"-{k}, {k}", True)
    yield from both(rf"{k} \pm \sqrt{{{b}}}", rf"{k} + \sqrt{{{b}}}, {k} - \sqrt{{{b}}}", True)
    yield from both(rf"\pm {k}", str(k), False)
    yield from both(rf"\pm {k}", rf"\pm {k + 1}", False)
    yield from both(rf"\pm {k}", rf"\{{-{k}, {k + 1}\}}", False)


WORDS = ("odd", "even", "Monday", "Tuesday", "yes", "no", "impossible", "infinite", "Alice", "Bob", "none")


def _text(rng: random.Random) -> Rows:
    word, other = rng.sample(WORDS, 2)
    for command in rng.sample(TEXT_COMMANDS, 3):
        yield from both(rf"\{command}{{{word}}}", word, True)
        yield from both(rf"\{command}{{{word}}}", rf"\text{{{word.capitalize()}}}", True)
        yield from both(rf"\{command}{{{word}}}", rf"\text{{{other}}}", False)
    if word.lower() != word.lower()[::-1]:
        yield from both(word, word[::-1], False)  # no is not on


def _choice(rng: random.Random) -> Rows:
    letter, other = rng.sample("ABCDE", 2)
    value = rng.randint(2, 99)
    for form in (f"({letter})", rf"\text{{{letter}}}", rf"\textbf{{({letter})}}", rf"\text{{({letter})}}"):
        yield from both(letter, form, True)
        yield from both(letter, form.replace(letter, other), False)
    yield letter, rf"\textbf{{({letter})}}\ {value}", True
    yield str(value), rf"\textbf{{({letter})}}\ {value}", True
    yield letter, rf"\textbf{{({other})}}\ {value}", False


def _decimal(rng: random.Random) -> Rows:
    p, q = rng.choice(((1, 2), (3, 4), (1, 5), (3, 8), (7, 20), (9, 25), (1, 4), (5, 2), (13, 10)))
    text = str(float(Fraction(p, q)))
    yield from both(text, rf"\frac{{{p}}}{{{q}}}", True)
    yield from both(text, text + "0", True)
    if text.startswith("0."):
        yield from both(text, text[1:], True)
    yield from both(text, str(float(Fraction(p, q) * 10)), False)
    yield from both(text, str(float(Fraction(p, q) + Fraction(1, 100))), False)
    n = rng.randint(10, 999)
    yield from both(f"{n}.5", rf"\frac{{{2 * n + 1}}}{{2}}", True)
    yield from both(f"{n}.5", rf"{n}\frac{{1}}{{2}}", True)  # a mixed number
    yield from both(f"{n}.5", f"{n}.50", True)
    yield from both(f"{n}.5", f"{n}.05", False)


def _pi(rng: random.Random) -> Rows:
    k, m = rng.randint(1, 9), rng.choice((2, 3, 4, 6))
    if Fraction(k, m).denominator != m:
        k = 1
    times = "" if k == 1 else str(k)
    yield from both(rf"\frac{{{times}\pi}}{{{m}}}", rf"\frac{{{k}}}{{{m}}}\pi", True)
    yield from both(rf"\frac{{{times}\pi}}{{{m}}}", rf"{times}\pi/{m}", True)
    yield from both(rf"\frac{{{times}\pi}}{{{m}}}", rf"\dfrac{{{times}\pi}}{{{m}}}", True)
    yield from both(rf"{k + 1}\pi", rf"\pi \cdot {k + 1}", True)
    yield from both(rf"{k + 1}\pi", rf"{k + 1} \pi", True)
    yield rf"{k + 1}\pi", f"{math.pi * (k + 1):.5f}", True  # a decimal with enough digits
    yield rf"\frac{{{times}\pi}}{{{m}}}", f"{math.pi * k / m:.1f}", False
    yield from both(rf"\frac{{{times}\pi}}{{{m}}}", rf"\frac{{{k + 1}\pi}}{{{m}}}", False)
    yield from both(rf"\frac{{{times}\pi}}{{{m}}}", rf"\frac{{{m}}}{{{times}\pi}}", False)
    yield from both(rf"{k + 1}\pi", str(k + 1), False)


def _negative(rng: random.Random) -> Rows:
    n, q = rng.randint(1, 999), rng.choice((3, 7, 9))
    yield from both(f"-{n}", f"−{n}", True)
    yield from both(f"-{n}", f"- {n}", True)
    yield from both(f"-{n}", f"({-n})", True)
    yield from both(rf"-\frac{{1}}{{{q}}}", rf"\frac{{-1}}{{{q}}}", True)
    yield from both(rf"-\frac{{1}}{{{q}}}", rf"-\dfrac{{1}}{{{q}}}", True)
    yield from both(f"-{n}", str(n), False)
    yield from both(rf"-\frac{{1}}{{{q}}}", rf"\frac{{1}}{{{q}}}", False)
    yield from both(f"-{n}.5", f"-{n}", False)


WRAPPERS = (r"${}$", r"\[{}\]", r"\({}\)", "{}.", r"\displaystyle {}")


def _wrapper(rng: random.Random) -> Rows:
    values = (str(rng.randint(2, 999)), rf"\frac{{{rng.randint(1, 9)}}}{{{rng.randint(11, 19)}}}", r"2\sqrt{3}")
    for value in values:
        wrapper = rng.choice(WRAPPERS)
        yield from both(wrapper.format(value), value, True)
        yield from both(wrapper.format(value), f"{value}+1", False)


FAMILIES: dict[str, Callable[[random.Random], Rows]] = {
    "thousands": _thousands,
    "money": _money,
    "fraction": _fraction,
    "root": _root,
    "percent": _percent,
    "unit": _unit,
    "interval": _interval,
    "set": _set,
    "tuple": _tuple,
    "labelled": _labelled,
    "plus_minus": _plus_minus,
    "text": _text,
    "choice": _choice,
    "decimal": _decimal,
    "pi": _pi,
    "negative": _negative,
    "wrapper": _wrapper,
}


def generate(seed: int = SEED, rounds: int = ROUNDS) -> list[Pair]:
    """Every family's pairs for `rounds` random instances, without duplicates, in a fixed order."""
    rng = random.Random(seed)
    pairs: dict[tuple[str, str], Pair] = {}
    for family, rows in FAMILIES.items():
        for _ in range(rounds):
            for gold, answer, correct in rows(rng):
                pairs.setdefault((gold, answer), Pair(family, gold, answer, correct))
    return list(pairs.values())
