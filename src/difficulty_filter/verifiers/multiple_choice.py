r"""Multiple choice (GPQA, SuperGPQA): the option letter the response commits to last.

Accepted forms: ``\boxed{C}``, ``\boxed{\text{(C) Energy}}``, "answer is (C)", "Answer: C",
"**Final answer:** c)", "the correct option is C", "which corresponds to option B", "I choose (B)".
Lower-case letters count only in parentheses or alone in a box (so "the answer is a bit tricky" is
no answer). Nothing found is ``no_answer``, never a random letter.
"""

from __future__ import annotations

import re
from typing import Any

from ..outcomes import NO_ANSWER, Verdict, binary_verdict
from ..settings import RewardSettings
from .answer_extraction import boxes, final_text
from .text_forms import unwrap_text

_LETTERS = "A-J"
#: A box holding just a letter, optionally "(C)", "C.", "Option C", "C) Energy".
_BOX_LETTER_RE = re.compile(rf"(?:option|choice|answer)?\s*:?\s*\(?([{_LETTERS}])(?:[).:\s]|$)", re.IGNORECASE)
_ANCHOR = (
    r"(?:\b(?:answer|option|choice)\b\s*(?:is|:|would be|should be|=)"
    r"|\b(?:corresponds to|choose|select|pick)\b)\s*:?\s*(?:option|choice)?\s*"
)
_ANCHOR_UPPER_RE = re.compile(rf"(?i:{_ANCHOR})[(\[]?\s*([{_LETTERS}])\s*[)\]]?(?![A-Za-z0-9])")
_ANCHOR_LOWER_RE = re.compile(rf"(?i:{_ANCHOR})(?:\(\s*([a-j])\s*\)|([a-j])\s*(?:[).]?\s*$|\)))", re.MULTILINE)
_MARKUP_RE = re.compile(r"\*\*|\$")


def verify(response: str, ground_truth: Any, extra_info: dict, settings: RewardSettings) -> Verdict:
    """Grade a multiple-choice response against the correct letter."""
    truth = choice_letter(str(ground_truth))
    if truth is None:
        raise ValueError(f"ground truth {ground_truth!r} is not an option letter")
    letter = extract_choice(final_text(response))
    if letter is None:
        return Verdict(0.0, NO_ANSWER, "no option letter found")
    same = letter == truth
    return binary_verdict(same, f"chose {letter}", letter)


def choice_letter(text: str) -> str | None:
    """The letter of an explicit choice such as ``C``, ``(c)``, ``\\text{C) Energy}``."""
    match = _BOX_LETTER_RE.match(unwrap_text(text).strip())
    return match.group(1).upper() if match else None


def extract_choice(text: str) -> str | None:
    """The last committed option letter in `text` (boxes and "answer is" phrases, by position)."""
    found = [(start, letter) for start, _, content in boxes(text) if (letter := choice_letter(content))]
    plain = _MARKUP_RE.sub(lambda m: " " * len(m.group()), text)  # same positions, no ** or $
    found += [(m.start(), m.group(1)) for m in _ANCHOR_UPPER_RE.finditer(plain)]
    found += [(m.start(), (m.group(1) or m.group(2)).upper()) for m in _ANCHOR_LOWER_RE.finditer(plain)]
    return max(found)[1] if found else None
